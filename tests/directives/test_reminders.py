"""Reminding schools: "remind every overdue school" asks for confirmation first and says how many
schools it will remind; a school is never reminded about the same directive twice within
REMIND_MIN_HOURS, however many clicks; the tracking page says when the last reminder went and to
whom."""

import csv
import datetime as dt
import io

import pytest

from district.models import DirectiveReminder, Notification, Recipient

from .conftest import htmx, local_time


def reminders_sent():
    return Notification.select().where(Notification.kind == "directive.reminder").count()


@pytest.fixture
def overdue(make_directive, today):
    """Published to both schools, deadline yesterday, nobody acknowledged."""
    return make_directive(deadline=today - dt.timedelta(days=1),
                          issued_on=today - dt.timedelta(days=8))


def test_remind_all_asks_for_confirmation_and_says_how_many(district, login_as, overdue):
    officer = login_as(district.officer)
    tracking = officer.get(f"/directives/{overdue.id}/tracking").get_data(as_text=True)
    # The button is a link to the confirmation, not a form that sends at once.
    assert f'href="/directives/{overdue.id}/remind?next=' in tracking
    assert f'action="/directives/{overdue.id}/remind"' not in tracking.split('id="results"')[0]
    page = officer.get(f"/directives/{overdue.id}/remind")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 trường quá hạn sẽ được nhắc" in html
    assert "Gửi nhắc việc đến 2 trường" in html and "Quay lại, không nhắc" in html
    # With htmx the confirmation comes as a panel of the tracking page.
    panel = officer.get(f"/directives/{overdue.id}/remind", headers=htmx()).get_data(as_text=True)
    assert "<html" not in panel and 'id="remind-confirm"' in panel
    assert reminders_sent() == 0  # asking sends nothing


def test_second_click_within_the_window_sends_nothing_then_after_it_sends(
        district, login_as, overdue, today, at_local):
    officer = login_as(district.officer)
    at_local(local_time(today, 9))
    first = officer.post(f"/directives/{overdue.id}/remind", follow_redirects=True)
    assert "Đã gửi nhắc việc đến 2 trường." in first.get_data(as_text=True)
    assert reminders_sent() == 2
    # A second click an hour later (or a double submit): nothing is sent, and it says why.
    at_local(local_time(today, 10))
    second = officer.post(f"/directives/{overdue.id}/remind", follow_redirects=True)
    html = second.get_data(as_text=True)
    assert "2 trường đã được nhắc trong 24 giờ qua nên không được nhắc lại." in html
    assert "Đã gửi nhắc việc" not in html
    assert reminders_sent() == 2
    assert {r.reminders_count for r in Recipient.select()} == {1}
    confirm = officer.get(f"/directives/{overdue.id}/remind").get_data(as_text=True)
    assert "Không có trường quá hạn nào cần nhắc lúc này." in confirm
    assert "Gửi nhắc việc đến" not in confirm
    # Once the window has passed, the schools still overdue are reminded again.
    at_local(local_time(today, 9, 1, days=1))
    officer.post(f"/directives/{overdue.id}/remind")
    assert reminders_sent() == 4
    assert {r.reminders_count for r in Recipient.select()} == {2}


def test_one_school_is_not_reminded_twice_within_the_window(app, district, login_as, overdue,
                                                           today, at_local):
    app.config["REMIND_MIN_HOURS"] = 2
    officer = login_as(district.officer)
    data = {"school_id": district.secondary.id}
    at_local(local_time(today, 9))
    assert officer.post(f"/directives/{overdue.id}/remind", data=data,
                        headers=htmx()).status_code == 200
    at_local(local_time(today, 10, 30))
    again = officer.post(f"/directives/{overdue.id}/remind", data=data, headers=htmx())
    html = again.get_data(as_text=True)
    assert again.status_code == 409 and 'data-school="THCS-NGUYENDU"' in html
    assert "Trường đã được nhắc lúc 09:00" in html and "chỉ nhắc lại sau 2 giờ" in html
    # Without JavaScript: the same refusal, as a message on the tracking page.
    plain = officer.post(f"/directives/{overdue.id}/remind", data=data, follow_redirects=True)
    assert "chỉ nhắc lại sau 2 giờ" in plain.get_data(as_text=True)
    assert reminders_sent() == 1
    at_local(local_time(today, 11, 1))
    assert officer.post(f"/directives/{overdue.id}/remind", data=data,
                        headers=htmx()).status_code == 200
    assert reminders_sent() == 2


def test_tracking_shows_when_and_to_whom_the_last_reminder_went(district, login_as, overdue,
                                                                make_user, today, at_local):
    vice = make_user("principal", district.secondary, full_name="Hồ Thị Phó")
    gone = make_user("principal", district.secondary, full_name="Người Đã Nghỉ")
    gone.active = False
    gone.save()
    officer = login_as(district.officer)
    at_local(local_time(today, 8, 15))
    officer.post(f"/directives/{overdue.id}/remind", data={"school_id": district.secondary.id})
    page = officer.get(f"/directives/{overdue.id}/tracking").get_data(as_text=True)
    row = page.split('data-school="THCS-NGUYENDU"')[1].split("</tr>")[0]
    when = today.strftime("%d/%m/%Y") + " 08:15"
    assert f"Lần cuối: {when}" in row
    assert "Đỗ Minh Tuấn" in row and "Hồ Thị Phó" in row and "Người Đã Nghỉ" not in row
    untouched = page.split('data-school="MN-HOASEN"')[1].split("</tr>")[0]
    assert "Lần cuối" not in untouched
    notified = {n.user_id for n in Notification.select().where(
        Notification.kind == "directive.reminder")}
    assert notified == {district.other_principal.id, vice.id}
    reminder = DirectiveReminder.get()
    assert reminder.sent_by_id == district.officer.id
    # The export says it too.
    text = officer.get(f"/directives/{overdue.id}/tracking.csv").data.decode("utf-8-sig")
    by_code = {r[0]: r for r in csv.reader(io.StringIO(text))}
    assert by_code["THCS-NGUYENDU"][16] == when
    assert by_code["THCS-NGUYENDU"][17] == "Hồ Thị Phó, Đỗ Minh Tuấn"  # Vietnamese order
