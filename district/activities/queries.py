"""Page queries of activities (read only), built on access.py's visibility functions and scopes:
a school's list, one activity, the office's coverage (school by school, its figures and its
chart by month), the observer's figures, head counts, and what a form may offer and accept.

Counts are grouped over one school year's activities (a few per school and year), never over
every activity on file; each page runs a fixed number of queries whatever the number of schools
or activities.
"""

import datetime as dt

from peewee import JOIN, Case, fn

from .. import charts, clock, school_search
from ..access import (
    activities_visible_to,
    activity_aggregates_scope,
    activity_attendees_visible_to,
    activity_files_visible_to,
    directives_visible_to,
    schools_visible_to,
    staff_count_aggregates_scope,
    staff_counts_visible_to,
    users_visible_to,
)
from ..db import is_sqlite
from ..models import (
    Activity,
    ActivityAttendee,
    ActivityDirective,
    ActivityFile,
    ActivityRevision,
    Directive,
    Roster,
    RosterMember,
    School,
    StaffCount,
    StoredFile,
    User,
)
from ..text import fold, sort_key
from . import years
from .vocabulary import GROUPS, KIND_LABELS, STAFF_GROUPS

# --- What a form offers and accepts --------------------------------------------------------------

DIRECTIVE_CHOICE_DAYS = 365  # directives offered: those issued in the last year


def directive_choices(user, chosen=()):
    """[(id, "number – title")] of the directives `user` may say an activity carries out: those
    sent to the school (the office: every published one), issued in the last year, and any
    already chosen."""
    since = clock.today() - dt.timedelta(days=DIRECTIVE_CHOICE_DAYS)
    recent = Directive.issued_on >= since
    if chosen:
        recent |= Directive.id.in_([int(i) for i in chosen])
    rows = (directives_visible_to(user).select(Directive.id, Directive.number, Directive.title)
            .where(Directive.status != "draft", recent)
            .order_by(Directive.issued_on.desc(), Directive.id.desc()).tuples())
    return [(str(i), f"{number} – {title}") for i, number, title in rows]


def account_choices(user, school):
    """[(id, full name)] of the school's active accounts, in Vietnamese order of given names."""
    rows = (users_visible_to(user).select(User.id, User.full_name)
            .where(User.school == school.id, User.active == True)  # noqa: E712
            .order_by(User.name_key, User.id).tuples())
    return [(str(i), name) for i, name in rows]


class Checks:
    """What the form of `user` may refer to, asked by the form's validation: head counts of the
    school, directives the school received, accounts of the school, schools by code."""

    def __init__(self, user, school=None):
        self.user, self.school = user, school

    def head_count(self, day):
        """The school's head counts for the school year of `day` (else the latest before)."""
        if self.school is None or day is None:
            return None
        return (staff_counts_visible_to(self.user)
                .where(StaffCount.school == self.school.id,
                       StaffCount.school_year <= years.year_of(day))
                .order_by(StaffCount.school_year.desc()).first())

    def foreign_directives(self, ids):
        """The ids among `ids` that are no directive `user` may name (another school's, a
        draft, none at all)."""
        ids = set(ids)
        if not ids:
            return set()
        known = {i for (i,) in directives_visible_to(self.user).select(Directive.id)
                 .where(Directive.id.in_(list(ids)), Directive.status != "draft").tuples()}
        return ids - known

    def foreign_accounts(self, ids):
        ids = set(ids)
        if not ids or self.school is None:
            return ids
        known = {i for (i,) in users_visible_to(self.user).select(User.id)
                 .where(User.id.in_(list(ids)), User.school == self.school.id).tuples()}
        return ids - known

    def schools_by_code(self, codes):
        """{CODE: school} among the active schools the user sees."""
        codes = {c.upper() for c in codes if c}
        if not codes:
            return {}
        return {s.code.upper(): s for s in schools_visible_to(self.user)
                .where(fn.UPPER(School.code).in_(list(codes)), School.active == True)}  # noqa: E712


# --- A school's list -----------------------------------------------------------------------------


