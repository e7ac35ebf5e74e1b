"""The printed directive (Nghị định 30/2020/NĐ-CP, Phụ lục I) and the printed tracking table:
real PDF files, read back with pypdf, for whoever may see the directive or its tracking."""

import datetime as dt
import io
import os
import re
import unicodedata

import pytest
from pypdf import PdfReader

from district.directives import operations, pdf
from district.models import AuditEntry, Recipient, User

A4 = (595.28, 841.89)  # points


@pytest.fixture(autouse=True)
def _drawing():
    """WeasyPrint needs Debian's Pango and fonts (`make system-deps`; .ci/run installs them):
    required in CI, skipped with the reason elsewhere."""
    if not pdf.available() and os.environ.get("CI") != "true":
        pytest.skip("WeasyPrint cannot load Pango here: run `make system-deps` as root")


def read(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(reader):
    """The text with every run of white space as one space (lines wrap where the layout says)."""
    return " ".join(text_of(reader).split())


def fonts_of(reader):
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for key in fonts:
            names.add(str(fonts[key].get_object()["/BaseFont"]).split("+")[-1])
    return names


def size_of(page):
    box = page.mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


# --- The directive -----------------------------------------------------------------------------


def test_a_directive_prints_as_an_a4_letter_in_the_decree_layout(district, login_as,
                                                                 make_directive, today):
    directive = make_directive(body="Các trường **triển khai** ngay, báo cáo kết quả về Phòng.")
    reader = read(login_as(district.officer).get(f"/directives/{directive.id}.pdf"))
    assert all(size_of(page) == A4 for page in reader.pages)
    lines = text_of(reader).splitlines()
    issued = directive.issued_on
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    for line in ["UBND HUYỆN SÔNG XANH", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                 f"Số: {directive.number}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc",
                 f"Sông Xanh, ngày {issued.day:02d} tháng {month} năm {issued.year}",
                 "Kính gửi: Hiệu trưởng các trường trực thuộc.",
                 "Nơi nhận:", "- Như trên;", "- Lưu: VT, CTHSSV.", "TRƯỞNG PHÒNG",
                 "Nguyễn Văn Trưởng"]:
        assert line in lines, (line, lines)
    text = flat(reader)
    # A công văn: the trích yếu under the number, as "V/v ...".
    assert "V/v phòng, chống bạo lực học đường số 1" in text
    assert "Về việc" not in text
    assert "Các trường triển khai ngay, báo cáo kết quả về Phòng." in text
    assert "DỰ THẢO" not in text


TONES = "\u0300\u0309\u0303\u0301\u0323"  # huyền, hỏi, ngã, sắc, nặng
# Every letter of Vietnamese: each vowel with each tone, and the consonants, as words.
WORDS = ["".join(unicodedata.normalize("NFC", v + t) for t in ("", *TONES))
         for v in "aăâeêioôơuưy"] + ["bcdđghklmnpqrstvx"]


def test_every_vietnamese_letter_is_drawn_by_the_documents_serif_font(district, login_as,
                                                                      make_directive):
    lower = " ".join(WORDS)
    upper = lower.upper()
    directive = make_directive(title=f"Về việc {upper}",
                               body=f"{lower}\n\n**{upper}**\n\n*{lower}*\n\n***{upper}***")
    reader = read(login_as(district.officer).get(f"/directives/{directive.id}.pdf"))
    text = flat(reader)
    for word in lower.split() + upper.split():  # every letter with its marks, none lost
        assert word in text, word
    # Every glyph came from the document's font (a letter it lacked would be drawn by a
    # fallback font, or as a box): regular, bold, italic and bold italic.
    fonts = fonts_of(reader)
    assert len(fonts) == 4, fonts
    assert all(re.match(r"(Liberation-?Serif|Times-?New-?Roman)", f) for f in fonts), fonts


def test_a_deputy_signs_on_behalf_of_the_head(district, login_as, make_directive):
    directive = make_directive(signer="Lê Thị Hồng – Phó Trưởng phòng")
    lines = text_of(read(login_as(district.officer).get(f"/directives/{directive.id}.pdf")))
    lines = lines.splitlines()
    at = lines.index("KT. TRƯỞNG PHÒNG")
    assert lines[at + 1:at + 3] == ["PHÓ TRƯỞNG PHÒNG", "Lê Thị Hồng"]


def test_a_plan_prints_its_kind_as_heading_and_its_recipients_under_noi_nhan(
        district, login_as, make_directive):
    directive = make_directive(number="15/KH-PGDĐT", title="Tổ chức Tháng hành động vì trẻ em",
                               audience_kind="filter", audience_levels=["mam_non", "tieu_hoc"],
                               audience_ownerships=["cong_lap"])
    reader = read(login_as(district.officer).get(f"/directives/{directive.id}.pdf"))
    lines = text_of(reader).splitlines()
    at = lines.index("KẾ HOẠCH")
    assert lines[at + 1] == "Tổ chức Tháng hành động vì trẻ em"
    text = flat(reader)
    assert "Nơi nhận: - Các trường mầm non, tiểu học (công lập) trực thuộc; - Lưu: VT." in text
    assert "Kính gửi:" not in text and "V/v" not in text


def test_schools_chosen_one_by_one_are_named_to_the_office_and_to_each_school_only_itself(
        district, login_as, make_directive):
    ids = [district.preschool.id, district.secondary.id]
    directive = make_directive(audience_kind="list", audience_school_ids=ids)
    office = flat(read(login_as(district.officer).get(f"/directives/{directive.id}.pdf")))
    assert ("Kính gửi: - Hiệu trưởng Trường Mầm non Hoa Sen; "
            "- Hiệu trưởng Trường THCS Nguyễn Du.") in office
    school = flat(read(login_as(district.principal).get(f"/directives/{directive.id}.pdf")))
    assert "Hiệu trưởng Trường Mầm non Hoa Sen" in school
    assert "1 trường khác" in school and "Nguyễn Du" not in school


def test_many_chosen_schools_are_listed_in_an_appendix(district, login_as, make_directive,
                                                       make_school):
    schools = [make_school(name=f"Trường Tiểu học Hòa Bình {n}") for n in range(1, 8)]
    directive = make_directive(audience_kind="list", audience_school_ids=[s.id for s in schools])
    reader = read(login_as(district.officer).get(f"/directives/{directive.id}.pdf"))
    text = flat(reader)
    assert "Kính gửi: Hiệu trưởng các trường có tên trong danh sách kèm theo." in text
    assert "DANH SÁCH CÁC TRƯỜNG NHẬN VĂN BẢN" in text
    assert all(s.name in text for s in schools)
    assert len(reader.pages) >= 2
    assert "2" in reader.pages[1].extract_text().splitlines()  # pages numbered from the second


def test_the_letterhead_and_the_place_are_settings(app, district, login_as, make_directive):
    directive = make_directive(signer="Phạm Văn An")
    app.config.update(OFFICE_NAME="Phòng Văn hóa – Xã hội phường Hòa Bình",
                      OFFICE_PLACE="phường Hòa Bình, tỉnh Bình An")
    lines = text_of(read(login_as(district.officer).get(f"/directives/{directive.id}.pdf")))
    lines = lines.splitlines()
    assert "UBND PHƯỜNG HÒA BÌNH" in lines and "PHÒNG VĂN HÓA – XÃ HỘI" in lines
    assert any(line.startswith("Hòa Bình, ngày ") for line in lines)
    app.config.update(OFFICE_PARENT="", OFFICE_ISSUER="Sở Giáo dục và Đào tạo",
                      DOCUMENT_PLACE="Bình An", OFFICE_HEAD_TITLE="Giám đốc")
    lines = text_of(read(login_as(district.officer).get(f"/directives/{directive.id}.pdf")))
    lines = lines.splitlines()
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in lines and not any("UBND" in line for line in lines)
    assert any(line.startswith("Bình An, ngày ") for line in lines)
    assert "GIÁM ĐỐC" in lines and "Phạm Văn An" in lines


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 1, 5), "Sông Xanh, ngày 05 tháng 01 năm 2026"),
    (dt.date(2026, 2, 28), "Sông Xanh, ngày 28 tháng 02 năm 2026"),
    (dt.date(2026, 3, 9), "Sông Xanh, ngày 09 tháng 3 năm 2026"),
    (dt.date(2026, 12, 31), "Sông Xanh, ngày 31 tháng 12 năm 2026"),
])
def test_days_under_ten_and_months_under_three_take_a_zero(day, expected):
    assert pdf.place_and_date("Sông Xanh", day) == expected


