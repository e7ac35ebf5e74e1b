"""Build a benchmark database once, to be reused (bench/http.py, by hand).

    .venv/bin/python -m bench.build                         # the province, on PostgreSQL
    BENCH_SCHOOLS=45 BENCH_DATABASE_URL=sqlite:////tmp/d.db .venv/bin/python -m bench.build

BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/bench): a PostgreSQL database
is created if missing, then emptied (its public schema dropped) and migrated; a SQLite file is
deleted and made again. BENCH_SCHOOLS (default 3000 here) and the other knobs of bench/data.py
give the scale. The test suite's databases (test, postgres, district_test_*) are refused.
With BENCH_REUSE=1 a database already filled at the same scale is kept (only its pending
migrations are applied).
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import data
from district import create_app
from district.db import database, migration_runner

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench"
PROTECTED = {"postgres", "test", "template0", "template1"}


def database_url():
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL


def is_postgres_url(url):
    return url.startswith(("postgresql://", "postgres://"))


def _pg_name(url):
    name = urlsplit(url).path.lstrip("/")
    if not name or name in PROTECTED or name.startswith("district_test"):
        raise SystemExit(f"bench: refusing to empty the database {name!r} (the tests' or the "
                         "server's own); give BENCH_DATABASE_URL another name, e.g. .../bench")
    return name


def ensure_pg_database(url):
    """Create the PostgreSQL database of `url` if it does not exist yet."""
    import psycopg2

    name = _pg_name(url)
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    finally:
        conn.close()


def make_app(url, instance=None):
    """The application on `url`, configured as the benchmarks run it."""
    instance = instance or str(Path(tempfile.gettempdir()) / "district-bench" / "instance")
    os.environ["INSTANCE_PATH"] = instance
    return create_app({
        "DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "UPLOAD_DIR": f"{instance}/uploads",
    })


def _empty(url):
    if is_postgres_url(url):
        database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    # SQLite: the file was removed before the app opened it (see prepare).


def _analyze(url):
    """PostgreSQL: statistics and the visibility map, as autovacuum would leave them."""
    if not is_postgres_url(url):
        database.execute_sql("ANALYZE")
        return
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
    finally:
        conn.close()


def current_world(url, scale):
    """The world a previous build left at `url` if it has this scale, else None."""
    if is_postgres_url(url):
        ensure_pg_database(url)
    elif not Path(url[len("sqlite:///"):]).exists():
        return None
    app = make_app(url)
    with app.app_context(), database.connection_context():
        try:
            world = data.stored_world()
        except Exception:  # noqa: BLE001 - no table yet: not a bench database
            return None
        if world is None or world.get("scale") != scale:
            return None
        migration_runner().up()  # the code may have moved on since the build
    return world


def prepare(url=None, n_schools=None, reuse=False, log=print):
    """A filled database at `url`: reused when asked and already at the scale, else rebuilt.
    Returns (world, seconds spent filling, or None when reused)."""
    url = url or database_url()
    scale = data.knobs(n_schools)
    if is_postgres_url(url):
        ensure_pg_database(url)
    if reuse:
        world = current_world(url, scale)
        if world is not None:
            log(f"# reusing {url}: {world['summary']}")
            return world, None
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = make_app(url)
    with app.app_context():
        with database.connection_context():
            _empty(url)
            migration_runner().up()
        started = time.perf_counter()
        with database.connection_context():
            world = data.fill(scale["schools"], log=log)
        filled = time.perf_counter() - started
        log(f"# filled in {filled:.1f} s: {world['summary']}")
        started = time.perf_counter()
        with database.connection_context():
            _analyze(url)
        analyzed = time.perf_counter() - started
        log(f"# {'VACUUM ANALYZE' if is_postgres_url(url) else 'ANALYZE'} "
            f"in {analyzed:.1f} s; total {filled + analyzed:.1f} s")
        world["build_seconds"] = round(filled + analyzed, 1)
    return world, filled + analyzed


def main():
    n = int(os.environ.get("BENCH_SCHOOLS", "3000"))
    world, _seconds = prepare(database_url(), n, reuse=os.environ.get("BENCH_REUSE") == "1")
    print(json.dumps({k: world[k] for k in ("summary", "counts", "directive_id",
                                             "incident_id")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
