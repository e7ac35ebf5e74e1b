"""Issue 11: account management never opens the incidents. Granting or taking the officer role
and resetting an officer's password take effect only when another officer approves; the admin
never changes their own role; every request and decision notifies the officers and is audited;
the temporary password goes to the approving officer, never to the admin."""

import re

import pytest

from district.models import AccountRequest, AuditEntry, Notification, User
from tests.conftest import PASSWORD


def new_officer_form(**fields):
    return {"username": "chuyenvien9", "full_name": "Đặng Thu Trang", "role": "officer",
            "school_id": "", "email": "", "phone": "", **fields}


def the_request():
    return AccountRequest.select().order_by(AccountRequest.id.desc()).get()


def temporary_password(response):
    found = re.search(r'id="temporary-password">([^<]+)<', response.get_data(as_text=True))
    return found and found.group(1)


def officers_notified(district, link):
    return {n.user_id for n in Notification.select().where(Notification.link == link)} >= {
        district.officer.id, district.officer2.id}


def test_an_officer_account_the_admin_asks_for_exists_only_once_an_officer_approves(
        district, login_as, client):
    admin = login_as(district.admin)
    response = admin.post("/admin/users/new", data=new_officer_form())
    assert response.status_code == 302
    # No account yet, and no password for the admin to sign in with.
    assert not User.select().where(User.username == "chuyenvien9").exists()
    assert temporary_password(response) is None
    request = the_request()
    assert (request.kind, request.state, request.username) == ("create", "pending", "chuyenvien9")
    page = admin.get(response.location).get_data(as_text=True)
    assert "Chờ duyệt" in page and 'id="temporary-password"' not in page
    assert 'action="/admin/requests/' not in page  # the admin cannot approve it
    assert admin.post(f"/admin/requests/{request.id}/approve").status_code == 404
    assert officers_notified(district, f"/admin/requests/{request.id}")

    officer = login_as(district.officer)
    approved = officer.post(f"/admin/requests/{request.id}/approve")
    assert approved.status_code == 200
    password = temporary_password(approved)
    user = User.get(User.username == "chuyenvien9")
    assert user.role == "officer" and user.must_change_password
    assert AccountRequest.get_by_id(request.id).state == "approved"
    assert "Đã duyệt" in admin.get(f"/admin/requests/{request.id}").get_data(as_text=True)
    assert 'id="temporary-password"' not in admin.get(
        f"/admin/requests/{request.id}").get_data(as_text=True)
    # The new officer signs in with the password only the approving officer saw.
    assert client.post("/login", data={"username": "chuyenvien9", "password": password}
                       ).location == "/account/password"
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert {"account_request.create", "account_request.approve", "user.create"} <= set(actions)
    created = AuditEntry.get(AuditEntry.action == "user.create")
    assert created.actor_id == district.officer.id


def test_the_admin_cannot_give_an_account_the_officer_role(district, login_as, client):
    admin = login_as(district.admin)
    response = admin.post(f"/admin/users/{district.observer.id}", data={
        "full_name": "Phạm Quốc Việt (đã sửa)", "role": "officer", "school_id": "", "email": "",
        "phone": ""})
    assert response.status_code == 302
    observer = User.get_by_id(district.observer.id)
    assert observer.role == "observer"
    assert observer.full_name == "Phạm Quốc Việt (đã sửa)"  # the other fields are saved
    request = the_request()
    assert (request.kind, request.details["from"], request.details["to"]) == (
        "grant", "observer", "officer")
    # Nothing opens for the observer until an officer approves.
    assert login_as(district.observer).get("/incidents/").status_code != 200

    approved = login_as(district.officer2).post(f"/admin/requests/{request.id}/approve")
    password = temporary_password(approved)
    promoted = User.get_by_id(district.observer.id)
    assert promoted.role == "officer" and promoted.must_change_password
    # Whoever knew the old password (e.g. after an admin reset) no longer signs in with it.
    fresh = district.observer.username
    assert client.post("/login", data={"username": fresh, "password": PASSWORD}
                       ).status_code == 422
    assert client.post("/login", data={"username": fresh, "password": password}
                       ).status_code == 302


