"""Every write of activities. Each is one `with database.atomic():` holding the write and its
audit entry: record an activity (a school's, or a training of the office with the schools and
people who attended), change one (a conditional UPDATE on its version; what changed kept as an
ActivityRevision), a school's head counts for a school year, and the exports and downloads
(audited too).

Files are checked by content before the transaction (district/files.py) and stored in it. An
office counseling training that changes who attended checks the rosters of those schools again
in the same transaction (rosters.operations.recheck_training), so their trained counts follow.
"""

from peewee import IntegrityError

from .. import clock
from ..audit import record
from ..db import database
from ..files import UploadError, read_checked, store_bytes
from ..i18n import gettext as _
from ..models import (
    Activity,
    ActivityAttendee,
    ActivityDirective,
    ActivityFile,
    ActivityRevision,
    Directive,
    StaffCount,
    StoredFile,
    User,
)
from ..rosters.operations import recheck_training
from ..text import clean, fold
from . import years
from .formats import coverage_xlsx
from .vocabulary import FILE_CONTENT, FILE_KINDS, GROUPS, MAX_FILES, STAFF_GROUPS

# The activity's own fields an edit compares (and the history names).
FIELDS = ("kind", "held_on", "title", "presenter", "presenter_name", "sessions", "hours",
          *GROUPS, "counseling", "summary")


