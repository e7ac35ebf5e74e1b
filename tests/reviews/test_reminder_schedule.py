"""Review rounds remind schools on a schedule, as directives do: each round has its steps, in
days from its deadline (default 3 days before, on the day, 1 and 3 days after), typed in the
launch form; on a step's local day, from REMINDER_TIME, the principals of the schools that still
have to act (not started, draft, returned) are reminded, once per step whoever runs the job and
however often, never a school that submitted or was accepted; steps whose day passed while
nobody could send them are skipped."""

import datetime as dt

import pytest

from district import clock, jobs
from district.models import (
    AuditEntry,
    Notification,
    OutboxMessage,
    ReviewReminderStep,
    ReviewRound,
    ReviewSubmission,
    User,
)
from district.reviews import operations, reminders
from tests.concurrency import at_once
from tests.reviews.conftest import criteria_of, fresh, launch_values, submission_of


def local(day, hour, minute=0, days=0):
    """The UTC instant of a local time `days` after `day`."""
    return clock.to_utc(dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour, minute)))


def reminded():
    """Who got a review reminder, in order of id."""
    return [n.user_id for n in Notification.select().where(
        Notification.kind == "review.reminder").order_by(Notification.id)]


def steps_of(review_round):
    return {r.step: (r.state, r.schools) for r in ReviewReminderStep.select().where(
        ReviewReminderStep.review_round == review_round.id,
        ReviewReminderStep.deadline == review_round.deadline)}


@pytest.fixture
def at_local(app, monkeypatch):
    """Sets the office's clock to a local datetime; returns the UTC instant."""

    def setter(local_time):
        with app.app_context():
            instant = clock.to_utc(local_time)
        monkeypatch.setattr(clock, "utcnow", lambda: instant)
        return instant

    return setter


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def deadline(today):
    return today + dt.timedelta(days=10)


@pytest.fixture
def review_round(make_round, at_local, today, deadline):
    """Launched today at 09:00 to both schools, due in 10 days, with the default schedule."""
    at_local(dt.datetime.combine(today, dt.time(9, 0)))
    return make_round(deadline=deadline)


def launch_form(deadline, **fields):
    return {"title": "Rà soát quy tắc ứng xử", "criteria_code": "tt06-2019",
            "audience_kind": "all", "deadline": deadline.isoformat(), **fields}


# --- The schedule typed in the launch form ----------------------------------------------------


def test_a_round_has_the_default_schedule_and_the_form_saves_another(
        district, login_as, make_round, deadline):
    assert make_round().reminder_days == [-3, 0, 1, 3]
    officer = login_as(district.officer)
    page = officer.get("/reviews/new").get_data(as_text=True)
    assert 'name="reminder_days"' in page and 'value="-3, 0, 1, 3"' in page
    assert "Mặc định: -3, 0, 1, 3 (3 ngày trước hạn, ngày đến hạn, 1 và 3 ngày sau hạn)" in page
    # The Unicode minus a word processor types is a minus; empty is no automatic reminder.
    response = officer.post("/reviews/new", data=launch_form(deadline, reminder_days="−2, 0, +2"))
    assert response.status_code == 302
    assert ReviewRound.select().order_by(ReviewRound.id.desc()).get().reminder_days == [-2, 0, 2]
    response = officer.post("/reviews/new", data=launch_form(deadline, title="Không nhắc",
                                                             reminder_days=""))
    assert response.status_code == 302
    quiet = ReviewRound.get(ReviewRound.title == "Không nhắc")
    assert quiet.reminder_days == []
    page = officer.get(f"/reviews/{quiet.id}").get_data(as_text=True)
    assert "Đợt rà soát này không nhắc việc tự động." in page


@pytest.mark.parametrize(("typed", "message"), [
    ("-3, x, 1", "“x” không phải là một số ngày. Hãy ghi các số nguyên cách nhau bởi dấu phẩy, "
                 "ví dụ: -3, 0, 1, 3."),
    ("−31, 0", "Bước -31 nằm ngoài khoảng cho phép: từ -30 đến 30 ngày so với hạn."),
    ("-3, 0, 3, 1", "Bước 1 được ghi sau bước 3 nhưng lại sớm hơn: hãy ghi các bước theo thứ "
                    "tự từ sớm đến muộn."),
])
def test_a_bad_schedule_is_refused_on_the_launch_form_keeping_what_was_typed(
        district, login_as, run, deadline, typed, message):
    with pytest.raises(operations.ReviewError) as refused:
        run(operations.launch_round, district.officer, launch_values(reminder_days=typed))
    assert refused.value.errors == {"reminder_days": message}
    response = login_as(district.officer).post(
        "/reviews/new", data=launch_form(deadline, reminder_days=typed))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{typed}"' in page and 'value="Rà soát quy tắc ứng xử"' in page
    assert ReviewRound.select().count() == 0 and ReviewSubmission.select().count() == 0


