"""Every write of directives: create, update, publish, revise, withdraw, remove an attachment,
read, acknowledge, remind, export. Each is ONE transaction holding the write, its audit entry and
its notifications; a refusal raises DirectiveError with a translated message.

Notifications link to the directive's plain path (`/directives/<id>`): opening it marks them read.
"""

import datetime as dt

from peewee import fn

from .. import clock, files
from ..access import (
    may_acknowledge,
    may_acknowledge_for_school,
    may_confirm_personally,
    may_remind_readers,
    may_review_responses,
    own_school_receipts,
)
from ..audit import record
from ..db import database
from ..i18n import N_
from ..i18n import gettext as _
from ..models import (
    Acknowledgement,
    Directive,
    DirectiveAttachment,
    DirectiveConfirmation,
    DirectiveReminder,
    DirectiveRevision,
    Dissemination,
    Recipient,
    ResponseStep,
    School,
    User,
)
from ..notifications.operations import notify
from ..text import clean, fold
from ..vocabulary import PRINCIPAL, SCHOOL_ROLES
from ..web import parse_id
from . import formats, pdf, queries, schedule, tallies
from .errors import DirectiveError
from .vocabulary import (
    ATTACHMENT_KINDS,
    CHANNEL_LABELS,
    EDITABLE,
    REPORT_KINDS,
    REVIEW_ROUND_KIND,
    REVIEWED_KINDS,
)


class DirectiveConflict(DirectiveError):
    """Someone saved the directive after this form was opened: nothing was written."""


class AlreadyAcknowledged(DirectiveError):
    """The school acknowledged already (another click, another principal)."""


class RecentlyReminded(DirectiveError):
    """The school was reminded less than REMIND_MIN_HOURS ago: nothing was sent."""


def link_to(directive):
    """The page a directive's notifications point to (its plain path: opening it reads them)."""
    return f"/directives/{directive.id}"


def _save_if_unchanged(directive, expected_version, values):
    """Write `values` only if the directive is still at `expected_version` (optimistic
    locking); bumps the version. Raises DirectiveConflict otherwise."""
    if expected_version is None:
        expected_version = directive.version
    updated = (Directive.update(updated_at=clock.utcnow(), version=Directive.version + 1,
                                **values)
               .where(Directive.id == directive.id,
                      Directive.version == parse_id(expected_version))
               .execute())
    if not updated:
        raise DirectiveConflict(_(
            "Văn bản này vừa được người khác lưu sau khi bạn mở biểu mẫu nên thay đổi của bạn "
            "chưa được lưu. Nội dung bạn nhập vẫn còn dưới đây; hãy mở văn bản ở thẻ khác để "
            "xem bản mới, rồi bấm Lưu lần nữa nếu vẫn muốn lưu nội dung này lên bản mới."))
    fresh = Directive.get_by_id(directive.id)
    directive.__data__.update(fresh.__data__)


# --- Writing --------------------------------------------------------------------------------


def _values(data, exclude_id=None):
    values = {
        "number": clean(data["number"]),
        "title": clean(data["title"]),
        "body": (data.get("body") or "").replace("\r\n", "\n").strip(),
        "signer": clean(data.get("signer") or ""),
        "issued_on": data["issued_on"],
        "deadline": data["deadline"],
        "response_kind": data.get("response_kind") or "ack",
        "personal_confirmation": bool(data.get("personal_confirmation")),
        "reminder_days": schedule.parse(data.get("reminder_days")),
    }
    values["title_search"] = fold(values["title"])
    if values["deadline"] < values["issued_on"]:
        raise DirectiveError(_("Hạn xác nhận không được trước ngày ban hành."), "deadline")
    if queries.number_taken(values["number"], exclude_id):
        raise DirectiveError(_("Số hiệu %(n)s đã có.", n=values["number"]), "number")
    return values


def _active_school_ids(typed):
    """The ids among `typed` (as posted) that are active schools; anything else is dropped."""
    ids = {parse_id(i) for i in typed or []} - {0}
    if not ids:
        return []
    return [s.id for s in School.select(School.id)
            .where(School.id.in_(sorted(ids)), School.active == True)  # noqa: E712
            .order_by(School.id)]


def _audience(data):
    kind = data.get("audience_kind") or "all"
    chosen = kind == "filter"
    return {
        "audience_kind": kind,
        "audience_levels": list(data.get("audience_levels") or []) if chosen else [],
        "audience_ownerships": list(data.get("audience_ownerships") or []) if chosen else [],
        "audience_school_ids": (_active_school_ids(data.get("audience_school_ids"))
                                if kind == "list" else []),
        "info_levels": list(data.get("info_levels") or []),
        "info_school_ids": _info_school_ids(data.get("info_codes")),
    }


