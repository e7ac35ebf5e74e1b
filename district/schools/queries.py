"""Page queries of the schools' pages and the office's periodic report (read only), built on
access.py's visibility functions and scopes, and on the counts other features keep.

- `school_page(user, school)`: what the head of one school answers for, this school year;
  a fixed number of statements whatever the school's directives, activities or incidents.
- `school_list(user, filters)` / `list_figures(user, rows)`: the officers' list of schools,
  ordered and paged on cheap columns (kept counts, the current roster, the latest review), the
  other figures fetched for the rows of the page only (web.Pages(load=...)).
- `report(user, period)`: the office's figures for a semester or a school year, from the kept
  counts (directive tallies, incident tallies, review rounds' counts); small incident counts
  suppressed for whoever does not see exact counts.
"""

import datetime as dt

from peewee import JOIN, Case, fn

from .. import access, clock, school_search
from ..activities import years
from ..activities.queries import head_total, share
from ..activities.vocabulary import GROUPS, KIND_LABELS, STAFF_GROUPS
from ..directives.queries import count_if, state_expr
from ..incidents import tallies as incident_tallies
from ..incidents.suppression import shown_table, small
from ..incidents.vocabulary import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)
from ..incidents.workflow import OPEN_STATUSES, URGENT_HOURS
from ..models import (
    Activity,
    Criterion,
    Directive,
    DirectiveReminder,
    Incident,
    IncidentChecklistItem,
    IncidentTally,
    Recipient,
    ReviewAction,
    ReviewAnswer,
    ReviewRound,
    ReviewSubmission,
    Roster,
    School,
    SchoolTally,
    StaffCount,
)
from ..reviews.queries import display_state
from ..reviews.vocabulary import ACCEPTED, NEEDS_ACTION, STORED_STATES
from ..rosters.vocabulary import STATES as ROSTER_STATES
from ..rosters.vocabulary import VALID_STATES
from ..vocabulary import SCHOOL_LEVELS
from .vocabulary import PERIOD_LABELS, SEMESTER_MONTHS, SORTS, WHOLE_YEAR

STAFF_SUM = Activity.managers + Activity.teachers + Activity.employees


def _year_span(year):
    """[start, end) in UTC of the local days of school year `year`."""
    return clock.day_range(years.first_day(year), years.last_day(year))


def _urgent_steps_late(now):
    """SQL: an open, urgent incident (critical or sensitive) reported more than URGENT_HOURS
    ago with an intervention step still open (emergency protection within 12 hours)."""
    open_step = IncidentChecklistItem.select(IncidentChecklistItem.id).where(
        IncidentChecklistItem.incident == Incident.id, IncidentChecklistItem.done_at.is_null())
    return (Incident.status.in_(OPEN_STATUSES)
            & ((Incident.severity == "critical") | (Incident.sensitive == True))  # noqa: E712
            & (Incident.reported_at < now - dt.timedelta(hours=URGENT_HOURS))
            & fn.EXISTS(open_step))


# --- One school's page ---------------------------------------------------------------------------


def _figure_of(row):
    if row["purpose"] == "info":
        return "info"
    return {"acknowledged": "on_time", "acknowledged_late": "late",
            "overdue": "overdue"}.get(row["state"], "pending")


def school_directives(user, school, year, today):
    """The published directives the school received in school year `year` (issued in it),
    newest first, each with the school's state and the reminders it was sent; and their counts
    by figure (on time, late, overdue, pending, for information). One statement."""
    rows = list(
        access.recipients_visible_to(user)
        .select(Directive.id, Directive.number, Directive.title, Directive.issued_on,
                Directive.deadline, Recipient.purpose, Recipient.acknowledged_at,
                Recipient.reminders_count, state_expr(today).alias("state"))
        .join(Directive, on=(Recipient.directive == Directive.id))
        .where(Recipient.school == school.id, Directive.status == "published",
               Directive.issued_on.between(years.first_day(year), years.last_day(year)))
        .order_by(Directive.issued_on.desc(), Directive.id.desc()).dicts())
    counts = dict.fromkeys(("on_time", "late", "overdue", "pending", "info"), 0)
    for row in rows:
        row["figure"] = _figure_of(row)
        counts[row["figure"]] += 1
    return rows, counts


