"""The one reader of tabular uploads (school import, roster upload, and every later one).

`read_table(data, limits)` takes the bytes of an uploaded XLSX or CSV and returns a `Table`: its
kind, its rows as (row number in the file, [cell values]), the cells that hold formulas, and the
merged ranges touching the header. It refuses, with a translated message (`FileRefused`), what
cannot be read safely, by content and never by name:

- empty files, files over `limits.max_bytes`;
- Excel 97-2003 (.xls) and encrypted workbooks (both are OLE compound files);
- XLSX that unpack to more than `limits.max_unpacked` (decompression bomb), whose parts read
  whole are over their caps, with macros (VBA), or that hold more rows or columns than
  `limits.max_rows` / `limits.max_columns`. The sheet is streamed row by row and reading stops
  at the first row or column beyond the caps, whatever dimension the file declares (a sheet may
  declare A1 and hold a million rows, or a stray cell at XFD1048576): a hostile file is refused
  in well under a second, and the worker's memory stays flat;
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
from xml.etree import ElementTree

import filetype
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from .i18n import gettext as _
from .text import clean

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control characters (tab, newline and carriage return are kept: a cell may wrap).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The elements of a worksheet the reader looks at.
ROW, CELL, MERGE, SI = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("row", "c", "mergeCell", "si"))
COLUMN_LETTERS = re.compile(r"([A-Z]+)\d*$")
# Caps on what an XLSX may hold beyond its rows and columns: each part read whole (workbook,
# styles, relationships...), the shared strings table, one cell's text (Excel's own limit), the
# elements inside one cell (rich text runs), the merged ranges kept.
PART_CAP = 4 * 1024 * 1024
STRINGS_CAP = 8 * 1024 * 1024
MAX_CELL_CHARS = 32767
MAX_CELL_ELEMENTS = 1000
MAX_MERGES = 1000


class FileRefused(ValueError):
    """The file cannot be read; the message says why (translated). `problems` lists
    (row, column, message) when the refusal concerns particular cells."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_unpacked: int = 30 * 1024 * 1024
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


def _too_many_columns(count, limits):
    return FileRefused(_("Tệp có %(n)d cột; tối đa %(max)d cột. Hãy xoá dữ liệu thừa ở bên phải "
                         "bảng.", n=count, max=limits.max_columns))


def _more_rows_than_allowed(limits):
    return FileRefused(_("Tệp có hơn %(max)d dòng dữ liệu; tối đa %(max)d dòng. Hãy xoá các dòng "
                         "thừa (kể cả dòng trống đã định dạng) rồi tải lên.", max=limits.max_rows))


def _read_xlsx(data, limits):
    """An XLSX read as a stream, row by row, never trusting what the file declares about itself:
    every part is checked against its size cap before it is read, the sheet is parsed one
    element at a time (handled elements are dropped at once), and reading stops at the first
    row or column beyond the caps, before anything is built for it."""
    unreadable = _("Không đọc được tệp XLSX (tệp hỏng?).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        names = {info.filename for info in infos}
        content_types = (archive.read("[Content_Types].xml")
                         if "[Content_Types].xml" in names
                         and archive.getinfo("[Content_Types].xml").file_size <= PART_CAP
                         else b"")
    except Exception as exc:  # noqa: BLE001 - encrypted entries, unknown compression...
        raise FileRefused(unreadable) from exc
    too_big = _("Tệp XLSX quá lớn khi giải nén; hãy bỏ phần thừa rồi tải lên.")
    if sum(info.file_size for info in infos) > limits.max_unpacked:
        raise FileRefused(too_big)
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("Tệp không phải XLSX hay CSV (kiểm tra theo nội dung, không theo "
                            "tên)."))
    if "xl/vbaProject.bin" in names or b"macroEnabled" in content_types:
        raise FileRefused(_("Tệp có chứa macro (VBA); vì an toàn, hãy lưu lại dưới dạng "
                            "“Excel Workbook (.xlsx)” rồi tải lên."))
    # The parts openpyxl reads whole (workbook, styles, relationships...) and the shared strings
    # have caps of their own: only worksheets are streamed.
    for info in infos:
        cap = (STRINGS_CAP if info.filename.endswith("sharedStrings.xml")
               else None if info.filename.startswith("xl/worksheets/") else PART_CAP)
        if cap is not None and info.filename.endswith((".xml", ".rels")) and info.file_size > cap:
            raise FileRefused(too_big)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
            reader.read_manifest()
            strings = _shared_strings(reader)
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.parser.wb)
            sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                      if "chartsheet" not in rel.Type and rel.target in names]
            if not sheets:
                raise FileRefused(unreadable)
            path = dict(sheets).get(limits.sheet) or sheets[0][1]
            book = reader.parser.wb
            parser = WorkSheetParser(None, strings, data_only=False, epoch=book.epoch,
                                     date_formats=book._date_formats,
                                     timedelta_formats=book._timedelta_formats)
            with reader.archive.open(path) as source:
                return _stream_sheet(source, parser, limits)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise FileRefused(unreadable) from exc


