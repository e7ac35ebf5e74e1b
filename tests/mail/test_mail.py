"""E-mail for real: a notification queues its e-mail in the same transaction, the worker sends it
to a real SMTP server on the loopback (never a web request), in the reader's language, from the
office, with text and HTML parts, an unsubscribe link that works, and no child data."""

import pytest

from district import clock
from district.db import database
from district.i18n import N_
from district.mail import outbox
from district.models import Notification, OutboxMessage, User
from district.notifications.operations import notify
from tests.mail.conftest import CHILD, SENDER, SITE
from tests.mail.helpers import everything, header, html_part, text_part, unsubscribe_path


def queued_for(user):
    return list(OutboxMessage.select().where(OutboxMessage.user == user.id))


def set_choice(user, choice):
    User.update(email_choice=choice).where(User.id == user.id).execute()


# --- Queued with the notification, for those who want it at once ---------------------------


def test_a_notification_queues_an_email_for_those_who_want_it_at_once(district, addresses):
    set_choice(district.officer2, "off")
    User.update(email="").where(User.id == district.other_principal.id).execute()
    people = [district.principal, district.staff, district.officer, district.officer2,
              district.other_principal]
    notify(people, "directive.published", N_("Văn bản chỉ đạo mới %(number)s: %(title)s"),
           "/directives/1", number="12/PGDĐT", title="Phòng, chống bạo lực học đường")
    # Principals and officers get it at once by default; staff get the daily digest instead;
    # an account that turned e-mail off, or has no address, gets none.
    assert [len(queued_for(u)) for u in people] == [1, 0, 1, 0, 0]
    message = queued_for(district.principal)[0]
    assert (message.state, message.kind, message.topic, message.link) == (
        "pending", "notification", "directive.published", "/directives/1")
    assert message.params == {"number": "12/PGDĐT", "title": "Phòng, chống bạo lực học đường"}


def test_the_email_is_queued_in_the_transaction_of_the_change(district, addresses):
    with pytest.raises(RuntimeError):
        with database.atomic():
            notify([district.principal], "directive.published",
                   N_("Văn bản chỉ đạo mới %(number)s: %(title)s"), "/directives/1",
                   number="1", title="x")
            raise RuntimeError("the change fails after notifying")
    assert Notification.select().count() == 0
    assert OutboxMessage.select().count() == 0


def test_nothing_is_sent_during_the_request_even_with_the_server_down(
        district, addresses, make_directive, login_as, smtp, send):
    import datetime as dt

    overdue = make_directive(deadline_days=-1, issued_on=clock.today() - dt.timedelta(days=5))
    OutboxMessage.delete().execute()
    smtp.stop()
    response = login_as(district.officer).post(f"/directives/{overdue.id}/remind")
    assert response.status_code == 302  # the reminder is recorded; no error page
    assert OutboxMessage.select().where(OutboxMessage.state == "pending").count() == 2
    smtp.start()
    assert smtp.received == []
    assert send() == {"sent": 2}
    assert sorted(r for m in smtp.received for r in m.rcpt_tos) == sorted(
        [addresses["ht.mn-hoasen"], addresses["ht.thcs-nguyendu"]])
    assert "Nhắc việc" in header(smtp.received[0], "Subject")


# --- What the e-mail says --------------------------------------------------------------------


def test_the_email_has_text_and_html_from_the_office_in_vietnamese(
        district, addresses, make_directive, smtp, send):
    directive = make_directive()
    send()
    [received] = smtp.to(addresses["ht.mn-hoasen"])
    message = received.message
    assert received.mail_from == SENDER
    assert header(received, "From") == f"Phòng Giáo dục và Đào tạo huyện Sông Xanh <{SENDER}>"
    assert header(received, "To") == f"Trần Thị Lan <{addresses['ht.mn-hoasen']}>"
    assert header(received, "Subject") == (f"Văn bản chỉ đạo mới {directive.number}: "
                                           f"{directive.title}")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Content-Language"] == "vi"
    text, html = text_part(received), html_part(received)
    assert text.startswith("Kính gửi Trần Thị Lan,")
    assert f"{SITE}/directives/{directive.id}" in text
    assert f'href="{SITE}/directives/{directive.id}"' in html and '<html lang="vi">' in html
    assert "Ngừng nhận thư điện tử" in text and "Ngừng nhận thư điện tử" in html
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@songxanh.edu.vn>")


