"""Counts kept as the data changes, so lists and homes never group every recipient.

A province sends 200 directives to 3,000 schools: 600,000 recipient rows that the directive
list, the officer's and the observer's homes used to group on every request. Instead each
write of operations.py moves the counts in its own transaction:

- `Directive.recipient_count / read_count / ack_count / late_count`: the schools that received
  the directive to act on it, opened it, acknowledged its current revision, and of those, late;
  `info_count` the schools that received it for information (counted nowhere else), and
  `info_read_count` those of them that opened it;
- `Directive.read_acked_count`: the schools that act on it, opened it and acknowledged it (the
  pair is counted by whichever of the two happens second: an officer may acknowledge for a school
  that never opened it), so the tracking page's "read" state is `read_count - read_acked_count`;
  and `Directive.<state>_count` per response state (`response_moved`);
- `SchoolTally.received / acknowledged`: per school, its receipts of *published* directives to
  act on and how many of them it acknowledged, so rates by level and commune sum one row per school;
  the row holds the school's level and commune too (`school_changed` when they are edited), so
  the sums need no join;
- `GroupTally.received / acknowledged`: the same sums per (level, commune), moved with the
  school's row, so the office's rates by level and commune read a few hundred rows, not a row
  per school. A transaction moves the schools' rows before their groups' (no two writers wait on
  each other's rows in opposite orders).

- `AckDay.acknowledged`: per directive and local day (the office's zone), its receipts
  acknowledged that day, so the tracking page's chart reads a row per day; a revision that asks
  for new acknowledgements empties the directive's days.

Counts only ever move by increments under the row's lock (exact when two schools acknowledge at
once), each decided by the receipt's row as the same transaction left it; `rebuild()`
recomputes them all from the recipients (migrations 0080 and 0240, the seeds, the benchmark's
bulk load, `flask tallies rebuild` after a repair by hand).
"""

from collections import Counter

from peewee import EXCLUDED, JOIN, Case, Value, fn

from .. import clock
from ..db import database, is_postgres
from ..models import AckDay, Directive, GroupTally, Recipient, School, SchoolTally
from .queries import as_day, count_if, local_day
from .vocabulary import RESPONSE_STATES

ACT = Recipient.purpose == "act"
INFO = Recipient.purpose == "info"
ACKED = Recipient.acknowledged_at.is_null(False)
READ = Recipient.first_read_at.is_null(False)
# The count of each response state, by state.
RESPONSE_COUNTS = {state: getattr(Directive, f"{state}_count") for state in RESPONSE_STATES}


def published(directive_id, school_ids, informed=0):
    """A directive went out to `school_ids` to act on it, and to `informed` schools for
    information (its recipients were just created)."""
    Directive.update(recipient_count=len(school_ids), info_count=informed).where(
        Directive.id == directive_id).execute()
    school_ids = list(school_ids)
    chunks = [school_ids[start:start + 500] for start in range(0, len(school_ids), 500)]
    for chunk in chunks:
        (SchoolTally.insert_from(
            School.select(School.id, Value(1), Value(0), School.level, School.commune)
            .where(School.id.in_(chunk)),
            [SchoolTally.school, SchoolTally.received, SchoolTally.acknowledged,
             SchoolTally.level, SchoolTally.commune])
         .on_conflict(conflict_target=[SchoolTally.school],
                      update={SchoolTally.received: SchoolTally.received + 1})
         .execute())
    for chunk in chunks:
        (GroupTally.insert_from(
            SchoolTally.select(SchoolTally.level, SchoolTally.commune, fn.COUNT(SchoolTally.id),
                               Value(0))
            .where(SchoolTally.school.in_(chunk))
            .group_by(SchoolTally.level, SchoolTally.commune),
            [GroupTally.level, GroupTally.commune, GroupTally.received, GroupTally.acknowledged])
         .on_conflict(conflict_target=[GroupTally.level, GroupTally.commune],
                      update={GroupTally.received: GroupTally.received + EXCLUDED.received})
         .execute())


