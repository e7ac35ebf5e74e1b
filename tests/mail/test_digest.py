"""The daily digest: gathered once a day at MAIL_DIGEST_TIME (07:00 in the office's zone) for those
who chose it (staff by default), never twice; it lists new directives, deadlines in the next 3
days, overdue ones and how many incidents wait on the reader, with no child data; a day with
nothing to say sends nothing."""

import datetime as dt
import re

import pytest

from district import clock, jobs
from district.clock import utcnow
from district.directives import operations as directives
from district.incidents import operations as incidents
from district.models import Incident, Job, OutboxMessage, User
from tests.concurrency import at_once
from tests.mail.conftest import CHILD, SITE
from tests.mail.helpers import everything, header, html_part, text_part


@pytest.fixture
def run(app):
    """One pass of `flask jobs run` at `now` (naive UTC)."""

    def at(now):
        with app.app_context():
            return jobs.run_due(now=now)

    return at


@pytest.fixture
def local(app):
    def instant(*when):
        with app.app_context():
            return clock.to_utc(dt.datetime(*when))

    return instant


def digests():
    return OutboxMessage.select().where(OutboxMessage.kind == "digest")


def choose(user, choice):
    User.update(email_choice=choice).where(User.id == user.id).execute()


def section(text, title, following=("Sắp đến hạn", "Đã quá hạn", "vụ việc đang chờ",
                                    "thông báo mới", "Các đường dẫn")):
    """The lines of the text part under `title`, up to the next section."""
    after = text.split(title, 1)[1]
    ends = [after.find(word) for word in following if word in after]
    return after[:min(ends)] if ends else after


def test_the_digest_is_gathered_once_a_day_at_seven_local_time(
        district, addresses, run, local, smtp):
    # Staff and the observer get the digest by default; principals, officers and the admin
    # get each notification at once instead.
    takers = {district.staff.id, district.staff2.id, district.other_staff.id,
              district.observer.id}
    assert "mail.digest" not in run(local(2030, 1, 15, 6, 30))
    assert digests().count() == 0
    assert Job.get(Job.name == "mail.digest").next_run_at == local(2030, 1, 15, 7, 0)
    result = run(local(2030, 1, 15, 7, 5))
    assert result["mail.digest"] == "4 digest(s) queued for 2030-01-15"
    assert {d.user_id for d in digests()} == takers
    assert {d.digest_day for d in digests()} == {dt.date(2030, 1, 15)}
    assert "mail.digest" not in run(local(2030, 1, 15, 7, 30))
    assert "mail.digest" not in run(local(2030, 1, 15, 23, 59))
    assert digests().count() == 4
    run(local(2030, 1, 16, 7, 1))
    assert digests().count() == 8
    # Nothing happened on those days (the directives, incidents and notifications are from
    # today): no e-mail was sent, each digest was skipped.
    assert smtp.received == []
    assert {d.state for d in digests()} == {"skipped"}
    assert Job.get(Job.name == "mail.digest").runs == 2


def test_two_workers_at_seven_gather_the_digest_once(app, district, addresses, local):
    now = local(2030, 1, 15, 7, 5)
    assert at_once(app, lambda: jobs.run_due(now=now)) == []
    assert Job.get(Job.name == "mail.digest").runs == 1
    assert digests().count() == 4


@pytest.fixture
def due_now(app):
    """The digest is due at once: its time is local midnight, and the pass runs a minute from
    now (after everything the test made)."""
    app.config["MAIL_DIGEST_TIME"] = "00:00"
    return utcnow() + dt.timedelta(minutes=1)