def school_list(user, filters, school):
    """The activities of `school` that `user` sees (its own and the office's trainings it
    attended) of the school year, newest first."""
    attended = (ActivityAttendee.select(ActivityAttendee.activity)
                .where(ActivityAttendee.school == school.id))
    query = (activities_visible_to(user)
             .select(Activity, School).join(School, JOIN.LEFT_OUTER)
             .where(Activity.school_year == filters["year"],
                    (Activity.school == school.id)
                    | (Activity.school.is_null() & Activity.id.in_(attended))))
    if filters.get("kind"):
        query = query.where(Activity.kind == filters["kind"])
    if filters.get("q"):
        query = query.where(Activity.title_search.contains(fold(filters["q"])))
    return query.order_by(Activity.held_on.desc(), Activity.id.desc())


def school_year_summary(user, school, year):
    """The school's own activities of the year by kind, the most of its staff one activity
    reached, and its head counts: {"by_kind": {kind: n}, "reached": n, "head_count": row}."""
    rows = (activities_visible_to(user)
            .select(Activity.kind, fn.COUNT(Activity.id),
                    fn.MAX(Activity.managers + Activity.teachers + Activity.employees))
            .where(Activity.school == school.id, Activity.school_year == year)
            .group_by(Activity.kind).tuples())
    by_kind, reached = {}, 0
    for kind, n, staff in rows:
        by_kind[kind] = n
        reached = max(reached, staff or 0)
    head = (staff_counts_visible_to(user)
            .where(StaffCount.school == school.id, StaffCount.school_year == year).first())
    total = head_total(head)
    return {"by_kind": by_kind, "reached": reached, "head_count": head,
            "share": share(reached, total)}


def head_total(head):
    return sum(getattr(head, g) or 0 for g in STAFF_GROUPS) if head else 0


def share(part, whole):
    """A percentage, or None when the whole is unknown."""
    if not whole:
        return None
    return min(100, round(100 * (part or 0) / whole))


# --- One activity --------------------------------------------------------------------------------


def detail(user, activity):
    """What the activity's page shows to `user`: the directives it carries out, the people named
    (those `user` may see), its files (if any is visible), the history of its edits, and the
    share of the school's staff it reached."""
    directives = list(Directive.select(Directive.id, Directive.number, Directive.title)
                      .join(ActivityDirective, on=(ActivityDirective.directive == Directive.id))
                      .where(ActivityDirective.activity == activity.id)
                      .order_by(Directive.issued_on, Directive.id))
    readable = set()
    if directives:
        readable = {i for (i,) in directives_visible_to(user).select(Directive.id)
                    .where(Directive.id.in_([d.id for d in directives])).tuples()}
    attendees = list(activity_attendees_visible_to(user)
                     .select(ActivityAttendee, School).join(School)
                     .where(ActivityAttendee.activity == activity.id))
    attendees.sort(key=lambda a: (sort_key(a.school.name), sort_key(a.full_name)))
    files = list(activity_files_visible_to(user)
                 .select(ActivityFile, StoredFile).join(StoredFile)
                 .where(ActivityFile.activity == activity.id)
                 .order_by(ActivityFile.added_at, ActivityFile.id))
    revisions = list(ActivityRevision.select(ActivityRevision, User)
                     .join(User, on=(ActivityRevision.changed_by == User.id))
                     .where(ActivityRevision.activity == activity.id)
                     .order_by(ActivityRevision.version.desc()))
    head = None
    if activity.school_id:
        head = (staff_counts_visible_to(user)
                .where(StaffCount.school == activity.school_id,
                       StaffCount.school_year <= activity.school_year)
                .order_by(StaffCount.school_year.desc()).first())
    staff = sum(getattr(activity, g) for g in STAFF_GROUPS)
    return {
        "directives": directives, "readable_directives": readable,
        "attendees": attendees, "schools_attending": _schools_of(attendees),
        "roster_members": roster_matches(activity, attendees),
        "files": [f for f in files if f.active],
        "revisions": revisions, "head_count": head, "staff": staff,
        "staff_share": share(staff, head_total(head)),
        "group_shares": {g: share(getattr(activity, g), getattr(head, g)) if head else None
                         for g in STAFF_GROUPS},
    }


