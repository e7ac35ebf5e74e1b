"""Page queries of rosters (read only), built on access.py's visibility functions.

The contract other features rely on: `valid_roster_on_file(school_id)` returns the school's
current roster when it is valid (complete, with or without warnings), else None (a directive
that asks for a roster links the acknowledgement to it); `current_roster(school_id)` returns the
newest version, whatever its state.
"""

from peewee import JOIN, SQL, fn

from .. import charts, school_search
from ..access import (
    SCHOOL_USERS,
    can_edit_roster,
    roster_aggregates_scope,
    rosters_visible_to,
    schools_visible_to,
    stand_in,
)
from ..db import Prepared, PreparedList, ScopedPrepared, is_everything
from ..models import (
    Activity,
    ActivityAttendee,
    Roster,
    RosterMember,
    RosterUpload,
    School,
    User,
)
from ..text import fold
from ..vocabulary import OFFICER
from .members import diff_members, member_dict, member_values
from .rules import training_of
from .vocabulary import STATE_LABELS, VALID_STATES

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


def office_trainings(school_ids=None):
    """{school id: {folded name: {"on", "title", "activity"}}}: the people whom the office's
    counseling trainings (activities/) record as attending, of `school_ids` (None: every
    school), each with the latest such training; one query. A roster member is matched by name
    within the school, case and diacritics ignored."""
    if school_ids is not None and not school_ids:
        return {}
    query = (ActivityAttendee
             .select(ActivityAttendee.school, ActivityAttendee.name_search, Activity.id,
                     Activity.held_on, Activity.title)
             .join(Activity)
             .where(Activity.school.is_null(), Activity.counseling == True))  # noqa: E712
    if school_ids is not None:
        query = query.where(ActivityAttendee.school.in_(list(school_ids)))
    found = {}
    for school_id, name, activity_id, held_on, title in (
            query.order_by(Activity.held_on, Activity.id).tuples()):
        found.setdefault(school_id, {})[name] = {"on": held_on, "title": title,
                                                 "activity": activity_id}
    return found


def office_training_of(members, trained):
    """{member id: training} for the members (rows) an office training records as trained."""
    return {m.id: trained[fold(m.full_name)] for m in members if fold(m.full_name) in trained}


# --- One school's roster -----------------------------------------------------------------------


def members_of(roster):
    if roster is None:
        return []
    return list(roster.members.order_by(RosterMember.position_no, RosterMember.id))


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
    previous = []
    for v in sorted(versions, key=lambda v: v.version):
        current = by_roster.get(v.id, [])
        entries.append({"roster": v, "diff": diff_members(previous, current),
                        "first": not entries})
        previous = current
    return list(reversed(entries))


def school_roster(user, school):
    """What a school's roster page shows: the current roster, its members, the history, and
    whether `user` may edit it."""
    roster = current_roster(school.id)
    members = members_of(roster)
    return {
        "school": school,
        "roster": roster,
        "members": members,
        "office_training": office_training_of(
            members, office_trainings([school.id]).get(school.id, {})) if members else {},
        "training": _training(roster, school.level, members) if roster else None,
        "history": history(rosters_visible_to(user).where(Roster.school == school.id)),
        "can_edit": can_edit_roster(user, school.id),
        "version": roster.version if roster else 0,
    }


def version_page(roster):
    """One version, its members, the version before it and what changed since."""
    previous = (Roster.select().where(Roster.school == roster.school_id,
                                      Roster.version < roster.version)
                .order_by(Roster.version.desc()).first())
    members = members_of(roster)
    diff = diff_members([member_dict(m) for m in members_of(previous)],
                        [member_dict(m) for m in members])
    office = office_trainings([roster.school_id]).get(roster.school_id, {}) if members else {}
    return {"roster": roster, "school": roster.school, "members": members,
            "previous": previous, "diff": diff,
            "office_training": office_training_of(members, office),
            "training": _training(roster, roster.school.level, members)}


