"""CPU instructions per request of each key page, counted by valgrind's callgrind: the same
count for the same code and data whatever else the machine is doing, where requests per second
move by a fifth between runs on a shared machine. For comparing two commits, not for the target
(bench/http.py measures that).

    python -m bench.instructions                        # the province on PostgreSQL
    BENCH_SCALE=district python -m bench.instructions   # 45 schools on SQLite
    BENCH_SAVE=after.json python -m bench.instructions  # keep the figures in a file;
    BENCH_COMPARE=before.json python -m bench.instructions  # and set them beside another run's

Needs Debian's valgrind. The database is bench/build.py's at the scale (kept when already built
at that scale; the knobs are bench/http.py's). This process prepares it, then runs itself under
`valgrind --tool=callgrind`: the app in-process (Flask's test client), every user signed in,
each key page requested 5 times to warm it, then BENCH_REPEAT times (default 10) between two
dumps of the counts; each request is the WSGI app called with an environ built once (so the
count is the app's, not a test client's). What is counted is this Python process: the
application, Flask, Jinja, peewee and the database driver; PostgreSQL's own work is another
process's (SQLite's is here). The floor row /help is what any signed-in page costs first.
BENCH_ONLY=word,word counts only the key pages it names, as for bench/http.py.
"""

import glob
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from werkzeug.test import EnvironBuilder

from bench import build, data
from bench.http import FLOOR, chosen, key_pages, scale_settings

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
CHILD = "BENCH_CALLGRIND_DIR"
# bench/http.py's reference page (bench/reference.py), requested the same way: a page's
# instructions over its own give the share of the reference's speed its Python side allows.
REFERENCE = ("(reference) bare Flask page", "", "/")


def pages_of(world):
    return FLOOR[1:] + chosen(key_pages(world))


def signed_in(app, pages):
    """{username: the Cookie header of a session signed in through the app's form} for each
    user of `pages`."""
    cookies = {}
    for _label, user, _path in pages:
        if user not in cookies:
            app.config["WTF_CSRF_ENABLED"] = False  # signing in; the pages keep their tokens
            client = app.test_client()
            client.post("/login", data={"username": user, "password": data.PASSWORD})
            app.config["WTF_CSRF_ENABLED"] = True
            cookies[user] = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    return cookies


def _caller(app, path, cookie=""):
    """A function requesting `path` of the WSGI `app` as a browser with `cookie` would: the
    environ is built once and the app called directly (the test client's own work, about as
    much as the reference page's, is not counted)."""
    headers = {"Cookie": cookie} if cookie else {}
    environ = EnvironBuilder(path=path, headers=headers).get_environ()
    answers = []

    def call():
        request = {**environ, "wsgi.input": io.BytesIO(b"")}
        body = app(request, lambda status, headers, _info=None: answers.append((status, headers)))
        try:
            b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        status, headers = answers.pop()
        # A rewritten session cookie (its activity noted once a minute) is sent from then on,
        # as a browser would: otherwise every later request would rewrite it again.
        sent = [value for name, value in headers if name.lower() == "set-cookie"]
        if sent:
            jar = dict(part.split("=", 1) for part in environ.get("HTTP_COOKIE", "").split("; ")
                       if "=" in part)
            for value in sent:
                key, _, rest = value.partition("=")
                jar[key] = rest.split(";", 1)[0]
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        return status

    return call


def child(out):
    """Under callgrind: request each page and dump the counts around its REPEAT requests."""
    from district.db import database

    url = os.environ["BENCH_INSTRUCTIONS_URL"]
    app = build.make_app(url)
    with app.app_context(), database.connection_context():
        world = data.stored_world()
    pages = pages_of(world)
    cookies = signed_in(app, pages)
    from bench.reference import app as reference

    calls = [_caller(reference, REFERENCE[2])]
    calls += [_caller(app, path, cookies[user]) for _label, user, path in pages]
    pages = [REFERENCE, *pages]
    for call, (_label, user, path) in zip(calls, pages, strict=True):
        for _ in range(5):
            status = call()
        if not status.startswith("200"):
            raise SystemExit(f"{path} as {user}: HTTP {status}")
    pid = str(os.getpid())
    for i, call in enumerate(calls):
        subprocess.run(["callgrind_control", f"--dump=before{i}", pid], check=True,
                       capture_output=True)
        for _ in range(REPEAT):
            call()
        subprocess.run(["callgrind_control", f"--dump=page{i}", pid], check=True,
                       capture_output=True)
    with open(os.path.join(out, "pages.json"), "w") as f:
        json.dump([[label, user, path] for label, user, path in pages], f)


def counted(out):
    """{page index: instructions per request} from the dumps in `out`."""
    found = {}
    for name in glob.glob(os.path.join(out, "callgrind.out.*")):
        with open(name, errors="replace") as f:
            head = f.read(4000)
        trigger = re.search(r"^desc: Trigger: dump page(\d+)$", head, re.M)
        summary = re.search(r"^summary: (\d+)$", head, re.M)
        if trigger and summary:
            found[int(trigger.group(1))] = int(summary.group(1)) / REPEAT
    return found


def main():
    if os.environ.get(CHILD):
        child(os.environ[CHILD])
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("bench.instructions needs valgrind (Debian: apt-get install valgrind)",
              file=sys.stderr)
        return 2
    scale, url, n_schools = scale_settings()
    build.prepare(url, n_schools, reuse=True)
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as out:
        env = {**os.environ, CHILD: out, "BENCH_INSTRUCTIONS_URL": url}
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/callgrind.out.%p",
             sys.executable, "-m", "bench.instructions"], env=env, capture_output=True,
            text=True)
        if run.returncode != 0:
            print(run.stderr[-3000:], file=sys.stderr)
            return run.returncode
        with open(os.path.join(out, "pages.json")) as f:
            pages = json.load(f)
        found = counted(out)
    figures = {label: round(found[i] / 1e6, 2) for i, (label, _u, _p) in enumerate(pages)
               if i in found}
    before = {}
    if os.environ.get("BENCH_COMPARE"):
        with open(os.environ["BENCH_COMPARE"]) as f:
            before = json.load(f)["figures"]
    reference = figures.get(REFERENCE[0])
    print(f"# {scale}: millions of instructions per request (callgrind, {REPEAT} requests "
          "after 5 to warm); the reference's over the page's: the share of the reference's "
          "speed the page's Python side allows (its SQL server's work aside)")
    print("| page | as | " + ("before | after | change |" if before else "M instructions |")
          + " reference / page |")
    print("|---|---|" + ("---:|---:|---:|" if before else "---:|") + "---:|")
    for label, user, _path in pages:
        if label not in figures:
            continue
        share = f"{reference / figures[label]:.3f}" if reference else ""
        if before and label in before:
            change = 100 * (figures[label] - before[label]) / before[label]
            print(f"| {label} | {user} | {before[label]:.1f} | {figures[label]:.1f} | "
                  f"{change:+.0f}% | {share} |")
        else:
            print(f"| {label} | {user or '-'} | {figures[label]:.1f} | {share} |")
    if os.environ.get("BENCH_SAVE"):
        with open(os.environ["BENCH_SAVE"], "w") as f:
            json.dump({"scale": scale, "repeat": REPEAT, "figures": figures}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
