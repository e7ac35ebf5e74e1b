"""Automatic reminders on a schedule (issue 14): each directive has its steps, in days from the
deadline (default 3 days before, on the day, 1 and 3 days after), typed in its form; on a step's
local day, from REMINDER_TIME, the principals of the schools that have not done what it requires
are reminded, once per step whoever runs the job and however often, never a school that has
done it; steps whose day passed while nobody could send them are skipped, not sent at once."""

import datetime as dt

import pytest

from district import clock
from district.directives import operations, reminders, schedule
from district.mail import compose
from district.models import (
    AuditEntry,
    Directive,
    DirectiveReminder,
    DirectiveRevision,
    Notification,
    OutboxMessage,
    Recipient,
    ReminderStep,
    User,
)
from tests.concurrency import at_once

from .conftest import htmx


def local(day, hour, minute=0, days=0):
    """The UTC instant of a local time `days` after `day`."""
    return clock.to_utc(dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour, minute)))


def reminded():
    """Who got a reminder notification, in order of id."""
    return sorted(n.user_id for n in Notification.select().where(
        Notification.kind == "directive.reminder"))


def steps_of(directive):
    return {r.step: (r.state, r.schools) for r in ReminderStep.select().where(
        ReminderStep.directive == directive.id, ReminderStep.deadline == directive.deadline)}


def form_data(today, **fields):
    return {
        "number": "77/PGDĐT-CTHSSV",
        "title": "Về việc rà soát camera an ninh cổng trường",
        "body": "Các trường rà soát.",
        "signer": "Nguyễn Văn Trưởng",
        "issued_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=10)).isoformat(),
        "response_kind": "ack",
        "audience_kind": "all",
        **fields,
    }


def revision_data(directive, **fields):
    return {"number": directive.number, "title": directive.title, "body": directive.body,
            "signer": directive.signer, "issued_on": directive.issued_on,
            "deadline": directive.deadline, "response_kind": directive.response_kind,
            "personal_confirmation": directive.personal_confirmation,
            "reminder_days": schedule.format_days(directive.reminder_days), **fields}


@pytest.fixture
def deadline(today):
    return today + dt.timedelta(days=10)


@pytest.fixture
def directive(make_directive, today, deadline):
    """Published today to both schools, due in 10 days, with the default schedule."""
    return make_directive(issued_on=today, deadline=deadline)


# --- The schedule typed in the form ---------------------------------------------------------


def test_a_new_directive_has_the_default_schedule_and_the_form_saves_another(
        district, login_as, make_directive, today):
    assert make_directive().reminder_days == [-3, 0, 1, 3]
    officer = login_as(district.officer)
    page = officer.get("/directives/new").get_data(as_text=True)
    assert 'name="reminder_days"' in page and 'value="-3, 0, 1, 3"' in page
    assert "Mặc định: -3, 0, 1, 3 (3 ngày trước hạn, ngày đến hạn, 1 và 3 ngày sau hạn)" in page
    # The Unicode minus a word processor types is a minus.
    response = officer.post("/directives/new", data=form_data(today, reminder_days="−2, 0, +2"))
    assert response.status_code == 302
    saved = Directive.get(Directive.number == "77/PGDĐT-CTHSSV")
    assert saved.reminder_days == [-2, 0, 2]
    edit = officer.get(f"/directives/{saved.id}/edit").get_data(as_text=True)
    assert 'value="-2, 0, 2"' in edit
    # Empty: no automatic reminder.
    response = officer.post(f"/directives/{saved.id}/edit",
                            data=form_data(today, reminder_days="", version=saved.version))
    assert response.status_code == 302
    assert Directive.get_by_id(saved.id).reminder_days == []


