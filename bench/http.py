"""The HTTP benchmark: the application behind gunicorn, under wrk, page by page, against a
bare Flask page in the same run (issue 10).

    make bench-http                                # the province: 3,000 schools, PostgreSQL
    BENCH_SCALE=district make bench-http           # 45 schools, SQLite
    BENCH_SECONDS=5 BENCH_REUSE=1 make bench-http  # shorter; keep a database already built

What it does:
1. a database at the scale (bench/build.py; BENCH_REUSE=1 keeps one already built at the same
   scale): province = BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/bench)
   with BENCH_SCHOOLS (default 3000); district = a SQLite file in the temporary folder (or
   BENCH_DATABASE_URL) with 45 schools. The other knobs are bench/data.py's.
2. two gunicorn servers on free loopback ports, with the same settings
   (bench/gunicorn_settings.py: 2 sync workers, no access log): the application (app:app,
   DATABASE_URL at the bench database, a fixed SECRET_KEY, rate limiting off) and the
   reference (bench/reference.py: 50 rows from memory in a small layout);
3. one session per role, signed in through the real /login form (its CSRF token), whose
   cookie wrk sends;
4. for each key page: one plain GET (must be 200; its HTML bytes), its SQL statements
   (one request in this process, counted), then wrk -t2 -c16 -d BENCH_SECONDS on the
   reference, then on the page; ratio = page requests/s / reference requests/s;
5. a markdown table, the scale, and each worker's resident memory after the run.

BENCH_ONLY=word,word measures only the pages whose label or URL contains one of the words;
BENCH_ROUNDS=n repeats each reference-then-page pair n times and reports the median ratio's
pair (the machine's other load moves the figures); BENCH_FLOOR=0 leaves out the two floor rows
(/healthz, and /help signed in: what any request costs before a page's own work).
"""

import datetime as dt
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench import build

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_report.lua"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
THREADS, CONNECTIONS = 2, 16
# Reference-then-page pairs per page; the pair with the median ratio is reported (the machine's
# other load moves both figures; more rounds steady the ratio).
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
TARGET = 0.25  # issue 10: every key page at least this share of the reference


# --- Scale and database ------------------------------------------------------------------------


def scale_settings():
    """(name, database URL, number of schools) of BENCH_SCALE."""
    scale = os.environ.get("BENCH_SCALE", "province")
    if scale == "district":
        default = f"sqlite:///{Path(tempfile.gettempdir()) / 'district-bench' / 'district.db'}"
        return scale, os.environ.get("BENCH_DATABASE_URL") or default, \
            int(os.environ.get("BENCH_SCHOOLS", "45"))
    if scale != "province":
        raise SystemExit(f"BENCH_SCALE is province or district, not {scale!r}")
    return scale, build.database_url(), int(os.environ.get("BENCH_SCHOOLS", "3000"))


def key_pages(world):
    """(label, username, path) of every page measured, in order."""
    d, i = world["directive_id"], world["incident_id"]
    principal = f"ht.{world.get('busy_school', 0)}"
    school = world.get("busy_school_id", world["school_ids"][0])
    search = urllib.parse.urlencode({"q": "bắt nạt"})
    return [
        ("officer's home", "chuyenvien", "/"),
        ("observer's home", "lanhdao", "/"),
        ("principal's home", principal, "/"),
        ("directive list", "chuyenvien", "/directives/"),
        ("tracking", "chuyenvien", f"/directives/{d}/tracking"),
        ("tracking, by state", "chuyenvien", f"/directives/{d}/tracking?sort=state"),
        ("tracking, overdue only", "chuyenvien", f"/directives/{d}/tracking?state=overdue"),
        ("tracking, one level", "chuyenvien", f"/directives/{d}/tracking?level=thcs"),
        ("principal's inbox", principal, "/directives/"),
        ("roster coverage", "chuyenvien", "/rosters/"),
        ("incident list", "chuyenvien", "/incidents/"),
        ("incident search", "chuyenvien", f"/incidents/?{search}"),
        ("incidents, one status", "chuyenvien", "/incidents/?status=handling"),
        ("incidents, one category", "chuyenvien", "/incidents/?category=bullying"),
        ("incidents, one school", "chuyenvien", f"/incidents/?school={school}"),
        ("an incident", "chuyenvien", f"/incidents/{i}"),
        ("incident statistics", "chuyenvien", "/incidents/stats"),
        ("incident statistics (observer)", "lanhdao", "/incidents/stats"),
        ("notifications (principal)", principal, "/notifications/"),
        ("notifications (officer)", "chuyenvien", "/notifications/"),
        ("audit log", "admin", "/admin/audit"),
    ]


def chosen(pages):
    """The pages BENCH_ONLY names (a word of the label or the URL), all without it."""
    only = [w.strip() for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()]
    return [p for p in pages if not only or any(w in p[0] or w in p[2] for w in only)]