def _schools_of(attendees):
    """[(school, [attendees])] in the order of `attendees`."""
    grouped = {}
    for a in attendees:
        grouped.setdefault(a.school_id, (a.school, []))[1].append(a)
    return list(grouped.values())


def roster_matches(activity, attendees):
    """For an office counseling training: the attendees (ids) who are members of their school's
    current counseling roster (matched by name as the rosters match them); one query."""
    if activity.school_id is not None or not activity.counseling or not attendees:
        return set()
    schools = {a.school_id for a in attendees}
    members = {(school_id, fold(name)) for school_id, name in (
        RosterMember.select(Roster.school, RosterMember.full_name).join(Roster)
        .where(Roster.is_current == True, Roster.school.in_(list(schools)))  # noqa: E712
        .tuples())}
    return {a.id for a in attendees if (a.school_id, a.name_search) in members}


def changes_since(activity, version):
    """The edits of `activity` after `version` (who, when, what), oldest first: what a stale
    form is told when it is refused."""
    return list(ActivityRevision.select(ActivityRevision, User)
                .join(User, on=(ActivityRevision.changed_by == User.id))
                .where(ActivityRevision.activity == activity.id,
                       ActivityRevision.version > version)
                .order_by(ActivityRevision.version))


def visible_file(user, activity, file_id):
    """The active file `file_id` of `activity` if `user` may open it, else None."""
    return (activity_files_visible_to(user).select(ActivityFile, StoredFile).join(StoredFile)
            .where(ActivityFile.id == file_id, ActivityFile.activity == activity.id,
                   ActivityFile.active == True)  # noqa: E712
            .first())


def form_values(activity):
    """The stored activity as the form's data (its directives and named people included)."""
    values = {name: getattr(activity, name) for name in (
        "kind", "held_on", "title", "presenter", "presenter_name", "sessions", "summary",
        "counseling", *GROUPS)}
    values["hours"] = activity.hours
    values["directive_ids"] = [str(i) for (i,) in ActivityDirective
                               .select(ActivityDirective.directive)
                               .where(ActivityDirective.activity == activity.id).tuples()]
    people = list(ActivityAttendee.select(ActivityAttendee, School).join(School)
                  .where(ActivityAttendee.activity == activity.id)
                  .order_by(ActivityAttendee.id))
    values["attendee_ids"] = [str(a.user_id) for a in people if a.user_id]
    values["attendee_lines"] = "\n".join(f"{a.school.code}, {a.full_name}" for a in people)
    return values


# --- Head counts ---------------------------------------------------------------------------------


def staff_counts(user, school):
    """The school's head counts, newest school year first."""
    return list(staff_counts_visible_to(user).where(StaffCount.school == school.id)
                .order_by(StaffCount.school_year.desc()))


# --- The office's coverage -----------------------------------------------------------------------

STAFF_SUM = Activity.managers + Activity.teachers + Activity.employees


def _year_activities(scope, filters):
    """The schools' own activities among `scope` of the filters' school year, kind, directive."""
    query = scope.where(Activity.school_year == filters["year"],
                        Activity.school.is_null(False))
    if filters.get("kind"):
        query = query.where(Activity.kind == filters["kind"])
    if filters.get("directive"):
        query = query.where(Activity.id.in_(
            ActivityDirective.select(ActivityDirective.activity)
            .where(ActivityDirective.directive == filters["directive"])))
    return query


def _per_school(scope, filters):
    """Per school: its activities, the last date, and the most of each group (and of its
    staff) one activity reached."""
    return (_year_activities(scope.select(
        Activity.school, fn.COUNT(Activity.id).alias("n"),
        fn.MAX(Activity.held_on).alias("last_on"), fn.MAX(STAFF_SUM).alias("r_staff"),
        *[fn.MAX(getattr(Activity, g)).alias(f"r_{g}") for g in GROUPS]), filters)
        .group_by(Activity.school).alias("per_school"))


def _schools(base, filters):
    query = base.where(School.active == True)  # noqa: E712
    return school_search.narrow(query, {name: filters.get(name) for name in (
        "q", "level", "commune")})


