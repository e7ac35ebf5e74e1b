"""A teacher finds her e-mail settings from the account menu, on a phone and a desktop, gives her
address and asks for each notification at once; a mistyped address is shown back with its
message; the admin reads the outbox."""

import pytest
from playwright.sync_api import expect

from district.models import User
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import sign_in

SIZES = [{"width": 390, "height": 844}, {"width": 1366, "height": 768}]


def open_account_menu(page, full_name):
    menu = page.locator("details.site-menu > summary")
    if menu.is_visible():  # a phone: the header's menu is folded
        menu.click()
    page.locator("details.user-menu > summary", has_text=full_name).click()
    page.get_by_role("link", name="Tài khoản và thư điện tử").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_teacher_chooses_email_at_once(answers_4xx, district, size):
    page = answers_4xx
    page.set_viewport_size(size)
    sign_in(page, district.staff.username, PASSWORD)
    open_account_menu(page, district.staff.full_name)
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_label("Gửi một thư tóm tắt mỗi ngày")).to_be_checked()  # her default
    assert walk.axe_violations(page) == []
    assert not walk.overflow(page)
    page.get_by_label("Địa chỉ thư điện tử").fill("mai@songxanh")
    page.get_by_label("Gửi thư ngay khi có thông báo").check()
    page.get_by_role("button", name="Lưu").click()
    field = page.get_by_label("Địa chỉ thư điện tử")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email-error")).to_contain_text("Địa chỉ thư điện tử không hợp lệ")
    expect(page.get_by_label("Gửi thư ngay khi có thông báo")).to_be_checked()  # kept
    field.fill("mai.lt@songxanh.edu.vn")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu cách nhận thư điện tử.")
    user = User.get_by_id(district.staff.id)
    assert (user.email, user.email_choice) == ("mai.lt@songxanh.edu.vn", "now")
    assert not walk.overflow(page)


def test_the_admin_reads_the_outbox(page, district):
    page.set_viewport_size(SIZES[0])
    sign_in(page, district.admin.username, PASSWORD)
    page.goto("/admin/outbox")
    expect(page.get_by_role("heading", name="Thư điện tử gửi đi")).to_be_visible()
    assert walk.axe_violations(page) == []
    assert not walk.overflow(page)
