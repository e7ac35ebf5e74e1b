"""What the incident pages read (never a write): the list with its filters and counters, the
detail page's read model, the timeline since a version (for a conflict), the aggregates and the
home cards. Every row comes through access.incidents_visible_to (counts through
access.incident_tallies_scope); dates typed by people are local days (district.clock).
"""

import datetime as dt
from collections import Counter
from types import SimpleNamespace

from peewee import JOIN, SQL, Case, fn

from .. import access, charts, clock
from ..db import Prepared, PreparedList, ScopedPrepared, database, is_everything, is_sqlite
from ..models import (
    Incident,
    IncidentAttachment,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentReferral,
    IncidentStudent,
    IncidentTally,
    IncidentView,
    School,
    StoredFile,
    User,
)
from ..text import fold
from ..vocabulary import OFFICER, SCHOOL_LEVELS, SCHOOL_ROLES
from ..web import parse_id
from . import tallies
from .suppression import shown_table
from .vocabulary import CATEGORY_LABELS, CHECKLIST_ITEMS, SEVERITY_LABELS, STATUS_LABELS
from .workflow import OPEN_STATUSES, fields_for, is_urgent, next_statuses

SEVERITY_ORDER = ("critical", "high", "medium", "low")
SORTS = {
    "new": lambda: (Incident.reported_at.desc(), Incident.id.desc()),
    "old": lambda: (Incident.reported_at.asc(), Incident.id.asc()),
    "severity": lambda: (
        Case(None, [(Incident.severity == s, i) for i, s in enumerate(SEVERITY_ORDER)], 9).asc(),
        Incident.reported_at.desc(),
    ),
    "occurred": lambda: (Incident.occurred_at.desc(), Incident.id.desc()),
}


# --- The list ---------------------------------------------------------------------------------


def filtered(user, args, with_status=True):
    """The incidents `user` may see, narrowed by the list's filters (a query). The dates are
    local days: "from 01/12 to 01/12" is 01/12 00:00 to 24:00 in the office's time zone."""
    query = access.incidents_visible_to(user)
    if with_status and args.get("status"):
        query = query.where(Incident.status == args["status"])
    for field in ("category", "severity"):
        if args.get(field):
            query = query.where(getattr(Incident, field) == args[field])
    if args.get("school"):
        # An id the user may not see (or no school's) narrows to nothing: the visibility
        # function above already leaves only their schools' incidents.
        query = query.where(Incident.school == parse_id(args["school"]))
    if fold(args.get("school_q")):
        query = query.where(Incident.school.in_(
            access.schools_visible_to(user).select(School.id)
            .where(School.name_search.contains(fold(args["school_q"])))))
    if args.get("level"):
        query = query.where(Incident.school.in_(
            School.select(School.id).where(School.level == args["level"])))
    start, end = clock.day_range(args.get("date_from"), args.get("date_to"))
    if start:
        query = query.where(Incident.reported_at >= start)
    if end:
        query = query.where(Incident.reported_at < end)
    if args.get("mine"):
        query = query.where(Incident.assignee == user.id)
    if args.get("q"):
        query = query.where(_matching(fold(args["q"])))
    return query


def _matching(term):
    """SQL: the incidents whose folded summary or reference holds `term`. On SQLite a term of
    three letters or more is looked up in the trigram index of migration 0210 (a phrase of
    FTS5: its letters in a row, nothing in it read as an operator); otherwise, and on
    PostgreSQL (its pg_trgm indexes serve LIKE), `LIKE '%term%'`."""
    if len(term) >= 3 and is_sqlite():
        phrase = '"' + term.replace('"', '""') + '"'
        return Incident.id.in_(SQL(
            '(SELECT rowid FROM "incident_search" WHERE "incident_search" MATCH ?)', [phrase]))
    return Incident.summary_search.contains(term) | fn.LOWER(Incident.reference).contains(term)


Reporter = User.alias("reporter")
Assignee = User.alias("assignee")


def with_names(query):
    """`query` of incidents with what a row or the detail page names: the school's name, the
    reporter's and the assignee's (joined: no query per incident). Only those columns of the
    joined rows are loaded."""
    return (query.select_extend(School.id, School.name, Reporter.id, Reporter.full_name,
                                Assignee.id, Assignee.full_name)
            .join(School, on=(Incident.school == School.id))
            .switch(Incident)
            .join(Reporter, on=(Incident.reported_by == Reporter.id))
            .switch(Incident)
            .join(Assignee, JOIN.LEFT_OUTER, on=(Incident.assignee == Assignee.id)))