def _heads(counts_scope, year):
    """The head counts of `year` among `counts_scope`, as a subquery to join."""
    return (counts_scope.select(StaffCount.id, StaffCount.school, *[
        getattr(StaffCount, g) for g in STAFF_GROUPS])
        .where(StaffCount.school_year == year).alias("heads"))


def _joined(query, per_school, heads):
    return (query.join(per_school, JOIN.LEFT_OUTER, on=(per_school.c.school_id == School.id))
            .join(heads, JOIN.LEFT_OUTER, on=(heads.c.school_id == School.id)))


def _head_sum(heads):
    return heads.c.managers + heads.c.teachers + heads.c.employees


def coverage_query(user, filters):
    """The active schools `user` sees, each with its activities of the filters (count, last
    date, people reached by group) and its head counts: one query, any number of schools."""
    per = _per_school(activities_visible_to(user), filters)
    heads = _heads(staff_counts_visible_to(user), filters["year"])
    query = _joined(_schools(schools_visible_to(user).select(
        School, per.c.n, per.c.last_on, per.c.r_staff,
        *[getattr(per.c, f"r_{g}") for g in GROUPS],
        heads.c.id.alias("hc_id"), _head_sum(heads).alias("hc_total")), filters), per, heads)
    if filters.get("state") == "held":
        query = query.where(per.c.n.is_null(False))
    elif filters.get("state") == "none":
        query = query.where(per.c.n.is_null())
    order = {"count": fn.COALESCE(per.c.n, 0), "last": per.c.last_on,
             "staff": fn.COALESCE(per.c.r_staff, 0)}.get(filters.get("sort"))
    if order is None:
        keys = [School.name_key.desc() if filters.get("dir") == "desc" else School.name_key]
    elif filters.get("dir") == "desc":
        keys = [order.desc(nulls="LAST"), School.name_key]
    else:
        keys = [order.asc(nulls="FIRST"), School.name_key]
    return query.order_by(*keys, School.id).objects()


def coverage_row(school):
    """A row of `coverage_query` as the page and the export read it."""
    reached = {g: getattr(school, f"r_{g}", None) or 0 for g in GROUPS}
    total = getattr(school, "hc_total", None) if getattr(school, "hc_id", None) else None
    staff = getattr(school, "r_staff", None) or 0
    return {"school": school, "count": getattr(school, "n", None) or 0,
            "last_on": _day(getattr(school, "last_on", None)), "reached": reached,
            "staff": staff, "head_total": total, "share": share(staff, total)}


