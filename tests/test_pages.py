"""Public pages, the health check, security headers and what every page carries."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_healthz_reports_app_version_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"app": "ok", "database": "ok", "version": "0.1.0"}


def test_help_is_public_and_explains_reporting(client):
    page = client.get("/help").get_data(as_text=True)
    assert '<a href="tel:111">111</a>' in page
    assert "Báo tin như thế nào" in page and "nhà trường làm gì" in page
    assert "12 giờ" in page


@pytest.mark.parametrize("role", ["admin", "officer", "principal", "staff", "observer"])
def test_every_page_shows_the_hotline(district, login_as, role):
    page = login_as(district.by_role[role]).get("/").get_data(as_text=True)
    assert 'href="tel:111"' in page and "miễn phí, 24/7" in page


def test_the_office_is_configuration(app_config, monkeypatch, tmp_path):
    from district import create_app

    monkeypatch.setenv("OFFICE_NAME", "Phòng Văn hóa – Xã hội phường Hòa Bình")
    monkeypatch.setenv("OFFICE_SHORT_NAME", "Phòng VH-XH Hòa Bình")
    monkeypatch.setenv("OFFICE_PLACE", "phường Hòa Bình, tỉnh Bình An")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "ward"))
    page = create_app(app_config).test_client().get("/help").get_data(as_text=True)
    assert "Phòng Văn hóa – Xã hội phường Hòa Bình" in page
    assert "Sông Xanh" not in page


def test_no_template_names_the_office_or_loads_from_the_internet():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "Phòng GD&ĐT" not in text.replace("config.OFFICE", ""), path
        assert not re.search(r'(src|href)="(https?:)?//', text), path
        assert "<script>" not in text and 'style="' not in text, path


def test_security_headers(client):
    response = client.get("/help")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_friendly_404(district, login_as):
    response = login_as(district.staff).get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_dates_are_day_month_year_in_vietnam_time(app):
    import datetime as dt

    from district.i18n import fmt_date, fmt_datetime

    with app.test_request_context():
        assert fmt_date(dt.date(2026, 3, 5)) == "05/03/2026"
        # 20:30 UTC is 03:30 the next day in Asia/Ho_Chi_Minh.
        assert fmt_datetime(dt.datetime(2026, 3, 5, 20, 30)) == "06/03/2026 03:30"


def test_admin_home_counts_the_account_requests_waiting_not_locked_accounts(district,
                                                                            login_as):
    """Accounts are never locked any more (the lock holds a sign-in address and a name): the
    admin's home shows the requests waiting for an officer's approval instead."""
    import datetime as dt

    from district.clock import utcnow
    from district.models import User

    User.update(locked_until=utcnow() + dt.timedelta(hours=1)).where(
        User.id == district.staff.id).execute()
    admin = login_as(district.admin)
    page = admin.get("/").get_data(as_text=True)
    assert "tạm khoá" not in page and 'id="home-pending-requests"' not in page
    admin.post(f"/admin/users/{district.principal.id}/reset-password")
    page = admin.get("/").get_data(as_text=True)
    assert 'href="/admin/requests" id="home-pending-requests"' in page
    assert "Yêu cầu chờ chuyên viên duyệt: 1" in page


def test_admin_home_runs_a_fixed_number_of_queries(district, login_as, make_school, make_user,
                                                   queries):
    from district.models import AuditEntry

    admin = login_as(district.admin)

    def count():
        with queries() as q:
            page = admin.get("/").get_data(as_text=True)
        return q.count, page

    few, _page = count()
    for _ in range(20):
        make_user("staff", make_school())
        AuditEntry.create(action="test.fill")
    many, page = count()
    assert many == few
    assert page.count("<code>test.fill</code>") == 8  # the latest entries, not all of them