# --- The job ----------------------------------------------------------------------------------


def test_each_step_is_sent_once_on_its_day_from_reminder_time(
        app, district, review_round, deadline):
    assert reminders.send_due(local(deadline, 7, 59, days=-3)) == \
        "steps sent: 0 (to 0 schools), skipped: 0"
    assert reminded() == [] and steps_of(review_round) == {}
    assert reminders.send_due(local(deadline, 8, 0, days=-3)) == \
        "steps sent: 1 (to 2 schools), skipped: 0"
    principals = sorted([district.principal.id, district.other_principal.id])
    assert sorted(reminded()) == principals
    # Run again, the same minute, later that day, and days later before the next step.
    for when in (local(deadline, 8, 0, days=-3), local(deadline, 17, 0, days=-3),
                 local(deadline, 8, 0, days=-1)):
        assert reminders.send_due(when) == "steps sent: 0 (to 0 schools), skipped: 0"
    assert sorted(reminded()) == principals
    assert steps_of(review_round) == {-3: ("sent", 2)}
    note = Notification.get(Notification.user == district.principal.id,
                            Notification.kind == "review.reminder")
    assert note.link == f"/reviews/{review_round.id}"
    assert note.params["deadline"] == deadline.strftime("%d/%m/%Y")
    # As the officer's button does: each school's count, the round's, one audit entry, the
    # automatic one without an actor and with its step.
    assert {s.reminders_count for s in ReviewSubmission.select()} == {1}
    assert ReviewRound.get_by_id(review_round.id).reminders_count == 1
    [entry] = AuditEntry.select().where(AuditEntry.action == "review.remind")
    assert entry.actor_id is None and entry.target_id == str(review_round.id)
    assert entry.details == {"schools": 2, "step": -3}
    # The worker runs it every quarter of an hour, at REMINDER_TIME.
    app.config["REMINDER_TIME"] = "09:30"
    with app.app_context():
        first = jobs.run_due(now=local(deadline, 9, 29))
        assert first["reviews.reminders"] == "steps sent: 0 (to 0 schools), skipped: 0"
        assert "reviews.reminders" not in jobs.run_due(now=local(deadline, 9, 35))
        again = jobs.run_due(now=local(deadline, 9, 45))
        assert again["reviews.reminders"] == "steps sent: 1 (to 2 schools), skipped: 0"
    assert steps_of(review_round) == {-3: ("sent", 2), 0: ("sent", 2)}
    assert len(reminded()) == 4


def test_two_workers_at_once_send_a_step_once(app, district, review_round, deadline):
    now = local(deadline, 8, 5, days=-3)
    assert at_once(app, lambda: reminders.send_due(now)) == []
    assert len(reminded()) == 2
    assert steps_of(review_round) == {-3: ("sent", 2)}
    assert AuditEntry.select().where(AuditEntry.action == "review.remind").count() == 1


def test_a_school_that_submitted_or_was_accepted_is_never_reminded(
        district, review_round, deadline, run, answer_all, at_local):
    at_local(dt.datetime.combine(deadline - dt.timedelta(days=5), dt.time(10, 0)))
    for school, principal in ((district.preschool, district.principal),
                              (district.secondary, district.other_principal)):
        submission = answer_all(principal, submission_of(review_round, school))
        run(operations.submit, principal, submission, submission.version)
    # Both submitted, waiting for the office: nobody to remind, and the step says so.
    reminders.send_due(local(deadline, 8, 0, days=-3))
    assert reminded() == [] and steps_of(review_round) == {-3: ("sent", 0)}
    # The office accepts one and returns the other: only the returned one has to act again.
    accepted = fresh(submission_of(review_round, district.preschool))
    run(operations.decide, district.officer, accepted, accepted.version, "accept", {})
    returned = fresh(submission_of(review_round, district.secondary))
    first = criteria_of(review_round)[0]
    run(operations.decide, district.officer, returned, returned.version, "return",
        {first.id: "Bổ sung biên bản"})
    reminders.send_due(local(deadline, 8, 0))
    assert reminded() == [district.other_principal.id]
    assert steps_of(review_round)[0] == ("sent", 1)
    assert fresh(accepted).reminders_count == 0


