"""Whatever is typed into a URL or a form answers 200 or a friendly 4xx, never a 500."""

import pytest

from district.models import Incident

STATS = ["/incidents/stats?year=-5", "/incidents/stats?year=9999", "/incidents/stats?year=0",
         "/incidents/stats?year=99999999999999999999", "/incidents/stats?year=abc",
         "/incidents/stats?year=²", "/incidents/stats?year=2026"]
LIST = ["/incidents/?date_to=9999-12-31", "/incidents/?date_from=0001-01-01",
        "/incidents/?date_from=9999-12-31&date_to=0001-01-01",
        "/incidents/?page=-3",
        "/incidents/?page=²",
        "/incidents/?school=99999999999999999999", "/incidents/?school=²",
        "/incidents/?status=nonsense&category=x&severity=y&level=z&sort=w&mine=1&q=%25_"]


@pytest.mark.parametrize("url", STATS)
@pytest.mark.parametrize("role", ["officer", "observer"])
def test_stats_years_out_of_range_answer_200(district, login_as, report, role, url):
    report(district.staff)
    response = login_as(getattr(district, role)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", LIST)
def test_list_filters_out_of_range_answer_200(district, login_as, report, url):
    incident = report(district.staff)
    response = login_as(district.officer).get(url)
    assert response.status_code == 200
    if "date_to=9999" in url:  # an unusable date is ignored, not an error
        assert incident.reference in response.get_data(as_text=True)


def test_a_page_beyond_the_last_is_not_found(district, login_as, report):
    report(district.staff)
    assert login_as(district.officer).get("/incidents/?page=100001").status_code == 404
    # However large the number (issue 11: page=10**20 answered 500).
    assert login_as(district.officer).get("/incidents/?page=99999999999999999999999"
                                          ).status_code == 404
    assert login_as(district.officer).get("/incidents/?page=1").status_code == 200


@pytest.mark.parametrize("url", ["/incidents/99999999999999999999",
                                 "/incidents/99999999999999999999/reported",
                                 "/incidents/1/attachments/99999999999999999999"])
def test_huge_ids_are_not_found(district, login_as, report, url):
    report(district.staff)
    assert login_as(district.officer).get(url).status_code == 404


def test_huge_assignee_is_a_422(district, login_as, report):
    incident = report(district.staff)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/assignment",
        data={"assignee": "99999999999999999999", "version": incident.version})
    assert response.status_code == 422


def test_officer_report_for_a_huge_school_id_is_a_422(district, login_as):
    from tests.incidents.test_reporting import FORM

    response = login_as(district.officer).post(
        "/incidents/new", data={**FORM, "school_id": "99999999999999999999"})
    assert response.status_code == 422


@pytest.mark.parametrize("list_query", [
    "endpoint=admin.index", "_external=1&_scheme=javascript", "_anchor=x&_method=GET",
    "incident_id=5", "status=verifying&endpoint=x&page=2", "page=99999999999999999999",
])
def test_row_status_change_redirects_to_the_list_with_known_filters_only(
        district, login_as, report, list_query):
    incident = report(district.staff)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status",
        data={"to": "verifying", "version": incident.version, "context": "row",
              "list_args": list_query})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/incidents/")
    for bad in ("endpoint", "_external", "_scheme", "_anchor", "_method", "incident_id",
                "javascript"):
        assert bad not in location
    if "status=verifying" in list_query:
        assert "status=verifying" in location and "page=2" in location
    assert Incident.get_by_id(incident.id).status == "verifying"


def test_row_status_change_with_htmx_and_odd_list_args(district, login_as, report):
    incident = report(district.staff)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status",
        data={"to": "verifying", "version": incident.version, "context": "row",
              "list_args": "endpoint=x&date_to=9999-12-31&school=99999999999999999999"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
