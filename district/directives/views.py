import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from playhouse.flask_utils import PaginatedQuery

from ..access import (
    ADMIN,
    OFFICER,
    PRINCIPAL,
    STAFF,
    allow,
    directives_visible_to,
    get_visible_or_404,
    own_school_receipts,
    recipients_visible_to,
)
from ..admin.services import LEVEL_LABELS, OWNERSHIP_LABELS
from ..files import send_stored
from ..forms import EmptyForm, choices
from ..models import (
    Directive,
    DirectiveAttachment,
    DirectiveRevision,
    Recipient,
    School,
    StoredFile,
)
from ..web import render, wants_fragment
from . import services
from .forms import AcknowledgeForm, DirectiveForm, RevisionForm

bp = Blueprint("directives", __name__, url_prefix="/directives")

LABELS = {
    "states": services.STATE_LABELS,
    "state_classes": services.STATE_CLASSES,
    "responses": services.RESPONSE_LABELS,
    "statuses": services.STATUS_LABELS,
    "levels": LEVEL_LABELS,
    "ownerships": OWNERSHIP_LABELS,
}


@bp.app_template_global()
def directive_unread_count(user):
    """The header badge (one query); see services.pending_count."""
    return services.pending_count(user)


@bp.app_template_global()
def directive_officer_summary():
    return services.officer_summary(current_user)


@bp.app_template_global()
def directive_observer_rates():
    return services.observer_rates()


@bp.app_template_global()
def directive_state_labels():
    return services.STATE_LABELS


@bp.app_template_global()
def directive_state_classes():
    return services.STATE_CLASSES


@bp.app_template_global()
def directive_school_inbox(limit=5):
    return list(services.school_inbox(current_user).limit(limit))


def _page_size():
    return current_app.config["PAGE_SIZE"]


# --- Lists ----------------------------------------------------------------------------------


@bp.get("/")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF)
def index():
    q = request.args.get("q", "").strip()
    if current_user.role in (ADMIN, OFFICER):
        status = request.args.get("status", "")
        overdue = request.args.get("overdue") == "1"
        query = services.officer_list(current_user, q, status, overdue)
        args = {"q": q, "status": status, "overdue": "1" if overdue else ""}
        template = "directives/index_officer.html"
    else:
        state = request.args.get("state", "")
        query = services.school_inbox(current_user, q, state)
        args = {"q": q, "state": state}
        template = "directives/inbox.html"
    pages = PaginatedQuery(query, paginate_by=_page_size(), check_bounds=False)
    return render(template, block="results", rows=list(pages.get_object_list()),
                  pagination=pages, args={k: v for k, v in args.items() if v},
                  today=services.local_today(), **LABELS)


# --- Writing --------------------------------------------------------------------------------


def _school_choices(form):
    rows = School.select(School.id, School.name).where(School.active == True)  # noqa: E712
    form.audience_school_ids.choices = choices([(s.id, s.name)
                                                for s in rows.order_by(School.name_key)])


def _form_data(form):
    return {name: getattr(form, name).data for name in (
        "number", "title", "body", "signer", "issued_on", "deadline", "response_kind",
        "audience_kind", "audience_levels", "audience_ownerships", "audience_school_ids")}


def _uploads():
    return [f for f in request.files.getlist("attachments") if f and f.filename]


def _form_page(form, directive=None, status=200, revising=False, conflict=None):
    audience = None
    if form.audience_kind.data:
        audience = _audience_from(form)
    return render("directives/form.html", block="form", form=form, directive=directive,
                  revising=revising, audience=audience, conflict=conflict,
                  preview=services.render_markdown(form.body.data or ""), status=status,
                  **LABELS)


def _audience_from(form):
    query = services.audience_query(form.audience_kind.data or "all",
                                    form.audience_levels.data or (),
                                    form.audience_ownerships.data or (),
                                    form.audience_school_ids.data or ())
    schools = list(query.select(School.id, School.name))
    return {"count": len(schools), "schools": schools}


@bp.route("/new", methods=["GET", "POST"])
@allow(OFFICER)
def new():
    form = DirectiveForm()
    if request.method == "GET":
        today = services.local_today()
        form.issued_on.data = today
        form.deadline.data = today + dt.timedelta(days=7)
    _school_choices(form)
    if request.form.get("action") == "preview":
        return _form_page(form)
    if form.validate_on_submit():
        try:
            directive = services.create_draft(current_user, _form_data(form), _uploads())
        except services.DirectiveError as exc:
            getattr(form, exc.field or "number").errors.append(str(exc))
        else:
            flash(_("Đã lưu bản nháp %(n)s.", n=directive.number), "success")
            return redirect(url_for(".detail", directive_id=directive.id))
    return _form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/<int:directive_id>/edit", methods=["GET", "POST"])
