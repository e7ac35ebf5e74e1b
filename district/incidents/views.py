"""Incident pages. Thin: every incident is found through access.incidents_visible_to (404 for
what the user may not see, whatever the method), permissions are access.py's, reads are
queries.py's, writes operations.py's, and every answer is web.render: the page, or for htmx one
block of it with the other panels the change touched out of band."""

import datetime as dt
from urllib.parse import parse_qs

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from .. import access, clock, school_search
from ..access import allow, get_visible_or_404, incidents_visible_to
from ..files import UploadError, send_stored
from ..i18n import gettext as _
from ..models import IncidentAttachment
from ..vocabulary import OBSERVER, OFFICER, PRINCIPAL, STAFF
from ..web import Pages, parse_id, redirect_to, render, wants_fragment
from . import operations, queries
from .forms import (
    MAX_STUDENTS,
    AssignForm,
    AttachmentForm,
    CorrectionForm,
    IncidentForm,
    NoteForm,
    StatusForm,
)
from .suppression import shown_table, small
from .vocabulary import CHECKLIST_ITEMS, LABELS, STATUS_LABELS, PageLabels
from .workflow import is_urgent

bp = Blueprint("incidents", __name__, url_prefix="/incidents")

READERS = (OFFICER, PRINCIPAL, STAFF)
FILTERS = ("status", "category", "severity", "school", "school_q", "level", "date_from",
           "date_to", "mine", "q", "sort")
MAX_PAGE = 100_000
YEARS = (2000, 2100)  # what a date or a year in the URL may be; anything else is ignored
# The htmx answer of each change on the detail page: the block that was asked for, and the
# other blocks the change touched (out of band).
PANELS = {
    "status_panel": ("timeline", "checklist", "assignment", "correction"),
    "note_form": ("timeline",),
    "assignment": ("status_panel", "timeline", "correction"),
    "checklist": ("status_panel", "timeline"),
}


def _visible(incident_id):
    return get_visible_or_404(incidents_visible_to, incident_id)


def _acting(incident_id, may):
    """The incident, if the user sees it (else 404) and `may` do this to it (else 403)."""
    incident = _visible(incident_id)
    if not may(current_user, incident):
        abort(403)
    return incident


def _version():
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return 0


def _date(value):
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and YEARS[0] <= day.year <= YEARS[1] else None


def list_args(source):
    args = {name: (source.get(name) or "").strip() for name in FILTERS}
    for name in ("date_from", "date_to"):
        args[name] = _date(args[name])
    if args["status"] not in STATUS_LABELS:
        args["status"] = ""
    if args["school"]:
        # Given, it narrows: to the school if the user sees it, else to nothing (an unusable
        # number is no school's, "0"); never widened back to every school.
        args["school"] = str(parse_id(args["school"]))
    return args


def _list_url(list_query):
    """The list URL a row form came from: only the known filters and the page (never a key
    url_for would take for itself, such as `endpoint` or `_external`)."""
    args = _url_args(list_args({k: v[0] for k, v in parse_qs(list_query).items()}))
    page = parse_id(parse_qs(list_query).get("page", [""])[0])
    if page > 1:
        args["page"] = min(page, MAX_PAGE)
    return url_for(".index", **args)


def _url_args(args):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in args.items() if v}


# --- List -------------------------------------------------------------------------------------


def _list_context(args, list_query, counts=None):
    return {"args": args, "url_args": _url_args(args), "list_query": list_query,
            "counts": counts or queries.counters(current_user, args), "labels": PageLabels()}


@bp.get("/")
@allow(*READERS)
def index():
    args = list_args(request.args)
    user = current_user._get_current_object()  # one lookup, not one per row
    rows = queries.listing(user, args)
    # The counters count the list under every filter but the status: the pager's total is
    # theirs, with no second count.
    counts = queries.counters(user, args)
    pages = Pages(rows, total=counts[args["status"] or "all"])
    queries.row_facts(user, pages.items)
    return render("incidents/index.html", "results", pages=pages,
                  school_filter=access.may_choose_school(user),
                  chosen_school=queries.chosen_school(user, args),
                  mine_filter=access.may_be_assigned_incidents(user),
                  **_list_context(args, request.query_string.decode(), counts))


