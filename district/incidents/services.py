"""Incidents: the state machine, every write (each in one transaction with its timeline event,
its audit entry and its notifications), and the read models of the list, counters and stats.

The transition table TRANSITIONS is the only place the workflow is written down: the status
control offers `allowed_next(user, incident)` and `change_status` refuses anything else.
Writes that change the incident row (status, assignment, correction) go through optimistic
locking on Incident.version: UPDATE ... WHERE id = ? AND version = ?; no row means someone else
changed it first (Conflict).
"""

import datetime as dt
from collections import Counter

from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, Cast, IntegrityError, fn

from .. import access
from ..audit import record
from ..db import database, is_sqlite
from ..i18n import N_
from ..models import (
    CHECKLIST_ITEMS,
    Incident,
    IncidentAttachment,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentReferral,
    IncidentStudent,
    IncidentView,
    School,
    User,
    utcnow,
)
from ..notifications.operations import notify, users_with_role
from ..text import clean, fold

# --- Labels -----------------------------------------------------------------------------------

STATUS_LABELS = {
    "reported": _l("Mới tiếp nhận"),
    "verifying": _l("Đang xác minh"),
    "handling": _l("Đang xử lý"),
    "referred": _l("Đã chuyển cơ quan chức năng"),
    "resolved": _l("Đã xử lý xong"),
    "closed": _l("Đã kết thúc"),
}
CATEGORY_LABELS = {
    "physical": _l("Bạo lực thể chất"),
    "psychological": _l("Bạo lực tinh thần"),
    "sexual_abuse": _l("Xâm hại tình dục"),
    "neglect": _l("Bỏ mặc, sao nhãng"),
    "bullying": _l("Bắt nạt"),
    "cyberbullying": _l("Bắt nạt trên mạng"),
    "self_harm": _l("Nguy cơ tự gây hại"),
    "other": _l("Khác"),
}
PLACE_LABELS = {
    "classroom": _l("Trong lớp học"),
    "school_yard": _l("Sân trường"),
    "boarding": _l("Khu bán trú, nội trú"),
    "online": _l("Trên mạng"),
    "outside": _l("Ngoài trường"),
}
CAUSER_LABELS = {
    "student": _l("Học sinh"),
    "staff": _l("Giáo viên, nhân viên"),
    "family": _l("Cha mẹ, người thân"),
    "outsider": _l("Người ngoài"),
    "unknown": _l("Chưa rõ"),
}
SEVERITY_LABELS = {
    "low": _l("Nhẹ"),
    "medium": _l("Trung bình"),
    "high": _l("Nghiêm trọng"),
    "critical": _l("Đặc biệt nghiêm trọng"),
}
OUTCOME_LABELS = {
    "handled_at_school": _l("Đã xử lý tại trường"),
    "disciplined": _l("Đã xử lý kỷ luật"),
    "referred_concluded": _l("Cơ quan chức năng đã kết luận"),
    "not_substantiated": _l("Không có căn cứ"),
}
AGENCY_LABELS = {
    "hotline_111": _l("Tổng đài 111"),
    "police": _l("Công an"),
    "health": _l("Cơ sở y tế"),
    "commune": _l("UBND xã/phường"),
    "labour_social": _l("Phòng LĐ-TB&XH"),
}
STUDENT_ROLE_LABELS = {
    "affected": _l("Bị ảnh hưởng"),
    "caused": _l("Gây ra"),
    "witness": _l("Chứng kiến"),
}
SEX_LABELS = {"nam": _l("Nam"), "nu": _l("Nữ")}
CHECKLIST_LABELS = {
    "harm_assessed": _l("Đã đánh giá mức độ tổn hại"),
    "support_given": _l("Đã hỗ trợ, chăm sóc y tế, tư vấn kịp thời"),
    "family_informed": _l("Đã thông báo cho gia đình"),
    "authorities_informed": _l("Đã báo cơ quan chức năng (111, công an, UBND xã)"),
}
LEVEL_LABELS = {
    "mam_non": _l("Mầm non"),
    "tieu_hoc": _l("Tiểu học"),
    "thcs": _l("THCS"),
    "lien_cap": _l("Liên cấp"),
}
# The fields a correction may change: their labels, and the labels of their values.
FIELD_LABELS = {
    "occurred_at": _l("Thời điểm xảy ra"),
    "place": _l("Nơi xảy ra"),
    "category": _l("Loại vụ việc"),
    "caused_by": _l("Người gây ra"),
    "severity": _l("Mức độ"),
    "summary": _l("Tóm tắt"),
    "description": _l("Mô tả sự việc"),
    "immediate_actions": _l("Biện pháp đã làm ngay"),
}
VALUE_LABELS = {
    "place": PLACE_LABELS,
    "category": CATEGORY_LABELS,
    "caused_by": CAUSER_LABELS,
    "severity": SEVERITY_LABELS,
}
EVENT_LABELS = {
    "created": _l("Tiếp nhận báo cáo"),
    "status": _l("Chuyển trạng thái"),
    "note": _l("Ghi chú"),
    "assignment": _l("Giao xử lý"),
    "referral": _l("Chuyển cơ quan chức năng"),
    "checklist": _l("Bước can thiệp"),
    "correction": _l("Đính chính"),
    "attachment": _l("Tệp đính kèm"),
}