def _training(roster, level, members):
    """The training figures the roster page states (every trained member, and those of the
    groups the rules want trained)."""
    return training_of(roster, level, [member_dict(m) for m in members])


def visible_member(user, member_id):
    """The member with its roster, among the rosters `user` may see (else DoesNotExist)."""
    return (RosterMember.select(RosterMember, Roster).join(Roster)
            .where(RosterMember.id == member_id,
                   Roster.id.in_(rosters_visible_to(user).select(Roster.id)))
            .get())


def comparison(school_id, parsed_members):
    """What confirming `parsed_members` would do to the school's current roster: the roster
    replaced (or None) and who would be added, changed and removed."""
    roster = current_roster(school_id)
    old = [member_dict(m) for m in members_of(roster)]
    return roster, diff_members(old, [member_values(m) for m in parsed_members])


def upload_of(user, school, file_id):
    """The upload of stored file `file_id` that `user` previewed for `school`, or None."""
    return RosterUpload.get_or_none(RosterUpload.file == file_id,
                                    RosterUpload.uploaded_by == user.id,
                                    RosterUpload.school == school.id)


# --- Coverage (officers; figures for the observer) -------------------------------------------


def _with_current_roster(query, scope=None):
    """`query` of schools LEFT JOIN their current roster (among `scope` when given)."""
    on = (Roster.school == School.id) & (Roster.is_current == True)  # noqa: E712
    if scope is not None and not is_everything(scope):
        on &= Roster.id.in_(scope.select(Roster.id))
    return query.join(Roster, JOIN.LEFT_OUTER, on=on).where(School.active == True)  # noqa: E712


def coverage_query(user, filters):
    """The active schools `user` may see with their current roster: one query, any number of
    schools."""
    query = _with_current_roster(schools_visible_to(user).select(School, Roster))
    state = filters.get("state")
    if state == "none":
        query = query.where(Roster.id.is_null())
    elif state in STATE_LABELS:
        query = query.where(Roster.state == state)
    query = school_search.narrow(query, filters)
    return query.order_by(School.name_key, School.id)


def _page_columns(query):
    return query.select(
        School.id, School.name, School.code, School.level, School.ownership, School.commune,
        Roster.id, Roster.state, Roster.version, Roster.submitted_at, Roster.member_count,
        Roster.trained_count, Roster.result)


def coverage_page(user, filters):
    """`coverage_query` with only the columns the coverage page shows (the export reads them
    all). The office's list as it opens, or by one state, is read through prepared statements
    (db.PreparedList; their SQL cost about 1 ms to build)."""
    state = filters.get("state")
    if (is_everything(schools_visible_to(user))
            and not any(filters.get(name) for name in ("q", "level", "ownership", "commune"))
            and state in (None, "", "none", *STATE_LABELS)):
        shape = "none" if state == "none" else "state" if state else "every"
        return PreparedList(_OFFICE_PAGES[shape], **({"state": state} if shape == "state" else {}))
    return _page_columns(coverage_query(user, filters))


def _office_page(shape, state=None):
    query = coverage_query(stand_in(OFFICER, None, None),
                           {"state": "none" if shape == "none" else ""})
    if shape == "state":  # its slot: not a state coverage_query knows
        query = query.where(Roster.state == state)
    return _page_columns(query)


_OFFICE_PAGES = {shape: PreparedList.statements(lambda state=None, s=shape: _office_page(s, state),
                                                counts=False, state="~roster-state~")[0]
                 for shape in ("every", "state", "none")}


