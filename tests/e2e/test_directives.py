"""An officer publishes a directive to preschools only; a preschool principal acknowledges it in
place with HTMX (no page reload); a lower-secondary principal does not see it; the officer's
tracking page shows the acknowledgement and exports it."""

import datetime as dt
import re

from playwright.sync_api import expect

from district import clock
from district.directives import operations
from tests.conftest import PASSWORD
from tests.e2e.conftest import mark_window, sign_in, window_marker

TITLE = "Về việc tập huấn phòng, chống xâm hại trẻ mầm non"


def sign_out(page):
    page.click("details.dropdown summary")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_publish_to_preschools_acknowledge_with_htmx_and_track(page, district, make_school):
    private_preschool = make_school(code="MN-BENGOAN", name="Trường Mầm non Tư thục Bé Ngoan",
                                    level="mam_non", ownership="tu_thuc")
    today = clock.today()

    # The officer writes the directive, sees who will receive it, and publishes it.
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/directives/new")
    page.fill("input[name=number]", "88/PGDĐT-CTHSSV")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=body]", "## Yêu cầu\n- **Tập huấn** giáo viên <script>x()</script>")
    expect(page.locator("#preview strong")).to_have_text("Tập huấn")
    page.fill("input[name=issued_on]", today.isoformat())
    page.fill("input[name=deadline]", (today + dt.timedelta(days=7)).isoformat())
    page.check("input[name=audience_kind][value=filter]")
    page.check("input[name=audience_levels][value=mam_non]")
    page.check("input[name=audience_ownerships][value=cong_lap]")
    page.check("input[name=audience_ownerships][value=tu_thuc]")
    expect(page.locator("#audience")).to_contain_text("2 trường sẽ nhận")
    page.click("button[name=action][value=save]")
    expect(page.locator("main")).to_contain_text("Trường Mầm non Tư thục Bé Ngoan")
    expect(page.locator("main")).not_to_contain_text("Trường THCS Nguyễn Du")
    page.click("#publish")
    expect(page.locator(".flash-success")).to_contain_text("Đã ban hành văn bản 88/PGDĐT-CTHSSV")
    directive_url = page.url
    sign_out(page)

    # The preschool principal sees it and acknowledges it without a page reload.
    sign_in(page, district.principal.username, PASSWORD)
    expect(page.locator("#directive-unread")).to_have_text("1")
    page.click("header >> text=Văn bản chỉ đạo")
    page.click(f"text={TITLE}")
    mark_window(page)
    page.fill("#note", "Đã phổ biến đến toàn thể giáo viên")
    page.click("#acknowledge")
    expect(page.locator("#ack-panel")).to_contain_text("Đã xác nhận")
    expect(page.locator("#directive-unread")).to_have_count(0)
    assert window_marker(page) == "still-here"
    sign_out(page)

    # A lower-secondary principal does not see it.
    sign_in(page, district.other_principal.username, PASSWORD)
    page.goto("/directives/")
    expect(page.locator("main")).not_to_contain_text(TITLE)
    # Asked for directly (same session cookies as the page): 404, as if it did not exist.
    assert page.context.request.get(directive_url).status == 404
    sign_out(page)

    # The officer's tracking shows the acknowledgement, and exports it.
    sign_in(page, district.officer.username, PASSWORD)
    page.goto(directive_url + "/tracking")
    row = page.locator("tr[data-school=MN-HOASEN]")
    expect(row).to_contain_text("Đã xác nhận")
    expect(row).to_contain_text(district.principal.full_name)
    expect(page.locator(f"tr[data-school={private_preschool.code}]")).to_contain_text("Chưa đọc")
    expect(page.locator("#count-acknowledged")).to_have_text("1")
    with page.expect_download() as download:
        page.click("#export-csv")
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        content = exported.read()
    assert "Trường Mầm non Hoa Sen" in content and "Đã xác nhận" in content
    assert "Đã phổ biến đến toàn thể giáo viên" in content


def test_remind_overdue_schools_after_confirming_once_only(page, district):
    """The officer asks to remind every overdue school: a confirmation saying how many opens in
    place; confirming reminds them; the row says when and to whom; asking again offers nothing
    to send."""
    today = clock.today()
    directive = operations.publish(district.officer, operations.create_draft(district.officer, {
        "number": "99/PGDĐT-CTHSSV", "title": TITLE, "body": "Triển khai.",
        "issued_on": today - dt.timedelta(days=8), "deadline": today - dt.timedelta(days=1),
        "response_kind": "ack", "audience_kind": "all"}))
    sign_in(page, district.officer.username, PASSWORD)
    page.goto(f"/directives/{directive.id}/tracking")
    mark_window(page)
    page.click("#remind-overdue")
    expect(page.locator("#remind-confirm")).to_contain_text("2 trường quá hạn sẽ được nhắc")
    assert window_marker(page) == "still-here"
    page.click("#remind-confirm-button")
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi nhắc việc đến 2 trường.")
    row = page.locator("tr[data-school=THCS-NGUYENDU]")
    expect(row.locator(".last-reminder")).to_contain_text(district.other_principal.full_name)
    page.click("#remind-overdue")
    expect(page.locator("#remind-confirm")).to_contain_text(
        "Không có trường quá hạn nào cần nhắc lúc này.")
    expect(page.locator("#remind-confirm-button")).to_have_count(0)
