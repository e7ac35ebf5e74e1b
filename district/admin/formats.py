"""The school import's file: which columns it has, and its rows read into school values.

Read through the one reader of tabular uploads (`district.tabular.read_table`), so the import has
the same guards as every upload: size, rows, columns, decompression bomb, macros, encryption, and
CSV in UTF-8, UTF-8 with BOM or Windows-1258. A file with any bad row is refused whole, with every
problem named by its row in the file and its column.
"""

from flask_babel import format_datetime

from ..i18n import gettext as _
from ..models import School
from ..tabular import FileRefused, Limits, cell_text, read_table
from ..text import fold
from .values import code_taken, school_problems, school_values

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=3000, max_columns=20)

# Headers as written in the file (folded), in Vietnamese or in English -> field.
COLUMNS = {
    "ma truong": "code", "code": "code", "school code": "code",
    "ten truong": "name", "name": "name", "school name": "name",
    "cap hoc": "level", "level": "level", "school level": "level",
    "loai hinh": "ownership", "ownership": "ownership",
    "xa/phuong": "commune", "xa phuong": "commune", "commune": "commune",
    "commune/ward": "commune",
    "dia chi": "address", "address": "address",
    "dien thoai": "phone", "phone": "phone",
}
REQUIRED = ("code", "name", "level", "ownership")
# The level and ownership columns accept the codes and the words, in Vietnamese or in English.
LEVEL_WORDS = {"mam non": "mam_non", "tieu hoc": "tieu_hoc", "thcs": "thcs",
               "trung hoc co so": "thcs", "lien cap": "lien_cap", "preschool": "mam_non",
               "primary": "tieu_hoc", "lower secondary": "thcs", "multi-level": "lien_cap"}
OWNERSHIP_WORDS = {"cong lap": "cong_lap", "tu thuc": "tu_thuc", "dan lap": "dan_lap",
                   "public": "cong_lap", "private": "tu_thuc", "community-run": "dan_lap"}


def column_titles():
    """The columns' names as the problems table shows them."""
    return {
        "code": _("Mã trường"),
        "name": _("Tên trường"),
        "level": _("Cấp học"),
        "ownership": _("Loại hình"),
        "commune": _("Xã/phường"),
        "address": _("Địa chỉ"),
        "phone": _("Điện thoại"),
    }


def _refused(problems):
    return FileRefused(_("Tệp có lỗi; chưa nhập trường nào."), problems)


def _header_columns(table):
    number, header = table.header
    columns = {}
    for index, title in enumerate(header):
        field = COLUMNS.get(fold(cell_text(title)))
        if field:
            columns.setdefault(field, index)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise _refused([(number, c, _("Thiếu cột bắt buộc trong dòng tiêu đề.")) for c in missing])
    return columns


def _row_values(row, columns):
    values = school_values({f: cell_text(row[i]) if i < len(row) else "" for f, i in
                            columns.items()})
    values["level"] = LEVEL_WORDS.get(fold(values["level"]), values["level"].lower())
    values["ownership"] = OWNERSHIP_WORDS.get(fold(values["ownership"]),
                                              values["ownership"].lower())
    return values


def read_schools(data):
    """The schools of an uploaded CSV or XLSX as a list of school values; FileRefused (with
    `problems` as (row, column, message)) when the file cannot be read or any row is wrong."""
    table = read_table(data, LIMITS)
    if not table.rows:
        raise FileRefused(_("Tệp không có dữ liệu."))
    columns = _header_columns(table)
    if len(table.rows) < 2:
        raise FileRefused(_("Tệp không có dữ liệu."))
    existing = {s.code for s in School.select(School.code)}
    problems, schools, seen = [], [], {}
    for number, row in table.rows[1:]:
        values = _row_values(row, columns)
        code = values["code"]
        if code in existing:
            problems.append((number, "code", code_taken(code)))
        elif code in seen:
            problems.append((number, "code", _("Mã trường trùng với dòng %(row)d.",
                                                row=seen[code])))
        problems += [(number, field, message) for field, message in school_problems(values)]
        if code:
            seen.setdefault(code, number)
        schools.append(values)
    if problems:
        raise _refused(problems)
    return schools


# --- The audit log as CSV ---------------------------------------------------------------------


def audit_csv_header():
    return [_("Thời điểm"), _("Người thực hiện"), _("Thao tác"), _("Nội dung"), _("Chi tiết"),
            _("Địa chỉ IP")]


def audit_csv_row(row):
    """One entry told as on the page (admin.queries.audit_rows): local time, the person, the
    action's name, the sentence, the details that may be read, the address."""
    if row["details"] is None:
        details = row["hidden"]
    else:
        details = "; ".join(f"{label}: {value}" for label, value in row["details"])
    return [format_datetime(row["at"], "dd/MM/yyyy HH:mm"), row["actor"], row["action"],
            row["sentence"], details, row["entry"].ip]
