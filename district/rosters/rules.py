"""Roster rules are data (rules.json, or the file ROSTER_RULES_FILE names): loading them, the
rule set in force (the office's choice, a Setting), and checking a list of members against the
rules of a school level. The checker reads no database row and writes nothing.
"""

import functools
import json
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import get_locale

from ..db import Prepared
from ..i18n import gettext as _
from ..models import Setting
from .members import RosterError
from .vocabulary import MEMBER_GROUP_LABELS

RULES_FILE = Path(__file__).resolve().parent / "rules.json"
SETTING_KEY = "rosters.rule_set"


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


def rule_sets():
    return load_rules()["rule_sets"]


def selectable_rule_sets():
    """{key: rule set} the office may put in force."""
    return {k: v for k, v in rule_sets().items() if v.get("selectable")}


def _localized(rule_set, name):
    """A text of a rule set in the reader's language (`name_en`, `description_en`...)."""
    locale = str(get_locale() or "vi") if has_app_context() else "vi"
    return rule_set.get(f"{name}_{locale}") or rule_set.get(name, "")


def rule_set_name(key):
    """The name of a rule set in the reader's language (its key if the file no longer has it)."""
    rule_set = rule_sets().get(key)
    return _localized(rule_set, "name") if rule_set else key


def rule_set_texts():
    """{key: {"name", "description"}} in the reader's language, for the pages."""
    return {key: {"name": _localized(rs, "name"), "description": _localized(rs, "description")}
            for key, rs in rule_sets().items()}


# The office's choice, read on every coverage and roster page: its SQL built once.
CHOSEN = Prepared(lambda key: Setting.select(Setting.value).where(Setting.key == key),
                  key="~setting-key~")


def rule_set_in_force():
    """The key of the rule set the office chose (Setting), else the data file's default."""
    row = CHOSEN.rows(key=SETTING_KEY).fetchone()
    if row is not None and row[0] in selectable_rule_sets():
        return row[0]
    return load_rules()["default_rule_set"]


def rules_for(level, chosen=None):
    """(rule set key, rule set, level rules) that apply to a school of `level`."""
    sets = rule_sets()
    key = chosen or rule_set_in_force()
    rule_set = sets[key]
    if level not in rule_set["levels"]:
        key = rule_set.get("fallback", {}).get(level)
        if key is None or level not in sets.get(key, {}).get("levels", {}):
            raise RosterError(_("Bộ quy tắc không có quy định cho cấp học này."))
        rule_set = sets[key]
    return key, rule_set, rule_set["levels"][level]


# --- The checker ---------------------------------------------------------------------------


def _issue(code, severity, member=None, row=None, field=None, **params):
    """An issue: its code, the row (place in the file or the roster) and field it concerns, and
    the parameters of its message; a member's issue names the member (and their position, for a
    member without a name)."""
    if member is not None:
        params = {"name": member.get("full_name") or "",
                  "position": member.get("position") or ""} | params
    return {"code": code, "severity": severity, "row": row, "field": field, "params": params}


def _member_issues(members, rules):
    errors, warnings = [], []
    for index, m in enumerate(members, start=1):
        row = m.get("row") or index
        if not m.get("full_name"):
            errors.append(_issue("missing_name", "error", m, row, "full_name"))
        if not m.get("team_role"):
            errors.append(_issue("missing_team_role", "error", m, row, "team_role"))
        if not m.get("member_group"):
            errors.append(_issue("missing_group", "error", m, row, "member_group"))
        if m.get("team_role") == "to_truong" and m.get("member_group") not in rules[
                "leader_groups"]:
            errors.append(_issue("leader_not_leadership", "error", m, row, "member_group"))
        group = m.get("member_group")
        if group and group not in rules["allowed_groups"]:
            warnings.append(_issue("group_not_at_level", "warning", m, row, "member_group",
                                   group=group))
        if group in rules["trained_groups"] and not m.get("trained"):
            warnings.append(_issue("untrained", "warning", m, row, "trained"))
    return errors, warnings


