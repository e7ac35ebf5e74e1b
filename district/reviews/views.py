"""Safe-school reviews: the rounds, launching one, a round (the office's matrix, the observer's
figures, or the school's own review), one school's review (answering criterion by criterion in
place, submitting, the office's decision, closing improvement actions), its files and the
matrix as XLSX. Thin views: parse input, ask access.py, call one query or operation, render.
"""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from .. import access, clock, reminder_schedule
from ..access import (
    ADMIN,
    OBSERVER,
    OFFICER,
    PRINCIPAL,
    STAFF,
    allow,
    get_visible_or_404,
    review_rounds_visible_to,
)
from ..directives.vocabulary import AUDIENCE_LABELS
from ..files import send_stored
from ..forms import choices
from ..i18n import gettext as _
from ..models import Criterion, StoredFile
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from ..web import Pages, parse_id, redirect_to, render, wants_fragment
from . import criteria, operations, queries, reminders
from .formats import XLSX_MIME
from .forms import DecideForm, answer_form, close_form, launch_form
from .vocabulary import (
    ACCEPT,
    DECISION_LABELS,
    EVENT_LABELS,
    NEEDS_ACTION,
    STATE_CLASSES,
    STATE_LABELS,
    VERDICT_CLASSES,
    VERDICT_LABELS,
    share_class,
)

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

EVERYONE = (ADMIN, OFFICER, OBSERVER, PRINCIPAL, STAFF)
FILTERS = ("q", "level", "ownership", "state")


def _words():
    return {"states": STATE_LABELS, "state_classes": STATE_CLASSES, "verdicts": VERDICT_LABELS,
            "verdict_classes": VERDICT_CLASSES, "event_labels": EVENT_LABELS,
            "levels": LEVEL_LABELS, "ownerships": OWNERSHIP_LABELS,
            "decisions": DECISION_LABELS, "needs_action": NEEDS_ACTION,
            "share_class": share_class, "today": clock.today()}


def _filters():
    raw = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    return {"q": raw["q"][:100],
            "level": raw["level"] if raw["level"] in LEVEL_LABELS else "",
            "ownership": raw["ownership"] if raw["ownership"] in OWNERSHIP_LABELS else "",
            "state": raw["state"] if raw["state"] in STATE_LABELS else ""}


def _args(filters):
    return {k: v for k, v in filters.items() if v}


# --- The rounds ----------------------------------------------------------------------------------


@bp.get("/")
@allow(*EVERYONE)
def index():
    if access.sees_own_school_reviews(current_user):
        pages = Pages(queries.school_rounds(current_user))
        return render("reviews/index.html", "results", pages=pages, args={}, school_view=True,
                      display_state=queries.display_state, **_words())
    filters = {"q": (request.args.get("q") or "").strip()[:100]}
    pages = Pages(queries.office_rounds(current_user, filters))
    return render("reviews/index.html", "results", pages=pages, args=_args(filters),
                  filters=filters, school_view=False, counts=queries.round_counts,
                  may_launch=access.may_launch_round(current_user), **_words())


def _launch_choices(form):
    form.criteria_code.choices = choices(
        [(code, f"{name} ({basis})") for code, name, basis, _levels, _own in
         criteria.available()], blank=_("— Chọn —"))
    form.audience_school_ids.choices = choices(queries.school_choices())
    form.directive_id.choices = choices(queries.directive_choices(),
                                        blank=_("— Không gắn văn bản —"))
    return form


def _launch_page(form, status=200):
    return render("reviews/form.html", "form", form=form, sets=criteria.available(),
                  audiences=AUDIENCE_LABELS, status=status,
                  schedule_limits={"limit": reminder_schedule.LIMIT,
                                   "steps": reminder_schedule.MAX_STEPS,
                                   "default": reminder_schedule.DEFAULT_TEXT}, **_words())


@bp.route("/new", methods=["GET", "POST"])
@allow(OFFICER)
def new():
    if not access.may_launch_round(current_user):
        abort(404)
    if request.method == "GET":
        return _launch_page(_launch_choices(launch_form(formdata=None)))
    form = _launch_choices(launch_form())
    if not form.validate():
        return _launch_page(form, status=422)
    try:
        review_round = operations.launch_round(current_user, form.values())
    except operations.ReviewError as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return _launch_page(form, status=422)
    flash(_("Đã mở đợt rà soát “%(title)s” cho %(n)d trường.", title=review_round.title,
            n=review_round.school_count), "success")
    return redirect_to(url_for(".detail", round_id=review_round.id))


# --- Criteria sets -------------------------------------------------------------------------------


@bp.get("/criteria")
@allow(*EVERYONE)
def criteria_sets():
    return render("reviews/criteria.html", sets=criteria.described(),
                  may_edit=access.may_edit_criteria(current_user), **_words())


