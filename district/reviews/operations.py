"""Every write of safe-school reviews. Each is one `with database.atomic():` holding the write,
its history (ReviewEvent), its audit entry and its notifications: launch a round, save one
answer (a draft), submit, the office's decision (accept, or return with comments per
criterion), close an improvement action with its evidence, and the audited exports and
downloads.

A school's review carries a version: every write is a conditional UPDATE on it, so two people
editing at once never overwrite each other silently (Conflict). Files are checked by content
before the transaction (district/files.py) and stored in it. Notifications carry no child data.
"""

import datetime as dt

from .. import clock, reminder_schedule
from ..audit import record
from ..db import database
from ..directives import operations as directives
from ..directives.queries import audience_query
from ..directives.vocabulary import REVIEW_ROUND_KIND
from ..files import UploadError, read_checked, store_bytes
from ..i18n import N_
from ..i18n import gettext as _
from ..models import (
    CriteriaSet,
    Criterion,
    Directive,
    ReviewAction,
    ReviewAnswer,
    ReviewEvent,
    ReviewEvidence,
    ReviewRound,
    ReviewSubmission,
    School,
    StoredFile,
    User,
)
from ..notifications.operations import notify, users_with_role
from ..text import clean, fold
from ..vocabulary import OFFICER, PRINCIPAL
from . import criteria, tallies
from .formats import matrix_xlsx
from .vocabulary import (
    ACCEPT,
    ACCEPTED,
    DRAFT,
    EDITABLE_STATES,
    EVIDENCE_CONTENT,
    KIND_NAMES,
    MAX_FILES,
    NAME_EXTENSIONS,
    NEEDS_ACTION,
    NOT_STARTED,
    RETURN,
    RETURNED,
    SUBMITTED,
    VERDICTS,
)

CHUNK = 500
MAX_TEXT = 4000


class ReviewError(ValueError):
    """A refused write; `errors` is {field or "c<criterion id>": translated message}."""

    def __init__(self, errors):
        super().__init__("; ".join(str(v) for v in errors.values()))
        self.errors = errors


class Conflict(ReviewError):
    """The school's review changed since the page was loaded: `submission` is the row as it is
    now. Nothing was written."""

    def __init__(self, submission):
        super().__init__({"version": _("Bản rà soát vừa được người khác thay đổi; chưa lưu gì.")})
        self.submission = submission


def link(submission):
    return f"/reviews/{submission.review_round_id}/schools/{submission.school_id}"


def _event(submission, actor, kind, note="", details=None, at=None):
    ReviewEvent.create(submission=submission.id, actor=actor, at=at or clock.utcnow(),
                       kind=kind, note=note, details=details)


def _principals(school_ids):
    ids = list(school_ids)
    found = []
    for start in range(0, len(ids), CHUNK):
        found += [u.id for u in User.select(User.id).where(
            User.role == PRINCIPAL, User.active == True,  # noqa: E712
            User.school.in_(ids[start:start + CHUNK]))]
    return found


# --- Launching a round ---------------------------------------------------------------------------


def round_schools(criteria_code, audience):
    """The active schools a round with this audience and set reaches: the audience, of the
    levels the set is for."""
    query = audience_query(audience.get("audience_kind") or "all",
                           audience.get("audience_levels") or (),
                           audience.get("audience_ownerships") or (),
                           audience.get("audience_school_ids") or ())
    levels = criteria.levels_of(criteria_code)
    if levels:
        query = query.where(School.level.in_(list(levels)))
    return query


