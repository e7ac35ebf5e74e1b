"""Directives that must be disseminated (response kind "disseminate"): the principal
acknowledges by linking the school's quán triệt activity that carried the directive out; the
tracking shows when, and the share of the school's staff who attended."""

import datetime as dt
import re

import pytest

from district.activities import years
from district.directives import operations, queries, tallies
from district.models import Acknowledgement, Directive, Dissemination, Recipient
from tests.activities.conftest import head_counts, make_activity  # noqa: F401 (fixtures)

from .conftest import htmx


@pytest.fixture
def to_disseminate(make_directive):
    return make_directive(response_kind="disseminate")


def receipt(directive, school):
    return Recipient.get(Recipient.directive == directive.id, Recipient.school == school.id)


def test_acknowledging_needs_a_quan_triet_activity_first(
        district, login_as, to_disseminate, app):
    client = login_as(district.principal)
    html = client.get(f"/directives/{to_disseminate.id}").get_data(as_text=True)
    assert "Ghi hoạt động quán triệt văn bản này" in html
    assert f"/activities/new?directive={to_disseminate.id}" in html
    response = client.post(f"/directives/{to_disseminate.id}/acknowledge",
                           data={"note": ""}, headers=htmx())
    assert response.status_code == 422
    assert "yêu cầu nhà trường tổ chức quán triệt" in response.get_data(as_text=True)
    assert receipt(to_disseminate, district.preschool).acknowledged_at is None


def test_the_new_activity_form_preselects_the_directive(district, login_as, to_disseminate):
    html = login_as(district.principal).get(
        f"/activities/new?directive={to_disseminate.id}").get_data(as_text=True)
    assert re.search(rf'name="directive_ids" value="{to_disseminate.id}" checked', html)
    assert '<option selected value="quan_triet">' in html


def test_principal_links_the_school_activity_and_tracking_shows_the_share(
        app, district, login_as, to_disseminate, make_activity, head_counts):  # noqa: F811
    head_counts(district.preschool, managers=2, teachers=15, employees=3)
    activity = make_activity(district.principal, directives=[to_disseminate], managers=2,
                             teachers=12, employees=1)
    client = login_as(district.principal)
    html = client.get(f"/directives/{to_disseminate.id}").get_data(as_text=True)
    assert f'<option value="{activity.id}">' in html
    response = client.post(f"/directives/{to_disseminate.id}/acknowledge",
                           data={"activity": str(activity.id)}, headers=htmx())
    assert response.status_code == 200, response.get_data(as_text=True)
    row = receipt(to_disseminate, district.preschool)
    assert row.acknowledged_at is not None
    link = Dissemination.get()
    assert (link.recipient_id, link.activity_id, link.revision) == (row.id, activity.id, 1)
    assert Acknowledgement.select().count() == 1
    page = login_as(district.officer).get(
        f"/directives/{to_disseminate.id}/tracking").get_data(as_text=True)
    cell = page.split('data-school="MN-HOASEN"')[1].split("</tr>")[0]
    assert activity.held_on.strftime("%d/%m/%Y") in cell
    assert "75% (15/20)" in cell  # (2 + 12 + 1) of (2 + 15 + 3)
    other = page.split('data-school="THCS-NGUYENDU"')[1].split("</tr>")[0]
    assert "Đã quán triệt" not in other
    with app.app_context():
        assert tallies.kept() == tallies.recounted()


def test_without_a_head_count_the_share_is_a_dash(
        district, login_as, to_disseminate, make_activity):  # noqa: F811
    activity = make_activity(district.principal, directives=[to_disseminate])
    operations.acknowledge(district.principal, to_disseminate, activity_id=str(activity.id))
    page = login_as(district.officer).get(
        f"/directives/{to_disseminate.id}/tracking").get_data(as_text=True)
    cell = page.split('data-school="MN-HOASEN"')[1].split("</tr>")[0]
    assert "nhân viên dự: —" in cell


@pytest.mark.parametrize("case", ["other_school", "not_linked", "wrong_kind", "garbage",
                                  "missing"])
def test_bad_activities_are_refused_with_a_message(
        case, app, district, login_as, to_disseminate, make_directive,
        make_activity):  # noqa: F811
    own = make_activity(district.principal, directives=[to_disseminate])  # so no blocker
    typed = {
        "other_school": lambda: make_activity(district.other_principal,
                                              directives=[to_disseminate]).id,
        "not_linked": lambda: make_activity(district.principal,
                                            directives=[make_directive()]).id,
        "wrong_kind": lambda: make_activity(district.principal, directives=[to_disseminate],
                                            kind="tap_huan").id,
        "garbage": lambda: "1; DROP TABLE activity",
        "missing": lambda: "",
    }[case]()
    assert own.id != typed
    response = login_as(district.principal).post(
        f"/directives/{to_disseminate.id}/acknowledge", data={"activity": str(typed)},
        headers=htmx())
    assert response.status_code == 422
    assert ("Hoạt động đã chọn không phải" in response.get_data(as_text=True)
            or "Hãy chọn hoạt động quán triệt" in response.get_data(as_text=True))
    assert receipt(to_disseminate, district.preschool).acknowledged_at is None
    assert Dissemination.select().count() == 0


def test_overdue_as_any_required_response(app, district, make_directive, today):
    late = make_directive(response_kind="disseminate", issued_on=today - dt.timedelta(days=20),
                          deadline=today - dt.timedelta(days=1))
    with app.app_context():
        counts = queries.state_counts(district.officer, Directive.get_by_id(late.id))
    assert counts["overdue"] == 2


def test_reacknowledging_after_a_revision_links_again(
        app, district, to_disseminate, make_activity):  # noqa: F811
    activity = make_activity(district.principal, directives=[to_disseminate])
    operations.acknowledge(district.principal, to_disseminate, activity_id=str(activity.id))
    data = {name: getattr(to_disseminate, name) for name in (
        "number", "title", "body", "signer", "issued_on", "deadline", "response_kind")}
    operations.revise(district.officer, to_disseminate, data, "Bổ sung", True)
    row = queries.tracking_row(district.officer, to_disseminate.__class__.get_by_id(
        to_disseminate.id), district.preschool.id)
    assert row.acknowledged_at is None and getattr(row, "disseminated_on", None) is None
    assert tallies.kept() == tallies.recounted()


def test_tracking_stays_a_fixed_number_of_queries(
        app, district, login_as, to_disseminate, make_activity, make_school,  # noqa: F811
        queries):
    client = login_as(district.officer)
    url = f"/directives/{to_disseminate.id}/tracking"

    def count():
        with queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    activity = make_activity(district.principal, directives=[to_disseminate])
    operations.acknowledge(district.principal, to_disseminate, activity_id=str(activity.id))
    first = count()
    other = make_activity(district.other_principal, directives=[to_disseminate])
    operations.acknowledge(district.other_principal, to_disseminate, activity_id=str(other.id))
    assert count() == first
    assert years.current()  # the activities' school year is configured
