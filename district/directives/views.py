"""Directive pages: parse the request, check who may, call one query or operation, render."""

import datetime as dt

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_login import current_user

from .. import clock, school_search
from ..access import (
    allow,
    directives_visible_to,
    get_visible_or_404,
    is_office_staff,
    may_acknowledge,
    may_acknowledge_for_school,
    may_confirm_personally,
    may_manage_directives,
    may_remind_readers,
    may_review_responses,
    readers_per_school,
    sees_only_directive_rates,
    sees_readers,
)
from ..files import send_stored
from ..forms import EmptyForm
from ..i18n import gettext as _
from ..i18n import ngettext, translated
from ..models import Directive, StoredFile
from ..text import clean
from ..vocabulary import (
    ADMIN,
    LEVEL_LABELS,
    OBSERVER,
    OFFICER,
    OWNERSHIP_LABELS,
    PRINCIPAL,
    STAFF,
)
from ..web import Pages, parse_id, redirect_to, render, wants_fragment
from . import formats, operations, pdf, queries, schedule
from .forms import (
    BODY_MAX,
    MAX_CHOSEN,
    AcknowledgeForm,
    DirectiveForm,
    ProxyAcknowledgeForm,
    RespondForm,
    ReviewForm,
    RevisionForm,
    school_ids,
)
from .vocabulary import (
    CHANNEL_LABELS,
    FIELD_LABELS,
    INBOX_FILTERS,
    LEGEND,
    PURPOSE_LABELS,
    RESPONSE_FILTERS,
    RESPONSE_LABELS,
    RESPONSE_STATE_CLASSES,
    RESPONSE_STATE_LABELS,
    RESPONSE_STEP_LABELS,
    REVIEW_ROUND_KIND,
    REVIEWED_KINDS,
    STATE_CLASSES,
    STATE_LABELS,
    STATES,
    STATUS_LABELS,
)

bp = Blueprint("directives", __name__, url_prefix="/directives")

LABELS = {
    "states": STATE_LABELS,
    "state_classes": STATE_CLASSES,
    "legend": LEGEND,
    "responses": RESPONSE_LABELS,
    "statuses": STATUS_LABELS,
    "levels": LEVEL_LABELS,
    "ownerships": OWNERSHIP_LABELS,
    "field_labels": FIELD_LABELS,
    "purposes": PURPOSE_LABELS,
    "channels": CHANNEL_LABELS,
    "response_states": RESPONSE_STATE_LABELS,
    "response_classes": RESPONSE_STATE_CLASSES,
    "response_filters": RESPONSE_FILTERS,
    "response_steps": RESPONSE_STEP_LABELS,
    "reviewed_kinds": REVIEWED_KINDS,
}
# The labels the lists show on every row, translated once for the request (i18n.translated).
ROW_LABELS = ("states", "statuses", "levels", "ownerships", "purposes", "response_states")


def _labels():
    """LABELS, those of ROW_LABELS translated for this request."""
    return {**LABELS, **{name: translated(LABELS[name]) for name in ROW_LABELS}}


@bp.app_template_global()
def directive_unread_count(user):
    """The header badge (one query); see queries.pending_count."""
    return queries.pending_count(user)


@bp.app_template_global()
def directive_officer_summary():
    return queries.officer_summary(current_user)


@bp.app_template_global()
def directive_observer_rates():
    return queries.observer_rates(current_user)


@bp.app_template_global()
def directive_rate_charts():
    """The officer's and the observer's home: rates by level and by commune, as charts (the
    communes with the lowest rates when there are many)."""
    return queries.rate_charts(current_user, queries.HOME_COMMUNES)


@bp.app_template_global()
def directive_school_home():
    return {**queries.school_home(current_user), "states": STATE_LABELS,
            "state_classes": STATE_CLASSES, "responses": RESPONSE_LABELS}


@bp.get("/rates")
@allow(OFFICER, OBSERVER)
def rates():
    """Acknowledgement rates by level and by every commune (the homes chart only the communes
    with the lowest rates when there are many)."""
    return render("directives/rates_by_group.html", charts=queries.rate_charts(current_user))


