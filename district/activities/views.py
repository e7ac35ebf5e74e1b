"""Dissemination and training activities: a school's list, the office's coverage (or the
observer's figures), recording and changing an activity, its page and files, the head counts.
Thin views: parse input, ask access.py, call one query or operation, render.
"""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import format_decimal
from flask_login import current_user

from .. import access, clock, school_search
from ..access import (
    ADMIN,
    OBSERVER,
    OFFICER,
    PRINCIPAL,
    STAFF,
    activities_visible_to,
    allow,
    get_visible_or_404,
    schools_visible_to,
)
from ..files import send_stored
from ..forms import choices
from ..i18n import gettext as _
from ..vocabulary import LEVEL_LABELS
from ..web import Pages, parse_id, redirect_to, render
from . import operations, queries, years
from .formats import XLSX_MIME
from .forms import OfficeTrainingForm, SchoolActivityForm, StaffCountForm
from .vocabulary import (
    FIELD_LABELS,
    FILE_KIND_LABELS,
    GROUP_LABELS,
    GROUPS,
    KIND_LABELS,
    PRESENTER_LABELS,
    QUAN_TRIET,
    SORTS,
    STAFF_GROUPS,
    STATE_LABELS,
)

bp = Blueprint("activities", __name__, url_prefix="/activities")

FILTERS = ("year", "kind", "directive", "state", "level", "commune", "q", "sort", "dir")
READERS = (ADMIN, OFFICER, PRINCIPAL, STAFF)


def _words():
    """The labels every activity page reads."""
    return {"kinds": KIND_LABELS, "presenters": PRESENTER_LABELS, "groups": GROUP_LABELS,
            "group_codes": GROUPS, "staff_groups": STAFF_GROUPS, "file_kinds": FILE_KIND_LABELS,
            "field_labels": FIELD_LABELS, "states": STATE_LABELS, "levels": LEVEL_LABELS,
            "year_label": years.label, "today": clock.today(), "number": format_decimal}


def _filters():
    raw = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    return {
        "year": years.parse(raw["year"], years.current()),
        "kind": raw["kind"] if raw["kind"] in KIND_LABELS else "",
        "directive": parse_id(raw["directive"]) or "",
        "state": raw["state"] if raw["state"] in STATE_LABELS else "",
        "level": raw["level"] if raw["level"] in LEVEL_LABELS else "",
        "commune": raw["commune"][:120],
        "q": raw["q"][:100],
        "sort": raw["sort"] if raw["sort"] in SORTS else "",
        "dir": raw["dir"] if raw["dir"] in ("asc", "desc") else "",
    }


def _args(filters):
    """The filters as URL arguments (the current school year is the default, left out)."""
    return {k: v for k, v in filters.items()
            if v and not (k == "year" and v == years.current())}


def _year_choices(scope):
    return years.choices(queries.first_year(scope))


def _own_school():
    return get_visible_or_404(schools_visible_to, current_user.school_id)


# --- The list: a school's, the office's coverage, the observer's figures -------------------------


@bp.get("/")
@allow(ADMIN, OFFICER, OBSERVER, PRINCIPAL, STAFF)
def index():
    filters = _filters()
    if access.sees_activity_coverage(current_user):
        return _coverage(filters)
    if access.sees_only_activity_aggregates(current_user):
        return _aggregates(filters)
    return _school_list(filters)


def _school_list(filters, school=None):
    """A school's activities: the user's own school, or for the office `school`."""
    own = school is None
    school = school or _own_school()
    args = _args(filters) | ({} if own else {"school_id": school.id})
    endpoint = "activities.index" if own else "activities.school"
    pages = Pages(queries.school_list(current_user, filters, school))
    return render(
        "activities/index.html", "results", pages=pages, filters=filters, args=args,
        list_endpoint=endpoint, list_url=url_for(endpoint, **({} if own else {
            "school_id": school.id})), own_school=own,
        school=school, summary=queries.school_year_summary(current_user, school, filters["year"]),
        year_choices=_year_choices(activities_visible_to(current_user)),
        may_record=access.may_record_activity(current_user),
        may_edit_counts=access.may_edit_staff_counts(current_user, school.id), **_words())