def _info_school_ids(typed):
    """The schools named by code (separated by commas, semicolons or spaces) to receive the
    directive for information; an unknown code is refused with its name."""
    codes = []
    for part in str(typed or "").replace(";", ",").replace("\n", ",").split(","):
        for code in part.split():
            if code.upper() not in codes:
                codes.append(code.upper())
    if not codes:
        return []
    if len(codes) > MAX_INFO_CODES:
        raise DirectiveError(_("Ghi tối đa %(n)d mã trường nhận để biết; nếu nhiều hơn, hãy "
                               "chọn theo cấp học.", n=MAX_INFO_CODES), "info_codes")
    found = {s.code.upper(): s.id for s in School.select(School.id, School.code)
             .where(fn.UPPER(School.code).in_(codes), School.active == True)}  # noqa: E712
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise DirectiveError(_("Không có trường nào mang mã %(codes)s.",
                               codes=", ".join(unknown[:10])), "info_codes")
    return sorted(found[c] for c in codes)


def _attach(directive, uploads, user):
    for upload in uploads or []:
        if upload and getattr(upload, "filename", ""):
            stored = files.store(upload, ATTACHMENT_KINDS, user)
            DirectiveAttachment.create(directive=directive, file=stored)


class _UploadRefused:
    """An attachment refused by its content becomes a DirectiveError on the attachments field."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, files.UploadError):
            raise DirectiveError(str(exc), "attachments") from exc
        return False


def create_draft(user, data, uploads=()):
    values = {**_values(data), **_audience(data)}
    with _UploadRefused(), database.atomic():
        directive = Directive.create(created_by=user, status="draft", **values)
        _attach(directive, uploads, user)
        record("directive.create", target=directive, details={"number": directive.number})
    return directive


def update_draft(user, directive, data, uploads=(), expected_version=None):
    if directive.status != "draft":
        raise DirectiveError(_("Văn bản đã ban hành: hãy dùng chức năng sửa đổi."))
    values = {**_values(data, directive.id), **_audience(data)}
    with _UploadRefused(), database.atomic():
        _save_if_unchanged(directive, expected_version, values)
        _attach(directive, uploads, user)
        record("directive.update", target=directive)
    return directive


# The most schools named one by one as receiving a directive for information.
MAX_INFO_CODES = 500


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
    schools = list(queries.directive_audience(directive).select(School.id, School.level))
    if not schools:
        raise DirectiveError(_("Không có trường nào nhận văn bản này: hãy chọn đối tượng nhận."))
    info_levels = set(directive.info_levels or ())
    info_ids = set(directive.info_school_ids or ())
    purposes = {s.id: ("info" if s.level in info_levels or s.id in info_ids else "act")
                for s in schools}
    school_ids = list(purposes)
    now = clock.utcnow()
    with database.atomic():
        updated = (Directive.update(status="published", published_at=now, updated_at=now,
                                    version=Directive.version + 1)
                   .where(Directive.id == directive.id, Directive.status == "draft").execute())
        if not updated:
            raise DirectiveError(_("Văn bản đã được ban hành."))
        rows = [{"directive": directive.id, "school": sid, "purpose": purpose}
                for sid, purpose in purposes.items()]
        for start in range(0, len(rows), 500):
            Recipient.insert_many(rows[start:start + 500]).execute()
        acting = [sid for sid, purpose in purposes.items() if purpose == "act"]
        tallies.published(directive.id, acting, len(school_ids) - len(acting))
        notify(school_user_ids(school_ids), "directive.published",
               N_("Văn bản chỉ đạo mới %(number)s: %(title)s"), link_to(directive),
               number=directive.number, title=directive.title[:200])
        record("directive.publish", target=directive,
               details={"schools": len(school_ids), "number": directive.number,
                        "informed": len(school_ids) - len(acting)})
    return Directive.get_by_id(directive.id)


def revise(user, directive, data, summary, requires_reack, uploads=(), expected_version=None):
    """Change a published directive: the change is recorded; if asked, every school
    acknowledges again (earlier acknowledgements stay in the history)."""
    if directive.status != "published":
        raise DirectiveError(_("Chỉ văn bản đang ban hành mới sửa đổi được."))
    summary = (summary or "").strip()
    if not summary:
        raise DirectiveError(_("Hãy ghi rõ nội dung sửa đổi."), "summary")
    values = _values(data, directive.id)
    previous = {}
    for name in EDITABLE:
        old = getattr(directive, name)
        if old != values[name]:
            previous[name] = old.isoformat() if isinstance(old, dt.date) else old
    with _UploadRefused(), database.atomic():
        reconfirm = {"confirm_from": Directive.revision + 1} if requires_reack else {}
        _save_if_unchanged(directive, expected_version,
                           {**values, "revision": Directive.revision + 1, **reconfirm})
        revision = directive.revision
        DirectiveRevision.create(directive=directive, revision=revision, changed_by=user,
                                 summary=summary, requires_reack=bool(requires_reack),
                                 previous=previous)
        _attach(directive, uploads, user)
        if requires_reack:
            tallies.acknowledgements_reset(directive.id)
            (Recipient.update(acknowledged_at=None, acknowledged_by=None, ack_note="",
                              ack_revision=None, ack_late=False, roster=None,
                              response_file=None, confirm_reminded_at=None, ack_proxy=False,
                              ack_channel="", proxy_confirmed_at=None, proxy_confirmed_by=None,
                              response_state="", response_at=None)
             .where(Recipient.directive == directive.id).execute())
        school_ids = [r.school_id for r in
                      Recipient.select(Recipient.school).where(
                          Recipient.directive == directive.id)]
        message = (N_("Văn bản %(number)s đã được sửa đổi: nhà trường cần xác nhận lại.")
                   if requires_reack else N_("Văn bản %(number)s đã được sửa đổi."))
        notify(school_user_ids(school_ids), "directive.revised", message, link_to(directive),
               number=directive.number)
        record("directive.revise", target=directive,
               details={"revision": revision, "requires_reack": bool(requires_reack),
                        "changed": sorted(previous)})
    return directive


def withdraw(user, directive):
    if directive.status != "published":
        raise DirectiveError(_("Chỉ văn bản đang ban hành mới thu hồi được."))
    now = clock.utcnow()
    with database.atomic():
        Directive.update(status="withdrawn", withdrawn_at=now, updated_at=now,
                         version=Directive.version + 1).where(
            Directive.id == directive.id).execute()
        tallies.withdrawn(directive.id)
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


def mark_read(user, directive):
    """The first opening by anyone of the school is recorded (when, who); later ones are not.
    The office's people reading a directive record nothing."""
    own = own_school_receipts(user).select(Recipient.id)
    with database.atomic():
        updated = (Recipient.update(first_read_at=clock.utcnow(), first_read_by=user.id)
                   .where(Recipient.id.in_(own), Recipient.directive == directive.id,
                          Recipient.first_read_at.is_null()).execute())
        if updated:
            tallies.read_at_school(directive.id, user.school_id)
            record("directive.read", target=directive)
    return bool(updated)


