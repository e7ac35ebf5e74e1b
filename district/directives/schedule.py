"""A directive's reminder schedule: the days, counted from its deadline, on which the schools
that have not done what it requires are reminded automatically. The schedule itself (parsing,
steps, which are due, what the pages show) is district/reminder_schedule.py, shared with review
rounds; this is what is the directive's: it sends while published, from the day it was
published, and its steps are kept in `ReminderStep`. Why it works this way:
docs/decisions/directive-reminder-schedule.md.

- `parse(text)` refuses a schedule with a DirectiveError on the form's field "reminder_days".
- `decide(directive, now)` says which steps are due; the `directives.reminders` job
  (directives/reminders.py) sends them, each step of each deadline once, to the principals of
  the schools not done.
- `plan`, `history` and `context` are what templates/directives/_schedule.html shows.
"""

from .. import clock
from .. import reminder_schedule as shared
from ..i18n import gettext as _
from ..models import ReminderStep
from ..reminder_schedule import (  # noqa: F401 - the directive's callers read them here
    CATCH_UP_DAYS,
    DEFAULT_DAYS,
    DEFAULT_TEXT,
    LIMIT,
    MAX_STEPS,
    PLANNED,
    SENT,
    SKIPPED,
    STATE_CLASSES,
    STATE_LABELS,
    format_days,
    offset,
    reminder_time,
    step_label,
)
from .errors import DirectiveError

STEPS = shared.StepLog(ReminderStep.directive)


def parse(text):
    """The steps typed in the directive form (reminder_schedule.parse); a refusal is a
    DirectiveError on the field "reminder_days"."""
    try:
        return shared.parse(text)
    except shared.ScheduleRefused as refused:
        raise DirectiveError(str(refused), "reminder_days") from None


def step_day(directive, step):
    return shared.step_day(directive.deadline, step)


def _published_day(directive):
    return clock.local_date(directive.published_at) if directive.published_at else None


def decide(directive, now, done=None):
    """The steps of the directive's schedule due at `now` (naive UTC) and not done for its
    current deadline (`done`: the steps done, read if not given): [(step, SENT or SKIPPED)],
    earliest first (reminder_schedule.decide, from the day it was published)."""
    if directive.status != "published" or not directive.reminder_days:
        return []
    if done is None:
        done = set(STEPS.done(directive.id, directive.deadline))
    return shared.decide(directive.deadline, _published_day(directive), directive.reminder_days,
                         done, now)


def plan(directive, done=None):
    """Each step of the directive's schedule for its current deadline (one query, none when
    `done`, {step: row} of the steps done for it, is given)."""
    if done is None:
        done = STEPS.done(directive.id, directive.deadline)
    return shared.plan(directive.deadline, _published_day(directive), directive.reminder_days,
                       done, live=directive.status == "published",
                       active=directive.status != "withdrawn")


def history(directive):
    """Every step done for the directive, latest first, whatever the deadline then (a revision
    may have moved it)."""
    return shared.history(STEPS.rows(directive.id))


def context(directive):
    """What templates/directives/_schedule.html shows."""
    rows, done = STEPS.for_page(directive.id, directive.deadline)
    return shared.context(
        plan(directive, done), shared.history(rows),
        intro=_("Vào ngày của mỗi bước, từ %(time)s, hiệu trưởng các trường chưa hoàn thành "
                "được nhắc; trường đã hoàn thành không bị nhắc.",
                time=reminder_time().strftime("%H:%M")),
        empty=_("Văn bản này không nhắc việc tự động."))