# --- The state machine ------------------------------------------------------------------------

FORWARD = "forward"  # the principal of the school or an officer
OFFICER_ONLY = "officer"

# (from, to) -> (who may, what it requires)
TRANSITIONS = {
    ("reported", "verifying"): (FORWARD, ()),
    ("verifying", "handling"): (FORWARD, ()),
    ("verifying", "referred"): (FORWARD, ("agency", "referred_on")),
    ("handling", "referred"): (FORWARD, ("agency", "referred_on")),
    ("handling", "resolved"): (FORWARD, ("outcome",)),
    ("referred", "resolved"): (FORWARD, ("outcome",)),
    ("resolved", "closed"): (OFFICER_ONLY, ()),
    # DESIGN.md section 3: "an officer reviews it and closes it, or reopens it with a reason".
    ("resolved", "handling"): (OFFICER_ONLY, ("reason",)),
    ("closed", "handling"): (OFFICER_ONLY, ("reason",)),
}
OPEN_STATUSES = ("reported", "verifying", "handling", "referred")
ATTACHMENT_MAX_MB = 20
URGENT_HOURS = 12


class IncidentError(Exception):
    """A refused change; `status` is the HTTP answer, `errors` {field: message}."""

    status = 422

    def __init__(self, message="", errors=None):
        super().__init__(message)
        self.errors = errors or {}


class Forbidden(IncidentError):
    status = 403


class Conflict(IncidentError):
    status = 409

    def __init__(self, incident, changes):
        super().__init__("conflict")
        self.incident = incident
        self.changes = changes


def is_school_principal(user, incident):
    return user.role == access.PRINCIPAL and user.school_id == incident.school_id


def is_officer(user):
    return user.role == access.OFFICER


def may_transition(user, incident, to_status):
    rule = TRANSITIONS.get((incident.status, to_status))
    if not rule:
        return False
    who, _required = rule
    if who == OFFICER_ONLY:
        return is_officer(user)
    return is_officer(user) or is_school_principal(user, incident)


def allowed_next(user, incident):
    """The statuses this user may move this incident to, in workflow order."""
    order = {s: i for i, s in enumerate(STATUS_LABELS)}
    return sorted(
        (to for (frm, to) in TRANSITIONS if frm == incident.status
         and may_transition(user, incident, to)),
        key=order.get,
    )


def required_for(from_status, to_status):
    rule = TRANSITIONS.get((from_status, to_status))
    return rule[1] if rule else ()


def fields_needed(user, incident):
    """The extra fields some allowed next state of this incident requires (for the control)."""
    return {r for to in allowed_next(user, incident) for r in required_for(incident.status, to)}


def may_assign(user, incident):
    return is_officer(user) or is_school_principal(user, incident)


def may_add_note(user, incident):
    return may_assign(user, incident) or incident.assignee_id == user.id