# What a list row shows or decides with (templates/incidents/_row.html, `row_facts`): not the
# narrative (description, immediate actions) nor the times only the detail page shows. A row has
# them by their column names (school_id, assignee_id: as a model has them too), and the names of
# the school and the assignee.
ROW_FIELDS = (Incident.id, Incident.reference, Incident.school, Incident.reported_at,
              Incident.category, Incident.summary, Incident.severity, Incident.sensitive,
              Incident.assignee, Incident.status, Incident.version)


def _rows(query):
    """`query` of incidents as list rows: plain objects (a row only reads them; model objects
    for the incident, its school and its assignee cost more to build than the rest of the
    row)."""
    return (query.select(*(field.alias(field.column_name) for field in ROW_FIELDS),
                         School.name.alias("school_name"),
                         Assignee.full_name.alias("assignee_name"))
            .join(School, on=(Incident.school == School.id))
            .switch(Incident)
            .join(Assignee, JOIN.LEFT_OUTER, on=(Incident.assignee == Assignee.id))
            .objects(SimpleNamespace))


def listing(user, args):
    """The list's rows in order (web.Pages pages them, with the total of `counters`;
    `row_facts` completes the rows of a page): the office's as a prepared statement when its
    filters allow (`_office_statement`)."""
    sort = args.get("sort") if args.get("sort") in SORTS else "new"
    names = _slotted(user, args)
    if names is not None:
        return PreparedList(_office_statement("rows", sort, names), **_slot_values(args, names))
    return _rows(filtered(user, args)).order_by(*SORTS[sort]())


def _status_counts(query):
    return query.select(Incident.status, fn.COUNT(SQL("*")).alias("n")).group_by(Incident.status)


# The office's list and counters (whoever sees every incident) under the filters a slot can
# hold are prepared statements (db.Prepared), one per shape: which of these filters are given,
# and the sort. Their SQL cost 2 to 3 ms to build on each visit. A search, a school's name
# typed, dates or "mine" take the query built for them.
_SLOTS = {"status": "~incident-status~", "category": "~incident-category~",
          "severity": "~incident-severity~", "level": "~incident-level~",
          "school": 987_654_301}
_OFFICE = access.stand_in(OFFICER, None, None)  # an officer: every incident, nothing of theirs
_OFFICE_STATEMENTS = {}


def _slotted(user, args, with_status=True):
    """The filters given (sorted names) when the office's statements serve them, else None."""
    if not access.sees_every_incident(user):
        return None
    names = []
    for name, value in args.items():
        if not value or name in ("sort", "page") or (name == "status" and not with_status):
            continue
        if name not in _SLOTS:
            return None
        names.append(name)
    return tuple(sorted(names))


def _slot_values(args, names):
    return {name: parse_id(args[name]) if name == "school" else args[name] for name in names}


def _office_statement(kind, sort, names):
    """The office's rows (a page of them, sorted by `sort`) or counts by status, with the
    filters `names`."""
    key = (kind, sort, names)
    if key not in _OFFICE_STATEMENTS:
        def build(**slots):
            args = {name: str(slots[name]) if name == "school" else slots[name]
                    for name in names}
            if kind == "counts":
                return _status_counts(filtered(_OFFICE, args, with_status=False))
            return _rows(filtered(_OFFICE, args)).order_by(*SORTS[sort]())
        slots = {n: _SLOTS[n] for n in names}
        _OFFICE_STATEMENTS[key] = (Prepared(build, **slots) if kind == "counts" else
                                   PreparedList.statements(build, counts=False, **slots)[0])
    return _OFFICE_STATEMENTS[key]


def as_row(incident):
    """An incident (a model) as a list row: a row answered in place after a change. Its school
    and assignee are the model's (already loaded by the change, or one query each)."""
    return SimpleNamespace(
        **{field.column_name: getattr(incident, field.column_name) for field in ROW_FIELDS},
        school_name=incident.school.name,
        assignee_name=incident.assignee.full_name if incident.assignee_id else None)


# The open steps of a list page's incidents, a statement built once with a slot per row of a
# page (0, which no incident has, in those a shorter page leaves over; a longer one takes a
# statement per STEP_SLOTS), in checklist order.
STEP_SLOTS = 25
OPEN_STEPS = Prepared(
    lambda **ids: (IncidentChecklistItem.select(IncidentChecklistItem.incident,
                                                IncidentChecklistItem.item)
                   .where(IncidentChecklistItem.incident.in_(list(ids.values())),
                          IncidentChecklistItem.done_at.is_null())
                   .order_by(IncidentChecklistItem.id)),
    **{f"id_{i}": -7_600 - i for i in range(STEP_SLOTS)})


