"""A teacher reports an incident; the principal moves it forward in place with HTMX and assigns
it; an officer closes it once resolved; another school's principal and the admin see nothing."""

import re

import pytest
from playwright.sync_api import expect

from district.incidents import operations
from district.models import Incident, IncidentEvent
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker

NOT_FOUND = "Không tìm thấy"


def switch_user(page, username):
    page.goto("/")
    page.click("details.dropdown summary")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, username, PASSWORD)
    expect(page.locator("header details.dropdown summary")).to_be_visible()


def change_status(page, incident_id, to, **fields):
    """Take one step: its own small form, with only the fields that step asks for."""
    step = page.locator(f"#step-detail-{incident_id}-{to}")
    for name, value in fields.items():
        control = step.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident_id}/status")):
        step.locator("button[type=submit]").click()


def test_incident_from_report_to_closure(page, district):
    # A teacher reports.
    sign_in(page, district.staff.username, PASSWORD)
    page.goto("/incidents/new")
    page.fill("input[name=occurred_at]", "2026-11-20T09:30")
    page.select_option("select[name=place]", "school_yard")
    page.select_option("select[name=category]", "bullying")
    page.select_option("select[name=caused_by]", "student")
    page.select_option("select[name=severity]", "medium")
    page.fill("input[name=summary]", "Một học sinh bị nhóm bạn xô ngã ở sân trường")
    page.fill("textarea[name=description]", "Giờ ra chơi, em bị ba bạn xô ngã, trầy đầu gối.")
    page.fill("input[name='students-0-full_name']", "Nguyễn Gia Bảo")
    page.fill("input[name='students-0-class_name']", "Lá 2")
    page.select_option("select[name='students-0-role']", "affected")
    # Add a second student in place; what was typed stays.
    with page.expect_response(lambda r: r.url.endswith("/incidents/new")):
        page.click("button[name=add_student]")
    expect(page.locator("input[name='students-1-full_name']")).to_be_visible()
    expect(page.locator("input[name='students-0-full_name']")).to_have_value("Nguyễn Gia Bảo")
    page.fill("input[name='students-1-full_name']", "Trần Minh Khôi")
    page.select_option("select[name='students-1-role']", "caused")
    page.click("#report-form button[name=submit]")
    expect(page.locator("h1")).to_contain_text("Đã tiếp nhận báo cáo VV-")
    expect(page.locator(".duty a[href='tel:111']")).to_be_visible()
    incident = Incident.get()
    assert incident.students.count() == 2

    # The principal opens it and moves it forward without reloading the page.
    switch_user(page, district.principal.username)
    page.goto(f"/incidents/{incident.id}")
    expect(page.locator("h1")).to_contain_text(incident.reference)
    mark_window(page)
    badge = page.locator(f"#status-badge-{incident.id}")
    expect(badge).to_have_text("Mới tiếp nhận")
    change_status(page, incident.id, "verifying")
    expect(badge).to_have_text("Đang xác minh")
    expect(page.locator("#timeline")).to_contain_text("Đang xác minh")
    change_status(page, incident.id, "handling")
    expect(badge).to_have_text("Đang xử lý")
    assert window_marker(page) == "still-here"

    # ... and assigns it to a teacher, still in place.
    page.select_option("#assignee", str(district.staff2.id))
    with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident.id}/assignment")):
        page.click("#assignment button[type=submit]")
    expect(page.locator("#assignee-name")).to_have_text(district.staff2.full_name)
    expect(page.locator("#timeline")).to_contain_text(district.staff2.full_name)
    # The status control got the new version: the next change is not a false conflict.
    # Each step shows only its fields: referring asks for the agency and the date, resolving
    # for the outcome and, while intervention steps are open, a reason.
    referred = page.locator(f"#step-detail-{incident.id}-referred")
    resolved = page.locator(f"#step-detail-{incident.id}-resolved")
    expect(referred.locator("[name=agency]")).to_be_visible()
    expect(referred.locator("[name=outcome]")).to_have_count(0)
    expect(resolved.locator("[name=agency]")).to_have_count(0)
    expect(resolved.locator("[name=reason]")).to_be_visible()
    change_status(page, incident.id, "resolved", outcome="handled_at_school",
                  reason="Gia đình đã chuyển trường")
    expect(badge).to_have_text("Đã xử lý xong")
    expect(page.locator("#timeline")).to_contain_text("lý do: Gia đình đã chuyển trường")
    assert window_marker(page) == "still-here"
    # The principal can neither close nor reopen: the sign-off is the officer's (DESIGN.md 3).
    expect(page.locator(".status-step")).to_have_count(0)

    # An officer sees it in the list and closes it.
    switch_user(page, district.officer.username)
    page.goto("/incidents/")
    expect(page.locator(f"#incident-{incident.id}")).to_contain_text(incident.reference)
    page.click(f"#incident-{incident.id} a")
    mark_window(page)
    steps = page.locator("#status-panel .status-step")
    expect(steps).to_have_count(2)  # close it, or reopen it with a reason
    change_status(page, incident.id, "closed")
    expect(page.locator(f"#status-badge-{incident.id}")).to_have_text("Đã kết thúc")
    assert window_marker(page) == "still-here"
    assert Incident.get_by_id(incident.id).status == "closed"
    assert IncidentEvent.select().where(IncidentEvent.kind == "status").count() == 4

    # A principal of another school: not found.
    switch_user(page, district.other_principal.username)
    # (Fetched through the page's own session: Chromium would log a navigation's 404 as a
    # console error, which the page fixture treats as a failure.)
    response = page.context.request.get(f"/incidents/{incident.id}")
    assert response.status == 404
    body = response.text()
    assert NOT_FOUND in body and incident.reference not in body
    assert "Nguyễn Gia Bảo" not in body

    # The admin: no incident menu, and the URL is not found either.
    switch_user(page, "admin")
    expect(page.locator("header nav")).not_to_contain_text("Vụ việc")
    assert page.locator("header a[href='/incidents/']").count() == 0
    assert page.context.request.get("/incidents/").status == 404
    assert page.context.request.get(f"/incidents/{incident.id}").status == 404