def test_taking_the_officer_role_also_waits_for_an_officer(district, login_as):
    admin = login_as(district.admin)
    admin.post(f"/admin/users/{district.officer2.id}", data={
        "full_name": district.officer2.full_name, "role": "staff",
        "school_id": str(district.secondary.id), "email": "", "phone": ""})
    assert User.get_by_id(district.officer2.id).role == "officer"
    request = the_request()
    assert request.kind == "revoke"
    # The officer it concerns is not the second person.
    assert "Đã duyệt" not in login_as(district.officer2).post(
        f"/admin/requests/{request.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert AccountRequest.get_by_id(request.id).state == "pending"
    login_as(district.officer).post(f"/admin/requests/{request.id}/approve")
    changed = User.get_by_id(district.officer2.id)
    assert changed.role == "staff" and changed.school_id == district.secondary.id


def test_the_admin_never_changes_their_own_role(district, login_as):
    admin = login_as(district.admin)
    for role in ("officer", "observer"):
        response = admin.post(f"/admin/users/{district.admin.id}", data={
            "full_name": district.admin.full_name, "role": role, "school_id": "", "email": "",
            "phone": ""})
        assert response.status_code == 422
        assert "Bạn không thể tự đổi vai trò của mình." in response.get_data(as_text=True)
    assert User.get_by_id(district.admin.id).role == "admin"
    assert AccountRequest.select().count() == 0


def test_resetting_an_officers_password_gives_the_admin_nothing(district, login_as, client):
    officer_session = login_as(district.officer)
    admin = login_as(district.admin)
    response = admin.post(f"/admin/users/{district.officer.id}/reset-password")
    assert response.status_code == 302 and temporary_password(response) is None
    assert 'id="temporary-password"' not in admin.get(response.location).get_data(as_text=True)
    # Nothing changed yet: the officer's password and session still hold.
    assert officer_session.get("/").status_code == 200
    assert client.post("/login", data={"username": district.officer.username,
                                       "password": PASSWORD}).status_code == 302
    request = the_request()
    assert request.kind == "reset"
    # A second request for the same account while one waits is refused.
    admin.post(f"/admin/users/{district.officer.id}/reset-password")
    assert AccountRequest.select().count() == 1

    approved = login_as(district.officer2).post(f"/admin/requests/{request.id}/approve")
    password = temporary_password(approved)
    assert password
    assert officer_session.get("/").status_code == 302  # sessions ended
    assert User.get_by_id(district.officer.id).must_change_password
    entries = AuditEntry.select().where(AuditEntry.action == "user.reset_password")
    assert [e.actor_id for e in entries] == [district.officer2.id]


def test_the_operation_itself_refuses_a_direct_reset_of_an_officer(district, app):
    from district.admin import operations
    from district.admin.values import AdminError

    with app.test_request_context():
        with pytest.raises(AdminError):
            operations.reset_password(district.admin, district.officer)


def test_other_passwords_are_still_reset_at_once(district, login_as):
    response = login_as(district.admin).post(f"/admin/users/{district.staff.id}/reset-password")
    assert response.status_code == 200 and temporary_password(response)


def test_a_refusal_changes_nothing_and_tells_the_officers(district, login_as):
    login_as(district.admin).post("/admin/users/new", data=new_officer_form())
    request = the_request()
    login_as(district.officer).post(f"/admin/requests/{request.id}/refuse")
    assert AccountRequest.get_by_id(request.id).state == "refused"
    assert not User.select().where(User.username == "chuyenvien9").exists()
    kinds = {n.kind for n in Notification.select().where(
        Notification.link == f"/admin/requests/{request.id}")}
    assert kinds == {"account_request.pending", "account_request.refused"}
    # A decided request is not decided again.
    login_as(district.officer2).post(f"/admin/requests/{request.id}/approve")
    assert not User.select().where(User.username == "chuyenvien9").exists()
    assert AuditEntry.select().where(AuditEntry.action == "account_request.refuse").count() == 1


def test_notifications_carry_names_of_accounts_not_children_and_open_the_request(district,
                                                                                 login_as):
    login_as(district.admin).post("/admin/users/new", data=new_officer_form())
    request = the_request()
    officer = login_as(district.officer)
    page = officer.get("/notifications/").get_data(as_text=True)
    assert "đề nghị tạo tài khoản chuyenvien9 với vai trò Chuyên viên" in page
    officer.get(f"/admin/requests/{request.id}")
    note = Notification.get(Notification.user == district.officer.id,
                            Notification.link == f"/admin/requests/{request.id}")
    assert note.read_at is not None


def test_the_request_pages_are_for_the_admin_and_officers_only(district, login_as):
    login_as(district.admin).post("/admin/users/new", data=new_officer_form())
    request = the_request()
    for role in ("principal", "staff", "observer"):
        c = login_as(district.by_role[role])
        assert c.get("/admin/requests").status_code == 404
        assert c.get(f"/admin/requests/{request.id}").status_code == 404
    listing = login_as(district.officer).get("/admin/requests").get_data(as_text=True)
    assert "chuyenvien9" in listing
    users = login_as(district.admin).get("/admin/users").get_data(as_text=True)
    assert "Yêu cầu chờ chuyên viên duyệt: 1" in users


def test_the_command_line_still_creates_an_officer(runner, district):
    result = runner.invoke(args=["create-user", "--username", "chuyenvien7", "--full-name",
                                 "Vũ Minh Khoa", "--role", "officer", "--password",
                                 "TamThoi2026"])
    assert result.exit_code == 0, result.output
    assert User.get(User.username == "chuyenvien7").role == "officer"
    assert AccountRequest.select().count() == 0


def test_the_demo_seed_still_creates_officers(runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert User.select().where(User.role == "officer").count() >= 2


def test_the_request_list_runs_a_fixed_number_of_queries(district, login_as, make_user,
                                                         queries):
    admin = login_as(district.admin)
    officer = login_as(district.officer)

    def count():
        with queries() as q:
            assert officer.get("/admin/requests?state=all").status_code == 200
        return q.count

    admin.post("/admin/users/new", data=new_officer_form())
    few = count()
    for n in range(5):
        admin.post(f"/admin/users/{make_user('observer').id}/reset-password")
        admin.post("/admin/users/new", data=new_officer_form(username=f"chuyenvien{20 + n}"))
    assert AccountRequest.select().count() == 6
    assert count() == few


# --- Principals, and staff who see incidents (the rule covers every account that reads them) ---


def new_principal_form(district, **fields):
    return {"username": "ht2.mn-hoasen", "full_name": "Hồ Thị Thanh", "role": "principal",
            "school_id": str(district.preschool.id), "email": "", "phone": "", **fields}


PRINCIPAL_LABEL = "Hiệu trưởng / Phó hiệu trưởng"


@pytest.fixture
def reported_by_staff(district):
    """An incident of the preschool reported by its staff member `staff` and assigned to
    `staff2`."""
    from district.incidents import operations as incidents
    from district.models import Incident
    from tests.incidents.conftest import report_data

    data, students = report_data(sensitive=True)
    incident = incidents.report(district.staff, district.preschool, data, students, {})
    Incident.update(assignee=district.staff2.id).where(Incident.id == incident.id).execute()
    return incident


def test_a_principal_account_the_admin_asks_for_exists_only_once_an_officer_approves(
        district, login_as, client):
    admin = login_as(district.admin)
    response = admin.post("/admin/users/new", data=new_principal_form(district))
    assert response.status_code == 302 and temporary_password(response) is None
    # No account to sign in as, and no password shown to the admin.
    assert not User.select().where(User.username == "ht2.mn-hoasen").exists()
    page = admin.get(response.location).get_data(as_text=True)
    assert 'id="temporary-password"' not in page
    assert f"tạo tài khoản ht2.mn-hoasen với vai trò {PRINCIPAL_LABEL}" in page
    assert district.preschool.name in page  # the officer sees which school
    assert "tài khoản chuyên viên" not in page
    request = the_request()
    assert (request.kind, request.details["role"], request.details["school_id"]) == (
        "create", "principal", district.preschool.id)
    notes = login_as(district.officer).get("/notifications/").get_data(as_text=True)
    assert f"tạo tài khoản ht2.mn-hoasen với vai trò {PRINCIPAL_LABEL}" in notes

    approved = login_as(district.officer).post(f"/admin/requests/{request.id}/approve")
    password = temporary_password(approved)
    user = User.get(User.username == "ht2.mn-hoasen")
    assert (user.role, user.school_id, user.must_change_password) == (
        "principal", district.preschool.id, True)
    assert client.post("/login", data={"username": "ht2.mn-hoasen", "password": password}
                       ).location == "/account/password"
    created = AuditEntry.get(AuditEntry.action == "user.create")
    assert created.actor_id == district.officer.id


def test_a_principal_request_whose_school_closed_cannot_be_approved(district, login_as):
    login_as(district.admin).post("/admin/users/new", data=new_principal_form(district))
    request = the_request()
    login_as(district.admin).post(f"/admin/schools/{district.preschool.id}/active",
                                  data={"active": "0"})
    page = login_as(district.officer).post(f"/admin/requests/{request.id}/approve",
                                           follow_redirects=True).get_data(as_text=True)
    assert "ngừng hoạt động" in page
    assert not User.select().where(User.username == "ht2.mn-hoasen").exists()
    assert AccountRequest.get_by_id(request.id).state == "pending"


def test_the_admin_cannot_give_an_account_the_principal_role(district, login_as, client):
    admin = login_as(district.admin)
    response = admin.post(f"/admin/users/{district.staff.id}", data={
        "full_name": district.staff.full_name, "role": "principal",
        "school_id": str(district.preschool.id), "email": "", "phone": ""})
    assert response.status_code == 302
    assert User.get_by_id(district.staff.id).role == "staff"
    request = the_request()
    assert (request.kind, request.details["to"]) == ("grant", "principal")
    page = admin.get(response.location).get_data(as_text=True)
    assert f"cấp vai trò {PRINCIPAL_LABEL} cho tài khoản {district.staff.username}" in page
    # Whatever password the admin knew for the staff account no longer opens it once promoted.
    approved = login_as(district.officer).post(f"/admin/requests/{request.id}/approve")
    password = temporary_password(approved)
    assert User.get_by_id(district.staff.id).role == "principal"
    assert client.post("/login", data={"username": district.staff.username,
                                       "password": PASSWORD}).status_code == 422
    assert client.post("/login", data={"username": district.staff.username,
                                       "password": password}).status_code == 302


def test_taking_the_principal_role_also_waits_for_an_officer(district, login_as):
    login_as(district.admin).post(f"/admin/users/{district.principal.id}", data={
        "full_name": district.principal.full_name, "role": "staff",
        "school_id": str(district.preschool.id), "email": "", "phone": ""})
    assert User.get_by_id(district.principal.id).role == "principal"
    request = the_request()
    assert (request.kind, request.details["from"]) == ("revoke", "principal")
    listing = login_as(district.officer).get("/admin/requests").get_data(as_text=True)
    assert f"thôi vai trò {PRINCIPAL_LABEL} của tài khoản {district.principal.username}" in listing


def test_resetting_a_principals_password_gives_the_admin_nothing(district, login_as, client):
    admin = login_as(district.admin)
    form = admin.get(f"/admin/users/{district.principal.id}").get_data(as_text=True)
    assert "cần chuyên viên duyệt" in form
    response = admin.post(f"/admin/users/{district.principal.id}/reset-password")
    assert response.status_code == 302 and temporary_password(response) is None
    page = admin.get(response.location).get_data(as_text=True)
    assert 'id="temporary-password"' not in page
    assert (f"đặt lại mật khẩu của {district.principal.username} ({PRINCIPAL_LABEL})"
            in page)
    # The principal's password still holds until an officer approves.
    assert client.post("/login", data={"username": district.principal.username,
                                       "password": PASSWORD}).status_code == 302
    request = the_request()
    assert (request.kind, request.details["role"]) == ("reset", "principal")
    assert temporary_password(login_as(district.officer).post(
        f"/admin/requests/{request.id}/approve"))


def test_a_staff_reporters_reset_waits_for_an_officer(district, login_as, reported_by_staff):
    admin = login_as(district.admin)
    for account in (district.staff, district.staff2):  # the reporter, the assignee
        response = admin.post(f"/admin/users/{account.id}/reset-password")
        assert response.status_code == 302 and temporary_password(response) is None
        assert not User.get_by_id(account.id).must_change_password
        page = admin.get(response.location).get_data(as_text=True)
        assert f"đặt lại mật khẩu của {account.username} (Giáo viên / nhân viên)" in page
    assert [r.kind for r in AccountRequest.select()] == ["reset", "reset"]


def test_a_staff_without_incidents_is_reset_at_once(district, login_as, reported_by_staff,
                                                     client):
    # other_staff (another school) reported nothing and is assigned nothing.
    response = login_as(district.admin).post(
        f"/admin/users/{district.other_staff.id}/reset-password")
    password = temporary_password(response)
    assert response.status_code == 200 and password
    assert AccountRequest.select().count() == 0
    assert client.post("/login", data={"username": district.other_staff.username,
                                       "password": password}).location == "/account/password"


def test_the_reset_rule_asks_one_query_at_most(district, app, reported_by_staff, queries):
    from district.access import password_reset_needs_approval

    with app.test_request_context():
        expected = {district.officer: True, district.principal: True, district.staff: True,
                    district.staff2: True, district.other_staff: False,
                    district.observer: False, district.admin: False}
        for account, needs in expected.items():
            with queries() as q:
                assert password_reset_needs_approval(account) is needs
            assert q.count <= 1


def test_an_english_reader_reads_the_role_in_english(district, login_as):
    login_as(district.admin).post("/admin/users/new", data=new_principal_form(district))
    User.update(locale="en").where(User.id == district.officer.id).execute()
    page = login_as(district.officer).get("/notifications/").get_data(as_text=True)
    assert ("asks to create the account ht2.mn-hoasen with the role Principal / Vice-principal"
            in page)
    assert "Hiệu trưởng" not in page