def launch_round(actor, values):
    """A new round: `values` has title, criteria_code, audience_kind, audience_levels,
    audience_ownerships, audience_school_ids, deadline (a date), directive_id (or None).
    Refused (ReviewError, nothing written): no title, an unknown set, a deadline in the past,
    no school, a reminder schedule that cannot be read (`reminder_days`, as typed; None: the
    default). Every school gets its review (not started); their principals are told."""
    title = clean(values.get("title") or "").strip()[:300]
    code = values.get("criteria_code") or ""
    deadline = values.get("deadline")
    errors = {}
    if not title:
        errors["title"] = _("Nhập tên đợt rà soát.")
    if criteria.levels_of(code) is None:
        errors["criteria_code"] = _("Chọn bộ tiêu chí.")
    if not isinstance(deadline, dt.date):
        errors["deadline"] = _("Nhập hạn nộp (ngày/tháng/năm).")
    elif deadline < clock.today():
        errors["deadline"] = _("Hạn nộp không thể ở quá khứ (hôm nay là %(today)s).",
                               today=clock.today().strftime("%d/%m/%Y"))
    try:
        reminder_days = reminder_schedule.parse(values.get("reminder_days"))
    except reminder_schedule.ScheduleRefused as refused:
        errors["reminder_days"] = str(refused)
    kind = values.get("audience_kind") or "all"
    audience = {"audience_kind": kind,
                "audience_levels": list(values.get("audience_levels") or []) if kind == "filter"
                else [],
                "audience_ownerships": list(values.get("audience_ownerships") or [])
                if kind == "filter" else [],
                "audience_school_ids": [int(i) for i in values.get("audience_school_ids") or []
                                        if str(i).isdigit()] if kind == "list" else []}
    school_ids = []
    if "criteria_code" not in errors:
        school_ids = [s.id for s in round_schools(code, audience).select(School.id)]
        if not school_ids:
            errors["audience_kind"] = _("Đợt rà soát chưa có trường nào: hãy chọn các trường "
                                        "(bộ tiêu chí chỉ dành cho một số cấp học).")
    directive = None
    if values.get("directive_id"):
        directive = Directive.get_or_none(Directive.id == values["directive_id"],
                                          Directive.status == "published")
        if directive is None:
            errors["directive_id"] = _("Chọn một văn bản đã ban hành.")
        elif directive.response_kind != REVIEW_ROUND_KIND:
            errors["directive_id"] = _(
                "Văn bản %(number)s không yêu cầu nộp bản tự rà soát: chỉ gắn đợt rà soát với "
                "văn bản có yêu cầu phản hồi “Nộp bản tự rà soát trường học an toàn”.",
                number=directive.number)
    if errors:
        raise ReviewError(errors)
    now = clock.utcnow()
    with database.atomic():
        criteria_set = criteria.install(code)
        review_round = ReviewRound.create(
            title=title, title_search=fold(title), criteria_set=criteria_set, deadline=deadline,
            directive=directive, created_by=actor, created_at=now, status="open",
            school_count=len(school_ids), not_started_count=len(school_ids),
            reminder_days=reminder_days, **audience)
        for start in range(0, len(school_ids), CHUNK):
            ReviewSubmission.insert_many([
                {"review_round": review_round.id, "school": sid, "state": NOT_STARTED,
                 "version": 1, "updated_at": now} for sid in school_ids[start:start + CHUNK]
            ]).execute()
        record("review.launch", target=review_round, actor=actor, details={
            "title": title, "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
            "deadline": deadline.isoformat(), "schools": len(school_ids),
            "directive": directive.number if directive else None,
            "reminder_days": reminder_days, **audience})
        notify(_principals(school_ids), "review.launched",
               N_("Phòng mở đợt rà soát “%(title)s”; hạn nộp %(deadline)s."),
               f"/reviews/{review_round.id}", title=title,
               deadline=deadline.strftime("%d/%m/%Y"))
    return review_round


# --- Evidence files ------------------------------------------------------------------------------


def checked_evidence(storages):
    """[(bytes, mime, name)] of the files chosen, each checked by its content (PDF, image, DOCX,
    XLSX) and against its name: a file whose content is not what its name says (a PNG named
    .pdf) is refused. ReviewError({"evidence": message}); nothing stored."""
    storages = [s for s in storages or () if s and s.filename]
    if len(storages) > MAX_FILES:
        raise ReviewError({"evidence": _("Tối đa %(n)d tệp mỗi lần.", n=MAX_FILES)})
    checked = []
    for storage in storages:
        try:
            data, mime = read_checked(storage, EVIDENCE_CONTENT)
        except UploadError as exc:
            raise ReviewError({"evidence": str(exc)}) from exc
        name = storage.filename
        stem, dot, extension = name.rpartition(".")
        extension = extension.lower() if dot and stem else ""
        if extension and extension not in NAME_EXTENSIONS.get(mime, ()):
            raise ReviewError({"evidence": _(
                "Tệp %(name)s có tên là tệp .%(ext)s nhưng nội dung là %(kind)s: hãy kiểm tra "
                "lại tệp (kiểm tra theo nội dung, không theo tên).",
                name=name, ext=extension, kind=KIND_NAMES.get(mime, mime))})
        checked.append((data, mime, name))
    return checked


