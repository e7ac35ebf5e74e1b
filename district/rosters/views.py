"""Counseling-team rosters: a school's roster (read, edit in place, upload) and the district's
coverage. Thin views: parse, check access, call a service, render."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from playhouse.flask_utils import PaginatedQuery

from ..access import (
    OFFICER,
    PRINCIPAL,
    STAFF,
    allow,
    can_edit_roster,
    get_visible_or_404,
    rosters_visible_to,
    schools_visible_to,
)
from ..admin.services import LEVEL_LABELS, OWNERSHIP_LABELS
from ..forms import choices
from ..models import Roster, RosterMember
from ..web import render, wants_fragment
from . import services
from .forms import ConfirmForm, MemberForm, RuleSetForm, UploadForm, VersionForm
from .parsing import COLUMN_LABELS, FileRefused

bp = Blueprint("rosters", __name__, url_prefix="/rosters")

FILTERS = ("q", "state", "level", "ownership", "commune")


class CountedPages(PaginatedQuery):
    """PaginatedQuery that counts the rows once per request (the pager asks several times)."""

    def count(self):
        if not hasattr(self, "_count"):
            self._count = self.query.count()
        return self._count

    def get_page_count(self):
        return max(1, -(-self.count() // self.paginate_by))


def _labels():
    return {
        "states": services.STATE_LABELS,
        "state_classes": services.STATE_CLASSES,
        "team_roles": services.TEAM_ROLE_LABELS,
        "groups": services.MEMBER_GROUP_LABELS,
        "levels": LEVEL_LABELS,
        "ownerships": OWNERSHIP_LABELS,
        "columns": COLUMN_LABELS,
        "issue_message": services.issue_message,
        "rule_sets": services.load_rules()["rule_sets"],
    }


def _school_context(school):
    roster = services.current_roster(school.id)
    versions = rosters_visible_to(current_user).where(Roster.school == school.id)
    return {
        "school": school,
        "roster": roster,
        "members": services.members_of(roster) if roster else [],
        "history": services.history(versions),
        "can_edit": can_edit_roster(current_user, school.id),
        "version": roster.version if roster else 0,
        **_labels(),
    }


def _own_school():
    return get_visible_or_404(schools_visible_to(current_user), current_user.school_id)


# --- Pages ---------------------------------------------------------------------------------


@bp.get("/")
@allow(OFFICER, PRINCIPAL, STAFF)
def index():
    if current_user.role == OFFICER:
        return _coverage()
    return render("rosters/index.html", block="roster", **_school_context(_own_school()))


def _filters():
    return {k: request.args.get(k, "").strip() for k in FILTERS}


def _coverage():
    filters = _filters()
    query = services.coverage_query(filters)
    pages = CountedPages(query, paginate_by=current_app.config["PAGE_SIZE"])
    if pages.get_page() > pages.get_page_count():
        abort(404)
    in_force = services.rule_set_in_force()
    return render(
        "rosters/coverage.html", block="results",
        schools=pages.get_object_list(), pagination=pages,
        args={k: v for k, v in filters.items() if v},
        filters=filters, counts=services.coverage_counts(), communes=services.communes(),
        in_force=in_force, state_of=services.state_of, **_labels(),
    )


@bp.get("/coverage.csv")
@allow(OFFICER)
def export_csv():
    filters = _filters()
    body = services.export_csv(current_user, services.coverage_query(filters), filters)
    return current_app.response_class(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=to-tu-van-cac-truong.csv"})


@bp.get("/coverage.xlsx")
@allow(OFFICER)
def export_xlsx():
    filters = _filters()
    body = services.export_xlsx(current_user, services.coverage_query(filters), filters)
    return current_app.response_class(
        body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=to-tu-van-cac-truong.xlsx"})


@bp.get("/schools/<int:school_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def school(school_id):
    school = get_visible_or_404(schools_visible_to(current_user), school_id)
    return render("rosters/school.html", **_school_context(school))


@bp.get("/versions/<int:roster_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def version(roster_id):
    roster = get_visible_or_404(rosters_visible_to(current_user), roster_id)
    previous = services.previous_version(roster)
    members = services.members_of(roster)
    diff = services.diff_members(
        [services.member_dict(m) for m in services.members_of(previous)] if previous else [],
        [services.member_dict(m) for m in members])
    return render("rosters/version.html", roster=roster, school=roster.school, members=members,
                  previous=previous, diff=diff, **_labels())


@bp.get("/template.xlsx")
@allow(OFFICER, PRINCIPAL, STAFF)
def template():
    return current_app.response_class(
        services.template_xlsx(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=mau-to-tu-van.xlsx"})


@bp.route("/rules", methods=["GET", "POST"])
@allow(OFFICER, PRINCIPAL, STAFF)
def rules():
    form = RuleSetForm()
    sets = services.selectable_rule_sets()
    form.rule_set.choices = choices([(k, v["name"]) for k, v in sets.items()])
    status = 200
    if request.method == "POST":
        if current_user.role != OFFICER:
            abort(404)
        if form.validate_on_submit():
            try:
                changed = services.set_rule_set(current_user, form.rule_set.data)
            except services.RosterError as exc:
                form.rule_set.errors.append(str(exc))
            else:
                flash(_("Đã áp dụng %(name)s; %(n)d trường đổi trạng thái tổ tư vấn.",
                        name=sets[form.rule_set.data]["name"], n=changed), "success")
                return redirect(url_for(".rules"))
        status = 422
    else:
        form.rule_set.data = services.rule_set_in_force()
    return render("rosters/rules.html", form=form, in_force=services.rule_set_in_force(),
                  status=status, **_labels())


# --- Upload --------------------------------------------------------------------------------


@bp.route("/upload", methods=["GET", "POST"])
@allow(PRINCIPAL)
def upload():
    school = _own_school()
    form = UploadForm()
    context = {"form": form, "school": school, "error": None, "problems": [], "parsed": None,
               "result": None, "confirm": None, **_labels()}
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("rosters/upload.html", status=status, **context)
    upload_file = form.file.data
    try:
        parsed, result, stored = services.preview_upload(
            current_user, school, upload_file.filename, upload_file.read())
    except FileRefused as exc:
        context.update(error=str(exc), problems=exc.problems)
        return render("rosters/upload.html", status=422, **context)
    current = services.current_roster(school.id)
    confirm = ConfirmForm(formdata=None, file_id=str(stored.id),
                          version=str(current.version if current else 0)) if stored else None
    context.update(parsed=parsed, result=result, problems=parsed.problems, confirm=confirm,
                   filename=upload_file.filename)
    return render("rosters/upload.html", status=200 if parsed.ok else 422, **context)


@bp.post("/upload/confirm")
@allow(PRINCIPAL)
def upload_confirm():
    school = _own_school()
    form = ConfirmForm()
    if (not form.validate_on_submit() or not form.file_id.data.isdigit()
            or not form.version.data.isdigit()):
        abort(400)
    try:
        roster = services.confirm_upload(current_user, school, int(form.file_id.data),
                                         int(form.version.data))
    except services.StaleRoster as exc:
        context = {"form": UploadForm(formdata=None), "school": school, "error": str(exc),
                   "problems": [], "parsed": None, "result": None, "confirm": None,
                   **_labels()}
        return render("rosters/upload.html", status=409, **context)
    except services.RosterError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".upload"))
    flash(_("Đã lưu danh sách tổ tư vấn, phiên bản %(v)d.", v=roster.version), "success")
    return redirect(url_for(".index"))


# --- Editing members in place (HTMX rows; plain forms without JavaScript) ---------------------


def _editable_school():
    school = _own_school()
    if not can_edit_roster(current_user, school.id):
        abort(404)
    return school


def _visible_member(member_id):
    """The member, if it belongs to a roster the user may see, else 404."""
    query = (RosterMember.select(RosterMember, Roster).join(Roster)
             .where(Roster.id.in_(rosters_visible_to(current_user).select(Roster.id))))
    return get_visible_or_404(query, member_id)


def _stale(message):
    school = _own_school()
    context = _school_context(school) | {"stale": message}
    if wants_fragment():
        return render("rosters/index.html", "roster", retarget="#roster", status=409, **context)
    flash(message, "error")
    return redirect(url_for(".index"))


def _saved(school, message):
    """After a save: the whole roster section for htmx (check result and history change
    too), a redirect otherwise."""
    if wants_fragment():
        context = _school_context(school) | {"saved": message}
        return render("rosters/index.html", "roster", retarget="#roster", **context)
    flash(message, "success")
    return redirect(url_for(".index"))


def _member_form_page(form, member=None, status=200):
    action = (url_for(".member_update", member_id=member.id) if member
              else url_for(".member_create"))
    return render("rosters/member_form.html", block="form_row", form=form, member=member,
                  action=action, status=status, **_labels())


@bp.get("/members/new")
@allow(PRINCIPAL)
def member_new():
    school = _editable_school()
    roster = services.current_roster(school.id)
    form = MemberForm(formdata=None, version=roster.version if roster else 0,
                      team_role="thanh_vien")
    return _member_form_page(form)


@bp.post("/members")
@allow(PRINCIPAL)
def member_create():
    school = _editable_school()
    form = MemberForm()
    if not form.validate_on_submit():
        return _member_form_page(form, status=422)
    try:
        services.add_member(current_user, school, form.member_data(), form.version.data or 0)
    except services.StaleRoster as exc:
        return _stale(str(exc))
    except services.RosterError as exc:
        form.full_name.errors.append(str(exc))
        return _member_form_page(form, status=422)
    return _saved(school, _("Đã thêm %(name)s; đã lưu phiên bản mới.",
                            name=form.full_name.data.strip()))


@bp.get("/members/<int:member_id>")
@allow(PRINCIPAL, STAFF, OFFICER)
def member_row(member_id):
    member = _visible_member(member_id)
    if not wants_fragment():
        return redirect(url_for(".version", roster_id=member.roster_id))
    return render("rosters/_member_row.html", m=member,
                  can_edit=can_edit_roster(current_user, member.roster.school_id),
                  version=member.roster.version, **_labels())


@bp.get("/members/<int:member_id>/edit")
@allow(PRINCIPAL)
def member_edit(member_id):
    _editable_school()
    member = _visible_member(member_id)
    if not member.roster.is_current:
        return _stale(_("Danh sách vừa được người khác cập nhật; hãy tải lại trang."))
    form = MemberForm(formdata=None, obj=member, version=member.roster.version)
    return _member_form_page(form, member)


@bp.post("/members/<int:member_id>")
@allow(PRINCIPAL)
def member_update(member_id):
    school = _editable_school()
    member = _visible_member(member_id)
    form = MemberForm()
    if not form.validate_on_submit():
        return _member_form_page(form, member, status=422)
    try:
        services.change_member(current_user, school, member.id, form.member_data(),
                               form.version.data or 0)
    except services.StaleRoster as exc:
        return _stale(str(exc))
    except services.RosterError as exc:
        form.full_name.errors.append(str(exc))
        return _member_form_page(form, member, status=422)
    return _saved(school, _("Đã sửa thông tin %(name)s; đã lưu phiên bản mới.",
                            name=form.full_name.data.strip()))


@bp.post("/members/<int:member_id>/delete")
@allow(PRINCIPAL)
def member_delete(member_id):
    school = _editable_school()
    member = _visible_member(member_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.remove_member(current_user, school, member.id, form.version.data or 0)
    except services.StaleRoster as exc:
        return _stale(str(exc))
    return _saved(school, _("Đã bỏ %(name)s khỏi tổ; đã lưu phiên bản mới.",
                            name=member.full_name))


# --- Home-page figures ---------------------------------------------------------------------


@bp.app_template_global()
def roster_coverage():
    """Schools with a complete roster (with or without warnings) / active schools."""
    return services.coverage_counts()


@bp.app_template_global()
def roster_school_summary():
    if not current_user.is_authenticated or not current_user.school_id:
        return {"state": "none", "roster": None}
    return services.school_summary(current_user.school_id)


@bp.app_template_global()
def roster_state_label(state):
    return services.STATE_LABELS.get(state, state)


@bp.app_template_global()
def roster_state_class(state):
    return services.STATE_CLASSES.get(state, "state-muted")

