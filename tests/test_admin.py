"""The admin manages schools and accounts and reads the audit log."""

import datetime as dt
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from district.models import AuditEntry, School, User
from tests.conftest import PASSWORD
from tests.rosters.files import windows_1258_form, with_macro


def test_create_school_and_find_it_without_diacritics(district, login_as):
    admin = login_as(district.admin)
    response = admin.post("/admin/schools/new", data={
        "code": "mn-hoahong", "name": "Trường Mầm non Hoa Hồng", "level": "mam_non",
        "ownership": "tu_thuc", "commune": "Xã An Hòa", "address": "", "phone": ""})
    assert response.status_code == 302
    school = School.get(School.code == "MN-HOAHONG")
    assert school.name == "Trường Mầm non Hoa Hồng"
    listing = admin.get("/admin/schools?q=truong mam non hoa hong").get_data(as_text=True)
    assert "Trường Mầm non Hoa Hồng" in listing and district.secondary.name not in listing
    assert AuditEntry.get(AuditEntry.action == "school.create").actor_id == district.admin.id


def test_school_search_accepts_decomposed_unicode(district, login_as):
    decomposed = "Nguye\u0302\u0303n Du"  # NFD form of "Nguyễn Du"
    page = login_as(district.admin).get(f"/admin/schools?q={decomposed}").get_data(as_text=True)
    assert district.secondary.name in page


