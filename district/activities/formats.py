"""Files of activities: the coverage as XLSX (district/exports.py: written row by row in
openpyxl's write-only mode, so its memory does not grow with the number of schools), starting
with the columns that name a school, as every export of schools does.
"""

from ..exports import school_cells, school_columns, xlsx_bytes
from ..i18n import gettext as _
from .vocabulary import GROUP_LABELS, GROUPS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (14, 36, 16, 12, 18, 12, 14, *([14] * len(GROUPS)), 14, 14, 12)


def coverage_header():
    return [*school_columns(), _("Số hoạt động"), _("Lần gần nhất"),
            *[_("Đã dự: %(group)s", group=GROUP_LABELS[g]) for g in GROUPS],
            _("Cán bộ, giáo viên, nhân viên đã dự"), _("Tổng số cán bộ, giáo viên, nhân viên"),
            _("Tỉ lệ (%)")]


def coverage_cells(row):
    return [*school_cells(row["school"]), row["count"], row["last_on"],
            *[row["reached"][g] for g in GROUPS], row["staff"],
            row["head_total"] if row["head_total"] is not None else "",
            row["share"] if row["share"] is not None else ""]


def coverage_xlsx(rows, title):
    """(bytes, number of rows) of the coverage rows (queries.coverage_row dicts, any
    iterable), in a sheet named `title`."""
    counted = [0]

    def cells():
        for row in rows:
            counted[0] += 1
            yield coverage_cells(row)

    data = xlsx_bytes(title, coverage_header(), cells(), widths=WIDTHS)
    return data, counted[0]
