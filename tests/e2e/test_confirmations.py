"""A teacher confirms personally from the home card in one click (in place, focus on the
message, axe-clean) on a phone and a desktop; a principal acknowledges a directive to
disseminate by linking the school's quán triệt activity."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from district import clock
from district.activities import operations as activities
from district.directives import operations as directives
from district.models import Dissemination
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker

SIZES = [{"width": 390, "height": 844}, {"width": 1366, "height": 768}]


def publish(district, **fields):
    today = clock.today()
    data = {"number": "88/PGDĐT-CTHSSV", "title": "Về việc quán triệt Chỉ thị 18/CT-TTg",
            "body": "Các trường tổ chức quán triệt.", "signer": "Nguyễn Văn Trưởng",
            "issued_on": today - dt.timedelta(days=3), "deadline": today + dt.timedelta(days=7),
            "response_kind": "ack", "audience_kind": "all", **fields}
    return directives.publish(district.officer, directives.create_draft(district.officer, data))


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_teacher_confirms_personally_from_home_in_one_click(page, district, size):
    directive = publish(district, personal_confirmation=True)
    page.set_viewport_size(size)
    sign_in(page, district.staff.username, PASSWORD)
    page.goto("/")
    row = page.locator(f"#home-directives li[data-confirm='{directive.id}']")
    expect(row).to_contain_text("Về việc quán triệt Chỉ thị 18/CT-TTg")
    assert walk.axe_violations(page) == []
    mark_window(page)
    row.get_by_role("button", name=f"Tôi đã đọc {directive.number}").click()
    message = page.locator("#home-directives .flash-success")
    expect(message).to_contain_text(f"Bạn đã xác nhận đã đọc văn bản {directive.number}")
    expect(message).to_be_focused()
    expect(row).to_have_count(0)
    assert window_marker(page) == "still-here"
    assert walk.axe_violations(page) == []
    assert not walk.overflow(page)


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_principal_acknowledges_by_linking_the_quan_triet(page, district, size):
    directive = publish(district, response_kind="disseminate")
    values = {"kind": "quan_triet", "held_on": clock.today() - dt.timedelta(days=1),
              "title": "Quán triệt Chỉ thị 18/CT-TTg cho toàn trường", "presenter": "school",
              "presenter_name": "", "sessions": 1, "hours": 2.0, "managers": 2, "teachers": 10,
              "employees": 3, "parents": 0, "students": 0, "summary": ""}
    activity = activities.record_activity(district.principal, district.preschool, values,
                                          [directive.id], [], activities.checked_uploads({}))
    page.set_viewport_size(size)
    sign_in(page, district.principal.username, PASSWORD)
    page.goto(f"/directives/{directive.id}")
    select = page.locator("#activity")
    expect(select).to_contain_text("Quán triệt Chỉ thị 18/CT-TTg cho toàn trường")
    select.select_option(str(activity.id))
    assert walk.axe_violations(page) == []
    page.click("#acknowledge")
    expect(page.locator("#ack-panel .acknowledged")).to_be_visible()
    assert Dissemination.select().where(Dissemination.activity == activity.id).count() == 1
    assert walk.axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_readers_pages_fit_and_are_axe_clean(page, district, size):
    directive = publish(district, personal_confirmation=True)
    directives.confirm(district.staff, directive)
    page.set_viewport_size(size)
    for user in (district.principal, district.officer):
        sign_in(page, user.username, PASSWORD)
        page.goto(f"/directives/{directive.id}/readers")
        expect(page.locator("table.readers")).to_be_visible()
        assert walk.axe_violations(page) == []
        assert not walk.overflow(page)
        page.context.clear_cookies()
