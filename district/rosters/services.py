"""Counseling-team rosters: the rules (data), the checker, versions, history and coverage.

The contract the directives feature relies on: `valid_roster_on_file(school_id)` returns the
school's current roster when it is valid (complete, with or without warnings), else None;
`current_roster(school_id)` returns the newest version, whatever its state.

Every write runs inside `with database.atomic():` together with its audit entry.
"""

import datetime as dt
import functools
import io
import json
import re
from pathlib import Path

import openpyxl
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from peewee import JOIN, IntegrityError, fn

from .. import exports
from ..audit import record
from ..db import database
from ..models import (
    MEMBER_GROUPS,
    TEAM_ROLES,
    Roster,
    RosterMember,
    School,
    Setting,
    User,
    utcnow,
)
from ..text import clean, fold

VALID_STATES = ("complete", "warnings")
RULES_FILE = Path(__file__).resolve().parent / "rules.json"
SETTING_KEY = "rosters.rule_set"
MAX_MEMBERS = 200
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TEAM_ROLE_LABELS = {
    "to_truong": _l("Tổ trưởng"),
    "to_pho": _l("Tổ phó"),
    "thanh_vien": _l("Thành viên"),
}
MEMBER_GROUP_LABELS = {
    "leadership": _l("Lãnh đạo nhà trường"),
    "counselor": _l("Giáo viên làm công tác tư vấn"),
    "health": _l("Nhân viên y tế"),
    "union": _l("Phụ trách Đoàn/Đội"),
    "parent": _l("Đại diện cha mẹ học sinh"),
    "student": _l("Đại diện học sinh"),
    "other": _l("Khác"),
}
# The words written in the template and accepted in files (always Vietnamese, whatever the
# reader's language).
TEAM_ROLE_WORDS = {"to_truong": "Tổ trưởng", "to_pho": "Tổ phó", "thanh_vien": "Thành viên"}
MEMBER_GROUP_WORDS = {
    "leadership": "Lãnh đạo nhà trường",
    "counselor": "Giáo viên làm công tác tư vấn",
    "health": "Nhân viên y tế",
    "union": "Phụ trách Đoàn/Đội",
    "parent": "Đại diện cha mẹ học sinh",
    "student": "Đại diện học sinh",
    "other": "Khác",
}
STATE_LABELS = {
    "none": _l("Chưa có"),
    "incomplete": _l("Chưa đầy đủ"),
    "warnings": _l("Đầy đủ, có lưu ý"),
    "complete": _l("Đầy đủ"),
}
STATE_CLASSES = {"none": "state-muted", "incomplete": "state-bad", "warnings": "state-warn",
                 "complete": "state-ok"}
MEMBER_FIELDS = ("full_name", "position", "team_role", "member_group", "phone", "email",
                 "trained", "trained_on")


class RosterError(ValueError):
    """A refused change, with a translated message."""


class StaleRoster(RosterError):
    """The roster changed since the page was loaded."""


# --- The contract used by other features ---------------------------------------------------


def current_roster(school_id):
    return (
        Roster.select()
        .where(Roster.school == school_id, Roster.is_current == True)  # noqa: E712
        .first()
    )


def valid_roster_on_file(school_id):
    roster = current_roster(school_id)
    return roster if roster is not None and roster.state in VALID_STATES else None


# --- Rules: data, not code -----------------------------------------------------------------


def rules_path():
    if has_app_context() and current_app.config.get("ROSTER_RULES_FILE"):
        return Path(current_app.config["ROSTER_RULES_FILE"])
    return RULES_FILE


@functools.lru_cache(maxsize=8)
def _read_rules(path, mtime):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_rules():
    path = rules_path()
    return _read_rules(str(path), path.stat().st_mtime)


def selectable_rule_sets():
    """{key: rule set} the office may put in force."""
    return {k: v for k, v in load_rules()["rule_sets"].items() if v.get("selectable")}


def rule_set_in_force():
    """The key of the rule set the office chose (Setting), else the data file's default."""
    rules = load_rules()
    row = Setting.get_or_none(Setting.key == SETTING_KEY)
    if row is not None and row.value in selectable_rule_sets():
        return row.value
    return rules["default_rule_set"]