def _coverage_counts_query(scope, every_roster):
    if not every_roster:
        return (_with_current_roster(School.select(Roster.state, fn.COUNT(School.id)), scope)
                .group_by(Roster.state))
    # Every roster counts (the office): the current rosters by state from their own index
    # (migration 0200), less those of inactive schools (few), and the active schools in a row of
    # their own (state NULL); those with no roster are the rest. A third of the time of joining
    # every school to its roster. The conditions are written as the partial indexes are
    # (`WHERE is_current`, not `is_current = $1`): the prepared statement's generic plan then
    # reads them from those indexes (0.8 ms, not 2.2 to 2.7 in a province).
    by_state = (Roster.select(Roster.state, fn.COUNT(SQL("*"))).where(Roster.is_current)
                .group_by(Roster.state))
    inactive = (Roster.select(Roster.state, fn.COUNT(SQL("*")) * -1)
                .join(School, on=(Roster.school == School.id))
                .where(Roster.is_current, ~School.active)
                .group_by(Roster.state))
    active = School.select(SQL("NULL"), fn.COUNT(SQL("*"))).where(School.active)
    return by_state.union_all(inactive).union_all(active)


# The coverage figures (the coverage page, the home cards): their SQL is built once per
# aggregate scope and kind of database (db.ScopedPrepared).
COVERAGE_COUNTS = ScopedPrepared(_coverage_counts_query)


def coverage_counts(user):
    """{"total", "complete", "warnings", "incomplete", "none", "covered", "rate"} over the
    active schools, counting the rosters in `user`'s aggregate scope: one query."""
    scope = roster_aggregates_scope(user)
    every_roster = is_everything(scope)
    counts = {"complete": 0, "warnings": 0, "incomplete": 0, "none": 0}
    active = 0
    for state, n in COVERAGE_COUNTS.get(scope, variant=every_roster).rows():
        if every_roster and state is None:
            active = int(n)
        else:
            counts[state or "none"] = counts.get(state or "none", 0) + int(n)
    if every_roster:
        counts["none"] = active - sum(counts.values())
    total = sum(counts.values())
    covered = counts["complete"] + counts["warnings"]
    return {**counts, "total": total, "covered": covered,
            "rate": round(100 * covered / total) if total else 0}


def coverage_total(user, filters, counts):
    """How many schools the coverage list holds, read from `counts` (coverage_counts) when they
    are of the same schools: nothing narrows the list but its state, and `user` sees every
    school and counts every roster (the officer). None otherwise (web.Pages counts them)."""
    if any(filters.get(name) for name in ("q", "level", "ownership", "commune")):
        return None
    if not (is_everything(schools_visible_to(user))
            and is_everything(roster_aggregates_scope(user))):
        return None
    state = filters.get("state")
    return counts[state] if state == "none" or state in STATE_LABELS else counts["total"]


def state_of(school):
    """The roster state of a school of `coverage_query` ("none" without a roster)."""
    roster = getattr(school, "roster", None)
    return roster.state if roster is not None and roster.id else "none"


def _current_of_school(role, school_id):
    return (rosters_visible_to(stand_in(role, school_id, -7802))
            .where(Roster.school == school_id, Roster.is_current == True))  # noqa: E712


# The home card of every school user, on each visit: one statement per role, built once.
CURRENT_OF_SCHOOL = {role: Prepared(lambda school_id, r=role: _current_of_school(r, school_id),
                                    school_id=-7801)
                     for role in SCHOOL_USERS}


def school_summary(user):
    """The home card of a school user: the state of the school's current roster."""
    roster = (CURRENT_OF_SCHOOL[user.role].first(school_id=user.school_id)
              if user.school_id and user.role in CURRENT_OF_SCHOOL else None)
    return {"state": roster.state if roster else "none", "roster": roster,
            "can_edit": can_edit_roster(user, user.school_id)}


# --- Charts ------------------------------------------------------------------------------------

COVERAGE_ORDER = ("complete", "warnings", "incomplete", "none")


def coverage_chart(counts):
    """The coverage of `coverage_counts` as bars (complete, with warnings, incomplete, none),
    each coloured by its state; no query."""
    return charts.bars([(STATE_LABELS[s], counts[s]) for s in COVERAGE_ORDER],
                       classes=[f"chart-{s}" for s in COVERAGE_ORDER])
