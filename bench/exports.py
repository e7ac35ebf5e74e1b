"""Memory of the exports at scale: each export generated once in a fresh process.

    .venv/bin/python -m bench.exports            # on the database bench/build.py left
    BENCH_REUSE=1 BENCH_SCHOOLS=3000 .venv/bin/python -m bench.exports

Uses BENCH_DATABASE_URL (default the province on PostgreSQL, built if missing or at another
scale; BENCH_REUSE=1 keeps it). For each export a new Python process creates the application,
signs in, answers one light page (the baseline), then generates the export through the
test client; it reports the peak resident memory before and after (ru_maxrss), the size and
the time. The difference is what the export itself costs: constant-memory writers keep it
flat whatever the number of schools.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import build, data


def exports(world):
    d = world["directive_id"]
    return [
        ("directive tracking (XLSX)", "chuyenvien", f"/directives/{d}/tracking.xlsx"),
        ("directive tracking (CSV)", "chuyenvien", f"/directives/{d}/tracking.csv"),
        ("roster coverage (XLSX)", "chuyenvien", "/rosters/coverage.xlsx"),
        ("roster coverage (CSV)", "chuyenvien", "/rosters/coverage.csv"),
        ("audit log (CSV)", "admin", "/admin/audit.csv"),
    ]


def peak_mb():
    """Peak resident memory of this process: VmHWM (ru_maxrss would carry the parent's peak
    across exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(url, username, path):
    """In this (fresh) process: the baseline, then the export; prints one JSON line."""
    app = build.make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": username, "password": data.PASSWORD})
    client.get("/healthz")
    before = peak_mb()
    started = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    seconds = time.perf_counter() - started
    print(json.dumps({"status": response.status_code, "bytes": len(body), "seconds": seconds,
                      "before_mb": before, "peak_mb": peak_mb()}))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        one(*sys.argv[2:])
        return 0
    url = build.database_url()
    n = int(os.environ.get("BENCH_SCHOOLS", "3000"))
    world, _ = build.prepare(url, n, reuse=os.environ.get("BENCH_REUSE") == "1")
    print(f"# {world['summary']}")
    print()
    print("| export | size | seconds | peak MB before | peak MB after | the export's own |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, username, path in exports(world):
        out = subprocess.run([sys.executable, "-m", "bench.exports", "--one", url, username,
                              path], capture_output=True, text=True, timeout=1800)
        line = next((x for x in out.stdout.splitlines() if x.startswith("{")), None)
        if out.returncode or line is None:
            print(f"| {label} | FAILED | | | | |")
            print(out.stderr[-2000:], file=sys.stderr)
            continue
        r = json.loads(line)
        if r["status"] != 200:
            print(f"| {label} | HTTP {r['status']} | | | | |")
            continue
        print(f"| {label} | {r['bytes'] / 1024:,.0f} KB | {r['seconds']:.1f} | "
              f"{r['before_mb']:.0f} | {r['peak_mb']:.0f} | "
              f"+{r['peak_mb'] - r['before_mb']:.0f} MB |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