@bp.post("/criteria/<code>/copy")
@allow(OFFICER)
def copy_criteria(code):
    if not access.may_edit_criteria(current_user) or code not in criteria.bundled():
        abort(404)
    try:
        copy = operations.copy_set(current_user, code)
    except operations.ReviewError as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect_to(url_for(".criteria_sets"))
    flash(_("Đã tạo bản của Phòng; có thể sửa rồi dùng cho các đợt rà soát sau."), "success")
    return redirect_to(url_for(".edit_criteria", code=copy.code))


def _own_set_or_404(code):
    if not access.may_edit_criteria(current_user) or code in criteria.bundled():
        abort(404)
    criteria_set = criteria.newest(code)
    if criteria_set is None or not criteria_set.own_drafting:
        abort(404)
    return criteria_set


@bp.route("/criteria/<code>/edit", methods=["GET", "POST"])
@allow(OFFICER)
def edit_criteria(code):
    criteria_set = _own_set_or_404(code)
    rows = list(criteria_set.criteria.order_by(Criterion.position, Criterion.id))
    if request.method == "GET":
        return _edit_page(criteria_set, rows)
    values = {"name": request.form.get("name", "")[:300],
              "description": request.form.get("description", "")[:4000]}
    criterion_values = {c.code: {k: request.form.get(f"{k}-{c.id}", "")[:4000]
                                 for k in operations.CRITERION_FIELDS} for c in rows}
    try:
        changed = operations.edit_set(current_user, criteria_set,
                                      parse_id(request.form.get("version")), values,
                                      criterion_values)
    except operations.ReviewError as exc:
        return _edit_page(criteria_set, rows, typed=(values, criterion_values),
                          errors=exc.errors, status=422)
    flash(_("Đã lưu bộ tiêu chí (phiên bản %(v)d).", v=changed.version) if changed
          else _("Không có gì thay đổi."), "success")
    return redirect_to(url_for(".criteria_sets", _anchor=f"set-{code}"))


def _edit_page(criteria_set, rows, typed=None, errors=None, status=200):
    values, criterion_values = typed or (
        {"name": criteria_set.name, "description": criteria_set.description},
        {c.code: {k: getattr(c, k) for k in operations.CRITERION_FIELDS} for c in rows})
    return render("reviews/criteria_edit.html", criteria_set=criteria_set, rows=rows,
                  groups=queries.groups_of(rows), values=values,
                  criterion_values=criterion_values, errors=errors or {}, status=status,
                  **_words())


# --- A round -------------------------------------------------------------------------------------


@bp.get("/<int:round_id>")
@allow(*EVERYONE)
def detail(round_id):
    review_round = get_visible_or_404(review_rounds_visible_to, round_id)
    if access.sees_own_school_reviews(current_user):
        return redirect_to(url_for(".submission", round_id=round_id,
                                   school_id=current_user.school_id))
    today = clock.today()
    criteria_rows = queries.round_criteria(review_round)
    groups = queries.groups_of(criteria_rows)
    counts = queries.round_counts(review_round, today)
    if access.sees_only_review_aggregates(current_user):
        return render("reviews/aggregates.html", review_round=review_round, groups=groups,
                      counts=counts, shares=queries.round_group_shares(current_user,
                                                                       review_round),
                      submitted=queries.ever_submitted(review_round), **_words())
    filters = _filters()
    pages = Pages(queries.matrix_query(current_user, review_round, filters, today))
    rows = queries.matrix_rows(pages.items, groups, today, review_round.deadline)
    overdue_count, overdue = queries.overdue_actions(current_user, review_round, today)
    return render(
        "reviews/round.html", "results", review_round=review_round, groups=groups,
        pages=pages, rows=rows, filters=filters, args=_args(filters), counts=counts,
        weakest=queries.weakest_criteria(access.review_submissions_visible_to(current_user),
                                         review_round),
        submitted=queries.ever_submitted(review_round),
        not_submitted=queries.not_submitted(current_user, review_round),
        overdue_count=overdue_count, overdue=overdue,
        may_export=access.sees_review_matrix(current_user),
        may_remind=access.may_remind_schools(current_user, review_round),
        reminder_schedule=reminders.context, **_words())


@bp.post("/<int:round_id>/remind")
@allow(OFFICER)
def remind(round_id):
    review_round = get_visible_or_404(review_rounds_visible_to, round_id)
    if not access.may_remind_schools(current_user, review_round):
        abort(404)
    try:
        n = operations.remind(current_user, review_round)
    except operations.ReviewError as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash(_("Đã nhắc %(n)d trường chưa nộp.", n=n), "success")
    return redirect_to(url_for(".detail", round_id=round_id))