def school_reminders(user, school, year):
    """Reminders sent to the school in the school year: how many, how many automatic, the
    last. One statement."""
    start, end = _year_span(year)
    n, automatic, last = (
        access.recipients_visible_to(user)
        .select(fn.COUNT(DirectiveReminder.id),
                count_if(DirectiveReminder.sent_by.is_null()),
                fn.MAX(DirectiveReminder.sent_at))
        .join(DirectiveReminder, on=(DirectiveReminder.recipient == Recipient.id))
        .where(Recipient.school == school.id, DirectiveReminder.sent_at >= start,
               DirectiveReminder.sent_at < end)
        .tuples().get())
    if isinstance(last, str):  # SQLite gives an aggregate's time back as text
        last = dt.datetime.fromisoformat(last)
    return {"sent": n or 0, "automatic": int(automatic or 0), "last": last}


def school_roster(user, school):
    """The school's current roster (any state), or None. One statement."""
    return (access.rosters_visible_to(user)
            .where(Roster.school == school.id, Roster.is_current == True)  # noqa: E712
            .first())


def school_activities(user, school, year):
    """The school's own activities of the school year: how many by kind, the people reached
    (per group, the most one activity reached, as the activities feature counts them), the
    attendances in all, and the share of its staff reached. Two statements."""
    rows = list(
        access.activities_visible_to(user)
        .select(Activity.kind, fn.COUNT(Activity.id).alias("n"),
                fn.MAX(STAFF_SUM).alias("staff"),
                *[fn.MAX(getattr(Activity, g)).alias(f"max_{g}") for g in GROUPS],
                *[fn.SUM(getattr(Activity, g)).alias(f"sum_{g}") for g in GROUPS])
        .where(Activity.school == school.id, Activity.school_year == year)
        .group_by(Activity.kind).dicts())
    by_kind = {row["kind"]: row["n"] for row in rows}
    reached = {g: max([row[f"max_{g}"] or 0 for row in rows], default=0) for g in GROUPS}
    attendances = sum(int(row[f"sum_{g}"] or 0) for row in rows for g in GROUPS)
    staff = max([row["staff"] or 0 for row in rows], default=0)
    head = (access.staff_counts_visible_to(user)
            .where(StaffCount.school == school.id, StaffCount.school_year == year).first())
    return {"held": sum(by_kind.values()), "by_kind": [(k, by_kind[k]) for k in KIND_LABELS
                                                       if by_kind.get(k)],
            "reached": reached, "attendances": attendances, "staff": staff,
            "head_total": head_total(head) if head else None,
            "share": share(staff, head_total(head))}


def school_incidents(user, school, year, now):
    """The school's incidents `user` may see, by status: reported this school year, reported
    before it (still counted while open), and open urgent ones whose intervention steps are
    late. Counts only, never a name or a narrative. One statement."""
    start, _end = _year_span(year)
    rows = (access.incidents_visible_to(user)
            .select(Incident.status, count_if(Incident.reported_at >= start),
                    count_if(Incident.reported_at < start), count_if(_urgent_steps_late(now)))
            .where(Incident.school == school.id)
            .group_by(Incident.status).tuples())
    found = {status: (int(a or 0), int(b or 0), int(c or 0)) for status, a, b, c in rows}
    by_status = [(s, found.get(s, (0, 0, 0))[0]) for s in STATUS_LABELS]
    earlier_open = sum(found.get(s, (0, 0, 0))[1] for s in OPEN_STATUSES)
    return {"by_status": by_status, "this_year": sum(n for _s, n in by_status),
            "open": sum(found.get(s, (0, 0, 0))[0] for s in OPEN_STATUSES) + earlier_open,
            "earlier_open": earlier_open,
            "steps_late": sum(v[2] for v in found.values())}


