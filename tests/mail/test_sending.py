"""Sending for real: a server down for an hour (messages wait and are retried with backoff,
nothing lost, no error page), an address that bounces (failed at once, never retried), a message
interrupted while sending (never sent twice), and two workers at once (each message sent once)."""

import datetime as dt
import smtplib
import threading
import time

import pytest

from district.clock import utcnow
from district.db import database
from district.i18n import N_
from district.mail import outbox, sending
from district.models import OutboxMessage, User
from district.notifications.operations import notify
from tests.databases import backend
from tests.mail.helpers import header


def queue(users, number="12/PGDĐT"):
    notify(users, "directive.published", N_("Văn bản chỉ đạo mới %(number)s: %(title)s"),
           "/directives/1", number=number, title="Phòng, chống bạo lực học đường")


def only(user):
    return OutboxMessage.get(OutboxMessage.user == user.id)


def test_a_server_down_for_an_hour_loses_nothing(district, addresses, smtp, send, login_as):
    queue([district.principal])
    start = utcnow()
    smtp.stop()
    minutes = []
    for at in (0, 1, 6, 36, 60):  # passes while the server is down
        send(now=start + dt.timedelta(minutes=at))
        message = only(district.principal)
        minutes.append((message.attempts, round((message.next_attempt_at - start)
                                                .total_seconds() / 60)))
    # Tried at 0, 1, 6 and 36 minutes, each time waiting longer (1, 5, 30 minutes, then 2
    # hours); the pass at 60 minutes found nothing due.
    assert minutes == [(1, 1), (2, 6), (3, 36), (4, 156), (4, 156)]
    assert message.state == "pending" and "ConnectionRefusedError" in message.last_error
    # The admin sees it waiting, with the error; no page failed meanwhile.
    page = login_as(district.admin).get("/admin/outbox")
    assert page.status_code == 200 and "ConnectionRefusedError" in page.get_data(as_text=True)
    smtp.start()
    assert send(now=start + dt.timedelta(minutes=156)) == {"sent": 1}
    assert [m.rcpt_tos for m in smtp.received] == [[addresses["ht.mn-hoasen"]]]
    assert send(now=start + dt.timedelta(hours=10)) == {}
    assert len(smtp.received) == 1


def test_every_attempt_spent_the_message_fails(district, addresses, smtp, send):
    queue([district.principal])
    start = utcnow()
    smtp.stop()
    at = start
    for _attempt in range(outbox.MAX_ATTEMPTS):
        send(now=at)
        at = only(district.principal).next_attempt_at
    message = only(district.principal)
    assert (message.state, message.attempts) == ("failed", 6)
    smtp.start()
    assert send(now=start + dt.timedelta(days=2)) == {}
    assert smtp.received == []


def test_a_server_down_ends_the_pass_so_the_others_keep_their_attempts(
        district, addresses, smtp, send):
    queue([district.principal, district.other_principal, district.officer, district.officer2])
    smtp.stop()
    assert send() == {"retry": 1}
    assert sorted(m.attempts for m in OutboxMessage.select()) == [0, 0, 0, 1]
    smtp.start()
    assert send() == {"sent": 3}


def test_an_address_that_bounces_fails_at_once_and_the_others_go(
        district, addresses, smtp, send, login_as):
    smtp.handler.refuse.add(addresses["ht.mn-hoasen"])
    queue([district.principal, district.other_principal])
    assert send() == {"failed": 1, "sent": 1}
    bounced = only(district.principal)
    assert (bounced.state, bounced.attempts) == ("failed", 1)
    assert bounced.last_error.startswith("550 5.1.1")
    assert bounced.to_address == addresses["ht.mn-hoasen"]
    assert send(now=utcnow() + dt.timedelta(days=1)) == {}  # never retried
    assert [m.rcpt_tos for m in smtp.received] == [[addresses["ht.thcs-nguyendu"]]]
    page = login_as(district.admin).get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "ht***@songxanh.edu.vn" in page and addresses["ht.mn-hoasen"] not in page
    assert "550 5.1.1" in page and "Văn bản chỉ đạo mới 12/PGDĐT" in page


def test_a_mailbox_busy_for_now_is_tried_again(district, addresses, smtp, send):
    smtp.handler.busy.add(addresses["ht.mn-hoasen"])
    queue([district.principal])
    assert send() == {"retry": 1}
    assert only(district.principal).last_error.startswith("450")
    smtp.handler.busy.clear()
    assert send(now=utcnow() + dt.timedelta(minutes=2)) == {"sent": 1}


def test_an_invalid_address_fails_without_troubling_the_server(district, addresses, smtp, send):
    User.update(email="khong-phai-dia-chi").where(User.id == district.principal.id).execute()
    queue([district.principal])
    assert send() == {"failed": 1}
    assert only(district.principal).last_error.startswith(outbox.BAD_ADDRESS)
    assert smtp.received == []