def _checked_report(directive, upload):
    """The report a "report" directive needs, checked by its content (or None otherwise)."""
    if directive.response_kind != "report":
        return None
    if not upload or not getattr(upload, "filename", ""):
        raise DirectiveError(
            _("Văn bản này yêu cầu nộp kèm văn bản báo cáo (PDF, DOCX, XLSX)."), "report")
    try:
        files.read_checked(upload, REPORT_KINDS)
    except files.UploadError as exc:
        raise DirectiveError(str(exc), "report") from exc
    upload.stream.seek(0)
    return upload


def _checked_activity(user, directive, activity_id):
    """The quán triệt activity a "disseminate" directive needs: the school's own, of that kind,
    linked to this directive (or None for another kind of directive)."""
    if directive.response_kind != "disseminate":
        return None
    typed = str(activity_id or "").strip()
    if not typed:
        raise DirectiveError(_("Hãy chọn hoạt động quán triệt đã tổ chức để thực hiện văn bản "
                               "này."), "activity")
    activity = queries.dissemination_activity(user, directive, parse_id(typed))
    if activity is None:
        raise DirectiveError(_("Hoạt động đã chọn không phải một buổi quán triệt của nhà trường "
                               "thực hiện văn bản này. Hãy chọn trong danh sách, hoặc ghi hoạt "
                               "động quán triệt văn bản này trước."), "activity")
    return activity


