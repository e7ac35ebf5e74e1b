"""Counseling-team rosters: a school's roster (read, edit in place, upload, download) and the
district's coverage. Thin views: parse input, check access, call one query or operation, render.
"""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from .. import school_search
from ..access import (
    OFFICER,
    PRINCIPAL,
    STAFF,
    allow,
    can_edit_roster,
    get_visible_or_404,
    is_officer,
    may_choose_rule_set,
    rosters_visible_to,
    schools_visible_to,
)
from ..forms import choices
from ..i18n import gettext as _
from ..i18n import translated
from ..models import RosterMember
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from ..web import Pages, parse_id, redirect_to, render, wants_fragment
from . import operations, queries
from .formats import XLSX_MIME, FileRefused, workbook
from .forms import ConfirmForm, MemberForm, RuleSetForm, UploadForm, VersionForm
from .members import RosterError, StaleRoster
from .rules import (
    issue_message,
    rule_set_in_force,
    rule_set_texts,
    rule_sets,
    selectable_rule_sets,
)
from .vocabulary import (
    COLUMN_LABELS,
    MEMBER_GROUP_LABELS,
    STATE_CLASSES,
    STATE_LABELS,
    TEAM_ROLE_LABELS,
)

bp = Blueprint("rosters", __name__, url_prefix="/rosters")

FILTERS = ("q", "state", "level", "ownership", "commune")


def _words():
    """The labels every roster page reads (codes to words in the reader's language)."""
    return {
        "states": STATE_LABELS,
        "team_roles": TEAM_ROLE_LABELS,
        "groups": MEMBER_GROUP_LABELS,
        "levels": LEVEL_LABELS,
        "ownerships": OWNERSHIP_LABELS,
        "columns": COLUMN_LABELS,
        "issue_message": issue_message,
        "rule_sets": rule_set_texts(),
    }


def _attachment(body, mimetype, filename):
    return current_app.response_class(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}"})


def _own_school():
    return get_visible_or_404(schools_visible_to, current_user.school_id)


def _school_context(school):
    return queries.school_roster(current_user, school) | _words()


# --- Pages ---------------------------------------------------------------------------------


@bp.get("/")
@allow(OFFICER, PRINCIPAL, STAFF)
def index():
    if is_officer(current_user):
        return _coverage()
    return render("rosters/index.html", block="roster", **_school_context(_own_school()))


def _filters():
    return {k: request.args.get(k, "").strip() for k in FILTERS}


def _coverage():
    filters = _filters()
    counts = queries.coverage_counts(current_user)
    pages = Pages(queries.coverage_page(current_user, filters),
                  total=queries.coverage_total(current_user, filters, counts))
    return render(
        "rosters/coverage.html", block="results", pages=pages,
        args={k: v for k, v in filters.items() if v}, filters=filters, counts=counts,
        communes=[(c, c) for c in school_search.communes()],
        in_force=rule_set_in_force(), state_of=queries.state_of,
        **(_words() | {"levels": translated(LEVEL_LABELS),
                       "ownerships": translated(OWNERSHIP_LABELS)}),
    )


EXPORTS = {"csv": ("text/csv", "to-tu-van-cac-truong.csv"),
           "xlsx": (XLSX_MIME, "to-tu-van-cac-truong.xlsx")}


@bp.get("/coverage.<any(csv, xlsx):kind>")
@allow(OFFICER)
def export(kind):
    """The coverage list as filtered on the page, as CSV or XLSX."""
    filters = _filters()
    body = operations.export_coverage(current_user, queries.coverage_query(
        current_user, filters), filters, kind)
    return _attachment(body, *EXPORTS[kind])