# Not key pages: what any request costs before a page's own work (BENCH_FLOOR=0 leaves them
# out). /healthz: no session, no template; /help: signed in, the layout and little else.
FLOOR = [("(floor) /healthz, no session", None, "/healthz"),
         ("(floor) /help, signed in", "chuyenvien", "/help")]


# --- Servers -----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn master serving `app` with bench/gunicorn_settings.py on a free port."""

    def __init__(self, name, app, env, probe):
        self.name, self.probe = name, probe
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log",
                                               delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:bench.gunicorn_settings", app],
            cwd=ROOT, env={**os.environ, **env, "BENCH_BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name}: gunicorn stopped; see {self.log.name}")
            try:
                if get(self.base + probe)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{name}: gunicorn did not answer in 60 s; see {self.log.name}")

    def workers(self):
        """The pids of the master's worker processes."""
        pid = self.process.pid
        try:
            return [int(p) for p in
                    Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def drain(self):
        """Wait until the requests wrk left queued are answered: two quick answers in a row."""
        quick = 0
        deadline = time.monotonic() + 120
        while quick < 2 and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                get(self.base + self.probe, timeout=120)
            except OSError:
                time.sleep(0.2)
                continue
            quick = quick + 1 if time.monotonic() - started < 0.25 else 0

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def resident_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def app_environment(url):
    """The application's environment under the benchmarks: the bench database, a fixed secret,
    no rate limit, sessions that outlast a run, an instance folder of its own."""
    instance = str(Path(tempfile.gettempdir()) / "district-bench" / "instance")
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-http", "RATELIMIT_ENABLED": "0",
            "INSTANCE_PATH": instance, "UPLOAD_DIR": f"{instance}/uploads",
            "SESSION_IDLE_MINUTES": "600", "SESSION_MAX_HOURS": "24"}


# --- HTTP as a signed-in user -------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url, cookie=None, timeout=30):
    """(status, body) of one GET, redirects not followed, no compression asked."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sign_in(base, username, password):
    """The Cookie header of a session signed in through the /login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(base + "/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token in the sign-in form")
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": token.group(1)}).encode()
    try:
        opener.open(urllib.request.Request(base + "/login", data=body), timeout=60)
    except urllib.error.HTTPError as exc:
        if exc.code not in (302, 303):
            raise SystemExit(f"signing in as {username}: HTTP {exc.code}") from exc
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise SystemExit(f"signing in as {username}: no session cookie")
    return cookie


def signed_in(server, pages):
    """{username: the Cookie header of a session} of every user of `pages` ((label, username,
    path)), each signed in once through `server`'s form; None (no session) for None."""
    from bench.data import PASSWORD

    cookies = {None: None}
    for _label, username, _path in pages:
        if username not in cookies:
            cookies[username] = sign_in(server.base, username, PASSWORD)
    return cookies


# --- Load ---------------------------------------------------------------------------------------


def wrk(url, cookie=None, seconds=SECONDS):
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "60s",
               "-s", str(LUA)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result for {url}:\n{out}")
    result = json.loads(line[len("BENCH "):])
    errors = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    result["failed"] = result["non2xx"] > 0 or errors > 0 or result["requests"] == 0
    return result


def sql_counts(url, pages):
    """{path: SQL statements of one request}, counted in this process (the app in-process,
    signed in through its test client) on the page's second request: what a worker loads once
    and keeps (the incident rule set, a prepared statement's first PREPARE) is not a page's."""
    from playhouse.test_utils import count_queries

    from bench.data import PASSWORD

    app = build.make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    counts, clients = {}, {}
    for _label, username, path in pages:
        if username is None:
            continue
        if username not in clients:
            client = app.test_client()
            client.post("/login", data={"username": username, "password": PASSWORD})
            clients[username] = client
        clients[username].get(path)
        with count_queries() as counter:
            response = clients[username].get(path)
        counts[(username, path)] = (len(counter.get_queries())
                                    if response.status_code == 200 else None)
    return counts


# --- The run ---------------------------------------------------------------------------------


def machine():
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in
                      Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return (f"{os.cpu_count()} CPU ({model or platform.machine()}), "
            f"Python {platform.python_version()}")


