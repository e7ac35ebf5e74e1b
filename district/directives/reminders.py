"""The `directives.reminders` job (district/jobs.py): each published directive's reminder step
whose day has come (directives/schedule.py decides which) is sent once, to the principals of the
schools that have not done what the directive requires, through `operations.remind_step`.

Each step of each deadline is done once: its `ReminderStep` row is inserted first, in the
transaction that sends it, and the unique key (directive, step, deadline) lets one worker in;
a second worker at the same moment waits for the first (PostgreSQL: on the key; SQLite: for
the write lock) and then inserts nothing, so sends nothing. Kept apart from schedule.py, which
operations.py reads to save a directive, so that neither imports the other.
"""

import datetime as dt

from .. import clock
from ..db import database
from ..models import Directive, ReminderStep
from . import operations
from .schedule import CATCH_UP_DAYS, LIMIT, SENT, SKIPPED, decide


def send_due(now=None):
    """Every published directive's steps due at `now` (naive UTC). Safe to run again, by
    several workers at once. Returns a short summary."""
    now = now or clock.utcnow()
    # A directive whose deadline is further back than any step reaches has nothing due.
    oldest = clock.to_local(now).date() - dt.timedelta(days=LIMIT + CATCH_UP_DAYS + 1)
    directives = list(Directive.select().where(Directive.status == "published",
                                               Directive.deadline >= oldest)
                      .order_by(Directive.id))
    sent = skipped = schools = 0
    for directive in directives:
        result = send_directive_due(directive, now)
        sent += len(result[SENT])
        skipped += len(result[SKIPPED])
        schools += sum(result[SENT].values())
    return f"steps sent: {sent} (to {schools} schools), skipped: {skipped}"


def send_directive_due(directive, now):
    """One directive's steps due at `now`: {"sent": {step: schools}, "skipped": [steps]} of
    what this call did (another worker may have done the rest)."""
    result = {SENT: {}, SKIPPED: []}
    for step, decision in decide(directive, now):
        if decision == SKIPPED:
            with database.atomic():
                if _record(directive, step, SKIPPED, now):
                    result[SKIPPED].append(step)
            continue
        schools = _send(directive, step, now)
        if schools is not None:
            result[SENT][step] = schools
    return result


class _Changed(Exception):
    """The directive was revised or withdrawn since it was read: nothing is sent now."""


def _record(directive, step, state, now):
    """Insert the step's row if no worker did: True if this one did (the unique key decides)."""
    return bool(ReminderStep.insert(directive=directive.id, step=step,
                                    deadline=directive.deadline, state=state, at=now,
                                    schools=0)
                .on_conflict_ignore().as_rowcount().execute())


def _send(directive, step, now):
    """Send one step, once: the number of schools reminded, or None if another worker sent it
    (or the directive changed meanwhile). The step's row, the reminders, their notifications
    (and e-mails) and the audit entry commit together."""
    try:
        with database.atomic():
            # The first statement is the write: under SQLite it waits for the lock; under
            # PostgreSQL a second worker waits on the unique key, then inserts nothing.
            if not _record(directive, step, SENT, now):
                return None
            current = (Directive.select().where(Directive.id == directive.id,
                                                Directive.status == "published",
                                                Directive.deadline == directive.deadline)
                       .first())
            if current is None or step not in (current.reminder_days or ()):
                raise _Changed
            schools = operations.remind_step(current, step, now)
            (ReminderStep.update(schools=schools)
             .where(ReminderStep.directive == directive.id, ReminderStep.step == step,
                    ReminderStep.deadline == directive.deadline).execute())
    except _Changed:
        return None
    return schools
