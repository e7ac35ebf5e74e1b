"""Recording an activity through the form, and every kind of bad input the issue names: each is
refused on its field with a translated message (422), nothing is written, and everything typed
comes back."""

import datetime as dt
import io

import pytest

from district.activities import years
from district.models import (
    Activity,
    ActivityAttendee,
    ActivityDirective,
    ActivityFile,
    ActivityRevision,
    AuditEntry,
    StaffCount,
    StoredFile,
)
from tests.activities.conftest import PDF, PNG, form_data


def post(client, data, files=(), url="/activities/new", **headers):
    body = dict(data)
    for name, content, filename in files:
        body.setdefault(name, []).append((io.BytesIO(content), filename))
    return client.post(url, data=body, content_type="multipart/form-data", headers=headers)


def error_of(page, field_id):
    """The error text shown under a field (its aria-describedby target)."""
    marker = f'id="{field_id}-error">'
    assert marker in page, f"no error on {field_id}"
    return page.split(marker, 1)[1].split("</small>", 1)[0]


def nothing_written():
    return (Activity.select().count(), StoredFile.select().count()) == (0, 0)


def test_a_principal_records_a_quan_triet_with_its_signed_sheet(district, login_as,
                                                                make_directive, head_counts):
    directive = make_directive()
    head_counts(district.preschool, managers=3, teachers=20, employees=5)
    client = login_as(district.principal)
    response = post(client, form_data(directive_ids=str(directive.id),
                                      attendee_ids=[str(district.staff.id),
                                                    str(district.staff2.id)]),
                    files=[("attendance", PDF, "danh sach ky ten.pdf"),
                           ("minutes", PNG, "bien-ban.png")])
    assert response.status_code == 302
    activity = Activity.get()
    assert response.location.endswith(f"/activities/{activity.id}")
    assert (activity.school_id, activity.kind, activity.hours) == (
        district.preschool.id, "quan_triet", 2.5)
    assert activity.school_year == years.current()
    assert [d.directive_id for d in ActivityDirective.select()] == [directive.id]
    assert sorted(a.full_name for a in ActivityAttendee.select()) == sorted(
        [district.staff.full_name, district.staff2.full_name])
    kinds = sorted((f.kind, f.file.content_type) for f in ActivityFile.select())
    assert kinds == [("attendance", "application/pdf"), ("minutes", "image/png")]
    assert ActivityRevision.get().version == 1
    entry = AuditEntry.get(AuditEntry.action == "activity.create")
    assert entry.details["directives"] == [directive.number]
    page = client.get(response.location).get_data(as_text=True)
    assert "danh sach ky ten.pdf" in page and directive.number in page
    assert 'id="staff-share">64%<' in page  # 18 of 28 staff attended


