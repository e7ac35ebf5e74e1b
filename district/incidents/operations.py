"""Every write on incidents: report, change status, assign, note, tick, correct, attach, and the
record of who opened one. Each is one transaction with its timeline event, its audit entry and
its notifications (no child data in them: who, which school, which category, a link).

Writes that change the incident row (status, assignment, correction) go through optimistic
locking on Incident.version: UPDATE ... WHERE id = ? AND version = ?; no row means someone else
changed it first (Conflict). Who may do what is asked of district/access.py.
"""

from peewee import Cast, IntegrityError, fn

from .. import access, clock
from ..audit import record
from ..db import database, is_sqlite
from ..files import store
from ..i18n import N_
from ..i18n import lazy_gettext as _l
from ..models import (
    Incident,
    IncidentAttachment,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentReferral,
    IncidentStudent,
    IncidentView,
    User,
)
from ..notifications.operations import notify, users_with_role
from ..text import clean, fold
from ..vocabulary import OFFICER, PRINCIPAL
from . import tallies
from .queries import assignable_users
from .vocabulary import (
    AGENCY_LABELS,
    CATEGORIES,
    CATEGORY_LABELS,
    CAUSER_LABELS,
    CHECKLIST_ITEMS,
    OUTCOME_LABELS,
    PLACE_LABELS,
    SEVERITIES,
    SEVERITY_LABELS,
    STATUSES,
)
from .workflow import fields_for, is_reopening, is_urgent, resolves_with_open_steps

ATTACHMENT_MAX_MB = 20
CORRECTABLE = ("occurred_at", "place", "category", "caused_by", "severity", "summary",
               "description", "immediate_actions")


class IncidentError(Exception):
    """A refused change; `status` is the HTTP answer, `errors` {field: message}."""

    status = 422

    def __init__(self, message="", errors=None):
        super().__init__(message)
        self.errors = errors or {}


class Forbidden(IncidentError):
    status = 403


class Conflict(IncidentError):
    """Someone changed the incident since `version` was read: `incident` is the row as it is
    now."""

    status = 409

    def __init__(self, incident):
        super().__init__("conflict")
        self.incident = incident


# --- Helpers ----------------------------------------------------------------------------------


def write_transaction():
    """SQLite: take the write lock at BEGIN, so two writers queue instead of failing."""
    if is_sqlite():
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def link(incident):
    """Where a notification about `incident` points: the plain path of its page, so opening it
    marks the notification read."""
    return f"/incidents/{incident.id}"


def _about(incident, school=None):
    """A notification's parameters naming an incident: no child data. Labels are stored as
    msgids (`*_label`) and translated when the notification is read."""
    return {"reference": incident.reference, "school": (school or incident.school).name,
            "category_label": CATEGORIES.get(incident.category, incident.category)}


def _notify_followers(incident, actor, message, **extra):
    followers = {incident.reported_by_id, incident.assignee_id} - {None, actor.id}
    notify(followers, "incident", message, link(incident), actor=actor.full_name,
           **_about(incident), **extra)


def _event(incident, actor, kind, version, **fields):
    details = {"version": version, **(fields.pop("details", None) or {})}
    return IncidentEvent.create(incident=incident.id, actor=actor, kind=kind, details=details,
                                at=clock.utcnow(), **fields)


def _bump(incident, expected_version, **values):
    """The optimistic lock: update the row only if nobody changed it since `expected_version`."""
    now = clock.utcnow()
    before = {name: getattr(incident, name) for name in values}
    updated = (
        Incident.update(version=Incident.version + 1, updated_at=now, **values)
        .where(Incident.id == incident.id, Incident.version == expected_version)
        .execute()
    )
    if updated != 1:
        raise Conflict(Incident.get_by_id(incident.id))
    tallies.changed(incident, before, values)
    for name, value in values.items():
        setattr(incident, name, value)
    incident.version = expected_version + 1
    incident.updated_at = now
    return incident.version


def open_steps(incident):
    """The intervention checklist items not done yet, in checklist order (one query)."""
    found = {row.item for row in IncidentChecklistItem
             .select(IncidentChecklistItem.item)
             .where(IncidentChecklistItem.incident == incident.id,
                    IncidentChecklistItem.done_at.is_null())}
    return [item for item in CHECKLIST_ITEMS if item in found]


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


