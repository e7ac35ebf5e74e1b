"""Sign-in, lockout, password changes, safe redirects, sessions, CSRF and language."""

import datetime as dt

import pytest

from district.auth.throttle import name_hash
from district.models import AuditEntry, LoginThrottle, User, utcnow
from tests.conftest import PASSWORD


def audit_actions(user=None):
    query = AuditEntry.select().order_by(AuditEntry.id)
    if user is not None:
        query = query.where(AuditEntry.target_id == str(user.id))
    return [e.action for e in query]


def test_sign_in_and_out(district, auth, client):
    response = auth.login(district.principal)
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302
    assert audit_actions(district.principal) == ["login.success", "logout"]


def test_wrong_password_is_refused_with_a_message(district, auth):
    response = auth.login(district.principal, "wrong")
    assert response.status_code == 422
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_five_wrong_passwords_lock_this_address_for_this_name_for_fifteen_minutes(district,
                                                                                 auth):
    for _ in range(4):
        auth.login(district.staff, "wrong")
    response = auth.login(district.staff, "wrong")
    assert "Đã nhập sai nhiều lần từ máy này" in response.get_data(as_text=True)
    lock = LoginThrottle.get(LoginThrottle.name_hash == name_hash(district.staff.username))
    remaining = lock.locked_until - utcnow()
    assert dt.timedelta(minutes=14) < remaining <= dt.timedelta(minutes=15)

    # Even the right password is refused from this address while locked.
    response = auth.login(district.staff, PASSWORD)
    assert response.status_code == 422
    assert "Đã nhập sai nhiều lần từ máy này" in response.get_data(as_text=True)
    actions = audit_actions(district.staff)
    assert actions.count("login.failed") == 5 and "login.throttle_locked" in actions
    assert audit_actions()[-1] == "login.throttled"
    # The account itself is not locked.
    assert User.get_by_id(district.staff.id).locked_until is None


def test_concurrent_wrong_passwords_all_count_and_lock(app, district):
    """Eight guesses at once: none fails with an error, every one is audited, the pair ends up
    locked (the counter is incremented in the database, not read and rewritten)."""
    import threading

    statuses = []

    def guess():
        with app.test_client() as c:
            statuses.append(c.post("/login", data={"username": district.staff.username,
                                                   "password": "wrong"}).status_code)

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [422] * 8
    assert LoginThrottle.select().where(LoginThrottle.locked_until.is_null(False)).exists()
    assert audit_actions(district.staff).count("login.failed") >= 5


def test_the_lock_ends_after_its_time(district, auth):
    for _ in range(5):
        auth.login(district.staff, "wrong")
    assert auth.login(district.staff).status_code == 422
    LoginThrottle.update(locked_until=utcnow() - dt.timedelta(seconds=1)).execute()
    assert auth.login(district.staff).status_code == 302


def test_unknown_user_attempt_is_audited(district, auth):
    auth.login("nobody", "x")
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert entry.action == "login.failed" and entry.details["username"] == "nobody"


def test_deactivated_account_cannot_sign_in(district, auth):
    User.update(active=False).where(User.id == district.staff.id).execute()
    assert auth.login(district.staff).status_code == 422


