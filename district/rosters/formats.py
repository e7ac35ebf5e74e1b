"""The roster's file formats: the workbook principals fill (the template, or the current roster
in the template's layout), reading an uploaded roster into member rows, and the officer's
coverage list as a spreadsheet.

Reading is built on `district.tabular.read_table` (size, kind, bomb, macros, encryption,
encodings); here are only what the roster's columns mean and how each cell converts.
`read_roster(data)` returns the members and every problem by row (the file's row number) and
column, or raises FileRefused for a file that cannot be read as a roster at all. Nothing here
writes to the database.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from .. import exports
from ..clock import local_date
from ..i18n import gettext as _
from ..tabular import XLSX_MIME, FileRefused, Limits, cell_text, read_table
from ..text import fold
from .queries import state_of
from .rules import rule_set_name
from .vocabulary import (
    COLUMN_LABELS,
    COLUMNS,
    EXAMPLE_MARK,
    GROUP_INPUT,
    GUIDE_TITLE,
    HEADER_INPUT,
    MAX_MEMBERS,
    MEMBER_GROUP_WORDS,
    NO_INPUT,
    NO_WORD,
    OPTIONAL_COLUMNS,
    SHEET_TITLE,
    STATE_LABELS,
    TEAM_ROLE_INPUT,
    TEAM_ROLE_WORDS,
    YES_INPUT,
    YES_WORD,
)

__all__ = ("XLSX_MIME", "FileRefused", "Parsed", "coverage_bytes", "coverage_table", "read_roster",
           "workbook")

# The sheet area read: the header, an example row, MAX_MEMBERS rows and room for blank lines.
LIMITS = Limits(max_bytes=5 * 1024 * 1024, sheet=SHEET_TITLE, max_rows=2 * MAX_MEMBERS + 50,
                max_columns=40)
WIDTHS = {"stt": 7, "full_name": 28, "position": 24, "team_role": 16, "member_group": 30,
          "phone": 16, "email": 28, "trained": 12, "trained_on": 15}
FIRST_MEMBER_ROW = 3  # row 1: the header, row 2: the example
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


@dataclass
class Parsed:
    kind: str
    members: list = field(default_factory=list)  # dicts of member fields and `row`
    problems: list = field(default_factory=list)  # [(row, column, message)]

    @property
    def ok(self):
        return not self.problems


# --- Reading -------------------------------------------------------------------------------


def read_roster(data):
    table = read_table(data, LIMITS)
    if not table.rows:
        raise FileRefused(_("Tệp không có dữ liệu."))
    if table.header_merges:
        raise FileRefused(_("Dòng tiêu đề có ô bị gộp (%(cells)s); hãy bỏ gộp ô để mỗi cột có "
                            "một tiêu đề riêng.", cells=table.header_merges[0].coord))
    header_no, header = table.header
    columns = _columns(header_no, header)
    data_rows = [(n, values) for n, values in table.rows[1:] if not _is_example(values, columns)]
    if len(data_rows) > MAX_MEMBERS:
        raise FileRefused(_("Tệp có %(n)d dòng; một danh sách tổ tư vấn có tối đa %(max)d "
                            "thành viên.", n=len(data_rows), max=MAX_MEMBERS))
    parsed = Parsed(kind=table.kind)
    titled = {i for i, t in enumerate(header) if cell_text(t)}
    for number, values in data_rows:
        parsed.problems += _formula_problems(number, table.formulas, columns)
        parsed.problems += _untitled_problems(number, values, titled)
        parsed.members.append(_member(number, values, columns, parsed.problems))
    return parsed


def _columns(header_no, header):
    """{field: column index} of the header, or FileRefused naming every extra or missing one."""
    columns, problems = {}, []
    for index, title in enumerate(header):
        if not cell_text(title):
            continue
        key = HEADER_INPUT.get(fold(str(title)).replace("*", "").strip())
        if key is None or key in columns:
            problems.append((header_no, get_column_letter(index + 1),
                             _("Cột thừa “%(title)s” không có trong mẫu.",
                               title=cell_text(title))))
        else:
            columns[key] = index
    for key, _title in COLUMNS:
        if key not in columns and key not in OPTIONAL_COLUMNS:
            problems.append((header_no, COLUMN_LABELS[key],
                             _("Thiếu cột “%(title)s”.", title=COLUMN_LABELS[key])))
    if problems:
        raise FileRefused(_("Các cột của tệp không khớp với mẫu; hãy dùng tệp mẫu."), problems)
    return columns


def _cell(values, index):
    return values[index] if index < len(values) else None


def _is_example(values, columns):
    return "stt" in columns and fold(cell_text(_cell(values, columns["stt"]))) == fold(
        EXAMPLE_MARK)


def _formula_problems(number, formulas, columns):
    wanted = {index: key for key, index in columns.items()}
    return [(number, COLUMN_LABELS[wanted[col - 1]],
             _("Ô %(cell)s chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.",
               cell=get_column_letter(col) + str(row)))
            for row, col in sorted(formulas) if row == number and (col - 1) in wanted]


def _untitled_problems(number, values, titled):
    for index, value in enumerate(values):
        if index not in titled and cell_text(value):
            column = get_column_letter(index + 1)
            return [(number, column, _("Cột %(column)s có dữ liệu nhưng không có tiêu đề; hãy "
                                       "xoá dữ liệu thừa.", column=column))]
    return []


def _member(number, values, columns, problems):
    member = {"row": number}
    for key, index in columns.items():
        if key == "stt":
            continue
        try:
            member[key] = CONVERT[key](_cell(values, index))
        except ValueError as exc:
            problems.append((number, COLUMN_LABELS[key], str(exc)))
            member[key] = None
    if member.get("trained_on") and not member.get("trained"):
        member["trained"] = True
    return member


# --- Cell conversions ------------------------------------------------------------------------


def _choice(inputs, refusal):
    """A converter of a cell that must name one of `inputs` (words folded -> code)."""

    def convert(value):
        text = cell_text(value)
        if not text:
            return ""
        found = inputs.get(fold(text))
        if found is None:
            raise ValueError(refusal(text))
        return found

    return convert


_team_role = _choice(TEAM_ROLE_INPUT, lambda text: _(
    "“%(value)s” không phải vai trò trong tổ (Tổ trưởng, Tổ phó, Thành viên).", value=text))
_group = _choice(GROUP_INPUT, lambda text: _(
    "“%(value)s” không phải nhóm thành viên trong danh sách của mẫu.", value=text))


def _phone(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        # Excel drops the leading zero of a phone number typed as a number.
        return "0" + digits if len(digits) in (9, 10) and not digits.startswith("0") else digits
    return cell_text(value)


def _email(value):
    text = cell_text(value).lower()
    if text and not EMAIL.match(text):
        raise ValueError(_("“%(value)s” không phải địa chỉ thư điện tử.", value=text))
    return text


def _trained(value):
    if isinstance(value, bool):
        return value
    text = fold(cell_text(value))
    if text in YES_INPUT:
        return True
    if text in NO_INPUT:
        return False
    raise ValueError(_("“%(value)s”: hãy ghi Có hoặc Không.", value=cell_text(value)))


def _bad_date(value):
    return ValueError(_("“%(value)s” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm "
                        "(ví dụ 15/08/2025).", value=value))


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = cell_text(value)
    if not text:
        return None
    try:
        if match := DATE_TEXT.match(text):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := ISO_DATE.match(text):
            return dt.date(*(int(g) for g in match.groups()))
        if re.fullmatch(r"\d{4,5}(\.0+)?", text):
            return _serial(float(text))
    except ValueError:
        pass
    raise _bad_date(text)


def _serial(number):
    """An Excel date serial number (days since 1899-12-30)."""
    if not 1 <= number < 2958466:
        raise _bad_date(number)
    value = from_excel(number)
    day = value.date() if isinstance(value, dt.datetime) else value
    if not dt.date(1950, 1, 1) <= day <= dt.date(2100, 1, 1):
        raise _bad_date(number)
    return day


CONVERT = {
    "full_name": cell_text,
    "position": cell_text,
    "team_role": _team_role,
    "member_group": _group,
    "phone": _phone,
    "email": _email,
    "trained": _trained,
    "trained_on": _date,
}


# --- Writing: the template, or the current roster in the template's layout ---------------------

EXAMPLE = {"full_name": "Nguyễn Thị Hồng Nhung", "position": "Phó Hiệu trưởng",
           "team_role": "to_truong", "member_group": "leadership", "phone": "0912 345 678",
           "email": "nhung.nth@example.edu.vn", "trained": True,
           "trained_on": dt.date(2025, 8, 15)}
GUIDE = (
    ("Cách điền", "Mỗi dòng một thành viên, bắt đầu từ dòng 3 của trang “Tổ tư vấn”; giữ "
                  "nguyên dòng tiêu đề; dòng “Ví dụ” được bỏ qua khi tải lên."),
    ("Vai trò trong tổ", ", ".join(TEAM_ROLE_WORDS.values()) + " (chỉ một Tổ trưởng, thuộc "
                         "lãnh đạo nhà trường)."),
    ("Nhóm thành viên", "; ".join(MEMBER_GROUP_WORDS.values()) + "."),
    ("Đã tập huấn", "Có hoặc Không (đã tập huấn về tư vấn tâm lý học đường)."),
    ("Ngày tập huấn", "Ngày/tháng/năm, ví dụ 15/08/2025."),
    ("Lưu tệp", "Lưu dạng .xlsx (không dùng macro, không dùng công thức) hoặc CSV."),
)


def _row_values(number, member):
    """A member as the template's cells (the words of the template, real dates)."""
    return [number, member.get("full_name") or "", member.get("position") or "",
            TEAM_ROLE_WORDS.get(member.get("team_role"), ""),
            MEMBER_GROUP_WORDS.get(member.get("member_group"), ""),
            member.get("phone") or "", member.get("email") or "",
            YES_WORD if member.get("trained") else NO_WORD, member.get("trained_on")]


