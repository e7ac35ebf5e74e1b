"""Members as plain data (dicts of MEMBER_FIELDS): cleaning what a form or a file gives,
reading a stored member, and what changed between two lists. Nothing here touches the database.

Also the refusals every roster write may raise (translated messages).
"""

from ..tabular import cell_text
from ..text import fold
from .vocabulary import MEMBER_FIELDS, MEMBER_GROUP_WORDS, TEAM_ROLE_WORDS


class RosterError(ValueError):
    """A refused change, with a translated message."""


class StaleRoster(RosterError):
    """The roster changed since the page (or the preview) was shown."""


def member_values(data):
    """Clean values of one member from a form or a parsed row (no control characters: a NUL
    makes PostgreSQL refuse the row)."""
    trained_on = data.get("trained_on") or None

    def text(name, limit):
        return cell_text(data.get(name) or "")[:limit]

    return {
        "full_name": text("full_name", 150),
        "position": text("position", 150),
        "team_role": data.get("team_role") if data.get("team_role") in TEAM_ROLE_WORDS else "",
        "member_group": (data.get("member_group")
                         if data.get("member_group") in MEMBER_GROUP_WORDS else ""),
        "phone": text("phone", 40),
        "email": text("email", 200).lower(),
        "trained": bool(data.get("trained")) or trained_on is not None,
        "trained_on": trained_on,
    }


def member_dict(m):
    """A stored RosterMember as data; `row` is its place in the roster."""
    return {name: getattr(m, name) for name in MEMBER_FIELDS} | {"row": m.position_no}


def _key(m):
    return fold(m["full_name"])


def with_office_training(members, trained):
    """Members (dicts) as the check counts them: a member whom a counseling training of the
    office records as attending (`trained`: {folded name: training}, from
    queries.office_trainings) is trained, whatever the roster's own column says; that column
    stays for trainings recorded elsewhere (and is what the roster stores)."""
    return [m | {"trained": True} if not m.get("trained") and fold(m.get("full_name")) in trained
            else m for m in members]


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


def unchanged(diff):
    return not (diff["added"] or diff["removed"] or diff["changed"])