def test_a_future_date_is_refused_and_what_was_typed_stays(district, login_as, today):
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = post(login_as(district.principal), form_data(
        held_on=tomorrow, title="Tuyên truyền Tổng đài 111 cho học sinh", students="350"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "không thể ở tương lai" in error_of(page, "held_on")
    assert 'value="Tuyên truyền Tổng đài 111 cho học sinh"' in page
    assert f'value="{tomorrow}"' in page and 'value="350"' in page
    assert nothing_written()


def test_attendance_above_the_schools_head_count_is_refused(district, login_as, head_counts):
    head_counts(district.preschool, managers=3, teachers=20, employees=5)
    response = post(login_as(district.principal), form_data(teachers="21", employees="5"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    message = error_of(page, "teachers")
    assert "Vượt số giáo viên" in message and "(20 người)" in message
    assert years.label(years.current()) in message
    assert 'id="employees-error"' not in page  # 5 of 5 is everyone, not more
    assert 'value="21"' in page
    assert nothing_written()


def test_without_head_counts_any_attendance_is_accepted(district, login_as):
    response = post(login_as(district.principal), form_data(teachers="300"))
    assert response.status_code == 302


def test_last_years_head_counts_apply_until_this_years_are_entered(district, login_as,
                                                                    head_counts):
    head_counts(district.preschool, teachers=20, year=years.current() - 1)
    response = post(login_as(district.principal), form_data(teachers="25"))
    assert response.status_code == 422
    assert "Vượt số giáo viên" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["managers", "teachers", "employees", "parents", "students"])
def test_a_negative_count_is_refused(district, login_as, field):
    response = post(login_as(district.principal), form_data(**{field: "-3"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Số người không được âm." in error_of(page, field)
    assert 'value="-3"' in page
    assert nothing_written()


def test_a_file_that_is_not_what_its_name_says_is_refused(district, login_as):
    response = post(login_as(district.principal), form_data(),
                    files=[("attendance", b"MZ\x90\x00 this is a program", "danh-sach.pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    message = error_of(page, "attendance")
    assert "danh-sach.pdf" in message and "kiểm tra theo nội dung" in message
    assert "Quán triệt Công văn về phòng, chống bạo lực học đường" in page
    assert nothing_written()


def test_a_directive_the_school_did_not_receive_is_refused(district, login_as, make_directive):
    elsewhere = make_directive(audience_kind="list",
                               audience_school_ids=[district.secondary.id])
    draft = make_directive(publish=False)
    client = login_as(district.principal)
    for directive in (elsewhere, draft):
        response = post(client, form_data(directive_ids=str(directive.id)))
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Chỉ chọn văn bản chỉ đạo đã gửi tới trường" in error_of(page, "directive_ids")
    # Neither is even offered.
    page = client.get("/activities/new").get_data(as_text=True)
    assert elsewhere.number not in page and draft.number not in page
    assert nothing_written()


def test_an_account_of_another_school_is_refused(district, login_as):
    response = post(login_as(district.principal),
                    form_data(attendee_ids=str(district.other_staff.id)))
    assert response.status_code == 422
    assert "Chỉ chọn tài khoản của trường" in error_of(response.get_data(as_text=True),
                                                       "attendee_ids")
    assert nothing_written()


def test_an_htmx_refusal_answers_the_form_alone(district, login_as):
    response = post(login_as(district.principal), form_data(teachers="-1"),
                    **{"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Vary" in response.headers
    assert page.lstrip().startswith("<form") and "<html" not in page
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "1e999", "-1", "abc", "9" * 40, "Infinity"])
def test_impossible_hours_are_refused_never_a_server_error(district, login_as, hours):
    response = post(login_as(district.principal), form_data(hours=hours))
    assert response.status_code == 422
    assert 'id="hours-error"' in response.get_data(as_text=True)
    assert nothing_written()


@pytest.mark.parametrize("value", ["99999999999999999999", "1e3", "", "x"])
def test_impossible_dates_and_counts_are_refused(district, login_as, value):
    response = post(login_as(district.principal), form_data(held_on=value, sessions=value))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="held_on-error"' in page and 'id="sessions-error"' in page


# --- The office's trainings ---------------------------------------------------------------------


def test_an_officer_records_a_training_with_the_schools_and_people_who_attended(
        district, login_as):
    lines = ("MN-HOASEN, Lê Thị Mai\nthcs-nguyendu\tBùi Thị Hạnh\n\n"
             "MN-HOASEN; Võ  Văn  Nam\nMN-HOASEN, Lê Thị Mai\n")
    response = post(login_as(district.officer), form_data(
        kind="tap_huan", presenter="office", counseling="y", attendee_lines=lines))
    assert response.status_code == 302
    activity = Activity.get()
    assert activity.school_id is None and activity.counseling
    people = sorted((a.school.code, a.full_name) for a in ActivityAttendee.select())
    assert people == [("MN-HOASEN", "Lê Thị Mai"), ("MN-HOASEN", "Võ Văn Nam"),
                      ("THCS-NGUYENDU", "Bùi Thị Hạnh")]


def test_an_unknown_school_or_a_missing_name_is_refused_by_line(district, login_as,
                                                                make_school):
    closed = make_school(code="TH-DADONG")
    type(closed).update(active=False).where(type(closed).id == closed.id).execute()
    lines = f"MN-HOASEN, Lê Thị Mai\nXYZ-123, Trần Văn A\nMN-HOASEN\n{closed.code}, Ngô B\n"
    response = post(login_as(district.officer), form_data(
        kind="tap_huan", presenter="office", attendee_lines=lines))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    message = error_of(page, "attendee_lines")
    assert "Dòng 2: không có trường mã “XYZ-123”" in message
    assert "Dòng 3: thiếu họ và tên" in message
    assert f"Dòng 4: không có trường mã “{closed.code}”" in message
    assert "Trần Văn A" in page  # the lines come back as typed
    assert nothing_written()


# --- Head counts ----------------------------------------------------------------------------------


def test_a_principal_keeps_the_schools_head_counts_per_school_year(district, login_as, year):
    client = login_as(district.principal)
    data = {"school_year": str(year), "managers": "3", "teachers": "24", "employees": "6"}
    assert client.post("/activities/staff", data=data).status_code == 302
    assert client.post("/activities/staff", data=data | {"teachers": "26"}).status_code == 302
    row = StaffCount.get()
    assert (row.school_id, row.school_year, row.teachers) == (district.preschool.id, year, 26)
    entries = list(AuditEntry.select().where(AuditEntry.action == "staff_count.set")
                   .order_by(AuditEntry.id))
    assert [e.details["after"]["teachers"] for e in entries] == [24, 26]
    assert entries[1].details["before"]["teachers"] == 24
    page = client.get("/activities/staff").get_data(as_text=True)
    assert years.label(year) in page and ">26<" in page


@pytest.mark.parametrize("field, value, message", [
    ("teachers", "-1", "Số người không được âm."),
    ("employees", "", "Nhập số nhân viên và người lao động."),
    ("school_year", "1999", "Chọn năm học."),
])
def test_bad_head_counts_are_refused(district, login_as, year, field, value, message):
    data = {"school_year": str(year), "managers": "3", "teachers": "24", "employees": "6"}
    response = login_as(district.principal).post("/activities/staff", data=data | {field: value})
    assert response.status_code == 422
    assert message in error_of(response.get_data(as_text=True), field)
    assert StaffCount.select().count() == 0