def test_duplicate_school_code_keeps_what_was_typed(district, login_as):
    response = login_as(district.admin).post("/admin/schools/new", data={
        "code": "MN-HOASEN", "name": "Trường Mầm non Tên Mới", "level": "mam_non",
        "ownership": "cong_lap", "commune": "", "address": "12 Lê Lợi", "phone": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Mã trường MN-HOASEN đã có." in page
    assert 'value="Trường Mầm non Tên Mới"' in page and 'value="12 Lê Lợi"' in page


def test_deactivate_school_keeps_it(district, login_as):
    admin = login_as(district.admin)
    response = admin.post(f"/admin/schools/{district.secondary.id}/active", data={"active": "0"},
                          follow_redirects=True)
    assert "Đã ngừng hoạt động trường" in response.get_data(as_text=True)
    assert School.get_by_id(district.secondary.id).active is False
    assert district.secondary.name not in admin.get("/admin/schools").get_data(as_text=True)
    assert district.secondary.name in admin.get("/admin/schools?status=inactive").get_data(
        as_text=True)


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Xã/phường"]


def import_file(client, data, name="truong.xlsx"):
    # Encoded in memory: the test client would spool a large body to a temporary file that it
    # never closes (a ResourceWarning, which is an error here).
    boundary, body = encode_multipart({"file": FileStorage(stream=io.BytesIO(data),
                                                           filename=name)})
    return client.post("/admin/schools/import", data=body,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def test_import_with_a_bad_row_imports_nothing_and_names_row_and_column(district, login_as):
    data = _xlsx([HEADER,
                  ["TH-A", "Trường Tiểu học A", "Tiểu học", "Công lập", "Xã Tân Phú"],
                  ["TH-B", "Trường Tiểu học B", "Đại học", "Công lập", "Xã Tân Phú"],
                  ["TH-A", "Trường Tiểu học A trùng", "Tiểu học", "Công lập", ""]])
    response = import_file(login_as(district.admin), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "chưa nhập trường nào" in page
    assert "<td>3</td><td>Cấp học</td><td>Cấp học không hợp lệ.</td>" in page
    assert "<td>4</td><td>Mã trường</td><td>Mã trường trùng với dòng 2.</td>" in page
    assert School.select().count() == 2


def test_import_csv_from_excel_in_windows_1258(district, login_as):
    text = ("Mã trường;Tên trường;Cấp học;Loại hình\n"
            "TH-TANPHU;Trường Tiểu học Tân Phú;Tiểu học;Công lập\n")
    response = import_file(login_as(district.admin),
                           windows_1258_form(text).encode("cp1258"), "truong.csv")
    assert response.status_code == 302
    school = School.get(School.code == "TH-TANPHU")
    assert school.name == "Trường Tiểu học Tân Phú"  # NFC whatever the file's form
    assert AuditEntry.get(AuditEntry.action == "school.import").details["count"] == 1


def test_import_csv_in_utf8_with_bom(district, login_as):
    text = ("Mã trường,Tên trường,Cấp học,Loại hình\r\n"
            "MN-SAOMAI,Trường Mầm non Sao Mai,Mầm non,Tư thục\r\n")
    response = import_file(login_as(district.admin), text.encode("utf-8-sig"), "truong.csv")
    assert response.status_code == 302
    # The BOM is not part of the first header: the code column is found and read.
    assert School.get(School.code == "MN-SAOMAI").ownership == "tu_thuc"


def test_import_reads_the_english_headings_and_words(district, login_as):
    """The English page names the columns and words in English: the file may use them."""
    data = _xlsx([["School code", "School name", "School level", "Ownership", "Commune/ward"],
                  ["TH-SUNRISE", "Trường Tiểu học Bình Minh", "Primary", "Community-run", ""]])
    assert import_file(login_as(district.admin), data).status_code == 302
    school = School.get(School.code == "TH-SUNRISE")
    assert (school.level, school.ownership) == ("tieu_hoc", "dan_lap")


def zip_bomb():
    """A small XLSX that unpacks to tens of megabytes (a page of zeros, squeezed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx([HEADER])), "r") as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", bytes(64 * 1024 * 1024))
    return out.getvalue()


GOOD_ROW = ["TH-MOI", "Trường Tiểu học Mới", "Tiểu học", "Công lập", ""]
OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)  # .xls, or an encrypted .xlsx


@pytest.mark.parametrize("name, make, message", [
    ("macro", lambda: with_macro(_xlsx([HEADER, GOOD_ROW])), "Tệp có chứa macro"),
    ("encrypted", lambda: OLE_FILE, "tệp có mật khẩu không được hỗ trợ"),
    ("bomb", zip_bomb, "quá lớn khi giải nén"),
    ("rows", lambda: ("\n".join([",".join(HEADER[:4])]
                                 + [f"TH-{i},Trường {i},Tiểu học,Công lập" for i in range(3000)])
                      ).encode(), "tối đa 3000 dòng"),
    ("columns", lambda: _xlsx([HEADER + [f"Cột {i}" for i in range(20)], GOOD_ROW]),
     "tối đa 20 cột"),
    ("size", lambda: b"Ma truong,Ten truong\n" + b"x" * (2 * 1024 * 1024), "Tệp lớn hơn 2 MB"),
])
def test_import_refuses_unsafe_files_with_a_message(district, login_as, name, make, message):
    response = import_file(login_as(district.admin), make(), f"{name}.xlsx")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert School.select().count() == 2


def test_import_of_a_header_without_rows_says_so(district, login_as):
    response = import_file(login_as(district.admin), _xlsx([HEADER]))
    assert response.status_code == 422
    assert "Tệp không có dữ liệu." in response.get_data(as_text=True)


def test_import_without_required_column(district, login_as):
    data = _xlsx([["Mã trường", "Tên trường"], ["TH-X", "Trường X"]])
    page = import_file(login_as(district.admin), data).get_data(as_text=True)
    assert "Thiếu cột bắt buộc" in page and "Cấp học" in page


def test_admin_creates_account_that_must_change_password(district, login_as, client):
    response = login_as(district.admin).post("/admin/users/new", data={
        "username": "gv3.mn-hoasen", "full_name": "Phan Thị Ngọc Ánh", "role": "staff",
        "school_id": str(district.preschool.id), "email": "", "phone": ""})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    temporary = re.search(r'id="temporary-password">([^<]+)<', page).group(1)
    user = User.get(User.username == "gv3.mn-hoasen")
    assert user.must_change_password and user.school_id == district.preschool.id
    response = client.post("/login", data={"username": "gv3.mn-hoasen", "password": temporary})
    assert response.location == "/account/password"


def test_school_role_needs_a_school(district, login_as):
    response = login_as(district.admin).post("/admin/users/new", data={
        "username": "gv9", "full_name": "Người Thử", "role": "principal", "school_id": "",
        "email": "", "phone": ""})
    assert response.status_code == 422
    assert "phải thuộc một trường" in response.get_data(as_text=True)
    assert not User.select().where(User.username == "gv9").exists()


def test_deactivated_user_is_signed_out_and_cannot_sign_in(district, login_as):
    staff_client = login_as(district.staff)
    login_as(district.admin).post(f"/admin/users/{district.staff.id}/active", data={"active": "0"})
    assert staff_client.get("/").status_code == 302
    response = staff_client.post("/login", data={"username": district.staff.username,
                                                 "password": PASSWORD})
    assert response.status_code == 422


def test_admin_cannot_lock_themself_out(district, login_as):
    admin = login_as(district.admin)
    admin.post(f"/admin/users/{district.admin.id}/active", data={"active": "0"})
    assert User.get_by_id(district.admin.id).active


def test_reset_password_forces_a_change_and_ends_sessions(district, login_as, client):
    staff_client = login_as(district.staff)
    page = login_as(district.admin).post(
        f"/admin/users/{district.staff.id}/reset-password").get_data(as_text=True)
    assert 'id="temporary-password"' in page
    assert User.get_by_id(district.staff.id).must_change_password
    assert staff_client.get("/").status_code == 302
    old = client.post("/login", data={"username": district.staff.username, "password": PASSWORD})
    assert old.status_code == 422


def test_import_reports_values_too_long(district, login_as):
    data = _xlsx([HEADER, ["TH-LONG", "Trường " + "x" * 300, "Tiểu học", "Công lập", ""]])
    page = import_file(login_as(district.admin), data).get_data(as_text=True)
    assert "<td>2</td><td>Tên trường</td><td>Dài quá 200 ký tự.</td>" in page
    assert not School.select().where(School.code == "TH-LONG").exists()


def test_bad_school_id_is_a_form_error_not_a_crash(district, login_as):
    response = login_as(district.admin).post("/admin/users/new", data={
        "username": "gv10", "full_name": "Người Thử", "role": "staff", "school_id": "abc",
        "email": "", "phone": ""})
    assert response.status_code == 422


def test_audit_log_filters_and_pages(district, login_as, auth):
    for _ in range(3):
        auth.login(district.staff, "wrong")
    admin = login_as(district.admin)
    page = admin.get("/admin/audit?action=login.failed").get_data(as_text=True)
    assert page.count("Có người đăng nhập sai vào tài khoản Lê Thị Mai (gv1.mn-hoasen)") == 3
    assert "đã đăng nhập lúc" not in page
    by_actor = admin.get(f"/admin/audit?actor={district.admin.username}").get_data(as_text=True)
    assert f"{district.admin.full_name} đã đăng nhập lúc" in by_actor
    assert "đăng nhập sai" not in by_actor
    future = admin.get("/admin/audit?date_from=2099-01-01").get_data(as_text=True)
    assert "Không có mục nào khớp." in future
    for _ in range(60):
        AuditEntry.create(action="test.fill")
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert 'href="/admin/audit?page=2"' in first


def test_officer_reads_only_incident_entries_in_the_audit_log(district, login_as):
    AuditEntry.create(action="incident.view", target_type="incident", target_id="1")
    page = login_as(district.officer).get("/admin/audit").get_data(as_text=True)
    assert "đã xem vụ việc" in page and "đã đăng nhập" not in page


def test_htmx_search_returns_only_the_results(district, login_as):
    response = login_as(district.admin).get("/admin/schools?q=nguyen du",
                                             headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert district.secondary.name in page and district.preschool.name not in page
    for url in ("/admin/users?q=lan", "/admin/audit"):
        fragment = login_as(district.admin).get(url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<table" in fragment.get_data(as_text=True)


def test_admin_audit_log_never_shows_incident_content(district, login_as):
    AuditEntry.create(action="incident.correct", target_type="incident", target_id="7",
                      details={"reason": "Em Nguyễn Minh An khai thêm",
                               "category": "sexual_abuse"})
    AuditEntry.create(action="user.update", target_type="user", target_id="3",
                      details={"full_name": ["Cũ", "Mới"]})
    admin_page = login_as(district.admin).get("/admin/audit").get_data(as_text=True)
    assert "đã bổ sung, đính chính báo cáo vụ việc" in admin_page
    assert "(nội dung vụ việc: không hiển thị)" in admin_page
    assert "Nguyễn Minh An" not in admin_page and "sexual_abuse" not in admin_page
    assert "Mới" in admin_page
    officer_page = login_as(district.officer).get("/admin/audit").get_data(as_text=True)
    assert "Nguyễn Minh An" in officer_page


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Asia/Tokyo"])
def test_audit_dates_are_the_offices_local_days(app, district, login_as, zone):
    """An entry at 23:59 local time belongs to that day, one at 00:01 to the next, in the
    office's time zone (TIMEZONE), whatever it is."""
    app.config["TIMEZONE"] = zone

    def utc(*local):
        return dt.datetime(*local, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC).replace(tzinfo=None)

    AuditEntry.create(action="logout", actor_name="tre.muon", at=utc(2026, 12, 1, 23, 59))
    AuditEntry.create(action="logout", actor_name="som.som", at=utc(2026, 12, 2, 0, 1))
    admin = login_as(district.admin)

    def actions(first, last):
        page = admin.get(f"/admin/audit?action=logout&date_from={first}&date_to={last}")
        return re.findall(r"(tre\.muon|som\.som) đã đăng xuất", page.get_data(as_text=True))

    assert actions("2026-12-01", "2026-12-01") == ["tre.muon"]
    assert actions("2026-12-02", "2026-12-02") == ["som.som"]
    assert actions("2026-12-01", "2026-12-02") == ["som.som", "tre.muon"]


@pytest.mark.parametrize("url", ["/admin/schools?status=all", "/admin/users", "/admin/audit"])
def test_lists_run_a_fixed_number_of_queries(district, login_as, make_school, make_user,
                                              queries, url):
    admin = login_as(district.admin)

    def count():
        with queries() as q:
            assert admin.get(url).status_code == 200
        return q.count

    few = count()
    for _ in range(30):
        school = make_school()
        make_user("staff", school)
        AuditEntry.create(action="test.fill")
    assert count() == few


@pytest.mark.parametrize("url", ["/admin/schools?page=2", "/admin/users?page=9",
                                 "/admin/audit?page=3"])
def test_a_page_beyond_the_last_is_not_found(district, login_as, url):
    assert login_as(district.admin).get(url).status_code == 404


def test_lists_page_with_their_filters_kept(district, login_as, make_school):
    for n in range(30):
        make_school(name=f"Trường Tiểu học Bình An {n:02d}")
    page = login_as(district.admin).get("/admin/schools?q=binh an&level=tieu_hoc")
    text = page.get_data(as_text=True)
    assert text.count("Trường Tiểu học Bình An") == 25
    assert 'href="/admin/schools?page=2&amp;q=binh+an&amp;level=tieu_hoc&amp;status=active"' \
        in text


def test_the_account_form_searches_the_school_instead_of_listing_them_all(district, login_as,
                                                                          make_school):
    for n in range(1, 24):
        make_school(code=f"TH-TP{n}", name=f"Trường Tiểu học Tân Phú {n}")
    admin = login_as(district.admin)
    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert "Trường Tiểu học Tân Phú 1" not in page and 'name="school_q"' in page
    assert 'value="" checked' in page  # "Không thuộc trường nào" until a school is chosen
    found = admin.get("/admin/users/schools?school_q=tan+phu").get_data(as_text=True)
    assert found.count('name="school_id" value="') == 21  # "no school" + 20 matches
    assert "Có 23 trường khớp; hãy gõ thêm để thu hẹp." in found
    # Without JavaScript, "Tìm trường" sends the form back with the matches, saving nothing.
    searched = admin.post("/admin/users/new", data={
        "username": "gv9.mn-hoasen", "full_name": "Phan Thị Ngọc Ánh", "role": "staff",
        "school_q": "hoa sen", "find_school": "1"})
    assert searched.status_code == 200 and "Trường Mầm non Hoa Sen" in searched.get_data(
        as_text=True)
    assert not User.select().where(User.username == "gv9.mn-hoasen").exists()
    edit = admin.get(f"/admin/users/{district.staff.id}").get_data(as_text=True)
    assert f'value="{district.preschool.id}" checked' in edit
    for user in (district.officer, district.principal, district.observer):
        assert login_as(user).get("/admin/users/schools?school_q=hoa").status_code == 404
