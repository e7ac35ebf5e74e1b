"""An officer sends a directive to chosen schools: only the controls of the chosen kind of
audience are shown; the school is searched for without accents, narrowed by level, "select all
shown" makes chips, a chip is removed, the counts agree, and the published directive reaches
exactly those schools. With 3,000 schools, "select all N matching" keeps the page light. Without
JavaScript the chooser still searches and posts. Each at a phone's width and a desktop's, the
page no wider than the window and axe-core clean."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from district import clock
from district.admin.values import school_values
from district.models import Directive, Recipient, School
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker

TAN_PHU = [f"Trường Tiểu học Tân Phú {n}" for n in range(1, 7)]


@pytest.fixture
def schools(district, make_school):
    """Six primary schools of Tân Phú, a lower-secondary one of the same name, and others."""
    made = {name: make_school(name=name, commune="Xã Tân Phú") for name in TAN_PHU}
    make_school(name="Trường THCS Tân Phú", level="thcs", commune="Xã Tân Phú")
    make_school(name="Trường Tiểu học Hòa Bình", commune="Xã Hòa Bình")
    return made


def fill_directive(page, number):
    today = clock.today()
    page.goto("/directives/new")
    page.fill("input[name=number]", number)
    page.fill("input[name=title]", "Về việc tổ chức tuần lễ an toàn trường học")
    page.fill("input[name=issued_on]", today.isoformat())
    page.fill("input[name=deadline]", (today + dt.timedelta(days=7)).isoformat())


def assert_fits_and_axe_clean(page, size):
    assert walk.check_page(page, sizes=(size,)) == []


def chips(page):
    return page.locator("#chooser-chosen li.chip")


@pytest.mark.parametrize("size", [walk.DESKTOP, walk.PHONE], ids=["desktop", "phone"])
def test_officer_searches_selects_all_shown_removes_a_chip_and_publishes(page, district,
                                                                         schools, size):
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    fill_directive(page, "31/PGDĐT-CTHSSV")
    levels = page.locator("input[name=audience_levels][value=mam_non]")
    search = page.locator("input[name=school_q]")

    # Only the controls of the chosen kind of audience are shown.
    expect(levels).to_be_hidden()
    expect(search).to_be_hidden()
    page.check("input[name=audience_kind][value=filter]")
    expect(levels).to_be_visible()
    expect(search).to_be_hidden()
    page.check("input[name=audience_kind][value=list]")
    expect(levels).to_be_hidden()
    expect(search).to_be_visible()
    expect(page.locator("#chooser-chosen")).to_contain_text("Đã chọn 0 trường")
    mark_window(page)
    # Enter in a field of the form searches (the chooser's "Tìm"), never saves a half-written
    # directive by accident.
    with page.expect_response(lambda r: "/directives/schools?" in r.url):
        page.press("input[name=title]", "Enter")
    expect(page.locator("#chooser-results")).to_contain_text("10 trường khớp")
    assert Directive.select().count() == 0 and window_marker(page) == "still-here"

    # Searched without accents, then narrowed to primary schools: the six of Tân Phú.
    search.fill("tan phu")
    results = page.locator("#chooser-results")
    expect(results).to_contain_text("7 trường khớp")
    page.select_option("select[name=school_level]", "tieu_hoc")
    expect(results).to_contain_text("6 trường khớp")
    expect(results.locator("[data-chooser-pick]")).to_have_count(6)
    expect(results).not_to_contain_text("Trường THCS Tân Phú")
    expect(results).not_to_contain_text("Hòa Bình")

    page.get_by_role("button", name="Chọn tất cả trường đang hiển thị").click()
    expect(chips(page)).to_have_count(6)
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 6 trường")
    expect(page.locator("#audience")).to_contain_text("6 trường sẽ nhận văn bản này")
    assert_fits_and_axe_clean(page, size)

    # A chip removed (clicked: it goes): its school is unticked below, both counts say five.
    page.get_by_role("checkbox", name="Trường Tiểu học Tân Phú 3", exact=True).click()
    expect(chips(page)).to_have_count(5)
    expect(page.locator("#chooser-chosen")).not_to_contain_text("Tân Phú 3")
    expect(results.locator(f"[data-chooser-pick][value='{schools[TAN_PHU[2]].id}']")
           ).not_to_be_checked()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 5 trường")
    expect(page.locator("#audience")).to_contain_text("5 trường sẽ nhận văn bản này")
    # Focus stayed in the chips (the next one), not lost to the page.
    assert page.evaluate("document.activeElement.closest('#chooser-chosen') !== null")

    # A school ticked in another search joins the chips; the searches never reloaded the page.
    search.fill("hoa binh")
    page.select_option("select[name=school_level]", "")
    expect(results).to_contain_text("1 trường khớp")
    results.get_by_role("checkbox", name="Trường Tiểu học Hòa Bình").check()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 6 trường")
    results.get_by_role("checkbox", name="Trường Tiểu học Hòa Bình").uncheck()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 5 trường")
    expect(page.locator("#audience")).to_contain_text("5 trường sẽ nhận văn bản này")
    assert window_marker(page) == "still-here"
    assert_fits_and_axe_clean(page, size)

    page.click("button[name=action][value=save]")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu bản nháp")
    page.click("#publish")
    expect(page.locator(".flash-success")).to_contain_text("Đã ban hành văn bản 31/PGDĐT-CTHSSV")
    directive = Directive.get(Directive.number == "31/PGDĐT-CTHSSV")
    received = {r.school_id for r in Recipient.select().where(Recipient.directive == directive.id)}
    assert received == {schools[name].id for name in TAN_PHU if name != TAN_PHU[2]}


@pytest.mark.parametrize("size", [walk.DESKTOP, walk.PHONE], ids=["desktop", "phone"])
def test_three_thousand_schools_select_all_matching_and_clear(page, district, size):
    rows = [school_values({"code": f"TH-{i:04d}", "name": f"Trường Tiểu học Hòa Bình {i:04d}",
                           "level": "tieu_hoc", "ownership": "cong_lap",
                           "commune": "Xã Hòa Bình"}) for i in range(1, 3001)]
    for start in range(0, len(rows), 500):
        School.insert_many(rows[start:start + 500]).execute()
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    fill_directive(page, "32/PGDĐT-CTHSSV")
    page.check("input[name=audience_kind][value=list]")
    results = page.locator("#chooser-results")
    # The first hundred of 3,002 are listed, and the page says how many more match.
    expect(results.locator("[data-chooser-pick]")).to_have_count(100)
    expect(results).to_contain_text("Còn 2902 trường khớp nữa: hãy thu hẹp tìm kiếm.")
    page.locator("input[name=school_q]").fill("hoa binh")
    expect(results).to_contain_text("3000 trường khớp")

    page.get_by_role("button", name="Chọn tất cả 3000 trường khớp").click()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 3000 trường")
    # Fifty chips, the others counted in one; every result shown is now ticked.
    expect(page.locator("#chooser-chosen [data-chip]")).to_have_count(50)
    expect(page.locator("#chooser-chosen .chip-more")).to_have_text("và 2950 trường khác")
    expect(results.locator("[data-chooser-pick]:checked")).to_have_count(100)
    expect(page.locator("#audience")).to_contain_text("3000 trường sẽ nhận văn bản này")
    assert page.locator("#chooser-chosen").evaluate("e => e.innerHTML.length") < 30_000
    assert_fits_and_axe_clean(page, size)

    # One chip removed, then one school of the "others" unticked in the results.
    page.locator("#chooser-chosen [data-chip]").first.click()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 2999 trường")
    results.locator("[data-chooser-pick]").last.uncheck()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 2998 trường")
    expect(page.locator("#chooser-chosen .chip-more")).to_have_text("và 2949 trường khác")
    expect(page.locator("#audience")).to_contain_text("2998 trường sẽ nhận văn bản này")
    page.click("button[name=action][value=save]")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu bản nháp")
    directive = Directive.get(Directive.number == "32/PGDĐT-CTHSSV")
    assert len(directive.audience_school_ids) == 2998

    # On the draft's form again: "Bỏ chọn tất cả" empties the chips and the count.
    page.goto(f"/directives/{directive.id}/edit")
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 2998 trường")
    page.get_by_role("button", name="Bỏ chọn tất cả").click()
    expect(page.locator("[data-chosen-count]")).to_have_text("Đã chọn 0 trường")
    expect(chips(page)).to_have_count(0)
    expect(page.locator("#audience")).to_contain_text("Chưa có trường nào")
    expect(page.locator("input[name=school_q]")).to_be_focused()


def test_without_javascript_the_chooser_searches_and_posts(browser, live_server, district,
                                                           schools):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=walk.PHONE,
                                  timezone_id="Asia/Ho_Chi_Minh", java_script_enabled=False)
    context.set_default_timeout(10000)
    page = context.new_page()
    try:
        sign_in(page, district.officer.username, PASSWORD)
        fill_directive(page, "33/PGDĐT-CTHSSV")
        # The controls of the chosen kind only, without JavaScript too (CSS :has()).
        expect(page.locator("input[name=school_q]")).to_be_hidden()
        page.check("input[name=audience_kind][value=list]")
        expect(page.locator("input[name=school_q]")).to_be_visible()
        expect(page.locator("input[name=audience_levels][value=mam_non]")).to_be_hidden()

        # Enter in the search box searches (the form comes back, what was typed kept).
        page.fill("input[name=school_q]", "tan phu")
        page.select_option("select[name=school_level]", "tieu_hoc")
        page.press("input[name=school_q]", "Enter")
        expect(page.locator("#chooser-results")).to_contain_text("6 trường khớp")
        expect(page.locator("input[name=title]")).to_have_value(
            "Về việc tổ chức tuần lễ an toàn trường học")
        page.check(f"[data-chooser-pick][value='{schools[TAN_PHU[0]].id}']")
        page.check(f"[data-chooser-pick][value='{schools[TAN_PHU[1]].id}']")
        page.click("#chooser-filters button[type=submit]")  # "Tìm" again: ticks become chips
        expect(page.locator("#chooser-chosen")).to_contain_text("Đã chọn 2 trường")
        # A chip unticked is left out when the form is saved.
        page.locator("#chooser-chosen").get_by_role("checkbox", name=TAN_PHU[1]).uncheck()
        page.click("button[name=action][value=save]")
        expect(page.locator(".flash-success")).to_contain_text("Đã lưu bản nháp")
        directive = Directive.get(Directive.number == "33/PGDĐT-CTHSSV")
        assert directive.audience_school_ids == [schools[TAN_PHU[0]].id]
        assert walk.overflow(page) == 0
    finally:
        context.close()
