"""gunicorn's settings for bench/http.py, the same for the application and the reference:
two sync workers (one request at a time each), no access log. BENCH_BIND gives the address.
Loaded with `-c python:bench.gunicorn_settings` (so the project's gunicorn.conf.py, which
`make run` uses, is not read)."""

import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8765")
worker_class = "sync"
workers = int(os.environ.get("BENCH_WORKERS", "2"))
# A slow page under 16 connections waits behind the others: never cut it.
timeout = 300
graceful_timeout = 5
backlog = 2048
accesslog = None
errorlog = "-"
loglevel = "warning"