def rules_for(level, chosen=None):
    """(rule set key, rule set, level rules) that apply to a school of `level`."""
    sets = load_rules()["rule_sets"]
    key = chosen or rule_set_in_force()
    rule_set = sets[key]
    if level not in rule_set["levels"]:
        key = rule_set.get("fallback", {}).get(level)
        if key is None or level not in sets.get(key, {}).get("levels", {}):
            raise RosterError(_("Bộ quy tắc không có quy định cho cấp học này."))
        rule_set = sets[key]
    return key, rule_set, rule_set["levels"][level]


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
        changed = recheck_current(key)
        record("roster.rule_set", target_type="setting", target=SETTING_KEY, actor=actor,
               details={"from": before, "to": key, "rosters_changed_state": changed})
    return changed


def recheck_current(chosen):
    """Check every current roster against `chosen` (call inside a transaction)."""
    rosters = list(Roster.select(Roster, School).join(School)
                   .where(Roster.is_current == True))  # noqa: E712
    members = {}
    for m in RosterMember.select().join(Roster).where(Roster.is_current == True).order_by(  # noqa: E712
            RosterMember.position_no):
        members.setdefault(m.roster_id, []).append(member_dict(m))
    changed = 0
    for roster in rosters:
        result = check_roster(members.get(roster.id, []), roster.school.level, chosen)
        if result["state"] != roster.state:
            changed += 1
        Roster.update(state=result["state"], result=result, rule_set=result["rule_set"],
                      trained_count=result["trained_count"]).where(
            Roster.id == roster.id).execute()
    return changed


# --- The checker ---------------------------------------------------------------------------


def _issue(code, severity, row=None, field=None, **params):
    return {"code": code, "severity": severity, "row": row, "field": field, "params": params}


def check_roster(members, level, chosen=None):
    """Check members (dicts with MEMBER_FIELDS, and `row`) against the rules of `level`.

    Returns {"state", "rule_set", "rule_set_name", "errors": [...], "warnings": [...]}; each
    issue has a code, the row and field it concerns and its parameters (translated on display).
    """
    key, rule_set, rules = rules_for(level, chosen)
    errors, warnings = [], []
    for index, m in enumerate(members, start=1):
        row = m.get("row") or index
        if not m.get("full_name"):
            errors.append(_issue("missing_name", "error", row, "full_name"))
        if not m.get("team_role"):
            errors.append(_issue("missing_team_role", "error", row, "team_role"))
        if not m.get("member_group"):
            errors.append(_issue("missing_group", "error", row, "member_group"))
    leaders = [m for m in members if m.get("team_role") == "to_truong"]
    if not leaders:
        errors.append(_issue("no_leader", "error", None, "team_role"))
    elif len(leaders) > 1:
        errors.append(_issue("many_leaders", "error", None, "team_role", n=len(leaders),
                             names=", ".join(m.get("full_name") or "?" for m in leaders)))
    for index, m in enumerate(members, start=1):
        if m.get("team_role") == "to_truong" and m.get("member_group") not in rules[
                "leader_groups"]:
            errors.append(_issue("leader_not_leadership", "error", m.get("row") or index,
                                 "member_group", name=m.get("full_name") or ""))
    groups = {m.get("member_group") for m in members}
    for group in rules["required_groups"]:
        if group not in groups:
            errors.append(_issue("required_group", "error", None, "member_group", group=group))
    for group in rules["recommended_groups"]:
        if group not in groups:
            warnings.append(_issue("recommended_group", "warning", None, "member_group",
                                   group=group))
    for index, m in enumerate(members, start=1):
        row = m.get("row") or index
        group = m.get("member_group")
        if group and group not in rules["allowed_groups"]:
            warnings.append(_issue("group_not_at_level", "warning", row, "member_group",
                                   name=m.get("full_name") or "", group=group))
        if group in rules["trained_groups"] and not m.get("trained"):
            warnings.append(_issue("untrained", "warning", row, "trained",
                                   name=m.get("full_name") or ""))
    state = "incomplete" if errors else "warnings" if warnings else "complete"
    # Trained counselors: trained members of the groups the rules say must be trained (not
    # every trained member: a trained parent representative does not count).
    trained = sum(1 for m in members
                  if m.get("member_group") in rules["trained_groups"] and m.get("trained"))
    return {"state": state, "rule_set": key, "rule_set_name": rule_set["name"],
            "errors": errors, "warnings": warnings, "trained_count": trained}