may_tick = may_add_note


def may_correct(user, incident):
    return may_assign(user, incident) or incident.reported_by_id == user.id


def may_see_views(user, incident):
    return may_assign(user, incident)


def is_urgent(incident):
    return incident.severity == "critical" or incident.sensitive


# --- Helpers ----------------------------------------------------------------------------------


def write_transaction():
    """SQLite: take the write lock at BEGIN, so two writers queue instead of failing."""
    if is_sqlite():
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def _label(labels, code):
    return str(labels.get(code, code))


def _followers(incident, actor):
    ids = {incident.reported_by_id, incident.assignee_id} - {None, actor.id}
    return sorted(ids)


def _notify_change(incident, actor, message, **extra):
    notify(
        _followers(incident, actor), "incident", message, _link(incident),
        actor=actor.full_name, reference=incident.reference, school=incident.school.name,
        category=_label(CATEGORY_LABELS, incident.category), **extra,
    )


def _link(incident):
    return f"/incidents/{incident.id}"


def _event(incident, actor, kind, version, **fields):
    details = {"version": version, **(fields.pop("details", None) or {})}
    return IncidentEvent.create(incident=incident.id, actor=actor, kind=kind, details=details,
                                at=utcnow(), **fields)


def _bump(incident, expected_version, actor, **values):
    """The optimistic lock: update the row only if nobody changed it since `expected_version`."""
    now = utcnow()
    updated = (
        Incident.update(version=Incident.version + 1, updated_at=now, **values)
        .where(Incident.id == incident.id, Incident.version == expected_version)
        .execute()
    )
    if updated != 1:
        raise Conflict(Incident.get_by_id(incident.id), changes_since(incident.id,
                                                                      expected_version))
    for name, value in values.items():
        setattr(incident, name, value)
    incident.version = expected_version + 1
    incident.updated_at = now
    return incident.version


def changes_since(incident_id, version):
    """The timeline events recorded after `version` (who changed what), oldest first."""
    events = (
        IncidentEvent.select(IncidentEvent, User)
        .join(User, on=(IncidentEvent.actor == User.id))
        .where(IncidentEvent.incident == incident_id)
        .order_by(IncidentEvent.id.desc())
        .limit(20)
    )
    return [e for e in reversed(list(events)) if (e.details or {}).get("version", 0) > version]


# --- Reporting --------------------------------------------------------------------------------


def next_reference(year):
    """VV-YYYY-NNNN: the largest number of the year + 1, compared as a number (as text,
    "VV-2026-9999" sorts after "VV-2026-10000"); at least four digits, more when needed."""
    prefix = f"VV-{year}-"
    last = (
        Incident.select(fn.MAX(Cast(fn.SUBSTR(Incident.reference, len(prefix) + 1), "BIGINT")))
        .where(Incident.reference.startswith(prefix))
        .scalar()
    )
    number = int(last) + 1 if last else 1
    return f"{prefix}{number:04d}"


