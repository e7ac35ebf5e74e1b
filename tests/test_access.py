"""Every view declares who may use it; each role's home page offers what it may do and no more."""

import re
from pathlib import Path

import pytest

from district.access import PUBLIC, may_open, view_access

# auth.stop_email: the unsubscribe link of every e-mail (a signed token; it only turns e-mail off).
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.language", "main.help", "main.healthz",
                    "auth.stop_email"}


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


# What each role's home page must offer (links) and must not offer, from DESIGN.md section 1.
HOME_OFFERS = {
    "admin": (ADMIN_LINKS + ["/admin/users/new", "/admin/schools/import"],
              ["/directives/new", "/incidents/"]),
    # Officers read the incident-related entries of the audit log (DESIGN.md section 1) and
    # decide the account requests that would open incidents (docs/decisions/0007).
    "officer": (["/directives/", "/directives/new", "/admin/audit", "/admin/requests"],
                ["/admin/schools", "/admin/users"]),
    "principal": (["/directives/"], ADMIN_LINKS + ["/directives/new", "/admin/requests"]),
    "staff": (["/directives/"], ADMIN_LINKS + ["/directives/new", "/admin/requests"]),
    "observer": ([], ADMIN_LINKS + ["/directives/new", "/incidents/new", "/rosters/upload"]),
}


@pytest.mark.parametrize("role", sorted(HOME_OFFERS))
def test_each_home_offers_what_the_role_may_do_and_nothing_else(district, login_as, role):
    page = login_as(district.by_role[role]).get("/").get_data(as_text=True)
    offered, refused = HOME_OFFERS[role]
    for link in offered:
        assert f'href="{link}"' in page, link
    for link in refused:
        assert f'href="{link}"' not in page, link


def test_admin_home_says_incidents_are_not_for_the_admin(district, login_as):
    page = login_as(district.admin).get("/").get_data(as_text=True)
    assert "không xem nội dung vụ việc" in page


def test_school_homes_name_the_school(district, login_as):
    for user in (district.principal, district.staff):
        page = login_as(user).get("/").get_data(as_text=True)
        assert f"<h1>{district.preschool.name}</h1>" in page


def test_observer_home_promises_aggregates_only(district, login_as):
    page = login_as(district.observer).get("/").get_data(as_text=True)
    assert "chỉ có số liệu tổng hợp" in page
    assert "/admin/" not in page


ROOT = Path(__file__).resolve().parent.parent
ROLE_TEST_IN_PYTHON = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)")
ROLE_TEST_IN_TEMPLATE = re.compile(r"current_user\.role\b")


def test_views_and_templates_never_test_roles_by_hand():
    """Who may see or do what is answered by district/access.py (and the flags views pass):
    a view or template that compares roles itself is a second, drifting copy of the rules."""
    found = []
    for path in sorted((ROOT / "district").glob("*/views.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_TEST_IN_PYTHON.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_TEST_IN_TEMPLATE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("role, endpoint, expected", [
    ("admin", "admin.users", True),
    ("officer", "admin.users", False),
    ("officer", "directives.new", True),
    ("principal", "directives.new", False),
    ("observer", "incidents.index", False),
    ("staff", "main.help", True),
    ("officer", "nowhere.index", False),  # no such page: never offered
    ("officer", "reports.index", True),
    ("observer", "reports.index", True),
    ("admin", "reports.index", False),
    ("observer", "schools.page", False),
])
def test_may_open_answers_from_the_declared_access(app, district, role, endpoint, expected):
    with app.test_request_context("/"):
        assert may_open(district.by_role[role], endpoint) is expected