def training(members, rules):
    """What the roster says about training: every trained member, and the members of the groups
    the rules say must be trained (how many, how many trained)."""
    required = [m for m in members if m.get("member_group") in rules["trained_groups"]]
    return {"trained": sum(1 for m in members if m.get("trained")),
            "groups": list(rules["trained_groups"]), "required": len(required),
            "required_trained": sum(1 for m in required if m.get("trained"))}


def check_roster(members, level, chosen=None):
    """Check members (dicts with MEMBER_FIELDS, and `row`) against the rules of `level`.

    Returns {"state", "rule_set", "rule_set_name", "errors", "warnings", "training",
    "trained_count"}; issues are translated on display (`issue_message`).
    """
    key, rule_set, rules = rules_for(level, chosen)
    errors, warnings = _member_issues(members, rules)
    leaders = [m for m in members if m.get("team_role") == "to_truong"]
    if not leaders:
        errors.insert(0, _issue("no_leader", "error", field="team_role"))
    elif len(leaders) > 1:
        errors.insert(0, _issue("many_leaders", "error", field="team_role", n=len(leaders),
                                names=", ".join(m.get("full_name") or "?" for m in leaders)))
    groups = {m.get("member_group") for m in members}
    errors += [_issue("required_group", "error", field="member_group", group=group)
               for group in rules["required_groups"] if group not in groups]
    warnings = [_issue("recommended_group", "warning", field="member_group", group=group)
                for group in rules["recommended_groups"] if group not in groups] + warnings
    state = "incomplete" if errors else "warnings" if warnings else "complete"
    figures = training(members, rules)
    return {"state": state, "rule_set": key, "rule_set_name": rule_set["name"],
            "errors": errors, "warnings": warnings, "training": figures,
            # Trained members of the groups that must be trained (not every trained member: a
            # trained parent representative does not count).
            "trained_count": figures["required_trained"]}


MESSAGES = {
    "missing_name": lambda p: (
        _("Một thành viên (chức vụ “%(position)s”) chưa có họ và tên.", **p) if p.get("position")
        else _("Một thành viên chưa có họ và tên.")),
    "missing_team_role": lambda p: _("%(name)s chưa có vai trò trong tổ.", **p),
    "missing_group": lambda p: _("%(name)s chưa có nhóm thành viên.", **p),
    "no_leader": lambda p: _("Tổ chưa có tổ trưởng."),
    "many_leaders": lambda p: _("Tổ có %(n)d tổ trưởng (%(names)s); chỉ được có một.", **p),
    "leader_not_leadership": lambda p: _("Tổ trưởng %(name)s không thuộc lãnh đạo nhà trường.",
                                         **p),
    "required_group": lambda p: _("Tổ chưa có thành viên thuộc nhóm “%(group)s”.", **p),
    "recommended_group": lambda p: _("Tổ chưa có thành viên thuộc nhóm “%(group)s”.", **p),
    "group_not_at_level": lambda p: _(
        "%(name)s thuộc nhóm “%(group)s”, nhóm này không có ở cấp học của trường.", **p),
    "untrained": lambda p: _("%(name)s chưa được tập huấn về tư vấn tâm lý học đường.", **p),
}


def issue_message(issue):
    """The issue in the reader's language; a member's issue names the member."""
    p = {"name": "", "position": ""} | dict(issue.get("params") or {})
    if "group" in p:
        p["group"] = str(MEMBER_GROUP_LABELS.get(p["group"], p["group"]))
    if not p["name"]:
        p["name"] = _("Một thành viên")
    message = MESSAGES.get(issue["code"])
    return message(p) if message else issue["code"]


def training_of(roster, level, members=None):
    """The training figures of a saved roster (see `training`): from its check result, or for
    a version checked before the figures were kept, from its `members` (dicts) when given."""
    figures = (roster.result or {}).get("training")
    if figures is None and members is not None and roster.rule_set in rule_sets():
        figures = training(members, rules_for(level, roster.rule_set)[2])
    return figures or {"trained": None, "groups": [], "required": None,
                       "required_trained": roster.trained_count}
