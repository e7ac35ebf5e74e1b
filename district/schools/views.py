"""The school's page (/schools/<id>), the officers' list of schools (/schools/) and the
office's periodic report (/reports/, /reports/report.xlsx). Thin views: parse input, ask
access.py, call one query or operation, render.

The report has its own blueprint (`reports`, its URLs under /reports/), registered with this
feature's blueprint: one feature package, two URL prefixes.
"""

from flask import Blueprint, current_app, request, url_for
from flask_babel import format_decimal
from flask_login import current_user

from .. import access, clock, school_search
from ..access import OBSERVER, OFFICER, PRINCIPAL, allow, get_visible_or_404
from ..activities import years
from ..activities.vocabulary import GROUP_LABELS, GROUPS, KIND_LABELS
from ..directives.vocabulary import STATE_LABELS as DIRECTIVE_STATE_LABELS
from ..incidents.vocabulary import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)
from ..incidents.workflow import OPEN_STATUSES, URGENT_HOURS
from ..reviews.vocabulary import STATE_CLASSES as REVIEW_STATE_CLASSES
from ..reviews.vocabulary import STATE_LABELS as REVIEW_STATE_LABELS
from ..reviews.vocabulary import STORED_STATES as REVIEW_STATES
from ..rosters.vocabulary import STATE_CLASSES as ROSTER_STATE_CLASSES
from ..rosters.vocabulary import STATE_LABELS as ROSTER_STATE_LABELS
from ..rosters.vocabulary import STATES as ROSTER_STATES
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from ..web import Pages, redirect_to, render
from . import operations, queries
from .formats import INCIDENT_TABLES, XLSX_MIME, incident_table_titles
from .vocabulary import (
    ATTENTION_LABELS,
    DIRECTIVE_FIGURE_LABELS,
    DIRECTIVE_FIGURES,
    FIGURE_CLASSES,
    PERIOD_LABELS,
    SORTS,
    WHOLE_YEAR,
)

bp = Blueprint("schools", __name__, url_prefix="/schools")
reports = Blueprint("reports", __name__, url_prefix="/reports")
bp.record_once(lambda state: state.app.register_blueprint(reports))

FILTERS = ("q", "level", "ownership", "commune", "roster", "attention", "sort", "dir")


def _words():
    return {"levels": LEVEL_LABELS, "ownerships": OWNERSHIP_LABELS,
            "roster_states": ROSTER_STATE_LABELS, "roster_classes": ROSTER_STATE_CLASSES,
            "review_states": REVIEW_STATE_LABELS, "review_classes": REVIEW_STATE_CLASSES,
            "review_codes": REVIEW_STATES, "roster_codes": ROSTER_STATES,
            "directive_states": DIRECTIVE_STATE_LABELS, "figures": DIRECTIVE_FIGURES,
            "figure_labels": DIRECTIVE_FIGURE_LABELS, "figure_classes": FIGURE_CLASSES,
            "kinds": KIND_LABELS, "groups": GROUP_LABELS, "group_codes": GROUPS,
            "statuses": STATUS_LABELS, "open_statuses": OPEN_STATUSES,
            "categories": CATEGORY_LABELS, "severities": SEVERITY_LABELS,
            "outcomes": OUTCOME_LABELS, "urgent_hours": URGENT_HOURS,
            "year_label": years.label, "number": format_decimal}


# --- The officers' list ------------------------------------------------------------------------


def _filters():
    raw = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    return {
        "q": raw["q"][:100],
        "level": raw["level"] if raw["level"] in LEVEL_LABELS else "",
        "ownership": raw["ownership"] if raw["ownership"] in OWNERSHIP_LABELS else "",
        "commune": raw["commune"][:120],
        "roster": raw["roster"] if raw["roster"] in ROSTER_STATE_LABELS else "",
        "attention": raw["attention"] if raw["attention"] in ATTENTION_LABELS else "",
        "sort": raw["sort"] if raw["sort"] in SORTS else "",
        "dir": raw["dir"] if raw["dir"] in ("asc", "desc") else "",
    }


@bp.get("/")
@allow(OFFICER, PRINCIPAL)
def index():
    """The officers' list of schools; a principal is taken to their own school's page."""
    if not access.sees_school_list(current_user):
        return redirect_to(url_for("schools.page", school_id=current_user.school_id))
    filters = _filters()
    review_round = queries.latest_round(current_user)
    pages = Pages(queries.school_list(current_user, filters, review_round),
                  load=lambda rows: queries.list_figures(current_user, rows, review_round))
    return render("schools/index.html", "results", pages=pages, filters=filters,
                  args={k: v for k, v in filters.items() if v}, review_round=review_round,
                  communes=[(c, c) for c in school_search.communes()], attention=ATTENTION_LABELS,
                  year=years.current(), **_words())


# --- One school's page -------------------------------------------------------------------------


@bp.get("/<int:school_id>")
@allow(OFFICER, PRINCIPAL)
def page(school_id):
    school = get_visible_or_404(access.school_pages_visible_to, school_id)
    return render("schools/page.html", **queries.school_page(current_user, school),
                  sees_list=access.sees_school_list(current_user),
                  printed_at=clock.local_now(), **_words())


# --- The periodic report -----------------------------------------------------------------------


def _period():
    """The period chosen by `?period=2026` (a school year), `2026-1` or `2026-2` (its
    semesters); the current school year by default (and for anything else)."""
    text = (request.args.get("period") or "").strip()
    year_text, _dash, part = text.partition("-")
    year = years.parse(year_text, None)
    if year is None or part not in PERIOD_LABELS:
        year, part = years.current(), WHOLE_YEAR
    return queries.period_of(year, part)


def _period_value(period):
    return f"{period['year']}-{period['part']}" if period["part"] else str(period["year"])


def _period_choices():
    found = []
    for year, label in queries.report_years():
        for part in (WHOLE_YEAR, "1", "2"):
            found.append((f"{year}-{part}" if part else str(year),
                          str(PERIOD_LABELS[part]) % {"year": label}))
    return found


@reports.get("/", endpoint="index")
@allow(OFFICER, OBSERVER)
def report_page():
    period = _period()
    data = queries.report(current_user, period)
    return render("schools/report.html", "results", **data, period_value=_period_value(period),
                  period_choices=_period_choices(), incident_tables=INCIDENT_TABLES,
                  incident_titles=incident_table_titles(), printed_at=clock.local_now(),
                  **_words())


@reports.get("/report.xlsx")
@allow(OFFICER, OBSERVER)
def report_xlsx():
    period = _period()
    body = operations.export_report(current_user, queries.report(current_user, period))
    return current_app.response_class(body, mimetype=XLSX_MIME, headers={
        "Content-Disposition": f"attachment; filename=bao-cao-{_period_value(period)}.xlsx"})