@bp.get("/<int:round_id>/export.xlsx")
@allow(OFFICER)
def export(round_id):
    review_round = get_visible_or_404(review_rounds_visible_to, round_id)
    if not access.sees_review_matrix(current_user):
        abort(404)
    filters = _filters()
    criteria_rows = queries.round_criteria(review_round)
    rows = queries.export_rows(current_user, review_round, filters, criteria_rows,
                               clock.today())
    body = operations.export_matrix(current_user, review_round, criteria_rows, rows, filters)
    return current_app.response_class(body, mimetype=XLSX_MIME, headers={
        "Content-Disposition": f"attachment; filename=ra-soat-{review_round.id}.xlsx"})


# --- One school's review -------------------------------------------------------------------------


def _submission_or_404(round_id, school_id):
    submission = queries.submission_of(current_user, round_id, school_id)
    if submission is None:
        abort(404)
    return submission


def _answer_data(item):
    answer, action = item["answer"], item["action"]
    return {"verdict": answer.verdict if answer else "",
            "comment": answer.comment if answer else "",
            "action_what": action.what if action else "",
            "action_who": action.who if action else "",
            "action_due": action.due_on if action else None}


def _page_context(submission, detail, editing=None, errors=None):
    """What the page of one school's review shows; `editing` {criterion id: form} keeps what
    was typed in a refused form, `errors` {"c<id>": message, ...} the refusals."""
    editing = editing or {}
    may_answer = access.may_answer(current_user, submission, submission.review_round)
    for item in detail["items"]:
        c = item["criterion"]
        item["form"] = editing.get(c.id) or (answer_form(c, data=_answer_data(item))
                                             if may_answer else None)
    close_forms = {}
    for _criterion, action in detail["actions"]:
        if access.may_close_action(current_user, submission, action):
            close_forms[action.id] = close_form(action)
    return {"submission": submission, "review_round": submission.review_round,
            "school": submission.school, "may_answer": may_answer,
            "may_decide": access.may_decide(current_user, submission),
            "close_forms": close_forms, "errors": errors or {},
            "state": queries.display_state(submission.state, submission.review_round.deadline),
            "decide_form": DecideForm(formdata=None), **detail, **_words()}