def workbook(members=()):
    """The workbook principals fill: Vietnamese headers, drop-down lists, an example row, a guide
    sheet; with `members` (dicts), the current roster written below the example row, so that a
    principal can change one member and upload the file again."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([title for _key, title in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.append(_row_values(EXAMPLE_MARK, EXAMPLE))
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    last = MAX_MEMBERS + FIRST_MEMBER_ROW - 1
    for row in range(2, last + 1):
        sheet.cell(row=row, column=9).number_format = "DD/MM/YYYY"
        sheet.cell(row=row, column=6).number_format = "@"
    for number, member in enumerate(members, start=1):
        for column, value in enumerate(_row_values(number, member), start=1):
            sheet.cell(row=FIRST_MEMBER_ROW + number - 1, column=column, value=value)
    for index, (key, _title) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    lists = (("D", list(TEAM_ROLE_WORDS.values())), ("E", list(MEMBER_GROUP_WORDS.values())),
             ("H", [YES_WORD, NO_WORD]))
    for column, values in lists:
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                                    allow_blank=True, showDropDown=False)
        validation.error = "Chọn một giá trị trong danh sách."
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{last}")
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(GUIDE_TITLE)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 90
    for title, text in GUIDE:
        guide.append([title, text])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
        guide.cell(row=guide.max_row, column=2).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The coverage list as a spreadsheet -----------------------------------------------------

COVERAGE_WIDTHS = (14, 40, 16, 12, 18, 18, 10, 14, 12, 14, 18, 30)


def coverage_table(query):
    """The officer's coverage list as a table: one row per school of the filtered list."""
    header = exports.school_columns() + [
              _("Trạng thái"), _("Phiên bản"), _("Ngày cập nhật"), _("Số thành viên"),
              _("Thành viên đã tập huấn"), _("Nhóm phải tập huấn: đã tập huấn / số thành viên"),
              _("Bộ quy tắc")]
    rows = []
    for s in query:
        state = state_of(s)
        roster = s.roster if state != "none" else None
        training = ((roster.result or {}).get("training") or {}) if roster else {}
        rows.append(exports.school_cells(s) + [
            str(STATE_LABELS[state]),
            roster.version if roster else "",
            local_date(roster.submitted_at) if roster else "",
            roster.member_count if roster else 0,
            training.get("trained", "") if roster else 0,
            (f"{roster.trained_count}/{training['required']}" if "required" in training
             else roster.trained_count) if roster else "",
            rule_set_name(roster.rule_set) if roster else "",
        ])
    return header, rows


def coverage_bytes(kind, header, rows):
    if kind == "csv":
        return exports.csv_bytes(header, rows)
    return exports.xlsx_bytes(_("Tổ tư vấn"), header, rows, widths=COVERAGE_WIDTHS)
