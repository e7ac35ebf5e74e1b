"""Issue 11: no spreadsheet can stop the site. The one tabular reader streams an XLSX row by row
and stops at the row and column caps before building anything for what lies beyond; it never
trusts the dimension the file declares. (Time and memory are measured by
bench/hostile_uploads.py, not asserted here.)"""

import io
import zipfile

import pytest
from openpyxl.worksheet._reader import WorkSheetParser

from bench.hostile_uploads import xlsx
from district.tabular import FileRefused, Limits, read_table
from tests.rosters.files import ROWS, xlsx_bytes


def upload(client, data, name="doi-ngu.xlsx"):
    return client.post("/rosters/upload", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def parsed_cells(monkeypatch):
    """How many cells openpyxl's cell reader built."""
    counter = {"cells": 0}
    original = WorkSheetParser.parse_cell

    def counting(self, element):
        counter["cells"] += 1
        return original(self, element)

    monkeypatch.setattr(WorkSheetParser, "parse_cell", counting)
    return counter


def test_a_sheet_that_declares_a1_but_holds_many_rows_is_refused_at_the_cap(app, parsed_cells):
    # 20,000 rows of 9 cells behind <dimension ref="A1"/>: reading stops at row 451.
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(9))
    data = xlsx(f"<row>{cells}</row>" for _ in range(20_000))
    with app.test_request_context(), pytest.raises(FileRefused) as refused:
        read_table(data, Limits(max_rows=450, max_columns=40))
    assert "hơn 450 dòng" in str(refused.value) and "tối đa 450 dòng" in str(refused.value)
    assert parsed_cells["cells"] <= 450 * 9  # nothing was built for the rows beyond the cap


def test_a_row_wider_than_the_cap_is_refused_at_the_first_cell_beyond(app, parsed_cells):
    data = xlsx(["<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 16_384 + "</row>"])
    with app.test_request_context(), pytest.raises(FileRefused) as refused:
        read_table(data, Limits(max_columns=40))
    assert "41 cột; tối đa 40 cột" in str(refused.value)
    assert parsed_cells["cells"] <= 40


def test_the_hostile_roster_uploads_are_refused_with_a_clear_message(app, login_as, district):
    principal = login_as(district.principal)
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(9))
    for data, words in (
        # 400,000 rows x 9 columns: 56 MB of sheet XML in about 220 KB.
        (xlsx(f"<row>{cells}</row>" for _ in range(400_000)), "quá lớn khi giải nén"),
        # Under the unpacked-size cap: the row cap stops it.
        (xlsx("<row><c><v>1</v></c></row>" for _ in range(100_000)), "tối đa 450 dòng"),
    ):
        response = upload(principal, data)
        assert response.status_code == 422
        assert words in response.get_data(as_text=True)


def test_a_huge_shared_strings_table_is_refused_before_it_is_read(app):
    book = io.BytesIO(xlsx_bytes(ROWS))
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 700_000
                        + b"</sst>")
    with app.test_request_context(), pytest.raises(FileRefused) as refused:
        read_table(out.getvalue())
    assert "quá lớn khi giải nén" in str(refused.value)


def test_the_streaming_reader_keeps_values_dates_formulas_and_header_merges(app):
    import datetime as dt

    def edit(sheet):
        sheet["J2"] = "=SUM(A2:A3)"
        sheet["C3"] = dt.date(2025, 8, 15)
        sheet.merge_cells("A1:B1")

    with app.test_request_context():
        table = read_table(xlsx_bytes(ROWS, edit=edit))
    assert table.kind == "xlsx"
    assert table.rows[0][1][:2] == ["STT", None]  # the merge hides B1's value
    assert (2, 10) in table.formulas
    assert table.rows[2][1][2] == dt.datetime(2025, 8, 15)
    assert [m.coord for m in table.header_merges] == ["A1:B1"]


def test_a_roster_csv_with_18280_header_columns_is_refused_with_a_message(app, login_as,
                                                                           district):
    header = ",".join(f"Cột {i}" for i in range(18_280))
    response = upload(login_as(district.principal), (header + "\r\n").encode(), "doi-ngu.csv")
    assert response.status_code == 422
    assert "18280 cột; tối đa 40 cột" in response.get_data(as_text=True)