def create_incident(actor, school, data, students, referrals, now=None):
    """Record a new report. `data`: the incident's fields; `students`: dicts (full_name,
    class_name, sex, birth_year, role); `referrals`: {agency: date}."""
    now = now or utcnow()
    sensitive = data["category"] == "sexual_abuse" or bool(data.get("sensitive"))
    values = {
        "school": school.id,
        "reported_by": actor.id,
        "reported_at": now,
        "occurred_at": data["occurred_at"],
        "place": data["place"],
        "category": data["category"],
        "caused_by": data["caused_by"],
        "severity": data["severity"],
        "sensitive": sensitive,
        "summary": clean(data["summary"]),
        "summary_search": fold(data["summary"]),
        "description": (data.get("description") or "").strip(),
        "immediate_actions": (data.get("immediate_actions") or "").strip(),
        "status": "reported",
        "version": 1,
        "updated_at": now,
    }
    with write_transaction():
        for _attempt in range(20):
            try:
                with database.atomic():
                    incident = Incident.create(reference=next_reference(now.year), **values)
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - twenty collisions in a row
            raise IncidentError("reference")
        if students:
            IncidentStudent.insert_many(
                [{"incident": incident.id, **s} for s in students]
            ).execute()
        for agency, day in referrals.items():
            IncidentReferral.create(incident=incident.id, agency=agency, referred_on=day,
                                    created_by=actor, created_at=now)
        IncidentChecklistItem.insert_many(
            [{"incident": incident.id, "item": item} for item in CHECKLIST_ITEMS]
        ).execute()
        original = {name: values[name] for name in CORRECTABLE}
        original["occurred_at"] = values["occurred_at"].isoformat()
        _event(incident, actor, "created", 1, to_status="reported",
               details={"referrals": sorted(referrals), "original": original})
        record("incident.create", target=incident, actor=actor,
               details={"reference": incident.reference, "school": school.code,
                        "category": incident.category, "severity": incident.severity,
                        "sensitive": sensitive})
        principals = set(users_with_role(access.PRINCIPAL, school.id)) - {actor.id}
        notify(
            principals, "incident",
            N_("%(actor)s đã báo cáo vụ việc mới %(reference)s (%(school)s, %(category)s)."),
            _link(incident), actor=actor.full_name, reference=incident.reference,
            school=school.name, category=_label(CATEGORY_LABELS, incident.category),
        )
        if is_urgent(incident):
            _alert_officers(incident, actor, school)
    return incident


def _alert_officers(incident, actor, school):
    """Critical or sexual-abuse incidents: every officer, at once (no child data)."""
    notify(
        users_with_role(access.OFFICER), "incident_urgent",
        N_("Vụ việc %(severity)s mới %(reference)s tại %(school)s (%(category)s), "
           "do %(actor)s báo cáo."),
        _link(incident), severity=_label(SEVERITY_LABELS, incident.severity),
        reference=incident.reference, school=school.name,
        category=_label(CATEGORY_LABELS, incident.category), actor=actor.full_name,
    )


# --- Handling ---------------------------------------------------------------------------------


def change_status(actor, incident, expected_version, to_status, note="", outcome="",
                  agency="", referred_on=None, reason=""):
    if not may_transition(actor, incident, to_status):
        raise Forbidden("transition")
    required = required_for(incident.status, to_status)
    errors = {}
    if "agency" in required and agency not in AGENCY_LABELS:
        errors["agency"] = _l("Chọn cơ quan đã chuyển đến.")
    if "referred_on" in required and not referred_on:
        errors["referred_on"] = _l("Nhập ngày chuyển.")
    if "outcome" in required and outcome not in OUTCOME_LABELS:
        errors["outcome"] = _l("Chọn kết quả xử lý.")
    if "reason" in required and not clean(reason):
        errors["reason"] = _l("Mở lại vụ việc cần nêu lý do.")
    if errors:
        raise IncidentError("invalid", errors)
    from_status = incident.status
    values = {"status": to_status}
    if to_status == "resolved":
        values["outcome"] = outcome
    if to_status == "closed":
        values["closed_at"] = utcnow()
    if to_status == "handling" and from_status in ("resolved", "closed"):
        values["closed_at"] = None
    note = clean(note)
    with write_transaction():
        version = _bump(incident, expected_version, actor, **values)
        details = {}
        if to_status == "referred":
            IncidentReferral.create(incident=incident.id, agency=agency, referred_on=referred_on,
                                    note=note, created_by=actor)
            details = {"agency": agency, "referred_on": referred_on.isoformat()}
        if to_status == "resolved":
            details = {"outcome": outcome}
        if reason:
            details["reason"] = clean(reason)
        _event(incident, actor, "status", version, from_status=from_status,
               to_status=to_status, note=note, details=details)
        record("incident.status", target=incident, actor=actor,
               details={"from": from_status, "to": to_status, **details})
        _notify_change(
            incident, actor,
            N_("%(actor)s đã chuyển vụ việc %(reference)s (%(school)s, %(category)s) sang "
               "“%(status)s”."),
            status=_label(STATUS_LABELS, to_status),
        )
    return incident


