"""gunicorn's settings for `make run` (and the systemd unit of docs/deployment.md).

Threaded workers (gthread): a client that sends its request slowly holds one thread of a worker,
not the whole worker, so ten slow clients cannot starve the site (sync workers, one request
each, could be stopped by as many slow clients as there are workers). In production a buffering
proxy (nginx) in front takes slow clients off the app entirely; see docs/deployment.md.
HOST, PORT, WORKERS and THREADS come from the environment (the Makefile passes them).
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WORKERS", "3"))
worker_class = "gthread"
# Each worker serves this many requests at once; keep DATABASE_POOL_SIZE at least as large.
threads = int(os.environ.get("THREADS", "16"))
# A worker silent for this long is restarted; a request is never cut by it (threads answer
# while a long export runs), and a stop waits this long for requests under way.
timeout = 30
graceful_timeout = 20
# Idle keep-alive connections are closed after this many seconds.
keepalive = 5
# Request line and headers are bounded (gunicorn's defaults, said here).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# After the master is killed, its workers notice within a second and leave; reuse_port lets the
# new master bind the port at once even while they finish.
reuse_port = True
accesslog = "-"
