"""Issue 11: sign-in and sessions. A deactivated school's accounts are cut off at once; the
lockout answers alike for known and unknown names and holds against the (address, name) pair;
the rate limit is counted where every worker sees it; the names typed at failed sign-ins are
shown to nobody; HSTS over HTTPS; an absolute session lifetime beside the idle timeout."""

import re

import pytest

from district import create_app
from district.incidents import operations as incidents
from district.models import AuditEntry, School
from tests.conftest import PASSWORD
from tests.incidents.conftest import report_data

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWN_DESK = {"REMOTE_ADDR": "10.1.2.3"}


def sign_in(client, username, password, where=ATTACKER):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base=where)


def error_of(response):
    """The message under the password field (what the person signing in reads)."""
    text = response.get_data(as_text=True)
    return re.search(r'<small class="error"[^>]*>([^<]*)</small>', text).group(1)


# --- A deactivated school's accounts are cut off --------------------------------------------


@pytest.fixture
def incident(district):
    data, students = report_data()
    return incidents.report(district.principal, district.preschool, data, students, {})


def test_deactivating_a_school_ends_its_sessions_and_sign_ins_at_once(district, login_as,
                                                                      incident):
    principal = login_as(district.principal)
    staff = login_as(district.staff)
    assert principal.get(f"/incidents/{incident.id}").status_code == 200
    login_as(district.admin).post(f"/admin/schools/{district.preschool.id}/active",
                                  data={"active": "0"})
    assert not School.get_by_id(district.preschool.id).active
    # Open sessions end at their next request: the incident is no longer reachable.
    response = principal.get(f"/incidents/{incident.id}")
    assert response.status_code == 302 and "/login" in response.location
    assert staff.get("/").status_code == 302
    # And nobody of that school signs in again, with the same answer as a wrong password.
    refused = sign_in(principal, district.principal.username, PASSWORD)
    assert refused.status_code == 422
    assert error_of(refused) == "Tên đăng nhập hoặc mật khẩu không đúng."
    # Other schools carry on.
    assert login_as(district.other_principal).get("/").status_code == 200


def test_reopening_a_school_does_not_bring_old_sessions_back(district, login_as):
    principal = login_as(district.principal)
    admin = login_as(district.admin)
    admin.post(f"/admin/schools/{district.preschool.id}/active", data={"active": "0"})
    admin.post(f"/admin/schools/{district.preschool.id}/active", data={"active": "1"})
    assert principal.get("/").status_code == 302
    assert login_as(district.principal).get("/").status_code == 200


# --- Lockout: the same answer for every name, a lock on the (address, name) pair -------------