def school_review(user, school, today):
    """The school's review in the latest round it is in (with its round), its display state,
    and its open improvement actions (with their criterion), or None. Two statements at most."""
    submission = (access.review_submissions_visible_to(user)
                  .select(ReviewSubmission, ReviewRound).join(ReviewRound)
                  .where(ReviewSubmission.school == school.id)
                  .order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc()).first())
    if submission is None:
        return None
    actions = list(ReviewAction.select(ReviewAction, ReviewAnswer, Criterion)
                   .join(ReviewAnswer).join(Criterion)
                   .where(ReviewAction.submission == submission.id,
                          ReviewAction.closed_at.is_null(),
                          ReviewAnswer.verdict.in_(NEEDS_ACTION))
                   .order_by(ReviewAction.due_on, Criterion.position, ReviewAction.id))
    return {"submission": submission, "round": submission.review_round,
            "state": display_state(submission.state, submission.review_round.deadline, today),
            "actions": actions,
            "late_actions": sum(1 for a in actions if a.due_on and a.due_on < today)}


def school_page(user, school):
    """Everything the school's page shows (eight statements)."""
    today, now, year = clock.today(), clock.utcnow(), years.current()
    rows, counts = school_directives(user, school, year, today)
    return {
        "school": school, "year": year, "today": today,
        "directives": rows, "directive_counts": counts,
        "reminders": school_reminders(user, school, year),
        "roster": school_roster(user, school),
        "activities": school_activities(user, school, year),
        "incidents": school_incidents(user, school, year, now),
        "review": school_review(user, school, today),
    }


# --- The officers' list of schools -------------------------------------------------------------

ROSTER_RANK = {state: rank for rank, state in enumerate(ROSTER_STATES)}
REVIEW_RANK = {state: rank for rank, state in enumerate(STORED_STATES)}


def latest_round(user):
    """The newest review round (the list shows each school's state in it), or None."""
    return (access.review_rounds_visible_to(user)
            .order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc()).first())


def _overdue_receipts(user, today):
    """The receipts to act on, not acknowledged, of published directives past their deadline
    (those the kept counts say every school acknowledged skipped)."""
    return (access.recipients_visible_to(user).select(Recipient.school, Recipient.id)
            .join(Directive, on=(Recipient.directive == Directive.id))
            .where(Recipient.purpose == "act", Recipient.acknowledged_at.is_null(),
                   Directive.status == "published", Directive.deadline < today,
                   Directive.ack_count < Directive.recipient_count))


def _year_activities(user, year):
    return (access.activities_visible_to(user).select(Activity.school, Activity.id)
            .where(Activity.school_year == year))


def _open_incidents(user):
    return (access.incidents_visible_to(user).select(Incident.school, Incident.id)
            .where(Incident.status.in_(OPEN_STATUSES)))


def _of_this_school(rows):
    """EXISTS: one of `rows` (a query of school, id) is of the outer query's school."""
    model = rows.model
    return fn.EXISTS(rows.where(model.school == School.id))


def _by_school(rows):
    """`rows` (a query of school, id) counted per school: columns sid, n."""
    model = rows.model
    return rows.select(model.school.alias("sid"), fn.COUNT(model.id).alias("n")).group_by(
        model.school)


def _rate():
    return Case(None, [(SchoolTally.received > 0,
                        SchoolTally.acknowledged * 100 / SchoolTally.received)], None)


