"""Incident pages. Thin: every incident is found through access.incidents_visible_to (404 for
what the user may not see, whatever the method), every write goes through services."""

import datetime as dt
from urllib.parse import parse_qs

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import (
    OBSERVER,
    OFFICER,
    PRINCIPAL,
    STAFF,
    allow,
    get_visible_or_404,
    incidents_visible_to,
    schools_visible_to,
)
from ..files import UploadError, send_stored
from ..forms import choices
from ..models import CHECKLIST_ITEMS, IncidentAttachment, School
from ..web import redirect_to, render, wants_fragment
from . import services
from .forms import (
    MAX_STUDENTS,
    AssignForm,
    AttachmentForm,
    CorrectionForm,
    IncidentForm,
    NoteForm,
    StatusForm,
)

bp = Blueprint("incidents", __name__, url_prefix="/incidents")

READERS = (OFFICER, PRINCIPAL, STAFF)
FILTERS = ("status", "category", "severity", "school", "level", "date_from", "date_to", "mine",
           "q", "sort")
MAX_ID = 2**31 - 1  # larger numbers are no row, and overflow SQLite's integers
MAX_PAGE = 100_000
YEARS = (2000, 2100)  # what a date or a year in the URL may be; anything else is ignored


def _id(value):
    """A row id typed by someone (form or URL): an int in range, or 0."""
    value = str(value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_ID:
        return int(value)
    return 0


def _visible(incident_id):
    if incident_id > MAX_ID:
        abort(404)
    return get_visible_or_404(incidents_visible_to(current_user), incident_id)


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
    if args["status"] not in services.STATUS_LABELS:
        args["status"] = ""
    if args["school"] and not _id(args["school"]):
        args["school"] = ""
    return args


def _list_url(list_query):
    """The list URL a row form came from: only the known filters and the page (never a key
    url_for would take for itself, such as `endpoint` or `_external`)."""
    args = _url_args(list_args({k: v[0] for k, v in parse_qs(list_query).items()}))
    page = _id(parse_qs(list_query).get("page", [""])[0])
    if page > 1:
        args["page"] = min(page, MAX_PAGE)
    return url_for(".index", **args)


def _url_args(args):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in args.items() if v}