def open_steps_of(incidents):
    """{incident id: [open checklist items, in checklist order]} of open incidents (one
    query)."""
    ids = [i.id for i in incidents if i.status in OPEN_STATUSES]
    found = {}
    for first in range(0, len(ids), STEP_SLOTS):
        chunk = ids[first:first + STEP_SLOTS]
        slots = {f"id_{i}": chunk[i] if i < len(chunk) else 0 for i in range(STEP_SLOTS)}
        for incident_id, item in OPEN_STEPS.rows(**slots):
            found.setdefault(incident_id, []).append(item)
    order = {item: i for i, item in enumerate(CHECKLIST_ITEMS)}
    return {key: sorted(items, key=order.get) for key, items in found.items()}


def allowed_next(user, incident):
    """The statuses this user may move this incident to, in workflow order."""
    return [to for to in next_statuses(incident.status)
            if access.may_transition(user, incident, to)]


def status_steps(user, incident, open_steps):
    """The status control: one step per status the user may choose, with only the fields that
    step asks for."""
    return [{"to": to, "fields": fields_for(incident.status, to, open_steps),
             "open_steps": open_steps if to == "resolved" else []}
            for to in allowed_next(user, incident)]


def hours_since(moment, now=None):
    return int(((now or clock.utcnow()) - moment).total_seconds() // 3600)


def row_facts(user, incidents, now=None, forms=False):
    """What a list row shows beyond its columns: urgency, the open steps of urgent open
    incidents with the hours since the report, and the statuses the user may move it to (its
    status control). One query for the page, when it has urgent open incidents. With `forms` (a
    row whose status forms are shown), also `steps`, whose fields depend on the open steps of
    any open incident (one query)."""
    now = now or clock.utcnow()
    for incident in incidents:
        incident.urgent = is_urgent(incident)
        incident.hours = hours_since(incident.reported_at, now)
        incident.next_statuses = allowed_next(user, incident)
    open_steps = open_steps_of(incidents if forms else [i for i in incidents if i.urgent])
    for incident in incidents:
        steps = open_steps.get(incident.id, [])
        incident.open_items = steps if incident.urgent else []
        if forms:
            incident.steps = status_steps(user, incident, steps)
    return incidents


def _status_tallies(dimension):
    return (IncidentTally.select(IncidentTally.key, fn.SUM(IncidentTally.n))
            .where(IncidentTally.dimension == dimension).group_by(IncidentTally.key))


# The kept counts by status (dimension "status"), or of one category or severity (its crossed
# dimension, tallies.crossed), asked by the officer's list and home page on every visit: its SQL
# is built once (db.Prepared).
STATUS_TALLIES = Prepared(_status_tallies, dimension="~dimension~")
_CROSSED_VALUES = {"category": CATEGORY_LABELS, "severity": SEVERITY_LABELS}

# What narrows the list without being a filter of its rows.
NOT_FILTERS = ("status", "sort", "page")


def counters(user, args=None):
    """{status: count} for what `user` sees under the list's filters (one query). Someone who
    sees every incident, with no filter or only one category or severity, reads the kept
    counts (tallies.py) instead of grouping the incidents."""
    args = args or {}
    unfiltered = not any(v for k, v in args.items() if k not in NOT_FILTERS)
    names = _slotted(user, args, with_status=False)
    if unfiltered and access.sees_every_incident(user):
        rows = STATUS_TALLIES.rows(dimension="status").fetchall()
    elif names in (("category",), ("severity",)) and args[names[0]] in _CROSSED_VALUES[names[0]]:
        rows = STATUS_TALLIES.rows(
            dimension=tallies.crossed(names[0], args[names[0]])).fetchall()
    elif names is not None:
        rows = (_office_statement("counts", None, names)
                .rows(**_slot_values(args, names)).fetchall())
    else:
        rows = _status_counts(filtered(user, args, with_status=False)).tuples()
    found = {status: int(n or 0) for status, n in rows}
    counts = {status: found.get(status, 0) for status in STATUS_LABELS}
    counts["all"] = sum(found.values())
    return counts


def chosen_school(user, args):
    """The school the list is narrowed to by `?school=<id>` (a link from another page), or None
    when there is none or the user may not see it (one query, only when the id is given). The
    list never writes out every school: the filter bar has a text field for the name instead
    (`school_q` in `filtered`)."""
    school_id = parse_id(args.get("school"))
    if not school_id:
        return None
    return (access.schools_visible_to(user).select(School.id, School.name)
            .where(School.id == school_id).first())


# --- One incident -----------------------------------------------------------------------------


def _parse_time(value):
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None


def _parse_day(value):
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None


def readable(events):
    """Timeline events with what their details say, ready to show: dates as dates, the
    corrected fields as (field, before, after) with times parsed back."""
    for event in events:
        details = event.details or {}
        event.referred_day = _parse_day(details.get("referred_on"))
        event.changes = [
            (field, *(_parse_time(v) if field == "occurred_at" else v for v in pair))
            for field, pair in (details.get("changes") or {}).items()
        ]
    return events


def _timeline(incident_id):
    return (IncidentEvent.select(IncidentEvent, User.id, User.full_name)
            .join(User, on=(IncidentEvent.actor == User.id))
            .where(IncidentEvent.incident == incident_id))


def changes_since(user, incident_id, version):
    """A conflict: the timeline events recorded after `version` (who changed what), oldest
    first, and whether they were all the user's own (another window) or whose they were."""
    events = _timeline(incident_id).order_by(IncidentEvent.id.desc()).limit(20)
    events = readable([e for e in reversed(list(events))
                       if (e.details or {}).get("version", 0) > version])
    others = sorted({e.actor.full_name for e in events if e.actor_id != user.id})
    return {"events": events, "others": others,
            "by_self": bool(events) and not others}


def flags(user, incident):
    """What this user may do with this incident (the template asks these, never a role)."""
    return {
        "may_assign": access.may_assign(user, incident),
        "may_add_note": access.may_add_note(user, incident),
        "may_tick": access.may_tick(user, incident),
        "may_correct": access.may_correct(user, incident),
        "may_see_views": access.may_see_views(user, incident),
    }


def detail(user, incident):
    """Everything the detail page shows, in a fixed number of queries."""
    allowed = flags(user, incident)
    now = clock.utcnow()
    checklist = {row.item: row for row in CHECKLIST.models(incident_id=incident.id)}
    open_steps = [item for item in CHECKLIST_ITEMS
                  if not (item in checklist and checklist[item].done_at)]
    urgent = is_urgent(incident)
    context = {
        "students": STUDENTS.objects(incident_id=incident.id),
        "events": readable(TIMELINE.models(incident_id=incident.id)),
        "checklist": checklist,
        "open_steps": open_steps if incident.status in OPEN_STATUSES else [],
        "urgent": urgent,
        "urgent_open": urgent and incident.status in OPEN_STATUSES,
        "hours": hours_since(incident.reported_at, now),
        "steps": status_steps(user, incident,
                              open_steps if incident.status in OPEN_STATUSES else []),
        "referrals": REFERRALS.objects(incident_id=incident.id),
        "attachments": ATTACHMENTS.models(incident_id=incident.id),
        "views": _views(incident) if allowed["may_see_views"] else [],
        "assignable": _assignable(incident) if allowed["may_assign"] else [],
        **allowed,
    }
    return context


# What the detail page reads of one incident, on each visit: built once (db.Prepared), run
# for the incident the user may see (get_visible_or_404 found it first).
STUDENTS = Prepared(lambda incident_id: IncidentStudent.select()
                    .where(IncidentStudent.incident == incident_id).order_by(IncidentStudent.id),
                    incident_id=-7901)
REFERRALS = Prepared(lambda incident_id: IncidentReferral.select()
                     .where(IncidentReferral.incident == incident_id)
                     .order_by(IncidentReferral.referred_on, IncidentReferral.id),
                     incident_id=-7902)
CHECKLIST = Prepared(lambda incident_id: IncidentChecklistItem.select(
                         IncidentChecklistItem.item, IncidentChecklistItem.done_at, User.id,
                         User.full_name)
                     .join(User, JOIN.LEFT_OUTER,
                           on=(IncidentChecklistItem.done_by == User.id))
                     .where(IncidentChecklistItem.incident == incident_id),
                     incident_id=-7905)
TIMELINE = Prepared(lambda incident_id: _timeline(incident_id)
                    .order_by(IncidentEvent.at, IncidentEvent.id),
                    incident_id=-7906)
ATTACHMENTS = Prepared(lambda incident_id: IncidentAttachment.select(
                           IncidentAttachment.id, StoredFile.id, StoredFile.original_name,
                           StoredFile.size)
                       .join(StoredFile)
                       .where(IncidentAttachment.incident == incident_id)
                       .order_by(IncidentAttachment.id),
                       incident_id=-7907)
def _readers(incident_id):
    """Each reader of the incident once: their visits grouped first (from the index on
    incident, user and time alone), then their names joined, the latest reader first."""
    visits = (IncidentView.select(IncidentView.user, fn.MAX(IncidentView.at).alias("last"),
                                  fn.COUNT(SQL("*")).alias("times"))
              .where(IncidentView.incident == incident_id)
              .group_by(IncidentView.user)).alias("visits")
    return (User.select(visits.c.user_id, User.full_name, visits.c.last, visits.c.times)
            .from_(visits).join(User, on=(User.id == visits.c.user_id))
            .order_by(visits.c.last.desc()))


VIEWS = Prepared(_readers, incident_id=-7903)


def _views(incident):
    at = IncidentView.at
    return [{"user": user_id, "full_name": name, "last": at.python_value(last),
             "times": int(times)}
            for user_id, name, last, times in VIEWS.rows(incident_id=incident.id)]


def assignable_users(school_id):
    """The school's active staff and principals: who an incident may be assigned to."""
    return (User.select(User.id, User.full_name)
            .where(User.school == school_id, User.role.in_(SCHOOL_ROLES),
                   User.active == True))  # noqa: E712


ASSIGNABLE = Prepared(lambda school_id: assignable_users(school_id).order_by(User.name_key),
                     school_id=-7904)


def _assignable(incident):
    return ASSIGNABLE.objects(school_id=incident.school_id)


# --- Aggregates -------------------------------------------------------------------------------


def tally_rows(user, year=None):
    """[(month, dimension, key, n)] of the kept counts (tallies.py) in
    `incident_tallies_scope(user)`, of one local calendar year or of every year: a few hundred
    rows whatever the number of incidents (one query)."""
    scope = access.incident_tallies_scope(user)
    months = (f"{year:04d}-01", f"{year:04d}-12") if year else None
    # The database's own rows: text and numbers, nothing for peewee to convert (its row
    # wrapper would cost more than the rest of the statistics page).
    if is_everything(scope):  # the office's: a statement built once (TALLY_ROWS)
        values = {"first": months[0], "last": months[1]} if months else {}
        return TALLY_ROWS.get(scope, variant=bool(months)).rows(**values).fetchall()
    return database.execute(_tally_rows_query(scope, months)).fetchall()


def _tally_rows_query(scope, months):
    query = scope.select(IncidentTally.month, IncidentTally.dimension, IncidentTally.key,
                         IncidentTally.n).where(IncidentTally.n != 0,
                                                IncidentTally.dimension.in_(tallies.DIMENSIONS))
    return query.where(IncidentTally.month.between(*months)) if months else query


TALLY_ROWS = ScopedPrepared(
    lambda scope, one_year, first=None, last=None:
    _tally_rows_query(scope, (first, last) if one_year else None),
    first="~first-month~", last="~last-month~")


def _summed(rows):
    """{dimension: Counter(key: n)} of tally rows, with "month" counted from the statuses
    (every incident has exactly one)."""
    by = {dimension: Counter() for dimension in (*tallies.DIMENSIONS, "month")}
    for month, dimension, key, n in rows:
        if dimension not in by:
            continue  # "urgent": the officer's home card, not a statistic
        by[dimension][key] += n
        if dimension == "status":
            by["month"][month] += n
    return by


def aggregates(user, year=None):
    """Counts by category, school level, severity, status and local month: never a name or a
    narrative. `year` is a local calendar year. One query of the kept counts."""
    by = _summed(tally_rows(user, year))
    return {
        "category": [(code, by["category"].get(code, 0)) for code in CATEGORY_LABELS],
        "severity": [(code, by["severity"].get(code, 0)) for code in SEVERITY_LABELS],
        "level": [(code, by["level"].get(code, 0)) for code in SCHOOL_LEVELS],
        "status": [(code, by["status"].get(code, 0)) for code in STATUS_LABELS],
        "month": sorted(by["month"].items()),
        "total": sum(by["status"].values()),
    }


# --- Home cards -------------------------------------------------------------------------------


def _school_figures_query(role, school_id, user_id):
    """The incidents a school user sees (access.incidents_visible_to) by status: how many,
    how many urgent (critical or sensitive), how many assigned to the user."""
    user = access.stand_in(role, school_id, user_id)
    urgent = (Incident.severity == "critical") | (Incident.sensitive == True)  # noqa: E712
    return (access.incidents_visible_to(user)
            .select(Incident.status, fn.COUNT(SQL("*")), fn.SUM(Case(None, [(urgent, 1)], 0)),
                    fn.SUM(Case(None, [(Incident.assignee == user_id, 1)], 0)))
            .group_by(Incident.status))


# The home card of every school user, on each visit: one statement per role, built once.
SCHOOL_FIGURES = {role: Prepared(lambda school_id, user_id, r=role:
                                 _school_figures_query(r, school_id, user_id),
                                 school_id=-7701, user_id=-7702)
                  for role in access.SCHOOL_USERS}


# The office's home card, on each visit: the urgent open incidents, from the kept counts.
URGENT_OPEN = Prepared(lambda: IncidentTally.select(fn.SUM(IncidentTally.n)).where(
    IncidentTally.dimension == tallies.URGENT_OPEN[0],
    IncidentTally.key == tallies.URGENT_OPEN[1]))


def home_figures(user):
    """The home card of those who handle incidents: a few counts; one query for a school's
    users (SCHOOL_FIGURES), three at most for the office."""
    if user.role in SCHOOL_FIGURES:
        rows = SCHOOL_FIGURES[user.role].rows(school_id=user.school_id, user_id=user.id)
        found = {status: (int(n), int(urgent or 0), int(mine or 0))
                 for status, n, urgent, mine in rows}
        counts = {status: found.get(status, (0, 0, 0))[0] for status in STATUS_LABELS}
        counts["all"] = sum(n for n, _urgent, _mine in found.values())
        open_rows = [found[s] for s in OPEN_STATUSES if s in found]
        return {"counts": counts, "open": sum(counts[s] for s in OPEN_STATUSES),
                "urgent": sum(urgent for _n, urgent, _mine in open_rows),
                "mine": (sum(mine for _n, _urgent, mine in open_rows)
                         if access.may_be_assigned_incidents(user) else 0),
                "whole_school": access.is_principal(user)}
    counts = counters(user)
    visible_open = access.incidents_visible_to(user).where(Incident.status.in_(OPEN_STATUSES))
    if access.sees_every_incident(user):
        urgent = int(URGENT_OPEN.rows().fetchone()[0] or 0)
    else:
        urgent = visible_open.where((Incident.severity == "critical")
                                    | (Incident.sensitive == True)).count()  # noqa: E712
    mine = 0
    if access.may_be_assigned_incidents(user):
        mine = visible_open.where(Incident.assignee == user.id).count()
    return {"counts": counts, "open": sum(counts[s] for s in OPEN_STATUSES), "urgent": urgent,
            "mine": mine, "whole_school": access.is_principal(user)}


def home_aggregates(user):
    """The observer's home card: this local year's total (suppressed like the stats page)."""
    data = aggregates(user, year=clock.today().year)
    return {"total": data["total"], "category": data["category"]}


# --- Charts -----------------------------------------------------------------------------------


def home_charts(user):
    """The officer's and the observer's incident card: this local year's counts by month,
    category and status (one query of the kept counts), each table protected for whoever
    does not see exact counts (district/incidents/suppression.py) before it is drawn."""
    year = clock.today().year
    data = aggregates(user, year)
    exact = access.sees_exact_counts(user)
    tables = {key: shown_table(data[key], exact) for key in ("month", "category", "status")}
    return {"year": year, "total": data["total"], "exact": exact, **stat_charts(tables)}


def month_label(month):
    """"2026-11" as "11/2026"."""
    return f"{month[5:]}/{month[:4]}"


def stat_charts(tables):
    """Bar charts of the shown tables (code, text) of month, category and status: only what
    the reader may see goes in ("<5" and "*" are drawn as marked bars); a withheld table
    (None) gives no chart."""
    labels = {"category": CATEGORY_LABELS, "status": STATUS_LABELS}
    found = {}
    for key in ("month", "category", "status"):
        rows = tables.get(key)
        if rows is None:
            found[f"{key}_chart"] = None
            continue
        named = [(month_label(code) if key == "month" else labels[key][code], text)
                 for code, text in rows]
        found[f"{key}_chart"] = charts.bars(named, classes=[f"chart-{key}"] * len(named))
    return found
