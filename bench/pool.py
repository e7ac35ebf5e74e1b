"""PostgreSQL connections reused (a pool per worker) against a new connection per request.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.pool

(the database given is emptied first). Builds a small district (bench/data.py, 30 schools),
then requests /healthz and a few signed-in pages REPEAT times in-process through the WSGI app,
once with DATABASE_POOL_SIZE=0 (a new connection for every request) and once with the pool,
and prints the median and 95th-percentile time of each. Not a pass/fail test.
"""

import os
import statistics
import tempfile
import time

from bench import data
from district import create_app
from district.db import database, make_database, migration_runner

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))


def build(tmp, pool_size):
    os.environ["INSTANCE_PATH"] = tmp
    return create_app({
        "DATABASE_URL": URL, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_DIR": f"{tmp}/uploads", "DATABASE_POOL_SIZE": pool_size,
    })


def timed(client, url):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    db = make_database(URL)
    database.initialize(db)
    with db.connection_context():
        db.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        migration_runner().up()
    with tempfile.TemporaryDirectory() as tmp:
        app = build(tmp, 0)
        with app.app_context():
            database.connect(reuse_if_open=True)
            world = data.fill(30)
            database.close()
        pages = [("anyone", None, "/healthz")] + [
            (role, user, url) for role, user, url in data.pages(world)
            if url in ("/directives/", "/incidents/", "/notifications/")]
        print(f"# {REPEAT} requests per page, in-process, PostgreSQL")
        print("| page | as | new connection per request: median / p95 ms | "
              "pooled: median / p95 ms |")
        print("|---|---|---:|---:|")
        for role, username, url in pages:
            figures = []
            for pool_size in (0, 16):
                client = build(tmp, pool_size).test_client()
                if username:
                    client.post("/login", data={"username": username,
                                                "password": data.PASSWORD})
                figures.append(timed(client, url))
            print(f"| `{url}` | {role} | {figures[0][0]:.2f} / {figures[0][1]:.2f} | "
                  f"{figures[1][0]:.2f} / {figures[1][1]:.2f} |")


if __name__ == "__main__":
    main()