# --- Reporting --------------------------------------------------------------------------------


def _report_form():
    form = IncidentForm()
    if not access.may_choose_school(current_user):
        form.school_id.data = str(current_user.school_id)
    return form


def _school_of(form):
    if not access.may_choose_school(current_user):
        return current_user.school
    school = _school_picker(form)["chosen"]
    if school is None:
        form.school_id.errors = [_("Chọn trường: gõ tên hoặc mã trường rồi chọn trong danh "
                                   "sách.")]
    return school


def _school_picker(form):
    """What the officer's school picker shows: the school chosen, and the schools matching
    what was typed (never the whole list)."""
    return school_search.picker(current_user, request.values.get("school_q", ""),
                                parse_id(form.school_id.data))


def _report_page(form, status=200, **extra):
    may_choose = access.may_choose_school(current_user)
    return render("incidents/new.html", "form", form=form, status=status,
                  may_choose_school=may_choose,
                  picker=_school_picker(form) if may_choose else None, **extra)


@bp.get("/schools")
@allow(OFFICER)
def schools():
    """The schools matching what the officer typed in the report form's picker (htmx)."""
    form = _report_form()
    form.school_id.data = request.args.get("school_id", "")
    return render("_partials/school_picker.html", "matches", picker=_school_picker(form),
                  picker_field=form.school_id)


@bp.route("/new", methods=["GET", "POST"])
@allow(*READERS)
def new():
    form = _report_form()
    if request.method == "GET":
        return _report_page(form)
    if "add_student" in request.form:
        if len(form.students.entries) < MAX_STUDENTS:
            form.students.append_entry()
        return _report_page(form)
    if "find_school" in request.form:  # the picker's search, without JavaScript
        return _report_page(form)
    valid = form.validate()
    school = _school_of(form)
    if not (valid and school is not None):
        return _report_page(form, 422)
    fields = ("place", "category", "caused_by", "severity", "sensitive", "summary",
              "description", "immediate_actions")
    try:
        incident = operations.report(
            current_user, school,
            {**{name: getattr(form, name).data for name in fields},
             "occurred_at": form.occurred_at_utc()},
            form.student_rows(), form.referral_dates(),
        )
    except operations.IncidentError:
        current_app.logger.exception("incident report refused")
        error = _("Chưa ghi được báo cáo (không cấp được số hiệu vụ việc). Thông tin đã nhập vẫn "
                  "còn trên trang; vui lòng gửi lại, nếu vẫn lỗi hãy báo quản trị hệ thống.")
        return _report_page(form, 422, form_error=error)
    return redirect_to(url_for(".created", incident_id=incident.id))


@bp.get("/<int:incident_id>/reported")
@allow(*READERS)
def created(incident_id):
    incident = _visible(incident_id)
    return render("incidents/created.html", incident=incident, urgent=is_urgent(incident))


# --- Detail -----------------------------------------------------------------------------------


def _detail(incident, block=None, status=200, **extra):
    """The detail page, or for htmx `block` of it with the panels that change touched."""
    return render("incidents/detail.html", block, oob=PANELS.get(block, ()), status=status,
                  incident=incident, labels=LABELS, **queries.detail(current_user, incident),
                  **extra)


def _detail_page(incident, status=200, **extra):
    """The full detail page (students' names included): every render is a view, recorded with
    its audit entry, whether it answers a GET or a form that failed without JavaScript."""
    operations.record_view(current_user, incident)
    return _detail(incident, status=status, **extra)


def _answer(incident, block, status=200, **extra):
    """A change's answer: the panel for htmx; without JavaScript the page again on failure."""
    if wants_fragment():
        return _detail(incident, block, status=status, **extra)
    return _detail_page(incident, status=status, **extra)


@bp.get("/<int:incident_id>")
@allow(*READERS)
def detail(incident_id):
    return _detail_page(get_visible_or_404(incidents_visible_to, incident_id,
                                           shape=queries.with_names))


# --- Status -----------------------------------------------------------------------------------