def _visible(directive_id):
    return get_visible_or_404(directives_visible_to, directive_id)


def _args(*names):
    """The non-empty query-string values among `names`, trimmed."""
    return {k: request.args.get(k, "").strip() for k in names if request.args.get(k, "").strip()}


# --- Lists ----------------------------------------------------------------------------------


@bp.get("/")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF, OBSERVER)
def index():
    """The office's list of directives, a school's inbox, or the observer's rates."""
    if sees_only_directive_rates(current_user):
        return render("directives/rates.html", block="results",
                      pages=Pages(queries.directive_rates(current_user)), args={},
                      levels=queries.level_rates(current_user))
    if is_office_staff(current_user):
        args = _args("q", "status", "overdue")
        query = queries.officer_list_page(current_user, args.get("q", ""),
                                          args.get("status", ""), args.get("overdue") == "1")
        template = "directives/index_officer.html"
    else:
        args = _args("q", "state")
        query = queries.school_inbox_page(current_user, args.get("q", ""),
                                          args.get("state", ""))
        template = "directives/inbox.html"
    return render(template, block="results", pages=Pages(query), args=args,
                  today=clock.today(), may_manage=may_manage_directives(current_user),
                  inbox_filters=INBOX_FILTERS, **_labels())


# --- Writing --------------------------------------------------------------------------------


def _form_data(form):
    return {name: getattr(form, name).data for name in (
        "number", "title", "body", "signer", "issued_on", "deadline", "response_kind",
        "personal_confirmation", "audience_kind", "audience_levels", "audience_ownerships",
        "audience_school_ids", "info_levels", "info_codes", "reminder_days")}


def _uploads():
    return [f for f in request.files.getlist("attachments") if f and f.filename]


def _audience_from(form):
    return queries.audience_summary(queries.audience_query(
        form.audience_kind.data or "all", form.audience_levels.data or (),
        form.audience_ownerships.data or (), form.audience_school_ids.data or ()))


def _form_page(form, directive=None, status=200, revising=False, conflict=None):
    audience = _audience_from(form) if form.audience_kind.data else None
    chooser = None if revising else _chooser(form.audience_school_ids.data)
    return render("directives/form.html", block="form", form=form, directive=directive,
                  revising=revising, audience=audience, conflict=conflict, chooser=chooser,
                  preview=formats.render_markdown(form.body.data or ""), status=status,
                  **LABELS)


def _field_error(form, exc):
    getattr(form, exc.field or "number").errors.append(str(exc))


@bp.route("/new", methods=["GET", "POST"])
@allow(OFFICER)
def new():
    form = DirectiveForm()
    if request.method == "GET":
        today = clock.today()
        form.issued_on.data = today
        form.deadline.data = today + dt.timedelta(days=7)
    if request.form.get("action") == "preview":
        return _form_page(form)
    if form.validate_on_submit():
        try:
            directive = operations.create_draft(current_user, _form_data(form), _uploads())
        except operations.DirectiveError as exc:
            _field_error(form, exc)
        else:
            flash(_("Đã lưu bản nháp %(n)s.", n=directive.number), "success")
            return redirect_to(url_for(".detail", directive_id=directive.id))
    return _form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/<int:directive_id>/edit", methods=["GET", "POST"])