def assign(actor, incident, expected_version, assignee_id, note=""):
    if not may_assign(actor, incident):
        raise Forbidden("assign")
    assignee = (
        User.select()
        .where(User.id == assignee_id, User.school == incident.school_id,
               User.role.in_(access.SCHOOL_USERS), User.active == True)  # noqa: E712
        .first()
    )
    if assignee is None:
        raise IncidentError("invalid", {"assignee": _l("Chọn một cán bộ, giáo viên của trường.")})
    with write_transaction():
        previous = incident.assignee_id
        version = _bump(incident, expected_version, actor, assignee=assignee.id)
        _event(incident, actor, "assignment", version, note=clean(note),
               details={"assignee": assignee.full_name, "previous": previous})
        record("incident.assign", target=incident, actor=actor,
               details={"assignee": assignee.id, "previous": previous})
        _notify_change(incident, actor,
                       N_("%(actor)s đã giao vụ việc %(reference)s (%(school)s, %(category)s) "
                          "cho %(assignee)s."),
                       assignee=assignee.full_name)
    return incident


CORRECTABLE = ("occurred_at", "place", "category", "caused_by", "severity", "summary",
               "description", "immediate_actions")


def correct(actor, incident, expected_version, changes, reason):
    """A correction: a new timeline event saying what changed and why. The original report
    stays in the first event and in the audit log; the incident row carries the current facts."""
    if not may_correct(actor, incident):
        raise Forbidden("correct")
    if not clean(reason):
        raise IncidentError("invalid", {"reason": _l("Nêu lý do đính chính.")})
    for name, labels in (("place", PLACE_LABELS), ("category", CATEGORY_LABELS),
                         ("caused_by", CAUSER_LABELS), ("severity", SEVERITY_LABELS)):
        if changes.get(name) and changes[name] not in labels:
            raise IncidentError("invalid", {"reason": _l("Giá trị không hợp lệ.")})
    diff = {}
    for name in CORRECTABLE:
        if name in changes and changes[name] not in (None, "") and changes[name] != getattr(
                incident, name):
            new = changes[name]
            old = getattr(incident, name)
            diff[name] = [old.isoformat() if hasattr(old, "isoformat") else old,
                          new.isoformat() if hasattr(new, "isoformat") else new]
    if not diff:
        raise IncidentError("invalid", {"reason": _l("Không có thông tin nào thay đổi.")})
    values = {name: changes[name] for name in diff}
    if "summary" in values:
        values["summary"] = clean(values["summary"])
        values["summary_search"] = fold(values["summary"])
    if values.get("category") == "sexual_abuse":
        values["sensitive"] = True
    was_urgent = is_urgent(incident)
    with write_transaction():
        version = _bump(incident, expected_version, actor, **values)
        if is_urgent(incident) and not was_urgent:
            _alert_officers(incident, actor, incident.school)
        _event(incident, actor, "correction", version, note=clean(reason),
               details={"changes": diff})
        record("incident.correct", target=incident, actor=actor,
               details={"fields": sorted(diff), "reason": clean(reason)})
        _notify_change(incident, actor,
                       N_("%(actor)s đã đính chính vụ việc %(reference)s (%(school)s, "
                          "%(category)s)."))
    return incident


def add_note(actor, incident, note):
    if not may_add_note(actor, incident):
        raise Forbidden("note")
    note = clean(note)
    if not note:
        raise IncidentError("invalid", {"note": _l("Nhập nội dung ghi chú.")})
    with database.atomic():
        _event(incident, actor, "note", incident.version, note=note)
        record("incident.note", target=incident, actor=actor)
        _notify_change(incident, actor,
                       N_("%(actor)s đã thêm ghi chú vào vụ việc %(reference)s (%(school)s, "
                          "%(category)s)."))


def tick(actor, incident, item, done, note=""):
    if not may_tick(actor, incident):
        raise Forbidden("tick")
    if item not in CHECKLIST_ITEMS:
        raise IncidentError("invalid", {"item": _l("Bước không hợp lệ.")})
    with database.atomic():
        row, _created = IncidentChecklistItem.get_or_create(incident=incident.id, item=item)
        if bool(row.done_at) == done:
            return row
        row.done_at = utcnow() if done else None
        row.done_by = actor.id if done else None
        row.note = clean(note)
        row.save()
        _event(incident, actor, "checklist", incident.version,
               note=clean(note), details={"item": item, "done": done})
        record("incident.checklist", target=incident, actor=actor,
               details={"item": item, "done": done})
    return row