def issue_message(issue):
    """The issue in the reader's language."""
    p = dict(issue.get("params") or {})
    if "group" in p:
        p["group"] = str(MEMBER_GROUP_LABELS.get(p["group"], p["group"]))
    code = issue["code"]
    if code == "missing_name":
        return _("Thiếu họ và tên.")
    if code == "missing_team_role":
        return _("Thiếu vai trò trong tổ.")
    if code == "missing_group":
        return _("Thiếu nhóm thành viên.")
    if code == "no_leader":
        return _("Tổ chưa có tổ trưởng.")
    if code == "many_leaders":
        return _("Tổ có %(n)d tổ trưởng (%(names)s); chỉ được có một.", **p)
    if code == "leader_not_leadership":
        return _("Tổ trưởng %(name)s không thuộc lãnh đạo nhà trường.", **p)
    if code == "required_group":
        return _("Tổ chưa có thành viên thuộc nhóm “%(group)s”.", **p)
    if code == "recommended_group":
        return _("Tổ chưa có thành viên thuộc nhóm “%(group)s”.", **p)
    if code == "group_not_at_level":
        return _("%(name)s thuộc nhóm “%(group)s”, nhóm này không có ở cấp học của trường.",
                 **p)
    if code == "untrained":
        return _("%(name)s chưa được tập huấn về tư vấn tâm lý học đường.", **p)
    return code


# --- Members ---------------------------------------------------------------------------------


def member_dict(m):
    return {name: getattr(m, name) for name in MEMBER_FIELDS} | {"row": m.position_no}


def member_values(data):
    """Clean values of one member from a form or a parsed row."""
    trained_on = data.get("trained_on") or None

    def text(name):
        # No control characters (a NUL makes PostgreSQL refuse the row).
        return clean(CONTROL.sub("", str(data.get(name) or "")))

    return {
        "full_name": text("full_name")[:150],
        "position": text("position")[:150],
        "team_role": data.get("team_role") if data.get("team_role") in TEAM_ROLES else "",
        "member_group": (data.get("member_group")
                         if data.get("member_group") in MEMBER_GROUPS else ""),
        "phone": text("phone")[:40],
        "email": text("email").lower()[:200],
        "trained": bool(data.get("trained")) or trained_on is not None,
        "trained_on": trained_on,
    }


def members_of(roster):
    return list(roster.members.order_by(RosterMember.position_no, RosterMember.id))


def _key(m):
    return fold(m["full_name"])


def diff_members(old, new):
    """What changed between two lists of member dicts, matched by name (case and diacritics
    ignored): {"added": [names], "removed": [names], "changed": [{"name", "fields"}]}."""
    old_by = {_key(m): m for m in old}
    new_by = {_key(m): m for m in new}
    compared = [f for f in MEMBER_FIELDS if f != "full_name"]
    changed = []
    for key, m in new_by.items():
        if key in old_by:
            fields = [f for f in compared if (old_by[key].get(f) or None) != (m.get(f) or None)]
            if fields or old_by[key]["full_name"] != m["full_name"]:
                changed.append({"name": m["full_name"], "fields": fields or ["full_name"]})
    return {
        "added": [m["full_name"] for k, m in new_by.items() if k not in old_by],
        "removed": [m["full_name"] for k, m in old_by.items() if k not in new_by],
        "changed": changed,
    }


def save_version(actor, school, members, source_file=None, expected_version=None,
                 action="roster.save", note=None):
    """A new version of the school's roster with `members` (dicts); returns it.

    `expected_version` is the version the user edited: if another version was saved since,
    StaleRoster is raised and nothing is written."""
    if len(members) > MAX_MEMBERS:
        raise RosterError(_("Tổ không được quá %(n)d thành viên.", n=MAX_MEMBERS))
    cleaned = [member_values(m) for m in members]
    result = check_roster(cleaned, school.level)
    with database.atomic():
        previous = current_roster(school.id)
        if expected_version is not None and (previous.version if previous else 0) != (
                expected_version):
            raise StaleRoster(_("Danh sách vừa được người khác cập nhật; hãy tải lại trang."))
        old = [member_dict(m) for m in members_of(previous)] if previous else []
        version = (previous.version if previous else 0) + 1
        try:
            with database.atomic():
                Roster.update(is_current=False).where(Roster.school == school.id,
                                                      Roster.is_current == True  # noqa: E712
                                                      ).execute()
                roster = Roster.create(
                    school=school, version=version, submitted_by=actor,
                    source_file=source_file, rule_set=result["rule_set"],
                    state=result["state"], result=result, member_count=len(cleaned),
                    trained_count=result["trained_count"],
                    is_current=True,
                )
        except IntegrityError as exc:
            raise StaleRoster(
                _("Danh sách vừa được người khác cập nhật; hãy tải lại trang.")) from exc
        if cleaned:
            RosterMember.insert_many(
                [{**m, "roster": roster.id, "position_no": i}
                 for i, m in enumerate(cleaned, start=1)]
            ).execute()
        diff = diff_members(old, cleaned)
        record(action, target=roster, actor=actor,
               details={"school": school.code, "version": version, "state": result["state"],
                        "rule_set": result["rule_set"], "file": source_file.id
                        if source_file else None, "note": note, **diff})
    return roster