@bp.get("/schools/<int:school_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def school(school_id):
    school = get_visible_or_404(schools_visible_to, school_id)
    return render("rosters/school.html", **(_school_context(school) | {"can_edit": False}))


@bp.get("/versions/<int:roster_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def version(roster_id):
    roster = get_visible_or_404(rosters_visible_to, roster_id)
    return render("rosters/version.html", **queries.version_page(roster), **_words())


@bp.get("/template.xlsx")
@allow(OFFICER, PRINCIPAL, STAFF)
def template():
    return _attachment(workbook(), XLSX_MIME, "mau-to-tu-van.xlsx")


@bp.get("/current.xlsx")
@allow(PRINCIPAL, STAFF)
def current_xlsx():
    """The school's current roster in the template's layout: change it, upload it again."""
    school = _own_school()
    return _attachment(operations.export_current(current_user, school), XLSX_MIME,
                       f"to-tu-van-{school.code.lower()}.xlsx")


# --- The rule set in force -------------------------------------------------------------------


def _rules_page(form, status=200):
    return render("rosters/rules.html", form=form, in_force=rule_set_in_force(),
                  definitions=rule_sets(), may_choose=may_choose_rule_set(current_user),
                  status=status, **_words())


def _rule_set_form():
    form = RuleSetForm()
    form.rule_set.choices = choices([(k, v["name"]) for k, v in rule_set_texts().items()
                                     if k in selectable_rule_sets()])
    return form


@bp.get("/rules")
@allow(OFFICER, PRINCIPAL, STAFF)
def rules():
    form = _rule_set_form()
    form.rule_set.data = rule_set_in_force()
    return _rules_page(form)


@bp.post("/rules")
@allow(OFFICER)
def choose_rule_set():
    form = _rule_set_form()
    if form.validate_on_submit():
        try:
            changed = operations.set_rule_set(current_user, form.rule_set.data)
        except RosterError as exc:
            form.rule_set.errors.append(str(exc))
        else:
            flash(_("Đã áp dụng %(name)s; %(n)d trường đổi trạng thái tổ tư vấn.",
                    name=rule_set_texts()[form.rule_set.data]["name"], n=changed), "success")
            return redirect_to(url_for(".rules"))
    return _rules_page(form, status=422)


# --- Upload --------------------------------------------------------------------------------


def _upload_page(school, status=200, **context):
    defaults = {"form": UploadForm(formdata=None), "school": school, "error": None,
                "problems": [], "preview": None, "confirm": None}
    return render("rosters/upload.html", status=status, **(defaults | context), **_words())


@bp.route("/upload", methods=["GET", "POST"])
@allow(PRINCIPAL)
def upload():
    school = _own_school()
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(school, 422 if form.is_submitted() else 200, form=form)
    upload_file = form.file.data
    try:
        preview = operations.preview_upload(current_user, school, upload_file.filename,
                                            upload_file.read())
    except FileRefused as exc:
        return _upload_page(school, 422, form=form, error=str(exc), problems=exc.problems)
    confirm = ConfirmForm(formdata=None, file_id=str(preview.upload.file_id),
                          version=str(preview.base_version)) if preview.upload else None
    return _upload_page(school, 200 if preview.parsed.ok else 422, form=form, preview=preview,
                        problems=preview.parsed.problems, confirm=confirm,
                        filename=upload_file.filename)


@bp.post("/upload/confirm")
@allow(PRINCIPAL)
def upload_confirm():
    school = _own_school()
    form = ConfirmForm()
    file_id, version = parse_id(form.file_id.data), form.version.data
    if not form.validate_on_submit() or not file_id or not (version == "0" or parse_id(version)):
        abort(400)
    try:
        roster = operations.confirm_upload(current_user, school, file_id, parse_id(version))
    except StaleRoster as exc:
        return _upload_page(school, 409, error=str(exc))
    except RosterError as exc:
        flash(str(exc), "error")
        return redirect_to(url_for(".upload"))
    flash(_("Đã lưu danh sách tổ tư vấn, phiên bản %(v)d.", v=roster.version), "success")
    return redirect_to(url_for(".index"))


# --- Editing members in place (HTMX rows; plain forms without JavaScript) ---------------------


def _editable_school():
    school = _own_school()
    if not can_edit_roster(current_user, school.id):
        abort(404)
    return school


def _visible_member(member_id):
    """The member, if it belongs to a roster the user may see, else 404."""
    try:
        return queries.visible_member(current_user, member_id)
    except RosterMember.DoesNotExist:
        abort(404)


def _editable_member(member_id):
    """(the principal's school, the member) for a change to a member, else 404."""
    return _editable_school(), _visible_member(member_id)


def _stale(message):
    if wants_fragment():
        context = _school_context(_own_school()) | {"stale": message}
        return render("rosters/index.html", "roster", retarget="#roster", status=409, **context)
    flash(message, "error")
    return redirect_to(url_for(".index"))


def _saved(school, message):
    """After a save: the whole roster section for htmx (check result and history change
    too), a redirect otherwise."""
    if wants_fragment():
        context = _school_context(school) | {"saved": message}
        return render("rosters/index.html", "roster", retarget="#roster", **context)
    flash(message, "success")
    return redirect_to(url_for(".index"))


def _member_form_page(form, member=None, status=200):
    action = (url_for(".member_update", member_id=member.id) if member
              else url_for(".member_create"))
    return render("rosters/member_form.html", block="form_row", form=form, member=member,
                  action=action, status=status, **_words())


def _write(school, form, member, operation, message):
    """Run a member write from a valid form; the roster section, a 409 or the form again."""
    if not form.validate_on_submit():
        return _member_form_page(form, member, status=422)
    try:
        operation()
    except StaleRoster as exc:
        return _stale(str(exc))
    except RosterError as exc:
        form.full_name.errors.append(str(exc))
        return _member_form_page(form, member, status=422)
    return _saved(school, message)


@bp.get("/members/new")
@allow(PRINCIPAL)
def member_new():
    school = _editable_school()
    roster = queries.current_roster(school.id)
    form = MemberForm(formdata=None, version=roster.version if roster else 0,
                      team_role="thanh_vien")
    return _member_form_page(form)


@bp.post("/members")
@allow(PRINCIPAL)
def member_create():
    school = _editable_school()
    form = MemberForm()
    return _write(school, form, None, lambda: operations.add_member(
        current_user, school, form.member_data(), form.version.data or 0),
        _("Đã thêm %(name)s; đã lưu phiên bản mới.", name=(form.full_name.data or "").strip()))


@bp.get("/members/<int:member_id>")
@allow(PRINCIPAL, STAFF, OFFICER)
def member_row(member_id):
    member = _visible_member(member_id)
    if not wants_fragment():
        return redirect_to(url_for(".version", roster_id=member.roster_id))
    return render("rosters/_member_row.html", m=member,
                  can_edit=can_edit_roster(current_user, member.roster.school_id),
                  version=member.roster.version,
                  office_training=queries.office_training_of(
                      [member], queries.office_trainings([member.roster.school_id]).get(
                          member.roster.school_id, {})), **_words())


@bp.get("/members/<int:member_id>/edit")
@allow(PRINCIPAL)
def member_edit(member_id):
    _school, member = _editable_member(member_id)
    if not member.roster.is_current:
        return _stale(_("Danh sách vừa được người khác cập nhật; hãy tải lại trang."))
    form = MemberForm(formdata=None, obj=member, version=member.roster.version)
    return _member_form_page(form, member)


@bp.post("/members/<int:member_id>")
@allow(PRINCIPAL)
def member_update(member_id):
    school, member = _editable_member(member_id)
    form = MemberForm()
    return _write(school, form, member, lambda: operations.change_member(
        current_user, school, member.id, form.member_data(), form.version.data or 0),
        _("Đã sửa thông tin %(name)s; đã lưu phiên bản mới.",
          name=(form.full_name.data or "").strip()))


@bp.post("/members/<int:member_id>/delete")
@allow(PRINCIPAL)
def member_delete(member_id):
    school, member = _editable_member(member_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.remove_member(current_user, school, member.id, form.version.data or 0)
    except StaleRoster as exc:
        return _stale(str(exc))
    return _saved(school, _("Đã bỏ %(name)s khỏi tổ; đã lưu phiên bản mới.",
                            name=member.full_name))


# --- Home-page figures ---------------------------------------------------------------------


@bp.app_template_global()
def roster_coverage():
    """Schools with a complete roster (with or without warnings) / active schools, among the
    rosters the signed-in user's aggregates count."""
    return queries.coverage_counts(current_user)


@bp.app_template_global()
def roster_coverage_chart(counts):
    """The bars of `roster_coverage()`'s figures (no query)."""
    return queries.coverage_chart(counts)


@bp.app_template_global()
def roster_school_summary():
    return queries.school_summary(current_user)


@bp.app_template_global()
def roster_state_label(state):
    return STATE_LABELS[state or "none"]


@bp.app_template_global()
def roster_state_class(state):
    return STATE_CLASSES[state or "none"]
