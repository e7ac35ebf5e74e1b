import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN
from playhouse.flask_utils import PaginatedQuery

from ..access import (
    ADMIN,
    OFFICER,
    allow,
    audit_details_visible,
    audit_visible_to,
    get_visible_or_404,
    schools_visible_to,
    users_visible_to,
)
from ..forms import choices
from ..models import AuditEntry, School, User
from ..text import fold
from ..web import render
from . import services
from .forms import AuditFilterForm, SchoolForm, SchoolImportForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page_size():
    return current_app.config["PAGE_SIZE"]


# --- Schools ----------------------------------------------------------------------------------


@bp.get("/schools")
@allow(ADMIN)
def schools():
    q = request.args.get("q", "")
    level = request.args.get("level", "")
    status = request.args.get("status", "active")
    query = schools_visible_to(current_user)
    if q:
        query = query.where(School.name_search.contains(fold(q)) | School.code.contains(q.upper()))
    if level:
        query = query.where(School.level == level)
    if status in ("active", "inactive"):
        query = query.where(School.active == (status == "active"))
    pages = PaginatedQuery(query.order_by(School.name_key), paginate_by=_page_size())
    return render(
        "admin/schools.html",
        block="results",
        schools=pages.get_object_list(),
        pagination=pages,
        args={"q": q, "level": level, "status": status},
        levels=services.LEVEL_LABELS,
        ownerships=services.OWNERSHIP_LABELS,
    )


def _school_form_page(form, school=None, status=200):
    return render("admin/school_form.html", form=form, school=school, status=status)


@bp.route("/schools/new", methods=["GET", "POST"])
@allow(ADMIN)
def school_new():
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            school = services.create_school(current_user, form.data)
        except services.AdminError as exc:
            getattr(form, exc.field or "code").errors.append(str(exc))
        else:
            flash(_("Đã thêm %(name)s.", name=school.name), "success")
            return redirect(url_for(".schools"))
    return _school_form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@allow(ADMIN)
def school_edit(school_id):
    school = get_visible_or_404(schools_visible_to(current_user), school_id)
    form = SchoolForm(obj=school)
    if form.validate_on_submit():
        try:
            services.update_school(current_user, school, form.data)
        except services.AdminError as exc:
            getattr(form, exc.field or "code").errors.append(str(exc))
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for(".schools"))
    return _school_form_page(form, school, status=422 if form.is_submitted() else 200)


@bp.post("/schools/<int:school_id>/active")
@allow(ADMIN)
def school_active(school_id):
    school = get_visible_or_404(schools_visible_to(current_user), school_id)
    active = request.form.get("active") == "1"
    services.set_school_active(current_user, school, active)
    flash(_("Đã mở lại trường %(name)s.", name=school.name) if active
          else _("Đã ngừng hoạt động trường %(name)s.", name=school.name), "success")
    return redirect(url_for(".school_edit", school_id=school.id))


@bp.route("/schools/import", methods=["GET", "POST"])
@allow(ADMIN)
def school_import():
    form = SchoolImportForm()
    problems, error = [], None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            count = services.import_schools(current_user, upload.filename, upload.read())
        except services.ImportError_ as exc:
            error, problems = str(exc), exc.problems
        except services.AdminError as exc:
            error = str(exc)
        else:
            flash(_("Đã nhập %(n)d trường.", n=count), "success")
            return redirect(url_for(".schools"))
    status = 422 if form.is_submitted() else 200
    return render("admin/school_import.html", form=form, problems=problems, error=error,
                  columns=COLUMN_TITLES(), status=status)


def COLUMN_TITLES():  # noqa: N802 - reads like the constant it would be without translation
    return {
        "code": _("Mã trường"),
        "name": _("Tên trường"),
        "level": _("Cấp học"),
        "ownership": _("Loại hình"),
        "commune": _("Xã/phường"),
        "address": _("Địa chỉ"),
        "phone": _("Điện thoại"),
    }


# --- Accounts ---------------------------------------------------------------------------------


def _school_choices():
    rows = School.select(School.id, School.name).where(School.active == True)  # noqa: E712
    return choices([(s.id, s.name) for s in rows.order_by(School.name_key)],
                   blank=_("— Không thuộc trường nào —"))


@bp.get("/users")
@allow(ADMIN)
def users():
    q = request.args.get("q", "")
    role = request.args.get("role", "")
    query = (
        users_visible_to(current_user)
        .select(User, School)
        .join(School, JOIN.LEFT_OUTER, on=(User.school == School.id))
    )
    if q:
        folded = fold(q)
        query = query.where(User.username.contains(q.lower()) | User.name_search.contains(folded)
                            | School.name_search.contains(folded))
    if role:
        query = query.where(User.role == role)
    pages = PaginatedQuery(query.order_by(User.role, User.name_key), paginate_by=_page_size())
    return render("admin/users.html", block="results", users=pages.get_object_list(),
                  pagination=pages, args={"q": q, "role": role}, roles=services.ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(ADMIN)
def user_new():
    form = UserForm()
    form.school_id.choices = _school_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, form.data)
        except services.AdminError as exc:
            getattr(form, exc.field or "username").errors.append(str(exc))
        else:
            return render("admin/user_created.html", user=user,
                          password=user.temporary_password, status=201)
    status = 422 if form.is_submitted() else 200
    return render("admin/user_form.html", form=form, user=None, status=status)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(ADMIN)
def user_edit(user_id):
    user = get_visible_or_404(users_visible_to(current_user), user_id)
    form = UserForm(obj=user, school_id=str(user.school_id or ""))
    form.school_id.choices = _school_choices()
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, form.data)
        except services.AdminError as exc:
            getattr(form, exc.field or "full_name").errors.append(str(exc))
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for(".users"))
    status = 422 if form.is_submitted() else 200
    return render("admin/user_form.html", form=form, user=user, status=status)


@bp.post("/users/<int:user_id>/active")
@allow(ADMIN)
def user_active(user_id):
    user = get_visible_or_404(users_visible_to(current_user), user_id)
    try:
        services.set_user_active(current_user, user, request.form.get("active") == "1")
    except services.AdminError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã cập nhật trạng thái tài khoản %(u)s.", u=user.username), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-password")
@allow(ADMIN)
def user_reset_password(user_id):
    user = get_visible_or_404(users_visible_to(current_user), user_id)
    password = services.reset_password(current_user, user)
    return render("admin/user_created.html", user=user, password=password, reset=True)


# --- Audit log --------------------------------------------------------------------------------


@bp.get("/audit")
@allow(ADMIN, OFFICER)
def audit():
    form = AuditFilterForm(request.args)
    form.validate()
    query = audit_visible_to(current_user)
    if form.actor.data:
        query = query.where(AuditEntry.actor_name.contains(form.actor.data.strip().lower()))
    if form.action.data:
        query = query.where(AuditEntry.action.startswith(form.action.data.strip()))
    tz_offset = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time
    if form.date_from.data:
        start = dt.datetime.combine(form.date_from.data, dt.time()) - tz_offset
        query = query.where(AuditEntry.at >= start)
    if form.date_to.data:
        end = dt.datetime.combine(form.date_to.data + dt.timedelta(days=1), dt.time()) - tz_offset
        query = query.where(AuditEntry.at < end)
    pages = PaginatedQuery(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
                           paginate_by=50)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if pages.get_page() > max(pages.get_page_count(), 1):
        abort(404)
    return render("admin/audit.html", block="results", form=form,
                  entries=pages.get_object_list(), pagination=pages, args=args,
                  audit_details_visible=audit_details_visible)