def _store_evidence(actor, answer, checked, now):
    names = []
    for data, mime, name in checked:
        stored = store_bytes(data, name, mime, actor)
        ReviewEvidence.create(answer=answer.id, file=stored, added_by=actor, added_at=now)
        names.append(stored.original_name)
    return names


# --- A school's answers --------------------------------------------------------------------------


def _bump(submission, expected_version, now, **fields):
    """The conditional UPDATE every write of a school's review makes: Conflict if someone
    changed it since `expected_version`."""
    changed = (ReviewSubmission.update(version=ReviewSubmission.version + 1, updated_at=now,
                                       **fields)
               .where(ReviewSubmission.id == submission.id,
                      ReviewSubmission.version == expected_version).execute())
    if changed != 1:
        raise Conflict(ReviewSubmission.get_by_id(submission.id))
    submission.version = expected_version + 1
    submission.updated_at = now
    for name, value in fields.items():
        setattr(submission, name, value)


def save_answer(actor, submission, criterion, expected_version, data, checked_files=(),
                removed_evidence=()):
    """Save the school's answer to one criterion (a draft): `data` has verdict, comment,
    action_what, action_who, action_due (a date or None). Returns the fields changed ([] when
    nothing changed: nothing is written). Conflict when the review changed since
    `expected_version` (nothing written; what was typed stays with the caller)."""
    if submission.state not in EDITABLE_STATES:
        raise ReviewError({"state": _("Bản rà soát đã nộp; không sửa được nữa.")})
    if expected_version != submission.version:
        raise Conflict(ReviewSubmission.get_by_id(submission.id))
    verdict = data.get("verdict") or ""
    if verdict not in ("", *VERDICTS):
        raise ReviewError({"verdict": _("Chọn một mức đánh giá.")})
    values = {"verdict": verdict, "comment": clean(data.get("comment") or "")[:MAX_TEXT]}
    action_values = {"what": clean(data.get("action_what") or "")[:MAX_TEXT],
                     "who": clean(data.get("action_who") or "").strip()[:200],
                     "due_on": data.get("action_due")}
    now = clock.utcnow()
    with database.atomic():
        answer = ReviewAnswer.get_or_none(ReviewAnswer.submission == submission.id,
                                          ReviewAnswer.criterion == criterion.id)
        action = (ReviewAction.get_or_none(ReviewAction.answer == answer.id)
                  if answer is not None else None)
        changes = [name for name, value in values.items()
                   if (getattr(answer, name) if answer else "") != value]
        before_action = ({"what": action.what, "who": action.who, "due_on": action.due_on}
                         if action else {"what": "", "who": "", "due_on": None})
        changes += [f"action_{k}" for k, v in action_values.items() if before_action[k] != v]
        removable = []
        if answer is not None and removed_evidence:
            removable = list(ReviewEvidence.select(ReviewEvidence, StoredFile).join(StoredFile)
                             .where(ReviewEvidence.answer == answer.id,
                                    ReviewEvidence.active == True,  # noqa: E712
                                    ReviewEvidence.id.in_(list(removed_evidence))))
        if not changes and not checked_files and not removable:
            return []
        state = DRAFT if submission.state == NOT_STARTED else submission.state
        before = submission.state
        extra = {"state": state, "changed": True}
        if submission.started_at is None:
            extra["started_at"] = now
        _bump(submission, expected_version, now, **extra)
        tallies.move(submission.review_round_id, before, state)
        if answer is None:
            answer = ReviewAnswer.create(submission=submission.id, criterion=criterion.id,
                                         updated_at=now, updated_by=actor, **values)
        else:
            ReviewAnswer.update(updated_at=now, updated_by=actor, **values).where(
                ReviewAnswer.id == answer.id).execute()
        if any(c.startswith("action_") for c in changes):
            if action is None:
                ReviewAction.create(answer=answer.id, submission=submission.id, **action_values)
            else:
                ReviewAction.update(**action_values).where(ReviewAction.id == action.id).execute()
        details = {"criterion": criterion.code, "changes": changes}
        if removable:
            ReviewEvidence.update(active=False).where(
                ReviewEvidence.id.in_([e.id for e in removable])).execute()
            details["files_removed"] = [e.file.original_name for e in removable]
        added = _store_evidence(actor, answer, checked_files, now)
        if added:
            details["files_added"] = added
        _event(submission, actor, "saved", details=details, at=now)
        record("review.save", target=submission, actor=actor,
               details={"round": submission.review_round_id, **details})
    return changes + (["evidence"] if added or removable else [])


