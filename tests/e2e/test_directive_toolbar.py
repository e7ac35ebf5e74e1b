"""The directive body is written with a small toolbar (bold, list, heading, link) over the text,
so an officer needs to know no Markdown; the server's preview follows each change. Without
JavaScript the toolbar is not shown (the hint says how to type the same)."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import sign_in


def test_officer_formats_the_body_with_the_toolbar(page, district):
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/directives/new")
    body = page.locator("#body")
    toolbar = page.get_by_role("toolbar", name="Định dạng nội dung")
    expect(toolbar).to_be_visible()

    body.fill("Yêu cầu các trường")
    body.evaluate("e => e.setSelectionRange(0, e.value.length)")
    toolbar.get_by_role("button", name="Tiêu đề").click()
    expect(body).to_have_value("## Yêu cầu các trường")

    body.evaluate("e => { e.value += '\\nTập huấn giáo viên'; "
                  "e.setSelectionRange(e.value.length, e.value.length); }")
    toolbar.get_by_role("button", name="Danh sách").click()
    expect(body).to_have_value("## Yêu cầu các trường\n- Tập huấn giáo viên")

    body.evaluate("e => { e.value += '\\n\\nTriển khai ngay'; "
                  "e.setSelectionRange(e.value.length - 15, e.value.length); }")
    toolbar.get_by_role("button", name="Đậm").click()
    expect(body).to_have_value("## Yêu cầu các trường\n- Tập huấn giáo viên\n\n**Triển khai ngay**")

    body.evaluate("e => { e.value += ' xem hướng dẫn'; "
                  "e.setSelectionRange(e.value.length - 9, e.value.length); }")
    toolbar.get_by_role("button", name="Liên kết").click()
    expect(body).to_have_value("## Yêu cầu các trường\n- Tập huấn giáo viên\n\n"
                               "**Triển khai ngay** xem [hướng dẫn](https://)")
    # The caret is on the address to type, and the preview shows the formatting.
    assert body.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)") == "https://"
    preview = page.locator("#preview")
    expect(preview.locator("h2")).to_have_text("Yêu cầu các trường")
    expect(preview.locator("li")).to_have_text("Tập huấn giáo viên")
    expect(preview.locator("strong")).to_have_text("Triển khai ngay")
    expect(preview.locator("a")).to_have_text("hướng dẫn")
    assert walk.axe_violations(page) == []


def test_without_javascript_the_toolbar_is_not_shown(browser, live_server, district):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, district.officer.username, PASSWORD)
        page.goto("/directives/new")
        expect(page.locator("[data-md-for]")).to_be_hidden()
        expect(page.locator("#body")).to_be_visible()
    finally:
        context.close()
