"""The principal acknowledges a directive from the home page, in place: the card loses the row,
its count and the header badge go down, focus lands on the message, the page stays axe-clean;
without JavaScript the same button works through its form action."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker
from tests.e2e.test_journeys import publish_directive


def test_principal_acknowledges_from_the_home_card_in_place(page, district):
    directive = publish_directive(district, "Về việc phòng, chống đuối nước")
    sign_in(page, district.principal.username, PASSWORD)
    page.goto("/")
    row = page.locator(f"#home-directives li[data-directive='{directive.id}']")
    expect(row).to_contain_text("Về việc phòng, chống đuối nước")
    expect(page.locator("#home-directives-count")).to_have_text("1")
    expect(page.locator("#directive-unread")).to_have_text("1")
    mark_window(page)
    row.get_by_role("button", name=f"Xác nhận {directive.number}").click()
    message = page.locator("#home-directives .flash-success")
    expect(message).to_contain_text(f"Nhà trường đã xác nhận văn bản {directive.number}.")
    expect(message).to_be_focused()
    expect(page.locator("#home-directives-count")).to_have_text("0")
    expect(row).to_have_count(0)
    expect(page.locator("#directive-unread")).to_have_count(0)
    assert window_marker(page) == "still-here"
    assert walk.axe_violations(page) == []


def test_home_card_acknowledges_without_javascript(browser, live_server, district):
    directive = publish_directive(district, "Về việc an toàn giao thông")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, district.principal.username, PASSWORD)
        page.goto("/")
        page.locator(f"li[data-directive='{directive.id}'] button").click()
        page.wait_for_load_state()
        assert page.url.rstrip("/") == live_server
        expect(page.locator("main")).to_contain_text(
            f"Nhà trường đã xác nhận văn bản {directive.number}.")
        expect(page.locator("#home-directives-count")).to_have_text("0")
    finally:
        context.close()
