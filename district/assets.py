"""Static files: light and long-cached.

`make` (through `python -m district.assets`) copies every file of static/ to static/dist/ under a
name that carries a hash of its content (`css/app.css` -> `dist/css/app.3f2a9c1b0d4e.css`),
writes their gzip and Brotli forms beside them and the map of names to static/dist/manifest.json.
At run time `url_for('static', filename='css/app.css')` answers the hashed name, and WhiteNoise
serves static/ (compressed when the browser accepts it) with a year's immutable cache for the
hashed names: a changed file gets a new name, so nothing stale is ever served. Without a build
(a bare checkout), the plain names are served with a short cache.

HTML and htmx answers are compressed by Flask-Compress.
"""

import hashlib
import json
import sys
from pathlib import Path

import brotli
from flask import request
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

DIST = "dist"
MANIFEST = "manifest.json"
HASH_LENGTH = 12
YEAR = 365 * 24 * 3600
# Not served to browsers, or already compressed forms of a file.
SKIPPED = {".gz", ".br", ".installed", ".map"}
# Security headers for files that WhiteNoise answers without going through Flask.
STATIC_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def _sources(static):
    for path in sorted(static.rglob("*")):
        relative = path.relative_to(static)
        if (not path.is_file() or relative.parts[0] == DIST or path.suffix in SKIPPED
                or path.name.startswith(".")):
            continue
        yield relative.as_posix(), path


def hashed_name(relative, content):
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = relative.rpartition(".")
    if not dot or "/" in suffix:
        return f"{relative}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def build(static, log=None):
    """Write the hashed copies, their compressed forms and the manifest; remove stale copies.
    Running it again with nothing changed writes nothing. Returns the manifest."""
    static = Path(static)
    dist = static / DIST
    compressor = Compressor(quiet=True)
    manifest, written = {}, []
    for relative, path in _sources(static):
        content = path.read_bytes()
        name = hashed_name(relative, content)
        manifest[relative] = f"{DIST}/{name}"
        target = dist / name
        if not target.exists() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(name)
        if compressor.should_compress(str(target)) and not (
                Path(f"{target}.gz").exists() and Path(f"{target}.br").exists()):
            for _ in compressor.compress(str(target)):
                pass
    keep = {dist / name[len(DIST) + 1:] for name in manifest.values()}
    keep |= {Path(f"{p}{ext}") for p in keep for ext in (".gz", ".br")}
    for path in dist.rglob("*") if dist.exists() else ():
        if path.is_file() and path.name != MANIFEST and path not in keep:
            path.unlink()
    manifest_path = dist / MANIFEST
    text = json.dumps(manifest, indent=1, sort_keys=True)
    if not manifest_path.exists() or manifest_path.read_text(encoding="utf-8") != text:
        dist.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(text, encoding="utf-8")
    if log:
        log(f"static files: {len(manifest)} hashed, {len(written)} written")
    return manifest


def load_manifest(static):
    path = Path(static) / DIST / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _add_headers(headers, path, url):
    for name, value in STATIC_HEADERS.items():
        headers[name] = value


class StaticFiles(WhiteNoise):
    # Hashed names never change content: a year, immutable (WhiteNoise's own default is ten).
    FOREVER = YEAR


compress = Compress()
# htmx answers are small and frequent, on slow connections: Brotli's best quality (about 5 ms
# for 10 KB, 10-15% smaller than quality 6) is worth it up to this size.
SMALL_ANSWER = 24 * 1024


def _compress_small_htmx_answer(response):
    if (request.headers.get("HX-Request") != "true" or response.direct_passthrough
            or response.is_streamed or "Content-Encoding" in response.headers
            or response.mimetype != "text/html" or not 200 <= response.status_code < 300
            or "br" not in request.headers.get("Accept-Encoding", "")):
        return response
    data = response.get_data()
    if not 500 <= len(data) <= SMALL_ANSWER:
        return response
    response.set_data(brotli.compress(data, quality=11, mode=brotli.MODE_TEXT))
    response.headers["Content-Encoding"] = "br"
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    return response


def init_app(app):
    # HTML, htmx answers and JSON compressed: Brotli at quality 6 (a 75 KB list in about 2 ms,
    # 10% smaller than gzip; 9 and above cost 10-200 ms), else gzip; streamed answers (exports)
    # are left as they are. Static files: WhiteNoise below.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 6)
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "application/json"])
    compress.init_app(app)
    app.after_request(_compress_small_htmx_answer)  # runs before Flask-Compress's own
    static = Path(app.static_folder)
    # The debug server (make dev) serves the files as they are edited, under their own names.
    manifest = {} if app.debug else load_manifest(static)
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def _hashed_static_name(endpoint, values):
        if endpoint == "static":
            name = values.get("filename")
            if name in manifest:
                values["filename"] = manifest[name]

    prefix = f"/{app.static_url_path.strip('/')}/{DIST}/"
    app.wsgi_app = StaticFiles(
        app.wsgi_app, root=str(static), prefix=app.static_url_path.strip("/") + "/",
        max_age=60, autorefresh=app.debug,
        immutable_file_test=lambda path, url: url.startswith(prefix),
        add_headers_function=_add_headers,
    )


def main(argv=None):
    """`python -c 'import district.assets as a; a.main()'` (make assets): build static/."""
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "static"
    build(root, log=print)