@pytest.mark.parametrize(("typed", "message"), [
    ("-3, x, 1", "“x” không phải là một số ngày. Hãy ghi các số nguyên cách nhau bởi dấu phẩy, "
                 "ví dụ: -3, 0, 1, 3."),
    ("-3, 0, 45", "Bước 45 nằm ngoài khoảng cho phép: từ -30 đến 30 ngày so với hạn."),
    ("−31, 0", "Bước -31 nằm ngoài khoảng cho phép: từ -30 đến 30 ngày so với hạn."),
    ("0, 1, 1", "Bước 1 được ghi hai lần."),
    ("-3, 0, 3, 1", "Bước 1 được ghi sau bước 3 nhưng lại sớm hơn: hãy ghi các bước theo thứ "
                    "tự từ sớm đến muộn."),
    ("-7, -6, -5, -4, -3, 0, 1, 3, 7", "Lịch nhắc có tối đa 8 bước; bạn đã ghi 9 bước."),
])
def test_a_bad_schedule_is_refused_with_its_message_and_the_form_keeps_it(
        district, login_as, today, typed, message):
    with pytest.raises(operations.DirectiveError) as refused:
        schedule.parse(typed)
    assert str(refused.value) == message and refused.value.field == "reminder_days"
    officer = login_as(district.officer)
    response = officer.post("/directives/new", data=form_data(today, reminder_days=typed))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{typed}"' in page
    assert Directive.select().count() == 0


def test_schedules_that_are_accepted():
    assert schedule.parse("-3, 0, 1, 3") == [-3, 0, 1, 3]
    assert schedule.parse(" −5;-1  0 +2 ") == [-5, -1, 0, 2]
    assert schedule.parse("") == []
    assert schedule.parse(None) == [-3, 0, 1, 3]
    assert schedule.parse("-30, 30") == [-30, 30]


# --- The job --------------------------------------------------------------------------------


def test_each_step_is_sent_once_on_its_day_from_reminder_time(app, district, directive, deadline):
    assert reminders.send_due(local(deadline, 7, 59, days=-3)) == \
        "steps sent: 0 (to 0 schools), skipped: 0"
    assert reminded() == [] and steps_of(directive) == {}
    assert reminders.send_due(local(deadline, 8, 0, days=-3)) == \
        "steps sent: 1 (to 2 schools), skipped: 0"
    principals = sorted([district.principal.id, district.other_principal.id])
    assert reminded() == principals
    # Run again, the same minute and later that day: nothing more.
    reminders.send_due(local(deadline, 8, 0, days=-3))
    reminders.send_due(local(deadline, 17, 0, days=-3))
    reminders.send_due(local(deadline, 8, 0, days=-1))
    assert reminded() == principals
    assert steps_of(directive) == {-3: ("sent", 2)}
    rows = list(DirectiveReminder.select().order_by(DirectiveReminder.id))
    assert [(r.step, r.sent_by_id) for r in rows] == [(-3, None), (-3, None)]
    assert {p["name"] for r in rows for p in r.sent_to} == {"Trần Thị Lan", "Đỗ Minh Tuấn"}
    assert {r.reminders_count for r in Recipient.select()} == {1}
    [note] = Notification.select().where(Notification.user == district.principal.id,
                                         Notification.kind == "directive.reminder")
    assert note.link == f"/directives/{directive.id}"
    assert note.params["deadline"] == deadline.strftime("%d/%m/%Y")
    # REMINDER_TIME moves the hour.
    app.config["REMINDER_TIME"] = "09:30"
    with app.app_context():  # as the jobs' worker runs it
        reminders.send_due(local(deadline, 9, 29))
        assert steps_of(directive) == {-3: ("sent", 2)}
        reminders.send_due(local(deadline, 9, 30))
    assert steps_of(directive) == {-3: ("sent", 2), 0: ("sent", 2)}
    assert len(reminded()) == 4


def test_the_worker_runs_it_every_quarter_of_an_hour(app, district, directive, deadline):
    from district import jobs

    with app.app_context():
        first = jobs.run_due(now=local(deadline, 8, 10, days=-3))
        assert first["directives.reminders"] == "steps sent: 1 (to 2 schools), skipped: 0"
        assert "directives.reminders" not in jobs.run_due(now=local(deadline, 8, 20, days=-3))
        again = jobs.run_due(now=local(deadline, 8, 26, days=-3))
        assert again["directives.reminders"] == "steps sent: 0 (to 0 schools), skipped: 0"
    assert len(reminded()) == 2


