"""Every write of rosters. Each operation is one `with database.atomic():` holding the write and
its audit entry: a new version (saved, or a member added, changed or removed in place), the rule
set the office puts in force, an upload's preview and its confirmation, and the exports (which
are audited too).
"""

from peewee import IntegrityError

from ..audit import record
from ..clock import utcnow
from ..db import database
from ..files import store_bytes, upload_dir
from ..i18n import gettext as _
from ..models import Roster, RosterMember, RosterUpload, School, Setting
from .formats import XLSX_MIME, FileRefused, coverage_bytes, coverage_table, read_roster, workbook
from .members import (
    RosterError,
    StaleRoster,
    diff_members,
    member_dict,
    member_values,
    with_office_training,
)
from .queries import comparison, current_roster, members_of, office_trainings, upload_of
from .rules import SETTING_KEY, check_roster, rule_set_in_force, selectable_rule_sets
from .vocabulary import MAX_MEMBERS


def _changed_meanwhile():
    return StaleRoster(_("Danh sách vừa được người khác cập nhật; hãy tải lại trang."))


# --- Versions ------------------------------------------------------------------------------


def save_version(actor, school, members, source_file=None, expected_version=None,
                 action="roster.save", note=None):
    """A new version of the school's roster with `members` (dicts); returns it.

    `expected_version` is the version the user edited: if another version was saved since,
    StaleRoster is raised and nothing is written."""
    if len(members) > MAX_MEMBERS:
        raise RosterError(_("Tổ không được quá %(n)d thành viên.", n=MAX_MEMBERS))
    cleaned = [member_values(m) for m in members]
    result = check_roster(_as_checked(school.id, cleaned), school.level)
    with database.atomic():
        previous = current_roster(school.id)
        base = previous.version if previous else 0
        if expected_version is not None and base != expected_version:
            raise _changed_meanwhile()
        old = [member_dict(m) for m in members_of(previous)]
        try:
            with database.atomic():
                Roster.update(is_current=False).where(
                    Roster.school == school.id, Roster.is_current == True  # noqa: E712
                ).execute()
                roster = Roster.create(
                    school=school, version=base + 1, submitted_by=actor,
                    source_file=source_file, rule_set=result["rule_set"],
                    state=result["state"], result=result, member_count=len(cleaned),
                    trained_count=result["trained_count"], is_current=True,
                )
        except IntegrityError as exc:
            raise _changed_meanwhile() from exc
        if cleaned:
            RosterMember.insert_many(
                [{**m, "roster": roster.id, "position_no": i}
                 for i, m in enumerate(cleaned, start=1)]
            ).execute()
        record(action, target=roster, actor=actor,
               details={"school": school.code, "version": roster.version,
                        "state": result["state"], "rule_set": result["rule_set"],
                        "file": source_file.id if source_file else None, "note": note,
                        **diff_members(old, cleaned)})
    return roster


def _as_checked(school_id, members):
    """`members` with those an office counseling training records counted as trained."""
    return with_office_training(members, office_trainings([school_id]).get(school_id, {}))


def _current_members(school, member_id=None):
    """The current members as data; with `member_id`, StaleRoster unless it is one of them."""
    members = members_of(current_roster(school.id))
    if member_id is not None and not any(m.id == member_id for m in members):
        raise _changed_meanwhile()
    return members


def add_member(actor, school, data, expected_version):
    members = [member_dict(m) for m in _current_members(school)] + [data]
    return save_version(actor, school, members, expected_version=expected_version,
                        action="roster.member_add")


def change_member(actor, school, member_id, data, expected_version):
    members = [data if m.id == member_id else member_dict(m)
               for m in _current_members(school, member_id)]
    return save_version(actor, school, members, expected_version=expected_version,
                        action="roster.member_change")


def remove_member(actor, school, member_id, expected_version):
    members = [member_dict(m) for m in _current_members(school, member_id) if m.id != member_id]
    return save_version(actor, school, members, expected_version=expected_version,
                        action="roster.member_remove")


# --- The rule set in force -----------------------------------------------------------------


def set_rule_set(actor, key):
    """The office puts another rule set in force; every current roster is checked again
    (older versions keep the check they had). Returns how many rosters changed state."""
    if key not in selectable_rule_sets():
        raise RosterError(_("Bộ quy tắc không hợp lệ."))
    with database.atomic():
        row = Setting.get_or_none(Setting.key == SETTING_KEY)
        before = row.value if row else None
        if row is None:
            Setting.create(key=SETTING_KEY, value=key)
        else:
            Setting.update(value=key, updated_at=utcnow()).where(Setting.id == row.id).execute()
        changed = _recheck_current(key)
        record("roster.rule_set", target_type="setting", target=SETTING_KEY, actor=actor,
               details={"from": before, "to": key, "rosters_changed_state": changed})
    return changed


def recheck_training(school_ids):
    """Check the current rosters of `school_ids` again after an office counseling training
    changed who attended (inside the caller's transaction; older versions keep the check they
    had): the training counts and the warnings follow. Returns how many changed state."""
    return _recheck_current(rule_set_in_force(), school_ids) if school_ids else 0


