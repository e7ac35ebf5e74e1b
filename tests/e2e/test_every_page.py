"""Every page of every role, on the demo district, at a phone's width (390×844) and a desktop's
(1366×768): the page is no wider than the window, every control a finger can hit is at least
44 px high on the phone, and axe-core finds no violation of any impact (tests/e2e/walk.py).
The smallest phone (360×640) is checked for width too."""

import re

import pytest
from playwright.sync_api import expect

from district.directives import queries as directive_queries
from tests.conftest import PASSWORD as DEMO_PASSWORD  # the demo seed takes the tests' one
from tests.e2e import walk
from tests.e2e.walk import DESKTOP, PHONE, SMALL_PHONE

DEMO_ACCOUNTS = {
    "admin": "admin",
    "officer": "chuyenvien1",
    "principal": "ht.mn-hoasen",
    "staff": "gv1.mn-hoasen",
    "observer": "lanhdao",
}
# Kinds of page each role must have reached (the walk really walked).
MUST_REACH = {
    "admin": {"/", "/admin/schools", "/admin/users", "/admin/audit", "/admin/users/N"},
    "officer": {"/", "/directives/", "/directives/N", "/directives/N/tracking", "/rosters/",
                "/incidents/", "/incidents/N", "/incidents/stats", "/directives/new"},
    "principal": {"/", "/directives/", "/directives/N", "/rosters/", "/incidents/",
                  "/incidents/N", "/incidents/new"},
    "staff": {"/", "/directives/", "/incidents/", "/incidents/new"},
    "observer": {"/", "/incidents/stats"},
}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output


def assert_clean(found):
    problems = {path: issues for path, issues in found.items() if issues}
    assert not problems, "\n".join(
        f"{path}:\n  " + "\n  ".join(issues) for path, issues in problems.items())


@pytest.mark.parametrize("role", sorted(DEMO_ACCOUNTS))
def test_every_page_fits_a_phone_and_is_axe_clean(demo, page, role):
    walk.sign_in(page, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    found = walk.walk(page, "/")
    reached = {walk.kind(path.split("?")[0]) for path in found}
    assert MUST_REACH[role] <= reached, sorted(reached)
    assert_clean(found)


def test_pages_without_signing_in_fit_and_are_axe_clean(demo, page):
    found = walk.walk(page, "/login")
    found.update(walk.walk(page, "/help"))
    assert {"/login", "/help"} <= set(found)
    assert_clean(found)


@pytest.mark.parametrize("role", ["officer", "principal"])
def test_the_smallest_phone_scrolls_no_page_sideways(demo, page, role):
    walk.sign_in(page, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    found = walk.walk(page, "/", sizes=(SMALL_PHONE,), axe=False)
    assert len(found) >= 8
    assert_clean(found)


def test_phone_header_folds_into_a_menu_that_opens_without_javascript(browser, live_server,
                                                                       demo):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=PHONE,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        walk.sign_in(page, "chuyenvien1", DEMO_PASSWORD)
        menu_link = page.locator("header .menu a[href='/incidents/']")
        expect(menu_link).to_be_hidden()
        # One row: the brand, the bell and the menu button; the user's name is folded away.
        expect(page.locator("header .user-menu summary")).to_be_hidden()
        header = page.locator("header nav").bounding_box()
        assert header["height"] < 100, header
        page.click("header .site-menu > summary")
        expect(menu_link).to_be_visible()
        expect(page.locator("header .user-menu summary")).to_be_visible()
        menu_link.click()
        expect(page.locator("h1")).to_contain_text("Vụ việc")
        # The filters fold behind one "Lọc" button on a phone, and open without JavaScript.
        search = page.locator("form.filters input[name=q]")
        expect(search).to_be_hidden()
        page.click("details.filter-fold > summary")
        expect(search).to_be_visible()

        page.set_viewport_size(DESKTOP)
        page.goto("/incidents/")
        expect(page.locator("header .menu a[href='/incidents/']")).to_be_visible()
        expect(page.locator("header .site-menu > summary")).to_be_hidden()
        expect(page.locator("form.filters input[name=q]")).to_be_visible()
        expect(page.locator("details.filter-fold > summary")).to_be_hidden()
    finally:
        context.close()


def test_incident_page_is_one_column_with_the_status_first_on_a_phone(demo, page):
    walk.sign_in(page, "ht.mn-hoasen", DEMO_PASSWORD)
    page.goto("/incidents/")
    page.locator("table.incidents tbody tr a").first.click()
    page.set_viewport_size(PHONE)
    status = page.locator("#status-panel").bounding_box()
    report = page.locator(".incident-main").bounding_box()
    students = page.locator(".incident-main table").bounding_box()
    files = page.locator("#attachments").bounding_box()
    assert status["y"] < report["y"], (status, report)
    assert status["width"] > PHONE["width"] * 0.8, status
    assert students["y"] + students["height"] <= files["y"], (students, files)
    page.set_viewport_size(DESKTOP)
    status = page.locator("#status-panel").bounding_box()
    report = page.locator(".incident-main").bounding_box()
    assert status["x"] > report["x"] + report["width"] - 1, (status, report)


def test_filter_controls_are_of_one_height_and_their_placeholders_fit(demo, page):
    walk.sign_in(page, "chuyenvien1", DEMO_PASSWORD)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto("/incidents/")
        fold = page.locator("details.filter-fold")
        if not page.locator("form.filters input[name=q]").is_visible():
            fold.locator("summary").click()
        heights = page.eval_on_selector_all(
            "form.filters :is(input:not([type=checkbox]), select, button)",
            "els => els.map(e => Math.round(e.getBoundingClientRect().height))")
        assert len(set(heights)) == 1, heights
        # The placeholder is readable whole: the box is wider than its text.
        fits = page.eval_on_selector("form.filters input[type=search]", """e => {
            const c = document.createElement('canvas').getContext('2d');
            const s = getComputedStyle(e);
            c.font = s.fontSize + ' ' + s.fontFamily;
            const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
            return c.measureText(e.placeholder).width <= room;
        }""")
        assert fits, size
        # No ring around the whole bar (Pico draws one on role=search groups).
        shadow = page.eval_on_selector("form.filters", "e => getComputedStyle(e).boxShadow")
        assert shadow in ("none", ""), shadow


@pytest.mark.parametrize("role", ["officer", "observer"])
def test_from_the_communes_lagging_on_the_home_to_the_rates_of_every_commune(
        demo, page, role, monkeypatch):
    """A province has a hundred communes; the demo district has 9: with the home's threshold
    at 3, the home charts the 3 lowest and links to the page of every commune, which fits a
    phone and a desktop and is axe-clean."""
    monkeypatch.setattr(directive_queries, "HOME_COMMUNES", 3)
    walk.sign_in(page, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    home = page.locator("#rates-commune")
    expect(home.locator("figcaption")).to_have_text("3 xã/phường có tỉ lệ xác nhận thấp nhất")
    link = page.locator("a[href='/directives/rates#rates-commune']")
    every = int(re.fullmatch(r"Tỉ lệ của cả (\d+) xã/phường", link.inner_text()).group(1))
    assert every > 3
    link.click()
    expect(page.locator("h1")).to_have_text("Tỉ lệ xác nhận theo cấp học và xã/phường")
    expect(page.locator("#rates-commune-table tbody tr")).to_have_count(every)
    assert walk.check_page(page) == []
