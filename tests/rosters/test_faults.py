"""The roster faults of issue 8, as a user would notice them: what the training figure counts,
which row or member a warning names, the current roster downloaded and uploaded again, a preview
that says it replaces the list and shows who changes, English without codes or Vietnamese, and
the upload's state kept in its own table."""

import io

import openpyxl

from district.models import AuditEntry, Roster, RosterUpload, StoredFile, User
from district.rosters import operations, queries
from district.rosters.vocabulary import STATE_LABELS, STATES

from .conftest import member
from .files import HEADER, ROWS, csv_bytes, fill_template
from .test_upload import upload


def _section(page, start, end="</p>"):
    return page.split(start, 1)[1].split(end, 1)[0]


# --- a. The training figure says exactly what it counts -------------------------------------


def test_the_roster_counts_every_trained_member_and_the_groups_the_rules_want(
        app, login_as, district, save_roster):
    operations.set_rule_set(district.officer, "tt31-2017")  # counselors must be trained
    rows = [
        member("Trần Thị Lan", "to_truong", "leadership", position="Hiệu trưởng"),
        member("Nguyễn Văn Bình", "to_pho", "counselor"),
        member("Đỗ Thị Mai", "thanh_vien", "counselor", trained=False),
        member("Lê Thị Hoa", "thanh_vien", "health"),
        member("Phạm Minh Đức", "thanh_vien", "parent"),
        member("Võ Thanh Tâm", "thanh_vien", "union", trained=False),
    ]
    roster = save_roster(district.secondary, district.other_principal, rows)
    page = login_as(district.other_principal).get("/rosters/").get_data(as_text=True)
    figure = _section(page, 'id="roster-training">', "</span>")
    assert figure == ("6 thành viên, 4 đã tập huấn; nhóm phải tập huấn theo quy định (Giáo "
                      "viên làm công tác tư vấn): 1/2 đã tập huấn")
    version = login_as(district.officer).get(f"/rosters/versions/{roster.id}").get_data(
        as_text=True)
    assert "6 thành viên, 4 đã tập huấn;" in version and "1/2 đã tập huấn" in version


# --- b. The preview names the file's row; the saved roster names the member -------------------


def test_a_warning_names_the_files_row_in_the_preview_and_the_member_once_saved(
        app, login_as, district):
    client = login_as(district.principal)
    rows = [list(r) for r in ROWS]
    rows[3][7] = "Không"  # the 4th member, on row 6 of the template (header, example, 3, 4, 5, 6)
    rows[1][7], rows[1][8] = "Không", ""  # the counselor, on row 4
    rows[3][4] = "Giáo viên làm công tác tư vấn"
    filled = fill_template(client.get("/rosters/template.xlsx").data, rows)
    page = upload(client, filled).get_data(as_text=True)
    warnings = _section(page, 'class="issues issues-warning">', "</ul>")
    assert "Dòng 6 của tệp, Đã tập huấn: Phạm Quốc Dũng chưa được tập huấn" in warnings
    assert "Dòng 4 của tệp, Đã tập huấn: Nguyễn Thị Ngọc Ánh chưa được tập huấn" in warnings

    stored = StoredFile.select().order_by(StoredFile.id.desc()).first()
    assert client.post("/rosters/upload/confirm",
                       data={"file_id": str(stored.id), "version": "0"}).status_code == 302
    saved = client.get("/rosters/").get_data(as_text=True)
    warnings = _section(saved, 'class="issues issues-warning">', "</ul>")
    assert "Phạm Quốc Dũng chưa được tập huấn" in warnings
    assert "Nguyễn Thị Ngọc Ánh chưa được tập huấn" in warnings
    assert "Dòng" not in warnings


