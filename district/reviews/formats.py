"""Files of reviews: the office's matrix of a round as XLSX (district/exports.py, written row by
row in openpyxl's write-only mode), starting with the columns that name a school, then the
school's state, the share of criteria met in each group, and the verdict on each criterion.
"""

from ..exports import school_cells, school_columns, xlsx_bytes
from ..i18n import gettext as _
from .vocabulary import STATE_LABELS, VERDICT_LABELS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def matrix_header(groups, criteria_rows):
    return [*school_columns(), _("Trạng thái"), _("Ngày nộp"),
            *[_("Nhóm %(code)s: tỉ lệ đạt (%%)", code=g["code"]) for g in groups],
            *[c.code for c in criteria_rows], _("Biện pháp khắc phục còn mở")]


def matrix_cells(row, groups, criteria_rows):
    """`row`: {"school", "state", "submitted_at", "shares": {group: % or None},
    "verdicts": {criterion id: code}, "open_actions"}."""
    return [*school_cells(row["school"]), str(STATE_LABELS[row["state"]]),
            row["submitted_at"] or "",
            *["" if row["shares"].get(g["code"]) is None else row["shares"][g["code"]]
              for g in groups],
            *[str(VERDICT_LABELS[v]) if (v := row["verdicts"].get(c.id)) else ""
              for c in criteria_rows],
            row["open_actions"]]


def matrix_xlsx(review_round, criteria_rows, rows):
    """(bytes, number of rows) of the matrix rows (any iterable)."""
    from .queries import groups_of

    groups = groups_of(criteria_rows)
    counted = [0]

    def cells():
        for row in rows:
            counted[0] += 1
            yield matrix_cells(row, groups, criteria_rows)

    widths = (14, 36, 16, 12, 18, 22, 16, *([12] * len(groups)), *([8] * len(criteria_rows)),
              12)
    data = xlsx_bytes(_("Rà soát"), matrix_header(groups, criteria_rows), cells(),
                      widths=widths)
    return data, counted[0]