def school_list(user, filters, review_round=None):
    """The active schools `user` may open the page of, with their kept directive counts, the
    state of their current roster and of their review in `review_round`, filtered and ordered
    (one statement per page; sorting by a figure that is not kept joins it counted per
    school in one grouped subquery)."""
    today, year = clock.today(), years.current()
    round_id = review_round.id if review_round else 0
    query = (access.school_pages_visible_to(user)
             .select(School, SchoolTally.received.alias("t_received"),
                     SchoolTally.acknowledged.alias("t_acked"),
                     Roster.state.alias("roster_state"),
                     ReviewSubmission.state.alias("review_stored"))
             .join(SchoolTally, JOIN.LEFT_OUTER, on=(SchoolTally.school == School.id))
             .switch(School)
             .join(Roster, JOIN.LEFT_OUTER,
                   on=((Roster.school == School.id) & (Roster.is_current == True)))  # noqa: E712
             .switch(School)
             .join(ReviewSubmission, JOIN.LEFT_OUTER,
                   on=((ReviewSubmission.school == School.id)
                       & (ReviewSubmission.review_round == round_id)))
             .where(School.active == True))  # noqa: E712
    query = school_search.narrow(query, filters)
    if filters.get("roster") == "none":
        query = query.where(Roster.id.is_null())
    elif filters.get("roster"):
        query = query.where(Roster.state == filters["roster"])
    attention = filters.get("attention")
    if attention == "overdue":
        query = query.where(_of_this_school(_overdue_receipts(user, today)))
    elif attention == "no_roster":
        query = query.where(Roster.id.is_null() | Roster.state.not_in(VALID_STATES))
    elif attention == "no_activity":
        query = query.where(~_of_this_school(_year_activities(user, year)))
    elif attention == "open_incidents":
        query = query.where(_of_this_school(_open_incidents(user)))
    elif attention == "review_pending":
        query = query.where(ReviewSubmission.id.is_null(False),
                            ReviewSubmission.state != ACCEPTED)
    sort = filters.get("sort") if filters.get("sort") in SORTS else "name"
    counted = {"overdue": lambda: _overdue_receipts(user, today),
               "activities": lambda: _year_activities(user, year),
               "incidents": lambda: _open_incidents(user)}.get(sort)
    if counted:
        # Counted once per school in one grouped subquery, joined: a count correlated with
        # each of 3,000 schools would read every receipt of every school, one by one.
        counts = _by_school(counted()).alias("counts")
        query = query.join(counts, JOIN.LEFT_OUTER, on=(counts.c.sid == School.id))
        key = fn.COALESCE(counts.c.n, 0)
    else:
        key = {
            "rate": _rate(),
            "roster": Case(Roster.state, list(ROSTER_RANK.items()), 0),
            "review": Case(ReviewSubmission.state, list(REVIEW_RANK.items()), None),
        }.get(sort)
    descending = filters.get("dir") == "desc"
    if key is None:
        keys = [School.name_key.desc() if descending else School.name_key]
    elif descending:
        keys = [key.desc(nulls="LAST"), School.name_key]
    else:
        keys = [key.asc(nulls="LAST"), School.name_key]
    return query.order_by(*keys, School.id).objects()


def list_figures(user, rows, review_round=None):
    """The figures of the schools of one page that are not kept: overdue receipts, activities
    of the school year, open incidents (three statements, whatever the page's size)."""
    today, year = clock.today(), years.current()
    ids = [s.id for s in rows]
    overdue = dict(_by_school(_overdue_receipts(user, today))
                   .where(Recipient.school.in_(ids)).tuples())
    held = dict(_by_school(_year_activities(user, year)).where(Activity.school.in_(ids)).tuples())
    incidents = dict(_by_school(_open_incidents(user)).where(Incident.school.in_(ids)).tuples())
    for school in rows:
        received, acked = school.t_received or 0, school.t_acked or 0
        school.received, school.acked = received, acked
        school.rate = round(100 * acked / received) if received else None
        school.overdue = overdue.get(school.id, 0)
        school.activities = held.get(school.id, 0)
        school.open_incidents = incidents.get(school.id, 0)
        school.roster = school.roster_state or "none"
        school.review = (display_state(school.review_stored, review_round.deadline, today)
                         if review_round and school.review_stored else None)
    return rows



# --- The periodic report ------------------------------------------------------------------------


def period_of(year, part=WHOLE_YEAR):
    """A report's period: school year `year`, or its semester `part`: its first and last local
    days, its months ("YYYY-MM") and its label."""
    months = years.months(year)
    if part in SEMESTER_MONTHS:
        start, stop = SEMESTER_MONTHS[part]
        months = months[start:stop]
    first = dt.date(*months[0], 1)
    last_year, last_month = months[-1]
    last = dt.date(last_year + (last_month == 12), last_month % 12 + 1, 1) - dt.timedelta(days=1)
    return {"year": year, "part": part, "first": first, "last": last,
            "months": [f"{y:04d}-{m:02d}" for y, m in months],
            "label": str(PERIOD_LABELS[part]) % {"year": years.label(year)}}