class ActivityError(ValueError):
    """A refused write; `errors` is {field: translated message}."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Conflict(ActivityError):
    """Someone changed the activity since the form was shown: `activity` is the row as it is
    now."""

    def __init__(self, activity):
        super().__init__({"version": _("Hoạt động vừa được người khác sửa.")})
        self.activity = activity


# --- Files ---------------------------------------------------------------------------------------


def checked_uploads(uploads):
    """{kind: [(bytes, mime, name)]} of the files chosen, each checked by its content (PDF,
    image, DOCX); ActivityError naming the field of the first file refused. Nothing stored."""
    checked, errors = {}, {}
    for kind in FILE_KINDS:
        files = uploads.get(kind) or []
        if len(files) > MAX_FILES:
            errors[kind] = _("Tối đa %(n)d tệp mỗi lần.", n=MAX_FILES)
            continue
        for storage in files:
            try:
                data, mime = read_checked(storage, FILE_CONTENT)
            except UploadError as exc:
                errors[kind] = str(exc)
                break
            checked.setdefault(kind, []).append((data, mime, storage.filename or "tep"))
    if errors:
        raise ActivityError(errors)
    return checked


def _store(actor, activity, checked):
    names = []
    for kind, files in checked.items():
        for data, mime, name in files:
            stored = store_bytes(data, name, mime, actor)
            ActivityFile.create(activity=activity.id, file=stored, kind=kind, added_by=actor,
                                added_at=clock.utcnow())
            names.append(stored.original_name)
    return names


# --- Recording and changing ----------------------------------------------------------------------


def _derived(values):
    return {**values, "school_year": years.year_of(values["held_on"]),
            "title_search": fold(values["title"])}


def _people(activity, school, attendees):
    """Attendee rows: accounts of the school ({"user_id"}) or names of a school
    ({"school_id", "full_name"})."""
    user_ids = [a["user_id"] for a in attendees if a.get("user_id")]
    users = {u.id: u for u in User.select(User.id, User.full_name, User.school)
             .where(User.id.in_(user_ids))} if user_ids else {}
    rows = []
    for a in attendees:
        if a.get("user_id"):
            user = users.get(a["user_id"])
            if user is None:
                continue
            rows.append({"activity": activity.id, "school": user.school_id, "user": user.id,
                         "full_name": user.full_name, "name_search": fold(user.full_name)})
        else:
            name = clean(a["full_name"])[:150]
            rows.append({"activity": activity.id, "school": a["school_id"], "user": None,
                         "full_name": name, "name_search": fold(name)})
    return rows


def _key(row):
    return (row["school"], row["user"], row["name_search"])


def _trained_schools(activity, rows):
    """The schools whose rosters an office counseling training touches."""
    if activity.school_id is None and activity.counseling:
        return {r["school"] for r in rows}
    return set()


def record_activity(actor, school, values, directive_ids, attendees, checked_files):
    """A new activity of `school` (None: the office's own training); returns it.
    `values`: the form's fields; `checked_files` from `checked_uploads`."""
    now = clock.utcnow()
    values = _derived(values)
    if school is not None:
        values["counseling"] = False
    with database.atomic():
        activity = Activity.create(school=school, created_by=actor, created_at=now,
                                   updated_at=now, version=1, **values)
        if directive_ids:
            ActivityDirective.insert_many(
                [{"activity": activity.id, "directive": d} for d in directive_ids]).execute()
        rows = _people(activity, school, attendees)
        if rows:
            ActivityAttendee.insert_many(rows).execute()
        files = _store(actor, activity, checked_files)
        ActivityRevision.create(activity=activity.id, version=1, changed_by=actor, changed_at=now,
                                changes={"created": True})
        rechecked = recheck_training(_trained_schools(activity, rows))
        record("activity.create", target=activity, actor=actor, details={
            "school": school.code if school else None, "kind": activity.kind,
            "held_on": activity.held_on.isoformat(), "title": activity.title,
            "directives": _numbers(directive_ids), "attendees": len(rows), "files": files,
            "counts": {g: values.get(g, 0) for g in GROUPS}, "rosters_changed_state": rechecked})
    return activity


def _numbers(directive_ids):
    if not directive_ids:
        return []
    return [n for (n,) in Directive.select(Directive.number)
            .where(Directive.id.in_(list(directive_ids))).order_by(Directive.number).tuples()]


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def change_activity(actor, activity, expected_version, values, directive_ids, attendees,
                    checked_files, removed_file_ids=()):
    """Change `activity` as the form says, if nobody changed it since `expected_version`
    (else Conflict, nothing written). What changed is kept as a revision and in the audit log;
    an edit that changes nothing writes nothing. Returns the changes ({} for none)."""
    if expected_version != activity.version:
        raise Conflict(Activity.get_by_id(activity.id))
    values = _derived(values)
    if activity.school_id is not None:
        values["counseling"] = False
    changes = {name: [_plain(getattr(activity, name)), _plain(values[name])]
               for name in FIELDS if name in values and getattr(activity, name) != values[name]}
    now = clock.utcnow()
    with database.atomic():
        old_directives = {d for (d,) in ActivityDirective.select(ActivityDirective.directive)
                          .where(ActivityDirective.activity == activity.id).tuples()}
        new_directives = set(directive_ids)
        if old_directives != new_directives:
            changes["directives"] = {"added": _numbers(new_directives - old_directives),
                                     "removed": _numbers(old_directives - new_directives)}
        old_people = {_key(r): r for r in ActivityAttendee.select().where(
            ActivityAttendee.activity == activity.id).dicts()}
        new_people = {_key(r): r for r in _people(activity, activity.school, attendees)}
        added = [r for k, r in new_people.items() if k not in old_people]
        removed = [r for k, r in old_people.items() if k not in new_people]
        if added or removed:
            changes["attendees"] = {"added": [r["full_name"] for r in added],
                                    "removed": [r["full_name"] for r in removed]}
        removable = list(ActivityFile.select(ActivityFile, StoredFile).join(StoredFile)
                         .where(ActivityFile.activity == activity.id,
                                ActivityFile.active == True,  # noqa: E712
                                ActivityFile.id.in_(list(removed_file_ids) or [0])))
        if not changes and not checked_files and not removable:
            return {}
        bumped = (Activity.update(version=Activity.version + 1, updated_at=now, **values)
                  .where(Activity.id == activity.id, Activity.version == expected_version)
                  .execute())
        if bumped != 1:
            raise Conflict(Activity.get_by_id(activity.id))
        if old_directives != new_directives:
            ActivityDirective.delete().where(
                ActivityDirective.activity == activity.id,
                ActivityDirective.directive.in_(list(old_directives - new_directives) or [0]),
            ).execute()
            if new_directives - old_directives:
                ActivityDirective.insert_many(
                    [{"activity": activity.id, "directive": d}
                     for d in sorted(new_directives - old_directives)]).execute()
        if removed:
            ActivityAttendee.delete().where(
                ActivityAttendee.id.in_([r["id"] for r in removed])).execute()
        if added:
            ActivityAttendee.insert_many(added).execute()
        if removable:
            ActivityFile.update(active=False).where(
                ActivityFile.id.in_([f.id for f in removable])).execute()
            changes["files_removed"] = [f.file.original_name for f in removable]
        stored = _store(actor, activity, checked_files)
        if stored:
            changes["files_added"] = stored
        version = expected_version + 1
        ActivityRevision.create(activity=activity.id, version=version, changed_by=actor,
                                changed_at=now, changes=changes)
        touched = set()
        if activity.school_id is None and (activity.counseling or values.get("counseling")):
            touched = {r["school"] for r in (*old_people.values(), *new_people.values())}
        rechecked = recheck_training(touched)
        record("activity.update", target=activity, actor=actor, details={
            "version": version, "changes": changes, "rosters_changed_state": rechecked})
    for name, value in values.items():
        setattr(activity, name, value)
    activity.version = version
    activity.updated_at = now
    return changes


# --- Head counts ---------------------------------------------------------------------------------


def set_staff_counts(actor, school, year, counts):
    """The school's head counts for school year `year` (a new row, or the year's row changed)."""
    now = clock.utcnow()
    counts = {g: int(counts[g]) for g in STAFF_GROUPS}
    with database.atomic():
        row = StaffCount.get_or_none(StaffCount.school == school.id,
                                     StaffCount.school_year == year)
        before = {g: getattr(row, g) for g in STAFF_GROUPS} if row else None
        if row is None:
            try:
                with database.atomic():
                    StaffCount.create(school=school.id, school_year=year, updated_by=actor,
                                      updated_at=now, **counts)
            except IntegrityError:  # created meanwhile by another request: change it
                row = True
        if row is not None:
            StaffCount.update(updated_by=actor, updated_at=now, **counts).where(
                StaffCount.school == school.id, StaffCount.school_year == year).execute()
        record("staff_count.set", target_type="school", target=school.id, actor=actor,
               details={"school": school.code, "school_year": years.label(year),
                        "before": before, "after": counts})


# --- Exports and downloads (audited) -------------------------------------------------------------


def export_coverage(actor, rows, filters):
    """The coverage as XLSX bytes (written row by row), with its audit entry."""
    data, count = coverage_xlsx(rows, _("Năm học %(year)s", year=years.label(filters["year"])))
    with database.atomic():
        record("activity.export", target_type="activity", actor=actor,
               details={"format": "xlsx", "rows": count,
                        "filters": {k: v for k, v in filters.items() if v}})
    return data


def record_download(actor, activity, activity_file):
    with database.atomic():
        record("activity.file_download", target=activity, actor=actor,
               details={"file": activity_file.file_id, "kind": activity_file.kind})