def test_a_member_without_a_role_is_named_on_the_saved_roster(app, login_as, district,
                                                              save_roster):
    rows = [member("Trần Thị Lan", "to_truong", "leadership"), member("Hà Văn Sơn", "")]
    save_roster(district.preschool, district.principal, rows)
    page = login_as(district.staff).get("/rosters/").get_data(as_text=True)
    errors = _section(page, 'class="issues issues-error">', "</ul>")
    assert "Hà Văn Sơn chưa có vai trò trong tổ." in errors and "Dòng" not in errors


# --- c. The current roster, downloaded in the template's layout, uploaded again ---------------


def _download(client):
    response = client.get("/rosters/current.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_the_principal_downloads_the_current_roster_in_the_templates_layout(
        app, login_as, district, save_roster):
    roster = save_roster(district.preschool, district.principal)
    client = login_as(district.principal)
    assert 'href="/rosters/current.xlsx"' in client.get("/rosters/").get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(_download(client)))
    template = openpyxl.load_workbook(io.BytesIO(client.get("/rosters/template.xlsx").data))
    assert book.sheetnames == template.sheetnames
    sheet = book.active
    assert [c.value for c in sheet[1]] == HEADER
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {str(v.sqref): v.formula1
                     for v in template.active.data_validations.dataValidation}
    names = [sheet.cell(row=r, column=2).value for r in range(3, 3 + roster.member_count)]
    assert names == [m.full_name for m in queries.members_of(roster)]
    assert sheet["D3"].value == "Tổ trưởng" and sheet["E3"].value == "Lãnh đạo nhà trường"
    assert sheet["H3"].value == "Có" and sheet["I3"].value.date().isoformat() == "2025-08-15"
    entry = AuditEntry.select().where(AuditEntry.action == "roster.download").get()
    assert entry.details["version"] == 1


def test_download_upload_unchanged_shows_no_change_and_one_change_shows_one(
        app, login_as, district, save_roster):
    rows = [m | {"phone": "0912 345 678", "email": "lan@example.edu.vn"}
            for m in [member("Trần Thị Lan", "to_truong", "leadership")]]
    save_roster(district.preschool, district.principal,
                rows + [member("Nguyễn Văn Bình", "to_pho", "counselor"),
                        member("Lê Thị Hoa", "thanh_vien", "health", trained=False)])
    client = login_as(district.principal)
    data = _download(client)
    page = upload(client, data).get_data(as_text=True)
    changes = _section(page, 'id="preview-changes">', "</div>\n  <table")
    assert "Không thay đổi thành viên." in changes

    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active["C5"] = "Nhân viên y tế trường"  # Lê Thị Hoa's position
    out = io.BytesIO()
    book.save(out)
    page = upload(client, out.getvalue()).get_data(as_text=True)
    changes = _section(page, 'id="preview-changes">', "</div>\n  <table")
    assert "Sửa: Lê Thị Hoa (chức vụ)" in changes
    assert "Thêm:" not in changes and "Bỏ:" not in changes


def test_who_may_download_the_current_roster(app, login_as, district, save_roster):
    save_roster(district.preschool, district.principal)
    assert login_as(district.staff).get("/rosters/current.xlsx").status_code == 200
    for user in (district.officer, district.observer, district.admin):
        assert login_as(user).get("/rosters/current.xlsx").status_code == 404


# --- d. The preview says it replaces the list, and who is added, changed, removed -------------