@bp.get("/schools/<int:school_id>")
@allow(ADMIN, OFFICER)
def school(school_id):
    """One school's activities, for the office."""
    return _school_list(_filters(), get_visible_or_404(schools_visible_to,
                                                       school_id))


def _coverage(filters):
    pages = Pages(queries.coverage_query(current_user, filters))
    months = queries.month_counts(current_user, filters)
    return render(
        "activities/coverage.html", "results", pages=pages, filters=filters,
        args=_args(filters), rows=[queries.coverage_row(s) for s in pages.items],
        figures=queries.coverage_figures(current_user, filters),
        month_chart=queries.month_chart(months),
        directives=queries.year_directives(current_user, filters["year"], filters["directive"]),
        communes=[(c, c) for c in school_search.communes()],
        trainings=queries.office_trainings(current_user, filters["year"]).limit(5),
        year_choices=_year_choices(activities_visible_to(current_user)),
        may_record=access.may_record_activity(current_user), **_words())


def _aggregates(filters):
    filters = {**filters, "directive": "", "level": "", "commune": "", "q": "", "state": ""}
    kinds = queries.kind_counts(current_user, filters)
    return render(
        "activities/aggregates.html", "results", filters=filters, args=_args(filters),
        figures=queries.coverage_figures(current_user, filters, schools=False),
        month_chart=queries.month_chart(queries.month_counts(current_user, filters,
                                                             schools=False)),
        kind_chart=queries.kind_chart(kinds),
        year_choices=_year_choices(access.activity_aggregates_scope(current_user)),
        **_words())


@bp.get("/coverage.xlsx")
@allow(ADMIN, OFFICER)
def export():
    """The coverage as filtered on the page, as XLSX."""
    filters = _filters()
    rows = (queries.coverage_row(s)
            for s in queries.coverage_query(current_user, filters).iterator())
    body = operations.export_coverage(current_user, rows, filters)
    return current_app.response_class(body, mimetype=XLSX_MIME, headers={
        "Content-Disposition": f"attachment; filename=hoat-dong-{filters['year']}.xlsx"})


@bp.get("/trainings")
@allow(ADMIN, OFFICER)
def trainings():
    """The office's own trainings of a school year."""
    filters = _filters()
    pages = Pages(queries.office_trainings(current_user, filters["year"]))
    return render("activities/trainings.html", "results", pages=pages, filters=filters,
                  args=_args(filters),
                  year_choices=_year_choices(activities_visible_to(current_user)),
                  may_record=access.may_record_activity(current_user), **_words())


# --- Recording and changing ----------------------------------------------------------------------


def _form(activity=None, data=None):
    """The form of the signed-in user (an office training for an officer, else the school's
    activity), its choices and its checks."""
    office = (activity.school_id is None) if activity else access.records_office_trainings(
        current_user)
    school = None if office else (activity.school if activity else _own_school())
    form_class = OfficeTrainingForm if office else SchoolActivityForm
    form = form_class(formdata=None, data=data) if data is not None else form_class()
    form.checks = queries.Checks(current_user, school)
    form.directive_ids.choices = choices(queries.directive_choices(
        current_user, [i for i in (form.directive_ids.data or []) if parse_id(i)]))
    if not office:
        form.attendee_ids.choices = choices(queries.account_choices(current_user, school))
    return form, school


def _form_page(form, activity=None, status=200, **extra):
    files = []
    if activity is not None:
        files = queries.detail(current_user, activity)["files"]
    return render("activities/form.html", "form", form=form, activity=activity, files=files,
                  office=isinstance(form, OfficeTrainingForm), status=status, **extra,
                  **_words())


def _checked_files(form):
    """The uploads checked by content, or None with the refusal on the file's field."""
    try:
        return operations.checked_uploads(form.uploads())
    except operations.ActivityError as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return None


def _values(form):
    values = form.values()
    if isinstance(form, OfficeTrainingForm):
        values["counseling"] = bool(form.counseling.data)
    return values