def acknowledge(user, directive, note="", upload=None, activity_id=None):
    """The principal acknowledges for the school. Exactly one acknowledgement is recorded even
    when two requests arrive together: the conditional UPDATE decides who wins. A directive to
    disseminate links the school's quán triệt activity that carried it out (`activity_id`)."""
    recipient = queries.own_receipt(user, directive)
    blocker = queries.ack_blocker(user, directive, recipient)
    if blocker:
        if recipient is not None and recipient.acknowledged_at is not None:
            raise AlreadyAcknowledged(blocker)
        raise DirectiveError(blocker)
    roster = (queries.valid_roster_on_file(user.school_id)
              if directive.response_kind == "roster" else None)
    report = _checked_report(directive, upload)
    activity = _checked_activity(user, directive, activity_id)
    note = (note or "").strip()[:2000]
    now = clock.utcnow()
    late = queries.is_late(directive.deadline, now)
    with database.atomic():
        # The first statement of the transaction is the write: under SQLite it waits for the
        # lock instead of failing on a stale snapshot; under PostgreSQL the row lock serialises.
        responds = directive.response_kind in REVIEWED_KINDS
        won = (Recipient.update(acknowledged_at=now, acknowledged_by=user.id, ack_note=note,
                                ack_revision=directive.revision, ack_late=late,
                                roster=roster.id if roster else None,
                                response_state="submitted" if responds else "",
                                response_at=now if responds else None)
               .where(Recipient.id == recipient.id, Recipient.acknowledged_at.is_null())
               .execute())
        if not won:
            raise AlreadyAcknowledged(_("Nhà trường đã xác nhận văn bản này."))
        stored = files.store(report, REPORT_KINDS, user) if report is not None else None
        if stored is not None:
            Recipient.update(response_file=stored.id).where(Recipient.id == recipient.id).execute()
        Acknowledgement.create(recipient=recipient.id, revision=directive.revision, at=now,
                               by=user.id, note=note, late=late, roster=roster,
                               response_file=stored)
        if activity is not None:
            Dissemination.create(recipient=recipient.id, revision=directive.revision,
                                 activity=activity.id, linked_by=user.id, linked_at=now)
        if responds:
            ResponseStep.create(recipient=recipient.id, revision=directive.revision,
                                action="submitted", by=user.id, at=now, roster=roster,
                                response_file=stored,
                                activity_id=activity.id if activity is not None else None)
        first_read = Recipient.update(first_read_at=now, first_read_by=user.id).where(
            Recipient.id == recipient.id, Recipient.first_read_at.is_null()).execute()
        tallies.acknowledged(directive.id, recipient.school_id, late, now)
        tallies.read(directive.id, first_read)
        if responds:  # a receipt not acknowledged has no response
            tallies.response_moved(directive.id, "", "submitted")
        record("directive.acknowledge", target=directive,
               details={"school": user.school_id, "late": late, "revision": directive.revision,
                        **({"activity": activity.id} if activity is not None else {})})
    return Recipient.get_by_id(recipient.id)


# --- On a school's behalf, and responses reviewed (issue 14) --------------------------------


def _receipt_for(directive, school_id):
    recipient = queries.recipient_for(directive, school_id)
    if recipient is None:
        raise DirectiveError(_("Văn bản này không gửi đến trường này."))
    return recipient


def _principals(school_id):
    return [u.id for u in User.select(User.id).where(
        User.school == school_id, User.role == PRINCIPAL, User.active == True)]  # noqa: E712


def acknowledge_for_school(user, directive, school_id, channel, reason):
    """An officer records the acknowledgement a school gave by phone or on paper. It is marked
    as such everywhere (`ack_proxy`, the channel, the reason in `ack_note`, the officer as
    `acknowledged_by`); the school's principals are told and may confirm it. The school's
    response, if the directive asks one, is still the school's to send."""
    if not may_acknowledge_for_school(user):
        raise DirectiveError(_("Chỉ chuyên viên của Phòng mới ghi nhận xác nhận thay trường."))
    if directive.status != "published":
        raise DirectiveError(_("Chỉ ghi nhận xác nhận cho văn bản đang ban hành."))
    reason = (reason or "").strip()[:2000]
    if channel not in CHANNEL_LABELS:
        raise DirectiveError(_("Hãy chọn nhà trường đã xác nhận bằng cách nào."), "channel")
    if not reason:
        raise DirectiveError(_("Hãy ghi lý do xác nhận thay, ví dụ: “Thầy hiệu trưởng xác nhận "
                               "qua điện thoại lúc 9 giờ, chưa đăng nhập được”."), "reason")
    recipient = _receipt_for(directive, school_id)
    if recipient.purpose != "act":
        raise DirectiveError(_("Trường này nhận văn bản để biết: không cần xác nhận."))
    now = clock.utcnow()
    late = queries.is_late(directive.deadline, now)
    with database.atomic():
        won = (Recipient.update(acknowledged_at=now, acknowledged_by=user.id, ack_note=reason,
                                ack_revision=directive.revision, ack_late=late, ack_proxy=True,
                                ack_channel=channel, proxy_confirmed_at=None,
                                proxy_confirmed_by=None)
               .where(Recipient.id == recipient.id, Recipient.acknowledged_at.is_null())
               .execute())
        if not won:
            raise AlreadyAcknowledged(_("Nhà trường đã xác nhận văn bản này."))
        Acknowledgement.create(recipient=recipient.id, revision=directive.revision, at=now,
                               by=user.id, note=reason, late=late, proxy=True, channel=channel)
        tallies.acknowledged(directive.id, school_id, late, now)
        notify(_principals(school_id), "directive.proxy_acknowledged",
               N_("Phòng đã ghi nhận xác nhận văn bản %(number)s thay nhà trường: hãy kiểm tra "
                  "và xác nhận lại."), link_to(directive), number=directive.number)
        record("directive.acknowledge_for_school", target=directive,
               details={"school": school_id, "channel": channel, "late": late,
                        "revision": directive.revision})
    return Recipient.get_by_id(recipient.id)