def test_the_preview_says_it_replaces_the_current_list_and_who_changes(app, login_as, district,
                                                                     save_roster):
    save_roster(district.preschool, district.principal, [
        member("Trần Thị Lan", "to_truong", "leadership", position="Hiệu trưởng"),
        member("Nguyễn Thị Ngọc Ánh", "to_pho", "counselor", position="Giáo viên",
               phone="0987 654 321"),
        member("Đinh Văn Cũ", "thanh_vien", "other"),
    ])
    client = login_as(district.principal)
    # The file writes names in another case and without diacritics for one: still matched.
    rows = [list(r) for r in ROWS]
    rows[0][1] = "TRẦN THỊ LAN"
    page = upload(client, csv_bytes(rows=rows), "a.csv").get_data(as_text=True)
    changes = _section(page, 'id="preview-changes">', "</div>\n  <table")
    assert ("Khi xác nhận, danh sách trong tệp thay thế toàn bộ danh sách hiện hành (phiên bản "
            "1, 3 thành viên): ai không có trong tệp sẽ bị bỏ khỏi tổ.") in changes
    assert "Thêm: Lê Thị Hoa, Phạm Quốc Dũng" in changes
    assert "Bỏ: Đinh Văn Cũ" in changes
    assert "Sửa: TRẦN THỊ LAN" in changes and "Nguyễn Thị Ngọc Ánh (" in changes
    assert "thay danh sách hiện hành" in _section(page, 'id="confirm-upload">', "</button>")


def test_the_first_upload_says_it_becomes_version_one(app, login_as, district):
    page = upload(login_as(district.principal), csv_bytes(), "a.csv").get_data(as_text=True)
    assert "Trường chưa có danh sách; khi xác nhận, danh sách trong tệp thành phiên bản 1." in (
        page)


# --- e. English: every state has a label; rule sets have English names -------------------------


def test_every_state_reads_in_english_without_codes(app, login_as, district, save_roster):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            labels = {state: str(STATE_LABELS[state]) for state in STATES}
    assert labels == {"none": "No roster yet", "incomplete": "Incomplete",
                      "warnings": "Complete with warnings", "complete": "Complete"}
    User.update(locale="en").where(User.id.in_([district.officer.id,
                                                district.staff.id])).execute()
    home = login_as(district.staff).get("/").get_data(as_text=True)
    assert "No roster yet" in home and "None" not in home
    page = login_as(district.officer).get("/rosters/").get_data(as_text=True)
    assert ">No roster yet<" in page and ">None<" not in page


def test_rule_sets_have_english_names(app, login_as, district, save_roster):
    save_roster(district.secondary, district.other_principal)
    User.update(locale="en").where(User.id.in_([district.officer.id,
                                                district.other_principal.id])).execute()
    rules = login_as(district.officer).get("/rosters/rules").get_data(as_text=True)
    assert 'id="in-force">Circular 18/2025/TT-BGDĐT<' in rules
    assert "The education authority&#39;s own rules for preschool education" in rules
    assert "Thông tư" not in rules and "Quy định riêng" not in rules
    school = login_as(district.other_principal).get("/rosters/").get_data(as_text=True)
    assert "Checked against: Circular 18/2025/TT-BGDĐT" in school
    export = login_as(district.officer).get("/rosters/coverage.csv").get_data(as_text=True)
    assert "Circular 18/2025/TT-BGDĐT" in export and "Thông tư" not in export


# --- The upload's state lives in its own table ---------------------------------------------------


def test_the_upload_records_its_preview_and_confirmation_without_the_audit_log(
        app, login_as, district, save_roster):
    save_roster(district.preschool, district.principal)
    client = login_as(district.principal)
    assert upload(client, csv_bytes(), "a.csv").status_code == 200
    upload_row = RosterUpload.get()
    assert (upload_row.school_id, upload_row.uploaded_by_id) == (district.preschool.id,
                                                                district.principal.id)
    assert upload_row.base_version == 1 and upload_row.confirmed_at is None
    # The audit log is a record, not the state: confirming does not read it.
    AuditEntry.delete().where(AuditEntry.action == "roster.upload_preview").execute()
    response = client.post("/rosters/upload/confirm",
                           data={"file_id": str(upload_row.file_id), "version": "1"})
    assert response.status_code == 302
    upload_row = RosterUpload.get()
    roster = queries.current_roster(district.preschool.id)
    assert upload_row.confirmed_by_id == district.principal.id
    assert upload_row.confirmed_at is not None and upload_row.roster_id == roster.id
    assert roster.version == 2 and roster.source_file_id == upload_row.file_id
    assert Roster.select().count() == 2
