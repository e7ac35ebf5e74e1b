"""The school's page for an officer and for its principal, the officers' list of schools and the
periodic report, on a phone and a desktop: nothing wider than the window, axe-clean, printable
(the content alone, tables whole); the list filters in place."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from district import clock
from district.activities import operations as activities
from district.directives import operations as directives
from district.incidents import operations as incidents
from district.rosters import operations as rosters
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker
from tests.schools.conftest import activity_values, incident_data, roster_members

SIZES = [{"width": 360, "height": 740}, {"width": 1366, "height": 768}]


@pytest.fixture
def school_year(district):
    """A directive acknowledged, a roster, an activity and two incidents at the preschool."""
    today = clock.today()
    data = {"number": "91/PGDĐT-CTHSSV", "title": "Về việc rà soát trường học an toàn",
            "body": "Các trường thực hiện.", "signer": "Nguyễn Văn Trưởng",
            "issued_on": today - dt.timedelta(days=3), "deadline": today + dt.timedelta(days=7),
            "response_kind": "ack", "audience_kind": "all"}
    directive = directives.publish(district.officer,
                                   directives.create_draft(district.officer, data))
    directives.acknowledge(district.principal, directive)
    rosters.save_version(district.principal, district.preschool, roster_members())
    activities.record_activity(district.principal, district.preschool, activity_values(),
                               [directive.id], [], {})
    for severity in ("critical", "medium"):
        fields, students = incident_data(severity=severity)
        incidents.report(district.principal, district.preschool, fields, students, {},
                         now=clock.utcnow() - dt.timedelta(hours=20))
    return directive


A4 = {"width": 794, "height": 1123}  # a sheet of A4 at 96 px per inch


def assert_prints(page, size):
    """Printed on A4: the content alone, the hotline kept, tables whole, nothing wider."""
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    expect(page.locator("nav.site-nav")).to_be_hidden()
    expect(page.locator(".hotline")).to_be_visible()
    expect(page.locator("main h1")).to_be_visible()
    for table in page.locator("main table").all():
        assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert page.evaluate("() => document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")
    page.emulate_media(media="screen")
    page.set_viewport_size(size)


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_the_school_page_for_an_officer_and_for_the_principal(page, district, school_year,
                                                              size):
    page.set_viewport_size(size)
    for user in (district.officer, district.principal):
        page.context.clear_cookies()
        sign_in(page, user.username, PASSWORD)
        page.goto(f"/schools/{district.preschool.id}")
        expect(page.locator("#school-name")).to_have_text(district.preschool.name)
        expect(page.locator("[data-figure=on_time]")).to_have_text("1")
        expect(page.locator("#roster-state")).to_have_text("Đầy đủ")
        expect(page.locator("#fig-incidents")).to_have_text("2")
        expect(page.locator("#steps-late")).to_contain_text("1 vụ việc khẩn cấp")
        assert walk.check_page(page, sizes=[size]) == []
        assert_prints(page, size)
        # The directive's link opens it.
        page.click(f"#directive-{school_year.id} a")
        expect(page.locator("main h1")).to_contain_text("Về việc rà soát trường học an toàn")


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_the_officer_filters_the_list_of_schools_in_place(page, district, school_year, size):
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/schools/")
    expect(page.locator("#schools tbody tr")).to_have_count(2)
    assert walk.check_page(page, sizes=[size]) == []
    mark_window(page)
    fold = page.locator("details.filter-fold")
    if not page.locator("select[name=attention]").is_visible():
        fold.locator("summary").click()
    page.select_option("select[name=attention]", "no_roster")
    expect(page.locator("#schools tbody tr")).to_have_count(1)
    expect(page.locator("#schools tbody")).to_contain_text(district.secondary.name)
    assert "attention=no_roster" in page.url
    assert window_marker(page) == "still-here"
    page.click(f"#school-{district.secondary.id} a")
    expect(page.locator("#school-name")).to_have_text(district.secondary.name)


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_the_report_for_the_officer_and_the_observer(page, district, school_year, size):
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/reports/")
    expect(page.locator("#incident-total")).to_have_text("2")
    assert walk.check_page(page, sizes=[size]) == []
    assert_prints(page, size)
    page.context.clear_cookies()
    sign_in(page, district.observer.username, PASSWORD)
    page.goto("/reports/")
    expect(page.locator("#incident-total")).to_have_text("<5")
    expect(page.locator("#suppressed-note")).to_be_visible()
    assert walk.check_page(page, sizes=[size]) == []
