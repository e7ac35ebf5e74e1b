"""The one way a school is searched for where a page offers to pick one (the directive's
school chooser, the school of an incident an officer reports): by its name typed without
accents, or its code, among the active schools the user may see. No page writes the whole list
of schools (a province has 3,000): a picker shows at most a few dozen matches and says how many
more there are."""

from .access import schools_visible_to
from .db import Prepared
from .models import School
from .text import clean, fold, sort_key


def narrow(query, filters):
    """`query` (of rows joined to School) narrowed the one way every list narrows schools:
    `filters` {"q": part of the name typed without accents, or of the code; "level";
    "ownership"; "commune"}, each optional."""
    q = (filters.get("q") or "").strip()
    if q:
        query = query.where(School.name_search.contains(fold(q))
                            | School.code.contains(q.upper()))
    for column in (School.level, School.ownership, School.commune):
        if filters.get(column.name):
            query = query.where(column == filters[column.name])
    return query


def communes():
    """The communes of the active schools, in Vietnamese order: the choices of every commune
    filter (the lists of schools, tracking, coverage, the directive's school chooser). One
    statement, its SQL built once (db.Prepared)."""
    return sorted((c for (c,) in _COMMUNES.rows() if c), key=sort_key)


# `WHERE active`, not `active = true`: the condition of the partial index it is read from
# (migration 0260), which a prepared statement's parameter could not be shown to meet.
_COMMUNES = Prepared(lambda: School.select(School.commune).where(School.active).distinct())


def matching(user, q="", level="", ownership="", commune=""):
    """The active schools the user may see that match, in Vietnamese order of their names."""
    query = (schools_visible_to(user)
             .select(School.id, School.name, School.code, School.level, School.ownership,
                     School.commune)
             .where(School.active == True))  # noqa: E712
    query = narrow(query, {"q": q, "level": level, "ownership": ownership, "commune": commune})
    return query.order_by(School.name_key, School.id)


def first_matches(user, q, limit):
    """{"schools": at most `limit` matches, "total": how many match} (two statements, the
    count only when the first page is full)."""
    schools = list(matching(user, q).limit(limit))
    total = matching(user, q).count() if len(schools) == limit else len(schools)
    return {"schools": schools, "total": total, "limit": limit}


def picker(user, q, chosen_id, limit=20):
    """What a school picker (templates/_partials/school_picker.html) shows: the school chosen
    (an active one `user` may see, or None), what was typed, and the matches for it (None when
    nothing was typed)."""
    q = clean(q or "")[:100]
    chosen = None
    if chosen_id:
        chosen = matching(user).where(School.id == chosen_id).first()
    return {"q": q, "chosen": chosen, "found": first_matches(user, q, limit) if q else None}