def main():
    if shutil.which("wrk") is None:
        print("bench-http needs wrk (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    scale, url, n_schools = scale_settings()
    world, _seconds = build.prepare(url, n_schools, reuse=os.environ.get("BENCH_REUSE") == "1")
    pages = chosen(key_pages(world))
    if os.environ.get("BENCH_FLOOR", "1") != "0":
        pages = FLOOR + pages

    print("# counting SQL statements per page (in-process) ...", flush=True)
    statements = sql_counts(url, pages)
    reference = Server("reference", "bench.reference:app", {}, "/")
    application = Server("app", "app:app", app_environment(url), "/healthz")
    rows, failures = [], []
    try:
        cookies = signed_in(application, pages)
        print(f"# {scale}: {world['summary']}", flush=True)
        print(f"# wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s; gunicorn 2 sync workers; "
              f"each page right after the reference", flush=True)
        for label, username, path in pages:
            status, body = get(application.base + path, cookies[username], timeout=120)
            if status != 200:
                failures.append(label)
                rows.append({"label": label, "user": username, "path": path, "status": status,
                             "failed": True, "bytes": len(body)})
                print(f"#   {label}: HTTP {status}: FAILED", flush=True)
                continue
            pairs = []
            for _round in range(ROUNDS):
                ref = wrk(reference.base + "/")
                reference.drain()
                result = wrk(application.base + path, cookies[username])
                application.drain()
                pairs.append((result["rps"] / ref["rps"] if ref["rps"] else 0.0, ref, result))
            # The round of the median ratio (one round: that one).
            ratio, ref, result = sorted(pairs, key=lambda p: p[0])[len(pairs) // 2]
            result["failed"] = any(p[2]["failed"] for p in pairs)
            row = {**result, "label": label, "user": username, "path": path,
                   "status": status, "bytes": len(body), "sql": statements.get((username, path)),
                   "ref_rps": ref["rps"], "ratio": ratio}
            if result["failed"]:
                failures.append(label)
            rows.append(row)
            print(f"#   {label}: {row['rps']:.1f} req/s (reference {ref['rps']:.0f}), "
                  f"p95 {row['p95_ms']:.0f} ms, {row['bytes'] / 1024:.1f} KB, "
                  f"ratio {row['ratio']:.3f}{' FAILED' if result['failed'] else ''}",
                  flush=True)
        memory = {name: [resident_mb(pid) for pid in server.workers()]
                  for name, server in (("app", application), ("reference", reference))}
    finally:
        application.stop()
        reference.stop()
    for server in (application, reference):  # kept only when something failed
        if not failures:
            Path(server.log.name).unlink(missing_ok=True)
    report(scale, url, world, rows, memory)
    return 1 if failures else 0


def report(scale, url, world, rows, memory):
    backend = "PostgreSQL" if build.is_postgres_url(url) else "SQLite"
    print()
    print(f"Measured {dt.date.today():%d/%m/%Y} on {machine()}; {scale} scale on {backend}: "
          f"{world['summary']}. gunicorn 2 sync workers, wrk -t{THREADS} -c{CONNECTIONS}, "
          f"{SECONDS} s per page right after {SECONDS} s of the reference"
          + (f", median of {ROUNDS} rounds." if ROUNDS > 1 else "."))
    print()
    print("| page | as | requests/s | p95 ms | HTML KB | SQL | reference req/s | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        who = (r["user"] or "anyone").split(".")[0]
        who = {"ht": "principal", "chuyenvien": "officer", "lanhdao": "observer"}.get(who, who)
        if r.get("rps") is None:
            print(f"| {r['label']} `{r['path']}` | {who} | FAILED (HTTP {r['status']}) | | "
                  f"| | | |")
            continue
        sql = "" if r.get("sql") is None else r["sql"]
        flag = " **FAILED**" if r["failed"] else ""
        print(f"| {r['label']} | {who} | {r['rps']:.1f}{flag} | {r['p95_ms']:.0f} | "
              f"{r['bytes'] / 1024:.1f} | {sql} | {r['ref_rps']:.0f} | {r['ratio']:.3f} |")
    measured = [r for r in rows if r.get("rps") is not None
                and not r["label"].startswith("(floor)")]
    if measured:
        worst = sorted(measured, key=lambda r: r["ratio"])[:3]
        below = [r for r in measured if r["ratio"] < TARGET]
        heavy = [r for r in measured if r["bytes"] > 100 * 1024]
        print()
        print(f"Key pages at {TARGET} of the reference or more: {len(measured) - len(below)} of "
              f"{len(measured)}; over 100 KB of HTML: {len(heavy)}"
              + (f" ({', '.join(r['label'] for r in heavy)})" if heavy else "") + ".")
        print("Lowest ratios: " + ", ".join(f"{r['label']} {r['ratio']:.3f}" for r in worst)
              + f"; heaviest page: {max(measured, key=lambda r: r['bytes'])['label']} "
              f"({max(r['bytes'] for r in measured) / 1024:.0f} KB).")
    print()
    for name, sizes in memory.items():
        shown = ", ".join(f"{m:.0f} MB" for m in sizes if m is not None) or "unknown"
        print(f"Resident memory of each {name} worker after the run: {shown}")


if __name__ == "__main__":
    sys.exit(main())