def confirm_proxy(user, directive):
    """The school's principal confirms the acknowledgement an officer recorded for it; twice
    is once (the conditional UPDATE)."""
    recipient = queries.own_receipt(user, directive)
    if not may_acknowledge(user) or recipient is None or not recipient.ack_proxy:
        raise DirectiveError(_("Không có xác nhận nào do Phòng ghi thay nhà trường."))
    now = clock.utcnow()
    with database.atomic():
        won = (Recipient.update(proxy_confirmed_at=now, proxy_confirmed_by=user.id)
               .where(Recipient.id == recipient.id, Recipient.ack_proxy == True,  # noqa: E712
                      Recipient.proxy_confirmed_at.is_null()).execute())
        if won:
            record("directive.confirm_proxy", target=directive,
                   details={"school": user.school_id})
    return Recipient.get_by_id(recipient.id), bool(won)


def respond(user, directive, upload=None, activity_id=None, note=""):
    """The school sends its response after acknowledging: again after a return
    ("resubmitted"), or for the first time when an officer acknowledged for it ("submitted").
    A returned roster must have changed: the same version is refused."""
    recipient = queries.own_receipt(user, directive)
    blocker = (_("Chỉ hiệu trưởng (phó hiệu trưởng) mới gửi phản hồi cho nhà trường.")
               if not may_acknowledge(user) else queries.respond_blocker(user, directive,
                                                                         recipient))
    if blocker:
        raise DirectiveError(blocker)
    returned = recipient.response_state == "returned"
    roster = (queries.valid_roster_on_file(user.school_id)
              if directive.response_kind == "roster" else None)
    if roster is not None and returned and roster.id == recipient.roster_id:
        raise DirectiveError(_("Danh sách tổ tư vấn chưa thay đổi kể từ khi bị trả lại. Hãy cập "
                               "nhật danh sách theo góp ý của Phòng rồi gửi lại."))
    report = _checked_report(directive, upload)
    activity = _checked_activity(user, directive, activity_id)
    note = (note or "").strip()[:2000]
    action = "resubmitted" if returned else "submitted"
    now = clock.utcnow()
    with database.atomic():
        won = (Recipient.update(response_state=action, response_at=now)
               .where(Recipient.id == recipient.id,
                      Recipient.response_state == recipient.response_state).execute())
        if not won:
            raise DirectiveError(_("Phản hồi của nhà trường vừa được gửi."))
        tallies.response_moved(directive.id, recipient.response_state, action)
        stored = files.store(report, REPORT_KINDS, user) if report is not None else None
        changes = {}
        if stored is not None:
            changes["response_file"] = stored.id
        if roster is not None:
            changes["roster"] = roster.id
        if changes:
            Recipient.update(**changes).where(Recipient.id == recipient.id).execute()
        if activity is not None:
            relinked = (Dissemination.update(activity=activity.id, linked_by=user.id,
                                             linked_at=now)
                        .where(Dissemination.recipient == recipient.id,
                               Dissemination.revision == directive.revision).execute())
            if not relinked:
                Dissemination.create(recipient=recipient.id, revision=directive.revision,
                                     activity=activity.id, linked_by=user.id, linked_at=now)
        ResponseStep.create(recipient=recipient.id, revision=directive.revision, action=action,
                            by=user.id, at=now, comment=note, roster=roster,
                            response_file=stored,
                            activity_id=activity.id if activity is not None else None)
        if returned:
            notify([directive.created_by_id], "directive.response_resubmitted",
                   N_("%(school)s đã gửi lại phản hồi văn bản %(number)s."),
                   f"/directives/{directive.id}/schools/{user.school_id}",
                   school=user.school.name, number=directive.number)
        record("directive.respond", target=directive,
               details={"school": user.school_id, "action": action})
    return Recipient.get_by_id(recipient.id)


