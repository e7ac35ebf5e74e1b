"""A principal signs in, sees the hotline, switches language, signs out; an admin creates an
account and its new user must change the password, and filters the audit log in place."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import mark_window, sign_in, window_marker, without_replaced_requests


def test_principal_sees_hotline_switches_language_and_signs_out(page, district):
    sign_in(page, district.principal.username, PASSWORD)
    expect(page.locator("h1")).to_have_text(district.preschool.name)
    hotline = page.locator("a[href='tel:111']").first
    expect(hotline).to_be_visible()
    expect(page.locator(".hotline")).to_contain_text("Tổng đài quốc gia bảo vệ trẻ em")

    page.click("button[name=locale][value=en]")
    expect(page.locator(".hotline")).to_contain_text("National child protection hotline")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The choice is kept in the account: a new sign-in comes back in English.
    page.click("details.dropdown summary")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, district.principal.username, PASSWORD)
    expect(page.locator(".hotline")).to_contain_text("National child protection hotline")
    page.click("details.dropdown summary")
    page.click("#logout")
    expect(page.locator("h1")).to_have_text(re.compile("Sign in|Đăng nhập"))


def test_admin_creates_account_and_new_user_must_change_password(page, district):
    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/users/new")
    page.fill("input[name=username]", "gv3.mn-hoasen")
    page.fill("input[name=full_name]", "Phan Thị Ngọc Ánh")
    page.select_option("select[name=role]", "staff")
    page.fill("#school_q", "hoa sen")  # the school is searched for, never listed whole
    page.locator("#school-matches").get_by_label("Trường Mầm non Hoa Sen").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#new-username")).to_have_text("gv3.mn-hoasen")
    temporary = page.locator("#temporary-password").inner_text()
    page.click("details.dropdown summary")
    page.click("#logout")

    sign_in(page, "gv3.mn-hoasen", temporary)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.goto("/")  # any other page sends the user back to the change form
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.fill("input[name=current]", temporary)
    page.fill("input[name=new]", "MatKhauMoi2026")
    page.fill("input[name=confirm]", "MatKhauMoi2026")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text(district.preschool.name)


def test_admin_filters_the_audit_log_in_place(page, district):
    """The filter bar updates the table and the address without reloading the page."""
    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/audit")
    expect(page.locator("#results")).to_contain_text("đã đăng nhập lúc")
    mark_window(page)
    page.select_option("select[name=action]", "directive.withdraw")
    expect(page.locator("#results")).to_contain_text("Không có mục nào khớp.")
    expect(page).to_have_url(re.compile(r"action=directive\.withdraw"))
    assert window_marker(page) == "still-here"


def test_only_a_search_replaced_on_purpose_is_forgiven_among_browser_errors():
    replaced = ["htmx:afterRequest, [object HTMLDivElement]",
                "htmx:sendAbort, [object HTMLDivElement]"]
    failed = ["htmx:afterRequest, [object HTMLDivElement]",
              "htmx:responseError, [object HTMLDivElement]"]
    assert without_replaced_requests(replaced) == []
    assert without_replaced_requests(failed) == failed
    assert without_replaced_requests(["TypeError: x is undefined", *replaced]) == [
        "TypeError: x is undefined"]
    assert without_replaced_requests(["htmx:sendAbort, [object HTMLDivElement]"]) == [
        "htmx:sendAbort, [object HTMLDivElement]"]