@bp.post("/<int:incident_id>/status")
@allow(*READERS)
def status(incident_id):
    incident = _acting(incident_id, access.may_assign)  # those who handle it
    form = StatusForm()
    form.validate()
    to = form.to.data or ""
    if to not in STATUS_LABELS:
        abort(403)
    if _version() != incident.version:
        # A stale page: say who changed what, keep what was typed (nothing is written).
        return _status_refused(incident, form, 409)
    if not access.may_transition(current_user, incident, to):
        abort(403)
    try:
        operations.change_status(
            current_user, incident, _version(), to, note=form.note.data or "",
            outcome=form.outcome.data or "", agency=form.agency.data or "",
            referred_on=form.referred_on.data, reason=form.reason.data or "",
        )
    except operations.Conflict as conflict:
        return _status_refused(conflict.incident, form, 409)
    except operations.IncidentError as error:
        return _status_refused(incident, form, 422, errors=error.errors)
    row = form.context.data == "row"
    if not wants_fragment():
        flash(_("Đã chuyển sang “%(status)s”.", status=STATUS_LABELS[to]), "success")
        return redirect_to(_list_url(form.list_args.data or "") if row
                           else url_for(".detail", incident_id=incident.id))
    if row:
        return _row(incident, form, changed=True)
    return _detail(incident, "status_panel")


def _status_refused(incident, form, status, errors=None):
    """409 (someone changed it first: who, and a retry carrying exactly what was submitted) or
    422 (what is missing), keeping everything typed."""
    conflict = None
    if status == 409:
        conflict = queries.changes_since(current_user, incident.id, _version())
    extra = {"kept": form.kept(), "status_conflict": conflict, "errors": errors or {}}
    if form.context.data == "row" and wants_fragment():
        return _row(incident, form, status, **extra)
    return _answer(incident, "status_panel", status, **extra)


def _row(incident, form, status=200, **extra):
    """A list row changed in place, with the list's counters out of band."""
    list_query = form.list_args.data or ""
    args = list_args({k: v[0] for k, v in parse_qs(list_query).items()})
    row = queries.as_row(incident)
    queries.row_facts(current_user, [row], forms=True)
    return render("incidents/_row.html", oob=("incidents/_counters.html",), status=status,
                  incident=row, **_list_context(args, list_query), **extra)


@bp.get("/<int:incident_id>/status-steps")
@allow(*READERS)
def status_steps(incident_id):
    """A list row's status forms, fetched in place by its "Đổi trạng thái" control (htmx), so
    the list carries one small link per row instead of every row's forms. `list` is the list's
    query, carried by the forms (the counters of the answer, the list again without
    JavaScript). Without JavaScript the control is a link to the incident's page, whose panel
    has the same forms; this address then leads there. 404 for an incident the user does not
    see, 403 for one they may not move (as the status change itself answers)."""
    incident = _acting(incident_id, access.may_assign)
    queries.row_facts(current_user, [incident], forms=True)
    if not incident.steps:
        abort(403)
    if not wants_fragment():
        return redirect_to(url_for(".detail", incident_id=incident.id) + "#status-panel")
    return render("incidents/_row.html", "status_control", incident=incident, labels=LABELS,
                  list_query=request.args.get("list", ""), steps_shown=True)


# --- Notes, assignment, checklist -------------------------------------------------------------


def _done(incident, block, message, anchor=""):
    if wants_fragment():
        return _detail(incident, block)
    if message:
        flash(message, "success")
    return redirect_to(url_for(".detail", incident_id=incident.id) + anchor)


@bp.post("/<int:incident_id>/notes")
@allow(*READERS)
def notes(incident_id):
    incident = _acting(incident_id, access.may_add_note)
    form = NoteForm()
    form.validate()
    try:
        operations.add_note(current_user, incident, form.note.data or "")
    except operations.IncidentError as error:
        return _answer(incident, "note_form", 422, note_errors=error.errors,
                       note_text=form.note.data or "")
    return _done(incident, "note_form", _("Đã thêm ghi chú."))


@bp.post("/<int:incident_id>/assignment")
@allow(*READERS)
def assignment(incident_id):
    incident = _acting(incident_id, access.may_assign)
    form = AssignForm()
    try:
        operations.assign(current_user, incident, _version(), parse_id(form.assignee.data))
    except operations.Conflict as conflict:
        return _answer(conflict.incident, "assignment", 409,
                       assign_conflict=queries.changes_since(current_user, incident.id,
                                                             _version()))
    except operations.IncidentError as error:
        return _answer(incident, "assignment", 422, assign_errors=error.errors)
    return _done(incident, "assignment", _("Đã giao xử lý."))


