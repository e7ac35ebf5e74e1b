"""Incidents counted as they are reported and moved, so statistics never group every incident.

A province has 100,000 incidents; the statistics page, the officer's and the observer's homes
and the officer's list counters used to group them all on every request. `IncidentTally` keeps,
per local month, how many incidents there are of each category, severity, status and school
level (the level of the school when the incident was reported: a school that changes level
later keeps its past incidents where they were counted), and how many are open and urgent
(dimension "urgent", key "open": the officer's home card). operations.py moves the counts in its
own transaction: `reported()` when an incident is created, `changed()` when its status,
category or severity changes. `rebuild()` recomputes them all (seeds, the benchmark's bulk load,
`flask recount`).

The status is also counted per category and per severity (dimension "c:<category>" or
"s:<severity>", key the status): the officer's list filtered by one category or one severity
reads its status counters from these rows instead of grouping a fifth of the incidents.
"""

from types import SimpleNamespace

from peewee import SQL, Value, fn

from .. import clock
from ..db import database, is_sqlite
from ..models import Incident, IncidentTally, School
from .workflow import OPEN_STATUSES, is_urgent

DIMENSIONS = ("category", "severity", "status", "level")
# The dimensions whose values each count the statuses of their incidents: "c:bullying".
CROSSED = {"category": "c", "severity": "s"}


def crossed(field, value):
    """The dimension of the statuses counted for one category or severity."""
    return f"{CROSSED[field]}:{value}"


def month_of(moment):
    """The local month ("YYYY-MM") of a UTC instant."""
    return clock.local_date(moment).strftime("%Y-%m")


def local_month(column):
    """SQL: the local calendar month ("YYYY-MM") of a UTC timestamp column, on SQLite and
    PostgreSQL (no query parameter, so the expression can be grouped by)."""
    minutes = round(clock.utc_offset_hours() * 60)
    if is_sqlite():
        return fn.strftime(SQL("'%Y-%m'"), column, SQL(f"'{minutes:+d} minutes'"))
    return fn.to_char(column + SQL(f"interval '{minutes} minutes'"), SQL("'YYYY-MM'"))


def _add(month, pairs, step):
    rows = [{"month": month, "dimension": d, "key": k, "n": step} for d, k in pairs]
    (IncidentTally.insert_many(rows)
     .on_conflict(conflict_target=[IncidentTally.month, IncidentTally.dimension,
                                   IncidentTally.key],
                  update={IncidentTally.n: IncidentTally.n + step})
     .execute())


URGENT_OPEN = ("urgent", "open")


def _urgent_open(facts):
    return facts["status"] in OPEN_STATUSES and is_urgent(SimpleNamespace(**facts))


def reported(incident, school):
    pairs = [("category", incident.category), ("severity", incident.severity),
             ("status", incident.status), ("level", school.level),
             *[(crossed(field, getattr(incident, field)), incident.status)
               for field in CROSSED]]
    if _urgent_open({name: getattr(incident, name) for name in URGENT_FIELDS}):
        pairs.append(URGENT_OPEN)
    _add(month_of(incident.reported_at), pairs, 1)


URGENT_FIELDS = ("status", "severity", "sensitive")


def changed(incident, before, after):
    """`incident` as it was, `before`/`after`: {field: value} of the fields that changed;
    the counted ones (status, category, severity, and whether it is open and urgent) move."""
    moved = [d for d in ("category", "severity", "status")
             if d in after and before.get(d) != after[d]]
    was = {name: getattr(incident, name) for name in URGENT_FIELDS}
    now = {**was, **{name: after[name] for name in URGENT_FIELDS if name in after}}
    removed = [(d, before[d]) for d in moved]
    added = [(d, after[d]) for d in moved]
    for field in CROSSED:
        was_pair = (crossed(field, getattr(incident, field)), incident.status)
        now_pair = (crossed(field, after.get(field, getattr(incident, field))),
                    after.get("status", incident.status))
        if was_pair != now_pair:
            removed.append(was_pair)
            added.append(now_pair)
    if _urgent_open(was) != _urgent_open(now):
        (removed if _urgent_open(was) else added).append(URGENT_OPEN)
    month = month_of(incident.reported_at)
    if removed:
        _add(month, removed, -1)
    if added:
        _add(month, added, 1)


def _urgent_open_sql():
    return (Incident.status.in_(OPEN_STATUSES)
            & ((Incident.severity == "critical") | (Incident.sensitive == True)))  # noqa: E712


def rebuild():
    """Recompute every count from the incidents on file (one transaction)."""
    month = local_month(Incident.reported_at)
    columns = [IncidentTally.month, IncidentTally.dimension, IncidentTally.key, IncidentTally.n]
    with database.atomic():
        IncidentTally.delete().execute()
        for dimension in DIMENSIONS:
            key = School.level if dimension == "level" else getattr(Incident, dimension)
            query = Incident.select(month, Value(dimension), key, fn.COUNT(Incident.id))
            if dimension == "level":
                query = query.join(School, on=(Incident.school == School.id))
            IncidentTally.insert_from(query.group_by(month, key), columns).execute()
        for field in CROSSED:
            IncidentTally.insert_from(_crossed_counts(month, field), columns).execute()
        IncidentTally.insert_from(
            Incident.select(month, Value(URGENT_OPEN[0]), Value(URGENT_OPEN[1]),
                            fn.COUNT(Incident.id)).where(_urgent_open_sql()).group_by(month),
            columns).execute()


def _crossed_counts(month, field):
    """(month, "c:<category>" or "s:<severity>", status, n) grouped from the incidents."""
    dimension = Value(f"{CROSSED[field]}:").concat(getattr(Incident, field))
    return (Incident.select(month, dimension, Incident.status, fn.COUNT(Incident.id))
            .group_by(month, getattr(Incident, field), Incident.status))


def kept():
    """{(month, dimension, key): n} as kept, without zeros (for tests and checks)."""
    return {(t.month, t.dimension, t.key): t.n for t in IncidentTally.select() if t.n}


def recounted():
    """`kept()` computed afresh from the incidents."""
    month = local_month(Incident.reported_at)
    found = {}
    for dimension in DIMENSIONS:
        key = School.level if dimension == "level" else getattr(Incident, dimension)
        query = (Incident.select(month, key, fn.COUNT(Incident.id))
                 .join(School, on=(Incident.school == School.id)).group_by(month, key))
        for m, k, n in query.tuples():
            found[(m, dimension, k)] = n
    for field in CROSSED:
        for m, d, k, n in _crossed_counts(month, field).tuples():
            found[(m, d, k)] = n
    urgent = Incident.select(month, fn.COUNT(Incident.id)).where(_urgent_open_sql())
    for m, n in urgent.group_by(month).tuples():
        found[(m, *URGENT_OPEN)] = n
    return found


def drift():
    """What `rebuild()` would change: one line per count that differs from a recount."""
    kept_counts, fresh = kept(), recounted()
    return [f"{month} {dimension} {key}: kept {kept_counts.get((month, dimension, key), 0)}, "
            f"counted {fresh.get((month, dimension, key), 0)}"
            for month, dimension, key in sorted(set(kept_counts) | set(fresh))
            if kept_counts.get((month, dimension, key), 0) != fresh.get((month, dimension, key), 0)]