def _day(value):
    """A date as the database gave it back from an aggregate (SQLite: ISO text)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value


def coverage_figures(user, filters, schools=True):
    """Over the active schools of the filters (whatever the state): how many there are, held an
    activity, activities in all, people reached by group (the most one activity reached, summed
    over schools), and the share of staff reached where head counts are known. One query.

    `schools` False (the observer): counted through the aggregate scopes, no school filter."""
    scope = activities_visible_to(user) if schools else activity_aggregates_scope(user)
    counts = staff_counts_visible_to(user) if schools else staff_count_aggregates_scope(user)
    per = _per_school(scope, filters)
    heads = _heads(counts, filters["year"])
    known = heads.c.id.is_null(False)
    columns = (
        fn.COUNT(School.id), fn.COUNT(per.c.n), fn.SUM(per.c.n),
        fn.SUM(Case(None, [(known, fn.COALESCE(per.c.r_staff, 0))], 0)),
        fn.SUM(Case(None, [(known, _head_sum(heads))], 0)), fn.COUNT(heads.c.id),
        *[fn.SUM(getattr(per.c, f"r_{g}")) for g in GROUPS])
    if schools:
        base = _schools(schools_visible_to(user).select(*columns), filters)
    else:
        base = School.select(*columns).where(School.active == True)  # noqa: E712
    row = _joined(base, per, heads).tuples().first() or (0,) * 12
    total, held, activities, staff_known, head_known, with_counts, *reached = row
    return {"schools": total or 0, "held": held or 0, "none": (total or 0) - (held or 0),
            "activities": activities or 0, "reached": dict(zip(GROUPS, [r or 0 for r in reached],
                                                                strict=True)),
            "with_head_counts": with_counts or 0,
            "staff_share": share(staff_known or 0, head_known or 0),
            "rate": share(held or 0, total or 0) or 0}


def _month(column):
    if is_sqlite():
        return fn.strftime("%Y-%m", column)
    return fn.to_char(column, "YYYY-MM")


def month_counts(user, filters, schools=True):
    """[(year, month, n)] of the school year: the schools' activities of the filters per month
    (every month of the year up to this one, zeros included). One query."""
    scope = activities_visible_to(user) if schools else activity_aggregates_scope(user)
    month = _month(Activity.held_on)
    query = _year_activities(scope.select(month.alias("m"), fn.COUNT(Activity.id)), filters)
    if schools and any(filters.get(k) for k in ("level", "commune", "q")):
        query = query.where(Activity.school.in_(
            _schools(schools_visible_to(user).select(School.id), filters)))
    found = dict(query.group_by(month).tuples())
    today = clock.today()
    return [(y, m, found.get(f"{y:04d}-{m:02d}", 0)) for y, m in years.months(filters["year"])
            if (y, m) <= (today.year, today.month)]


def month_chart(rows):
    """Bars of `month_counts`, one per month ("09/2026"); no query."""
    return charts.bars([(f"{m:02d}/{y}", n) for y, m, n in rows])


def kind_counts(user, filters):
    """{kind: n} of the schools' activities of the school year (aggregate scope). One query."""
    rows = (_year_activities(activity_aggregates_scope(user).select(
        Activity.kind, fn.COUNT(Activity.id)), {**filters, "kind": ""})
        .group_by(Activity.kind).tuples())
    found = dict(rows)
    return {kind: found.get(kind, 0) for kind in KIND_LABELS}


def kind_chart(counts):
    return charts.bars([(KIND_LABELS[k], n) for k, n in counts.items()],
                       classes=["chart-category"] * len(counts))


DIRECTIVE_LEAD_DAYS = 92  # a directive of the summer is carried out in the school year after
OPTION_TITLE = 80  # characters of a directive's title in a filter's option


def year_directives(user, year, chosen=None):
    """[(id, "number – title")] of the directives a coverage filter offers: those issued in the
    school year or the summer before it (published or withdrawn), and the one `chosen`."""
    first = years.first_day(year) - dt.timedelta(days=DIRECTIVE_LEAD_DAYS)
    issued = (Directive.issued_on >= first) & (Directive.issued_on <= years.last_day(year))
    if chosen:
        issued |= Directive.id == chosen
    rows = (directives_visible_to(user).select(Directive.id, Directive.number, Directive.title)
            .where(Directive.status != "draft", issued)
            .order_by(Directive.issued_on.desc(), Directive.id.desc()).tuples())
    return [(str(i), f"{number} – {_cut(title)}") for i, number, title in rows]


def _cut(text):
    return text if len(text) <= OPTION_TITLE else text[:OPTION_TITLE - 1].rstrip() + "…"



def office_trainings(user, year):
    """The office's own trainings of the school year `user` sees, newest first, with how many
    schools and people attended each."""
    people = (ActivityAttendee.select(ActivityAttendee.activity,
                                      fn.COUNT(ActivityAttendee.id).alias("people"),
                                      fn.COUNT(ActivityAttendee.school.distinct()).alias("schools"))
              .join(Activity)
              .where(Activity.school.is_null(), Activity.school_year == year)
              .group_by(ActivityAttendee.activity).alias("people"))
    return (activities_visible_to(user)
            .select(Activity, people.c.people, people.c.schools)
            .join(people, JOIN.LEFT_OUTER, on=(people.c.activity_id == Activity.id))
            .where(Activity.school.is_null(), Activity.school_year == year)
            .order_by(Activity.held_on.desc(), Activity.id.desc()).objects())


def first_year(scope):
    """The earliest school year with an activity among `scope` (the year filter), or None."""
    return scope.select(fn.MIN(Activity.school_year)).scalar()
