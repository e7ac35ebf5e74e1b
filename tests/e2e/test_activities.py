"""Issue 12 in a browser, at a phone's size and a desktop's: a principal records a quán triệt
with its signed attendance sheet (a refusal first: focus on the field, nothing typed lost, no
reload); an officer records a counseling training and the roster shows the member trained by
it; the officer narrows the coverage in place and exports it."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from district import clock
from district.activities import operations, years
from district.directives import operations as directive_operations
from district.rosters import operations as roster_operations
from tests.activities.conftest import PDF, values
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker
from tests.rosters.conftest import complete_members, member

SIZES = pytest.mark.parametrize("size", [walk.PHONE, walk.DESKTOP], ids=["phone", "desktop"])


def _directive(district):
    today = clock.today()
    directive = directive_operations.create_draft(district.officer, {
        "number": "1256/PGDĐT-CTHSSV", "signer": "Trần Văn Minh", "body": "Quán triệt.",
        "title": "Về việc tăng cường phòng, chống bạo lực, xâm hại học sinh",
        "issued_on": today - dt.timedelta(days=10), "deadline": today + dt.timedelta(days=5),
        "response_kind": "ack", "audience_kind": "all"})
    return directive_operations.publish(district.officer, directive)


@SIZES
def test_a_principal_records_a_quan_triet_with_its_signed_sheet(answers_4xx, app, district,
                                                                size, tmp_path):
    page = answers_4xx
    directive = _directive(district)
    with app.app_context():
        operations.set_staff_counts(district.principal, district.preschool, years.current(),
                                    {"managers": 3, "teachers": 20, "employees": 5})
    sheet = tmp_path / "danh-sach-ky-ten.pdf"
    sheet.write_bytes(PDF)
    page.set_viewport_size(size)
    sign_in(page, district.principal.username, PASSWORD)
    page.goto("/activities/")
    page.click("#new-activity")
    expect(page.locator("h1")).to_have_text("Ghi hoạt động tuyên truyền, tập huấn")
    day = clock.today() - dt.timedelta(days=1)
    page.select_option("#kind", "quan_triet")
    page.fill("#held_on", day.isoformat())
    page.fill("#title", "Quán triệt Công văn 1256 cho toàn thể cán bộ, giáo viên")
    page.fill("#hours", "2,5")
    page.check(f"input[name=directive_ids][value='{directive.id}']")
    page.check(f"input[name=attendee_ids][value='{district.staff.id}']")
    page.fill("#managers", "3")
    page.fill("#teachers", "25")  # more than the school's 20
    page.fill("#employees", "4")
    mark_window(page)
    page.click("#activity-form button[type=submit]")
    error = page.locator("#teachers-error")
    expect(error).to_contain_text("Vượt số giáo viên")
    expect(page.locator("#teachers")).to_be_focused()
    expect(page.locator("#title")).to_have_value(
        "Quán triệt Công văn 1256 cho toàn thể cán bộ, giáo viên")
    expect(page.locator(f"input[name=directive_ids][value='{directive.id}']")).to_be_checked()
    assert window_marker(page) == "still-here"
    assert walk.check_page(page, sizes=(size,)) == []

    page.fill("#teachers", "18")
    page.set_input_files("#attendance", str(sheet))
    page.click("#activity-form button[type=submit]")
    expect(page.locator("h1")).to_have_text(
        "Quán triệt Công văn 1256 cho toàn thể cán bộ, giáo viên")
    expect(page.locator("#staff-share")).to_have_text("89%")  # 25 of 28
    expect(page.locator("#activity-facts")).to_contain_text("1256/PGDĐT-CTHSSV")
    expect(page.locator("#activity-files")).to_contain_text("danh-sach-ky-ten.pdf")
    expect(page.locator("#history")).to_contain_text("Phiên bản 1")
    assert walk.check_page(page, sizes=(size,)) == []
    with page.expect_download() as download:
        page.click("#activity-files a")
    assert Path(download.value.path()).read_bytes() == PDF

    page.goto("/activities/")
    expect(page.locator("#briefed-share")).to_have_text("89%")
    assert walk.check_page(page, sizes=(size,)) == []


@SIZES
def test_the_roster_shows_a_member_trained_by_an_office_training(page, browser, live_server,
                                                                 district, size):
    members = complete_members("thcs") + [member("Hoàng Văn Sơn", "thanh_vien", "counselor",
                                                 trained=False, position="Giáo viên Toán")]
    roster_operations.save_version(district.other_principal, district.secondary, members)
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/activities/")
    page.click("#new-training")
    page.fill("#held_on", (clock.today() - dt.timedelta(days=3)).isoformat())
    page.fill("#title", "Tập huấn kỹ năng tư vấn tâm lý học đường cho tổ tư vấn")
    page.check("#counseling")
    page.fill("#attendee_lines", "THCS-NGUYENDU, Hoàng Văn Sơn\nTHCS-NGUYENDU, Bùi Thị Hạnh")
    page.fill("#teachers", "2")
    page.click("#activity-form button[type=submit]")
    expect(page.locator("h1")).to_have_text(
        "Tập huấn kỹ năng tư vấn tâm lý học đường cho tổ tư vấn")
    expect(page.locator(".attendees")).to_contain_text("Hoàng Văn Sơn")
    expect(page.locator(".attendees .state-ok")).to_have_count(1)  # Sơn is on the roster
    assert walk.check_page(page, sizes=(size,)) == []

    principal = browser.new_context(base_url=live_server, locale="vi-VN",
                                    viewport=size).new_page()
    try:
        sign_in(principal, district.other_principal.username, PASSWORD)
        principal.goto("/rosters/")
        row = principal.locator("#members tr", has_text="Hoàng Văn Sơn")
        expect(row.locator(".member-trained")).to_contain_text("Có")
        expect(row.locator(".office-training")).to_contain_text(
            "Tập huấn kỹ năng tư vấn tâm lý học đường cho tổ tư vấn")
        expect(row.locator(".office-training")).to_contain_text(
            (clock.today() - dt.timedelta(days=3)).strftime("%d/%m/%Y"))
        expect(principal.locator("#roster-training")).to_contain_text("3/3 đã tập huấn")
        expect(principal.locator("#roster-state")).to_have_text("Đầy đủ")
        assert walk.check_page(principal, sizes=(size,)) == []
        # The link leads to the training, which the school may read (its own people only).
        row.locator(".office-training a").click()
        expect(principal.locator("h1")).to_have_text(
            "Tập huấn kỹ năng tư vấn tâm lý học đường cho tổ tư vấn")
    finally:
        principal.context.close()


@SIZES
def test_the_officer_narrows_the_coverage_in_place_and_exports_it(page, app, district, size):
    directive = _directive(district)
    with app.app_context():
        operations.record_activity(district.principal, district.preschool, values(
            title="Quán triệt ở Hoa Sen"), [directive.id], [], {})
        operations.record_activity(district.other_principal, district.secondary, values(
            kind="hop_cmhs", title="Họp cha mẹ", parents=200), [], [], {})
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/activities/")
    expect(page.locator("#schools-held")).to_have_text("2/2")
    assert walk.check_page(page, sizes=(size,)) == []
    mark_window(page)
    kind = page.locator("form.filters select[name=kind]")
    if not kind.is_visible():  # a phone: the filters fold behind "Lọc"
        page.locator("details.filter-fold > summary").click()
    with page.expect_response(lambda r: "/activities/?" in r.url):
        kind.select_option("quan_triet")
    with page.expect_response(lambda r: "state=none" in r.url):
        page.locator("form.filters select[name=state]").select_option("none")
    expect(page.locator(f"#school-{district.secondary.id}")).to_be_visible()
    expect(page.locator(f"#school-{district.preschool.id}")).to_have_count(0)
    expect(page.locator("#schools-none")).to_have_text("1")
    assert window_marker(page) == "still-here"
    assert walk.check_page(page, sizes=(size,)) == []

    with page.expect_download() as download:
        page.click("#export-xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
                .active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã trường", "Tên trường")
    assert [r[0] for r in rows[1:]] == ["THCS-NGUYENDU"]  # as filtered on the page