@allow(OFFICER)
def edit(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if directive.status == "withdrawn":
        abort(404)
    revising = directive.status == "published"
    form_class = RevisionForm if revising else DirectiveForm
    form = form_class(obj=directive) if request.method == "GET" else form_class()
    if request.method == "GET":
        form.audience_school_ids.data = [str(i) for i in directive.audience_school_ids or []]
    _school_choices(form)
    if request.form.get("action") == "preview":
        return _form_page(form, directive, revising=revising)
    if form.validate_on_submit():
        try:
            if revising:
                services.revise(current_user, directive, _form_data(form), form.summary.data,
                                form.requires_reack.data, _uploads(), form.version.data)
            else:
                services.update_draft(current_user, directive, _form_data(form), _uploads(),
                                      form.version.data)
        except services.DirectiveConflict as exc:
            # The form now carries the current version: saving again is a deliberate choice.
            current = Directive.get_by_id(directive.id)
            form.version.data = str(current.version)
            return _form_page(form, current, status=409, revising=revising, conflict=str(exc))
        except services.DirectiveError as exc:
            getattr(form, exc.field or "number").errors.append(str(exc))
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for(".detail", directive_id=directive.id))
    return _form_page(form, directive, status=422 if form.is_submitted() else 200,
                      revising=revising)


@bp.post("/preview")
@allow(OFFICER)
def preview():
    """Live preview of the Markdown body, rendered and sanitised by the server."""
    html = services.render_markdown(request.form.get("body", ""))
    return render_template("directives/_preview.html", preview=html)


@bp.post("/audience")
@allow(OFFICER)
def audience():
    """How many and which schools the audience chosen in the form designates."""
    form = DirectiveForm()
    _school_choices(form)
    return render_template("directives/_audience.html", audience=_audience_from(form))