@bp.route("/new", methods=["GET", "POST"])
@allow(PRINCIPAL, OFFICER)
def new():
    if request.method == "GET":
        office = access.records_office_trainings(current_user)
        # ?directive=<id> (from a directive to disseminate): a quán triệt of that directive.
        directive_id = parse_id(request.args.get("directive"))
        preset = ({"kind": QUAN_TRIET, "directive_ids": [str(directive_id)]}
                  if directive_id and not office else {})
        form, _school = _form(data={
            "kind": "tap_huan" if office else "", "presenter": "office" if office else "school",
            "sessions": 1, **{g: 0 for g in GROUPS}, **preset})
        return _form_page(form)
    form, school = _form()
    if not form.validate():
        return _form_page(form, status=422)
    checked = _checked_files(form)
    if checked is None:
        return _form_page(form, status=422)
    activity = operations.record_activity(current_user, school, _values(form), form.directives(),
                                          form.attendees(), checked)
    flash(_("Đã ghi hoạt động “%(title)s”.", title=activity.title), "success")
    return redirect_to(url_for(".detail", activity_id=activity.id))


def _editable(activity_id):
    activity = get_visible_or_404(activities_visible_to, activity_id)
    if not access.may_edit_activity(current_user, activity):
        abort(404)
    return activity


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@allow(PRINCIPAL, OFFICER)
def edit(activity_id):
    activity = _editable(activity_id)
    if request.method == "GET":
        form, _school = _form(activity, data={**queries.form_values(activity),
                                               "version": str(activity.version)})
        return _form_page(form, activity)
    form, _school = _form(activity)
    if not form.validate():
        return _form_page(form, activity, status=422)
    checked = _checked_files(form)
    if checked is None:
        return _form_page(form, activity, status=422)
    try:
        changes = operations.change_activity(
            current_user, activity, parse_id(form.version.data), _values(form),
            form.directives(), form.attendees(), checked, form.removed_files())
    except operations.Conflict as conflict:
        return _form_page(form, conflict.activity, status=409,
                          new_version=conflict.activity.version,
                          conflict=queries.changes_since(conflict.activity,
                                                         parse_id(form.version.data)))
    flash(_("Đã lưu thay đổi.") if changes else _("Không có gì thay đổi."), "success")
    return redirect_to(url_for(".detail", activity_id=activity.id))


# --- One activity --------------------------------------------------------------------------------


@bp.get("/<int:activity_id>")
@allow(*READERS)
def detail(activity_id):
    activity = get_visible_or_404(activities_visible_to, activity_id)
    return render("activities/detail.html", activity=activity,
                  may_edit=access.may_edit_activity(current_user, activity),
                  **queries.detail(current_user, activity), **_words())


@bp.get("/<int:activity_id>/files/<int:file_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def download(activity_id, file_id):
    activity = get_visible_or_404(activities_visible_to, activity_id)
    row = queries.visible_file(current_user, activity, file_id)
    if row is None:
        abort(404)
    operations.record_download(current_user, activity, row)
    return send_stored(row.file)


# --- Head counts ---------------------------------------------------------------------------------


@bp.route("/staff", methods=["GET", "POST"])
@allow(PRINCIPAL)
def staff():
    school = _own_school()
    if not access.may_edit_staff_counts(current_user, school.id):
        abort(404)
    rows = queries.staff_counts(current_user, school)
    year = years.parse(request.args.get("year"), years.current())
    offered = {years.current() + 1, years.current(), years.current() - 1, year,
               *(r.school_year for r in rows)}
    year_options = choices([(y, years.label(y)) for y in sorted(offered, reverse=True)])
    if request.method == "GET":
        known = next((r for r in rows if r.school_year == year), None)
        form = StaffCountForm(formdata=None, data={
            "school_year": str(year), **{g: getattr(known, g) if known else None
                                         for g in STAFF_GROUPS}})
        form.school_year.choices = year_options
        return _staff_page(form, school, rows)
    form = StaffCountForm()
    form.school_year.choices = year_options
    if not form.validate():
        return _staff_page(form, school, rows, status=422)
    year = years.parse(form.school_year.data)
    operations.set_staff_counts(current_user, school, year, form.counts())
    flash(_("Đã lưu số cán bộ, giáo viên, nhân viên năm học %(year)s.", year=years.label(year)),
          "success")
    return redirect_to(url_for(".staff", year=year))


def _staff_page(form, school, rows, status=200):
    return render("activities/staff.html", "form", form=form, school=school, rows=rows,
                  status=status, **_words())
