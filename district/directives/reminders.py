"""The `directives.reminders` job (district/jobs.py): each published directive's reminder step
whose day has come (directives/schedule.py decides which) is sent once, to the principals of the
schools that have not done what the directive requires, through `operations.remind_step`.

Each step of each deadline is done once (reminder_schedule.send_steps): its `ReminderStep` row
is inserted first, in the transaction that sends it, and the unique key (directive, step,
deadline) lets one worker in. Kept apart from schedule.py, which operations.py reads to save a
directive, so that neither imports the other.
"""

from .. import clock
from .. import reminder_schedule as shared
from ..models import Directive
from . import operations
from .schedule import STEPS, decide


def send_due(now=None):
    """Every published directive's steps due at `now` (naive UTC). Safe to run again, by
    several workers at once. Returns a short summary."""
    now = now or clock.utcnow()
    directives = list(Directive.select().where(Directive.status == "published",
                                               Directive.deadline >= shared.oldest_deadline(now))
                      .order_by(Directive.id))
    return shared.summary([send_directive_due(directive, now) for directive in directives])


def send_directive_due(directive, now):
    """One directive's steps due at `now`: {"sent": {step: schools}, "skipped": [steps]} of
    what this call did (another worker may have done the rest)."""

    def remind(step):
        # The directive as it is now: revised or withdrawn since it was read, nothing is sent.
        current = (Directive.select().where(Directive.id == directive.id,
                                            Directive.status == "published",
                                            Directive.deadline == directive.deadline)
                   .first())
        if current is None or step not in (current.reminder_days or ()):
            return None
        return operations.remind_step(current, step, now)

    return shared.send_steps(STEPS, directive.id, directive.deadline, decide(directive, now),
                             now, remind)