def review_response(user, directive, school_id, accept, comment):
    """An officer accepts the school's response, or returns it with a comment saying what to
    change; the school's principals are told. Only a response waiting for review is decided,
    once (two officers at once: the conditional UPDATE)."""
    if not may_review_responses(user):
        raise DirectiveError(_("Chỉ chuyên viên của Phòng mới xem xét phản hồi."))
    comment = (comment or "").strip()[:2000]
    if not accept and not comment:
        raise DirectiveError(_("Hãy ghi rõ nhà trường cần bổ sung, sửa đổi gì khi trả lại "
                               "phản hồi."), "comment")
    recipient = _receipt_for(directive, school_id)
    action = "accepted" if accept else "returned"
    now = clock.utcnow()
    with database.atomic():
        won = (Recipient.update(response_state=action)
               .where(Recipient.id == recipient.id,
                      Recipient.response_state == recipient.response_state,
                      Recipient.response_state.in_(["submitted", "resubmitted"])).execute())
        if not won:
            raise DirectiveError(_("Phản hồi này không còn chờ xem xét (đã được chấp nhận, trả "
                                   "lại, hoặc nhà trường chưa gửi)."))
        tallies.response_moved(directive.id, recipient.response_state, action)
        ResponseStep.create(recipient=recipient.id, revision=directive.revision, action=action,
                            by=user.id, at=now, comment=comment)
        message = (N_("Phòng đã chấp nhận phản hồi của nhà trường về văn bản %(number)s.")
                   if accept else
                   N_("Phòng trả lại phản hồi của nhà trường về văn bản %(number)s: hãy xem góp "
                      "ý và gửi lại."))
        notify(_principals(school_id), f"directive.response_{action}", message,
               link_to(directive), number=directive.number)
        record(f"directive.response_{action}", target=directive,
               details={"school": school_id, "revision": directive.revision})
    return Recipient.get_by_id(recipient.id)


def review_step(directive_id, school_id, actor, action, at, comment=""):
    """The school's review in the round tied to a "review" directive is its response to it
    (reviews/operations.py calls this inside each step's transaction): submitting it
    acknowledges the directive if the school had not (late or not, by the deadline), and the
    response follows the review: submitted, resubmitted, returned, accepted. Nothing for a
    directive of another kind, withdrawn, or that the school receives for information."""
    directive = Directive.get_or_none(Directive.id == directive_id)
    if (directive is None or directive.response_kind != REVIEW_ROUND_KIND
            or directive.status != "published"):
        return
    recipient = (Recipient.select().where(Recipient.directive == directive.id,
                                          Recipient.school == school_id,
                                          Recipient.purpose == "act").first())
    if recipient is None:
        return
    changes = {"response_state": action}
    if action in ("submitted", "resubmitted"):
        changes["response_at"] = at
        late = queries.is_late(directive.deadline, at)
        won = (Recipient.update(acknowledged_at=at, acknowledged_by=actor.id,
                                ack_revision=directive.revision, ack_late=late)
               .where(Recipient.id == recipient.id, Recipient.acknowledged_at.is_null())
               .execute())
        if won:
            Acknowledgement.create(recipient=recipient.id, revision=directive.revision, at=at,
                                   by=actor.id, late=late)
            tallies.acknowledged(directive.id, school_id, late, at)
            first_read = Recipient.update(first_read_at=at, first_read_by=actor.id).where(
                Recipient.id == recipient.id, Recipient.first_read_at.is_null()).execute()
            if first_read:
                tallies.read_at_school(directive.id, school_id)
    # The response moves from the state on file: read again if another write moved it since.
    old = recipient.response_state
    while not Recipient.update(**changes).where(Recipient.id == recipient.id,
                                                Recipient.response_state == old).execute():
        old = Recipient.select(Recipient.response_state).where(
            Recipient.id == recipient.id).scalar()
    tallies.response_moved(directive.id, old, action)
    ResponseStep.create(recipient=recipient.id, revision=directive.revision, action=action,
                        by=actor.id, at=at, comment=comment)


# --- Reminders ------------------------------------------------------------------------------