@allow(OFFICER)
def edit(directive_id):
    directive = _visible(directive_id)
    if directive.status == "withdrawn":
        abort(404)
    revising = directive.status == "published"
    form_class = RevisionForm if revising else DirectiveForm
    form = form_class(obj=directive) if request.method == "GET" else form_class()
    if request.method == "GET":
        form.audience_school_ids.data = [str(i) for i in directive.audience_school_ids or []]
        form.info_codes.data = ", ".join(queries.school_codes(directive.info_school_ids))
    if request.form.get("action") == "preview":
        return _form_page(form, directive, revising=revising)
    if form.validate_on_submit():
        try:
            if revising:
                operations.revise(current_user, directive, _form_data(form), form.summary.data,
                                  form.requires_reack.data, _uploads(), form.version.data)
            else:
                operations.update_draft(current_user, directive, _form_data(form), _uploads(),
                                        form.version.data)
        except operations.DirectiveConflict as exc:
            # The form now carries the current version: saving again is a deliberate choice.
            current = Directive.get_by_id(directive.id)
            form.version.data = str(current.version)
            return _form_page(form, current, status=409, revising=revising, conflict=str(exc))
        except operations.DirectiveError as exc:
            _field_error(form, exc)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect_to(url_for(".detail", directive_id=directive.id))
    return _form_page(form, directive, status=422 if form.is_submitted() else 200,
                      revising=revising)


@bp.post("/preview")
@allow(OFFICER)
def preview():
    """Live preview of the Markdown body, rendered and sanitised by the server."""
    return render("directives/_preview.html",
                  preview=formats.render_markdown(request.form.get("body", "")[:BODY_MAX]))


@bp.post("/audience")
@allow(OFFICER)
def audience():
    """How many and which schools the audience chosen in the form designates."""
    form = DirectiveForm()
    return render("directives/_audience.html", audience=_audience_from(form))


# --- The school chooser of the directive form (docs/decisions/directive-school-chooser.md) ---

# The longest search the chooser reads (a school's name has at most 200 characters).
CHOOSER_SEARCH_MAX = 100


def _chooser_filters(values):
    """The chooser's search and filters as sent (`school_q`, `school_level`,
    `school_ownership`, `school_commune`): an unknown level or ownership reads as none, and a
    long search is cut."""
    def typed(name, size):
        return clean(values.get(name, "") or "")[:size]

    level, ownership = typed("school_level", 40), typed("school_ownership", 40)
    return {"q": typed("school_q", CHOOSER_SEARCH_MAX),
            "level": level if level in LEVEL_LABELS else "",
            "ownership": ownership if ownership in OWNERSHIP_LABELS else "",
            "commune": typed("school_commune", 120)}


def _chooser(chosen_ids):
    """What the form's chooser shows: the chosen schools as chips, and the schools matching the
    filters sent with the form (none on a first visit) as checkboxes."""
    filters = _chooser_filters(request.values)
    chosen = queries.chosen_schools(current_user, chosen_ids)
    return {"filters": filters, "results": queries.chooser_results(current_user, filters),
            "chosen": chosen, "chosen_ids": {s["id"] for s in chosen["shown"]}
            | set(chosen["more_ids"]), "communes": school_search.communes()}


@bp.get("/schools")
@allow(OFFICER)
def schools():
    """The chooser's search (htmx): at most CHOOSER_LIMIT matching schools as checkboxes, and
    how many match."""
    filters = _chooser_filters(request.args)
    return render("directives/_chooser_results.html", chooser={
        "filters": filters, "results": queries.chooser_results(current_user, filters),
        "chosen_ids": set()}, **LABELS)


@bp.post("/schools/choose")
@allow(OFFICER)
def choose_schools():
    """"Select all N matching" (htmx): the chosen schools sent with it and every school the
    filters match, as the chooser's chips."""
    filters = _chooser_filters(request.form)
    ids = school_ids(request.form.getlist("audience_school_ids"), limit=MAX_CHOSEN)
    ids += queries.chooser_ids(current_user, filters)
    return render("directives/_chooser_chosen.html", chooser={
        "chosen": queries.chosen_schools(current_user, ids)})


