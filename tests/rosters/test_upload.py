"""Uploads: round trips (template, CSV in three encodings, LibreOffice XLSX), the preview that
saves nothing, the confirmation that saves all, and every bad input with its message."""

import datetime as dt
import io
import os
import shutil
import subprocess
import unicodedata

import pytest

from district.models import Roster, RosterMember, StoredFile
from district.rosters import formats, queries

from .files import HEADER, ROWS, csv_bytes, fill_template, with_macro, xlsx_bytes

NAMES = [r[1] for r in ROWS]


def upload(client, data, filename="to-tu-van.xlsx"):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    # Encoded in memory: the test client would spool a large body to a temporary file that it
    # never closes (a ResourceWarning, which is an error here).
    boundary, body = encode_multipart(
        {"file": FileStorage(stream=io.BytesIO(data), filename=filename)})
    return client.post("/rosters/upload", data=body,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def parse(data, filename="x"):
    return formats.read_roster(data)


def refused(data, filename="x"):
    with pytest.raises(formats.FileRefused) as info:
        formats.read_roster(data)
    return info.value


# --- Round trips -------------------------------------------------------------------------


def test_template_has_vietnamese_headers_lists_example_and_widths(app, login_as, district):
    import openpyxl

    response = login_as(district.principal).get("/rosters/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A2"].value == "Ví dụ"
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["D2"] == '"Tổ trưởng,Tổ phó,Thành viên"'
    assert "Lãnh đạo nhà trường" in lists["E2"] and "Phụ trách Đoàn/Đội" in lists["E2"]
    assert sheet.column_dimensions["B"].width >= 20
    assert book.sheetnames == ["Tổ tư vấn", "Hướng dẫn"]


def test_template_filled_by_openpyxl_round_trip(app, login_as, district):
    client = login_as(district.principal)
    filled = fill_template(client.get("/rosters/template.xlsx").data)
    response = upload(client, filled)
    assert response.status_code == 200, response.data[:2000]
    page = response.get_data(as_text=True)
    for name in NAMES:
        assert name in page
    assert "Ví dụ" not in page.split('id="preview"')[1].split("</table>")[0]
    # The preview saved no roster.
    assert Roster.select().count() == 0
    file_id = StoredFile.select().order_by(StoredFile.id.desc()).first().id
    response = client.post("/rosters/upload/confirm",
                           data={"file_id": str(file_id), "version": "0"})
    assert response.status_code == 302
    roster = queries.current_roster(district.preschool.id)
    assert roster.version == 1 and roster.source_file_id == file_id
    members = queries.members_of(roster)
    assert [m.full_name for m in members] == NAMES
    assert members[0].trained_on == dt.date(2025, 8, 15)
    assert members[0].phone == "0912 345 678"
    assert members[0].team_role == "to_truong" and members[0].member_group == "leadership"
    assert members[1].trained_on == dt.date(2024, 11, 2)
    assert not members[2].trained
    # No counselor is missing and all are present: only the preschool's warnings remain none.
    assert roster.state == "complete"
    # Confirming twice does not make a second version.
    client.post("/rosters/upload/confirm", data={"file_id": str(file_id), "version": "0"})
    assert Roster.select().count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
@pytest.mark.parametrize("nfd", [False, True])
def test_csv_in_three_encodings_gives_nfc_names(app, encoding, nfd):
    data = csv_bytes(encoding=encoding, nfd=nfd)
    if encoding == "cp1258":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    parsed = parse(data, "to-tu-van.csv")
    assert parsed.ok, parsed.problems
    names = [m["full_name"] for m in parsed.members]
    assert names == NAMES
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert parsed.members[0]["team_role"] == "to_truong"
    assert parsed.members[1]["member_group"] == "counselor"
    assert parsed.members[0]["trained_on"] == dt.date(2025, 8, 15)


def test_csv_with_semicolons_as_excel_writes_in_vietnamese_locale(app):
    parsed = parse(csv_bytes(delimiter=";", encoding="utf-8-sig"))
    assert [m["full_name"] for m in parsed.members] == NAMES
    parsed = parse(b"sep=;\r\n" + csv_bytes(delimiter=";"))
    assert parsed.ok and [m["full_name"] for m in parsed.members] == NAMES


def test_xlsx_written_by_libreoffice_is_read_back(app, tmp_path):
    soffice = shutil.which("soffice") or ("/usr/bin/soffice" if os.path.exists(
        "/usr/bin/soffice") else None)
    if soffice is None:
        message = "LibreOffice (soffice) is not installed: LibreOffice round trip skipped"
        print(message)
        pytest.skip(message)
    source = tmp_path / "to-tu-van.csv"
    source.write_bytes(csv_bytes(encoding="utf-8"))
    profile = tmp_path / "lo-profile"
    # CSV filter: comma, double quote, UTF-8 (76), first line 1, Vietnamese locale (1066) so
    # that dd/mm/yyyy is read as a day first.
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--infilter=CSV:44,34,76,1,,1066", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(source)],
        check=True, timeout=180, capture_output=True,
    )
    data = (tmp_path / "to-tu-van.xlsx").read_bytes()
    parsed = parse(data, "to-tu-van.xlsx")
    assert parsed.kind == "xlsx"
    assert parsed.ok, parsed.problems
    assert [m["full_name"] for m in parsed.members] == NAMES
    assert parsed.members[0]["trained_on"] == dt.date(2025, 8, 15)
    assert parsed.members[1]["trained_on"] == dt.date(2024, 11, 2)
    assert parsed.members[0]["phone"] == "0912 345 678"
    assert [m["trained"] for m in parsed.members] == [True, True, False, False]


