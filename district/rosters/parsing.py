"""Reading a roster file (XLSX or CSV) into member rows, with every problem by row and column.

Nothing here writes: `parse(filename, data)` returns the members and the problems, or raises
FileRefused for a file that cannot be read at all (wrong kind, macros, too big, too many rows,
merged or wrong header). A file with any problem is never imported, not even in part.
"""

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

import filetype
import openpyxl
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from ..text import clean, fold
from .services import MAX_MEMBERS, MEMBER_GROUP_WORDS, TEAM_ROLE_WORDS

MAX_BYTES = 5 * 1024 * 1024
# An XLSX is a zip: refuse one that unpacks to far more than a roster needs (zip bomb).
MAX_UNPACKED = 60 * 1024 * 1024
EXAMPLE_MARK = "Ví dụ"
# Bounds of the sheet area read: the header, an example row, MAX_MEMBERS rows and room for
# blank lines; the template's columns and some spare ones.
MAX_SHEET_ROWS = 2 * MAX_MEMBERS + 50
MAX_SHEET_COLUMNS = 40
# Control characters (tab, newline and carriage return are kept: a cell may wrap).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# (field, header as written in the template, column width)
COLUMNS = (
    ("stt", "STT", 7),
    ("full_name", "Họ và tên", 28),
    ("position", "Chức vụ", 24),
    ("team_role", "Vai trò trong tổ", 16),
    ("member_group", "Nhóm thành viên", 30),
    ("phone", "Điện thoại", 16),
    ("email", "Thư điện tử", 28),
    ("trained", "Đã tập huấn", 12),
    ("trained_on", "Ngày tập huấn", 15),
)
OPTIONAL = {"stt"}
COLUMN_LABELS = {
    "stt": _l("STT"),
    "full_name": _l("Họ và tên"),
    "position": _l("Chức vụ"),
    "team_role": _l("Vai trò trong tổ"),
    "member_group": _l("Nhóm thành viên"),
    "phone": _l("Điện thoại"),
    "email": _l("Thư điện tử"),
    "trained": _l("Đã tập huấn"),
    "trained_on": _l("Ngày tập huấn"),
}
# Folded header -> field; English headers are accepted too.
HEADERS = {fold(title): key for key, title, _w in COLUMNS}
HEADERS.update({
    "so thu tu": "stt", "no": "stt", "#": "stt", "ho ten": "full_name", "full name": "full_name",
    "name": "full_name", "position": "position", "chuc danh": "position",
    "vai tro": "team_role", "team role": "team_role", "nhom": "member_group",
    "member group": "member_group", "group": "member_group", "so dien thoai": "phone",
    "phone": "phone", "email": "email", "e-mail": "email", "thu dien tu (email)": "email",
    "trained": "trained", "tap huan": "trained", "ngay tap huan": "trained_on",
    "trained on": "trained_on",
})
TEAM_ROLE_INPUT = {fold(v): k for k, v in TEAM_ROLE_WORDS.items()}
TEAM_ROLE_INPUT.update({k: k for k in TEAM_ROLE_WORDS} | {
    "to truong": "to_truong", "truong to": "to_truong", "leader": "to_truong",
    "pho to": "to_pho", "deputy": "to_pho", "member": "thanh_vien", "uy vien": "thanh_vien"})
GROUP_INPUT = {fold(v): k for k, v in MEMBER_GROUP_WORDS.items()}
GROUP_INPUT.update({k: k for k in MEMBER_GROUP_WORDS} | {
    "lanh dao": "leadership", "ban giam hieu": "leadership", "giao vien tu van": "counselor",
    "giao vien": "counselor", "tu van": "counselor", "y te": "health", "doan/doi": "union",
    "doan, doi": "union", "doan doi": "union", "phu trach doan, doi": "union",
    "cha me hoc sinh": "parent", "phu huynh": "parent", "hoc sinh": "student"})
