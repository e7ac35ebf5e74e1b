"""Administration: schools, accounts and the audit log. Thin: parse, check, call one query or
operation, render."""

from flask import Blueprint, Response, current_app, flash, request, url_for
from flask_login import current_user

from .. import school_search
from ..access import (
    account_requests_visible_to,
    allow,
    get_visible_or_404,
    may_decide_account_request,
    outbox_visible_to,
    password_reset_needs_approval,
    schools_visible_to,
    users_visible_to,
)
from ..i18n import gettext as _
from ..mail import outbox as mail_outbox
from ..models import AccountRequest, School
from ..tabular import FileRefused
from ..vocabulary import ADMIN, LEVEL_LABELS, OFFICER, OWNERSHIP_LABELS, ROLE_LABELS
from ..web import Pages, parse_id, redirect_to, render
from . import formats, operations, queries
from .forms import AuditFilterForm, SchoolForm, SchoolImportForm, UserForm
from .values import AdminError
from .vocabulary import (
    OUTBOX_FILTERS,
    OUTBOX_KIND_LABELS,
    OUTBOX_REASONS,
    OUTBOX_STATE_CLASSES,
    OUTBOX_STATE_LABELS,
    REQUEST_FILTERS,
    REQUEST_STATE_CLASSES,
    REQUEST_STATE_LABELS,
    ROLE_REACH,
    request_role,
    request_text,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50


def _saved(form, write, field):
    """What `write()` returns for a valid submitted form, else None; a refused change is shown
    on the form field it concerns (`field` when it names none). The school picker's search
    without JavaScript ("find_school") sends the form back unsaved."""
    if "find_school" in request.form or not form.validate_on_submit():
        return None
    try:
        return write()
    except AdminError as exc:
        getattr(form, exc.field or field).errors.append(str(exc))
        return None


def _status(form):
    """422 for a refused form; 200 for a first view and for the school picker's search."""
    return 422 if form.is_submitted() and "find_school" not in request.form else 200


# --- Schools ----------------------------------------------------------------------------------


def school_statuses():
    return {"active": _("Đang hoạt động"), "inactive": _("Đã ngừng"), "all": _("Tất cả")}


@bp.get("/schools")
@allow(ADMIN)
def schools():
    args = {"q": request.args.get("q", ""), "level": request.args.get("level", ""),
            "status": request.args.get("status", "active")}
    pages = Pages(queries.schools(current_user, **args))
    return render("admin/schools.html", block="results", pages=pages, args=args,
                  levels=LEVEL_LABELS, ownerships=OWNERSHIP_LABELS, statuses=school_statuses())


def _school_page(school, write, done):
    """The school's form; once `write(data)` saves it, `done(school)` is said and the list
    shown."""
    form = SchoolForm(obj=school)
    saved = _saved(form, lambda: write(form.data), "code")
    if saved:
        flash(done(saved), "success")
        return redirect_to(url_for(".schools"))
    return render("admin/school_form.html", form=form, school=school, status=_status(form))


@bp.route("/schools/new", methods=["GET", "POST"])
@allow(ADMIN)
def school_new():
    return _school_page(None, lambda data: operations.create_school(current_user, data),
                        lambda school: _("Đã thêm %(name)s.", name=school.name))


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@allow(ADMIN)
def school_edit(school_id):
    school = get_visible_or_404(schools_visible_to, school_id)
    return _school_page(school, lambda data: operations.update_school(current_user, school, data),
                        lambda _school: _("Đã lưu thay đổi."))


@bp.post("/schools/<int:school_id>/active")
@allow(ADMIN)
def school_active(school_id):
    school = get_visible_or_404(schools_visible_to, school_id)
    active = request.form.get("active") == "1"
    operations.set_school_active(current_user, school, active)
    flash(_("Đã mở lại trường %(name)s.", name=school.name) if active
          else _("Đã ngừng hoạt động trường %(name)s.", name=school.name), "success")
    return redirect_to(url_for(".school_edit", school_id=school.id))


@bp.route("/schools/import", methods=["GET", "POST"])
@allow(ADMIN)
def school_import():
    form = SchoolImportForm()
    problems, error = [], None
    if form.validate_on_submit():
        try:
            count = operations.import_schools(current_user,
                                              formats.read_schools(form.file.data.read()))
        except FileRefused as exc:
            error, problems = str(exc), exc.problems
        except AdminError as exc:
            error = str(exc)
        else:
            flash(_("Đã nhập %(n)d trường.", n=count), "success")
            return redirect_to(url_for(".schools"))
    return render("admin/school_import.html", form=form, problems=problems, error=error,
                  columns=formats.column_titles(), status=_status(form))


# --- Accounts ---------------------------------------------------------------------------------


def _user_form(**kwargs):
    return UserForm(**kwargs)


def _school_picker(form):
    """The account's school: picked among the schools found by name or code, never from a list
    of every school (district/school_search.py)."""
    return school_search.picker(current_user, request.values.get("school_q", ""),
                                parse_id(form.school_id.data))


@bp.get("/users/schools")
@allow(ADMIN)
def user_schools():
    """The schools matching what the admin typed in the account form's picker (htmx)."""
    form = _user_form()
    form.school_id.data = request.args.get("school_id", "")
    return render("_partials/school_picker.html", "matches", picker=_school_picker(form),
                  picker_field=form.school_id, picker_none=_("Không thuộc trường nào"))


@bp.get("/users")
@allow(ADMIN)
def users():
    args = {"q": request.args.get("q", ""), "role": request.args.get("role", "")}
    pages = Pages(queries.users(current_user, **args))
    return render("admin/users.html", block="results", pages=pages, args=args, roles=ROLE_LABELS,
                  pending=queries.pending_request_count(current_user))


def _requested(account_request):
    flash(_("Đã gửi đề nghị %(what)s. Thay đổi chỉ có hiệu lực khi một chuyên viên duyệt.",
            what=request_text(account_request)), "info")
    return redirect_to(url_for(".request_detail", request_id=account_request.id))


@bp.route("/users/new", methods=["GET", "POST"])
@allow(ADMIN)
def user_new():
    form = _user_form()
    saved = _saved(form, lambda: operations.create_user(current_user, form.data), "username")
    if isinstance(saved, AccountRequest):
        return _requested(saved)
    if saved:
        return render("admin/user_created.html", user=saved,
                      password=saved.temporary_password, status=201)
    return render("admin/user_form.html", form=form, user=None, status=_status(form),
                  **_account_flags(None), picker=_school_picker(form))


def _account_flags(user):
    """What the account's page says about changes that wait for an officer's approval."""
    return {
        "roles": ROLE_LABELS,
        "reset_needs_approval": bool(user) and password_reset_needs_approval(user),
        "pending": user and queries.pending_request_for(current_user, user),
    }


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(ADMIN)
def user_edit(user_id):
    user = get_visible_or_404(users_visible_to, user_id)
    form = _user_form(obj=user, school_id=str(user.school_id or ""))
    saved = _saved(form, lambda: operations.update_user(current_user, user, form.data),
                   "full_name")
    if saved and saved.pending_request:
        return _requested(saved.pending_request)
    if saved:
        flash(_("Đã lưu thay đổi."), "success")
        return redirect_to(url_for(".users"))
    return render("admin/user_form.html", form=form, user=user, status=_status(form),
                  **_account_flags(user), picker=_school_picker(form))


@bp.post("/users/<int:user_id>/active")
@allow(ADMIN)
def user_active(user_id):
    user = get_visible_or_404(users_visible_to, user_id)
    try:
        operations.set_user_active(current_user, user, request.form.get("active") == "1")
    except AdminError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã cập nhật trạng thái tài khoản %(u)s.", u=user.username), "success")
    return redirect_to(url_for(".user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-password")
@allow(ADMIN)
def user_reset_password(user_id):
    user = get_visible_or_404(users_visible_to, user_id)
    try:
        if password_reset_needs_approval(user):
            return _requested(operations.request_password_reset(current_user, user))
        password = operations.reset_password(current_user, user)
    except AdminError as exc:
        flash(str(exc), "error")
        return redirect_to(url_for(".user_edit", user_id=user.id))
    return render("admin/user_created.html", user=user, password=password, reset=True)


# --- Account requests an officer approves (docs/decisions/0007) --------------------------------


@bp.get("/requests")
@allow(ADMIN, OFFICER)
def requests():
    state = request.args.get("state", "pending")
    args = {"state": state if state in REQUEST_FILTERS else "pending"}
    pages = Pages(queries.account_requests(current_user, **args))
    return render("admin/requests.html", block="results", pages=pages, args=args,
                  filters=REQUEST_FILTERS, describe=request_text, roles=ROLE_LABELS,
                  states=REQUEST_STATE_LABELS, state_classes=REQUEST_STATE_CLASSES)


def _request_page(account_request, **context):
    details = account_request.details or {}
    school_id = details.get("school_id")
    # What the account will read once the request is applied (a revoke: with its new role).
    role = details.get("to") if account_request.kind == "revoke" else request_role(
        account_request.kind, details)
    return render("admin/request.html", item=account_request, what=request_text(account_request),
                  states=REQUEST_STATE_LABELS, state_classes=REQUEST_STATE_CLASSES,
                  roles=ROLE_LABELS, reach=ROLE_REACH.get(role),
                  school=School.get_or_none(School.id == school_id) if school_id else None,
                  may_decide=may_decide_account_request(current_user, account_request),
                  **context)


@bp.get("/requests/<int:request_id>")
@allow(ADMIN, OFFICER)
def request_detail(request_id):
    return _request_page(get_visible_or_404(account_requests_visible_to,
                                            request_id))


@bp.post("/requests/<int:request_id>/approve")
@allow(OFFICER)
def request_approve(request_id):
    account_request = get_visible_or_404(account_requests_visible_to, request_id)
    try:
        password = operations.approve_request(current_user, account_request)
    except AdminError as exc:
        flash(str(exc), "error")
        return redirect_to(url_for(".request_detail", request_id=request_id))
    fresh = get_visible_or_404(account_requests_visible_to, request_id)
    if password:
        return _request_page(fresh, password=password)
    flash(_("Đã duyệt yêu cầu."), "success")
    return redirect_to(url_for(".request_detail", request_id=request_id))


@bp.post("/requests/<int:request_id>/refuse")
@allow(OFFICER)
def request_refuse(request_id):
    account_request = get_visible_or_404(account_requests_visible_to, request_id)
    try:
        operations.refuse_request(current_user, account_request)
    except AdminError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã từ chối yêu cầu."), "success")
    return redirect_to(url_for(".request_detail", request_id=request_id))


# --- Audit log --------------------------------------------------------------------------------


def _audit_filtered(select=queries.audit_entries):
    """The audit filter form and the entries it selects (`select`: how)."""
    form = AuditFilterForm(request.args)
    form.action.choices = queries.audit_action_choices()
    form.validate()
    return form, select(current_user, form.actor.data or "", form.action.data or "",
                        form.date_from.data, form.date_to.data)


@bp.get("/audit")
@allow(ADMIN, OFFICER)
def audit():
    """The audit log as sentences ("… đã xác nhận văn bản … lúc …"), filtered by person, action
    and date; the same selection as CSV."""
    form, entries = _audit_filtered(queries.audit_page)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    # A province's log holds a million entries: counted only as far as the pager reaches.
    pages = Pages(entries, per_page=AUDIT_PAGE_SIZE, exact=False)
    described = {row["entry"].id: row for row in queries.audit_rows(current_user, pages.items)}
    return render("admin/audit.html", block="results", form=form, args=args, pages=pages,
                  described=described)


@bp.get("/audit.csv")
@allow(ADMIN, OFFICER)
def audit_csv():
    _form, entries = _audit_filtered()
    data = operations.export_audit(current_user, entries)
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=nhat-ky-he-thong.csv"})


@bp.get("/audit/sign-ins")
@allow(ADMIN)
def failed_sign_ins():
    """Failed sign-ins counted per client address; the names typed are shown to nobody."""
    form = AuditFilterForm(request.args)
    form.validate()
    rows = queries.failed_sign_ins(current_user, form.date_from.data, form.date_to.data)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render("admin/sign_ins.html", block="results", form=form, args=args,
                  pages=Pages(rows, per_page=AUDIT_PAGE_SIZE))


# --- E-mail outbox ----------------------------------------------------------------------------


@bp.get("/outbox")
@allow(ADMIN)
def outbox():
    """The e-mail waiting to go and what failed (with the server's words), and the scheduled
    jobs' last runs: sending itself is the worker's (`flask jobs loop`), never a request's."""
    state = request.args.get("state", "attention")
    if state not in OUTBOX_FILTERS:
        state = "attention"
    args = {"state": state}
    pages = Pages(queries.outbox(current_user, state))
    return render("admin/outbox.html", block="results", pages=pages, args=args,
                  filters=OUTBOX_FILTERS, states=OUTBOX_STATE_LABELS,
                  state_classes=OUTBOX_STATE_CLASSES, kinds=OUTBOX_KIND_LABELS,
                  reasons=OUTBOX_REASONS, counts=queries.outbox_counts(current_user),
                  jobs=queries.scheduled_jobs(), masked=queries.masked_address,
                  masked_error=queries.masked_error,
                  mail_server=current_app.config.get("MAIL_SERVER", ""))


@bp.post("/outbox/<int:message_id>/retry")
@allow(ADMIN)
def outbox_retry(message_id):
    message = get_visible_or_404(outbox_visible_to, message_id)
    if mail_outbox.retry(current_user, message):
        flash(_("Thư sẽ được gửi lại trong lượt gửi tới."), "success")
    return redirect_to(url_for(".outbox", state=request.args.get("state", "failed")))