def _missing(submission):
    """{"c<criterion id>": message} of what stops the review from being submitted: a criterion
    not answered; one partly met or not met without its improvement action (what, who, by
    when)."""
    criteria_rows = list(Criterion.select().where(
        Criterion.criteria_set == submission.review_round.criteria_set_id)
        .order_by(Criterion.position))
    answers = {a.criterion_id: a for a in ReviewAnswer.select().where(
        ReviewAnswer.submission == submission.id)}
    actions = {a.answer_id: a for a in ReviewAction.select().where(
        ReviewAction.submission == submission.id)}
    missing = {}
    for c in criteria_rows:
        answer = answers.get(c.id)
        if answer is None or not answer.verdict:
            missing[f"c{c.id}"] = _("Tiêu chí %(code)s chưa được đánh giá.", code=c.code)
            continue
        if answer.verdict in NEEDS_ACTION:
            action = actions.get(answer.id)
            if not (action and action.what.strip() and action.who.strip() and action.due_on):
                missing[f"c{c.id}"] = _(
                    "Tiêu chí %(code)s chưa đạt hoặc đạt một phần: cần biện pháp khắc phục "
                    "(việc gì, ai làm, hạn hoàn thành).", code=c.code)
    return missing


def submit(actor, submission, expected_version):
    """The school sends its review to the office. Refused (ReviewError, nothing written): a
    criterion unanswered, a criterion partly met or not met without its improvement action, a
    returned review sent again without any change. The officers are told."""
    if submission.state not in EDITABLE_STATES:
        raise ReviewError({"submit": _("Bản rà soát đã nộp.")})
    if expected_version != submission.version:
        raise Conflict(ReviewSubmission.get_by_id(submission.id))
    if submission.state == RETURNED and not submission.changed:
        raise ReviewError({"submit": _(
            "Bản rà soát bị trả lại chưa có thay đổi nào: hãy bổ sung theo nhận xét của Phòng "
            "rồi mới nộp lại.")})
    missing = _missing(submission)
    if missing:
        raise ReviewError({"submit": _("Chưa nộp được: còn %(n)d tiêu chí cần hoàn thiện.",
                                       n=len(missing)), **missing})
    before = submission.state
    now = clock.utcnow()
    with database.atomic():
        _bump(submission, expected_version, now, state=SUBMITTED, changed=False,
              submitted_at=now, submitted_by=actor.id,
              submissions=ReviewSubmission.submissions + 1,
              started_at=submission.started_at or now)
        submission.submissions = (submission.submissions or 0) + 1
        tallies.move(submission.review_round_id, before, SUBMITTED)
        kind = "resubmitted" if before == RETURNED else "submitted"
        _event(submission, actor, kind, at=now)
        school = School.get_by_id(submission.school_id)
        review_round = ReviewRound.get_by_id(submission.review_round_id)
        if review_round.directive_id:  # the review is the school's response to the directive
            directives.review_step(review_round.directive_id, submission.school_id, actor,
                                   kind, now)
        record({"submitted": "review.submit", "resubmitted": "review.resubmit"}[kind],
               target=submission,
               actor=actor, details={"round": review_round.id, "school": school.code})
        notify(users_with_role(OFFICER), f"review.{kind}",
               N_("%(school)s đã nộp bản tự rà soát “%(title)s”.") if kind == "submitted" else
               N_("%(school)s đã nộp lại bản tự rà soát “%(title)s” sau khi bổ sung."),
               link(submission), school=school.name, title=review_round.title)