def _recheck_current(chosen, school_ids=None):
    """Check every current roster (of `school_ids`, when given) against `chosen` (inside the
    caller's transaction)."""
    current = Roster.is_current == True  # noqa: E712
    if school_ids is not None:
        current &= Roster.school.in_(list(school_ids))
    rosters = list(Roster.select(Roster, School).join(School).where(current))
    members = {}
    for m in (RosterMember.select().join(Roster).where(current)
              .order_by(RosterMember.position_no)):
        members.setdefault(m.roster_id, []).append(member_dict(m))
    trained = office_trainings(school_ids)
    changed = 0
    for roster in rosters:
        result = check_roster(with_office_training(members.get(roster.id, []),
                                                   trained.get(roster.school_id, {})),
                              roster.school.level, chosen)
        changed += result["state"] != roster.state
        Roster.update(state=result["state"], result=result, rule_set=result["rule_set"],
                      trained_count=result["trained_count"]).where(
            Roster.id == roster.id).execute()
    return changed


# --- Upload: preview, then confirm -----------------------------------------------------------


class Preview:
    """An uploaded file read and checked: `parsed` (members, problems), `result` (the check),
    `upload` (kept when the file has no problem), and what confirming would do to the current
    roster (`current`, `diff`)."""

    def __init__(self, parsed, result, upload, current, diff):
        self.parsed, self.result, self.upload = parsed, result, upload
        self.current, self.diff = current, diff

    @property
    def base_version(self):
        return self.current.version if self.current else 0


def preview_upload(actor, school, filename, data):
    """Read and check an upload (FileRefused if it cannot be read). A file without problems is
    kept, with its RosterUpload, so that the confirmation (served by any worker) reads it again;
    no roster is written until the principal confirms."""
    parsed = read_roster(data)
    result = check_roster(_as_checked(school.id, [member_values(m) | {"row": m["row"]}
                                                  for m in parsed.members]), school.level)
    current, diff = comparison(school.id, parsed.members)
    if not parsed.ok:
        return Preview(parsed, result, None, current, diff)
    base = current.version if current else 0
    with database.atomic():
        stored = store_bytes(data, filename or f"to-tu-van.{parsed.kind}",
                             XLSX_MIME if parsed.kind == "xlsx" else "text/csv", actor)
        upload = RosterUpload.create(school=school, file=stored, uploaded_by=actor,
                                     base_version=base)
        record("roster.upload_preview", target=upload, actor=actor,
               details={"school": school.code, "file": stored.id, "rows": len(parsed.members),
                        "state": result["state"], "base_version": base})
    return Preview(parsed, result, upload, current, diff)


def confirm_upload(actor, school, file_id, expected_version):
    """Save the previewed file as a new version (all rows or nothing).

    Only a file `actor` previewed for this school is accepted, once (the claim on the upload is
    a conditional update: of two confirmations at once, one saves), and only over the version
    the preview was compared with: if the roster changed since, StaleRoster, nothing written."""
    upload = upload_of(actor, school, file_id)
    if upload is None:
        raise RosterError(_("Không tìm thấy tệp đã xem trước; hãy tải tệp lên lại."))
    if upload.confirmed_at is not None:
        raise StaleRoster(_("Tệp này đã được xác nhận rồi."))
    stored = upload.file
    try:
        parsed = read_roster((upload_dir() / stored.stored_name).read_bytes())
    except (FileRefused, OSError) as exc:
        raise RosterError(_("Không đọc được tệp đã xem trước; hãy tải tệp lên lại.")) from exc
    if not parsed.ok:
        raise RosterError(_("Tệp có lỗi; chưa lưu dòng nào."))
    with database.atomic():
        claimed = (RosterUpload.update(confirmed_by=actor, confirmed_at=utcnow())
                   .where(RosterUpload.id == upload.id,
                          RosterUpload.confirmed_at.is_null()).execute())
        if not claimed:
            raise StaleRoster(_("Tệp này đã được xác nhận rồi."))
        if expected_version != upload.base_version:
            raise _moved_on()
        try:
            roster = save_version(actor, school, parsed.members, source_file=stored,
                                  expected_version=upload.base_version,
                                  action="roster.upload")
        except StaleRoster as exc:
            raise _moved_on() from exc
        RosterUpload.update(roster=roster).where(RosterUpload.id == upload.id).execute()
    return roster


def _moved_on():
    return StaleRoster(_("Danh sách tổ tư vấn đã thay đổi kể từ khi bạn xem trước tệp này (đã "
                         "có phiên bản mới); chưa lưu gì. Hãy tải tệp lên lại để xem trước với "
                         "danh sách hiện tại."))


# --- Exports (audited) -----------------------------------------------------------------------


def export_coverage(actor, query, filters, kind):
    """The coverage list as CSV or XLSX bytes (`kind`), with its audit entry."""
    header, rows = coverage_table(query)
    data = coverage_bytes(kind, header, rows)
    with database.atomic():
        record("roster.export", target_type="roster", actor=actor,
               details={"format": kind, "rows": len(rows), "filters": filters})
    return data


def export_current(actor, school):
    """The school's current roster in the template's layout (XLSX), with its audit entry."""
    roster = current_roster(school.id)
    members = [member_dict(m) for m in members_of(roster)]
    data = workbook(members)
    with database.atomic():
        record("roster.download", target=roster or school, actor=actor,
               details={"school": school.code, "version": roster.version if roster else 0,
                        "rows": len(members)})
    return data