def _editable(roster):
    return [member_dict(m) for m in members_of(roster)] if roster else []


def add_member(actor, school, data, expected_version):
    roster = current_roster(school.id)
    members = _editable(roster) + [data]
    return save_version(actor, school, members, expected_version=expected_version,
                        action="roster.member_add")


def change_member(actor, school, member_id, data, expected_version):
    roster = current_roster(school.id)
    members = members_of(roster) if roster else []
    if not any(m.id == member_id for m in members):
        raise StaleRoster(_("Danh sách vừa được người khác cập nhật; hãy tải lại trang."))
    updated = [data if m.id == member_id else member_dict(m) for m in members]
    return save_version(actor, school, updated, expected_version=expected_version,
                        action="roster.member_change")


def remove_member(actor, school, member_id, expected_version):
    roster = current_roster(school.id)
    members = members_of(roster) if roster else []
    if not any(m.id == member_id for m in members):
        raise StaleRoster(_("Danh sách vừa được người khác cập nhật; hãy tải lại trang."))
    kept = [member_dict(m) for m in members if m.id != member_id]
    return save_version(actor, school, kept, expected_version=expected_version,
                        action="roster.member_remove")


# --- History ---------------------------------------------------------------------------------


def history(versions_query):
    """Versions (newest first) with what changed from the one before: two queries in all."""
    versions = list(versions_query.select(Roster, User).join(
        User, on=(Roster.submitted_by == User.id)).order_by(Roster.version.desc()))
    if not versions:
        return []
    by_roster = {}
    for m in RosterMember.select().where(RosterMember.roster.in_([v.id for v in versions])
                                         ).order_by(RosterMember.position_no):
        by_roster.setdefault(m.roster_id, []).append(member_dict(m))
    entries = []
    ordered = sorted(versions, key=lambda v: v.version)
    previous = []
    for v in ordered:
        current = by_roster.get(v.id, [])
        entries.append({"roster": v, "diff": diff_members(previous, current),
                        "first": not previous and v is ordered[0]})
        previous = current
    return list(reversed(entries))


def previous_version(roster):
    return (Roster.select().where(Roster.school == roster.school_id,
                                  Roster.version < roster.version)
            .order_by(Roster.version.desc()).first())


# --- Coverage (officer) ----------------------------------------------------------------------


def coverage_query(filters):
    """Active schools with their current roster (LEFT JOIN): one query, any number of schools."""
    query = (
        School.select(School, Roster)
        .join(Roster, JOIN.LEFT_OUTER,
              on=((Roster.school == School.id) & (Roster.is_current == True)))  # noqa: E712
        .where(School.active == True)  # noqa: E712
    )
    state = filters.get("state")
    if state == "none":
        query = query.where(Roster.id.is_null())
    elif state in STATE_LABELS:
        query = query.where(Roster.state == state)
    if filters.get("level"):
        query = query.where(School.level == filters["level"])
    if filters.get("ownership"):
        query = query.where(School.ownership == filters["ownership"])
    if filters.get("commune"):
        query = query.where(School.commune == filters["commune"])
    if filters.get("q"):
        needle = fold(filters["q"])
        query = query.where(School.name_search.contains(needle)
                            | School.code.contains(filters["q"].strip().upper()))
    return query.order_by(School.name_key, School.id)


def coverage_counts():
    """{"total", "complete", "warnings", "incomplete", "none", "covered", "rate"} over the
    active schools, in one query."""
    rows = (
        School.select(Roster.state, fn.COUNT(School.id).alias("n"))
        .join(Roster, JOIN.LEFT_OUTER,
              on=((Roster.school == School.id) & (Roster.is_current == True)))  # noqa: E712
        .where(School.active == True)  # noqa: E712
        .group_by(Roster.state)
        .tuples()
    )
    counts = {"complete": 0, "warnings": 0, "incomplete": 0, "none": 0}
    for state, n in rows:
        counts[state or "none"] = counts.get(state or "none", 0) + n
    total = sum(counts.values())
    covered = counts["complete"] + counts["warnings"]
    return {**counts, "total": total, "covered": covered,
            "rate": round(100 * covered / total) if total else 0}


