"""Directives: write, publish, revise, withdraw, read, acknowledge, remind, track and export.

Every write runs in one transaction with its audit entry. The state of a recipient is derived in
SQL (`state_expr()`), so lists can count, filter and sort by it with a fixed number of queries.
"""

import datetime as dt

import markdown as md
import nh3
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from peewee import JOIN, Case, fn

from .. import exports, files
from ..access import directives_visible_to, recipients_visible_to
from ..admin.services import LEVEL_LABELS, OWNERSHIP_LABELS
from ..audit import record
from ..db import database
from ..i18n import N_
from ..models import (
    SCHOOL_ROLES,
    Acknowledgement,
    Directive,
    DirectiveAttachment,
    DirectiveRevision,
    Recipient,
    School,
    StoredFile,
    User,
    utcnow,
)
from ..notifications.operations import notify
from ..text import clean, fold

ATTACHMENT_KINDS = ["pdf", "docx", "xlsx"]
REPORT_KINDS = ["pdf", "docx", "xlsx"]
LOCAL_OFFSET = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving time

STATES = ("acknowledged", "acknowledged_late", "read", "unread", "overdue")
STATE_LABELS = {
    "acknowledged": _l("Đã xác nhận"),
    "acknowledged_late": _l("Xác nhận trễ hạn"),
    "read": _l("Đã đọc, chưa xác nhận"),
    "unread": _l("Chưa đọc"),
    "overdue": _l("Quá hạn"),
}
STATE_CLASSES = {
    "acknowledged": "state-ok",
    "acknowledged_late": "state-warn",
    "read": "state-muted",
    "unread": "state-muted",
    "overdue": "state-bad",
}
RESPONSE_LABELS = {
    "ack": _l("Chỉ xác nhận đã nhận"),
    "roster": _l("Xác nhận và có danh sách tổ tư vấn hợp lệ"),
    "report": _l("Xác nhận và nộp văn bản báo cáo"),
}
STATUS_LABELS = {
    "draft": _l("Bản nháp"),
    "published": _l("Đã ban hành"),
    "withdrawn": _l("Đã thu hồi"),
}
AUDIENCE_LABELS = {
    "all": _l("Tất cả các trường"),
    "filter": _l("Lọc theo cấp học và loại hình"),
    "list": _l("Chọn từng trường"),
}
EDITABLE = ("number", "title", "body", "signer", "issued_on", "deadline", "response_kind")


class DirectiveError(ValueError):
    """A refused action, with a translated message (and the form field it concerns)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class DirectiveConflict(DirectiveError):
    """Someone saved the directive after this form was opened: nothing was written."""


def _save_if_unchanged(directive, expected_version, values):
    """Write `values` only if the directive is still at `expected_version` (optimistic
    locking); bumps the version. Raises DirectiveConflict otherwise."""
    if expected_version is None:
        expected_version = directive.version
    updated = (Directive.update(updated_at=utcnow(), version=Directive.version + 1, **values)
               .where(Directive.id == directive.id, Directive.version == int(expected_version))
               .execute())
    if not updated:
        raise DirectiveConflict(_(
            "Văn bản này vừa được người khác lưu sau khi bạn mở biểu mẫu nên thay đổi của bạn "
            "chưa được lưu. Nội dung bạn nhập vẫn còn dưới đây; hãy mở văn bản ở thẻ khác để "
            "xem bản mới, rồi bấm Lưu lần nữa nếu vẫn muốn lưu nội dung này lên bản mới."))
    fresh = Directive.get_by_id(directive.id)
    directive.__data__.update(fresh.__data__)


def local_today():
    return (utcnow() + LOCAL_OFFSET).date()


def is_late(deadline, at=None):
    return ((at or utcnow()) + LOCAL_OFFSET).date() > deadline


# --- Markdown -----------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "h5", "blockquote",
    "code", "pre", "hr", "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text):
    """Markdown rendered by the server and sanitised with nh3: safe to show as HTML."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto", "tel"}))


# --- State, derived in SQL ----------------------------------------------------------------