YES = {"co", "x", "yes", "y", "1", "true", "da tap huan", "roi", "da"}
NO = {"", "khong", "no", "n", "0", "false", "chua"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FileRefused(ValueError):
    """The file cannot be read as a roster; the message says why (translated)."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Parsed:
    kind: str
    members: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # [(row, field, message)]

    @property
    def ok(self):
        return not self.problems


def parse(filename, data):
    if not data:
        raise FileRefused(_("Tệp trống."))
    if len(data) > MAX_BYTES:
        raise FileRefused(_("Tệp lớn hơn 5 MB; danh sách tổ tư vấn chỉ cần một tệp nhỏ."))
    if data[:4] == b"PK\x03\x04":
        return _parse_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused(_("Tệp Excel 97-2003 (.xls) không được hỗ trợ; hãy lưu lại dưới dạng "
                            ".xlsx hoặc CSV."))
    if filetype.guess(data) is not None or b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải XLSX hay CSV (kiểm tra theo nội dung, không theo "
                            "tên)."))
    return _parse_csv(data)


# --- Reading the cells -----------------------------------------------------------------------


def _parse_xlsx(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names \
            else b""
    except Exception as exc:  # noqa: BLE001 - encrypted entries, unknown compression...
        raise FileRefused(_("Không đọc được tệp XLSX (tệp hỏng?).")) from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise FileRefused(_("Tệp XLSX quá lớn khi giải nén; danh sách tổ tư vấn chỉ cần một "
                            "tệp nhỏ."))
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
        raise FileRefused(_("Không đọc được tệp XLSX (tệp hỏng?).")) from exc
    try:
        sheet = book["Tổ tư vấn"] if "Tổ tư vấn" in book.sheetnames else book.worksheets[0]
        # A stray cell far away (Z100000, XFD1048576) declares a huge sheet: walking it would
        # take minutes and gigabytes. A roster has at most MAX_MEMBERS rows and a few columns.
        if sheet.max_row > MAX_SHEET_ROWS:
            raise FileRefused(_("Tệp có %(n)d dòng; một danh sách tổ tư vấn có tối đa %(max)d "
                                "thành viên.", n=sheet.max_row, max=MAX_MEMBERS))
        if sheet.max_column > MAX_SHEET_COLUMNS:
            raise FileRefused(_("Tệp có %(n)d cột; mẫu chỉ có %(max)d cột. Hãy xoá dữ liệu "
                                "thừa ở bên phải bảng.", n=sheet.max_column, max=len(COLUMNS)))
        rows = []
        formulas = []
        for row in sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_SHEET_COLUMNS):
            values = []
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((cell.row, cell.column))
                    values.append(None)
                else:
                    values.append(cell.value)
            rows.append((row[0].row if row else len(rows) + 1, values))
        merged_ranges = list(sheet.merged_cells.ranges)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise FileRefused(_("Không đọc được tệp XLSX (tệp hỏng?).")) from exc
    header_row = next((n for n, values in rows if _filled(values)), None)
    if header_row is not None:
        for merged in merged_ranges:
            if merged.min_row <= header_row <= merged.max_row:
                raise FileRefused(_("Dòng tiêu đề có ô bị gộp (%(cells)s); hãy bỏ gộp ô để mỗi "
                                    "cột có một tiêu đề riêng.", cells=merged.coord))
    return _parse_rows("xlsx", rows, formulas)


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError as exc:
        raise FileRefused(_("Không đọc được bảng mã của tệp CSV; hãy lưu bằng “CSV UTF-8”."
                            )) from exc


def _parse_csv(data):
    try:
        text, _encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise FileRefused(_("Không đọc được bảng mã của tệp CSV; hãy lưu bằng “CSV UTF-8”."
                            )) from exc
    first, _newline, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's "sep=;" hint line names the separator and is not data.
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = max((";", ",", "\t"), key=first.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileRefused(_("Tệp CSV sai định dạng: %(error)s", error=str(exc))) from exc
    return _parse_rows("csv", list(enumerate(lines, start=1)), [])


def _filled(values):
    return any(v is not None and str(v).strip() for v in values)


# --- From cells to members -------------------------------------------------------------------


def _parse_rows(kind, rows, formulas):
    rows = [(n, values) for n, values in rows if _filled(values)]
    if not rows:
        raise FileRefused(_("Tệp không có dữ liệu."))
    header_no, header = rows[0]
    columns, unknown, seen = {}, [], set()
    for index, title in enumerate(header):
        if title is None or not str(title).strip():
            continue
        key = HEADERS.get(fold(str(title)).replace("*", "").strip())
        if key is None or key in seen:
            unknown.append((index, clean(str(title))))
        else:
            columns[key] = index
            seen.add(key)
    problems = []
    for index, title in unknown:
        problems.append((header_no, get_column_letter(index + 1),
                         _("Cột thừa “%(title)s” không có trong mẫu.", title=title)))
    for key, _title, _w in COLUMNS:
        if key not in columns and key not in OPTIONAL:
            problems.append((header_no, COLUMN_LABELS[key],
                             _("Thiếu cột “%(title)s”.", title=COLUMN_LABELS[key])))
    if problems:
        raise FileRefused(_("Các cột của tệp không khớp với mẫu; hãy dùng tệp mẫu."), problems)
    data_rows = [(n, values) for n, values in rows[1:]
                 if not ("stt" in columns and _cell(values, columns["stt"]) is not None
                         and fold(str(_cell(values, columns["stt"]))) == fold(EXAMPLE_MARK))]
    if len(data_rows) > MAX_MEMBERS:
        raise FileRefused(_("Tệp có %(n)d dòng; một danh sách tổ tư vấn có tối đa %(max)d "
                            "thành viên.", n=len(data_rows), max=MAX_MEMBERS))
    parsed = Parsed(kind=kind)
    titled = {i for i, t in enumerate(header) if t is not None and str(t).strip()}
    formula_cells = set(formulas)
    wanted = {index: key for key, index in columns.items()}
    for number, values in data_rows:
        for (row, col) in formula_cells:
            if row == number and (col - 1) in wanted:
                cell = get_column_letter(col) + str(row)
                parsed.problems.append((number, COLUMN_LABELS[wanted[col - 1]], _(
                    "Ô %(cell)s chứa công thức; hãy dán giá trị (Paste Values) thay cho công "
                    "thức.", cell=cell)))
        for index, value in enumerate(values):
            if index not in titled and value is not None and str(value).strip():
                parsed.problems.append((number, get_column_letter(index + 1), _(
                    "Cột %(column)s có dữ liệu nhưng không có tiêu đề; hãy xoá dữ liệu thừa.",
                    column=get_column_letter(index + 1))))
                break
        member = {"row": number}
        for key, index in columns.items():
            if key == "stt":
                continue
            value = _cell(values, index)
            try:
                member[key] = CONVERT[key](value)
            except ValueError as exc:
                parsed.problems.append((number, COLUMN_LABELS[key], str(exc)))
                member[key] = None
        if member.get("trained_on") and not member.get("trained"):
            member["trained"] = True
        parsed.members.append(member)
    return parsed


def _cell(values, index):
    return values[index] if index < len(values) else None


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(CONTROL.sub("", str(value)))


def _team_role(value):
    text = _text(value)
    if not text:
        return ""
    found = TEAM_ROLE_INPUT.get(fold(text))
    if found is None:
        raise ValueError(_("“%(value)s” không phải vai trò trong tổ (Tổ trưởng, Tổ phó, Thành "
                           "viên).", value=text))
    return found


def _group(value):
    text = _text(value)
    if not text:
        return ""
    found = GROUP_INPUT.get(fold(text))
    if found is None:
        raise ValueError(_("“%(value)s” không phải nhóm thành viên trong danh sách của mẫu.",
                           value=text))
    return found


def _phone(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        # Excel drops the leading zero of a phone number typed as a number.
        return "0" + digits if len(digits) in (9, 10) and not digits.startswith("0") else digits
    return _text(value)


def _email(value):
    text = _text(value).lower()
    if text and not EMAIL.match(text):
        raise ValueError(_("“%(value)s” không phải địa chỉ thư điện tử.", value=text))
    return text


def _trained(value):
    if isinstance(value, bool):
        return value
    text = fold(_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("“%(value)s”: hãy ghi Có hoặc Không.", value=_text(value)))


def _date(value):
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = _text(value)
    if not text:
        return None
    match = DATE_TEXT.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = ISO_DATE.match(text)
        if match:
            return dt.date(*(int(g) for g in match.groups()))
        if re.fullmatch(r"\d{4,5}(\.0+)?", text):
            return _serial(float(text))
    except ValueError:
        pass
    raise ValueError(_("“%(value)s” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm "
                       "(ví dụ 15/08/2025).", value=text))


def _serial(number):
    """An Excel date serial number (days since 1899-12-30)."""
    if not 1 <= number < 2958466:
        raise ValueError(_("“%(value)s” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm "
                           "(ví dụ 15/08/2025).", value=number))
    value = from_excel(number)
    day = value.date() if isinstance(value, dt.datetime) else value
    if not dt.date(1950, 1, 1) <= day <= dt.date(2100, 1, 1):
        raise ValueError(_("“%(value)s” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm "
                           "(ví dụ 15/08/2025).", value=number))
    return day


CONVERT = {
    "full_name": _text,
    "position": _text,
    "team_role": _team_role,
    "member_group": _group,
    "phone": _phone,
    "email": _email,
    "trained": _trained,
    "trained_on": _date,
}