def communes():
    rows = (School.select(School.commune).where(School.active == True)  # noqa: E712
            .distinct().tuples())
    from ..text import sort_key

    return sorted((c for (c,) in rows if c), key=sort_key)


def state_of(school):
    roster = getattr(school, "roster", None)
    return roster.state if roster is not None and roster.id else "none"


def coverage_table(query):
    """Rows for the exports: plain values in the reader's language."""
    from ..admin.services import LEVEL_LABELS, OWNERSHIP_LABELS

    header = [_("Mã trường"), _("Tên trường"), _("Cấp học"), _("Loại hình"), _("Xã/phường"),
              _("Trạng thái"), _("Phiên bản"), _("Ngày cập nhật"), _("Số thành viên"),
              _("Tư vấn viên đã tập huấn"), _("Bộ quy tắc")]
    rows = []
    sets = load_rules()["rule_sets"]
    for s in query:
        roster = s.roster if state_of(s) != "none" else None
        rows.append([
            s.code, s.name, str(LEVEL_LABELS.get(s.level, s.level)),
            str(OWNERSHIP_LABELS.get(s.ownership, s.ownership)), s.commune,
            str(STATE_LABELS[state_of(s)]),
            roster.version if roster else "",
            roster.submitted_at.strftime("%d/%m/%Y") if roster else "",
            roster.member_count if roster else 0,
            roster.trained_count if roster else 0,
            sets.get(roster.rule_set, {}).get("name", roster.rule_set) if roster else "",
        ])
    return header, rows


def export_csv(actor, query, filters):
    header, rows = coverage_table(query)
    data = exports.csv_bytes(header, rows)
    with database.atomic():
        record("roster.export", target_type="roster", actor=actor,
               details={"format": "csv", "rows": len(rows), "filters": filters})
    return data


def export_xlsx(actor, query, filters):
    header, rows = coverage_table(query)
    data = exports.xlsx_bytes(_("Tổ tư vấn"), header, rows,
                              widths=(14, 40, 16, 12, 18, 18, 10, 14, 12, 12, 30))
    with database.atomic():
        record("roster.export", target_type="roster", actor=actor,
               details={"format": "xlsx", "rows": len(rows), "filters": filters})
    return data


# --- Home-page figures -----------------------------------------------------------------------


def school_summary(school_id):
    roster = current_roster(school_id)
    if roster is None:
        return {"state": "none", "roster": None}
    return {"state": roster.state, "roster": roster}


# --- The template ----------------------------------------------------------------------------