def remind(user, directive, school_ids=None, overdue_only=False):
    """Remind the principals of the given schools (or of every overdue school), except schools
    reminded less than REMIND_MIN_HOURS ago. Returns (schools reminded, schools left alone
    because they were reminded recently). Asked for named schools that were all reminded
    recently, refuses with RecentlyReminded.

    The window is checked by the UPDATE itself, so two clicks at once remind a school once."""
    if directive.status != "published":
        raise DirectiveError(_("Chỉ nhắc được văn bản đang ban hành."))
    candidates = list(queries.reminder_candidates(directive, school_ids, overdue_only))
    if not candidates:
        return 0, 0
    now = clock.utcnow()
    since = now - queries.remind_window()
    ids = [r.id for r in candidates]
    with database.atomic():
        # The UPDATE asks again whether each school has not done it (queries.not_done) and was
        # not reminded recently: two clicks at once, or an acknowledgement meanwhile, are seen.
        (Recipient.update(reminders_count=Recipient.reminders_count + 1, last_reminded_at=now)
         .where(Recipient.id.in_(ids),
                Recipient.id.in_(queries.reminder_candidates(directive, school_ids, overdue_only)
                                 .select(Recipient.id)),
                ~queries.recently_reminded(since)).execute())
        reminded = list(Recipient.select(Recipient.id, Recipient.school)
                        .where(Recipient.id.in_(ids), Recipient.last_reminded_at == now))
        if reminded:
            _send_reminders(user, directive, reminded, now)
    last = max((r.last_reminded_at for r in candidates if r.last_reminded_at), default=None)
    if not reminded and school_ids is not None and last is not None:
        raise RecentlyReminded(_(
            "Trường đã được nhắc lúc %(time)s; chỉ nhắc lại sau %(hours)d giờ kể từ lần nhắc "
            "trước. Chưa gửi nhắc việc nào.",
            time=clock.to_local(last).strftime("%H:%M %d/%m/%Y"),
            hours=queries.remind_hours()))
    return len(reminded), len(candidates) - len(reminded)


def remind_step(directive, step, now):
    """The automatic reminder of step `step` of the directive's schedule (directives/
    reminders.py, inside the transaction that records the step): every school that has not
    done what it requires (queries.reminder_candidates) is reminded, unless it was reminded
    earlier the same local day (an officer by hand, or a step of a former deadline). Returns
    how many schools were reminded."""
    since = clock.day_start(clock.local_date(now))
    (Recipient.update(reminders_count=Recipient.reminders_count + 1, last_reminded_at=now)
     .where(Recipient.directive == directive.id,
            Recipient.id.in_(queries.reminder_candidates(directive).select(Recipient.id)),
            ~queries.recently_reminded(since)).execute())
    reminded = list(Recipient.select(Recipient.id, Recipient.school)
                    .where(Recipient.directive == directive.id,
                           Recipient.last_reminded_at == now))
    if reminded:
        _send_reminders(None, directive, reminded, now, step=step)
    return len(reminded)


# What an automatic reminder says: before the deadline, on its day, after it.
STEP_MESSAGES = (
    N_("Nhắc việc: văn bản %(number)s đến hạn ngày %(deadline)s, nhà trường chưa hoàn thành."),
    N_("Nhắc việc: hôm nay (%(deadline)s) là hạn của văn bản %(number)s, nhà trường chưa hoàn "
       "thành."),
    N_("Nhắc việc: văn bản %(number)s đã quá hạn (%(deadline)s), nhà trường chưa hoàn thành."),
)


def _send_reminders(user, directive, reminded, now, step=None):
    """Inside remind()'s or remind_step()'s transaction: notify each school's principals and
    keep who they were. An automatic reminder (`user` None) keeps its schedule `step`."""
    principals = {}
    for person in (User.select(User.id, User.full_name, User.school)
                   .where(User.school.in_([r.school_id for r in reminded]),
                          User.role == PRINCIPAL, User.active == True)  # noqa: E712
                   .order_by(User.name_key)):
        principals.setdefault(person.school_id, []).append(
            {"id": person.id, "name": person.full_name})
    DirectiveReminder.insert_many([
        {"recipient": r.id, "sent_at": now, "sent_by": user.id if user else None,
         "sent_to": principals.get(r.school_id, []), "step": step} for r in reminded]).execute()
    if step is None:
        message = N_("Nhắc việc: nhà trường chưa xác nhận văn bản %(number)s (hạn "
                     "%(deadline)s).")
    else:
        message = STEP_MESSAGES[(step > 0) - (step < 0) + 1]
    notify([p["id"] for people in principals.values() for p in people], "directive.reminder",
           message, link_to(directive), number=directive.number,
           deadline=directive.deadline.strftime("%d/%m/%Y"))
    record("directive.remind", target=directive,
           details={"schools": [r.school_id for r in reminded],
                    "notified": sorted(p["id"] for people in principals.values()
                                       for p in people),
                    **({"step": step} if step is not None else {})})