@bp.post("/<int:directive_id>/publish")
@allow(OFFICER)
def publish(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        directive = services.publish(current_user, directive)
    except services.DirectiveError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã ban hành văn bản %(n)s.", n=directive.number), "success")
    return redirect(url_for(".detail", directive_id=directive_id))


@bp.post("/<int:directive_id>/withdraw")
@allow(OFFICER)
def withdraw(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(current_user, directive)
    except services.DirectiveError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã thu hồi văn bản %(n)s.", n=directive.number), "success")
    return redirect(url_for(".detail", directive_id=directive_id))


@bp.post("/<int:directive_id>/attachments/<int:attachment_id>/remove")
@allow(OFFICER)
def remove_attachment(directive_id, attachment_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        removed = services.remove_attachment(current_user, directive, attachment_id)
    except services.DirectiveError as exc:
        abort(403, str(exc))
    if not removed:
        abort(404)
    flash(_("Đã gỡ tệp đính kèm."), "success")
    return redirect(url_for(".detail", directive_id=directive_id))


# --- Reading and acknowledging ------------------------------------------------------------------


def _detail_context(directive):
    recipient = None
    ack_history = []
    if current_user.is_school_user:
        recipient = (own_school_receipts(current_user)
                     .where(Recipient.directive == directive.id).first())
        if recipient is not None and current_user.role == PRINCIPAL:
            ack_history = list(services.history(recipient))
    attachments = list(DirectiveAttachment.select(DirectiveAttachment, StoredFile)
                       .join(StoredFile)
                       .where(DirectiveAttachment.directive == directive.id,
                              DirectiveAttachment.active == True))  # noqa: E712
    revisions = list(DirectiveRevision.select()
                     .where(DirectiveRevision.directive == directive.id)
                     .order_by(DirectiveRevision.revision.desc()))
    context = {
        "directive": directive,
        "body_html": services.render_markdown(directive.body),
        "recipient": recipient,
        "ack_history": ack_history,
        "attachments": attachments,
        "revisions": revisions,
        "ack_form": AcknowledgeForm(),
        "blocker": (services.ack_blocker(current_user, directive, recipient)
                    if current_user.role == PRINCIPAL else None),
        "action_form": EmptyForm(),
        "today": services.local_today(),
        **LABELS,
    }
    if current_user.role in (ADMIN, OFFICER):
        if directive.status == "draft":
            audience = services.directive_audience(directive).select(School.id, School.name)
            context["audience"] = {"schools": list(audience)}
            context["audience"]["count"] = len(context["audience"]["schools"])
            context["audience_text"] = services.audience_description(directive)
        else:
            context["counts"] = services.state_counts(current_user, directive)
    return context


@bp.get("/<int:directive_id>")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF)
def detail(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if current_user.is_school_user:
        services.mark_read(current_user, directive)
    return render("directives/detail.html", **_detail_context(directive))


@bp.post("/<int:directive_id>/acknowledge")
@allow(PRINCIPAL, STAFF)
def acknowledge(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if current_user.role != PRINCIPAL:
        abort(403)
    form = AcknowledgeForm()
    status = 200
    error = None
    if not form.validate_on_submit():
        status, error = 422, " ".join(e for errs in form.errors.values() for e in errs)
    else:
        try:
            services.acknowledge(current_user, directive, form.note.data, form.report.data)
        except services.AlreadyAcknowledged as exc:
            status, error = 409, str(exc)
        except services.DirectiveError as exc:
            status, error = 422, str(exc)
    if not wants_fragment():
        if error:
            flash(error, "error")
        else:
            flash(_("Nhà trường đã xác nhận văn bản %(n)s.", n=directive.number), "success")
        return redirect(url_for(".detail", directive_id=directive.id))
    context = _detail_context(directive)
    if error:
        context["ack_error"] = error
        context["ack_form"] = form
    response = render("directives/detail.html", block="ack_panel", status=status, **context)
    if status == 200:
        # Update the header badge in place (it existed: this directive was pending until now).
        response.set_data(response.get_data(as_text=True) + render_template(
            "directives/_badge_oob.html", count=services.pending_count(current_user)))
        response.headers["HX-Trigger"] = "directive-acknowledged"
    return response


@bp.get("/<int:directive_id>/files/<int:file_id>")
@allow(ADMIN, OFFICER, PRINCIPAL, STAFF)
def download(directive_id, file_id):
    """An attachment of a directive the user may see, or a school's response file that the
    user may see in the tracking (officers, the school's principal)."""
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    attached = (DirectiveAttachment.select()
                .where(DirectiveAttachment.directive == directive.id,
                       DirectiveAttachment.file == file_id,
                       DirectiveAttachment.active == True).exists())  # noqa: E712
    if not attached:
        response = (recipients_visible_to(current_user)
                    .where(Recipient.directive == directive.id,
                           Recipient.response_file == file_id).exists())
        if not response:
            abort(404)
    return send_stored(StoredFile.get_by_id(file_id))


# --- Tracking ------------------------------------------------------------------------------


def _filters():
    keys = ("state", "level", "ownership", "commune", "q", "sort", "dir")
    return {k: request.args.get(k, "").strip() for k in keys if request.args.get(k, "").strip()}


@bp.get("/<int:directive_id>/tracking")
@allow(ADMIN, OFFICER)
def tracking(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    filters = _filters()
    pages = PaginatedQuery(services.tracking_rows(current_user, directive, filters),
                           paginate_by=_page_size(), check_bounds=False)
    return render("directives/tracking.html", block="results", directive=directive,
                  counts=services.state_counts(current_user, directive),
                  rows=list(pages.get_object_list()), pagination=pages, args=filters,
                  communes=services.communes(directive), action_form=EmptyForm(),
                  **LABELS)


@bp.get("/<int:directive_id>/tracking.csv")
@allow(ADMIN, OFFICER)
def tracking_csv(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    data = services.export_csv(current_user, directive, _filters())
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=theo-doi-van-ban-{directive.id}.csv"})


@bp.get("/<int:directive_id>/tracking.xlsx")
@allow(ADMIN, OFFICER)
def tracking_xlsx(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    data = services.export_xlsx(current_user, directive, _filters())
    return Response(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition":
                 f"attachment; filename=theo-doi-van-ban-{directive.id}.xlsx"})


@bp.post("/<int:directive_id>/remind")
@allow(OFFICER)
def remind(directive_id):
    directive = get_visible_or_404(directives_visible_to(current_user), directive_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    school_id = request.form.get("school_id", type=int)
    if school_id and wants_fragment():
        # In place: the school's row comes back with its new reminder count.
        try:
            services.remind(current_user, directive, school_ids=[school_id])
        except services.DirectiveError:
            pass
        row = (services.tracking_rows(current_user, directive, {})
               .where(Recipient.school == school_id).first())
        if row is None:
            abort(404)
        return render_template("directives/_tracking_row.html", r=row, directive=directive,
                               action_form=EmptyForm(), back_url=request.form.get("next", ""),
                               **LABELS)
    try:
        if school_id:
            n = services.remind(current_user, directive, school_ids=[school_id])
        else:
            n = services.remind(current_user, directive, overdue_only=True)
    except services.DirectiveError as exc:
        flash(str(exc), "error")
    else:
        if n:
            flash(_("Đã gửi nhắc việc đến %(n)d trường.", n=n), "success")
        else:
            flash(_("Không có trường nào cần nhắc."), "warning")
    back = request.form.get("next", "")
    if not back.startswith(f"/directives/{directive.id}/tracking"):
        back = url_for(".tracking", directive_id=directive.id)
    return redirect(back)