def template_xlsx():
    """The workbook principals fill: Vietnamese headers, drop-down lists, an example row."""
    from .parsing import COLUMNS, EXAMPLE_MARK

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tổ tư vấn"
    sheet.append([title for _key, title, _w in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    example = [EXAMPLE_MARK, "Nguyễn Thị Hồng Nhung", "Phó Hiệu trưởng",
               TEAM_ROLE_WORDS["to_truong"], MEMBER_GROUP_WORDS["leadership"],
               "0912 345 678", "nhung.nth@example.edu.vn", "Có", dt.date(2025, 8, 15)]
    sheet.append(example)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    sheet["I2"].number_format = "DD/MM/YYYY"
    for index, (_key, _title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
    for row in range(3, MAX_MEMBERS + 3):
        sheet.cell(row=row, column=9).number_format = "DD/MM/YYYY"
        sheet.cell(row=row, column=6).number_format = "@"
    last = MAX_MEMBERS + 2
    lists = (
        ("D", list(TEAM_ROLE_WORDS.values())),
        ("E", list(MEMBER_GROUP_WORDS.values())),
        ("H", ["Có", "Không"]),
    )
    for column, values in lists:
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                                    allow_blank=True, showDropDown=False)
        validation.error = "Chọn một giá trị trong danh sách."
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{last}")
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 90
    lines = [
        ("Cách điền", "Mỗi dòng một thành viên, bắt đầu từ dòng 3 của trang “Tổ tư vấn”; giữ "
                      "nguyên dòng tiêu đề; dòng “Ví dụ” được bỏ qua khi tải lên."),
        ("Vai trò trong tổ", ", ".join(TEAM_ROLE_WORDS.values()) + " (chỉ một Tổ trưởng, "
                             "thuộc lãnh đạo nhà trường)."),
        ("Nhóm thành viên", "; ".join(MEMBER_GROUP_WORDS.values()) + "."),
        ("Đã tập huấn", "Có hoặc Không (đã tập huấn về tư vấn tâm lý học đường)."),
        ("Ngày tập huấn", "Ngày/tháng/năm, ví dụ 15/08/2025."),
        ("Lưu tệp", "Lưu dạng .xlsx (không dùng macro, không dùng công thức) hoặc CSV."),
    ]
    for title, text in lines:
        guide.append([title, text])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
        guide.cell(row=guide.max_row, column=2).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Upload: preview, then confirm -----------------------------------------------------------


def preview_upload(actor, school, filename, data):
    """Parse an upload. Returns (parsed, check result or None, StoredFile or None).

    A file without problems is kept as a StoredFile so that the confirmation (served by any
    worker) can read it again by id; no roster is written until the principal confirms."""
    from ..files import store_bytes
    from .parsing import XLSX_MIME, parse

    parsed = parse(filename, data)
    result = check_roster([member_values(m) | {"row": m["row"]} for m in parsed.members],
                          school.level)
    if not parsed.ok:
        return parsed, result, None
    mime = XLSX_MIME if parsed.kind == "xlsx" else "text/csv"
    with database.atomic():
        stored = store_bytes(data, filename or f"to-tu-van.{parsed.kind}", mime, actor)
        record("roster.upload_preview", target=stored, actor=actor,
               details={"school": school.code, "rows": len(parsed.members),
                        "state": result["state"]})
    return parsed, result, stored


def _previewed_file(actor, school, file_id):
    """The StoredFile `file_id` if `actor` uploaded it as a roster preview for `school`."""
    from ..models import AuditEntry, StoredFile
    from .parsing import XLSX_MIME

    stored = StoredFile.get_or_none(StoredFile.id == file_id,
                                    StoredFile.uploaded_by == actor.id)
    if stored is None or stored.content_type not in (XLSX_MIME, "text/csv"):
        return None
    previews = (AuditEntry.select(AuditEntry.details)
                .where(AuditEntry.action == "roster.upload_preview",
                       AuditEntry.target_type == StoredFile._meta.table_name,
                       AuditEntry.target_id == str(stored.id),
                       AuditEntry.actor == actor.id))
    if not any((entry.details or {}).get("school") == school.code for entry in previews):
        return None
    return stored


def _already_confirmed(stored):
    return Roster.select().where(Roster.source_file == stored.id).exists()


def confirm_upload(actor, school, file_id, expected_version):
    """Save the previewed file as a new version (all rows or nothing).

    Only a file this principal uploaded as a roster preview for this school is accepted;
    `expected_version` is the version that was current when the preview was shown: if the
    roster changed since, StaleRoster is raised and nothing is written. A file makes at most
    one version (re-checked inside the transaction, and a unique index on source_file)."""
    from ..files import upload_dir
    from .parsing import FileRefused, parse

    stored = _previewed_file(actor, school, file_id)
    if stored is None:
        raise RosterError(_("Không tìm thấy tệp đã xem trước; hãy tải tệp lên lại."))
    if _already_confirmed(stored):
        raise StaleRoster(_("Tệp này đã được xác nhận rồi."))
    try:
        parsed = parse(stored.original_name, (upload_dir() / stored.stored_name).read_bytes())
    except (FileRefused, OSError) as exc:
        raise RosterError(_("Không đọc được tệp đã xem trước; hãy tải tệp lên lại.")) from exc
    if not parsed.ok:
        raise RosterError(_("Tệp có lỗi; chưa lưu dòng nào."))
    try:
        with database.atomic():
            if _already_confirmed(stored):
                raise StaleRoster(_("Tệp này đã được xác nhận rồi."))
            return save_version(actor, school, parsed.members, source_file=stored,
                                expected_version=expected_version, action="roster.upload")
    except StaleRoster as exc:
        if _already_confirmed(stored):
            raise StaleRoster(_("Tệp này đã được xác nhận rồi.")) from exc
        raise StaleRoster(_("Danh sách tổ tư vấn đã thay đổi kể từ khi bạn xem trước tệp này "
                            "(đã có phiên bản mới); chưa lưu gì. Hãy tải tệp lên lại để xem "
                            "trước với danh sách hiện tại.")) from exc