def _reported_online(district):
    from district import clock
    from district.incidents import operations

    data = {"occurred_at": clock.utcnow(), "place": "online", "category": "cyberbullying",
            "caused_by": "student", "severity": "high", "summary": "Bị bêu riếu trên mạng",
            "description": "Ảnh chế lan truyền trong nhóm lớp."}
    student = [{"full_name": "Lê Thu Trang", "class_name": "", "sex": "nu",
                "birth_year": None, "role": "affected"}]
    return operations.report(district.staff, district.preschool, data, student, {})


@pytest.mark.parametrize("size", [walk.PHONE, walk.DESKTOP], ids=["phone", "desktop"])
def test_status_change_from_the_list_updates_counters_in_place(page, district, size):
    """Issue 10: each row carries a small "Đổi trạng thái" control; it opens the row's forms in
    place (the first field focused), and the change answers the row with its new status and
    the control again, the counters updated, without a reload."""
    incident = _reported_online(district)
    page.set_viewport_size(size)
    sign_in(page, district.principal.username, PASSWORD)
    page.goto("/incidents/")
    mark_window(page)
    expect(page.locator(".count[data-status=reported]")).to_have_text("1")
    row = page.locator(f"#incident-{incident.id}")
    expect(row.locator(".status-step")).to_have_count(0)  # no form until asked for
    with page.expect_response(lambda r: f"/incidents/{incident.id}/status-steps" in r.url):
        row.get_by_role("link", name="Đổi trạng thái").click()
    step = row.locator(f"#step-row-{incident.id}-verifying")
    expect(step).to_be_visible()
    expect(step.locator("[name=note]")).to_be_focused()
    assert walk.check_page(page, sizes=(size,)) == []
    step.locator("[name=note]").fill("Đã gọi phụ huynh")
    with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident.id}/status")):
        step.locator("button[type=submit]").click()
    expect(page.locator(f"#incident-{incident.id} .incident-status")).to_have_text(
        "Đang xác minh")
    expect(page.locator(".count[data-status=verifying]")).to_have_text("1")
    expect(page.locator(".count[data-status=reported]")).to_have_text("0")
    # The row is small again, its control ready for the next step.
    expect(row.locator(".status-step")).to_have_count(0)
    expect(row.get_by_role("link", name="Đổi trạng thái")).to_be_visible()
    assert window_marker(page) == "still-here"
    expect(page).to_have_url(re.compile(r"/incidents/$"))
    assert walk.check_page(page, sizes=(size,)) == []
    # The next step from the same row: the forms now start from "verifying".
    with page.expect_response(lambda r: f"/incidents/{incident.id}/status-steps" in r.url):
        row.get_by_role("link", name="Đổi trạng thái").click()
    expect(row.locator(".status-step")).to_have_count(2)  # handling, referred
    expect(row.locator(f"#step-row-{incident.id}-verifying")).to_have_count(0)
    assert window_marker(page) == "still-here"
    event = IncidentEvent.get(IncidentEvent.kind == "status")
    assert event.to_status == "verifying" and event.note == "Đã gọi phụ huynh"


