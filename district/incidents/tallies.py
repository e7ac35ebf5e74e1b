"""Incidents counted as they are reported and moved, so statistics never group every incident.

A province has 100,000 incidents; the statistics page, the officer's and the observer's homes
and the officer's list counters used to group them all on every request. `IncidentTally` keeps,
per local month, how many incidents there are of each category, severity, status and school
level (the level of the school when the incident was reported: a school that changes level
later keeps its past incidents where they were counted). operations.py moves the counts in its
own transaction: `reported()` when an incident is created, `changed()` when its status,
category or severity changes. `rebuild()` recomputes them all (seeds, the benchmark's bulk load,
`flask recount`).
"""

from peewee import SQL, Value, fn

from .. import clock
from ..db import database, is_sqlite
from ..models import Incident, IncidentTally, School

DIMENSIONS = ("category", "severity", "status", "level")


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


def reported(incident, school):
    _add(month_of(incident.reported_at),
         [("category", incident.category), ("severity", incident.severity),
          ("status", incident.status), ("level", school.level)], 1)


def changed(incident, before, after):
    """`before`/`after`: {field: value} of the fields that changed (status, category,
    severity); other fields are not counted."""
    moved = [d for d in ("category", "severity", "status")
             if d in after and before.get(d) != after[d]]
    if moved:
        month = month_of(incident.reported_at)
        _add(month, [(d, before[d]) for d in moved], -1)
        _add(month, [(d, after[d]) for d in moved], 1)


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
    return found


def drift():
    """What `rebuild()` would change: one line per count that differs from a recount."""
    kept_counts, fresh = kept(), recounted()
    return [f"{month} {dimension} {key}: kept {kept_counts.get((month, dimension, key), 0)}, "
            f"counted {fresh.get((month, dimension, key), 0)}"
            for month, dimension, key in sorted(set(kept_counts) | set(fresh))
            if kept_counts.get((month, dimension, key), 0) != fresh.get((month, dimension, key), 0)]
