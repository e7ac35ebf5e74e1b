"""Issue 14 in the browser, at a phone's width and a desktop's: an officer records an
acknowledgement a school gave by phone, marked as such, and the principal confirms it; an
officer returns a school's report with a comment, the school sends a new one, the officer
accepts it. Every step in place (no page reload), the pages no wider than the window and
axe-core clean."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from district import clock
from district.directives import operations as directives
from district.models import Recipient
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker

SIZES = [walk.PHONE, walk.DESKTOP]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def publish(district, **fields):
    today = clock.today()
    data = {"number": "45/PGDĐT-CTHSSV", "title": "Về việc báo cáo công tác tư vấn tâm lý",
            "body": "Các trường gửi báo cáo.", "signer": "Nguyễn Văn Trưởng",
            "issued_on": today - dt.timedelta(days=3), "deadline": today + dt.timedelta(days=7),
            "response_kind": "report", "audience_kind": "all", **fields}
    return directives.publish(district.officer, directives.create_draft(district.officer, data))


def receipt(directive, school):
    return Recipient.get((Recipient.directive == directive.id) & (Recipient.school == school.id))


def clean(page):
    assert walk.check_page(page, sizes=(page.viewport_size,)) == []


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_an_officer_acknowledges_for_a_school_and_the_principal_confirms(answers_4xx,
                                                                         district, size):
    page = answers_4xx  # the refused form answers 422, by design
    directive = publish(district)
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto(f"/directives/{directive.id}/tracking")
    page.get_by_role("link", name=district.preschool.name).click()
    expect(page.locator("h1")).to_have_text(district.preschool.name)
    clean(page)
    mark_window(page)
    page.check("input[name=channel][value=phone]")
    page.click("#proxy-acknowledge")  # no reason: refused, nothing lost
    expect(page.locator("#receipt-panel .flash-error")).to_contain_text("Hãy ghi lý do")
    expect(page.locator("input[name=channel][value=phone]")).to_be_checked()
    page.fill("textarea[name=reason]", "Cô Lan xác nhận qua điện thoại lúc 9 giờ")
    page.click("#proxy-acknowledge")
    panel = page.locator("#receipt-panel")
    expect(panel.locator(".flash-success")).to_contain_text("Đã ghi nhận xác nhận thay")
    expect(panel).to_contain_text("Phòng xác nhận thay")
    expect(panel).to_contain_text("trường chưa xác nhận lại")
    assert window_marker(page) == "still-here"
    clean(page)
    assert receipt(directive, district.preschool).ack_proxy

    page.context.clear_cookies()
    sign_in(page, district.principal.username, PASSWORD)
    page.goto(f"/directives/{directive.id}")
    expect(page.locator("#proxy-ack")).to_contain_text("Phòng xác nhận thay")
    expect(page.locator("#proxy-ack")).to_contain_text("Cô Lan xác nhận qua điện thoại")
    clean(page)
    mark_window(page)
    page.click("#confirm-proxy")
    expect(page.locator("#ack-panel .proxy-confirmed")).to_contain_text(
        "Nhà trường đã xác nhận lại")
    assert window_marker(page) == "still-here"
    clean(page)
    assert receipt(directive, district.preschool).proxy_confirmed_at is not None


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_an_officer_returns_a_report_the_school_sends_again_and_it_is_accepted(
        answers_4xx, district, tmp_path, size):
    page = answers_4xx  # the refused form answers 422, by design
    directive = publish(district)
    first = tmp_path / "bao-cao.pdf"
    first.write_bytes(PDF)
    page.set_viewport_size(size)
    sign_in(page, district.principal.username, PASSWORD)
    page.goto(f"/directives/{directive.id}")
    page.set_input_files("#report", str(first))
    page.click("#acknowledge")
    expect(page.locator("#response-school")).to_contain_text("Đã gửi, chờ xem xét")

    page.context.clear_cookies()
    sign_in(page, district.officer.username, PASSWORD)
    page.goto(f"/directives/{directive.id}/tracking?response=waiting")
    row = page.locator(f"tr[data-school='{district.preschool.code}']")
    expect(row).to_contain_text("Đã gửi, chờ xem xét")
    row.get_by_role("link", name="Đã gửi, chờ xem xét").click()
    clean(page)
    mark_window(page)
    page.click("#return-response")  # no comment: refused
    expect(page.locator("#receipt-panel .flash-error")).to_contain_text("Hãy ghi rõ")
    page.fill("textarea[name=comment]", "Thiếu số liệu tập huấn học kỳ I.")
    page.click("#return-response")
    panel = page.locator("#receipt-panel")
    expect(panel.locator("[data-response=returned]")).to_have_text("Bị trả lại")
    expect(panel.locator(".response-history")).to_contain_text(
        "Thiếu số liệu tập huấn học kỳ I.")
    assert window_marker(page) == "still-here"
    clean(page)

    page.context.clear_cookies()
    sign_in(page, district.principal.username, PASSWORD)
    page.goto(f"/directives/{directive.id}")
    expect(page.locator("#returned-comment")).to_contain_text("Thiếu số liệu tập huấn học kỳ I.")
    clean(page)
    second = tmp_path / "bao-cao-bo-sung.pdf"
    second.write_bytes(PDF)
    mark_window(page)
    page.set_input_files("#respond-report", str(second))
    page.fill("#respond-note", "Đã bổ sung số liệu.")
    page.click("#respond")
    expect(page.locator("#ack-panel .flash-success")).to_contain_text("Đã gửi phản hồi")
    expect(page.locator("#response-school")).to_contain_text("Đã gửi lại, chờ xem xét")
    assert window_marker(page) == "still-here"
    clean(page)

    page.context.clear_cookies()
    sign_in(page, district.officer.username, PASSWORD)
    page.goto(f"/directives/{directive.id}/schools/{district.preschool.id}")
    expect(page.locator("#receipt-panel")).to_contain_text("bao-cao-bo-sung.pdf")
    mark_window(page)
    page.click("#accept-response")
    expect(page.locator("#receipt-panel [data-response=accepted]")).to_have_text("Đã chấp nhận")
    assert window_marker(page) == "still-here"
    clean(page)
    assert receipt(directive, district.preschool).response_state == "accepted"