def test_without_javascript_the_row_control_leads_to_the_incident_page(
        browser, live_server, district):
    incident = _reported_online(district)
    context, page = _own_page(browser, live_server, java_script_enabled=False)
    try:
        sign_in(page, district.principal.username, PASSWORD)
        page.goto("/incidents/?status=reported")
        page.locator(f"#incident-{incident.id}").get_by_role(
            "link", name="Đổi trạng thái").click()
        expect(page).to_have_url(re.compile(rf"/incidents/{incident.id}#status-panel$"))
        step = page.locator(f"#step-detail-{incident.id}-verifying")
        step.locator("button[type=submit]").click()
        expect(page.locator(f"#status-badge-{incident.id}")).to_have_text("Đang xác minh")
    finally:
        context.close()
    assert Incident.get_by_id(incident.id).status == "verifying"


def _own_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", **options)
    context.set_default_timeout(10000)
    return context, context.new_page()


@pytest.fixture
def answers_4xx(browser, live_server):
    """A page whose refused requests (409, 422: by design here) are not failures; script errors
    still are. (Chromium logs a 4xx answer as a console error, which `page` counts.)"""
    context, page = _own_page(browser, live_server)
    script_errors = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    yield page
    context.close()
    assert not script_errors, script_errors


def _handling_incident(district):
    from district.incidents import operations
    from tests.incidents.conftest import report_data

    data, students = report_data()
    incident = operations.report(district.staff, district.preschool, data, students, {})
    for to in ("verifying", "handling"):
        incident = Incident.get_by_id(incident.id)
        operations.change_status(district.principal, incident, incident.version, to)
    return Incident.get_by_id(incident.id)


def _open_handling_incident(page, district):
    """The principal opens an incident being handled (the window marked, to prove no reload)."""
    incident = _handling_incident(district)
    sign_in(page, district.principal.username, PASSWORD)
    page.goto(f"/incidents/{incident.id}")
    mark_window(page)
    return incident


def test_a_refused_step_stays_in_place_with_what_was_typed(answers_4xx, district):
    page = answers_4xx
    incident = _open_handling_incident(page, district)
    resolved = page.locator(f"#step-detail-{incident.id}-resolved")
    # Resolving with intervention steps open asks for a reason (422 in place, nothing lost).
    change_status(page, incident.id, "resolved", outcome="disciplined", note="Đã họp phụ huynh")
    expect(resolved.locator(".error")).to_contain_text("nêu lý do")
    expect(resolved.locator("[name=note]")).to_have_value("Đã họp phụ huynh")
    expect(resolved.locator("[name=outcome]")).to_have_value("disciplined")
    change_status(page, incident.id, "resolved", reason="Gia đình đã chuyển trường")
    expect(page.locator(f"#status-badge-{incident.id}")).to_have_text("Đã xử lý xong")
    assert window_marker(page) == "still-here"
    assert Incident.get_by_id(incident.id).outcome == "disciplined"


def test_after_a_conflict_apply_my_change_does_exactly_what_i_chose(answers_4xx, district):
    from district.incidents import operations

    page = answers_4xx
    incident = _open_handling_incident(page, district)
    # An officer assigns it while the principal's page is open.
    operations.assign(district.officer, incident, incident.version, district.staff2.id)
    change_status(page, incident.id, "referred", agency="police", referred_on="2026-11-21",
                  note="Chuyển công an")
    panel = page.locator("#status-panel")
    expect(panel.locator(".conflict")).to_contain_text(district.officer.full_name)
    retry = page.locator(f"#step-detail-{incident.id}-referred")
    expect(retry.locator("button")).to_have_text("Áp dụng thay đổi của tôi")
    expect(retry.locator("[name=note]")).to_have_value("Chuyển công an")
    with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident.id}/status")):
        retry.locator("button").click()
    expect(page.locator(f"#status-badge-{incident.id}")).to_have_text(
        "Đã chuyển cơ quan chức năng")
    assert window_marker(page) == "still-here"
    assert Incident.get_by_id(incident.id).status == "referred"