def decide(actor, submission, expected_version, decision, comments, note=""):
    """The office's decision on a submitted review: ACCEPT, or RETURN with a comment on each
    criterion to revise (`comments`: {criterion id: text}; at least one). The principal is
    told."""
    if submission.state != SUBMITTED:
        raise ReviewError({"decision": _("Chỉ xem xét được bản rà soát đã nộp.")})
    if expected_version != submission.version:
        raise Conflict(ReviewSubmission.get_by_id(submission.id))
    comments = {cid: clean(text).strip()[:MAX_TEXT] for cid, text in (comments or {}).items()
                if clean(text or "").strip()}
    note = clean(note or "").strip()[:MAX_TEXT]
    if decision not in (ACCEPT, RETURN):
        raise ReviewError({"decision": _("Chọn chấp nhận hoặc trả lại.")})
    if decision == RETURN and not comments:
        raise ReviewError({"decision": _(
            "Để trả lại, ghi nhận xét cho ít nhất một tiêu chí cần bổ sung.")})
    state = ACCEPTED if decision == ACCEPT else RETURNED
    now = clock.utcnow()
    with database.atomic():
        _bump(submission, expected_version, now, state=state, decided_at=now,
              decided_by=actor.id, changed=False)
        tallies.move(submission.review_round_id, SUBMITTED, state)
        codes = {}
        if decision == RETURN:
            ReviewAnswer.update(return_comment="").where(
                ReviewAnswer.submission == submission.id).execute()
            rows = {c.id: c.code for c in Criterion.select(Criterion.id, Criterion.code)
                    .where(Criterion.id.in_(list(comments)))}
            for cid, text in comments.items():
                if cid in rows:
                    ReviewAnswer.update(return_comment=text).where(
                        ReviewAnswer.submission == submission.id,
                        ReviewAnswer.criterion == cid).execute()
                    codes[rows[cid]] = text
        kind = "accepted" if decision == ACCEPT else "returned"
        _event(submission, actor, kind, note=note, details={"comments": codes} if codes else None,
               at=now)
        school = School.get_by_id(submission.school_id)
        review_round = ReviewRound.get_by_id(submission.review_round_id)
        if review_round.directive_id:
            directives.review_step(review_round.directive_id, submission.school_id, actor,
                                   kind, now, "; ".join(f"{c}: {t}" for c, t in codes.items())
                                   or note)
        record(f"review.{decision}", target=submission, actor=actor,
               details={"round": review_round.id, "school": school.code,
                        "criteria": sorted(codes), "note": note})
        notify(_principals([submission.school_id]), f"review.{kind}",
               N_("Phòng đã chấp nhận bản tự rà soát “%(title)s” của trường.")
               if decision == ACCEPT else
               N_("Phòng trả lại bản tự rà soát “%(title)s” để bổ sung %(n)s tiêu chí."),
               link(submission), title=review_round.title, n=len(codes))