def add_attachment(actor, incident, file_storage):
    from ..files import store

    with database.atomic():
        stored = store(file_storage, ["image", "pdf"], actor, max_mb=ATTACHMENT_MAX_MB)
        attachment = IncidentAttachment.create(incident=incident.id, file=stored.id)
        _event(incident, actor, "attachment", incident.version,
               details={"name": stored.original_name})
        record("incident.attach", target=incident, actor=actor,
               details={"file": stored.id, "size": stored.size})
    return attachment


def record_view(actor, incident):
    with database.atomic():
        IncidentView.create(incident=incident.id, user=actor.id, at=utcnow())
        record("incident.view", target=incident, actor=actor)


def record_download(actor, incident, attachment):
    record("incident.download", target=incident, actor=actor,
           details={"attachment": attachment.id})


# --- Reading ----------------------------------------------------------------------------------

SORTS = {
    "new": lambda: (Incident.reported_at.desc(), Incident.id.desc()),
    "old": lambda: (Incident.reported_at.asc(), Incident.id.asc()),
    "severity": lambda: (
        Case(None, [(Incident.severity == s, i) for i, s in
                    enumerate(("critical", "high", "medium", "low"))], 9).asc(),
        Incident.reported_at.desc(),
    ),
    "occurred": lambda: (Incident.occurred_at.desc(), Incident.id.desc()),
}


def filtered(user, args, with_status=True):
    """The incidents `user` may see, narrowed by the list's filters (a query)."""
    query = access.incidents_visible_to(user)
    if with_status and args.get("status"):
        query = query.where(Incident.status == args["status"])
    for field in ("category", "severity"):
        if args.get(field):
            query = query.where(getattr(Incident, field) == args[field])
    if args.get("school"):
        query = query.where(Incident.school == args["school"])
    if args.get("level"):
        query = query.where(Incident.school.in_(
            School.select(School.id).where(School.level == args["level"])))
    if args.get("date_from"):
        query = query.where(Incident.reported_at >= dt.datetime.combine(args["date_from"],
                                                                         dt.time.min))
    if args.get("date_to"):
        query = query.where(Incident.reported_at < dt.datetime.combine(
            args["date_to"] + dt.timedelta(days=1), dt.time.min))
    if args.get("mine"):
        query = query.where(Incident.assignee == user.id)
    if args.get("q"):
        term = fold(args["q"])
        query = query.where(Incident.summary_search.contains(term)
                            | fn.LOWER(Incident.reference).contains(term))
    return query


Reporter = User.alias("reporter")
Assignee = User.alias("assignee")


def list_page(user, args, page, per_page):
    """(rows, total) of one page, each row with its school, reporter, assignee and, for urgent
    open incidents, its open checklist items: a fixed number of queries."""
    base = filtered(user, args)
    total = base.count()
    sort = SORTS.get(args.get("sort")) or SORTS["new"]
    rows = list(
        base.select(Incident, School.id, School.name, Reporter.id, Reporter.full_name,
                    Assignee.id, Assignee.full_name)
        .join(School, on=(Incident.school == School.id))
        .switch(Incident)
        .join(Reporter, on=(Incident.reported_by == Reporter.id))
        .switch(Incident)
        .join(Assignee, JOIN.LEFT_OUTER, on=(Incident.assignee == Assignee.id))
        .order_by(*sort())
        .paginate(page, per_page)
    )
    attach_open_items(rows)
    return rows, total