# --- Personal confirmations ----------------------------------------------------------------


def confirm(user, directive):
    """The user confirms personally having read the directive (its current revision). Twice is
    once: a confirmation that already counts is returned as is, and the unique key settles two
    clicks at once. Returns (confirmation, whether it was recorded now)."""
    if not may_confirm_personally(user, directive):
        if directive.status != "published":
            raise DirectiveError(_("Văn bản đã bị thu hồi, không cần xác nhận."))
        raise DirectiveError(_("Văn bản này không yêu cầu từng người xác nhận đã đọc."))
    existing = queries.own_confirmation(user, directive)
    if existing is not None:
        return existing, False
    now = clock.utcnow()
    with database.atomic():
        created = (DirectiveConfirmation.insert(directive=directive.id, user=user.id,
                                                revision=directive.revision, at=now)
                   .on_conflict_ignore().execute())
        recorded = bool(created) and (DirectiveConfirmation.select()
                                      .where(DirectiveConfirmation.directive == directive.id,
                                             DirectiveConfirmation.user == user.id,
                                             DirectiveConfirmation.revision
                                             == directive.revision,
                                             DirectiveConfirmation.at == now).exists())
        if recorded:
            # Confirming having read it is reading it (from the home card, without opening it).
            first_read = Recipient.update(first_read_at=now, first_read_by=user.id).where(
                Recipient.directive == directive.id, Recipient.school == user.school_id,
                Recipient.first_read_at.is_null()).execute()
            if first_read:
                tallies.read_at_school(directive.id, user.school_id)
            record("directive.confirm", target=directive,
                   details={"school": user.school_id, "revision": directive.revision})
    return queries.own_confirmation(user, directive), recorded


def remind_readers(user, directive):
    """The principal reminds the school's accounts that have not confirmed personally; not
    twice within REMIND_MIN_HOURS (the UPDATE checks it, so two clicks remind once). Returns
    how many were reminded; raises RecentlyReminded or DirectiveError."""
    if not may_remind_readers(user) or not may_confirm_personally(user, directive):
        raise DirectiveError(_("Văn bản này không yêu cầu từng người xác nhận đã đọc."))
    recipient = queries.own_receipt(user, directive)
    if recipient is None:
        raise DirectiveError(_("Văn bản này không gửi đến trường của bạn."))
    people = [i for i in queries.unconfirmed_accounts(directive, user.school_id) if i != user.id]
    if not people:
        raise DirectiveError(_("Mọi người trong trường đã xác nhận đã đọc."))
    now = clock.utcnow()
    since = now - queries.remind_window()
    with database.atomic():
        won = (Recipient.update(confirm_reminded_at=now)
               .where(Recipient.id == recipient.id,
                      ~queries.recently_reminded_to_confirm(since)).execute())
        if won:
            notify(people, "directive.confirm_reminder",
                   N_("Nhắc việc: hãy đọc và xác nhận đã đọc văn bản %(number)s."),
                   link_to(directive), number=directive.number)
            record("directive.remind_readers", target=directive,
                   details={"school": user.school_id, "notified": sorted(people)})
    if not won:
        last = Recipient.get_by_id(recipient.id).confirm_reminded_at
        raise RecentlyReminded(_(
            "Đã nhắc lúc %(time)s; chỉ nhắc lại sau %(hours)d giờ kể từ lần nhắc trước. Chưa "
            "gửi nhắc việc nào.", time=clock.to_local(last).strftime("%H:%M %d/%m/%Y"),
            hours=queries.remind_hours()))
    return len(people)


# --- Exports --------------------------------------------------------------------------------


def export_tracking(user, directive, filters, kind):
    """The tracking table as CSV, XLSX or PDF bytes; the export is recorded (a PDF this server
    cannot draw raises pdf.PdfUnavailable and records nothing)."""
    if kind == "pdf":
        data = pdf.tracking_pdf(user, directive, queries.tracking_rows(user, directive, filters),
                                queries.state_counts(user, directive), filters)
        details = {"format": kind}
    else:
        rows = list(queries.tracking_rows(user, directive, filters))
        data = formats.tracking_csv(rows) if kind == "csv" else formats.tracking_xlsx(rows)
        details = {"format": kind, "rows": len(rows)}
    with database.atomic():
        record("directive.export", target=directive, details=details)
    return data
