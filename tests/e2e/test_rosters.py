"""A principal downloads the template, fills it, uploads it, sees the preview with one warning,
confirms, edits one member in place with HTMX (no page reload), and the officer sees the
school's state change on the coverage page."""

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import mark_window, sign_in, window_marker
from tests.rosters.files import ROWS, fill_template


def test_principal_uploads_confirms_and_edits_officer_sees_it(page, browser, live_server,
                                                              district, tmp_path):
    officer = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
    sign_in(officer, "chuyenvien1", PASSWORD)
    officer.goto("/rosters/")
    row = officer.locator(f"#school-{district.preschool.id}")
    expect(row).to_contain_text("Chưa có")

    sign_in(page, district.principal.username, PASSWORD)
    page.goto("/rosters/")
    expect(page.locator("#roster-state")).to_have_text("Chưa có")
    with page.expect_download() as download:
        page.click("#template-link")
    template = Path(download.value.path()).read_bytes()

    rows = [list(r) for r in ROWS]
    rows[1][7], rows[1][8] = "Không", ""  # the counselor is not trained yet: one warning
    filled = tmp_path / "to-tu-van-hoa-sen.xlsx"
    filled.write_bytes(fill_template(template, rows))

    page.click("#upload-link")
    page.set_input_files("input[name=file]", str(filled))
    page.click("#preview-upload")
    expect(page.locator("#preview-state")).to_have_text("Đầy đủ, có lưu ý")
    warnings = page.locator(".issues-warning li")
    expect(warnings).to_have_count(1)
    expect(warnings).to_contain_text("Nguyễn Thị Ngọc Ánh chưa được tập huấn")
    expect(page.locator("#preview")).to_contain_text("Phạm Quốc Dũng")

    page.click("#confirm-upload")
    expect(page.locator("#roster-state")).to_have_text("Đầy đủ, có lưu ý")
    expect(page.locator("#roster-version")).to_have_text("Phiên bản 1")
    expect(page.locator("#members tr")).to_have_count(4)

    officer.reload()
    expect(row.locator(".state")).to_have_text("Đầy đủ, có lưu ý")

    mark_window(page)
    member_row = page.locator("#members tr", has_text="Nguyễn Thị Ngọc Ánh")
    member_row.locator(".edit-member").click()
    form = page.locator("tr.member-form-row form")
    expect(form.locator("input[name=full_name]")).to_have_value("Nguyễn Thị Ngọc Ánh")
    form.locator("input[name=trained]").check()
    form.locator("input[name=trained_on]").fill("2026-03-10")
    form.locator("button.save-member").click()
    expect(page.locator("#roster-state")).to_have_text("Đầy đủ")
    expect(page.locator("#roster-version")).to_have_text("Phiên bản 2")
    expect(page.locator("#members tr", has_text="Nguyễn Thị Ngọc Ánh")).to_contain_text(
        "10/03/2026")
    expect(page.locator("#roster-history")).to_contain_text("Sửa: Nguyễn Thị Ngọc Ánh")
    assert window_marker(page) == "still-here"

    officer.reload()
    expect(row.locator(".state")).to_have_text("Đầy đủ")
    expect(officer.locator("#coverage-rate")).to_have_text("1/2")
    officer.context.close()


def test_principal_adds_and_removes_a_member_in_place(page, district):
    from district.rosters import operations
    from tests.rosters.conftest import complete_members

    operations.save_version(district.principal, district.preschool,
                          complete_members("mam_non"))
    sign_in(page, district.principal.username, PASSWORD)
    page.goto("/rosters/")
    expect(page.locator("#members tr")).to_have_count(4)
    mark_window(page)

    page.click("#add-member")
    form = page.locator("tr.member-form-row form")
    form.locator("input[name=full_name]").fill("Đặng Thị Thu")
    form.locator("input[name=position]").fill("Giáo viên lớp Lá 2")
    form.locator("select[name=member_group]").select_option("counselor")
    form.locator("button.save-member").click()
    expect(page.locator("#roster-version")).to_have_text("Phiên bản 2")
    expect(page.locator("#members tr")).to_have_count(5)
    expect(page.locator("#roster-history")).to_contain_text("Thêm: Đặng Thị Thu")

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#members tr", has_text="Lê Thị Hoa").locator("button", has_text="Bỏ").click()
    expect(page.locator("#roster-version")).to_have_text("Phiên bản 3")
    expect(page.locator("#members tr")).to_have_count(4)
    expect(page.locator("#roster-state")).to_have_text("Đầy đủ, có lưu ý")
    expect(page.locator("#roster-check")).to_contain_text("Nhân viên y tế")
    assert window_marker(page) == "still-here"


def test_principal_downloads_the_current_roster_and_uploads_it_again(page, district, tmp_path):
    from district.rosters import operations
    from tests.rosters.conftest import complete_members

    operations.save_version(district.principal, district.preschool,
                            complete_members("mam_non"))
    sign_in(page, district.principal.username, PASSWORD)
    page.goto("/rosters/")
    with page.expect_download() as download:
        page.click("#current-link")
    current = tmp_path / "to-tu-van-hien-hanh.xlsx"
    current.write_bytes(Path(download.value.path()).read_bytes())

    page.click("#upload-link")
    page.set_input_files("input[name=file]", str(current))
    page.click("#preview-upload")
    changes = page.locator("#preview-changes")
    expect(changes).to_contain_text("thay thế toàn bộ danh sách hiện hành (phiên bản 1, 4 thành "
                                    "viên)")
    expect(changes).to_contain_text("Không thay đổi thành viên.")
    expect(page.locator("#confirm-upload")).to_contain_text("thay danh sách hiện hành")
    page.click("#confirm-upload")
    expect(page.locator("#roster-version")).to_have_text("Phiên bản 2")
    expect(page.locator("#roster-history")).to_contain_text("Không thay đổi thành viên.")