def test_two_workers_at_once_send_a_step_once(app, district, directive, deadline):
    now = local(deadline, 8, 5, days=-3)
    assert at_once(app, lambda: reminders.send_due(now)) == []
    assert len(reminded()) == 2
    assert steps_of(directive) == {-3: ("sent", 2)}
    assert DirectiveReminder.select().count() == 2


def test_a_school_that_has_done_it_is_never_reminded(district, directive, deadline, at_local):
    at_local(dt.datetime.combine(deadline - dt.timedelta(days=5), dt.time(10, 0)))
    operations.acknowledge(district.principal, directive)
    reminders.send_due(local(deadline, 8, 0, days=-3))
    assert reminded() == [district.other_principal.id]
    assert steps_of(directive) == {-3: ("sent", 1)}
    # The other school acknowledges too: the next step has nobody to remind, and says so.
    at_local(dt.datetime.combine(deadline - dt.timedelta(days=1), dt.time(11, 0)))
    operations.acknowledge(district.other_principal, directive)
    reminders.send_due(local(deadline, 8, 0))
    reminders.send_due(local(deadline, 8, 0, days=1))
    assert steps_of(directive) == {-3: ("sent", 1), 0: ("sent", 0), 1: ("sent", 0)}
    assert reminded() == [district.other_principal.id]
    preschool = Recipient.get(Recipient.school == district.preschool.id)
    assert preschool.reminders_count == 0 and preschool.last_reminded_at is None


def test_a_school_informed_only_is_never_reminded(district, directive, deadline):
    (Recipient.update(purpose="info")
     .where(Recipient.school == district.secondary.id).execute())
    reminders.send_due(local(deadline, 8, 0, days=-3))
    reminders.send_due(local(deadline, 8, 0, days=1))
    assert reminded() == [district.principal.id] * 2
    assert steps_of(directive) == {-3: ("sent", 1), 0: ("skipped", 0), 1: ("sent", 1)}
    assert Recipient.get(Recipient.school == district.secondary.id).reminders_count == 0


def test_a_school_reminded_by_hand_that_day_is_not_reminded_again(
        district, make_directive, today, at_local):
    at_local(dt.datetime.combine(today - dt.timedelta(days=8), dt.time(9, 0)))
    overdue = make_directive(issued_on=today - dt.timedelta(days=8),
                             deadline=today - dt.timedelta(days=1))
    at_local(dt.datetime.combine(today, dt.time(7, 30)))
    operations.remind(district.officer, overdue, school_ids=[district.secondary.id])
    reminders.send_due(local(today, 8, 0))
    # Step +1 is today: only the school not reminded yet today gets it.
    assert steps_of(overdue)[1] == ("sent", 1)
    assert sorted(reminded()) == sorted([district.other_principal.id, district.principal.id])
    [automatic] = DirectiveReminder.select().where(DirectiveReminder.step.is_null(False))
    assert automatic.recipient.school_id == district.preschool.id


def test_steps_missed_by_the_worker_are_skipped_and_only_the_latest_is_sent(
        district, directive, deadline, at_local):
    # No worker from before step -3 until the day after the deadline: the page says which
    # step the next pass will send.
    at_local(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(10, 0)))
    assert [p["state"] for p in schedule.plan(directive)] == [
        "skipped", "skipped", "planned", "planned"]
    assert reminders.send_due(local(deadline, 10, 0, days=1)) == \
        "steps sent: 1 (to 2 schools), skipped: 2"
    assert steps_of(directive) == {-3: ("skipped", 0), 0: ("skipped", 0), 1: ("sent", 2)}
    assert len(reminded()) == 2
    # Down again for five days: step +3 is three days past, too old to send.
    reminders.send_due(local(deadline, 10, 0, days=6))
    assert steps_of(directive)[3] == ("skipped", 0)
    assert len(reminded()) == 2
    # A step whose day was yesterday is still sent (a worker down overnight).
    later = operations.revise(district.officer, directive,
                              revision_data(directive, reminder_days="-3, 0, 1, 3, 7"),
                              "Thêm một lần nhắc", False)
    reminders.send_due(local(deadline, 7, 0, days=8))
    assert steps_of(later)[7] == ("sent", 2)