def report(actor, school, data, students, referrals, now=None):
    """Record a new report. `data`: the incident's fields (occurred_at in UTC); `students`:
    dicts (full_name, class_name, sex, birth_year, role); `referrals`: {agency: date}. The
    reference is numbered within the office's local year."""
    now = now or clock.utcnow()
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
    year = clock.local_date(now).year
    with write_transaction():
        for _attempt in range(20):
            try:
                with database.atomic():
                    incident = Incident.create(reference=next_reference(year), **values)
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
        tallies.reported(incident, school)
        original = {name: values[name] for name in CORRECTABLE}
        original["occurred_at"] = values["occurred_at"].isoformat()
        _event(incident, actor, "created", 1, to_status="reported",
               details={"referrals": sorted(referrals), "original": original})
        record("incident.create", target=incident, actor=actor,
               details={"reference": incident.reference, "school": school.code,
                        "category": incident.category, "severity": incident.severity,
                        "sensitive": sensitive})
        principals = set(users_with_role(PRINCIPAL, school.id)) - {actor.id}
        notify(principals, "incident",
               N_("%(actor)s đã báo cáo vụ việc mới %(reference)s (%(school)s, "
                  "%(category_label)s)."),
               link(incident), actor=actor.full_name, **_about(incident, school))
        if is_urgent(incident):
            _alert_officers(incident, actor, school)
    return incident


def _alert_officers(incident, actor, school):
    """Critical or sexual-abuse incidents: every officer, at once (no child data)."""
    notify(users_with_role(OFFICER), "incident_urgent",
           N_("Vụ việc %(severity_label)s mới %(reference)s tại %(school)s (%(category_label)s), "
              "do %(actor)s báo cáo."),
           link(incident), severity_label=SEVERITIES.get(incident.severity, incident.severity),
           actor=actor.full_name, **_about(incident, school))


# --- Handling ---------------------------------------------------------------------------------


def _check_status_fields(required, outcome, agency, referred_on, reason, reopening):
    errors = {}
    if "agency" in required and agency not in AGENCY_LABELS:
        errors["agency"] = _l("Chọn cơ quan đã chuyển đến.")
    if "referred_on" in required and not referred_on:
        errors["referred_on"] = _l("Nhập ngày chuyển.")
    if "outcome" in required and outcome not in OUTCOME_LABELS:
        errors["outcome"] = _l("Chọn kết quả xử lý.")
    if "reason" in required and not clean(reason):
        errors["reason"] = (_l("Mở lại vụ việc cần nêu lý do.") if reopening else
                            _l("Còn bước can thiệp chưa làm: nêu lý do kết thúc xử lý."))
    if errors:
        raise IncidentError("invalid", errors)


def change_status(actor, incident, expected_version, to_status, note="", outcome="",
                  agency="", referred_on=None, reason=""):
    """Move the incident to `to_status`. Resolving it while intervention steps are open needs a
    reason, recorded in the timeline with the steps left open."""
    if not access.may_transition(actor, incident, to_status):
        raise Forbidden("transition")
    from_status = incident.status
    left_open = open_steps(incident) if to_status == "resolved" else []
    required = fields_for(from_status, to_status, left_open)
    _check_status_fields(required, outcome, agency, referred_on, reason,
                         is_reopening(from_status, to_status))
    values = {"status": to_status}
    if to_status == "resolved":
        values["outcome"] = outcome
    if to_status == "closed":
        values["closed_at"] = clock.utcnow()
    if is_reopening(from_status, to_status):
        values["closed_at"] = None
    note = clean(note)
    details = {}
    if to_status == "referred":
        details = {"agency": agency, "referred_on": referred_on.isoformat()}
    if to_status == "resolved":
        details = {"outcome": outcome}
    if resolves_with_open_steps(to_status, left_open):
        details["open_steps"] = left_open
    if "reason" in required:
        details["reason"] = clean(reason)
    with write_transaction():
        version = _bump(incident, expected_version, **values)
        if to_status == "referred":
            IncidentReferral.create(incident=incident.id, agency=agency, referred_on=referred_on,
                                    note=note, created_by=actor)
        _event(incident, actor, "status", version, from_status=from_status,
               to_status=to_status, note=note, details=details)
        record("incident.status", target=incident, actor=actor,
               details={"from": from_status, "to": to_status, **details})
        _notify_followers(
            incident, actor,
            N_("%(actor)s đã chuyển vụ việc %(reference)s (%(school)s, %(category_label)s) "
               "sang “%(status_label)s”."),
            status_label=STATUSES[to_status],
        )
    return incident