def _of_school(school_id):
    """The condition: the group of the school, as its row of counts has it."""
    tally = SchoolTally.select(SchoolTally.level, SchoolTally.commune).where(
        SchoolTally.school == school_id)
    return ((GroupTally.level == tally.select(SchoolTally.level))
            & (GroupTally.commune == tally.select(SchoolTally.commune)))


def _groups_less(schools, received=False):
    """Each group's acknowledgements (or receipts) less those of its schools among `schools`
    (a query of school ids, each school once)."""
    column = GroupTally.received if received else GroupTally.acknowledged
    members = (SchoolTally.select(SchoolTally.level, SchoolTally.commune,
                                  fn.COUNT(SchoolTally.id).alias("n"))
               .where(SchoolTally.school.in_(schools))
               .group_by(SchoolTally.level, SchoolTally.commune)).alias("members")
    (GroupTally.update({column: column - members.c.n}).from_(members)
     .where(GroupTally.level == members.c.level, GroupTally.commune == members.c.commune)
     .execute())


def school_changed(school_id, level, commune):
    """A school's level or commune was edited: its row of counts follows, and its counts move
    from its former group to its new one."""
    query = SchoolTally.select().where(SchoolTally.school == school_id)
    if is_postgres():
        query = query.for_update()  # an acknowledgement of the school waits for this one
    row = query.first()
    if row is None or (row.level, row.commune) == (level, commune):
        return
    SchoolTally.update(level=level, commune=commune).where(SchoolTally.id == row.id).execute()
    GroupTally.update(received=GroupTally.received - row.received,
                      acknowledged=GroupTally.acknowledged - row.acknowledged).where(
        GroupTally.level == row.level, GroupTally.commune == row.commune).execute()
    (GroupTally.insert(level=level, commune=commune, received=row.received,
                       acknowledged=row.acknowledged)
     .on_conflict(conflict_target=[GroupTally.level, GroupTally.commune],
                  update={GroupTally.received: GroupTally.received + EXCLUDED.received,
                          GroupTally.acknowledged: GroupTally.acknowledged
                          + EXCLUDED.acknowledged})
     .execute())


def _if_receipt(directive_id, school_id, *conditions):
    """SQL: 1 if the school's receipt of the directive meets `conditions` (as the current
    transaction has left it), else 0."""
    receipt = Recipient.select(Recipient.id).where(
        Recipient.directive == directive_id, Recipient.school == school_id, *conditions)
    return Case(None, [(fn.EXISTS(receipt), 1)], 0)


def read(directive_id, n=1):
    """`n` schools that act on the directive opened it as they acknowledged it (`acknowledged`
    counted the pair)."""
    if n:
        Directive.update(read_count=Directive.read_count + n).where(
            Directive.id == directive_id).execute()


def read_at_school(directive_id, school_id):
    """The school just opened the directive for the first time: counted as acting on it or
    informed of it, and with the acknowledgement an officer recorded for it before."""
    Directive.update(
        read_count=Directive.read_count + _if_receipt(directive_id, school_id, ACT),
        info_read_count=Directive.info_read_count + _if_receipt(directive_id, school_id, INFO),
        read_acked_count=Directive.read_acked_count + _if_receipt(directive_id, school_id,
                                                                  ACT, ACKED),
    ).where(Directive.id == directive_id).execute()


def acknowledged(directive_id, school_id, late, at):
    """The school's receipt was just acknowledged (by it, or for it) at `at` (UTC): with its
    first opening, if that came first."""
    Directive.update(ack_count=Directive.ack_count + 1,
                     late_count=Directive.late_count + (1 if late else 0),
                     read_acked_count=Directive.read_acked_count + _if_receipt(
                         directive_id, school_id, ACT, READ)).where(
        Directive.id == directive_id).execute()
    SchoolTally.update(acknowledged=SchoolTally.acknowledged + 1).where(
        SchoolTally.school == school_id).execute()
    GroupTally.update(acknowledged=GroupTally.acknowledged + 1).where(
        _of_school(school_id)).execute()
    (AckDay.insert(directive=directive_id, day=clock.local_date(at), acknowledged=1)
     .on_conflict(conflict_target=[AckDay.directive, AckDay.day],
                  update={AckDay.acknowledged: AckDay.acknowledged + 1})
     .execute())


