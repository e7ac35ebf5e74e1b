"""The words of the schools' pages and the periodic report, defined once: the list's sorts and
filters, the report's periods (docs/decisions/school-page-and-report.md)."""

from ..i18n import lazy_gettext as _l

# The officers' list of schools: what it sorts by (the column's key in the URL).
SORTS = ("name", "rate", "overdue", "roster", "activities", "incidents", "review")

# "Needs attention" filters of the list.
ATTENTION_LABELS = {
    "overdue": _l("Có văn bản quá hạn"),
    "no_roster": _l("Chưa có tổ tư vấn hợp lệ"),
    "no_activity": _l("Chưa tổ chức hoạt động năm nay"),
    "open_incidents": _l("Có vụ việc đang mở"),
    "review_pending": _l("Rà soát chưa hoàn thành"),
}

# The school page's directive figures, in the order shown.
DIRECTIVE_FIGURES = ("on_time", "late", "overdue", "pending", "info")
DIRECTIVE_FIGURE_LABELS = {
    "on_time": _l("Xác nhận đúng hạn"),
    "late": _l("Xác nhận trễ hạn"),
    "overdue": _l("Quá hạn, chưa xác nhận"),
    "pending": _l("Chưa đến hạn, chưa xác nhận"),
    "info": _l("Gửi để biết"),
}
FIGURE_CLASSES = {"on_time": "state-ok", "late": "state-warn", "overdue": "state-bad",
                  "pending": "state-muted", "info": "state-muted"}

# The report's periods: a school year (its twelve months), semester I (the first five months:
# September to January by default) or semester II (the next four: February to May).
WHOLE_YEAR, SEMESTER_1, SEMESTER_2 = "", "1", "2"
SEMESTER_MONTHS = {SEMESTER_1: (0, 5), SEMESTER_2: (5, 9)}  # offsets in the school year
PERIOD_LABELS = {
    WHOLE_YEAR: _l("Năm học %(year)s"),
    SEMESTER_1: _l("Học kỳ I năm học %(year)s"),
    SEMESTER_2: _l("Học kỳ II năm học %(year)s"),
}