# --- Dates, numbers -----------------------------------------------------------------------


def test_dates_as_text_as_date_cells_and_as_excel_serials(app):
    rows = [list(r) for r in ROWS]
    rows[0][8] = "15/08/2025"  # text
    rows[1][8] = 45884  # Excel serial of 15/08/2025
    rows[2][8] = dt.datetime(2025, 8, 15)  # a real date cell
    rows[3][8] = "45884"  # a serial typed as text
    parsed = parse(xlsx_bytes(rows))
    assert parsed.ok, parsed.problems
    assert [m["trained_on"] for m in parsed.members] == [dt.date(2025, 8, 15)] * 4
    # A date means the member was trained, even if the yes/no column says otherwise.
    assert all(m["trained"] for m in parsed.members)


def test_phone_typed_as_a_number_keeps_its_leading_zero(app):
    rows = [list(r) for r in ROWS]
    rows[0][5] = 912345678
    parsed = parse(xlsx_bytes(rows))
    assert parsed.members[0]["phone"] == "0912345678"


# --- Bad inputs ---------------------------------------------------------------------------


def test_not_xlsx_or_csv(app):
    assert "không phải XLSX hay CSV" in str(refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"))
    assert "không phải XLSX hay CSV" in str(refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "không phải XLSX hay CSV" in str(refused(out.getvalue(), "a.xlsx"))
    assert "Excel 97-2003" in str(refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600))
    assert "Tệp trống" in str(refused(b""))


def test_xlsx_with_macros_is_refused(app):
    message = str(refused(with_macro(xlsx_bytes(ROWS)), "to-tu-van.xlsm"))
    assert "macro" in message


def test_file_over_5_mb_is_refused(app):
    data = csv_bytes() + b"x" * (5 * 1024 * 1024)
    assert "lớn hơn 5 MB" in str(refused(data))


def test_more_than_200_rows_is_refused(app):
    rows = [[str(i), f"Nguyễn Văn {i}", "Giáo viên", "Thành viên", "Khác", "", "", "Không", ""]
            for i in range(1, 202)]
    assert "201 dòng" in str(refused(csv_bytes(rows=rows)))
    assert "tối đa 200" in str(refused(csv_bytes(rows=rows)))
    assert parse(csv_bytes(rows=rows[:200])).ok


def test_formulas_are_named_by_cell(app):
    rows = [list(r) for r in ROWS]
    rows[1][1] = "=UPPER(B2)"
    parsed = parse(xlsx_bytes(rows))
    assert not parsed.ok
    (row, column, message), = parsed.problems
    assert row == 3 and str(column) == "Họ và tên"
    assert "B3" in message and "công thức" in message


def test_merged_header_cells_are_refused(app):
    error = refused(xlsx_bytes(ROWS, edit=lambda s: s.merge_cells("F1:G1")))
    assert "ô bị gộp" in str(error) and "F1:G1" in str(error)


def test_extra_and_missing_columns_are_named(app):
    extra = refused(csv_bytes(header=[*HEADER, "Ghi chú"], rows=[[*r, ""] for r in ROWS]))
    assert any("Ghi chú" in message and column == "J" for _row, column, message
               in extra.problems)
    missing = refused(csv_bytes(header=HEADER[:2] + HEADER[3:], rows=[r[:2] + r[3:]
                                                                      for r in ROWS]))
    assert [(row, str(column)) for row, column, _m in missing.problems] == [(1, "Chức vụ")]
    assert "Thiếu cột “Chức vụ”" in missing.problems[0][2]


def test_bad_values_are_named_by_row_and_column(app):
    rows = [list(r) for r in ROWS]
    rows[0][8] = "31/02/2025"
    rows[1][3] = "Chủ tịch"
    rows[2][4] = "Bảo vệ"
    rows[3][6] = "khong-phai-email"
    rows[3][7] = "Có lẽ"
    parsed = parse(csv_bytes(rows=rows))
    found = {(row, str(column)) for row, column, _m in parsed.problems}
    assert found == {(2, "Ngày tập huấn"), (3, "Vai trò trong tổ"), (4, "Nhóm thành viên"),
                     (5, "Thư điện tử"), (5, "Đã tập huấn")}
    assert any("31/02/2025" in m and "ngày/tháng/năm" in m for _r, _c, m in parsed.problems)


def test_bad_file_shows_problems_and_saves_nothing(app, login_as, district):
    client = login_as(district.principal)
    rows = [list(r) for r in ROWS]
    rows[1][3] = "Chủ tịch"
    response = upload(client, csv_bytes(rows=rows), "to-tu-van.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chủ tịch" in page and "Vai trò trong tổ" in page
    assert "chưa lưu dòng nào" in page
    assert 'id="confirm-upload"' not in page
    assert Roster.select().count() == 0 and RosterMember.select().count() == 0
    assert StoredFile.select().count() == 0

    response = upload(client, with_macro(xlsx_bytes(ROWS)), "x.xlsm")
    assert response.status_code == 422
    assert "macro" in response.get_data(as_text=True)


def test_missing_name_or_role_make_the_roster_incomplete_in_the_preview(app, login_as,
                                                                          district):
    rows = [list(r) for r in ROWS] + [["5", "", "Giáo viên", "Thành viên", "Khác", "", "",
                                       "Không", ""]]
    response = upload(login_as(district.principal), csv_bytes(rows=rows), "a.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chưa đầy đủ" in page
    assert ("Dòng 6 của tệp, Họ và tên: Một thành viên (chức vụ “Giáo viên”) chưa có họ và "
            "tên.") in page


def test_confirm_needs_the_uploader_and_a_clean_file(app, login_as, district):
    client = login_as(district.principal)
    upload(client, csv_bytes(), "a.csv")
    file_id = StoredFile.select().first().id
    other = login_as(district.other_principal)
    response = other.post("/rosters/upload/confirm", data={"file_id": str(file_id), "version": "0"},
                          follow_redirects=True)
    assert "Không tìm thấy tệp đã xem trước" in response.get_data(as_text=True)
    assert Roster.select().count() == 0
    staff = login_as(district.staff)
    assert staff.post("/rosters/upload/confirm", data={"file_id": str(file_id), "version": "0"}
                      ).status_code == 404
    assert staff.get("/rosters/upload").status_code == 404


def test_xlsx_that_unpacks_to_a_huge_size_is_refused(app):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (61 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    assert "quá lớn khi giải nén" in str(refused(data, "bomb.xlsx"))


BAD_FILES = {
    "pdf": (b"%PDF-1.7\n1 0 obj", "a.xlsx", "không phải XLSX hay CSV"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a.xls", "Excel 97-2003"),
    "macro": (with_macro(xlsx_bytes(ROWS)), "a.xlsm", "macro"),
    "big": (csv_bytes() + b"x" * (5 * 1024 * 1024), "a.csv", "lớn hơn 5 MB"),
    "rows": (csv_bytes(rows=[[str(i), f"Lê Văn {i}", "", "Thành viên", "Khác", "", "", "", ""]
                             for i in range(201)]), "a.csv", "tối đa 200"),
    "formula": (xlsx_bytes([ROWS[0], [*ROWS[1][:5], "=1+1", *ROWS[1][6:]]]), "a.xlsx",
                "F3 chứa công thức"),
    "merged": (xlsx_bytes(ROWS, edit=lambda s: s.merge_cells("A1:B1")), "a.xlsx", "ô bị gộp"),
    "extra": (csv_bytes(header=[*HEADER, "Ghi chú"], rows=[[*r, ""] for r in ROWS]), "a.csv",
              "Cột thừa “Ghi chú”"),
    "missing": (csv_bytes(header=HEADER[:8], rows=[r[:8] for r in ROWS]), "a.csv",
                "Thiếu cột “Ngày tập huấn”"),
    "date": (csv_bytes(rows=[ROWS[0][:8] + ["15/13/2025"]]), "a.csv", "không phải ngày hợp lệ"),
    "empty": (b"", "a.csv", None),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_every_bad_input_answers_422_with_its_message(app, login_as, district, kind):
    data, filename, message = BAD_FILES[kind]
    response = upload(login_as(district.principal), data, filename)
    assert response.status_code == 422, kind
    page = response.get_data(as_text=True)
    if message:
        assert message in page, kind
    assert 'id="confirm-upload"' not in page
    assert Roster.select().count() == 0


def test_preview_names_row_and_column_of_each_warning(app, login_as, district):
    rows = [list(r) for r in ROWS]
    rows[1][7], rows[1][8] = "Không", ""
    page = upload(login_as(district.principal), csv_bytes(rows=rows), "a.csv").get_data(
        as_text=True)
    assert "Dòng 3 của tệp, Đã tập huấn: Nguyễn Thị Ngọc Ánh chưa được tập huấn" in page


def test_data_in_a_column_without_header_is_named(app):
    rows = [list(r) for r in ROWS]
    rows[2] = [*rows[2], "", "ghi chú lạc chỗ"]
    parsed = parse(xlsx_bytes(rows))
    assert [(r, str(c)) for r, c, _m in parsed.problems] == [(4, "K")]
    assert "không có tiêu đề" in parsed.problems[0][2]