def report_directives(user, period, today):
    """The published directives issued in the period with their kept counts, and the totals.
    One statement."""
    overdue = Case(None, [(Directive.deadline < today,
                           Directive.recipient_count - Directive.ack_count)], 0)
    rows = list(access.directive_tallies_scope(user)
                .select(Directive.id, Directive.number, Directive.title, Directive.issued_on,
                        Directive.deadline, Directive.recipient_count.alias("total"),
                        Directive.ack_count.alias("acked"), Directive.late_count.alias("late"),
                        Directive.info_count.alias("info"), overdue.alias("overdue"))
                .where(Directive.issued_on.between(period["first"], period["last"]))
                .order_by(Directive.issued_on, Directive.id).dicts())
    for row in rows:
        row["overdue"] = int(row["overdue"] or 0)
        row["on_time"] = row["acked"] - row["late"]
        row["rate"] = round(100 * row["acked"] / row["total"]) if row["total"] else None
    totals = {k: sum(r[k] for r in rows) for k in ("total", "acked", "late", "on_time",
                                                   "overdue", "info")}
    totals["rate"] = round(100 * totals["acked"] / totals["total"]) if totals["total"] else None
    return {"rows": rows, "totals": totals, "count": len(rows)}


def report_rosters(user):
    """The active schools by level and the state of their current roster (as of today: a
    roster is kept until replaced), in the rosters' aggregate scope. One statement."""
    on = ((Roster.school == School.id) & (Roster.is_current == True)  # noqa: E712
          & Roster.id.in_(access.roster_aggregates_scope(user).select(Roster.id)))
    rows = (School.select(School.level, Roster.state, fn.COUNT(School.id))
            .join(Roster, JOIN.LEFT_OUTER, on=on)
            .where(School.active == True)  # noqa: E712
            .group_by(School.level, Roster.state).tuples())
    by_level = {level: dict.fromkeys(ROSTER_STATES, 0) for level in SCHOOL_LEVELS}
    for level, state, n in rows:
        by_level.setdefault(level, dict.fromkeys(ROSTER_STATES, 0))[state or "none"] += n
    lines = []
    for level, counts in by_level.items():
        total = sum(counts.values())
        covered = sum(counts[s] for s in VALID_STATES)
        lines.append({"level": level, "total": total, "covered": covered,
                      "rate": round(100 * covered / total) if total else None, **counts})
    total = {k: sum(line[k] for line in lines) for k in ("total", "covered", *ROSTER_STATES)}
    total["rate"] = round(100 * total["covered"] / total["total"]) if total["total"] else None
    return {"levels": [line for line in lines if line["total"]], "total": total}


def report_activities(user, period):
    """Activities held in the period by kind (the schools' own and the office's trainings),
    the attendances by group, and how many schools held one. Two statements."""
    scope = access.activity_aggregates_scope(user)
    held = Activity.held_on.between(period["first"], period["last"])
    rows = list(scope.select(Activity.kind,
                             count_if(Activity.school.is_null(False)).alias("schools_n"),
                             count_if(Activity.school.is_null()).alias("office_n"),
                             *[fn.SUM(getattr(Activity, g)).alias(g) for g in GROUPS])
                .where(held).group_by(Activity.kind).dicts())
    found = {row["kind"]: row for row in rows}
    kinds = [{"kind": k, "school": int(found[k]["schools_n"] or 0),
              "office": int(found[k]["office_n"] or 0)} for k in KIND_LABELS if k in found]
    people = {g: sum(int(row[g] or 0) for row in rows) for g in GROUPS}
    schools = (scope.select(fn.COUNT(Activity.school.distinct()))
               .where(held, Activity.school.is_null(False)).scalar()) or 0
    return {"kinds": kinds, "people": people, "attendances": sum(people.values()),
            "staff": sum(people[g] for g in STAFF_GROUPS),
            "activities": sum(k["school"] + k["office"] for k in kinds),
            "schools": schools}