@bp.post("/<int:incident_id>/checklist/<item>")
@allow(*READERS)
def checklist(incident_id, item):
    incident = _acting(incident_id, access.may_tick)
    if item not in CHECKLIST_ITEMS:
        abort(404)
    operations.tick(current_user, incident, item, request.form.get("done") == "1")
    return _done(incident, "checklist", "", "#checklist")


# --- Corrections and attachments --------------------------------------------------------------


@bp.post("/<int:incident_id>/corrections")
@allow(*READERS)
def corrections(incident_id):
    incident = _acting(incident_id, access.may_correct)
    form = CorrectionForm()
    if not form.validate():
        return _detail_page(incident, status=422, correction_form=form)
    changes = {name: getattr(form, name).data for name in operations.CORRECTABLE}
    changes["occurred_at"] = form.occurred_at_utc()
    try:
        operations.correct(current_user, incident, _version(), changes, form.reason.data)
    except operations.Conflict as conflict:
        return _detail_page(conflict.incident, status=409, correction_form=form,
                            correction_conflict=queries.changes_since(
                                current_user, incident.id, _version()))
    except operations.IncidentError as error:
        form.reason.errors = list(error.errors.values())
        return _detail_page(incident, status=422, correction_form=form)
    flash(_("Đã ghi đính chính vào diễn biến; báo cáo gốc vẫn được giữ."), "success")
    return redirect_to(url_for(".detail", incident_id=incident.id))


@bp.post("/<int:incident_id>/attachments")
@allow(*READERS)
def attachments(incident_id):
    incident = _acting(incident_id, access.may_attach)
    form = AttachmentForm()
    if not form.validate():
        return _detail_page(incident, status=422, upload_error=_("Chọn một tệp ảnh hoặc PDF."))
    try:
        operations.add_attachment(current_user, incident, form.file.data)
    except UploadError as error:
        return _detail_page(incident, status=422, upload_error=str(error))
    flash(_("Đã đính kèm tệp."), "success")
    return redirect_to(url_for(".detail", incident_id=incident.id))


@bp.get("/<int:incident_id>/attachments/<int:attachment_id>")
@allow(*READERS)
def attachment(incident_id, attachment_id):
    incident = _visible(incident_id)
    if not parse_id(attachment_id):
        abort(404)
    row = (IncidentAttachment.select()
           .where(IncidentAttachment.id == attachment_id,
                  IncidentAttachment.incident == incident.id)
           .first())
    if row is None:
        abort(404)
    operations.record_download(current_user, incident, row)
    return send_stored(row.file)


# --- Aggregates -------------------------------------------------------------------------------


@bp.get("/stats")
@allow(OFFICER, OBSERVER)
def stats():
    """Officers: exact counts, any year or all years. The observer: one year at a time (the
    current local year by default, so no two pages overlap and none can be subtracted from
    another), each table protected by suppression.protect."""
    year = parse_id(request.args.get("year"))
    if not YEARS[0] <= year <= YEARS[1]:
        year = None
    exact = access.sees_exact_counts(current_user)
    if not exact and year is None:
        year = clock.today().year
    data = queries.aggregates(current_user, year=year)
    tables = {key: shown_table(data[key], exact)
              for key in ("category", "level", "severity", "month", "status")}
    return render("incidents/stats.html", data=data, tables=tables, exact=exact, year=year,
                  **queries.stat_charts(tables),
                  years=YEARS, labels=LABELS,
                  total=str(data["total"]) if exact else small(data["total"]))


@bp.app_template_global()
def incident_home_figures():
    return queries.home_figures(current_user)


@bp.app_template_global()
def incident_home_charts():
    """This year's counts by month, category and status as charts (suppressed for the
    observer)."""
    return queries.home_charts(current_user)


@bp.app_template_global()
def incident_home_aggregates():
    return queries.home_aggregates(current_user)


@bp.app_template_filter("small_count")
def small_count(n):
    return small(n)