def _acked_schools(directive_id):
    return (Recipient.select(Recipient.school)
            .where(Recipient.directive == directive_id, Recipient.acknowledged_at.is_null(False),
                   ACT))


def acknowledgements_reset(directive_id):
    """Every school must acknowledge again (call before the recipients are reset)."""
    SchoolTally.update(acknowledged=SchoolTally.acknowledged - 1).where(
        SchoolTally.school.in_(_acked_schools(directive_id))).execute()
    _groups_less(_acked_schools(directive_id))
    AckDay.delete().where(AckDay.directive == directive_id).execute()
    Directive.update(ack_count=0, late_count=0, read_acked_count=0,
                     **{column.name: 0 for column in RESPONSE_COUNTS.values()}).where(
        Directive.id == directive_id).execute()


def response_moved(directive_id, old, new):
    """A school's response went from state `old` to `new` ("" for none yet); the caller's
    conditional UPDATE of the receipt decided `old`."""
    if old == new:
        return
    changes = {}
    if old in RESPONSE_COUNTS:
        changes[RESPONSE_COUNTS[old]] = RESPONSE_COUNTS[old] - 1
    if new in RESPONSE_COUNTS:
        changes[RESPONSE_COUNTS[new]] = RESPONSE_COUNTS[new] + 1
    if changes:
        Directive.update(changes).where(Directive.id == directive_id).execute()


def withdrawn(directive_id):
    """A published directive was withdrawn: it leaves the schools' rates (its own counts stay,
    for its tracking page)."""
    receiving = Recipient.select(Recipient.school).where(Recipient.directive == directive_id,
                                                          ACT)
    SchoolTally.update(acknowledged=SchoolTally.acknowledged - 1).where(
        SchoolTally.school.in_(_acked_schools(directive_id))).execute()
    SchoolTally.update(received=SchoolTally.received - 1).where(
        SchoolTally.school.in_(receiving)).execute()
    _groups_less(_acked_schools(directive_id))
    _groups_less(receiving, received=True)


def _count(*conditions, purpose="act"):
    """SQL: how many recipients of the outer row's directive (that act on it, are informed of
    it, or either: None) meet `conditions`."""
    if purpose is not None:
        conditions = (Recipient.purpose == purpose, *conditions)
    return (Recipient.select(fn.COUNT(Recipient.id))
            .where(Recipient.directive == Directive.id, *conditions))




def rebuild():
    """Recompute every count from the recipients on file (one transaction)."""
    with database.atomic():
        Directive.update(
            recipient_count=_count(), read_count=_count(Recipient.first_read_at.is_null(False)),
            ack_count=_count(ACKED),
            late_count=_count(ACKED, Recipient.ack_late == True),  # noqa: E712
            info_count=_count(purpose="info"),
            info_read_count=_count(READ, purpose="info"),
            read_acked_count=_count(READ, ACKED),
            **{column.name: _count(Recipient.response_state == state, purpose=None)
               for state, column in RESPONSE_COUNTS.items()},
        ).execute()
        SchoolTally.delete().execute()
        SchoolTally.insert_from(
            Recipient.select(Recipient.school, fn.COUNT(Recipient.id), count_if(ACKED),
                             School.level, School.commune)
            .join(Directive).switch(Recipient).join(School)
            .where(Directive.status == "published", ACT)
            .group_by(Recipient.school, School.level, School.commune),
            [SchoolTally.school, SchoolTally.received, SchoolTally.acknowledged,
             SchoolTally.level, SchoolTally.commune]).execute()
        AckDay.delete().execute()
        AckDay.insert_from(_days_counted(), [AckDay.directive, AckDay.day,
                                             AckDay.acknowledged]).execute()
        GroupTally.delete().execute()
        GroupTally.insert_from(
            SchoolTally.select(SchoolTally.level, SchoolTally.commune,
                               fn.SUM(SchoolTally.received), fn.SUM(SchoolTally.acknowledged))
            .group_by(SchoolTally.level, SchoolTally.commune),
            [GroupTally.level, GroupTally.commune, GroupTally.received,
             GroupTally.acknowledged]).execute()