def _action(directive_id, operation, done_message):
    """A one-button POST on a directive (publish, withdraw): run it, say how it went, go back
    to the directive."""
    directive = _visible(directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        directive = operation(current_user, directive)
    except operations.DirectiveError as exc:
        flash(str(exc), "error")
    else:
        flash(done_message % {"n": directive.number}, "success")
    return redirect_to(url_for(".detail", directive_id=directive_id))


@bp.post("/<int:directive_id>/publish")
@allow(OFFICER)
def publish(directive_id):
    return _action(directive_id, operations.publish, _("Đã ban hành văn bản %(n)s."))


@bp.post("/<int:directive_id>/withdraw")
@allow(OFFICER)
def withdraw(directive_id):
    return _action(directive_id, operations.withdraw, _("Đã thu hồi văn bản %(n)s."))


@bp.post("/<int:directive_id>/attachments/<int:attachment_id>/remove")
@allow(OFFICER)
def remove_attachment(directive_id, attachment_id):
    directive = _visible(directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        removed = operations.remove_attachment(current_user, directive, attachment_id)
    except operations.DirectiveError as exc:
        abort(403, str(exc))
    if not removed:
        abort(404)
    flash(_("Đã gỡ tệp đính kèm."), "success")
    return redirect_to(url_for(".detail", directive_id=directive_id))


# --- Reading and acknowledging --------------------------------------------------------------


def _detail_context(directive):
    office = is_office_staff(current_user)
    may_ack = may_acknowledge(current_user)
    recipient = None if office else queries.own_receipt(current_user, directive)
    context = {
        "directive": directive,
        "body_html": formats.render_markdown(directive.body),
        "recipient": recipient,
        "ack_history": list(queries.history(recipient)) if recipient and may_ack else [],
        "attachments": queries.attachments(directive),
        "revisions": queries.revisions(directive),
        "ack_form": AcknowledgeForm(),
        "blocker": queries.ack_blocker(current_user, directive, recipient) if may_ack else None,
        "action_form": EmptyForm(),
        "today": clock.today(),
        "office": office,
        "may_confirm": may_confirm_personally(current_user, directive),
        "confirmation": (queries.own_confirmation(current_user, directive)
                         if may_confirm_personally(current_user, directive) else None),
        "sees_readers": sees_readers(current_user) and directive.personal_confirmation,
        "dissemination_choices": (
            list(queries.dissemination_activities(current_user, directive))
            if may_ack and recipient is not None and directive.response_kind == "disseminate"
            and (recipient.acknowledged_at is None
                 or recipient.response_state in ("", "returned")) else []),
        "may_manage": may_manage_directives(current_user),
        "may_ack": may_ack,
        "reminder_schedule": schedule.context if office else None,
        "respond_form": RespondForm(),
        "review": (queries.review_of(directive, recipient.school_id)
                   if recipient is not None and may_ack else None),
        "respond_blocker": (queries.respond_blocker(current_user, directive, recipient)
                            if may_ack and recipient is not None else None),
        "response_steps_of": (queries.response_steps(recipient)
                              if may_ack and recipient is not None
                              and directive.response_kind in REVIEWED_KINDS else []),
        **LABELS,
    }
    if office and directive.status == "draft":
        context["audience"] = queries.audience_summary(queries.directive_audience(directive))
        context["audience_text"] = queries.audience_description(directive)
    elif office:
        context["counts"] = queries.state_counts(current_user, directive)
    return context


@bp.get("/<int:directive_id>")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF)
def detail(directive_id):
    directive = _visible(directive_id)
    operations.mark_read(current_user, directive)
    return render("directives/detail.html", **_detail_context(directive))


@bp.post("/<int:directive_id>/acknowledge")
@allow(PRINCIPAL)
def acknowledge(directive_id):
    directive = _visible(directive_id)
    form = AcknowledgeForm()
    status, error = 200, None
    if not form.validate_on_submit():
        status, error = 422, " ".join(e for errs in form.errors.values() for e in errs)
    else:
        try:
            operations.acknowledge(current_user, directive, form.note.data, form.report.data,
                                   request.form.get("activity"))
        except operations.AlreadyAcknowledged as exc:
            status, error = 409, str(exc)
        except operations.DirectiveError as exc:
            status, error = 422, str(exc)
    done = _("Nhà trường đã xác nhận văn bản %(n)s.", n=directive.number)
    from_home = request.form.get("from") == "home"  # the button in place on the home card
    if not wants_fragment():
        if error:
            flash(error, "error")
        else:
            flash(done, "success")
        return redirect_to(url_for("main.home") if from_home
                           else url_for(".detail", directive_id=directive.id))
    if from_home:
        # The card again (its count and list without this directive), and the header badge.
        return render("directives/_home_school.html", status=status,
                      oob=() if error else ("directives/_badge.html",),
                      trigger=None if error else "directive-acknowledged",
                      unread=queries.pending_count(current_user),
                      home_message=None if error else done, home_error=error)
    context = _detail_context(directive)
    if error:
        context.update(ack_error=error, ack_form=form)
    # Acknowledged: the panel, and the header badge out of band (it counted this directive).
    return render("directives/detail.html", block="ack_panel", status=status,
                  oob=() if error else ("directives/_badge.html",),
                  trigger=None if error else "directive-acknowledged",
                  unread=queries.pending_count(current_user), **context)


@bp.get("/<int:directive_id>/files/<int:file_id>")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF)
def download(directive_id, file_id):
    """An attachment of a directive the user may see, or a school's response file that the
    user may see in the tracking (officers, the school's principal)."""
    directive = _visible(directive_id)
    if not queries.response_file_visible(current_user, directive, file_id):
        abort(404)
    return send_stored(StoredFile.get_by_id(file_id))