class _Pages:
    """What the pager macro needs, from a page number and a total."""

    def __init__(self, page, per_page, total):
        self.page, self.per_page, self.total = page, per_page, total

    def get_page(self):
        return self.page

    def get_page_count(self):
        return max(1, -(-self.total // self.per_page))

    def get_page_range(self, page, total, show=7):
        start = max(1, min(page - show // 2, total - show + 1))
        return range(start, min(total, start + show - 1) + 1)


# --- List -------------------------------------------------------------------------------------


@bp.get("/")
@allow(*READERS)
def index():
    args = list_args(request.args)
    page = min(max(1, _id(request.args.get("page"))), MAX_PAGE)
    per_page = current_app.config["PAGE_SIZE"]
    rows, total = services.list_page(current_user, args, page, per_page)
    schools = []
    if current_user.role == OFFICER:
        schools = list(schools_visible_to(current_user).select(School.id, School.name)
                       .order_by(School.name_key))
    return render(
        "incidents/index.html", block="results",
        rows=rows, total=total, pagination=_Pages(page, per_page, total),
        args=args, url_args=_url_args(args), counts=services.counters(current_user, args),
        schools=schools, now=services.utcnow(), S=services,
    )


# --- Reporting --------------------------------------------------------------------------------


def _report_form():
    form = IncidentForm()
    if current_user.role == OFFICER:
        schools = schools_visible_to(current_user).where(School.active == True)  # noqa: E712
        form.school_id.choices = choices(
            [(s.id, s.name) for s in schools.order_by(School.name_key)], blank=_("— Chọn —"))
    else:
        form.school_id.choices = choices([(current_user.school_id, current_user.school.name)])
        form.school_id.data = str(current_user.school_id)
    return form


def _school_of(form):
    if current_user.role != OFFICER:
        return current_user.school
    school = (schools_visible_to(current_user)
              .where(School.id == _id(form.school_id.data), School.active == True)  # noqa: E712
              .first())
    if school is None:
        form.school_id.errors = [_("Chọn trường.")]
    return school


@bp.route("/new", methods=["GET", "POST"])
@allow(*READERS)
def new():
    form = _report_form()
    status = 200
    if request.method == "POST":
        if "add_student" in request.form:
            if len(form.students.entries) < MAX_STUDENTS:
                form.students.append_entry()
            return render("incidents/new.html", block="form", form=form)
        valid = form.validate()
        school = _school_of(form)
        if valid and school is not None:
            try:
                incident = services.create_incident(
                    current_user, school,
                    {**{name: getattr(form, name).data for name in (
                        "place", "category", "caused_by", "severity", "sensitive",
                        "summary", "description", "immediate_actions")},
                     "occurred_at": form.occurred_at_utc()},
                    form.student_rows(), form.referral_dates(),
                )
            except services.IncidentError:
                current_app.logger.exception("incident report refused")
                error = _("Chưa ghi được báo cáo (không cấp được số hiệu vụ việc). Thông tin đã "
                          "nhập vẫn còn trên trang; vui lòng gửi lại, nếu vẫn lỗi hãy báo quản "
                          "trị hệ thống.")
                return render("incidents/new.html", block="form", form=form, status=422,
                              form_error=error)
            return redirect_to(url_for(".created", incident_id=incident.id))
        status = 422
    return render("incidents/new.html", block="form", form=form, status=status)


@bp.get("/<int:incident_id>/reported")
@allow(*READERS)
def created(incident_id):
    incident = _visible(incident_id)
    return render("incidents/created.html", incident=incident, S=services)


# --- Detail -----------------------------------------------------------------------------------


def _detail_page(incident, status=200, **extra):
    """The full detail page (students' names included): every render is a view, recorded with
    its audit entry, whether it answers a GET or a form that failed without JavaScript."""
    services.record_view(current_user, incident)
    context = services.detail_context(current_user, incident)
    context.update(extra)
    return render("incidents/detail.html", status=status, incident=incident, S=services,
                  now=services.utcnow(), **context)


@bp.get("/<int:incident_id>")
@allow(*READERS)
def detail(incident_id):
    incident = _visible(incident_id)
    return _detail_page(incident)


def _panels(incident, main, status=200, **extra):
    """The htmx answer: `main` fragment, plus the status panel, the timeline and (for a list row)
    the counters swapped out of band, so everything the change touched updates in place."""
    context = services.detail_context(current_user, incident)
    context.update(extra)
    return render("incidents/_updates.html", block="updates", status=status, incident=incident,
                  main=main, S=services, now=services.utcnow(), **context)


# --- Status -----------------------------------------------------------------------------------


@bp.post("/<int:incident_id>/status")
@allow(*READERS)
def status(incident_id):
    incident = _visible(incident_id)
    form = StatusForm()
    row = form.context.data == "row"
    list_query = request.form.get("list_args", "")
    to = form.to.data or ""
    if not services.may_assign(current_user, incident) or to not in services.STATUS_LABELS:
        abort(403)
    if _version() != incident.version:
        # Stale page: say who changed what, keep what was typed (nothing is written).
        return _status_failure(incident, form, row, list_query, 409,
                               conflict=services.changes_since(incident.id, _version()))
    if not services.may_transition(current_user, incident, to):
        abort(403)
    try:
        form.validate()
        services.change_status(
            current_user, incident, _version(), to, note=form.note.data or "",
            outcome=form.outcome.data or "", agency=form.agency.data or "",
            referred_on=form.referred_on.data, reason=form.reason.data or "",
        )
    except services.Forbidden:
        abort(403)
    except services.Conflict as conflict:
        return _status_failure(conflict.incident, form, row, list_query, 409,
                               conflict=conflict.changes)
    except services.IncidentError as error:
        return _status_failure(incident, form, row, list_query, 422, errors=error.errors)
    if not wants_fragment():
        flash(_("Đã chuyển sang “%(status)s”.", status=services.STATUS_LABELS[to]), "success")
        return redirect_to(_list_url(list_query) if row
                           else url_for(".detail", incident_id=incident.id))
    if row:
        return _row_update(incident, list_query)
    return _panels(incident, "status")


def _row_update(incident, list_query, status=200, **extra):
    args = list_args({k: v[0] for k, v in parse_qs(list_query).items()})
    services.attach_open_items([incident])
    incident.school  # noqa: B018 - loaded for the row
    return render("incidents/_updates.html", block="updates", status=status, main="row",
                  incident=incident, counts=services.counters(current_user, args),
                  args=args, url_args=_url_args(args), list_query=list_query, S=services,
                  now=services.utcnow(), **extra)


def _status_failure(incident, form, row, list_query, status, conflict=None, errors=None):
    kept = {"to": form.to.data, "note": form.note.data or "", "outcome": form.outcome.data,
            "agency": form.agency.data, "referred_on": request.form.get("referred_on", ""),
            "reason": form.reason.data or ""}
    extra = {"kept": kept, "conflict": conflict, "errors": errors or {}}
    if not wants_fragment():
        return _detail_page(incident, status=status, **extra)
    if row:
        return _row_update(incident, list_query, status=status, **extra)
    return _panels(incident, "status", status=status, **extra)


# --- Notes, assignment, checklist -------------------------------------------------------------


@bp.post("/<int:incident_id>/notes")
@allow(*READERS)
def notes(incident_id):
    incident = _visible(incident_id)
    if not services.may_add_note(current_user, incident):
        abort(403)
    form = NoteForm()
    try:
        form.validate()
        services.add_note(current_user, incident, form.note.data or "")
    except services.IncidentError as error:
        if not wants_fragment():
            return _detail_page(incident, status=422, note_errors=error.errors,
                                note_text=form.note.data or "")
        return _panels(incident, "note", status=422, note_errors=error.errors,
                       note_text=form.note.data or "")
    if not wants_fragment():
        flash(_("Đã thêm ghi chú."), "success")
        return redirect_to(url_for(".detail", incident_id=incident.id))
    return _panels(incident, "note")


@bp.post("/<int:incident_id>/assignment")
@allow(*READERS)
def assignment(incident_id):
    incident = _visible(incident_id)
    if not services.may_assign(current_user, incident):
        abort(403)
    form = AssignForm()
    assignee = _id(form.assignee.data)
    try:
        services.assign(current_user, incident, _version(), assignee)
    except services.Conflict as conflict:
        if not wants_fragment():
            return _detail_page(conflict.incident, status=409, conflict=conflict.changes)
        return _panels(conflict.incident, "assignment", status=409,
                       assign_conflict=conflict.changes)
    except services.IncidentError as error:
        if not wants_fragment():
            return _detail_page(incident, status=422, assign_errors=error.errors)
        return _panels(incident, "assignment", status=422, assign_errors=error.errors)
    if not wants_fragment():
        flash(_("Đã giao xử lý."), "success")
        return redirect_to(url_for(".detail", incident_id=incident.id))
    return _panels(incident, "assignment")


@bp.post("/<int:incident_id>/checklist/<item>")
@allow(*READERS)
def checklist(incident_id, item):
    incident = _visible(incident_id)
    if not services.may_tick(current_user, incident):
        abort(403)
    if item not in CHECKLIST_ITEMS:
        abort(404)
    services.tick(current_user, incident, item, request.form.get("done") == "1",
                  request.form.get("note", ""))
    if not wants_fragment():
        return redirect_to(url_for(".detail", incident_id=incident.id) + "#checklist")
    return _panels(incident, "checklist")


# --- Corrections and attachments --------------------------------------------------------------


@bp.post("/<int:incident_id>/corrections")
@allow(*READERS)
def corrections(incident_id):
    incident = _visible(incident_id)
    if not services.may_correct(current_user, incident):
        abort(403)
    form = CorrectionForm()
    if not form.validate():
        return _detail_page(incident, status=422, correction_form=form)
    changes = {name: getattr(form, name).data for name in services.CORRECTABLE}
    changes["occurred_at"] = form.occurred_at_utc()
    try:
        services.correct(current_user, incident, _version(), changes, form.reason.data)
    except services.Conflict as conflict:
        return _detail_page(conflict.incident, status=409, conflict=conflict.changes,
                            correction_form=form)
    except services.IncidentError as error:
        form.reason.errors = list(error.errors.values())
        return _detail_page(incident, status=422, correction_form=form)
    flash(_("Đã ghi đính chính vào diễn biến; báo cáo gốc vẫn được giữ."), "success")
    return redirect_to(url_for(".detail", incident_id=incident.id))


@bp.post("/<int:incident_id>/attachments")
@allow(*READERS)
def attachments(incident_id):
    incident = _visible(incident_id)
    form = AttachmentForm()
    if form.validate():
        try:
            services.add_attachment(current_user, incident, form.file.data)
        except UploadError as error:
            return _detail_page(incident, status=422, upload_error=str(error))
        flash(_("Đã đính kèm tệp."), "success")
        return redirect_to(url_for(".detail", incident_id=incident.id))
    return _detail_page(incident, status=422, upload_error=_("Chọn một tệp ảnh hoặc PDF."))


@bp.get("/<int:incident_id>/attachments/<int:attachment_id>")
@allow(*READERS)
def attachment(incident_id, attachment_id):
    incident = _visible(incident_id)
    if attachment_id > MAX_ID:
        abort(404)
    row = (IncidentAttachment.select()
           .where(IncidentAttachment.id == attachment_id,
                  IncidentAttachment.incident == incident.id)
           .first())
    if row is None:
        abort(404)
    services.record_download(current_user, incident, row)
    return send_stored(row.file)


# --- Aggregates -------------------------------------------------------------------------------


@bp.get("/stats")
@allow(OFFICER, OBSERVER)
def stats():
    """Officers: exact counts, any year or all years. The observer: one year at a time (the
    current one by default, so no two pages overlap and none can be subtracted from another),
    each table protected by services.protect."""
    year = _id(request.args.get("year"))
    if not YEARS[0] <= year <= YEARS[1]:
        year = None
    exact = current_user.role == OFFICER
    if not exact and year is None:
        year = services.utcnow().year
    data = services.aggregates(current_user, year=year)
    tables = {key: services.shown_table(data[key], exact)
              for key in ("category", "level", "severity", "month")}
    return render("incidents/stats.html", data=data, tables=tables, exact=exact, year=year,
                  years=YEARS, S=services)


@bp.app_template_global()
def incident_home_figures():
    return services.home_figures(current_user)


@bp.app_template_filter("small_count")
def small_count(n):
    return services.small(n)