@pytest.mark.parametrize("target, expected", [
    ("/admin/users", "/admin/users"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_after_sign_in_stays_on_this_site(district, client, target, expected):
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "next": target})
    assert response.location == expected


def test_password_change(district, auth, client):
    auth.login(district.officer)
    bad = client.post("/account/password", data={"current": "nope", "new": "MoiMoi2026",
                                                  "confirm": "MoiMoi2026"})
    assert bad.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in bad.get_data(as_text=True)
    short = client.post("/account/password", data={"current": PASSWORD, "new": "a1",
                                                    "confirm": "a1"})
    assert "ít nhất 8 ký tự" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "MoiMoi2026",
                                                 "confirm": "MoiMoi2026"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # still signed in under the new session version
    auth.logout()
    assert auth.login(district.officer, PASSWORD).status_code == 422
    assert auth.login(district.officer, "MoiMoi2026").status_code == 302


def test_new_password_must_differ(district, auth, client):
    User.update(must_change_password=True).where(User.id == district.staff.id).execute()
    auth.login(district.staff)
    response = client.post("/account/password", data={"current": PASSWORD, "new": PASSWORD,
                                                       "confirm": PASSWORD})
    assert response.status_code == 422
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.get_data(as_text=True)
    assert User.get_by_id(district.staff.id).must_change_password


def test_form_errors_are_in_vietnamese(district, auth, client):
    auth.login(district.officer)
    page = client.post("/account/password", data={}).get_data(as_text=True)
    assert "Mục này bắt buộc." in page and "This field is required." not in page


def test_sign_out_ends_the_session_everywhere(district, login_as):
    first = login_as(district.officer)
    second = login_as(district.officer)
    first.post("/logout")
    assert second.get("/").status_code == 302


def test_password_change_ends_other_sessions(district, login_as):
    first = login_as(district.officer)
    second = login_as(district.officer)
    second.post("/account/password", data={"current": PASSWORD, "new": "MoiMoi2026",
                                            "confirm": "MoiMoi2026"})
    assert first.get("/").status_code == 302


def test_forced_password_change_comes_first(district, auth, client):
    User.update(must_change_password=True).where(User.id == district.staff.id).execute()
    response = auth.login(district.staff)
    assert response.location == "/account/password"
    assert client.get("/").location == "/account/password"
    assert client.get("/help").status_code == 200  # public pages stay reachable
    client.post("/account/password", data={"current": PASSWORD, "new": "MoiMoi2026",
                                            "confirm": "MoiMoi2026"})
    assert client.get("/").status_code == 200


def test_idle_session_expires(app, district, auth, client):
    auth.login(district.officer)
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/").status_code == 302


def test_htmx_request_after_timeout_reloads_the_whole_page(app, district, auth, client):
    auth.login(district.officer)
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/notifications/bell", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/admin/audit?page=2"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login?next=/admin/audit?page%3D2"


def test_history_restore_gets_the_whole_page(district, login_as):
    response = login_as(district.admin).get("/admin/schools", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)
    fragment = login_as(district.admin).get("/admin/schools", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_polling_the_bell_does_not_keep_a_session_alive(app, district, auth, client):
    auth.login(district.officer)
    with client.session_transaction() as session:
        session["last_seen"] -= 600
        before = session["last_seen"]
    client.get("/notifications/bell")
    with client.session_transaction() as session:
        assert session["last_seen"] == before


def test_session_cookie_flags(district, auth):
    response = auth.login(district.officer)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_over_https(app_config, monkeypatch, tmp_path, district):
    from district import create_app

    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "https"))
    secure_app = create_app(app_config)
    response = secure_app.test_client().post(
        "/login", data={"username": "admin", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_language_switch_is_kept_in_the_account(district, auth, client):
    auth.login(district.principal)
    response = client.post("/language", data={"locale": "en", "next": "/help"})
    assert response.location == "/help"
    assert User.get_by_id(district.principal.id).locale == "en"
    page = client.get("/help").get_data(as_text=True)
    assert 'lang="en"' in page and "National child protection hotline" in page
    auth.logout()
    auth.login(district.principal)
    assert "National child protection hotline" in client.get("/").get_data(as_text=True)


def test_language_switch_without_account(client):
    client.post("/language", data={"locale": "en"})
    assert 'lang="en"' in client.get("/help").get_data(as_text=True)
    client.post("/language", data={"locale": "xx"})
    assert 'lang="en"' in client.get("/help").get_data(as_text=True)


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_post_without_csrf_token_gets_a_friendly_message(district, csrf_client):
    response = csrf_client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Phiên biểu mẫu đã hết hạn" in page and "chưa lưu gì" in page
    assert AuditEntry.select().where(AuditEntry.action == "login.success").count() == 0


def test_htmx_post_with_csrf_header_is_accepted(district, csrf_client):
    import re

    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = csrf_client.post("/login", data={"username": "admin", "password": PASSWORD},
                                headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_a_refused_sign_in_form_answers_422_with_its_message(client):
    response = client.post("/login", data={"username": "ad\x00min", "password": "x"})
    assert response.status_code == 422
    assert "ký tự điều khiển" in response.get_data(as_text=True)


def test_the_language_switch_goes_back_only_to_a_path_on_this_site(client):
    response = client.post("/language", data={"locale": "en", "next": "/help\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.location == "/"
    assert client.post("/language", data={"locale": "vi", "next": "/help"}).location == "/help"