# --- Personal confirmations (docs/decisions/directive-dissemination.md) ----------------------


@bp.post("/<int:directive_id>/confirm")
@allow(PRINCIPAL, STAFF)
def confirm(directive_id):
    """A school account confirms personally having read the directive: one click, twice is
    once. From the home card (`from=home`) the card comes back; else the detail's panel."""
    directive = _visible(directive_id)
    status, error, message = 200, None, None
    if not EmptyForm().validate_on_submit():
        status, error = 400, _("Phiên làm việc đã hết hạn; hãy tải lại trang rồi thử lại.")
    else:
        try:
            confirmation, _recorded = operations.confirm(current_user, directive)
        except operations.DirectiveError as exc:
            status, error = 422, str(exc)
        else:
            message = _("Bạn đã xác nhận đã đọc văn bản %(n)s lúc %(t)s.", n=directive.number,
                        t=clock.to_local(confirmation.at).strftime("%H:%M %d/%m/%Y"))
    from_home = request.form.get("from") == "home"
    if not wants_fragment():
        flash(error or message, "error" if error else "success")
        return redirect_to(url_for("main.home") if from_home
                           else url_for(".detail", directive_id=directive.id))
    if from_home:
        return render("directives/_home_school.html", status=status,
                      trigger=None if error else "directive-confirmed",
                      home_message=message, home_error=error)
    context = _detail_context(directive)
    context.update(confirm_error=error, confirm_message=message)
    return render("directives/detail.html", block="confirm_panel", status=status, **context)


@bp.get("/<int:directive_id>/readers")
@allow(ADMIN, OFFICER, PRINCIPAL)
def readers(directive_id):
    """Who confirmed personally: the office sees each school's share of accounts (paged), a
    principal the school's own accounts, who has and who has not, and reminds them."""
    directive = _visible(directive_id)
    if not (sees_readers(current_user) and directive.personal_confirmation
            and directive.status != "draft"):
        abort(404)
    context = {"directive": directive, "action_form": EmptyForm(),
               "per_school": readers_per_school(current_user),
               "may_remind": may_remind_readers(current_user)
               and may_confirm_personally(current_user, directive), **LABELS}
    if context["per_school"]:
        pages = Pages(queries.readers_order(current_user, directive),
                      total=directive.recipient_count,
                      load=lambda rows: queries.readers_rows_of(current_user, directive, rows))
    else:
        pages = Pages(queries.school_readers(current_user, directive))
        context["recipient"] = queries.own_receipt(current_user, directive)
    return render("directives/readers.html", block="results", pages=pages, args={}, **context)