def test_each_step_works_without_javascript(browser, live_server, district):
    context, page = _own_page(browser, live_server, java_script_enabled=False)
    try:
        incident = _handling_incident(district)
        sign_in(page, district.principal.username, PASSWORD)
        page.goto(f"/incidents/{incident.id}")
        step = page.locator(f"#step-detail-{incident.id}-referred")
        expect(step.locator("[name=outcome]")).to_have_count(0)
        step.locator("[name=agency]").select_option("health")
        step.locator("[name=referred_on]").fill("2026-11-21")
        step.locator("button[type=submit]").click()
        expect(page.locator(f"#status-badge-{incident.id}")).to_have_text(
            "Đã chuyển cơ quan chức năng")
        expect(page.locator("#timeline")).to_contain_text("Cơ sở y tế (21/11/2026)")
    finally:
        context.close()
    assert Incident.get_by_id(incident.id).status == "referred"


@pytest.mark.parametrize("size", [walk.PHONE, walk.DESKTOP], ids=["phone", "desktop"])
def test_officer_narrows_the_list_by_typing_a_school_and_removes_a_linked_school(
        page, district, size):
    """Issue 10: no list of every school. The officer types part of a name without accents and
    the table narrows in place; a link to one school's incidents shows it as a chip, which the
    other filters keep and whose ✕ removes it. Folded behind "Lọc" on a phone, the field
    labelled, its focus visible, the page axe-clean and no wider than the window."""
    from tests.incidents.conftest import report_data

    data, students = report_data()
    hoa_sen = operations.report(district.staff, district.preschool, data, students, {})
    nguyen_du = operations.report(district.other_staff, district.secondary, data, students, {})
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/incidents/")
    mark_window(page)
    field = page.get_by_label("Trường", exact=True)
    if not field.is_visible():  # a phone: the filters fold behind "Lọc"
        page.locator("details.filter-fold > summary").click()
    expect(field).to_be_visible()
    assert page.locator("form.filters select[name=school]").count() == 0
    field.focus()
    assert page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                         " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 }")
    field.press_sequentially("nguyen du")
    expect(page.locator(f"#incident-{hoa_sen.id}")).to_have_count(0)
    expect(page.locator(f"#incident-{nguyen_du.id}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"school_q=nguyen(\+|%20)du"))
    assert window_marker(page) == "still-here"
    assert walk.check_page(page, sizes=(size,)) == []

    # A link to one school's incidents.
    page.goto(f"/incidents/?school={district.secondary.id}")
    if not page.locator("form.filters select[name=status]").is_visible():
        page.locator("details.filter-fold > summary").click()
    chip = page.locator(".filter-chip")
    expect(chip).to_contain_text("Trường THCS Nguyễn Du")
    expect(page.locator("input[name=school_q]")).to_have_count(0)  # the chip instead
    assert walk.check_page(page, sizes=(size,)) == []
    mark_window(page)
    with page.expect_response(lambda r: "/incidents/?" in r.url):
        page.locator("form.filters select[name=severity]").select_option("medium")
    expect(page).to_have_url(re.compile(r"severity=medium"))
    assert f"school={district.secondary.id}" in page.url
    expect(page.locator(f"#incident-{nguyen_du.id}")).to_be_visible()
    expect(page.locator(f"#incident-{hoa_sen.id}")).to_have_count(0)
    assert window_marker(page) == "still-here"
    chip.get_by_role("link", name="Bỏ lọc theo trường Trường THCS Nguyễn Du").click()
    expect(page.locator(f"#incident-{hoa_sen.id}")).to_be_visible()
    expect(page.locator(f"#incident-{nguyen_du.id}")).to_be_visible()
    assert "school=" not in page.url
