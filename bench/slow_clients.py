"""Slow clients and a killed master against the app's own server settings, measured.

    .venv/bin/python -m bench.slow_clients            # gunicorn.conf.py (gthread)
    BENCH_WORKER_CLASS=sync .venv/bin/python -m bench.slow_clients   # the old sync workers

Starts gunicorn as `make run` does (gunicorn.conf.py, 3 workers) on a free port against a
temporary instance (SQLite, migrated, empty), then:
1. opens 10 connections that send their request headers one byte a second (slowloris) and,
   while they hang, asks /healthz twice a second for 20 seconds: prints the latency of the
   answers (median, max, failures); then the same with 10 clients that send a request body
   one byte a second (a slow upload);
2. kills the master with SIGKILL and starts a new one at once on the same port: prints how long
   until /healthz answers again, and whether the old workers left.
Nothing here is a pass/fail test: the figures go to the README.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
SLOW_CLIENTS = 10
SECONDS = 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port, env):
    command = [os.path.join(BIN, "gunicorn"), "--config", os.path.join(ROOT, "gunicorn.conf.py"),
               "--workers", "3", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    if os.environ.get("BENCH_WORKER_CLASS"):
        command += ["--worker-class", os.environ["BENCH_WORKER_CLASS"]]
    return subprocess.Popen(command + ["app:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def health(port, timeout=5.0):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as r:
            r.read()
            ok = r.status == 200
    except OSError:
        ok = False
    return ok, time.perf_counter() - started


def wait_up(port, limit=30):
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if health(port, timeout=1)[0]:
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def slow_client(port, stop, kind):
    """A client that sends its headers (kind "headers") or its body ("body") a byte a second."""
    try:
        s = socket.create_connection(("127.0.0.1", port))
        if kind == "headers":
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            rest = b"X-Slow: " + b"a" * 4000
        else:
            s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
                      b"x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n")
            rest = b"username=" + b"a" * 3991
        for byte in rest:
            if stop.is_set():
                break
            s.sendall(bytes([byte]))
            time.sleep(1)
        s.close()
    except OSError:
        pass


def children(pid):
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                             text=True).stdout
    except OSError:
        return []
    return [int(p) for p in out.split()]


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, INSTANCE_PATH=tmp, DATABASE_URL=f"sqlite:///{tmp}/district.db",
                   SECRET_KEY="bench", RATELIMIT_ENABLED="false")
        subprocess.run([os.path.join(BIN, "flask"), "--app", "app", "init-db"], cwd=ROOT,
                       env=env, check=True, capture_output=True)
        port = free_port()
        server = start(port, env)
        try:
            print(f"# gunicorn.conf.py, 3 workers, worker class "
                  f"{os.environ.get('BENCH_WORKER_CLASS', 'gthread (gunicorn.conf.py)')}; "
                  f"started in {wait_up(port):.2f} s")
            for kind in ("headers", "body"):
                stop = threading.Event()
                clients = [threading.Thread(target=slow_client, args=(port, stop, kind),
                                            daemon=True) for _ in range(SLOW_CLIENTS)]
                for c in clients:
                    c.start()
                time.sleep(1)
                latencies, failures = [], 0
                until = time.perf_counter() + SECONDS
                while time.perf_counter() < until:
                    ok, seconds = health(port)
                    latencies.append(seconds)
                    failures += not ok
                    time.sleep(0.5)
                stop.set()
                print(f"/healthz under {SLOW_CLIENTS} clients sending their {kind} a byte a "
                      f"second, for {SECONDS} s: {len(latencies)} requests, median "
                      f"{statistics.median(latencies) * 1000:.1f} ms, max "
                      f"{max(latencies) * 1000:.1f} ms, failed or over 5 s: {failures}")
                time.sleep(2)

            workers = children(server.pid)
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
            killed_at = time.perf_counter()
            server = start(port, env)
            up = wait_up(port)
            print(f"master killed (SIGKILL), new one started at once: /healthz answered after "
                  f"{up:.2f} s" if up is not None else "master killed: the restart did not answer")
            time.sleep(max(0.0, 3 - (time.perf_counter() - killed_at)))
            left = [w for w in workers if alive(w)]
            print(f"old workers still running 3 s after the kill: {len(left)} of {len(workers)}")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