def test_steps_missed_by_the_worker_are_skipped_and_only_the_latest_is_sent(
        district, review_round, deadline, at_local):
    # No worker from before step -3 until the day after the deadline: the page says which
    # step the next pass will send.
    at_local(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(10, 0)))
    fresh_round = ReviewRound.get_by_id(review_round.id)
    assert [p["state"] for p in reminders.context(fresh_round)["steps"]] == [
        "skipped", "skipped", "planned", "planned"]
    assert reminders.send_due(local(deadline, 10, 0, days=1)) == \
        "steps sent: 1 (to 2 schools), skipped: 2"
    assert steps_of(review_round) == {-3: ("skipped", 0), 0: ("skipped", 0), 1: ("sent", 2)}
    # Down again for five days: step +3 is three days past, too old to send.
    reminders.send_due(local(deadline, 10, 0, days=6))
    assert steps_of(review_round)[3] == ("skipped", 0)
    assert len(reminded()) == 2


def test_a_round_launched_after_a_step_does_not_send_it(district, make_round, today,
                                                        at_local):
    at_local(dt.datetime.combine(today, dt.time(9, 0)))
    late = make_round(deadline=today + dt.timedelta(days=1))
    reminders.send_due(local(today, 9, 15))
    # Step -3 was two days before the launch: skipped, not sent to schools just told.
    assert steps_of(late) == {-3: ("skipped", 0)} and reminded() == []
    reminders.send_due(local(today, 8, 0, days=1))
    assert steps_of(late)[0] == ("sent", 2)


def test_principals_who_want_mail_at_once_get_it_through_the_outbox(
        district, review_round, deadline):
    for user in (district.principal, district.other_principal):
        User.update(email=f"{user.username}@songxanh.edu.vn").where(User.id == user.id).execute()
    User.update(email_choice="digest").where(User.id == district.other_principal.id).execute()
    OutboxMessage.delete().execute()
    reminders.send_due(local(deadline, 8, 0, days=-3))
    [mail] = OutboxMessage.select().where(OutboxMessage.topic != "")
    assert mail.user_id == district.principal.id and mail.link == f"/reviews/{review_round.id}"


# --- What officers see ------------------------------------------------------------------------


def test_the_round_page_shows_the_plan_and_its_history(
        district, login_as, review_round, deadline, at_local):
    reminders.send_due(local(deadline, 8, 0, days=-3))
    at_local(dt.datetime.combine(deadline - dt.timedelta(days=2), dt.time(12, 0)))
    page = login_as(district.officer).get(f"/reviews/{review_round.id}").get_data(as_text=True)
    section = page.split('id="reminder-schedule"')[1].split("</section>")[0]
    sent_day = (deadline - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert sent_day in section and "3 ngày trước hạn" in section
    assert f"lúc 08:00 {sent_day} đến 2 trường" in section
    assert deadline.strftime("%d/%m/%Y") in section and "ngày đến hạn" in section
    assert section.count("Dự kiến") == 3 and "+3" in section
    assert "chưa bắt đầu, đang soạn, bị trả lại" in section
    assert "Các lần nhắc việc tự động" in section and "đã gửi đến 2 trường" in section
    # The matrix's htmx answer does not repeat it; the observer's figures do not show it.
    fragment = login_as(district.officer).get(f"/reviews/{review_round.id}?state=draft",
                                              headers={"HX-Request": "true"})
    assert "reminder-schedule" not in fragment.get_data(as_text=True)
    observer = login_as(district.observer).get(f"/reviews/{review_round.id}")
    assert "reminder-schedule" not in observer.get_data(as_text=True)
    # In English, the words of the shared schedule and of the round's own sentence.
    User.update(locale="en").where(User.id == district.officer.id).execute()
    english = login_as(User.get_by_id(district.officer.id)).get(f"/reviews/{review_round.id}")
    section = english.get_data(as_text=True).split('id="reminder-schedule"')[1]
    assert "Planned" in section and "3 days before the deadline" in section
    assert "the schools that still have to act (not started, drafting, returned)" in section