def state_expr(today=None):
    """The derived state of a recipient (needs Directive joined)."""
    today = today or local_today()
    return Case(None, [
        ((Recipient.acknowledged_at.is_null(False)) & (Recipient.ack_late == True),  # noqa: E712
         "acknowledged_late"),
        (Recipient.acknowledged_at.is_null(False), "acknowledged"),
        ((Directive.status == "published") & (Directive.deadline < today), "overdue"),
        (Recipient.first_read_at.is_null(False), "read"),
    ], "unread")


def _count_if(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


# --- Audience -----------------------------------------------------------------------------


def audience_query(kind, levels=(), ownerships=(), school_ids=()):
    """The active schools an audience designates, in Vietnamese order."""
    query = School.select().where(School.active == True)  # noqa: E712
    if kind == "filter":
        if levels:
            query = query.where(School.level.in_(list(levels)))
        if ownerships:
            query = query.where(School.ownership.in_(list(ownerships)))
    elif kind == "list":
        ids = [int(i) for i in school_ids or () if str(i).isdigit()]
        query = query.where(School.id.in_(ids or [0]))
    return query.order_by(School.name_key)


def directive_audience(directive):
    return audience_query(directive.audience_kind, directive.audience_levels or (),
                          directive.audience_ownerships or (), directive.audience_school_ids or ())


def audience_description(directive):
    if directive.audience_kind == "filter":
        levels = ", ".join(str(LEVEL_LABELS[x]) for x in directive.audience_levels or ())
        owners = ", ".join(str(OWNERSHIP_LABELS[x]) for x in directive.audience_ownerships or ())
        return _("Cấp học: %(levels)s; loại hình: %(owners)s",
                 levels=levels or _("mọi cấp"), owners=owners or _("mọi loại hình"))
    return str(AUDIENCE_LABELS[directive.audience_kind])


# --- Writing ------------------------------------------------------------------------------


def _values(data):
    values = {
        "number": clean(data["number"]),
        "title": clean(data["title"]),
        "body": (data.get("body") or "").replace("\r\n", "\n").strip(),
        "signer": clean(data.get("signer") or ""),
        "issued_on": data["issued_on"],
        "deadline": data["deadline"],
        "response_kind": data.get("response_kind") or "ack",
    }
    values["title_search"] = fold(values["title"])
    if values["deadline"] < values["issued_on"]:
        raise DirectiveError(_("Hạn xác nhận không được trước ngày ban hành."), "deadline")
    return values


def _audience(data):
    kind = data.get("audience_kind") or "all"
    return {
        "audience_kind": kind,
        "audience_levels": list(data.get("audience_levels") or []) if kind == "filter" else [],
        "audience_ownerships": (list(data.get("audience_ownerships") or [])
                                if kind == "filter" else []),
        "audience_school_ids": ([int(i) for i in data.get("audience_school_ids") or []]
                                if kind == "list" else []),
    }


def _number_taken(number, exclude_id=None):
    """Case-insensitive for Vietnamese letters too (SQLite's LOWER only folds ASCII): the few
    numbers of the same length are compared in Python."""
    query = Directive.select(Directive.id, Directive.number).where(
        fn.LENGTH(Directive.number) == len(number))
    if exclude_id:
        query = query.where(Directive.id != exclude_id)
    return any(d.number.casefold() == number.casefold() for d in query)


def _attach(directive, uploads, user):
    for upload in uploads or []:
        if upload and getattr(upload, "filename", ""):
            stored = files.store(upload, ATTACHMENT_KINDS, user)
            DirectiveAttachment.create(directive=directive, file=stored)


def create_draft(user, data, uploads=()):
    values = {**_values(data), **_audience(data)}
    if _number_taken(values["number"]):
        raise DirectiveError(_("Số hiệu %(n)s đã có.", n=values["number"]), "number")
    try:
        with database.atomic():
            directive = Directive.create(created_by=user, status="draft", **values)
            _attach(directive, uploads, user)
            record("directive.create", target=directive, details={"number": directive.number})
    except files.UploadError as exc:
        raise DirectiveError(str(exc), "attachments") from exc
    return directive


def update_draft(user, directive, data, uploads=(), expected_version=None):
    if directive.status != "draft":
        raise DirectiveError(_("Văn bản đã ban hành: hãy dùng chức năng sửa đổi."))
    values = {**_values(data), **_audience(data)}
    if _number_taken(values["number"], directive.id):
        raise DirectiveError(_("Số hiệu %(n)s đã có.", n=values["number"]), "number")
    try:
        with database.atomic():
            _save_if_unchanged(directive, expected_version, values)
            _attach(directive, uploads, user)
            record("directive.update", target=directive)
    except files.UploadError as exc:
        raise DirectiveError(str(exc), "attachments") from exc
    return directive


def school_user_ids(school_ids):
    if not school_ids:
        return []
    query = User.select(User.id).where(User.school.in_(list(school_ids)),
                                       User.role.in_(SCHOOL_ROLES),
                                       User.active == True)  # noqa: E712
    return [u.id for u in query]


def publish(user, directive):
    """Freeze the audience into one recipient per school and tell every school user."""
    if directive.status != "draft":
        raise DirectiveError(_("Chỉ bản nháp mới ban hành được."))
    school_ids = [s.id for s in directive_audience(directive).select(School.id)]
    if not school_ids:
        raise DirectiveError(_("Không có trường nào nhận văn bản này: hãy chọn đối tượng nhận."))
    with database.atomic():
        updated = (Directive.update(status="published", published_at=utcnow(),
                                    updated_at=utcnow(), version=Directive.version + 1)
                   .where(Directive.id == directive.id, Directive.status == "draft").execute())
        if not updated:
            raise DirectiveError(_("Văn bản đã được ban hành."))
        rows = [{"directive": directive.id, "school": sid} for sid in school_ids]
        for start in range(0, len(rows), 500):
            Recipient.insert_many(rows[start:start + 500]).execute()
        link = f"/directives/{directive.id}"
        notify(school_user_ids(school_ids), "directive.published",
               N_("Văn bản chỉ đạo mới %(number)s: %(title)s"), link,
               number=directive.number, title=directive.title[:200])
        record("directive.publish", target=directive,
               details={"schools": len(school_ids), "number": directive.number})
    return Directive.get_by_id(directive.id)


def revise(user, directive, data, summary, requires_reack, uploads=(), expected_version=None):
    """Change a published directive: the change is recorded; if asked, every school
    acknowledges again (earlier acknowledgements stay in the history)."""
    if directive.status != "published":
        raise DirectiveError(_("Chỉ văn bản đang ban hành mới sửa đổi được."))
    summary = (summary or "").strip()
    if not summary:
        raise DirectiveError(_("Hãy ghi rõ nội dung sửa đổi."), "summary")
    values = _values(data)
    if _number_taken(values["number"], directive.id):
        raise DirectiveError(_("Số hiệu %(n)s đã có.", n=values["number"]), "number")
    previous = {}
    for name in EDITABLE:
        old = getattr(directive, name)
        if old != values[name]:
            previous[name] = old.isoformat() if isinstance(old, dt.date) else old
    try:
        with database.atomic():
            _save_if_unchanged(directive, expected_version,
                               {**values, "revision": Directive.revision + 1})
            revision = directive.revision
            DirectiveRevision.create(directive=directive, revision=revision, changed_by=user,
                                     summary=summary, requires_reack=bool(requires_reack),
                                     previous=previous)
            _attach(directive, uploads, user)
            if requires_reack:
                (Recipient.update(acknowledged_at=None, acknowledged_by=None, ack_note="",
                                  ack_revision=None, ack_late=False, roster=None,
                                  response_file=None)
                 .where(Recipient.directive == directive.id).execute())
            school_ids = [r.school_id for r in
                          Recipient.select(Recipient.school).where(
                              Recipient.directive == directive.id)]
            message = (N_("Văn bản %(number)s đã được sửa đổi: nhà trường cần xác nhận lại.")
                       if requires_reack else N_("Văn bản %(number)s đã được sửa đổi."))
            notify(school_user_ids(school_ids), "directive.revised", message,
                   f"/directives/{directive.id}", number=directive.number)
            record("directive.revise", target=directive,
                   details={"revision": revision, "requires_reack": bool(requires_reack),
                            "changed": sorted(previous)})
    except files.UploadError as exc:
        raise DirectiveError(str(exc), "attachments") from exc
    return directive


def withdraw(user, directive):
    if directive.status != "published":
        raise DirectiveError(_("Chỉ văn bản đang ban hành mới thu hồi được."))
    with database.atomic():
        Directive.update(status="withdrawn", withdrawn_at=utcnow(), updated_at=utcnow(),
                         version=Directive.version + 1).where(
            Directive.id == directive.id).execute()
        record("directive.withdraw", target=directive)
    return Directive.get_by_id(directive.id)


def remove_attachment(user, directive, attachment_id):
    """Only a draft loses an attachment: what schools received stays as they received it."""
    if directive.status != "draft":
        raise DirectiveError(_("Chỉ gỡ được tệp đính kèm của bản nháp."))
    with database.atomic():
        updated = (DirectiveAttachment.update(active=False)
                   .where(DirectiveAttachment.id == attachment_id,
                          DirectiveAttachment.directive == directive.id).execute())
        if updated:
            record("directive.attachment_removed", target=directive,
                   details={"attachment": attachment_id})
    return updated


# --- Schools: read and acknowledge ----------------------------------------------------------


def recipient_for(directive, school_id):
    return (Recipient.select()
            .where(Recipient.directive == directive.id, Recipient.school == school_id).first())


def mark_read(user, directive):
    """The first opening by anyone of the school is recorded (when, who); later ones are not."""
    if not user.is_school_user:
        return False
    with database.atomic():
        updated = (Recipient.update(first_read_at=utcnow(), first_read_by=user.id)
                   .where(Recipient.directive == directive.id,
                          Recipient.school == user.school_id,
                          Recipient.first_read_at.is_null()).execute())
        if updated:
            record("directive.read", target=directive)
    return bool(updated)


def ack_blocker(user, directive, recipient):
    """Why this user cannot acknowledge now (a translated message), or None."""
    from ..rosters.services import valid_roster_on_file

    if user.role != "principal":
        return _("Chỉ hiệu trưởng (phó hiệu trưởng) mới xác nhận văn bản cho nhà trường.")
    if recipient is None:
        return _("Văn bản này không gửi đến trường của bạn.")
    if directive.status != "published":
        return _("Văn bản đã bị thu hồi, không cần xác nhận.")
    if recipient.acknowledged_at is not None:
        return _("Nhà trường đã xác nhận văn bản này.")
    if directive.response_kind == "roster" and valid_roster_on_file(user.school_id) is None:
        return _("Văn bản này yêu cầu nhà trường có danh sách tổ tư vấn tâm lý hợp lệ. "
                 "Hãy cập nhật danh sách tổ tư vấn trước khi xác nhận.")
    return None


class AlreadyAcknowledged(DirectiveError):
    pass


def acknowledge(user, directive, note="", upload=None):
    """The principal acknowledges for the school. Exactly one acknowledgement is recorded even
    when two requests arrive together: the conditional UPDATE decides who wins."""
    from ..rosters.services import valid_roster_on_file

    recipient = recipient_for(directive, user.school_id) if user.school_id else None
    blocker = ack_blocker(user, directive, recipient)
    if blocker:
        if recipient is not None and recipient.acknowledged_at is not None:
            raise AlreadyAcknowledged(blocker)
        raise DirectiveError(blocker)
    roster = None
    if directive.response_kind == "roster":
        roster = valid_roster_on_file(user.school_id)
    if directive.response_kind == "report":
        if not upload or not getattr(upload, "filename", ""):
            raise DirectiveError(
                _("Văn bản này yêu cầu nộp kèm văn bản báo cáo (PDF, DOCX, XLSX)."), "report")
        try:
            files.read_checked(upload, REPORT_KINDS)
        except files.UploadError as exc:
            raise DirectiveError(str(exc), "report") from exc
        upload.stream.seek(0)
    note = (note or "").strip()[:2000]
    now = utcnow()
    late = is_late(directive.deadline, now)
    with database.atomic():
        # The first statement of the transaction is the write: under SQLite it waits for the
        # lock instead of failing on a stale snapshot; under PostgreSQL the row lock serialises.
        won = (Recipient.update(acknowledged_at=now, acknowledged_by=user.id, ack_note=note,
                                ack_revision=directive.revision, ack_late=late,
                                roster=roster.id if roster else None)
               .where(Recipient.id == recipient.id, Recipient.acknowledged_at.is_null())
               .execute())
        if not won:
            raise AlreadyAcknowledged(_("Nhà trường đã xác nhận văn bản này."))
        stored = None
        if upload is not None and directive.response_kind == "report":
            stored = files.store(upload, REPORT_KINDS, user)
            Recipient.update(response_file=stored.id).where(Recipient.id == recipient.id).execute()
        Acknowledgement.create(recipient=recipient.id, revision=directive.revision, at=now,
                               by=user.id, note=note, late=late, roster=roster,
                               response_file=stored)
        if recipient.first_read_at is None:
            Recipient.update(first_read_at=now, first_read_by=user.id).where(
                Recipient.id == recipient.id, Recipient.first_read_at.is_null()).execute()
        record("directive.acknowledge", target=directive,
               details={"school": user.school_id, "late": late, "revision": directive.revision})
    return Recipient.get_by_id(recipient.id)


def history(recipient):
    return (Acknowledgement.select(Acknowledgement, User)
            .join(User, on=(Acknowledgement.by == User.id))
            .where(Acknowledgement.recipient == recipient.id)
            .order_by(Acknowledgement.at.desc()))


# --- Reminders ---------------------------------------------------------------------------


def remind(user, directive, school_ids=None, overdue_only=False):
    """Remind the principals of the given schools (or of every overdue school). Returns the
    number of schools reminded."""
    if directive.status != "published":
        raise DirectiveError(_("Chỉ nhắc được văn bản đang ban hành."))
    query = (Recipient.select(Recipient.id, Recipient.school)
             .join(Directive, on=(Recipient.directive == Directive.id))
             .where(Recipient.directive == directive.id, Recipient.acknowledged_at.is_null()))
    if overdue_only:
        query = query.where(state_expr() == "overdue")
    if school_ids is not None:
        query = query.where(Recipient.school.in_(list(school_ids) or [0]))
    rows = list(query)
    if not rows:
        return 0
    with database.atomic():
        (Recipient.update(reminders_count=Recipient.reminders_count + 1,
                          last_reminded_at=utcnow())
         .where(Recipient.id.in_([r.id for r in rows])).execute())
        principals = (User.select(User.id)
                      .where(User.school.in_([r.school_id for r in rows]),
                             User.role == "principal", User.active == True))  # noqa: E712
        notify([u.id for u in principals], "directive.reminder",
               N_("Nhắc việc: nhà trường chưa xác nhận văn bản %(number)s (hạn %(deadline)s)."),
               f"/directives/{directive.id}", number=directive.number,
               deadline=directive.deadline.strftime("%d/%m/%Y"))
        record("directive.remind", target=directive,
               details={"schools": len(rows), "overdue_only": overdue_only})
    return len(rows)


# --- Lists ---------------------------------------------------------------------------------


def officer_list(user, q="", status="", overdue_only=False):
    """Every directive with its counts, in one query (GROUP BY)."""
    today = local_today()
    acked = Recipient.acknowledged_at.is_null(False)
    query = (directives_visible_to(user)
             .select(Directive,
                     fn.COUNT(Recipient.id).alias("n_total"),
                     _count_if(acked).alias("n_acked"),
                     _count_if(acked & (Recipient.ack_late == True)).alias("n_late"),  # noqa: E712
                     _count_if(Recipient.acknowledged_at.is_null()
                               & (Directive.status == "published")
                               & (Directive.deadline < today)).alias("n_overdue"))
             .join(Recipient, JOIN.LEFT_OUTER, on=(Recipient.directive == Directive.id))
             .group_by(Directive.id))
    if q:
        folded = fold(q)
        query = query.where(Directive.title_search.contains(folded)
                            | Directive.number.contains(clean(q)))
    if status in STATUS_LABELS:
        query = query.where(Directive.status == status)
    if overdue_only:
        query = query.where((Directive.status == "published") & (Directive.deadline < today))
    return query.order_by(Directive.issued_on.desc(), Directive.id.desc())


def school_inbox(user, q="", state=""):
    """The directives sent to the user's school with the school's state, in one query."""
    state_col = state_expr()
    query = (directives_visible_to(user)
             .select(Directive, Recipient.first_read_at, Recipient.acknowledged_at,
                     state_col.alias("state"))
             .join(Recipient, on=((Recipient.directive == Directive.id)
                                  & (Recipient.school == user.school_id))))
    if q:
        query = query.where(Directive.title_search.contains(fold(q))
                            | Directive.number.contains(clean(q)))
    if state == "new":
        query = query.where(state_col == "unread")
    elif state == "pending":
        query = query.where(Recipient.acknowledged_at.is_null()
                            & (Directive.status == "published"))
    elif state in STATES:
        query = query.where(state_col == state)
    return query.order_by(Directive.published_at.desc(), Directive.id.desc())


def pending_count(user):
    """The header badge: for a principal, directives the school has still to acknowledge; for
    staff, directives nobody of the school has opened yet. One query."""
    if not user.is_authenticated or not user.is_school_user or not user.school_id:
        return 0
    query = (Recipient.select()
             .join(Directive, on=(Recipient.directive == Directive.id))
             .where(Recipient.school == user.school_id, Directive.status == "published"))
    if user.role == "principal":
        query = query.where(Recipient.acknowledged_at.is_null())
    else:
        query = query.where(Recipient.first_read_at.is_null())
    return query.count()


# --- Tracking ------------------------------------------------------------------------------

def state_rank():
    """The states in order of urgency, for sorting: overdue first, acknowledged last."""
    return Case(state_expr(), [("overdue", 0), ("unread", 1), ("read", 2),
                               ("acknowledged_late", 3)], 4)


SORTS = {
    "school": lambda: School.name_key,
    "level": lambda: School.level,
    "ownership": lambda: School.ownership,
    "commune": lambda: School.commune,
    "state": state_rank,
    "read": lambda: Recipient.first_read_at,
    "acknowledged": lambda: Recipient.acknowledged_at,
    "reminders": lambda: Recipient.reminders_count,
}


def state_counts(user, directive):
    """{state: count} and the total, in one query (conditional counts)."""
    state_col = state_expr()
    row = (recipients_visible_to(user)
           .select(fn.COUNT(Recipient.id).alias("total"),
                   *[_count_if(state_col == s).alias(s) for s in STATES])
           .join(Directive, on=(Recipient.directive == Directive.id))
           .where(Recipient.directive == directive.id)
           .dicts().get())
    counts = {s: int(row[s] or 0) for s in STATES}
    counts["total"] = int(row["total"] or 0)
    done = counts["acknowledged"] + counts["acknowledged_late"]
    counts["done"] = done
    counts["rate"] = round(100 * done / counts["total"]) if counts["total"] else 0
    counts["pct"] = {s: (100 * counts[s] / counts["total"] if counts["total"] else 0)
                     for s in STATES}
    return counts


def tracking_rows(user, directive, filters):
    """The schools of one directive with their state, who read and acknowledged; one query."""
    reader = User.alias("reader")
    acker = User.alias("acker")
    state_col = state_expr()
    query = (recipients_visible_to(user)
             .select(Recipient, School, reader.full_name, acker.full_name,
                     StoredFile.original_name, state_col.alias("state"))
             .join(Directive, on=(Recipient.directive == Directive.id))
             .switch(Recipient).join(School, on=(Recipient.school == School.id))
             .switch(Recipient).join(reader, JOIN.LEFT_OUTER, attr="reader",
                                     on=(Recipient.first_read_by == reader.id))
             .switch(Recipient).join(acker, JOIN.LEFT_OUTER, attr="acker",
                                     on=(Recipient.acknowledged_by == acker.id))
             .switch(Recipient).join(StoredFile, JOIN.LEFT_OUTER, attr="rfile",
                                     on=(Recipient.response_file == StoredFile.id))
             .where(Recipient.directive == directive.id))
    if filters.get("state") in STATES:
        query = query.where(state_col == filters["state"])
    if filters.get("level"):
        query = query.where(School.level == filters["level"])
    if filters.get("ownership"):
        query = query.where(School.ownership == filters["ownership"])
    if filters.get("commune"):
        query = query.where(School.commune == filters["commune"])
    if filters.get("q"):
        query = query.where(School.name_search.contains(fold(filters["q"])))
    sort = filters.get("sort") if filters.get("sort") in SORTS else "school"
    column = SORTS[sort]()
    order = column.desc() if filters.get("dir") == "desc" else column.asc()
    return query.order_by(order, School.name_key, Recipient.id)


def communes(directive):
    return [r.commune for r in
            School.select(School.commune).join(Recipient, on=(Recipient.school == School.id))
            .where(Recipient.directive == directive.id, School.commune != "")
            .distinct().order_by(School.commune)]


# --- Exports -------------------------------------------------------------------------------


def _export_columns():
    return [_("Mã trường"), _("Tên trường"), _("Cấp học"), _("Loại hình"), _("Xã/phường"),
            _("Trạng thái"), _("Mở đọc lần đầu"), _("Người đọc"), _("Thời điểm xác nhận"),
            _("Người xác nhận"), _("Ghi chú"), _("Phản hồi"), _("Số lần nhắc"),
            _("Nhắc lần cuối")]


def _local(value):
    return value + LOCAL_OFFSET if value else None


def _name(row, attr):
    person = getattr(row, attr, None)
    return (person.full_name or "") if person is not None else ""


def _response(r):
    """What the school sent with its acknowledgement: the roster on file, or a file's name."""
    if r.roster_id:
        return _("Danh sách tổ tư vấn (phiên bản #%(id)s)", id=r.roster_id)
    rfile = getattr(r, "rfile", None)
    return rfile.original_name if rfile is not None and r.response_file_id else ""


def _export_row(r):
    return [r.school.code, r.school.name, str(LEVEL_LABELS.get(r.school.level, "")),
            str(OWNERSHIP_LABELS.get(r.school.ownership, "")), r.school.commune,
            str(STATE_LABELS[r.state]), _local(r.first_read_at), _name(r, "reader"),
            _local(r.acknowledged_at), _name(r, "acker"), r.ack_note, _response(r),
            r.reminders_count, _local(r.last_reminded_at)]


def export_csv(user, directive, filters):
    rows = list(tracking_rows(user, directive, filters))
    data = exports.csv_bytes(_export_columns(), (_export_row(r) for r in rows))
    with database.atomic():
        record("directive.export", target=directive, details={"format": "csv",
                                                              "rows": len(rows)})
    return data


def export_xlsx(user, directive, filters):
    rows = list(tracking_rows(user, directive, filters))
    data = exports.xlsx_bytes(
        _("Theo dõi xác nhận"), _export_columns(), (_export_row(r) for r in rows),
        widths=(14, 36, 16, 12, 18, 22, 17, 24, 17, 24, 30, 28, 10, 17), freeze="C2")
    with database.atomic():
        record("directive.export", target=directive, details={"format": "xlsx",
                                                              "rows": len(rows)})
    return data


# --- Home cards ------------------------------------------------------------------------------


def officer_summary(user):
    today = local_today()
    row = (directives_visible_to(user).select(
        _count_if(Directive.status == "published").alias("published"),
        _count_if(Directive.status == "draft").alias("drafts"),
        _count_if((Directive.status == "published") & (Directive.deadline < today))
        .alias("past_deadline")).dicts().get())
    pending = (Recipient.select().join(Directive, on=(Recipient.directive == Directive.id))
               .where(Directive.status == "published", Recipient.acknowledged_at.is_null(),
                      Directive.deadline < today).count())
    return {"published": int(row["published"] or 0), "drafts": int(row["drafts"] or 0),
            "past_deadline": int(row["past_deadline"] or 0), "overdue_schools": pending}


def observer_rates():
    """Acknowledgement rates per published directive and per school level (two queries)."""
    acked = Recipient.acknowledged_at.is_null(False)
    per_directive = list(
        Directive.select(Directive.id, Directive.number, Directive.title, Directive.deadline,
                         fn.COUNT(Recipient.id).alias("total"), _count_if(acked).alias("done"))
        .join(Recipient, on=(Recipient.directive == Directive.id))
        .where(Directive.status == "published")
        .group_by(Directive.id, Directive.number, Directive.title, Directive.deadline)
        .order_by(Directive.deadline.desc()).limit(5).dicts())
    per_level = list(
        Recipient.select(School.level, fn.COUNT(Recipient.id).alias("total"),
                         _count_if(acked).alias("done"))
        .join(Directive, on=(Recipient.directive == Directive.id))
        .switch(Recipient).join(School, on=(Recipient.school == School.id))
        .where(Directive.status == "published")
        .group_by(School.level).order_by(School.level).dicts())
    for row in per_directive + per_level:
        row["done"] = int(row["done"] or 0)
        row["rate"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
    for row in per_level:
        row["label"] = LEVEL_LABELS.get(row["level"], row["level"])
    return {"directives": per_directive, "levels": per_level}