def test_a_directive_published_after_its_steps_does_not_send_them_at_once(
        district, make_directive, today, at_local):
    at_local(dt.datetime.combine(today, dt.time(9, 0)))
    late = make_directive(issued_on=today - dt.timedelta(days=9),
                          deadline=today - dt.timedelta(days=1))
    reminders.send_due(local(today, 9, 15))
    # Step +1 (today) falls on the day it was published: skipped like the earlier ones.
    assert steps_of(late) == {-3: ("skipped", 0), 0: ("skipped", 0), 1: ("skipped", 0)}
    assert reminded() == []
    reminders.send_due(local(today, 8, 0, days=2))
    assert steps_of(late)[3] == ("sent", 2)
    assert len(reminded()) == 2


def test_a_revision_moving_the_deadline_makes_new_steps(district, directive, deadline):
    reminders.send_due(local(deadline, 8, 0, days=-3))
    assert len(reminded()) == 2
    moved = deadline + dt.timedelta(days=7)
    revised = operations.revise(district.officer, directive,
                                revision_data(directive, deadline=moved),
                                "Gia hạn thêm 7 ngày", False)
    # The old deadline's day: no step is due for the new one.
    reminders.send_due(local(deadline, 8, 0))
    assert len(reminded()) == 2 and steps_of(revised) == {}
    reminders.send_due(local(moved, 8, 0, days=-3))
    assert steps_of(revised) == {-3: ("sent", 2)}
    assert len(reminded()) == 4
    history = schedule.history(revised)
    assert [(h["step"], h["deadline"]) for h in history] == [(-3, moved), (-3, deadline)]
    # A revision can change the schedule itself; its history names the change.
    again = operations.revise(district.officer, revised, revision_data(revised, reminder_days=""),
                              "Thôi nhắc tự động", False)
    last = DirectiveRevision.select().order_by(DirectiveRevision.id.desc()).get()
    assert last.previous == {"reminder_days": [-3, 0, 1, 3]}
    reminders.send_due(local(moved, 8, 0))
    assert again.reminder_days == [] and len(reminded()) == 4


def test_a_withdrawn_directive_is_not_reminded(district, directive, deadline):
    operations.withdraw(district.officer, directive)
    reminders.send_due(local(deadline, 8, 0, days=-3))
    assert reminded() == [] and ReminderStep.select().count() == 0


def test_principals_who_want_mail_at_once_get_it_through_the_outbox(
        app, district, directive, deadline):
    for user in (district.principal, district.other_principal, district.staff):
        User.update(email=f"{user.username}@songxanh.edu.vn").where(User.id == user.id).execute()
    User.update(email_choice="digest").where(User.id == district.other_principal.id).execute()
    reminders.send_due(local(deadline, 8, 0, days=-3))
    [mail] = OutboxMessage.select().where(OutboxMessage.topic != "")
    assert mail.user_id == district.principal.id and mail.state == "pending"
    assert mail.kind == "notification" and mail.link == f"/directives/{directive.id}"
    assert mail.params["number"] == directive.number
    # Rendered by the worker in the principal's language.
    User.update(locale="en").where(User.id == district.principal.id).execute()
    with app.test_request_context():
        subject, text, _html, locale = compose.render(mail, User.get_by_id(district.principal.id))
    assert locale == "en" and subject.startswith(f"Reminder: directive {directive.number} is due")
    assert f"is due on {deadline.strftime('%d/%m/%Y')}" in text