@bp.get("/<int:round_id>/schools/<int:school_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def submission(round_id, school_id):
    submission = _submission_or_404(round_id, school_id)
    return render("reviews/submission.html",
                  **_page_context(submission, queries.submission_detail(submission)))


def _criterion_answer(submission, item, form, status, conflict=None):
    """The answer to a save of one criterion: its block (and the page's version everywhere)
    for htmx, else the whole page."""
    if wants_fragment():
        context = _page_context(submission, queries.submission_detail(submission),
                                editing={item["criterion"].id: form} if form else None)
        fresh = next(i for i in context["items"] if i["criterion"].id == item["criterion"].id)
        if form is not None:
            fresh["form"] = form
        return render("reviews/_criterion.html", item=fresh, conflict=conflict,
                      oob=["reviews/_version.html", "reviews/_progress.html",
                           "reviews/_state.html"], status=status,
                      **context)
    detail = queries.submission_detail(submission)
    return render("reviews/submission.html", status=status, conflict=conflict,
                  conflict_criterion=item["criterion"].id if conflict else None,
                  **_page_context(submission, detail,
                                  editing={item["criterion"].id: form} if form else None,
                                  errors=getattr(form, "page_errors", None)))


@bp.post("/<int:round_id>/schools/<int:school_id>/answers/<int:criterion_id>")
@allow(PRINCIPAL)
def answer(round_id, school_id, criterion_id):
    submission = _submission_or_404(round_id, school_id)
    if not access.may_answer(current_user, submission, submission.review_round):
        abort(404)
    detail = queries.submission_detail(submission)
    item = next((i for i in detail["items"] if i["criterion"].id == criterion_id), None)
    if item is None:
        abort(404)
    criterion = item["criterion"]
    form = answer_form(criterion, formdata=request.form)
    version = parse_id(request.form.get("version"))
    if not form.validate():
        return _criterion_answer(submission, item, form, 422)
    try:
        checked = operations.checked_evidence(request.files.getlist(form.evidence.name))
        changes = operations.save_answer(current_user, submission, criterion, version,
                                         form.values(), checked, form.removed())
    except operations.Conflict as conflict:
        current = conflict.submission
        submission.version = current.version
        submission.state = current.state
        return _criterion_answer(submission, item, form, 409, conflict=True)
    except operations.ReviewError as exc:
        for name, message in exc.errors.items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                form.form_errors.append(message)
        return _criterion_answer(submission, item, form, 422)
    if wants_fragment():
        return _criterion_answer(submission, item, None, 200)
    flash(_("Đã lưu tiêu chí %(code)s.", code=criterion.code) if changes
          else _("Không có gì thay đổi."), "success")
    return redirect_to(url_for(".submission", round_id=round_id, school_id=school_id,
                               _anchor=f"crit-{criterion.id}"))


@bp.post("/<int:round_id>/schools/<int:school_id>/submit")
@allow(PRINCIPAL)
def submit(round_id, school_id):
    submission = _submission_or_404(round_id, school_id)
    if not access.may_answer(current_user, submission, submission.review_round):
        abort(404)
    try:
        operations.submit(current_user, submission, parse_id(request.form.get("version")))
    except operations.ReviewError as exc:
        status = 409 if isinstance(exc, operations.Conflict) else 422
        if isinstance(exc, operations.Conflict):
            submission = _submission_or_404(round_id, school_id)
        return render("reviews/submission.html", status=status,
                      **_page_context(submission, queries.submission_detail(submission),
                                      errors=exc.errors))
    flash(_("Đã nộp bản tự rà soát cho Phòng."), "success")
    return redirect_to(url_for(".submission", round_id=round_id, school_id=school_id))


@bp.post("/<int:round_id>/schools/<int:school_id>/decide")
@allow(OFFICER)
def decide(round_id, school_id):
    submission = _submission_or_404(round_id, school_id)
    if not access.may_decide(current_user, submission):
        abort(404)
    form = DecideForm()
    detail = queries.submission_detail(submission)
    comments = {}
    for item in detail["items"]:
        cid = item["criterion"].id
        text = (request.form.get(f"comment-{cid}") or "")[:4000]
        if text.strip():
            comments[cid] = text
    decision = request.form.get("decision") or ""
    try:
        if not form.validate():
            raise operations.ReviewError({"decision": " ".join(form.note.errors)})
        operations.decide(current_user, submission, parse_id(form.version.data), decision,
                          comments, form.note.data)
    except operations.ReviewError as exc:
        status = 409 if isinstance(exc, operations.Conflict) else 422
        if isinstance(exc, operations.Conflict):
            submission = _submission_or_404(round_id, school_id)
            detail = queries.submission_detail(submission)
        context = _page_context(submission, detail, errors=exc.errors)
        context["decide_form"] = form
        return render("reviews/submission.html", status=status, typed_comments=comments,
                      **context)
    flash(_("Đã chấp nhận bản tự rà soát.") if decision == ACCEPT else
          _("Đã trả lại bản tự rà soát để trường bổ sung."), "success")
    return redirect_to(url_for(".submission", round_id=round_id, school_id=school_id))


@bp.post("/<int:round_id>/schools/<int:school_id>/actions/<int:action_id>/close")
@allow(PRINCIPAL)
def close_action(round_id, school_id, action_id):
    submission = _submission_or_404(round_id, school_id)
    action = queries.action_of(submission, action_id)
    if action is None or not access.may_close_action(current_user, submission, action):
        abort(404)
    form = close_form(action, formdata=request.form)
    try:
        if not form.validate():
            raise operations.ReviewError({"note": " ".join(form.note.errors)})
        checked = operations.checked_evidence(request.files.getlist(form.evidence.name))
        operations.close_action(current_user, submission, action, form.note.data, checked)
    except operations.ReviewError as exc:
        context = _page_context(submission, queries.submission_detail(submission),
                                errors={f"a{action.id}": " ".join(exc.errors.values())})
        context["close_forms"][action.id] = form
        return render("reviews/submission.html", status=422, **context)
    flash(_("Đã ghi hoàn thành biện pháp khắc phục."), "success")
    return redirect_to(url_for(".submission", round_id=round_id, school_id=school_id,
                               _anchor="actions"))


@bp.get("/<int:round_id>/schools/<int:school_id>/evidence/<int:evidence_id>")
@allow(OFFICER, PRINCIPAL, STAFF)
def evidence(round_id, school_id, evidence_id):
    submission = _submission_or_404(round_id, school_id)
    row = queries.visible_evidence(current_user, submission, evidence_id)
    if row is None:
        abort(404)
    operations.record_download(current_user, submission, row.file, "evidence")
    return send_stored(row.file)


@bp.get("/<int:round_id>/schools/<int:school_id>/actions/<int:action_id>/file")
@allow(OFFICER, PRINCIPAL, STAFF)
def action_file(round_id, school_id, action_id):
    submission = _submission_or_404(round_id, school_id)
    action = queries.action_of(submission, action_id)
    if action is None or action.closing_file_id is None:
        abort(404)
    stored = StoredFile.get_by_id(action.closing_file_id)
    operations.record_download(current_user, submission, stored, "action")
    return send_stored(stored)


