"""Spreadsheet exports keep Vietnamese, dates and formula-looking text intact."""

import datetime as dt
import io

import openpyxl

from district.exports import csv_bytes, xlsx_bytes

ROWS = [["Trường Mầm non Hoa Sen", dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 8, 30),
         '=HYPERLINK("http://x")', 3]]


def test_csv_has_bom_vietnamese_dates_and_no_formula():
    text = csv_bytes(["Tên trường", "Ngày", "Lúc", "Ghi chú", "Số"], ROWS)
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0] == "Tên trường,Ngày,Lúc,Ghi chú,Số"
    assert lines[1] == ("Trường Mầm non Hoa Sen,05/03/2026,05/03/2026 08:30,"
                        '"\'=HYPERLINK(""http://x"")",3')


def test_xlsx_has_bold_header_frozen_panes_real_dates_and_text_as_text():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("Thử", ["A", "B", "C", "D", "E"], ROWS)))
    sheet = book.active
    assert sheet.title == "Thử" and sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet["B2"].value == dt.datetime(2026, 3, 5)
    assert sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["D2"].value == '=HYPERLINK("http://x")' and sheet["D2"].data_type == "s"
    assert sheet["E2"].value == 3