def test_each_step_sent_is_in_the_audit_log(district, directive, deadline):
    reminders.send_due(local(deadline, 8, 0, days=-3))
    reminders.send_due(local(deadline, 8, 0, days=-3))
    [entry] = AuditEntry.select().where(AuditEntry.action == "directive.remind")
    assert entry.actor_id is None and entry.target_id == str(directive.id)
    assert entry.details["step"] == -3
    assert sorted(entry.details["schools"]) == sorted([district.preschool.id,
                                                       district.secondary.id])
    assert sorted(entry.details["notified"]) == sorted([district.principal.id,
                                                        district.other_principal.id])


# --- What officers see ----------------------------------------------------------------------


def test_the_tracking_page_shows_the_schedule_and_its_history(
        district, login_as, directive, deadline, at_local):
    reminders.send_due(local(deadline, 8, 0, days=-3))
    at_local(dt.datetime.combine(deadline - dt.timedelta(days=2), dt.time(12, 0)))
    officer = login_as(district.officer)
    page = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    section = page.split('id="reminder-schedule"')[1].split("</section>")[0]
    sent_day = (deadline - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert sent_day in section and "-3" in section and "3 ngày trước hạn" in section
    assert f"lúc 08:00 {sent_day} đến 2 trường" in section
    assert deadline.strftime("%d/%m/%Y") in section and "ngày đến hạn" in section
    assert section.count("Dự kiến") == 3 and "+3" in section
    assert "Các lần nhắc việc tự động" in section and "đã gửi đến 2 trường" in section
    # The school's row says the last reminder was automatic.
    row = page.split('data-school="MN-HOASEN"')[1].split("</tr>")[0]
    assert "tự động" in row and "Trần Thị Lan" in row
    # The htmx table answer does not repeat it; the detail page shows it to officers only.
    fragment = officer.get(f"/directives/{directive.id}/tracking?state=unread",
                           headers=htmx()).get_data(as_text=True)
    assert "reminder-schedule" not in fragment
    detail = officer.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert 'id="reminder-schedule"' in detail and f"lúc 08:00 {sent_day}" in detail
    school = login_as(district.principal).get(f"/directives/{directive.id}").get_data(
        as_text=True)
    assert "reminder-schedule" not in school


def test_a_directive_without_schedule_says_so(district, login_as, make_directive):
    quiet = make_directive(reminder_days="")
    page = login_as(district.officer).get(f"/directives/{quiet.id}/tracking")
    assert "Văn bản này không nhắc việc tự động." in page.get_data(as_text=True)


def test_the_demo_directive_has_a_real_reminder_history(app, district, login_as):
    from district.seeding import load_demo

    with app.app_context():
        load_demo()
        demo = Directive.get(Directive.number == "1256/PGDĐT-CTHSSV")
        assert demo.deadline < clock.today() and demo.reminder_days == [-3, 0, 1, 3, 7]
        done = steps_of(demo)
        assert {s: state for s, (state, _n) in done.items()} == {
            -3: "sent", 0: "sent", 1: "sent", 3: "sent"}
        assert all(n > 0 for _state, n in done.values())
        assert [p["state"] for p in schedule.plan(demo)] == ["sent"] * 4 + ["planned"]
        automatic = list(DirectiveReminder.select(DirectiveReminder, Recipient).join(Recipient)
                         .where(Recipient.directive == demo.id,
                                DirectiveReminder.step.is_null(False)))
        assert len(automatic) == sum(n for _state, n in done.values())
        # Never a school that had acknowledged by then; some acknowledged before any step.
        assert all(r.recipient.acknowledged_at is None
                   or r.recipient.acknowledged_at > r.sent_at for r in automatic)
        never = (Recipient.select().where(Recipient.directive == demo.id,
                                          Recipient.reminders_count == 0,
                                          Recipient.acknowledged_at.is_null(False)))
        assert never.count() > 0
        officer = User.get(User.username == "chuyenvien1")
    page = login_as(officer).get(f"/directives/{demo.id}/tracking").get_data(as_text=True)
    assert "Các lần nhắc việc tự động" in page and "tự động" in page
