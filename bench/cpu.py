"""What one request of each key page costs in processor time: the gunicorn worker's and
PostgreSQL's, against the reference page's, one request at a time (issue 10).

    BENCH_REUSE=1 .venv/bin/python -m bench.cpu          # the province, as bench/build.py left it
    BENCH_SCALE=district .venv/bin/python -m bench.cpu   # 45 schools, SQLite
    BENCH_ONLY=tracking BENCH_REQUESTS=300 .venv/bin/python -m bench.cpu

make bench-http measures throughput under load, where the workers, PostgreSQL and wrk share
the two cores: a page's requests per second are about the cores divided by everything one of
its requests costs them. This measures that cost directly, without the load: one gunicorn
worker (bench/gunicorn_settings.py, BENCH_WORKERS=1) for the application and one for the
reference, each page requested BENCH_REQUESTS times (default 200) in turn from one client, and
the processor time (user and system, from /proc) the worker and every PostgreSQL process used
meanwhile, per request (SQLite's work is the worker's own: 0 in that column at district
scale); BENCH_ROUNDS (default 3) reference-then-page pairs, the median of each.
"CPU ratio" is the reference's time over the page's: the ratio make bench-http would find if
only these two processes' time counted (wrk's and the kernel's share of each request, the same
for both, brings the measured ratios a little closer to 1). A page at 0.25 of the reference
may cost about four times the reference's request.
"""

import http.client
import os
import statistics
import sys
import time
from pathlib import Path

from bench import build
from bench.http import FLOOR, Server, app_environment, chosen, key_pages, scale_settings, signed_in

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_times(pids):
    """{pid: user and system time so far, in seconds} of these processes (those gone left out)."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return times


def used_since(before, pids):
    """The time these processes used since `before` (cpu_times): a process that ended meanwhile
    is left out (its time went with it), one that started counts from 0."""
    after = cpu_times(pids)
    return sum(t - before.get(pid, 0) for pid, t in after.items())


def postgres_pids():
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def measure(server, path, cookie, postgres):
    """(wall, worker CPU, PostgreSQL CPU) per request, in ms, of REQUESTS requests in turn."""
    headers = {"Cookie": cookie} if cookie else {}

    def one():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    for _ in range(10):  # the connection pool, prepared statements, caches
        status = one()
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    workers = server.workers()
    started = time.perf_counter()
    worker_before = cpu_times(workers)
    pg_before = cpu_times(postgres_pids()) if postgres else {}
    for _ in range(REQUESTS):
        one()
    per = 1000 / REQUESTS
    return ((time.perf_counter() - started) * per, used_since(worker_before, workers) * per,
            (used_since(pg_before, postgres_pids()) if postgres else 0) * per)


def main():
    scale, url, n_schools = scale_settings()
    world, _seconds = build.prepare(url, n_schools, reuse=os.environ.get("BENCH_REUSE") == "1")
    pages = chosen(key_pages(world))
    if os.environ.get("BENCH_FLOOR", "1") != "0":
        pages = FLOOR + pages
    postgres = build.is_postgres_url(url)
    one_worker = {"BENCH_WORKERS": "1"}
    reference = Server("reference", "bench.reference:app", one_worker, "/")
    application = Server("app", "app:app", {**app_environment(url), **one_worker}, "/healthz")
    rows = []
    try:
        cookies = signed_in(application, pages)
        print(f"# {scale}: {world['summary']}", flush=True)
        print(f"# one gunicorn sync worker each; {REQUESTS} requests in turn per measure, "
              f"median of {ROUNDS} rounds", flush=True)
        for label, username, path in pages:
            refs, runs = [], []
            for _round in range(ROUNDS):
                refs.append(measure(reference, "/", None, postgres))
                runs.append(measure(application, path, cookies[username], postgres))
            ref = [statistics.median(r[i] for r in refs) for i in range(3)]
            run = [statistics.median(r[i] for r in runs) for i in range(3)]
            row = {"label": label, "wall": run[0], "worker": run[1], "pg": run[2],
                   "ref": ref[1] + ref[2]}
            row["ratio"] = row["ref"] / (row["worker"] + row["pg"])
            rows.append(row)
            print(f"#   {label}: worker {row['worker']:.2f} ms, PostgreSQL {row['pg']:.2f} ms, "
                  f"reference {row['ref']:.2f} ms, CPU ratio {row['ratio']:.3f}", flush=True)
    finally:
        application.stop()
        reference.stop()
    for server in (application, reference):
        Path(server.log.name).unlink(missing_ok=True)
    print()
    print("| page | wall ms | worker CPU ms | PostgreSQL CPU ms | reference CPU ms | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['label']} | {r['wall']:.2f} | {r['worker']:.2f} | {r['pg']:.2f} | "
              f"{r['ref']:.2f} | {r['ratio']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