def assign(actor, incident, expected_version, assignee_id, note=""):
    if not access.may_assign(actor, incident):
        raise Forbidden("assign")
    assignee = assignable_users(incident.school_id).where(
        User.id == assignee_id).first()
    if assignee is None:
        raise IncidentError("invalid", {"assignee": _l("Chọn một cán bộ, giáo viên của trường.")})
    with write_transaction():
        previous = incident.assignee_id
        version = _bump(incident, expected_version, assignee=assignee.id)
        _event(incident, actor, "assignment", version, note=clean(note),
               details={"assignee": assignee.full_name, "previous": previous})
        record("incident.assign", target=incident, actor=actor,
               details={"assignee": assignee.id, "previous": previous})
        _notify_followers(incident, actor,
                          N_("%(actor)s đã giao vụ việc %(reference)s (%(school)s, "
                             "%(category_label)s) cho %(assignee)s."),
                          assignee=assignee.full_name)
    return incident


def _diff(incident, changes):
    """{field: [before, after]} of the correctable fields that `changes` really changes."""
    for name, labels in (("place", PLACE_LABELS), ("category", CATEGORY_LABELS),
                         ("caused_by", CAUSER_LABELS), ("severity", SEVERITY_LABELS)):
        if changes.get(name) and changes[name] not in labels:
            raise IncidentError("invalid", {"reason": _l("Giá trị không hợp lệ.")})
    diff = {}
    for name in CORRECTABLE:
        new, old = changes.get(name), getattr(incident, name)
        if new not in (None, "") and new != old:
            diff[name] = [old.isoformat() if hasattr(old, "isoformat") else old,
                          new.isoformat() if hasattr(new, "isoformat") else new]
    if not diff:
        raise IncidentError("invalid", {"reason": _l("Không có thông tin nào thay đổi.")})
    return diff


def correct(actor, incident, expected_version, changes, reason):
    """A correction: a new timeline event saying what changed and why. The original report
    stays in the first event and in the audit log; the incident row carries the current facts."""
    if not access.may_correct(actor, incident):
        raise Forbidden("correct")
    if not clean(reason):
        raise IncidentError("invalid", {"reason": _l("Nêu lý do đính chính.")})
    diff = _diff(incident, changes)
    values = {name: changes[name] for name in diff}
    if "summary" in values:
        values["summary"] = clean(values["summary"])
        values["summary_search"] = fold(values["summary"])
    if values.get("category") == "sexual_abuse":
        values["sensitive"] = True
    was_urgent = is_urgent(incident)
    with write_transaction():
        version = _bump(incident, expected_version, **values)
        if is_urgent(incident) and not was_urgent:
            _alert_officers(incident, actor, incident.school)
        _event(incident, actor, "correction", version, note=clean(reason),
               details={"changes": diff})
        record("incident.correct", target=incident, actor=actor,
               details={"fields": sorted(diff), "reason": clean(reason)})
        _notify_followers(incident, actor,
                          N_("%(actor)s đã đính chính vụ việc %(reference)s (%(school)s, "
                             "%(category_label)s)."))
    return incident


def add_note(actor, incident, note):
    if not access.may_add_note(actor, incident):
        raise Forbidden("note")
    note = clean(note)
    if not note:
        raise IncidentError("invalid", {"note": _l("Nhập nội dung ghi chú.")})
    with database.atomic():
        _event(incident, actor, "note", incident.version, note=note)
        record("incident.note", target=incident, actor=actor)
        _notify_followers(incident, actor,
                          N_("%(actor)s đã thêm ghi chú vào vụ việc %(reference)s (%(school)s, "
                             "%(category_label)s)."))


def tick(actor, incident, item, done, note=""):
    if not access.may_tick(actor, incident):
        raise Forbidden("tick")
    if item not in CHECKLIST_ITEMS:
        raise IncidentError("invalid", {"item": _l("Bước không hợp lệ.")})
    with database.atomic():
        row, _created = IncidentChecklistItem.get_or_create(incident=incident.id, item=item)
        if bool(row.done_at) == done:
            return row
        row.done_at = clock.utcnow() if done else None
        row.done_by = actor.id if done else None
        row.note = clean(note)
        row.save()
        _event(incident, actor, "checklist", incident.version,
               note=clean(note), details={"item": item, "done": done})
        record("incident.checklist", target=incident, actor=actor,
               details={"item": item, "done": done})
    return row


def add_attachment(actor, incident, file_storage):
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
        IncidentView.create(incident=incident.id, user=actor.id, at=clock.utcnow())
        record("incident.view", target=incident, actor=actor)


def record_download(actor, incident, attachment):
    record("incident.download", target=incident, actor=actor,
           details={"attachment": attachment.id})