def close_action(actor, submission, action, note, checked_files):
    """The school closes an improvement action of its accepted review, with the evidence that it
    was done (one file, checked by content). The officers are told."""
    if submission.state != ACCEPTED or action.closed_at is not None:
        raise ReviewError({"close": _("Biện pháp này không còn mở.")})
    if not checked_files:
        raise ReviewError({"evidence": _("Chọn tệp minh chứng đã hoàn thành.")})
    note = clean(note or "").strip()[:MAX_TEXT]
    now = clock.utcnow()
    with database.atomic():
        data, mime, name = checked_files[0]
        stored = store_bytes(data, name, mime, actor)
        closed = (ReviewAction.update(closed_at=now, closed_by=actor.id, closing_note=note,
                                      closing_file=stored.id)
                  .where(ReviewAction.id == action.id, ReviewAction.closed_at.is_null())
                  .execute())
        if closed != 1:
            raise ReviewError({"close": _("Biện pháp này vừa được đóng.")})
        criterion = (Criterion.select(Criterion.code).join(
            ReviewAnswer, on=(ReviewAnswer.criterion == Criterion.id))
            .where(ReviewAnswer.id == action.answer_id).get())
        _event(submission, actor, "action_closed", note=note,
               details={"criterion": criterion.code, "file": stored.original_name}, at=now)
        school = School.get_by_id(submission.school_id)
        review_round = ReviewRound.get_by_id(submission.review_round_id)
        record("review.action_close", target=submission, actor=actor,
               details={"round": review_round.id, "school": school.code,
                        "criterion": criterion.code, "file": stored.original_name})
        notify(users_with_role(OFFICER), "review.action_closed",
               N_("%(school)s đã hoàn thành biện pháp khắc phục tiêu chí %(code)s (“%(title)s”)."),
               link(submission), school=school.name, code=criterion.code,
               title=review_round.title)
    action.closed_at = now


# --- Exports and downloads (audited) -------------------------------------------------------------


def export_matrix(actor, review_round, criteria_rows, rows, filters):
    data, count = matrix_xlsx(review_round, criteria_rows, rows)
    with database.atomic():
        record("review.export", target=review_round, actor=actor,
               details={"format": "xlsx", "rows": count,
                        "filters": {k: v for k, v in filters.items() if v}})
    return data


def record_download(actor, submission, stored, what):
    with database.atomic():
        record("review.file_download", target=submission, actor=actor,
               details={"file": stored.id, "what": what})


# --- Reminders -----------------------------------------------------------------------------------


def remind(actor, review_round, step=None, now=None):
    """Remind the principals of every school that still has to act (not started, draft,
    returned); returns how many schools. Each school's count of reminders and the round's last
    reminder move with it. An automatic reminder (reviews/reminders.py: `actor` None, the
    schedule's `step` and the job's `now`) is audited with its step, and with no school left
    reminds none (0) instead of being refused."""
    now = now or clock.utcnow()
    with database.atomic():
        waiting = (ReviewSubmission.select(ReviewSubmission.school)
                   .where(ReviewSubmission.review_round == review_round.id,
                          ReviewSubmission.state.in_(EDITABLE_STATES)))
        school_ids = [s.school_id for s in waiting]
        if not school_ids and step is not None:
            return 0
        if not school_ids:
            raise ReviewError({"remind": _("Mọi trường đã nộp: không có trường nào cần nhắc.")})
        ReviewSubmission.update(reminders_count=ReviewSubmission.reminders_count + 1,
                                last_reminded_at=now).where(
            ReviewSubmission.review_round == review_round.id,
            ReviewSubmission.state.in_(EDITABLE_STATES)).execute()
        ReviewRound.update(reminders_count=ReviewRound.reminders_count + 1,
                           last_reminded_at=now).where(
            ReviewRound.id == review_round.id).execute()
        record("review.remind", target=review_round, actor=actor,
               details={"schools": len(school_ids),
                        **({"step": step} if step is not None else {})})
        notify(_principals(school_ids), "review.reminder",
               N_("Nhắc: trường chưa nộp bản tự rà soát “%(title)s”; hạn nộp %(deadline)s."),
               f"/reviews/{review_round.id}", title=review_round.title,
               deadline=review_round.deadline.strftime("%d/%m/%Y"))
    review_round.last_reminded_at = now
    return len(school_ids)


# --- The office's own criteria sets --------------------------------------------------------------


