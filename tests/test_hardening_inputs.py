"""Issue 11: every bad input gets a clear answer and never a 500 — text sizes, control
characters, huge ids and page numbers, the HTMX form fragment, CR/LF in `next`."""

import pytest
from wtforms import TextAreaField

from district.forms import Form
from district.models import Incident
from tests.incidents.conftest import report_data

LONG = "x" * 100_000


def _incident_form(**fields):
    data, _students = report_data()
    form = {
        "occurred_at": "2026-01-05T09:30", "place": data["place"], "category": data["category"],
        "caused_by": data["caused_by"], "severity": data["severity"], "summary": data["summary"],
        "description": data["description"], "immediate_actions": "",
        "students-0-full_name": "Nguyễn Minh An", "students-0-class_name": "5A",
        "students-0-sex": "nam", "students-0-birth_year": "2015",
        "students-0-role": "affected",
    }
    return {**form, **fields}


# --- Sizes ------------------------------------------------------------------------------------


def test_every_text_field_has_a_size_said_in_the_form(app, login_as, district):
    page = login_as(district.principal).get("/incidents/new").get_data(as_text=True)
    assert 'name="summary"' in page and 'maxlength="500"' in page
    assert 'maxlength="20000"' in page  # the description: a few tens of thousands of characters
    assert "Tối đa 20000 ký tự" in page or "Tối đa 20.000 ký tự" in page
    login = app.test_client().get("/login").get_data(as_text=True)
    assert 'maxlength="300"' in login and 'maxlength="200"' in login


def test_a_too_long_description_is_refused_and_nothing_is_stored(app, login_as, district):
    principal = login_as(district.principal)
    response = principal.post("/incidents/new", data=_incident_form(description=LONG))
    assert response.status_code == 422
    assert "Tối đa 20000 ký tự (đã nhập 100000 ký tự)." in response.get_data(as_text=True)
    assert Incident.select().count() == 0
    ok = principal.post("/incidents/new", data=_incident_form(description="x" * 20_000))
    assert ok.status_code == 302 and Incident.select().count() == 1


def test_the_size_counts_a_line_break_once_as_the_browser_does(app):
    class Sample(Form):
        text = TextAreaField()

    with app.test_request_context(method="POST", data={"text": "a\r\n" * 10_000}):
        form = Sample()
        assert form.validate(), form.errors  # 20,000 characters typed, 30,000 bytes sent


def test_a_field_with_its_own_size_keeps_it(app, login_as, district):
    page = login_as(district.admin).get("/admin/schools/new").get_data(as_text=True)
    assert 'id="code"' in page and 'maxlength="32"' in page


# --- Control characters -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Học sinh\x00bị xô đẩy", "a\x1bb", "a\x7fb", "dòng\r\nhai"])
def test_control_characters_in_a_text_field_are_refused_with_422(app, login_as, district,
                                                                  value):
    response = login_as(district.principal).post("/incidents/new",
                                                 data=_incident_form(summary=value))
    assert response.status_code == 422
    assert "ký tự điều khiển" in response.get_data(as_text=True)
    assert Incident.select().count() == 0


def test_line_breaks_and_tabs_are_text_in_a_text_area(app, login_as, district):
    response = login_as(district.principal).post(
        "/incidents/new", data=_incident_form(description="Dòng một\r\n\tDòng hai"))
    assert response.status_code == 302


def test_nul_at_sign_in_is_refused_without_a_500(app, client, district):
    response = client.post("/login", data={"username": "admin\x00", "password": "x\x00"})
    assert response.status_code in (200, 422)
    assert "ký tự điều khiển" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/incidents/?q=b%E1%BA%AFt%00n%E1%BA%A1t", "/directives/?q=%00", "/rosters/?q=%00%1b",
    "/admin/audit?actor=%00&action=%00", "/incidents/?school=%00&sort=%00",
])
def test_control_characters_in_a_query_string_are_ignored(app, login_as, district, url):
    role = "admin" if url.startswith("/admin") else "officer"
    response = login_as(district.by_role[role]).get(url)
    assert response.status_code == 200
    assert "\x00" not in response.get_data(as_text=True)


def test_a_search_with_nul_finds_what_the_search_without_it_finds(app, login_as, district):
    admin = login_as(district.admin)
    plain = admin.get("/admin/schools?q=hoa+sen").get_data(as_text=True)
    with_nul = admin.get("/admin/schools?q=hoa%00+sen").get_data(as_text=True)
    assert "Trường Mầm non Hoa Sen" in plain and "Trường Mầm non Hoa Sen" in with_nul


# --- Ids and pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/directives/99999999999999999999", "/directives/99999999999999999999/tracking",
    "/directives/1/files/99999999999999999999", "/rosters/schools/99999999999999999999",
    "/rosters/versions/99999999999999999999", "/rosters/members/99999999999999999999",
    "/incidents/99999999999999999999", "/admin/schools/99999999999999999999",
    "/admin/users/99999999999999999999", "/directives/2147483648",
])
def test_a_huge_id_answers_404(app, login_as, district, url):
    role = "admin" if url.startswith("/admin") else "officer"
    assert login_as(district.by_role[role]).get(url).status_code == 404


@pytest.mark.parametrize("url", ["/directives/", "/incidents/", "/rosters/",
                                 "/notifications/", "/admin/schools", "/admin/users",
                                 "/admin/audit"])
def test_a_huge_page_number_answers_404(app, login_as, district, url):
    role = "admin" if url.startswith("/admin") else "officer"
    client = login_as(district.by_role[role])
    assert client.get(f"{url}?page={10**20}").status_code == 404
    assert client.get(f"{url}?page=1").status_code == 200


# --- The other 500s ---------------------------------------------------------------------------


def test_the_directive_form_answers_an_htmx_request(app, login_as, district):
    officer = login_as(district.officer)
    response = officer.get("/directives/new", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'name="title"' in response.get_data(as_text=True)
    refused = officer.post("/directives/new", data={"number": ""},
                           headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'name="title"' in refused.get_data(as_text=True)


@pytest.mark.parametrize("next_value", ["/\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie:%20x=1"])
def test_cr_lf_in_the_sign_in_next_parameter_is_no_500(app, client, district, next_value):
    page = client.get("/login?next=" + next_value.replace("\r\n", "%0d%0a"))
    assert page.status_code == 200
    response = client.post("/login", data={"username": district.staff.username,
                                           "password": "Passw0rd!", "next": next_value})
    assert response.status_code == 302
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    assert not any("x=1" in c for c in response.headers.get_all("Set-Cookie"))
