"""The one reader of tabular uploads (school import, roster upload, and every later one).

`read_table(data, limits)` takes the bytes of an uploaded XLSX or CSV and returns a `Table`: its
kind, its rows as (row number in the file, [cell values]), the cells that hold formulas, and the
merged ranges touching the header. It refuses, with a translated message (`FileRefused`), what
cannot be read safely, by content and never by name:

- empty files, files over `limits.max_bytes`;
- Excel 97-2003 (.xls) and encrypted workbooks (both are OLE compound files);
- XLSX that unpack to more than `limits.max_unpacked` (decompression bomb), with macros (VBA),
  or that declare more rows or columns than `limits.max_rows` / `limits.max_columns` (a stray
  cell at XFD1048576 would make a reader walk a billion cells);
- anything else that is binary;
- CSV in an encoding that is none of UTF-8, UTF-8 with BOM and Windows-1258 (the Vietnamese
  Windows code page Excel uses), or malformed.

Cell values are as the file holds them (numbers, dates, text); text is NFC, trimmed and free of
control characters by `cell_text()`. What the rows mean is the caller's business.
"""

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

import filetype
import openpyxl
from flask_babel import gettext as _

from .text import clean

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control characters (tab, newline and carriage return are kept: a cell may wrap).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(ValueError):
    """The file cannot be read; the message says why (translated). `problems` lists
    (row, column, message) when the refusal concerns particular cells."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_unpacked: int = 60 * 1024 * 1024
    max_rows: int = 5000
    max_columns: int = 40
    # The sheet to read when the workbook has one of this name; else the first sheet.
    sheet: str | None = None
    # What the file is, in the messages ("danh sách tổ tư vấn", "danh sách trường").
    what: str = ""


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    rows: list = field(default_factory=list)  # [(row number, [values])], blank rows left out
    formulas: set = field(default_factory=set)  # {(row, column number)}
    header_merges: list = field(default_factory=list)  # merged ranges over the header row

    @property
    def header(self):
        return self.rows[0] if self.rows else (None, [])


def read_table(data, limits=Limits()):
    if not data:
        raise FileRefused(_("Tệp trống."))
    if len(data) > limits.max_bytes:
        raise FileRefused(_("Tệp lớn hơn %(mb)d MB; hãy chia nhỏ hoặc bỏ phần thừa.",
                            mb=limits.max_bytes // (1024 * 1024)))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, limits)
    if data[:8] == OLE_SIGNATURE:
        raise FileRefused(_("Tệp Excel 97-2003 (.xls) hoặc tệp có mật khẩu không được hỗ trợ; "
                            "hãy bỏ mật khẩu và lưu lại dưới dạng .xlsx hoặc CSV."))
    if filetype.guess(data) is not None or b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải XLSX hay CSV (kiểm tra theo nội dung, không theo "
                            "tên)."))
    return _read_csv(data, limits)


def cell_text(value):
    """A cell as clean text: NFC, trimmed, no control characters; whole floats lose their .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(CONTROL.sub("", str(value)))


def filled(values):
    return any(v is not None and str(v).strip() for v in values)


def _too_many_rows(count, limits):
    return FileRefused(_("Tệp có %(n)d dòng; tối đa %(max)d dòng.", n=count,
                         max=limits.max_rows))


def _read_xlsx(data, limits):
    unreadable = _("Không đọc được tệp XLSX (tệp hỏng?).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        content_types = (archive.read("[Content_Types].xml")
                         if "[Content_Types].xml" in names else b"")
    except Exception as exc:  # noqa: BLE001 - encrypted entries, unknown compression...
        raise FileRefused(unreadable) from exc
    if sum(info.file_size for info in archive.infolist()) > limits.max_unpacked:
        raise FileRefused(_("Tệp XLSX quá lớn khi giải nén; hãy bỏ phần thừa rồi tải lên."))
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("Tệp không phải XLSX hay CSV (kiểm tra theo nội dung, không theo "
                            "tên)."))
    if "xl/vbaProject.bin" in names or b"macroEnabled" in content_types:
        raise FileRefused(_("Tệp có chứa macro (VBA); vì an toàn, hãy lưu lại dưới dạng "
                            "“Excel Workbook (.xlsx)” rồi tải lên."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise FileRefused(unreadable) from exc
    table = Table(kind="xlsx")
    try:
        sheet = (book[limits.sheet] if limits.sheet in book.sheetnames
                 else book.worksheets[0])
        if sheet.max_row > limits.max_rows:
            raise _too_many_rows(sheet.max_row, limits)
        if sheet.max_column > limits.max_columns:
            raise FileRefused(_("Tệp có %(n)d cột; tối đa %(max)d cột. Hãy xoá dữ liệu thừa ở "
                                "bên phải bảng.", n=sheet.max_column, max=limits.max_columns))
        for row in sheet.iter_rows(max_row=limits.max_rows, max_col=limits.max_columns):
            values = []
            for cell in row:
                if cell.data_type == "f":
                    table.formulas.add((cell.row, cell.column))
                    values.append(None)
                else:
                    values.append(cell.value)
            if row and filled(values):
                table.rows.append((row[0].row, values))
        merged = list(sheet.merged_cells.ranges)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise FileRefused(unreadable) from exc
    if table.rows:
        header_row = table.rows[0][0]
        table.header_merges = [m for m in merged if m.min_row <= header_row <= m.max_row]
    return table


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258")


def _read_csv(data, limits):
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise FileRefused(_("Không đọc được bảng mã của tệp CSV; hãy lưu bằng “CSV UTF-8”."
                            )) from exc
    first, _newline, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's "sep=;" hint line names the separator and is not data.
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = max((";", ",", "\t"), key=first.count)
    table = Table(kind="csv")
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                   delimiter=delimiter), start=1):
            if number > limits.max_rows:
                raise _too_many_rows(text.count("\n") + 1, limits)
            if len(values) > limits.max_columns:
                raise FileRefused(_("Tệp có %(n)d cột; tối đa %(max)d cột. Hãy xoá dữ liệu "
                                    "thừa ở bên phải bảng.", n=len(values),
                                    max=limits.max_columns))
            if filled(values):
                table.rows.append((number, values))
    except csv.Error as exc:
        raise FileRefused(_("Tệp CSV sai định dạng: %(error)s", error=str(exc))) from exc
    return table