def test_the_pdf_is_in_vietnamese_whatever_the_readers_language(district, login_as,
                                                               make_directive):
    directive = make_directive()
    User.update(locale="en").where(User.id == district.principal.id).execute()
    client = login_as(district.principal)
    page = client.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "Download PDF" in page  # the page is in English
    text = flat(read(client.get(f"/directives/{directive.id}.pdf")))
    assert "Nơi nhận:" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_a_draft_is_marked_and_a_withdrawn_directive_says_so(district, login_as,
                                                            make_directive):
    officer = login_as(district.officer)
    draft = make_directive(publish=False)
    assert "DỰ THẢO" in flat(read(officer.get(f"/directives/{draft.id}.pdf")))
    withdrawn = operations.withdraw(district.officer, make_directive())
    text = flat(read(officer.get(f"/directives/{withdrawn.id}.pdf")))
    assert "Văn bản đã bị thu hồi ngày" in text


# --- Who may download it ---------------------------------------------------------------------


def test_whoever_may_see_the_directive_may_download_it_and_nobody_else(
        district, login_as, make_directive, client):
    directive = make_directive(audience_kind="filter", audience_levels=["mam_non"])
    url = f"/directives/{directive.id}.pdf"
    for user in (district.admin, district.officer, district.principal, district.staff):
        read(login_as(user).get(url))
    for user in (district.other_principal, district.other_staff, district.observer):
        assert login_as(user).get(url).status_code == 404, user.username
    assert client.get(url).status_code in (302, 401)
    draft = make_directive(publish=False, audience_kind="filter", audience_levels=["mam_non"])
    assert login_as(district.principal).get(f"/directives/{draft.id}.pdf").status_code == 404
    assert login_as(district.officer).get("/directives/999999.pdf").status_code == 404


