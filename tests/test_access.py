"""Every view declares who may use it; each role's home page offers what it may do and no more."""

import pytest

from district.access import PUBLIC, view_access

PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.language", "main.help", "main.healthz"}


def test_every_endpoint_declares_its_access(app):
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if view_access(app, rule.endpoint) is None
    ]
    assert undeclared == []


def test_only_the_intended_endpoints_are_public(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules()
              if view_access(app, rule.endpoint) == PUBLIC}
    assert public == PUBLIC_ENDPOINTS


def test_a_view_that_declares_nothing_is_refused(app, district, login_as):
    @app.get("/undeclared-test-view")
    def undeclared():
        return "secret"

    assert login_as(district.admin).get("/undeclared-test-view").status_code == 404


def test_signed_out_users_are_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login?next=" in response.location


@pytest.mark.parametrize("role", ["officer", "principal", "staff", "observer"])
@pytest.mark.parametrize("url", ["/admin/schools", "/admin/users", "/admin/schools/import",
                                 "/admin/users/new"])
def test_administration_is_the_admins_alone(district, login_as, role, url):
    assert login_as(district.by_role[role]).get(url).status_code == 404


ADMIN_LINKS = ["/admin/schools", "/admin/users", "/admin/audit"]


def test_admin_home_offers_administration_and_no_incident(district, login_as):
    page = login_as(district.admin).get("/").get_data(as_text=True)
    for link in ADMIN_LINKS:
        assert f'href="{link}"' in page
    assert "/incidents" not in page
    assert "không xem nội dung vụ việc" in page


@pytest.mark.parametrize("role", ["officer", "principal", "staff", "observer"])
def test_other_homes_offer_no_administration(district, login_as, role):
    page = login_as(district.by_role[role]).get("/").get_data(as_text=True)
    for link in ADMIN_LINKS:
        assert f'href="{link}"' not in page


def test_school_homes_name_the_school(district, login_as):
    for user in (district.principal, district.staff):
        page = login_as(user).get("/").get_data(as_text=True)
        assert f"<h1>{district.preschool.name}</h1>" in page


def test_observer_home_promises_aggregates_only(district, login_as):
    page = login_as(district.observer).get("/").get_data(as_text=True)
    assert "chỉ có số liệu tổng hợp" in page
    assert "/admin/" not in page
