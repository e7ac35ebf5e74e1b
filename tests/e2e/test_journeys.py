"""Journeys across features: a principal and a teacher without JavaScript, the notification bell,
an admin importing schools from XLSX, and an officer switching the roster rule set."""

import datetime as dt
import io
import re

import openpyxl
from playwright.sync_api import expect

from district import clock
from district.directives import operations as directives
from district.models import School
from tests.conftest import PASSWORD
from tests.e2e.conftest import mark_window, sign_in, window_marker

HEADERS = ["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Xã/phường"]


def publish_directive(district, title):
    today = clock.today()
    data = {
        "number": "77/PGDĐT-CTHSSV",
        "title": title,
        "body": "Các trường **triển khai** ngay.",
        "signer": "Nguyễn Văn Trưởng",
        "issued_on": today - dt.timedelta(days=1),
        "deadline": today + dt.timedelta(days=7),
        "response_kind": "ack",
        "audience_kind": "all",
    }
    directive = directives.create_draft(district.officer, data)
    return directives.publish(district.officer, directive)


def sign_out(page):
    page.click("details.dropdown summary")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))


def xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_without_javascript_acknowledge_and_report(browser, live_server, district):
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", java_script_enabled=False)
    context.set_default_timeout(10000)
    page = context.new_page()
    try:
        title = "Về việc rà soát an toàn trường học không cần JavaScript"
        directive = publish_directive(district, title)

        sign_in(page, district.principal.username, PASSWORD)
        page.goto(f"/directives/{directive.id}")
        expect(page.locator("h1")).to_have_text(title)
        page.fill("#note", "Đã triển khai")
        page.click("#acknowledge")
        expect(page).to_have_url(re.compile(rf"/directives/{directive.id}$"))
        expect(page.locator("#ack-panel .acknowledged")).to_contain_text("Đã xác nhận")
        expect(page.locator("#acknowledge")).to_have_count(0)
        sign_out(page)

        sign_in(page, district.staff.username, PASSWORD)
        page.goto("/incidents/new")
        page.fill("input[name=occurred_at]", "2026-11-20T09:30")
        page.select_option("select[name=place]", "school_yard")
        page.select_option("select[name=category]", "bullying")
        page.select_option("select[name=caused_by]", "student")
        page.select_option("select[name=severity]", "medium")
        page.fill("input[name=summary]", "Một học sinh bị xô ngã ở sân trường")
        page.fill("textarea[name=description]", "Giờ ra chơi, em bị bạn xô ngã.")
        page.fill("input[name='students-0-full_name']", "Nguyễn Gia Bảo")
        page.select_option("select[name='students-0-role']", "affected")
        page.click("#report-form button[name=submit]")
        expect(page.locator("h1")).to_contain_text("Đã tiếp nhận báo cáo VV-")
        expect(page.locator(".duty a[href='tel:111']")).to_contain_text("111")
    finally:
        context.close()


def test_notification_bell_counts_and_clears(page, district):
    sign_in(page, district.principal.username, PASSWORD)
    expect(page.locator("#bell")).to_be_visible()
    expect(page.locator("#bell-count")).to_have_count(0)

    publish_directive(district, "Về việc bảo đảm an toàn cho học sinh dịp lễ")
    page.goto("/")
    expect(page.locator("#bell-count")).to_have_text("1")

    page.click("#bell")
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator("#notifications li.unread")).to_have_count(1)
    page.click("main form[action$='/read-all'] button, main form button:has-text('Đánh dấu')")
    expect(page.locator("#notifications li.unread")).to_have_count(0)
    expect(page.locator("#bell-count")).to_have_count(0)


def test_admin_imports_schools_from_xlsx(browser, live_server, district, tmp_path):
    # Own context: the rejected file answers 422 by design, which Chromium logs as a console
    # error that the `page` fixture would count against the test.
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        import_and_search(page, district, tmp_path)
    finally:
        context.close()
    assert not errors, errors


def import_and_search(page, district, tmp_path):
    before = School.select().count()
    bad = tmp_path / "truong-loi.xlsx"
    bad.write_bytes(xlsx([
        ["TH-ANPHU", "Trường Tiểu học An Phú", "Tiểu học", "Công lập", "Xã An Phú"],
        ["TH-BINHAN", "Trường Tiểu học Bình An", "Đại học", "Công lập", "Xã Bình An"],
    ]))
    good = tmp_path / "truong.xlsx"
    good.write_bytes(xlsx([
        ["TH-ANPHU", "Trường Tiểu học An Phú", "Tiểu học", "Công lập", "Xã An Phú"],
    ]))

    sign_in(page, district.admin.username, PASSWORD)
    page.goto("/admin/schools/import")
    page.set_input_files("input[name=file]", str(bad))
    page.click("main form button[type=submit]")
    problem = page.locator("#import-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("Cấp học")
    assert School.select().count() == before

    page.set_input_files("input[name=file]", str(good))
    page.click("main form button[type=submit]")
    expect(page.locator("#import-problems")).to_have_count(0)

    page.goto("/admin/schools")
    mark_window(page)
    page.fill("input[name=q]", "truong tieu hoc an phu")
    results = page.locator("#results")
    expect(results).to_contain_text("Trường Tiểu học An Phú")
    expect(results).not_to_contain_text("Trường Mầm non Hoa Sen")
    assert window_marker(page) == "still-here"


def test_officer_switches_roster_rule_set(page, district):
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/rosters/rules")
    expect(page.locator("#in-force")).to_have_text("Thông tư 18/2025/TT-BGDĐT")
    page.select_option("select[name=rule_set]", "tt31-2017")
    page.click("main form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Đã áp dụng Thông tư 31/2017/TT-BGDĐT")
    expect(page.locator("#in-force")).to_have_text("Thông tư 31/2017/TT-BGDĐT")
    expect(page.locator("#rules-tt31-2017 header")).to_contain_text("đang áp dụng")