def copy_set(actor, code):
    """The office's own copy of the bundled set `code` (code "<code>-phong", version 1, marked
    as the office's drafting and derived from the bundled set), which it may then edit."""
    data = criteria.bundled().get(code)
    if data is None:
        raise ReviewError({"code": _("Không có bộ tiêu chí này.")})
    new_code = criteria.own_code(code)
    with database.atomic():
        if criteria.newest(new_code) is not None:
            raise ReviewError({"code": _("Phòng đã có bản riêng của bộ tiêu chí này.")})
        source = criteria.install(code)
        copy = CriteriaSet.create(
            code=new_code, version=1, name=data["name"], legal_basis=data["legal_basis"],
            # Data, in the language of the criteria (Vietnamese), not of the reader.
            description=(f"Bản của Phòng, sửa từ bộ “{data['name']}” ({data['legal_basis']}). "
                         f"{data.get('description', '')}"),
            levels=list(data.get("levels") or []), own_drafting=True, derived_from=source)
        _copy_criteria(source, copy, {})
        record("review.criteria_copy", target=copy, actor=actor,
               details={"from": f"{source.code} v{source.version}", "code": new_code})
    return copy


CRITERION_FIELDS = ("text", "legal_basis", "evidence")


def _copy_criteria(source, target, changes):
    rows = []
    for c in Criterion.select().where(Criterion.criteria_set == source.id).order_by(
            Criterion.position):
        values = {name: getattr(c, name) for name in CRITERION_FIELDS}
        values.update(changes.get(c.code, {}))
        rows.append({"criteria_set": target.id, "group_code": c.group_code,
                     "group_title": c.group_title, "code": c.code,
                     "position": c.position, **values})
    if rows:
        Criterion.insert_many(rows).execute()


def edit_set(actor, criteria_set, expected_version, values, criterion_values):
    """Change the office's own set: `values` {name, description}, `criterion_values`
    {criterion code: {text, legal_basis, evidence}}. A set no round uses yet is changed in
    place; one a round uses gets a new version (the rounds keep theirs). Returns the set now in
    force, or None when nothing changed."""
    if criteria_set.code in criteria.bundled() or not criteria_set.own_drafting:
        raise ReviewError({"name": _("Chỉ sửa được bản của Phòng.")})
    if expected_version != criteria_set.version:
        raise ReviewError({"name": _("Bộ tiêu chí vừa được sửa ở nơi khác; hãy mở lại trang.")})
    name = clean(values.get("name") or "").strip()[:300]
    if not name:
        raise ReviewError({"name": _("Nhập tên bộ tiêu chí.")})
    description = clean(values.get("description") or "").strip()[:MAX_TEXT]
    current = {c.code: c for c in Criterion.select().where(
        Criterion.criteria_set == criteria_set.id)}
    changes = {}
    for code, fields in criterion_values.items():
        c = current.get(code)
        if c is None:
            continue
        cleaned = {k: clean(fields.get(k) or "").strip()[:MAX_TEXT] for k in CRITERION_FIELDS}
        if not cleaned["text"]:
            raise ReviewError({f"text-{c.id}": _("Tiêu chí %(code)s cần có nội dung.",
                                                 code=code)})
        diff = {k: v for k, v in cleaned.items() if getattr(c, k) != v}
        if diff:
            changes[code] = diff
    set_changes = {k: v for k, v in (("name", name), ("description", description))
                   if getattr(criteria_set, k) != v}
    if not changes and not set_changes:
        return None
    with database.atomic():
        used = ReviewRound.select().where(ReviewRound.criteria_set == criteria_set.id).exists()
        if used:
            CriteriaSet.update(active=False).where(CriteriaSet.id == criteria_set.id).execute()
            target = CriteriaSet.create(
                code=criteria_set.code, version=criteria_set.version + 1, name=name,
                legal_basis=criteria_set.legal_basis, description=description,
                levels=criteria_set.levels, own_drafting=True,
                derived_from=criteria_set.derived_from_id)
            _copy_criteria(criteria_set, target, changes)
        else:
            CriteriaSet.update(name=name, description=description).where(
                CriteriaSet.id == criteria_set.id).execute()
            for code, diff in changes.items():
                Criterion.update(**diff).where(Criterion.id == current[code].id).execute()
            target = CriteriaSet.get_by_id(criteria_set.id)
        record("review.criteria_edit", target=target, actor=actor, details={
            "code": criteria_set.code, "version": target.version, "new_version": used,
            "set": sorted(set_changes), "criteria": {k: sorted(v) for k, v in changes.items()}})
    return target