def test_the_email_is_in_the_readers_language(district, addresses, make_directive, smtp, send):
    User.update(locale="en").where(User.id == district.principal.id).execute()
    directive = make_directive()
    send()
    english = smtp.to(addresses["ht.mn-hoasen"])[0]
    vietnamese = smtp.to(addresses["ht.thcs-nguyendu"])[0]
    assert header(english, "Subject") == f"New directive {directive.number}: {directive.title}"
    assert text_part(english).startswith("Dear Trần Thị Lan,")
    assert "Stop e-mails" in text_part(english) and '<html lang="en">' in html_part(english)
    assert english.message["Content-Language"] == "en"
    assert "Kính gửi" not in text_part(english) and "Kính gửi" in text_part(vietnamese)
    # The sender is the office, whatever the reader's language.
    assert header(english, "From") == header(vietnamese, "From")


def test_an_incident_email_says_nothing_of_what_happened_or_to_whom(
        district, addresses, report_incident, smtp, send):
    incident = report_incident(severity="critical")  # the principal and every officer
    # The outbox (the admin's, who may not read incidents) keeps only the link.
    assert {(m.message, str(m.params), m.link) for m in OutboxMessage.select()} == {
        ("", "{}", f"/incidents/{incident.id}")}
    assert send() == {"sent": 3}
    assert sorted(r for m in smtp.received for r in m.rcpt_tos) == sorted(
        [addresses["ht.mn-hoasen"], addresses["chuyenvien1"], addresses["chuyenvien2"]])
    for received in smtp.received:
        seen = everything(received)
        assert header(received, "Subject") == "Một vụ việc cần anh/chị xem"
        assert f"{SITE}/incidents/{incident.id}" in text_part(received)
        for secret in (CHILD["name"], "Ngọc", CHILD["summary"], CHILD["description"],
                       CHILD["actions"], "4B", "Bạo lực thể chất", "Nghiêm trọng",
                       incident.reference, district.preschool.name, district.staff.full_name):
            assert secret not in seen, secret


# --- Unsubscribing ----------------------------------------------------------------------------


def test_the_unsubscribe_link_turns_email_off_without_signing_in(
        app, district, addresses, make_directive, smtp, send, client):
    make_directive()
    send()
    received = smtp.to(addresses["ht.mn-hoasen"])[0]
    path = unsubscribe_path(received)
    assert received.message["List-Unsubscribe"] == f"<{SITE}{path}>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{SITE}{path}"' in html_part(received)
    # Opening the link asks first (a link checker opening it turns nothing off).
    page = client.get(path)
    assert page.status_code == 200 and "Ngừng nhận thư điện tử" in page.get_data(as_text=True)
    assert User.get_by_id(district.principal.id).email_choice == ""
    done = client.post(path)
    assert done.status_code == 200
    assert "sẽ không nhận thư điện tử nào nữa" in done.get_data(as_text=True)
    assert User.get_by_id(district.principal.id).email_choice == "off"
    make_directive()
    assert len(queued_for(district.principal)) == 1  # nothing new for her
    assert len(queued_for(district.other_principal)) == 2


def test_a_mail_programs_one_click_unsubscribe_needs_no_form_token(
        app, district, addresses, make_directive, smtp, send, client):
    make_directive()
    send()
    path = unsubscribe_path(smtp.to(addresses["ht.thcs-nguyendu"])[0])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert User.get_by_id(district.other_principal.id).email_choice == "off"


def test_a_forged_or_changed_unsubscribe_link_is_not_found(district, client, app):
    from district.mail.tokens import unsubscribe_token

    with app.app_context():
        token = unsubscribe_token(district.principal.id)
    for bad in (token[:-2] + "xx", "1", "abc.def", token.replace(token.split(".")[0], "Mg")):
        assert client.post(f"/account/email/stop/{bad}").status_code == 404
        assert client.get(f"/account/email/stop/{bad}").status_code == 404
    assert User.get_by_id(district.principal.id).email_choice == ""


def test_a_message_queued_before_the_reader_turned_email_off_is_not_sent(
        district, addresses, make_directive, smtp, send):
    make_directive()
    set_choice(district.principal, "off")
    assert send() == {"sent": 1, "skipped": 1}
    assert smtp.to(addresses["ht.mn-hoasen"]) == []
    skipped = queued_for(district.principal)[0]
    assert (skipped.state, skipped.last_error) == ("skipped", outbox.OPTED_OUT)


def test_without_a_mail_server_messages_are_written_to_the_log(
        app, district, addresses, make_directive, smtp, send, caplog):
    app.config["MAIL_SERVER"] = ""
    directive = make_directive()
    with caplog.at_level("INFO", logger="district.mail"):
        assert send() == {"sent": 2}
    assert smtp.received == []
    logged = caplog.text
    assert addresses["ht.mn-hoasen"] in logged and directive.number in logged
    assert "MAIL_SERVER" in logged
    assert {m.state for m in OutboxMessage.select()} == {"sent"}