def test_a_worker_that_died_while_sending_never_sends_it_again(
        district, addresses, smtp, send, login_as):
    queue([district.principal])
    claimed = outbox.claim("host-a:123:MainThread")  # ... and the worker dies here
    assert only(district.principal).state == "sending"
    assert send() == {}  # another worker: not its message
    later = claimed.claimed_at + outbox.SENDING_TIMEOUT + dt.timedelta(minutes=1)
    assert send(now=later) == {"interrupted": 1}
    message = only(district.principal)
    assert (message.state, message.last_error) == ("failed", outbox.INTERRUPTED)
    assert smtp.received == []
    admin = login_as(district.admin)
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "máy chủ thư có thể đã nhận thư" in page
    # The admin, having checked, sends it again: once.
    admin.post(f"/admin/outbox/{message.id}/retry")
    assert send(now=later) == {"sent": 1}
    assert len(smtp.received) == 1


def test_a_connection_lost_after_the_content_went_is_not_sent_again(
        district, addresses, smtp, send, monkeypatch):
    def lost(self, msg):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    queue([district.principal])
    monkeypatch.setattr(smtplib.SMTP, "data", lost)
    assert send() == {"failed": 1}
    message = only(district.principal)
    assert message.state == "failed" and message.last_error.startswith(outbox.INTERRUPTED)
    monkeypatch.undo()
    assert send(now=utcnow() + dt.timedelta(days=1)) == {}


def test_two_workers_at_once_send_each_message_once(app, district, make_user, smtp, send):
    people = [make_user("principal", district.preschool, email=f"hieutruong{n}@songxanh.edu.vn")
              for n in range(30)]
    queue(people)
    smtp.handler.delay = 0.01  # each message takes a moment: the workers overlap
    results, errors = {}, []

    def worker(name):
        try:
            with app.app_context():
                database.connect(reuse_if_open=True)
                try:
                    results[name] = sending.send_due(worker=name)
                finally:
                    database.close()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert results["worker-1"]["sent"] + results["worker-2"]["sent"] == 30
    assert min(results["worker-1"]["sent"], results["worker-2"]["sent"]) > 0  # both worked
    received = [r for m in smtp.received for r in m.rcpt_tos]
    assert sorted(received) == sorted(p.email for p in people)  # each once
    assert len({m.message["Message-ID"] for m in smtp.received}) == 30
    assert {m.state for m in OutboxMessage.select()} == {"sent"}
    assert {m.claimed_by for m in OutboxMessage.select()} == {"worker-1", "worker-2"}
    assert header(smtp.received[0], "Subject").startswith("Văn bản chỉ đạo mới 12/PGDĐT")


@pytest.mark.skipif(backend() != "postgres", reason="FOR UPDATE SKIP LOCKED is PostgreSQL's")
def test_a_message_another_worker_holds_is_skipped_not_waited_for(app, district, addresses):
    import psycopg2

    queue([district.principal, district.other_principal])
    first, second = sorted(m.id for m in OutboxMessage.select())
    other = psycopg2.connect(app.config["DATABASE_URL"])  # another worker, mid-claim
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM outbox_message WHERE id = %s FOR UPDATE", (first,))
        started = time.monotonic()
        claimed = outbox.claim("worker-2")
        assert claimed.id == second and time.monotonic() - started < 2
        assert outbox.claim("worker-2") is None  # the held one is not taken either
    finally:
        other.rollback()
        other.close()
    assert outbox.claim("worker-2").id == first


# The test server takes AUTH without TLS (on the loopback), which aiosmtpd warns about.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")  # aiosmtpd's own
def test_the_worker_signs_in_to_the_server_and_a_wrong_password_keeps_the_mail(
        app, district, addresses, send):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.mail.conftest import Recorder, free_port

    def authenticator(server, session, envelope, mechanism, auth_data):
        login, password = (value.decode() if isinstance(value, bytes) else value
                           for value in (auth_data.login, auth_data.password))
        good = (login, password) == ("thongbao", "mat-khau-dung")
        return AuthResult(success=good, handled=False)  # aiosmtpd answers 235 or 535

    handler, port = Recorder(), free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port, auth_required=True,
                        auth_require_tls=False, authenticator=authenticator)
    server.start()
    try:
        app.config.update(MAIL_PORT=port, MAIL_USERNAME="thongbao", MAIL_PASSWORD="sai")
        queue([district.principal, district.other_principal])
        assert send() == {"retry": 1}  # refused login: the pass stops, nothing is lost
        assert "535" in only(district.principal).last_error
        assert handler.received == []
        app.config["MAIL_PASSWORD"] = "mat-khau-dung"
        assert send(now=utcnow() + dt.timedelta(minutes=2)) == {"sent": 2}
        assert len(handler.received) == 2
    finally:
        server.stop()
