"""Speed and memory of the main pages on a large district, measured, not asserted.

    make bench                      # SQLite, 300 schools
    BENCH_SCHOOLS=3000 make bench   # a whole province
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench make bench

Builds a fresh database of its own (never touches instance/), fills it (bench/data.py),
then requests each page REPEAT times through the WSGI app in-process and prints, per page, the
median and 95th-percentile time, the number of SQL statements, and the process's peak memory
while serving them (counted after the fill). The scale knobs are bench/data.py's.
The figures in the README come from this script.
"""

import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playhouse.test_utils import count_queries

from bench import data
from district import create_app
from district.db import database, make_database, migration_runner

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", "300"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def build_app(tmp):
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    db = make_database(url)
    database.initialize(db)
    with db.connection_context():
        if url.startswith("postgres"):
            db.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        migration_runner().up()
    os.environ["INSTANCE_PATH"] = tmp
    return create_app({
        "DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_DIR": f"{tmp}/uploads",
    })


def measure(client, url):
    times = []
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(counter.get_queries())


def forget_peak():
    """Start counting peak memory afresh (Linux: the generator's rows are not the pages')."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def serving_peak_mib():
    """Peak resident memory since forget_peak() (VmHWM), else since the process began."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(tmp)
        with app.app_context():
            database.connect(reuse_if_open=True)
            started = time.perf_counter()
            world = data.fill(SCHOOLS)
            fill_seconds = time.perf_counter() - started
            database.close()
        forget_peak()
        print(f"# {SCHOOLS} schools; {world['summary']}; filled in {fill_seconds:.1f} s; "
              f"{REPEAT} requests per page; database {database.obj.__class__.__name__}")
        print()
        print("| page | as | median ms | p95 ms | SQL statements |")
        print("|---|---|---:|---:|---:|")
        for role, username, url in data.pages(world):
            client = app.test_client()
            client.post("/login", data={"username": username, "password": data.PASSWORD})
            median, p95, queries = measure(client, url)
            print(f"| `{url}` | {role} | {median:.1f} | {p95:.1f} | {queries} |")
        peak = serving_peak_mib()
        print()
        print(f"peak memory of the process while serving the pages: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