@bp.post("/<int:directive_id>/readers/remind")
@allow(PRINCIPAL)
def remind_readers(directive_id):
    """The principal reminds the school's people who have not confirmed (not twice within
    REMIND_MIN_HOURS)."""
    directive = _visible(directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sent = operations.remind_readers(current_user, directive)
    except operations.DirectiveError as exc:
        flash(str(exc), "error")
    else:
        flash(ngettext("Đã nhắc %(num)d người chưa xác nhận.",
                       "Đã nhắc %(num)d người chưa xác nhận.", sent), "success")
    return redirect_to(url_for(".readers", directive_id=directive.id))


# --- Printed (PDF: district/directives/pdf.py) -----------------------------------------------


def _pdf(draw, name):
    """A PDF to download, or a page saying this server cannot draw PDF (never a 500)."""
    try:
        data = draw()
    except pdf.PdfUnavailable:
        return render("errors/error.html", status=503, error={
            "code": 503, "title": _("Chưa tạo được bản PDF"),
            "text": _("Máy chủ chưa cài thư viện tạo PDF (WeasyPrint và Pango). Quản trị hệ "
                      "thống cài theo hướng dẫn trong README (make system-deps); trong lúc "
                      "chờ, bạn vẫn xem văn bản và xuất bảng theo dõi trên trang như thường.")})
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/<int:directive_id>.pdf")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF)
def directive_pdf(directive_id):
    """The directive in the layout of Nghị định 30/2020/NĐ-CP, in Vietnamese; opening it is
    reading it."""
    directive = _visible(directive_id)
    operations.mark_read(current_user, directive)
    return _pdf(lambda: pdf.directive_pdf(current_user, directive), pdf.filename(directive))


# --- One school's receipt: acknowledging for it, reviewing its response (issue 14) ----------


def _receipt_context(directive, school_id, **extra):
    row = queries.tracking_row(current_user, directive, school_id)
    if row is None:
        abort(404)
    context = {
        "r": row, "history": list(queries.history(row)), "steps": queries.response_steps(row),
        "confirmer": queries.proxy_confirmer(row),
        "proxy_form": ProxyAcknowledgeForm(), "review_form": ReviewForm(),
        "may_proxy": (may_acknowledge_for_school(current_user) and row.purpose == "act"
                      and directive.status == "published" and row.acknowledged_at is None),
        "may_review": (may_review_responses(current_user)
                       and directive.response_kind != REVIEW_ROUND_KIND
                       and row.response_state in ("submitted", "resubmitted")),
        "review": queries.review_of(directive, school_id),
        **_tracking_context(directive),
    }
    context.update(extra)
    return context


@bp.get("/<int:directive_id>/schools/<int:school_id>")
@allow(ADMIN, OFFICER)
def receipt(directive_id, school_id):
    """One school's receipt of a directive: its state, who acknowledged (the school, or an
    officer on its behalf), its response and the response's history."""
    directive = _visible(directive_id)
    return render("directives/receipt.html", block="panel",
                  **_receipt_context(directive, school_id))


def _receipt_answer(directive, school_id, error, done, form_name=None, form=None):
    """The receipt panel again (htmx), or the page after a redirect (plain browsers)."""
    if not wants_fragment():
        flash(error or done, "error" if error else "success")
        return redirect_to(url_for(".receipt", directive_id=directive.id, school_id=school_id))
    extra = {"panel_error": error, "panel_message": None if error else done}
    if error and form_name:
        extra[form_name] = form
    return render("directives/receipt.html", block="panel", status=422 if error else 200,
                  **_receipt_context(directive, school_id, **extra))


@bp.post("/<int:directive_id>/schools/<int:school_id>/acknowledge")
@allow(OFFICER)
def acknowledge_for_school(directive_id, school_id):
    directive = _visible(directive_id)
    form = ProxyAcknowledgeForm()
    error = None
    if not form.validate_on_submit():
        error = " ".join(e for errs in form.errors.values() for e in errs)
    else:
        try:
            operations.acknowledge_for_school(current_user, directive, school_id,
                                              form.channel.data, form.reason.data)
        except operations.DirectiveError as exc:
            error = str(exc)
    return _receipt_answer(directive, school_id, error,
                           _("Đã ghi nhận xác nhận thay nhà trường."), "proxy_form", form)


@bp.post("/<int:directive_id>/schools/<int:school_id>/review")
@allow(OFFICER)
def review_response(directive_id, school_id):
    directive = _visible(directive_id)
    form = ReviewForm()
    accept = request.form.get("decision") == "accept"
    error = None
    if not form.validate_on_submit() or request.form.get("decision") not in ("accept",
                                                                             "return"):
        error = " ".join(e for errs in form.errors.values() for e in errs) or _(
            "Hãy chọn chấp nhận hay trả lại phản hồi.")
    else:
        try:
            operations.review_response(current_user, directive, school_id, accept,
                                       form.comment.data)
        except operations.DirectiveError as exc:
            error = str(exc)
    done = (_("Đã chấp nhận phản hồi của nhà trường.") if accept
            else _("Đã trả lại phản hồi cho nhà trường."))
    return _receipt_answer(directive, school_id, error, done, "review_form", form)


@bp.post("/<int:directive_id>/confirm-proxy")
@allow(PRINCIPAL)
def confirm_proxy(directive_id):
    """The principal confirms the acknowledgement an officer recorded for the school."""
    directive = _visible(directive_id)
    error = None
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        operations.confirm_proxy(current_user, directive)
    except operations.DirectiveError as exc:
        error = str(exc)
    return _ack_panel_answer(directive, error, _("Nhà trường đã xác nhận lại."))


@bp.post("/<int:directive_id>/respond")
@allow(PRINCIPAL)
def respond(directive_id):
    """The school sends its response again after a return (or first, after an officer
    acknowledged for it)."""
    directive = _visible(directive_id)
    form = RespondForm()
    error = None
    if not form.validate_on_submit():
        error = " ".join(e for errs in form.errors.values() for e in errs)
    else:
        try:
            operations.respond(current_user, directive, form.report.data,
                               request.form.get("activity"), form.note.data)
        except operations.DirectiveError as exc:
            error = str(exc)
    return _ack_panel_answer(directive, error, _("Đã gửi phản hồi đến Phòng."),
                             respond_form=form)


def _ack_panel_answer(directive, error, done, **forms):
    if not wants_fragment():
        flash(error or done, "error" if error else "success")
        return redirect_to(url_for(".detail", directive_id=directive.id))
    context = _detail_context(directive)
    if error:
        context.update(ack_error=error, **forms)
    else:
        context["ack_message"] = done
    return render("directives/detail.html", block="ack_panel", status=422 if error else 200,
                  **context)


# --- Tracking -------------------------------------------------------------------------------


def _filters():
    filters = _args("state", "purpose", "response", "level", "ownership", "commune", "q", "sort",
                    "dir")
    if filters.get("sort") not in queries.SORTS:
        filters["sort"] = queries.DEFAULT_SORT
    return filters


def _tracking_context(directive):
    return {"directive": directive, "action_form": EmptyForm(),
            "may_manage": may_manage_directives(current_user),
            "remind_url": url_for("directives.remind", directive_id=directive.id),
            "reminded_names": formats.reminded_names, "staff_share": queries.staff_share,
            "linked_activity": queries.linked_activity,
            "reminder_schedule": schedule.context, **_labels()}


def _tracking_total(counts, filters):
    """The rows the tracking list holds, when the state counts already say it (no filter but
    the state); None (count them) otherwise."""
    if any(filters.get(name) for name in ("purpose", "response", "level", "ownership",
                                          "commune", "q")):
        return None
    state = filters.get("state")
    return counts[state] if state in STATES else counts["total"]


@bp.get("/<int:directive_id>/tracking")
@allow(ADMIN, OFFICER)
def tracking(directive_id):
    directive = _visible(directive_id)
    filters = _filters()
    counts = queries.state_counts(current_user, directive)
    timeline = None if wants_fragment() else queries.ack_timeline(current_user, directive,
                                                                  counts["total"])
    return render("directives/tracking.html", block="results",
                  counts=counts, timeline=timeline,
                  pages=Pages(queries.tracking_order(current_user, directive, filters),
                              total=_tracking_total(counts, filters),
                              load=lambda rows: queries.tracking_rows_of(current_user,
                                                                         directive, rows)),
                  args=filters, communes=[(c, c) for c in school_search.communes()],
                  **_tracking_context(directive))


EXPORTS = {"csv": "text/csv",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _export(directive_id, kind):
    directive = _visible(directive_id)
    data = operations.export_tracking(current_user, directive, _filters(), kind)
    return Response(data, mimetype=EXPORTS[kind], headers={
        "Content-Disposition": f"attachment; filename=theo-doi-van-ban-{directive.id}.{kind}"})


@bp.get("/<int:directive_id>/tracking.csv")
@allow(ADMIN, OFFICER)
def tracking_csv(directive_id):
    return _export(directive_id, "csv")


@bp.get("/<int:directive_id>/tracking.xlsx")
@allow(ADMIN, OFFICER)
def tracking_xlsx(directive_id):
    return _export(directive_id, "xlsx")


@bp.get("/<int:directive_id>/tracking.pdf")
@allow(ADMIN, OFFICER)
def tracking_pdf(directive_id):
    """The tracking table under the page's filters, printed (landscape)."""
    directive = _visible(directive_id)
    return _pdf(lambda: operations.export_tracking(current_user, directive, _filters(), "pdf"),
                pdf.filename(directive, "-theo-doi"))


def _back_to_tracking(directive):
    back = request.values.get("next", "")
    if not back.startswith(f"/directives/{directive.id}/tracking"):
        back = url_for(".tracking", directive_id=directive.id)
    return back


@bp.get("/<int:directive_id>/remind")
@allow(OFFICER)
def remind_confirm(directive_id):
    """Before reminding every overdue school: how many will be reminded, how many were
    reminded recently and are left alone. A page without JS, a panel of the tracking page with."""
    directive = _visible(directive_id)
    return render("directives/remind.html", block="confirm",
                  plan=queries.reminder_plan(directive), back_url=_back_to_tracking(directive),
                  **_tracking_context(directive))


@bp.post("/<int:directive_id>/remind")
@allow(OFFICER)
def remind(directive_id):
    """Remind one school (`school_id`: its row comes back in place with htmx) or, once
    confirmed, every overdue school; never a school reminded within REMIND_MIN_HOURS."""
    directive = _visible(directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    typed = request.form.get("school_id")
    school_id = parse_id(typed)
    if typed is not None and not school_id:
        abort(404)  # a school that cannot exist; never read as "every overdue school"
    error, sent, recent = None, 0, 0
    try:
        if school_id:
            sent, recent = operations.remind(current_user, directive, school_ids=[school_id])
        else:
            sent, recent = operations.remind(current_user, directive, overdue_only=True)
    except operations.DirectiveError as exc:
        error = str(exc)
    if school_id and wants_fragment():
        row = queries.tracking_row(current_user, directive, school_id)
        if row is None:
            abort(404)
        return render("directives/_tracking_row.html", r=row, remind_error=error,
                      status=409 if error else 200, back_url=request.values.get("next", ""),
                      **_tracking_context(directive))
    if error:
        flash(error, "error")
    elif sent:
        flash(_("Đã gửi nhắc việc đến %(n)d trường.", n=sent), "success")
    if recent:
        flash(ngettext("%(num)d trường đã được nhắc trong %(hours)d giờ qua nên không được "
                       "nhắc lại.", "%(num)d trường đã được nhắc trong %(hours)d giờ qua nên "
                       "không được nhắc lại.", recent, hours=queries.remind_hours()), "warning")
    elif not (sent or error):
        flash(_("Không có trường nào cần nhắc."), "warning")
    return redirect_to(_back_to_tracking(directive))
