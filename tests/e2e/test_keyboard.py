"""Keyboard alone: report an incident (adding a student in place), acknowledge a directive,
change an incident's status (on its page, and from the list). Only Tab, typing, arrows and
Enter; after each htmx answer the focus lands in the updated region (its message or heading,
or the new field), never on the page's body, with a visible focus ring; the page stays
axe-clean after the swap."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from district.incidents import operations as incidents
from district.models import Incident
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import sign_in
from tests.e2e.test_journeys import publish_directive

FOCUSED = "() => document.activeElement"


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches `selector`; fails if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, value, limit=30):
    """On the focused select, press the arrow key until `value` is chosen."""
    page.keyboard.press("Home")
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value}")


def type_occurred_at(page, value):
    """Type a date and time into the report's datetime field, segment by segment. The segments'
    order is the browser's own (month first in Chromium's default English, day first in
    Vietnamese): each order is tried on a fresh form until the field holds `value`."""
    year, month, day = value[:10].split("-")
    hour, minute = value[11:].split(":")
    orders = ((month + day + year, hour + minute + "A"), (day + month + year, hour + minute))
    for date, time in orders:
        page.goto("/incidents/new")
        tab_to(page, "input[name=occurred_at]")
        page.keyboard.type(date)
        page.keyboard.press("Tab")  # the year takes up to six digits: Tab to the hour
        page.keyboard.type(time)
        if page.eval_on_selector("input[name=occurred_at]", "e => e.value") == value:
            return
    raise AssertionError("could not type the date and time")


def focused(page, check):
    return page.evaluate(f"() => {{ const e = document.activeElement; return {check}; }}")


def focus_ring_shown(page):
    return focused(page, "(getComputedStyle(e).outlineStyle !== 'none' && "
                         "parseFloat(getComputedStyle(e).outlineWidth) >= 2)")


def test_report_an_incident_by_keyboard(page, district):
    sign_in(page, district.staff.username, PASSWORD)
    type_occurred_at(page, "2026-11-20T09:30")
    for name, value in (("place", "school_yard"), ("category", "bullying"),
                        ("caused_by", "student"), ("severity", "medium")):
        tab_to(page, f"select[name={name}]")
        choose(page, value)
    tab_to(page, "input[name=summary]")
    page.keyboard.type("Một học sinh bị xô ngã ở sân trường")
    tab_to(page, "textarea[name=description]")
    page.keyboard.type("Giờ ra chơi, em bị bạn xô ngã.")
    tab_to(page, "input[name='students-0-full_name']")
    page.keyboard.type("Nguyễn Gia Bảo")
    tab_to(page, "select[name='students-0-role']")
    choose(page, "affected")

    # Adding a student answers the form in place; focus lands on the new student's name.
    tab_to(page, "button[name=add_student]")
    with page.expect_response(lambda r: r.url.endswith("/incidents/new")):
        page.keyboard.press("Enter")
    expect(page.locator("input[name='students-1-full_name']")).to_be_focused()
    assert focus_ring_shown(page)
    page.keyboard.type("Trần Minh Khôi")
    tab_to(page, "select[name='students-1-role']")
    choose(page, "caused")

    tab_to(page, "#report-form button[name=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Đã tiếp nhận báo cáo VV-")
    incident = Incident.get()
    assert sorted(s.full_name for s in incident.students) == ["Nguyễn Gia Bảo", "Trần Minh Khôi"]


def test_acknowledge_a_directive_by_keyboard(page, district):
    directive = publish_directive(district, "Về việc phòng chống bạo lực học đường")
    sign_in(page, district.principal.username, PASSWORD)
    page.goto(f"/directives/{directive.id}")
    tab_to(page, "#note")
    page.keyboard.type("Đã phổ biến tới toàn trường")
    tab_to(page, "#acknowledge")
    with page.expect_response(lambda r: r.url.endswith(f"/directives/{directive.id}/acknowledge")):
        page.keyboard.press("Enter")
    message = page.locator("#ack-panel .acknowledged")
    expect(message).to_contain_text("Đã xác nhận")
    # Focus is on the message that says it is done, not lost on the page's body.
    expect(message).to_be_focused()
    assert focus_ring_shown(page)
    assert walk.axe_violations(page) == []


@pytest.fixture
def incident(district):
    """A bullying incident reported by a staff member of the preschool."""
    return incidents.report(
        district.staff, district.preschool,
        {"occurred_at": dt.datetime(2026, 11, 20, 9, 30), "place": "school_yard",
         "category": "bullying", "caused_by": "student", "severity": "medium",
         "sensitive": False, "summary": "Học sinh bị xô ngã", "description": "Giờ ra chơi.",
         "immediate_actions": ""},
        [{"full_name": "Nguyễn Minh An", "class_name": "5A", "sex": "nam", "birth_year": 2015,
          "role": "affected"}], {})


def test_change_an_incident_status_by_keyboard(page, district, incident):
    sign_in(page, district.principal.username, PASSWORD)
    for size in (walk.PHONE, walk.DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"/incidents/{incident.id}")
        current = Incident.get_by_id(incident.id).status
        step = "verifying" if current == "reported" else "handling"
        button = f"#step-detail-{incident.id}-{step} button[type=submit]"
        tab_to(page, button)
        assert focus_ring_shown(page)
        with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident.id}/status")):
            page.keyboard.press("Enter")
        expect(page.locator(f"#status-badge-{incident.id}")).to_have_text(
            {"verifying": "Đang xác minh", "handling": "Đang xử lý"}[step])
        # Focus lands on the new status in the updated panel (moved once htmx has settled the
        # swap, so wait for it), and the panel announces it.
        page.wait_for_function("() => { const e = document.activeElement; return e !== "
                               "document.body && e.closest('#status-panel') !== null; }")
        expect(page.locator("#status-panel")).to_have_attribute("aria-live", "polite")
        assert walk.axe_violations(page) == []


def test_change_an_incident_status_from_the_list_by_keyboard(page, district, incident):
    """The row's "Đổi trạng thái" control opens its forms in place with the focus on the first
    field; Tab to the step's button, Enter: the row shows the new status, where the focus
    lands, and the small control again."""
    sign_in(page, district.principal.username, PASSWORD)
    control = f"#row-steps-{incident.id}"
    for size, step, label in ((walk.PHONE, "verifying", "Đang xác minh"),
                              (walk.DESKTOP, "handling", "Đang xử lý")):
        page.set_viewport_size(size)
        page.goto("/incidents/")
        tab_to(page, f"a{control}")
        assert focus_ring_shown(page)
        with page.expect_response(lambda r: "/status-steps" in r.url):
            page.keyboard.press("Enter")
        # The forms replace the control, the focus on the first form's first field.
        expect(page.locator(f"details{control}")).to_be_visible()
        page.wait_for_function("() => document.activeElement.name === 'note'")
        assert focused(page, "e.closest('form').id") == f"step-row-{incident.id}-{step}"
        assert focus_ring_shown(page)
        page.keyboard.type("Đã trao đổi với giáo viên chủ nhiệm")
        tab_to(page, f"#step-row-{incident.id}-{step} button[type=submit]", limit=10)
        with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident.id}/status")):
            page.keyboard.press("Enter")
        expect(page.locator(f"#status-badge-{incident.id}")).to_have_text(label)
        expect(page.locator(f"a{control}")).to_be_visible()
        page.wait_for_function(
            f"() => document.activeElement.closest('#incident-{incident.id}') !== null")
        assert focused(page, "e.querySelector('.incident-status') !== null")
        assert walk.axe_violations(page) == []
    assert Incident.get_by_id(incident.id).status == "handling"


def test_every_control_shows_its_focus(page, district, incident):
    sign_in(page, district.principal.username, PASSWORD)
    page.set_viewport_size(walk.PHONE)
    page.goto("/incidents/")
    tab_to(page, "details.filter-fold > summary")  # the "Lọc" button of a phone
    assert focus_ring_shown(page)
    page.keyboard.press("Enter")
    tab_to(page, "form.filters button[type=submit]")
    assert focus_ring_shown(page)
    page.set_viewport_size(walk.DESKTOP)
    page.goto(f"/incidents/{incident.id}")
    tab_to(page, "input[type=file]")
    assert focus_ring_shown(page)
