"""Each account chooses how it gets notifications by e-mail (at once, a daily digest, none) and
edits its own address; the admin reads the outbox (waiting and failed e-mail) and sends a failed
one again; nobody else does."""

import re

import pytest

from district.i18n import N_
from district.models import AuditEntry, OutboxMessage, User
from district.notifications.operations import notify


def queue(users):
    notify(users, "directive.published", N_("Văn bản chỉ đạo mới %(number)s: %(title)s"),
           "/directives/1", number="12/PGDĐT", title="Phòng, chống bạo lực học đường")


def checked(page, value):
    """Whether the radio button of `value` is checked."""
    return bool(re.search(rf'<input checked [^>]*value="{value}"', page))


@pytest.mark.parametrize("role, default", [("principal", "now"), ("officer", "now"),
                                           ("admin", "now"), ("staff", "digest"),
                                           ("observer", "digest")])
def test_the_account_page_shows_the_roles_default(district, login_as, role, default):
    page = login_as(district.by_role[role]).get("/account").get_data(as_text=True)
    assert "Nhận thông báo qua thư điện tử" in page
    assert 'type="email"' in page
    radios = {value for value in ("now", "digest", "off") if checked(page, value)}
    assert radios == {default}


def test_the_user_menu_leads_to_the_account_page(district, login_as):
    assert 'href="/account"' in login_as(district.staff).get("/").get_data(as_text=True)


def test_a_teacher_gives_her_address_and_asks_for_each_notification_at_once(
        district, login_as):
    client = login_as(district.staff)
    response = client.post("/account", data={"email": " Mai.LT@SongXanh.edu.vn ",
                                              "email_choice": "now"})
    assert response.status_code == 302 and response.location == "/account"
    user = User.get_by_id(district.staff.id)
    assert (user.email, user.email_choice) == ("mai.lt@songxanh.edu.vn", "now")
    entry = AuditEntry.get(AuditEntry.action == "account.email")
    assert entry.details["email"] == ["", "mai.lt@songxanh.edu.vn"]
    assert "Đã lưu cách nhận thư điện tử." in client.get("/account").get_data(as_text=True)
    queue([district.staff])
    assert OutboxMessage.select().where(OutboxMessage.user == district.staff.id).count() == 1


def test_turning_email_off_queues_nothing(district, login_as):
    User.update(email="lan.tt@songxanh.edu.vn").where(User.id == district.principal.id).execute()
    login_as(district.principal).post("/account", data={"email": "lan.tt@songxanh.edu.vn",
                                                        "email_choice": "off"})
    queue([district.principal])
    assert OutboxMessage.select().count() == 0


@pytest.mark.parametrize("email, choice, message", [
    ("khong-phai-dia-chi", "now", "Địa chỉ thư điện tử không hợp lệ"),
    ("a@b", "now", "Địa chỉ thư điện tử không hợp lệ"),
    ("lan@songxanh.edu.vn\r\nBcc: ai@ai.vn", "now", "ký tự điều khiển"),
    ("x" * 195 + "@songxanh.edu.vn", "now", "Tối đa 200 ký tự"),
    ("lan@songxanh.edu.vn", "every-hour", "Lựa chọn không hợp lệ."),
])
def test_a_bad_address_or_choice_is_refused_with_a_message(district, login_as, email, choice,
                                                           message):
    client = login_as(district.principal)
    response = client.post("/account", data={"email": email, "email_choice": choice})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    user = User.get_by_id(district.principal.id)
    assert (user.email, user.email_choice) == ("", "")


def test_an_account_without_an_address_is_told_that_no_email_can_reach_it(district, login_as):
    page = login_as(district.staff).get("/account").get_data(as_text=True)
    assert "chưa gửi được thư nào cho bạn" in page


# --- The admin's outbox page -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "principal", "staff", "observer"])
def test_the_outbox_is_the_admins_alone(district, login_as, role):
    User.update(email="lan.tt@songxanh.edu.vn").where(User.id == district.principal.id).execute()
    queue([district.principal])
    message = OutboxMessage.get()
    client = login_as(district.by_role[role])
    assert client.get("/admin/outbox").status_code == 404
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 404


def test_the_admin_reads_waiting_and_failed_mail_and_sends_a_failed_one_again(
        district, login_as):
    User.update(email="ht.mn-hoasen@songxanh.edu.vn").where(
        User.id == district.principal.id).execute()
    queue([district.principal])
    message = OutboxMessage.get()
    admin = login_as(district.admin)
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert f'id="outbox-{message.id}"' in page and "Chờ gửi: 1 · Thất bại: 0" in page
    assert "ht***@songxanh.edu.vn" in page and "ht.mn-hoasen@" not in page
    assert "Trần Thị Lan" in page
    OutboxMessage.update(state="failed", attempts=6, last_error="421 4.3.2 Service not available",
                         subject="Văn bản chỉ đạo mới 12/PGDĐT").execute()
    failed = admin.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "421 4.3.2 Service not available" in failed and "Gửi lại" in failed
    assert "Văn bản chỉ đạo mới 12/PGDĐT" in failed
    assert not re.search(r'id="outbox-\d+"',
                         admin.get("/admin/outbox?state=sent").get_data(as_text=True))
    response = admin.post(f"/admin/outbox/{message.id}/retry")
    assert response.status_code == 302
    again = OutboxMessage.get_by_id(message.id)
    assert (again.state, again.attempts) == ("pending", 0)
    assert AuditEntry.select().where(AuditEntry.action == "mail.retry").count() == 1
    # Only a failed message is sent again.
    assert admin.post(f"/admin/outbox/{message.id}/retry").status_code == 302
    assert AuditEntry.select().where(AuditEntry.action == "mail.retry").count() == 1
    assert admin.post("/admin/outbox/999999/retry").status_code == 404


def test_the_admins_menu_has_the_outbox(district, login_as):
    assert 'href="/admin/outbox"' in login_as(district.admin).get("/").get_data(as_text=True)
    assert 'href="/admin/outbox"' not in login_as(district.officer).get("/").get_data(
        as_text=True)