def test_known_and_unknown_names_get_the_same_answers(district, client):
    known = [sign_in(client, district.officer.username, "wrong") for _ in range(6)]
    unknown = [sign_in(client, "khong.co.ai", "wrong") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [422] * 6
    assert [error_of(r) for r in known] == [error_of(r) for r in unknown]
    assert "Tài khoản tạm khoá" not in "".join(error_of(r) for r in known)
    assert error_of(known[0]) == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert error_of(known[-1]).startswith("Đã nhập sai nhiều lần từ máy này.")


def test_a_guesser_does_not_lock_the_officer_out_of_their_own_machine(district, client):
    for _ in range(10):
        sign_in(client, district.officer.username, "wrong")
    assert sign_in(client, district.officer.username, PASSWORD).status_code == 422
    # The real officer, at their own desk, signs in.
    assert sign_in(client, district.officer.username, PASSWORD, OWN_DESK).status_code == 302


def test_a_success_clears_the_count_of_its_pair(district, client):
    for _ in range(4):
        sign_in(client, district.staff.username, "wrong", OWN_DESK)
    assert sign_in(client, district.staff.username, PASSWORD, OWN_DESK).status_code == 302
    client.post("/logout")
    for _ in range(4):
        sign_in(client, district.staff.username, "wrong", OWN_DESK)
    assert sign_in(client, district.staff.username, PASSWORD, OWN_DESK).status_code == 302


def test_an_admin_reset_lifts_the_locks_of_that_name(district, client, login_as):
    for _ in range(5):
        sign_in(client, district.staff.username, "wrong")
    page = login_as(district.admin).post(f"/admin/users/{district.staff.id}/reset-password")
    password = re.search(r'id="temporary-password">([^<]+)<',
                         page.get_data(as_text=True)).group(1)
    assert sign_in(client, district.staff.username, password).status_code == 302


# --- The rate limit is counted where every worker sees it -----------------------------------


def worker(app_config, tmp_path, monkeypatch, name):
    """A second app on the same database: what another gunicorn worker is."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / name))
    return create_app({**app_config, "RATELIMIT_ENABLED": True,
                       "RATELIMIT_LOGIN": "3 per minute"})


def test_two_workers_share_the_rate_limit_count(app_config, tmp_path, monkeypatch, district):
    first = worker(app_config, tmp_path, monkeypatch, "w1").test_client()
    assert [sign_in(first, "x", "y").status_code for _ in range(2)] == [422, 422]
    second = worker(app_config, tmp_path, monkeypatch, "w2").test_client()
    # The third attempt is the last allowed, whichever worker answers; the fourth is refused.
    assert sign_in(second, "x", "y").status_code == 422
    assert sign_in(second, "x", "y").status_code == 429
    assert sign_in(first, "x", "y").status_code == 429
    # Another address has its own count.
    assert sign_in(first, "x", "y", OWN_DESK).status_code == 422


def test_the_shared_store_is_the_default(monkeypatch, tmp_path):
    from district import config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert config.from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "database://"


# --- Names typed at failed sign-ins: stored, shown to nobody, counted per address ------------


def test_typed_names_are_stored_but_shown_to_nobody(district, client, login_as):
    sign_in(client, "MatKhauGoNham2026", "x")
    sign_in(client, district.staff.username, "wrong")
    admin = login_as(district.admin)
    for url in ("/admin/audit", "/admin/audit?action=login", "/", "/admin/audit/sign-ins"):
        page = admin.get(url).get_data(as_text=True)
        assert "matkhaugonham2026" not in page.lower(), url
    audit = admin.get("/admin/audit?action=login.failed").get_data(as_text=True)
    assert audit.count("(tên đăng nhập đã gõ: không hiển thị)") == 2
    stored = [e.details["username"] for e in AuditEntry.select().where(
        AuditEntry.action == "login.failed").order_by(AuditEntry.id)]
    assert stored == ["matkhaugonham2026", district.staff.username]


def test_the_admin_sees_failures_counted_per_address(district, client, login_as):
    for name in ("a", "b", "c"):
        sign_in(client, name, "x")
    sign_in(client, "d", "x", OWN_DESK)
    page = login_as(district.admin).get("/admin/audit/sign-ins").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>(\d+)</td>", page)
    assert dict(rows) == {"203.0.113.9": "3", "10.1.2.3": "1"}
    assert login_as(district.officer).get("/admin/audit/sign-ins").status_code == 404


# --- HSTS and the absolute session lifetime --------------------------------------------------


def test_hsts_when_served_over_https(app_config, monkeypatch, tmp_path, client):
    assert "Strict-Transport-Security" not in client.get("/help").headers
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "https"))
    secure = create_app(app_config).test_client()
    header = secure.get("/help").headers["Strict-Transport-Security"]
    assert header.startswith("max-age=") and int(header.split("=")[1]) >= 180 * 86400


def test_a_session_ends_twelve_hours_after_signing_in_however_active(app, district, auth,
                                                                     client):
    assert app.config["SESSION_MAX_HOURS"] == 12
    auth.login(district.officer)
    with client.session_transaction() as session:
        session["signed_in_at"] -= 11 * 3600
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] -= 3600 + 5
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert "quá 12 giờ" in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_rate_limit_window_ends_when_it_should(app):
    """The window's end is kept to the second on both databases (a single-precision column
    would round an epoch time by minutes and end windows before they begin)."""
    import time

    from district.ratelimit import DatabaseStorage

    storage = DatabaseStorage()
    before = time.time()
    assert storage.incr("test-window", 60) == 1
    assert storage.incr("test-window", 60) == 2
    assert 59 <= storage.get_expiry("test-window") - before <= 61
    assert storage.get("test-window") == 2