def attach_open_items(incidents):
    """incident.open_items: the open checklist items of urgent open incidents (one query)."""
    urgent = [i.id for i in incidents if is_urgent(i) and i.status in OPEN_STATUSES]
    open_items = {}
    if urgent:
        for row in (IncidentChecklistItem.select()
                    .where(IncidentChecklistItem.incident.in_(urgent),
                           IncidentChecklistItem.done_at.is_null())):
            open_items.setdefault(row.incident_id, []).append(row.item)
    order = {item: i for i, item in enumerate(CHECKLIST_ITEMS)}
    for incident in incidents:
        incident.open_items = sorted(open_items.get(incident.id, []), key=order.get)


def hours_since(moment, now=None):
    return int(((now or utcnow()) - moment).total_seconds() // 3600)


def counters(user, args=None):
    """{status: count} for what `user` sees under the list's filters (one query)."""
    query = filtered(user, args or {}, with_status=False)
    rows = (query.select(Incident.status, fn.COUNT(Incident.id).alias("n"))
            .group_by(Incident.status).order_by(Incident.status).tuples())
    found = dict(rows)
    counts = {status: found.get(status, 0) for status in STATUS_LABELS}
    counts["all"] = sum(found.values())
    return counts


def detail_context(user, incident):
    """Everything the detail page shows, in a fixed number of queries."""
    students = list(incident.students.order_by(IncidentStudent.id))
    events = list(
        IncidentEvent.select(IncidentEvent, User)
        .join(User, on=(IncidentEvent.actor == User.id))
        .where(IncidentEvent.incident == incident.id)
        .order_by(IncidentEvent.at, IncidentEvent.id)
    )
    checklist = {row.item: row for row in IncidentChecklistItem.select(IncidentChecklistItem, User)
                 .join(User, JOIN.LEFT_OUTER, on=(IncidentChecklistItem.done_by == User.id))
                 .where(IncidentChecklistItem.incident == incident.id)}
    referrals = list(incident.referrals.order_by(IncidentReferral.referred_on))
    attachments = list(
        IncidentAttachment.select(IncidentAttachment, IncidentAttachment.file.rel_model)
        .join(IncidentAttachment.file.rel_model)
        .where(IncidentAttachment.incident == incident.id)
        .order_by(IncidentAttachment.id)
    )
    views = []
    if may_see_views(user, incident):
        views = list(
            IncidentView.select(IncidentView.user, User.full_name,
                                fn.MAX(IncidentView.at).alias("last"),
                                fn.COUNT(IncidentView.id).alias("times"))
            .join(User, on=(IncidentView.user == User.id))
            .where(IncidentView.incident == incident.id)
            .group_by(IncidentView.user, User.full_name)
            .order_by(fn.MAX(IncidentView.at).desc())
            .dicts()
        )
    assignable = []
    if may_assign(user, incident):
        assignable = list(
            User.select(User.id, User.full_name)
            .where(User.school == incident.school_id, User.role.in_(access.SCHOOL_USERS),
                   User.active == True)  # noqa: E712
            .order_by(User.name_key)
        )
    return {
        "students": students,
        "events": events,
        "checklist": checklist,
        "referrals": referrals,
        "attachments": attachments,
        "views": views,
        "assignable": assignable,
    }


def aggregates(user, year=None):
    """Counts by category, school level, severity and month: never a name or a narrative.
    Four GROUP BY queries whatever the number of incidents."""
    query = access.incident_aggregates_scope(user)
    if year:
        query = query.where(Incident.reported_at >= dt.datetime(year, 1, 1),
                            Incident.reported_at < dt.datetime(year + 1, 1, 1))

    def grouped(*columns, join_school=False):
        q = query.select(*columns, fn.COUNT(Incident.id).alias("n"))
        if join_school:
            q = q.join(School, on=(Incident.school == School.id))
        return q.group_by(*columns).tuples()

    by_category = Counter(dict(grouped(Incident.category)))
    by_severity = Counter(dict(grouped(Incident.severity)))
    by_level = Counter(dict(grouped(School.level, join_school=True)))
    by_month = Counter()
    for y, m, n in grouped(Incident.reported_at.year, Incident.reported_at.month):
        by_month[f"{int(y):04d}-{int(m):02d}"] += n
    return {
        "category": [(code, by_category.get(code, 0)) for code in CATEGORY_LABELS],
        "severity": [(code, by_severity.get(code, 0)) for code in SEVERITY_LABELS],
        "level": [(code, by_level.get(code, 0)) for code in LEVEL_LABELS],
        "month": sorted(by_month.items()),
        "total": sum(by_category.values()),
    }


def small(n):
    """Counts under 5 are shown as "<5" so that nobody can be singled out."""
    return "<5" if 0 < n < 5 else str(n)


SMALL = "<5"  # a count from 1 to 4 (primary suppression)
HIDDEN = "*"  # a count of 5 or more hidden so that no "<5" can be computed (complementary)


def _bounds(values, marks):
    """What someone who knows the table's total, the cells shown and the rule of `protect` can
    tell about each suppressed cell: {index: (lowest, highest)}. A "<5" is 1-4; the hidden cell
    is at least 5 and, being the smallest other non-zero cell (the first one on a tie), below
    every shown cell before it and not above any shown cell after it. With box bounds and one
    known sum, every integer between the two bounds is possible (and gives the same display)."""
    total = sum(values)
    shown = [n for n, m in zip(values, marks, strict=True) if m is None]
    rest = total - sum(shown)
    box = {}
    for i, mark in enumerate(marks):
        if mark == SMALL:
            box[i] = (1, 4)
        elif mark == HIDDEN:
            ceiling = min([values[j] - 1 for j in range(i) if marks[j] is None and values[j]]
                          + [values[j] for j in range(i + 1, len(values))
                             if marks[j] is None and values[j]], default=total)
            box[i] = (5, ceiling)
    low_sum = sum(lo for lo, _hi in box.values())
    high_sum = sum(hi for _lo, hi in box.values())
    return {i: (max(lo, rest - (high_sum - hi)), min(hi, rest - (low_sum - lo)))
            for i, (lo, hi) in box.items()}


def protect(values):
    """The marks of one table of counts that add up to a total the reader may know: None (shown),
    SMALL (a count of 1-4) or HIDDEN; or None for the whole table (withheld). When a table has
    a "<5", the smallest other non-zero cell is hidden too (complementary suppression), so the
    "<5" cannot be computed by subtraction from the total. If even then some suppressed cell
    has only one possible value, the table is withheld. The decision to withhold depends only
    on what the display shows, so it tells nothing more. See docs/incidents-decisions.md."""
    marks = [SMALL if 0 < n < 5 else None for n in values]
    if SMALL not in marks:
        return marks
    candidates = [i for i, n in enumerate(values) if marks[i] is None and n > 0]
    if candidates:
        marks[min(candidates, key=lambda i: (values[i], i))] = HIDDEN
    if all(hi > lo for lo, hi in _bounds(values, marks).values()):
        return marks
    return None


def shown_table(rows, exact):
    """[(code, text)] of one table of (code, count) rows, or None when withheld. Officers see
    exact counts; anyone else sees "<5" and the complementary "*"."""
    if exact:
        return [(code, str(n)) for code, n in rows]
    marks = protect([n for _code, n in rows])
    if marks is None:
        return None
    return [(code, mark or str(n)) for (code, n), mark in zip(rows, marks, strict=True)]


def parse_time(value):
    """A time stored as ISO text in an event (naive UTC), back to a datetime for |datetime."""
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None


def parse_day(value):
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None


def home_figures(user):
    """The home card of each role: a few counts, two queries at most."""
    if user.role == access.OBSERVER:
        data = aggregates(user, year=utcnow().year)
        return {"total": data["total"], "category": data["category"]}
    counts = counters(user)
    open_count = sum(counts[s] for s in OPEN_STATUSES)
    urgent = (access.incidents_visible_to(user)
              .where(Incident.status.in_(OPEN_STATUSES),
                     (Incident.severity == "critical") | (Incident.sensitive == True))  # noqa: E712
              .count())
    mine = 0
    if user.role in access.SCHOOL_USERS:
        mine = (access.incidents_visible_to(user)
                .where(Incident.assignee == user.id, Incident.status.in_(OPEN_STATUSES)).count())
    return {"counts": counts, "open": open_count, "urgent": urgent, "mine": mine}