def _shared_strings(reader):
    """The shared strings table, each entry dropped from the tree once read."""
    found = reader.package.find(SHARED_STRINGS)
    if found is None:
        return []
    strings = []
    with reader.archive.open(found.PartName[1:]) as source:
        root = None
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if root is None:
                root = element
            elif event == "end" and element.tag == SI:
                strings.append(Text.from_tree(element).content.replace("x005F_", ""))
                root.remove(element)
    return strings


def _column_of(reference):
    letters = COLUMN_LETTERS.match(reference or "")
    if not letters or len(letters.group(1)) > 3:
        return None
    number = 0
    for ch in letters.group(1):
        number = number * 26 + ord(ch) - 64
    return number


def _stream_sheet(source, parser, limits):
    """Rows of one worksheet, streamed. A cell is parsed by openpyxl's own cell reader (shared
    strings, dates by style, formulas kept as text starting with "=") once its element ends;
    everything outside a cell is dropped as soon as it ends, so memory stays flat whatever the
    file holds."""
    table = Table(kind="xlsx")
    stack, merged, cells = [], [], {}
    row_number, column, inside_cell, cell_elements = 0, 0, False, 0
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "start":
            stack.append(element)
            if tag == ROW:
                reference = element.get("r")
                row_number = int(reference) if reference and reference.isdigit() else row_number + 1
                if row_number > limits.max_rows:
                    raise _more_rows_than_allowed(limits)
                parser.row_counter, parser.col_counter, column, cells = row_number, 0, 0, {}
            elif tag == CELL:
                reference = element.get("r")
                column = _column_of(reference) if reference else column + 1
                if column is None:
                    raise ValueError(reference)
                if column > limits.max_columns:
                    raise _too_many_columns(column, limits)
                inside_cell, cell_elements = True, 0
            elif inside_cell:
                cell_elements += 1
                if cell_elements > MAX_CELL_ELEMENTS:
                    raise ValueError("cell too complex")
            continue
        stack.pop()
        if tag == CELL:
            inside_cell = False
            cell = parser.parse_cell(element)
            value = cell["value"]
            if cell["data_type"] == "f":
                table.formulas.add((row_number, column))
                value = None
            elif isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise FileRefused(_("Ô %(cell)s dài quá %(max)d ký tự.",
                                    cell=reference_of(row_number, column), max=MAX_CELL_CHARS))
            cells[column] = value
        elif tag == ROW:
            values = [cells.get(i) for i in range(1, limits.max_columns + 1)]
            if filled(values):
                table.rows.append((row_number, values))
            cells = {}
        elif tag == MERGE and len(merged) < MAX_MERGES:
            try:
                merged.append(CellRange(element.get("ref", "")))
            except (TypeError, ValueError):
                pass
        if stack and not inside_cell:
            stack[-1].remove(element)  # handled: nothing of it stays in memory
    if table.rows:
        header_row = table.rows[0][0]
        table.header_merges = [m for m in merged if m.min_row <= header_row <= m.max_row]
    return table


def reference_of(row, column):
    return f"{get_column_letter(column)}{row}"


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
