"""Where one page's time goes: its SQL statements (each timed) and a cProfile of the request.

    .venv/bin/python -m bench.profile_page chuyenvien /directives/12/tracking
    BENCH_DATABASE_URL=sqlite:////tmp/district-bench/district.db \
        .venv/bin/python -m bench.profile_page ht.3 /

On the database bench/build.py left (BENCH_DATABASE_URL, default the province on PostgreSQL;
nothing is built here). The page is requested BENCH_REPEAT times (default 5) in this process
first to warm caches, then once under the profiler. Prints the request's wall time, the time in
SQL (statement by statement, slowest first), and the functions with the most time of their own
and the most time in total (BENCH_TOP of each, default 25).
"""

import cProfile
import io
import os
import pstats
import sys
import time

from bench import build, data
from district.db import database


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    username, path = sys.argv[1:]
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    top = int(os.environ.get("BENCH_TOP", "25"))
    app = build.make_app(build.database_url())
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": username, "password": data.PASSWORD})
    for _ in range(repeat):
        status = client.get(path).status_code
    if status != 200:
        print(f"{path} as {username}: HTTP {status}")
        return 1
    timings = []
    execute = database.obj.execute_sql

    def timed(sql, params=None, *args, **kwargs):
        started = time.perf_counter()
        try:
            return execute(sql, params, *args, **kwargs)
        finally:
            timings.append((time.perf_counter() - started, sql))

    database.obj.execute_sql = timed
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    response = client.get(path)
    profile.disable()
    wall = time.perf_counter() - started
    database.obj.execute_sql = execute
    in_sql = sum(t for t, _ in timings)
    print(f"{path} as {username}: HTTP {response.status_code}, {len(response.data) / 1024:.1f} KB, "
          f"{wall * 1000:.1f} ms, of which {len(timings)} SQL statements {in_sql * 1000:.1f} ms "
          f"(execution; fetching rows and building objects count as Python)")
    print()
    for seconds, sql in sorted(timings, reverse=True):
        print(f"{seconds * 1000:8.1f} ms  {sql[:300]}")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print()
        print(f"--- by {order} ---")
        print("\n".join(out.getvalue().splitlines()[4:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
