"""The periodic report as XLSX: one sheet per section (directives, rosters, activities,
reviews, incidents), in openpyxl's write-only mode as every export (district/exports.py). The
observer's file holds what the observer's page shows: "<5" and "*" where counts are suppressed,
and a line saying a table is withheld."""

import io

import openpyxl
from openpyxl.utils import get_column_letter

from ..activities.vocabulary import GROUP_LABELS, GROUPS, KIND_LABELS
from ..exports import _xlsx_cell
from ..i18n import gettext as _
from ..incidents.vocabulary import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)
from ..reviews.vocabulary import STATE_LABELS as REVIEW_STATE_LABELS
from ..reviews.vocabulary import STORED_STATES
from ..rosters.vocabulary import STATE_LABELS as ROSTER_STATE_LABELS
from ..rosters.vocabulary import STATES as ROSTER_STATES
from ..vocabulary import LEVEL_LABELS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(text):
    """A shown count ("12", "<5", "*") as a number where it is one."""
    return int(text) if isinstance(text, str) and text.isdigit() else text


def _sheet(book, title, widths, rows):
    """A sheet: its title line, then `rows` (lists of values; a row of bold headers is a
    tuple)."""
    sheet = book.create_sheet(str(title)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        bold = isinstance(row, tuple)
        sheet.append([_xlsx_cell(sheet, str(v) if bold else v, bold=bold) for v in row])


def _directives(data):
    d = data["directives"]
    yield (data["period"]["label"],)
    yield (_("Số hiệu"), _("Trích yếu"), _("Ngày ban hành"), _("Hạn xác nhận"),
           _("Số trường thực hiện"), _("Đã xác nhận"), _("Đúng hạn"), _("Trễ hạn"),
           _("Quá hạn, chưa xác nhận"), _("Gửi để biết"), _("Tỉ lệ xác nhận (%)"))
    for r in d["rows"]:
        yield [r["number"], r["title"], r["issued_on"], r["deadline"], r["total"], r["acked"],
               r["on_time"], r["late"], r["overdue"], r["info"],
               r["rate"] if r["rate"] is not None else ""]
    t = d["totals"]
    yield [_("Tổng cộng"), "", None, None, t["total"], t["acked"], t["on_time"], t["late"],
           t["overdue"], t["info"], t["rate"] if t["rate"] is not None else ""]


def _rosters(data):
    r = data["rosters"]
    yield (_("Cấp học"), _("Số trường"), *[ROSTER_STATE_LABELS[s] for s in ROSTER_STATES],
           _("Có tổ tư vấn hợp lệ"), _("Tỉ lệ (%)"))
    for line in [*r["levels"], {**r["total"], "level": None}]:
        name = LEVEL_LABELS.get(line["level"], line["level"]) if line["level"] else _("Tổng cộng")
        yield [str(name), line["total"], *[line[s] for s in ROSTER_STATES], line["covered"],
               line["rate"] if line["rate"] is not None else ""]


def _activities(data):
    a = data["activities"]
    yield (_("Loại hoạt động"), _("Của các trường"), _("Của Phòng"))
    for k in a["kinds"]:
        yield [str(KIND_LABELS[k["kind"]]), k["school"], k["office"]]
    yield [_("Tổng số hoạt động"), a["activities"], None]
    yield [_("Số trường đã tổ chức"), a["schools"], None]
    yield []
    yield (_("Nhóm người tham dự"), _("Lượt người"))
    for g in GROUPS:
        yield [str(GROUP_LABELS[g]), a["people"][g]]
    yield [_("Tổng số lượt người"), a["attendances"]]


def _reviews(data):
    yield (_("Đợt rà soát"), _("Hạn"), _("Số trường"),
           *[REVIEW_STATE_LABELS[s] for s in STORED_STATES],
           _("Biện pháp đang mở"), _("Biện pháp quá hạn"), _("Biện pháp đã hoàn thành"))
    for line in data["reviews"]:
        yield [line["round"].title, line["round"].deadline, line["schools"],
               *[line["states"][s] for s in STORED_STATES], line["open_actions"],
               line["late_actions"], line["closed_actions"]]


INCIDENT_TABLES = (
    ("category", CATEGORY_LABELS), ("level", LEVEL_LABELS), ("severity", SEVERITY_LABELS),
    ("status", STATUS_LABELS), ("outcome", OUTCOME_LABELS))


def incident_table_titles():
    return {"category": _("Theo loại vụ việc"), "level": _("Theo cấp học"),
            "severity": _("Theo mức độ"), "status": _("Theo trạng thái"),
            "outcome": _("Theo kết quả xử lý (đã xử lý xong, đã kết thúc)")}


def _incidents(data):
    i = data["incidents"]
    titles = incident_table_titles()
    yield [_("Tổng số vụ việc tiếp nhận trong kỳ"), _number(i["total"])]
    if not i["exact"]:
        yield [_("Số từ 1 đến 4 được ghi là \"<5\"; \"*\" là số được ẩn thêm để không suy ra "
                 "được số nhỏ.")]
    for name, labels in INCIDENT_TABLES:
        yield []
        yield (titles[name], _("Số vụ việc"))
        rows = i["tables"][name]
        if rows is None:
            yield [_("Không công bố bảng này (số liệu quá nhỏ).")]
            continue
        for code, text in rows:
            yield [str(labels.get(code, code)), _number(text)]


def report_xlsx(data):
    """The report `data` (queries.report) as XLSX bytes."""
    book = openpyxl.Workbook(write_only=True)
    _sheet(book, _("Văn bản chỉ đạo"), (22, 50, 14, 14, 12, 12, 12, 12, 14, 12, 12),
           _directives(data))
    _sheet(book, _("Tổ tư vấn"), (24, 12, 14, 14, 16, 12, 16, 12), _rosters(data))
    _sheet(book, _("Tuyên truyền, tập huấn"), (36, 16, 14), _activities(data))
    _sheet(book, _("Rà soát"), (44, 14, 12, 14, 14, 14, 14, 14, 14, 14, 14), _reviews(data))
    _sheet(book, _("Vụ việc"), (44, 14), _incidents(data))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
