"""The bundled criteria sets (district/reviews/criteria/*.json), as data: each named by its
legal basis, versioned, for some school levels, with its criteria in groups. A round uses a set
by its code: the set (that version) is copied into the database the first time, in the round's
transaction, and the round keeps that copy whatever the files later say.
"""

import json
from functools import cache
from pathlib import Path

from ..models import CriteriaSet, Criterion

FOLDER = Path(__file__).resolve().parent / "criteria"


@cache
def bundled():
    """{code: the set as its file says}, in the order of their names."""
    sets = {}
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        sets[data["code"]] = data
    return sets


def available():
    """(code, name, legal basis, levels, own drafting) of every set a round may use: the bundled
    ones, and the office's own sets in the database (active, newest version)."""
    rows = {code: (code, s["name"], s["legal_basis"], tuple(s.get("levels") or ()),
                   bool(s.get("own_drafting"))) for code, s in bundled().items()}
    for s in (CriteriaSet.select().where(CriteriaSet.active == True)  # noqa: E712
              .order_by(CriteriaSet.code, CriteriaSet.version)):
        if s.code not in bundled():
            rows[s.code] = (s.code, s.name, s.legal_basis, tuple(s.levels or ()),
                            s.own_drafting)
    return list(rows.values())


def levels_of(code):
    for row in available():
        if row[0] == code:
            return row[3]
    return None


def install(code):
    """The CriteriaSet row of `code`: the database's newest active version for the office's own
    sets, or the bundled file's version (copied in now if it is not there yet). None for an
    unknown code. Call inside the transaction that uses it."""
    data = bundled().get(code)
    if data is None:
        return (CriteriaSet.select().where(CriteriaSet.code == code,
                                           CriteriaSet.active == True)  # noqa: E712
                .order_by(CriteriaSet.version.desc()).first())
    found = CriteriaSet.get_or_none(CriteriaSet.code == code,
                                    CriteriaSet.version == data["version"])
    if found is not None:
        return found
    criteria_set = CriteriaSet.create(
        code=code, version=data["version"], name=data["name"],
        legal_basis=data.get("legal_basis", ""), description=data.get("description", ""),
        levels=list(data.get("levels") or []), own_drafting=bool(data.get("own_drafting")))
    rows, position = [], 0
    for group in data["groups"]:
        for item in group["criteria"]:
            position += 1
            rows.append({"criteria_set": criteria_set.id, "group_code": group["code"],
                         "group_title": group["title"], "code": item["code"],
                         "text": item["text"], "legal_basis": item.get("legal_basis", ""),
                         "evidence": item.get("evidence", ""), "position": position})
    Criterion.insert_many(rows).execute()
    return criteria_set


OWN_SUFFIX = "-phong"


def own_code(code):
    return f"{code}{OWN_SUFFIX}"


def newest(code):
    """The newest active database version of a set (None if none)."""
    return (CriteriaSet.select().where(CriteriaSet.code == code,
                                       CriteriaSet.active == True)  # noqa: E712
            .order_by(CriteriaSet.version.desc()).first())


def described():
    """Every set a round may use, for reading: {code, name, legal_basis, description, levels,
    own_drafting, bundled, row (the database version, if any), groups [{code, title,
    criteria [{code, text, legal_basis, evidence}]}]}. The office's own sets come from the
    database (three statements whatever their size), the bundled ones from their files."""
    result = []
    own = {s.code: s for s in CriteriaSet.select().where(CriteriaSet.active == True)  # noqa: E712
           .order_by(CriteriaSet.version) if s.code not in bundled()}
    rows = {}
    if own:
        for c in (Criterion.select().where(Criterion.criteria_set.in_([s.id for s in
                                                                        own.values()]))
                  .order_by(Criterion.position, Criterion.id)):
            rows.setdefault(c.criteria_set_id, []).append(c)
    for code, data in bundled().items():
        result.append({**{k: data.get(k) for k in ("code", "name", "legal_basis",
                                                    "description", "levels", "own_drafting",
                                                    "version")},
                       "bundled": True, "row": None, "groups": data["groups"],
                       "has_copy": own_code(code) in own})
    for code, s in own.items():
        groups = {}
        for c in rows.get(s.id, []):
            groups.setdefault(c.group_code, {"code": c.group_code, "title": c.group_title,
                                             "criteria": []})["criteria"].append(c)
        result.append({"code": code, "name": s.name, "legal_basis": s.legal_basis,
                       "description": s.description, "levels": s.levels or [],
                       "own_drafting": s.own_drafting, "version": s.version, "bundled": False,
                       "row": s, "groups": list(groups.values()), "has_copy": False})
    return result