def _days_counted():
    """(directive, local day, receipts acknowledged that day) grouped from the receipts."""
    day = local_day(Recipient.acknowledged_at)
    return (Recipient.select(Recipient.directive, day, fn.COUNT(Recipient.id))
            .where(ACKED).group_by(Recipient.directive, day))


def _groups(schools):
    """{(level, commune): (received, acknowledged)} summed from schools' counts as `kept()`
    and `recounted()` give them, groups of nothing left out."""
    received, acknowledged = Counter(), Counter()
    for n_received, n_acknowledged, level, commune in schools.values():
        received[level, commune] += n_received
        acknowledged[level, commune] += n_acknowledged
    return {group: (received[group], acknowledged[group]) for group in received
            if received[group] or acknowledged[group]}


def recounted():
    """The counts computed afresh from the recipients, in the shape of `kept()` (for tests
    and checks)."""
    directives = {
        row[0]: tuple(int(x or 0) for x in row[1:]) for row in
        Directive.select(Directive.id, count_if(ACT),
                         count_if(ACT & READ),
                         count_if(ACT & ACKED),
                         count_if(ACT & ACKED & (Recipient.ack_late == True)),  # noqa: E712
                         count_if(INFO), count_if(INFO & READ), count_if(ACT & READ & ACKED),
                         *[count_if(Recipient.response_state == state)
                           for state in RESPONSE_COUNTS])
        .join(Recipient, JOIN.LEFT_OUTER, on=(Recipient.directive == Directive.id))
        .group_by(Directive.id).tuples()}
    schools = {
        row[0]: (int(row[1]), int(row[2] or 0), row[3], row[4]) for row in
        Recipient.select(Recipient.school, fn.COUNT(Recipient.id), count_if(ACKED),
                         School.level, School.commune)
        .join(Directive).switch(Recipient).join(School)
        .where(Directive.status == "published", ACT)
        .group_by(Recipient.school, School.level, School.commune).tuples()}
    days = {(d, as_day(day)): int(n) for d, day, n in _days_counted().tuples()}
    return {"directives": directives, "schools": schools, "groups": _groups(schools),
            "days": days}



def kept():
    """The counts as kept: {"directives": {id: (total, read, acked, late, informed,
    informed and read, read and acked, then each response state's)},
    "schools": {school id: (received, acknowledged, level, commune)},
    "groups": {(level, commune): (received, acknowledged)},
    "days": {(directive id, local day): acknowledged}} (schools, groups and days of nothing left
    out)."""
    columns = (Directive.recipient_count, Directive.read_count, Directive.ack_count,
               Directive.late_count, Directive.info_count, Directive.info_read_count,
               Directive.read_acked_count, *RESPONSE_COUNTS.values())
    directives = {row[0]: tuple(row[1:])
                  for row in Directive.select(Directive.id, *columns).tuples()}
    schools = {t.school_id: (t.received, t.acknowledged, t.level, t.commune)
               for t in SchoolTally.select() if t.received or t.acknowledged}
    groups = {(t.level, t.commune): (t.received, t.acknowledged)
              for t in GroupTally.select() if t.received or t.acknowledged}
    days = {(t.directive_id, t.day): t.acknowledged for t in AckDay.select() if t.acknowledged}
    return {"directives": directives, "schools": schools, "groups": groups, "days": days}


def drift():
    """What `rebuild()` would change: one line per count that differs from a recount."""
    kept_counts, fresh = kept(), recounted()
    lines = []
    for part in ("directives", "schools", "groups", "days"):
        for key in sorted(set(kept_counts[part]) | set(fresh[part])):
            was, should = kept_counts[part].get(key), fresh[part].get(key)
            if was != should:
                lines.append(f"{part[:-1]} {key}: kept {was}, counted {should}")
    return lines