def test_a_teachers_digest_lists_new_directives_and_the_incidents_waiting_on_her(
        district, addresses, make_directive, report_incident, smtp, run, due_now):
    directive = make_directive()
    incident = report_incident(actor=district.staff2)
    incident = Incident.get_by_id(incident.id)
    incidents.assign(district.principal, incident, incident.version, district.staff.id)
    run(due_now)
    [received] = smtp.to(addresses["gv1.mn-hoasen"])
    today = clock.today().strftime("%d/%m/%Y")
    assert header(received, "Subject") == f"Tóm tắt công việc ngày {today}"
    text = text_part(received)
    assert text.startswith("Kính gửi Lê Thị Mai,")
    new = section(text, "Văn bản chỉ đạo mới")
    assert f"- {directive.number}: {directive.title}" in new
    assert f"{SITE}/directives/{directive.id}" in new
    assert "1 vụ việc đang chờ anh/chị xem hoặc xử lý." in text
    assert f"{SITE}/incidents/" in text
    assert re.search(r"\d+ thông báo mới chưa đọc\.", text)
    assert "Sắp đến hạn" not in text  # acknowledging is the principal's
    assert f'href="{SITE}/directives/{directive.id}"' in html_part(received)
    assert "một thư tóm tắt mỗi ngày" in text and "/account/email/stop/" in text
    for secret in (CHILD["name"], CHILD["summary"], CHILD["description"], incident.reference,
                   "Bạo lực thể chất"):
        assert secret not in everything(received), secret
    # The teacher who reported it has nothing assigned; her digest says so by not counting it.
    assert "vụ việc đang chờ" not in text_part(smtp.to(addresses["gv2.mn-hoasen"])[0])


def test_a_principal_who_chose_the_digest_reads_what_is_due_and_overdue(
        district, addresses, make_directive, smtp, run, due_now):
    choose(district.principal, "digest")
    soon = make_directive(deadline_days=2)
    later = make_directive(deadline_days=10)
    late = make_directive(deadline_days=-1, issued_on=clock.today() - dt.timedelta(days=9))
    done = make_directive(deadline_days=1)
    directives.acknowledge(district.principal, done, "Đã triển khai")
    assert smtp.received == []  # nothing at once for her: everything waits for the digest
    run(due_now)
    [received] = smtp.to(addresses["ht.mn-hoasen"])
    text = text_part(received)
    due = section(text, "Sắp đến hạn xác nhận (trong 3 ngày tới)")
    overdue = section(text, "Đã quá hạn xác nhận")
    deadline = (clock.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    assert f"- {soon.number}: {soon.title} (hạn {deadline})" in due
    assert later.number not in due and done.number not in due and late.number not in due
    assert late.number in overdue and soon.number not in overdue
    assert all(d.number in section(text, "Văn bản chỉ đạo mới")
               for d in (soon, later, late, done))


def test_an_officers_digest_counts_the_schools_still_to_acknowledge(
        district, addresses, make_directive, report_incident, smtp, run, due_now):
    choose(district.officer, "digest")
    late = make_directive(deadline_days=-2, issued_on=clock.today() - dt.timedelta(days=9))
    directives.acknowledge(district.other_principal, late, "")
    incident = report_incident()
    for status, extra in (("verifying", {}), ("handling", {}),
                          ("resolved", {"outcome": "handled_at_school",
                                        "reason": "Các bước còn lại không áp dụng"})):
        incident = Incident.get_by_id(incident.id)
        incidents.change_status(district.principal, incident, incident.version, status,
                                **extra)
    run(due_now)
    [received] = smtp.to(addresses["chuyenvien1"])
    text = text_part(received)
    assert f"{late.number}: {late.title}" in section(text, "Đã quá hạn xác nhận")
    assert "1 trường chưa xác nhận" in section(text, "Đã quá hạn xác nhận")
    assert "1 vụ việc đang chờ anh/chị xem hoặc xử lý." in text  # resolved: the office reviews
    assert CHILD["name"] not in everything(received)


def test_the_digest_is_in_the_readers_language(
        district, addresses, make_directive, smtp, run, due_now):
    User.update(locale="en").where(User.id == district.staff.id).execute()
    directive = make_directive()
    run(due_now)
    received = smtp.to(addresses["gv1.mn-hoasen"])[0]
    assert header(received, "Subject").startswith("Your summary for ")
    assert "New directives" in text_part(received) and directive.number in text_part(received)
    assert "Văn bản chỉ đạo mới" not in text_part(received)


def test_the_digest_of_the_next_day_lists_only_what_is_new_since(
        district, addresses, make_directive, smtp, run, due_now):
    first = make_directive()
    run(due_now)
    assert first.number in text_part(smtp.to(addresses["gv1.mn-hoasen"])[0])
    # Today's digest was queued before the next directive came.
    OutboxMessage.update(created_at=utcnow()).where(OutboxMessage.kind == "digest").execute()
    second = make_directive()
    run(due_now + dt.timedelta(days=1))
    mails = smtp.to(addresses["gv1.mn-hoasen"])
    assert len(mails) == 2
    new = section(text_part(mails[1]), "Văn bản chỉ đạo mới")
    assert second.number in new and first.number not in new