def test_downloading_the_pdf_is_opening_the_directive(district, login_as, make_directive):
    directive = make_directive()
    read(login_as(district.staff).get(f"/directives/{directive.id}.pdf"))
    receipt = Recipient.get(Recipient.directive == directive.id,
                            Recipient.school == district.preschool.id)
    assert receipt.first_read_at is not None and receipt.first_read_by_id == district.staff.id


def test_the_directive_page_links_to_its_pdf(district, login_as, make_directive):
    directive = make_directive()
    for user in (district.officer, district.staff):
        page = login_as(user).get(f"/directives/{directive.id}").get_data(as_text=True)
        assert f'href="/directives/{directive.id}.pdf"' in page and "Tải bản PDF" in page


def test_without_pango_the_pdf_answers_a_clear_page_not_an_error(district, login_as,
                                                                 make_directive, monkeypatch):
    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    directive = make_directive()
    for url in (f"/directives/{directive.id}.pdf", f"/directives/{directive.id}/tracking.pdf"):
        response = login_as(district.officer).get(url)
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "Chưa tạo được bản PDF" in page and "WeasyPrint" in page


# --- The tracking table ----------------------------------------------------------------------


def test_the_tracking_table_prints_in_landscape_with_the_directive_and_each_school(
        district, login_as, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive, "Đã triển khai đến giáo viên")
    reader = read(login_as(district.officer).get(f"/directives/{directive.id}/tracking.pdf"))
    width, height = size_of(reader.pages[0])
    assert (height, width) == A4
    text = flat(reader)
    assert "BẢNG THEO DÕI XÁC NHẬN VĂN BẢN" in text
    assert f"Văn bản số {directive.number}" in text and directive.title in text
    assert "1/2 trường đã xác nhận (50%)" in text
    assert "Trường Mầm non Hoa Sen" in text and "Trường THCS Nguyễn Du" in text
    assert "Đã xác nhận" in text and "Trần Thị Lan" in text
    assert "Đã triển khai đến giáo viên" in text
    assert "Trang 1/1" in text
    # Printed like any other export: recorded in the audit log.
    entry = AuditEntry.select().where(AuditEntry.action == "directive.export").get()
    assert entry.details == {"format": "pdf"} and entry.target_id == str(directive.id)


def test_the_printed_table_keeps_the_pages_filters(district, login_as, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    reader = read(login_as(district.officer).get(
        f"/directives/{directive.id}/tracking.pdf?state=acknowledged"))
    text = flat(reader)
    assert "Lọc theo: Trạng thái: Đã xác nhận (1 trường)." in text
    assert "Trường Mầm non Hoa Sen" in text and "Trường THCS Nguyễn Du" not in text


def test_a_long_table_is_printed_up_to_its_bound_and_says_so(district, login_as,
                                                            make_directive, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PRINTED_ROWS", 1)
    directive = make_directive()
    text = flat(read(login_as(district.officer).get(f"/directives/{directive.id}/tracking.pdf")))
    assert "Bản in gồm 1 trường đầu tiên trong 2 trường của bảng" in text
    assert "Trường Mầm non Hoa Sen" in text and "Trường THCS Nguyễn Du" not in text


def test_only_the_office_prints_the_tracking_table(district, login_as, make_directive):
    directive = make_directive()
    url = f"/directives/{directive.id}/tracking.pdf"
    read(login_as(district.admin).get(url))
    for user in (district.principal, district.staff, district.observer):
        assert login_as(user).get(url).status_code == 404, user.username


def test_the_tracking_page_links_to_the_printed_table_with_its_filters(district, login_as,
                                                                       make_directive):
    directive = make_directive()
    page = login_as(district.officer).get(
        f"/directives/{directive.id}/tracking?state=overdue").get_data(as_text=True)
    assert f'href="/directives/{directive.id}/tracking.pdf?state=overdue' in page
