"""Roster files as principals make them: the template filled by openpyxl, CSVs in the three
encodings Excel writes on a Vietnamese Windows."""

import io
import unicodedata
import zipfile

import openpyxl

HEADER = ["STT", "Họ và tên", "Chức vụ", "Vai trò trong tổ", "Nhóm thành viên", "Điện thoại",
          "Thư điện tử", "Đã tập huấn", "Ngày tập huấn"]
ROWS = [
    ["1", "Trần Thị Lan", "Hiệu trưởng", "Tổ trưởng", "Lãnh đạo nhà trường", "0912 345 678",
     "lan.tt@example.edu.vn", "Có", "15/08/2025"],
    ["2", "Nguyễn Thị Ngọc Ánh", "Giáo viên", "Tổ phó", "Giáo viên làm công tác tư vấn",
     "0987 654 321", "", "Có", "02/11/2024"],
    ["3", "Lê Thị Hoa", "Nhân viên y tế", "Thành viên", "Nhân viên y tế", "", "", "Không", ""],
    ["4", "Phạm Quốc Dũng", "Trưởng ban đại diện CMHS", "Thành viên",
     "Đại diện cha mẹ học sinh", "", "", "Không", ""],
]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258_form(text):
    """What Excel writes in Windows-1258: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = [p for p in parts if p in TONES]
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out.append(base + "".join(tones))
    return "".join(out)


def csv_bytes(rows=ROWS, header=HEADER, encoding="utf-8", nfd=False, delimiter=","):
    lines = []
    for row in [header, *rows]:
        cells = []
        for cell in row:
            cell = str(cell)
            if nfd:
                cell = unicodedata.normalize("NFD", cell)
            if encoding == "cp1258":
                cell = windows_1258_form(cell)
            if delimiter in cell or '"' in cell:
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(delimiter.join(cells))
    text = "\r\n".join(lines) + "\r\n"
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)


def fill_template(template_bytes, rows=ROWS, as_dates=True):
    """The downloaded template filled in below its example row, as a principal would."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes))
    sheet = book.active
    for offset, row in enumerate(rows):
        values = list(row)
        if as_dates and values[8]:
            d, m, y = (int(x) for x in values[8].split("/"))
            import datetime as dt

            values[8] = dt.date(y, m, d)
        for col, value in enumerate(values, start=1):
            sheet.cell(row=3 + offset, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bytes(rows, header=HEADER, edit=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_macro(xlsx):
    """The same workbook with a VBA project added (what an .xlsm carries)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0fake vba project")
    return out.getvalue()