def report_reviews(user, period, today):
    """The review rounds launched in the period with their kept counts per state, and their
    improvement actions: open, of those past their date, closed. Two statements."""
    start, end = clock.day_range(period["first"], period["last"])
    rounds = list(access.review_rounds_visible_to(user)
                  .where(ReviewRound.created_at >= start, ReviewRound.created_at < end)
                  .order_by(ReviewRound.created_at, ReviewRound.id))
    actions = {}
    if rounds:
        counted = access.review_aggregates_scope(user).select(ReviewSubmission.id)
        actions = {row[0]: row[1:] for row in (
            ReviewAction.select(ReviewSubmission.review_round,
                                count_if(ReviewAction.closed_at.is_null()),
                                count_if(ReviewAction.closed_at.is_null()
                                         & (ReviewAction.due_on < today)),
                                count_if(ReviewAction.closed_at.is_null(False)))
            .join(ReviewSubmission)
            .switch(ReviewAction).join(ReviewAnswer)
            .where(ReviewSubmission.review_round.in_([r.id for r in rounds]),
                   ReviewAction.submission.in_(counted), ReviewAnswer.verdict.in_(NEEDS_ACTION))
            .group_by(ReviewSubmission.review_round).tuples())}
    lines = []
    for r in rounds:
        open_n, late, closed = (int(x or 0) for x in actions.get(r.id, (0, 0, 0)))
        lines.append({"round": r, "schools": r.school_count or 0,
                      "states": {s: getattr(r, f"{s}_count") or 0 for s in STORED_STATES},
                      "accepted": r.accepted_count or 0,
                      "open_actions": open_n, "late_actions": late, "closed_actions": closed})
    return lines


def report_incidents(user, period, exact):
    """Incidents reported in the period by category, level, severity and status (kept counts of
    its months) and, resolved or closed, by outcome (counted over the period's incidents): each
    table as shown to `user` (exact, or with small counts suppressed; None when withheld).
    Two statements."""
    found = {}
    for dimension, key, n in (
            access.incident_tallies_scope(user)
            .select(IncidentTally.dimension, IncidentTally.key, fn.SUM(IncidentTally.n))
            .where(IncidentTally.month.in_(period["months"]),
                   IncidentTally.dimension.in_(incident_tallies.DIMENSIONS))
            .group_by(IncidentTally.dimension, IncidentTally.key).tuples()):
        found.setdefault(dimension, {})[key] = int(n or 0)
    start, end = clock.day_range(period["first"], period["last"])
    outcomes = dict(access.report_incidents_scope(user)
                    .select(Incident.outcome, fn.COUNT(Incident.id))
                    .where(Incident.reported_at >= start, Incident.reported_at < end,
                           Incident.status.in_(("resolved", "closed")), Incident.outcome != "")
                    .group_by(Incident.outcome).tuples())
    codes = {"category": CATEGORY_LABELS, "level": SCHOOL_LEVELS, "severity": SEVERITY_LABELS,
             "status": STATUS_LABELS}
    raw = {dimension: [(code, found.get(dimension, {}).get(code, 0)) for code in keys]
           for dimension, keys in codes.items()}
    raw["outcome"] = [(code, int(outcomes.get(code, 0))) for code in OUTCOME_LABELS]
    total = sum(n for _code, n in raw["status"])
    return {"tables": {name: shown_table(rows, exact) for name, rows in raw.items()},
            "total": str(total) if exact else small(total), "exact": exact}


def report(user, period):
    """The periodic report: every section (eight statements at most)."""
    today = clock.today()
    exact = access.sees_exact_counts(user)
    return {"period": period, "today": today, "exact": exact,
            "directives": report_directives(user, period, today),
            "rosters": report_rosters(user),
            "activities": report_activities(user, period),
            "reviews": report_reviews(user, period, today),
            "incidents": report_incidents(user, period, exact)}


def report_years():
    """The school years a report may be of (newest first)."""
    return years.choices()
