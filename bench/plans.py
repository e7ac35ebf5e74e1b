"""Which prepared statements PostgreSQL runs slower once it has switched to their generic plan.

    python -m bench.plans                          # every key page, the province
    BENCH_ONLY=tracking python -m bench.plans      # the pages BENCH_ONLY names

PostgreSQL plans a prepared statement with its values for its first five runs (custom plans),
then may keep one plan for any values (the generic plan): a condition written as a parameter
where a partial index expects a constant (`is_current = $1`, not `WHERE is_current`), or a CASE
compared with a value, can make that plan several times slower, and only from the sixth request
of a worker's connection on, so a page looks fast when tried once. This requests each key page
(bench/http.py's list, signed in as its user, in-process on one pooled connection) 14 times and
prints, for each statement it ran by EXECUTE, the median time of runs 2-5 and of runs 8-14, and
flags those whose later runs are slower by half and 0.2 ms or more. Confirm a flagged one with
`SET plan_cache_mode = force_generic_plan` (then `force_custom_plan`) and EXPLAIN ANALYZE
EXECUTE (docs/conventions.md). On the database bench/build.py left (BENCH_DATABASE_URL).
"""

import collections
import re
import statistics
import sys
import time

from bench import build, data
from bench.http import scale_settings
from bench.instructions import _caller, pages_of, signed_in
from district.db import database

RUNS = 14


def main():
    _scale, url, _n = scale_settings()
    if url.startswith("sqlite"):
        print("bench.plans is for PostgreSQL (SQLite has no generic plans)", file=sys.stderr)
        return 2
    app = build.make_app(url)
    with app.app_context(), database.connection_context():
        world = data.stored_world()
    pages = pages_of(world)
    cookies = signed_in(app, pages)
    execute = database.obj.execute_sql
    times = collections.defaultdict(list)
    page = [None]

    def timed(sql, params=None, *args, **kwargs):
        started = time.perf_counter()
        try:
            return execute(sql, params, *args, **kwargs)
        finally:
            name = re.match(r"EXECUTE (\w+)", sql)
            if name:
                times[page[0], name.group(1)].append(time.perf_counter() - started)

    database.obj.execute_sql = timed
    for label, user, path in pages:
        page[0] = label
        call = _caller(app, path, cookies[user])
        for _ in range(RUNS):
            call()
    database.obj.execute_sql = execute
    with app.app_context(), database.connection_context():  # the pool's one connection
        sql = dict(database.execute_sql(
            "SELECT name, statement FROM pg_prepared_statements").fetchall())
    print("| page | statement (its first table) | runs 2-5 (custom plans), ms | runs 8-14, ms "
          "| |")
    print("|---|---|---:|---:|---|")
    flagged = 0
    for (label, name), runs in times.items():
        if len(runs) < RUNS:
            continue  # not run on each request: its runs are not the page's
        first = statistics.median(runs[1:5]) * 1000
        later = statistics.median(runs[7:]) * 1000
        slower = later > 1.5 * first and later - first >= 0.2
        flagged += slower
        table = re.search(r'FROM \(*"(\w+)"', sql.get(name, ""))
        what = f"{name} ({table.group(1)})" if table else name
        print(f"| {label} | {what} | {first:.2f} | {later:.2f} | {'slower' if slower else ''} |")
    print(f"\n{flagged} statement(s) slower on their later runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
