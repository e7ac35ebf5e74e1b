"""`flask jobs run` does what is due once and exits; `flask jobs loop` keeps doing it until
SIGTERM, then stops cleanly; `make run` starts the loop beside gunicorn."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from district.i18n import N_
from district.models import Job, OutboxMessage
from district.notifications.operations import notify
from tests.mail.helpers import header

ROOT = Path(__file__).resolve().parents[2]


def queue(users):
    notify(users, "directive.published", N_("Văn bản chỉ đạo mới %(number)s: %(title)s"),
           "/directives/1", number="12/PGDĐT", title="Phòng, chống bạo lực học đường")


def test_jobs_run_sends_what_is_due_and_exits(district, addresses, runner, smtp):
    queue([district.principal, district.officer])
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "mail: 2 sent" in result.output
    assert sorted(r for m in smtp.received for r in m.rcpt_tos) == sorted(
        [addresses["ht.mn-hoasen"], addresses["chuyenvien1"]])
    assert {j.name for j in Job.select()} == {"mail.digest", "mail.purge",
                                              "directives.reminders", "reviews.reminders"}
    again = runner.invoke(args=["jobs", "run"])
    assert again.exit_code == 0 and "mail: 0" in again.output
    assert len(smtp.received) == 2


def test_jobs_run_with_the_server_down_exits_normally_and_keeps_the_mail(
        district, addresses, runner, smtp):
    queue([district.principal])
    smtp.stop()
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "mail: 1 retry" in result.output
    assert OutboxMessage.get(OutboxMessage.user == district.principal.id).state == "pending"


def test_jobs_loop_sends_then_stops_cleanly_on_sigterm(app, district, addresses, smtp, tmp_path):
    queue([district.principal])
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "INSTANCE_PATH": str(tmp_path / "worker"), "SECRET_KEY": "test-secret",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "MAIL_USE_TLS": "0",
           "MAIL_DEFAULT_SENDER": "thongbao@songxanh.edu.vn", "DATABASE_POOL_SIZE": "0",
           "RATELIMIT_ENABLED": "0"}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "flask"), "--app", "app", "jobs", "loop",
         "--interval", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not smtp.received and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert [m.rcpt_tos for m in smtp.received] == [[addresses["ht.mn-hoasen"]]]
        assert header(smtp.received[0], "Subject").startswith("Văn bản chỉ đạo mới 12/PGDĐT")
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err
    assert "worker started" in err and "worker stopped" in err
    assert OutboxMessage.get(OutboxMessage.user == district.principal.id).state == "sent"


def test_make_run_starts_the_worker_beside_gunicorn():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "jobs loop" in recipe and "gunicorn" in recipe
    assert "kill" in recipe  # the worker ends with the server
