"""Issue 11: the app's own server settings keep slow clients from starving the workers on a bare
`make run`, and the deployment guide puts a buffering proxy in front and systemd behind.
(The latency under slow clients and the restart after a killed master are measured by
bench/slow_clients.py.)"""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_make_run_serves_with_threaded_workers_and_bounded_timeouts():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 10
    assert 0 < settings["timeout"] <= 60 and 0 < settings["graceful_timeout"] <= 60
    assert settings["reuse_port"] is True  # a restart after a killed master binds at once
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "--config gunicorn.conf.py" in run


def test_the_deployment_guide_has_nginx_buffering_systemd_and_backups():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    for words in ("proxy_request_buffering on", "proxy_buffering on", "client_header_timeout",
                  "Restart=on-failure", "flask --app app backup", "flask --app app restore",
                  "pg_dump"):
        assert words in guide, words
