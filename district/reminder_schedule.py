"""Automatic reminders on a schedule, for whatever has a deadline and schools still to act on it
(a directive, a review round): the steps are days counted from the deadline (default 3 days
before, on the day, 1 and 3 days after; an empty schedule sends none). Why it works this way:
docs/decisions/directive-reminder-schedule.md. The feature keeps its own thin layer: which of
its things are live, their deadline and start day, who is reminded (directives/schedule.py and
reminders.py, reviews/reminders.py).

- `parse(text)` reads what the officer typed ("-3, 0, 1, 3"; the Unicode minus too) and refuses
  anything else with ScheduleRefused (a translated message; the feature puts it on its form's
  field).
- `decide(deadline, start_day, steps, done, now)` says which steps are due: a step is due on its
  local day from REMINDER_TIME on (office time). When several are due at once (a thing started
  late, no worker for days) only the latest is sent, the others skipped; a step whose day is
  more than CATCH_UP_DAYS past, or not after the day the thing started, is skipped too.
- `StepLog` is the feature's table recording each (thing, step, deadline) once (its unique key
  decides between workers); `send_steps` does the decided steps, each once.
- `plan`, `history` and `context` are what templates/_partials/reminder_schedule.html shows.
"""

import datetime as dt
import logging
import os
import re

from flask import current_app, has_app_context

from . import clock
from .db import Prepared, database
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .i18n import ngettext

log = logging.getLogger("district.reminder_schedule")

DEFAULT_DAYS = (-3, 0, 1, 3)
LIMIT = 30  # a step is at most this many days before or after the deadline
MAX_STEPS = 8
DEFAULT_TIME = "08:00"
# A step is still sent the day after its own (a worker down overnight); later, it is skipped.
CATCH_UP_DAYS = 1
SENT, SKIPPED, PLANNED = "sent", "skipped", "planned"
STATE_LABELS = {
    SENT: _l("Đã gửi"),
    SKIPPED: _l("Bỏ qua"),
    PLANNED: _l("Dự kiến"),
}
STATE_CLASSES = {SENT: "state-ok", SKIPPED: "state-muted", PLANNED: "state-warn"}
_SEPARATORS = re.compile(r"[,;\s]+")
# The minus signs people type or paste: the ASCII hyphen-minus, the Unicode minus, dashes.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-",
                        "\uff0d": "-"})


class ScheduleRefused(ValueError):
    """A schedule that cannot be read, with a translated message naming what is wrong."""


def format_days(days):
    """The schedule as a form shows it: "-3, 0, 1, 3" ("" when there is none)."""
    return ", ".join(str(int(d)) for d in days or ())


DEFAULT_TEXT = format_days(DEFAULT_DAYS)


def parse(text):
    """The steps typed in a form, as a list of ints from earliest to latest; "" is no automatic
    reminder (None: the default). Raises ScheduleRefused with a message naming what is
    wrong."""
    if text is None:
        return list(DEFAULT_DAYS)
    if isinstance(text, list | tuple):
        text = format_days(text)
    parts = [p for p in _SEPARATORS.split(str(text).translate(_MINUS).strip()) if p]
    steps = []
    for part in parts:
        if not re.fullmatch(r"[+-]?\d{1,4}", part):
            raise ScheduleRefused(_(
                "“%(value)s” không phải là một số ngày. Hãy ghi các số nguyên cách nhau "
                "bởi dấu phẩy, ví dụ: %(example)s.", value=part[:20], example=DEFAULT_TEXT))
        step = int(part)
        if not -LIMIT <= step <= LIMIT:
            raise ScheduleRefused(_(
                "Bước %(value)s nằm ngoài khoảng cho phép: từ %(low)d đến %(high)d ngày "
                "so với hạn.", value=part, low=-LIMIT, high=LIMIT))
        if step in steps:
            raise ScheduleRefused(_("Bước %(value)s được ghi hai lần.", value=step))
        if steps and step < steps[-1]:
            raise ScheduleRefused(_(
                "Bước %(value)s được ghi sau bước %(last)s nhưng lại sớm hơn: hãy ghi "
                "các bước theo thứ tự từ sớm đến muộn.", value=step, last=steps[-1]))
        steps.append(step)
    if len(steps) > MAX_STEPS:
        raise ScheduleRefused(_("Lịch nhắc có tối đa %(n)d bước; bạn đã ghi %(typed)d bước.",
                                n=MAX_STEPS, typed=len(steps)))
    return steps


def step_label(step):
    """"3 ngày trước hạn", "ngày đến hạn", "1 ngày sau hạn"."""
    if step < 0:
        return ngettext("%(num)d ngày trước hạn", "%(num)d ngày trước hạn", -step)
    if step == 0:
        return _("ngày đến hạn")
    return ngettext("%(num)d ngày sau hạn", "%(num)d ngày sau hạn", step)


def _config(name, default):
    value = current_app.config.get(name) if has_app_context() else None
    return value or os.environ.get(name) or default


def reminder_time():
    """REMINDER_TIME ("HH:MM", office time): automatic reminders go from then on."""
    value = str(_config("REMINDER_TIME", DEFAULT_TIME))
    hours, _colon, minutes = value.partition(":")
    try:
        return dt.time(int(hours), int(minutes or 0))
    except ValueError:
        log.error("REMINDER_TIME %r is not HH:MM; %s is used", value, DEFAULT_TIME)
        return dt.time(8, 0)


def step_day(deadline, step):
    return deadline + dt.timedelta(days=step)


def _is_due(day, local_now, at):
    return day < local_now.date() or (day == local_now.date() and local_now.time() >= at)


def decide(deadline, start_day, steps, done, now):
    """The steps of a schedule (`steps`, days from `deadline`) due at `now` (naive UTC) and not
    in `done` (the steps done for this deadline): [(step, SENT or SKIPPED)], earliest first.
    Only the latest due step is sent, and only if its day is at most CATCH_UP_DAYS past and
    after `start_day` (the local day the thing was published or launched; None: no such
    limit); the others are skipped."""
    steps = sorted(set(steps or ()))
    if not steps:
        return []
    local_now = clock.to_local(now)
    at = reminder_time()
    due = [s for s in steps if s not in done and _is_due(step_day(deadline, s), local_now, at)]
    decisions = []
    for step in due:
        day = step_day(deadline, step)
        stale = (step != due[-1] or (local_now.date() - day).days > CATCH_UP_DAYS
                 or (start_day is not None and day <= start_day))
        decisions.append((step, SKIPPED if stale else SENT))
    return decisions


# --- Each step once ----------------------------------------------------------------------------


class StepLog:
    """A feature's table of the steps done, one row per (thing, step, deadline) under a unique
    key, with `state` (sent or skipped), `at` and `schools`; `field` is its foreign key to the
    thing (ReminderStep.directive, ReviewReminderStep.review_round)."""

    def __init__(self, field):
        self.field = field
        self.model = field.model
        # Every page of the thing (its tracking, its detail) asks for its steps: built once.
        self._rows = Prepared(lambda owner_id: self.model.select().where(self.field == owner_id)
                              .order_by(self.model.at.desc(), self.model.step.desc()),
                              owner_id=-7501)

    def _of(self, owner_id, step=None, deadline=None):
        where = [self.field == owner_id]
        if deadline is not None:
            where.append(self.model.deadline == deadline)
        if step is not None:
            where.append(self.model.step == step)
        return where

    def done(self, owner_id, deadline):
        """{step: row} of the steps done for this deadline."""
        return {r.step: r for r in self.model.select().where(*self._of(owner_id,
                                                                        deadline=deadline))}

    def rows(self, owner_id):
        """Every step done for the thing, whatever the deadline then, latest first."""
        return self._rows.objects(owner_id=owner_id)

    def for_page(self, owner_id, deadline):
        """(every step done, latest first; {step: row} of those for `deadline`): what a page
        shows of the schedule, from one query."""
        rows = self.rows(owner_id)
        return rows, {r.step: r for r in rows if r.deadline == deadline}

    def insert(self, owner_id, step, deadline, state, now):
        """Insert the step's row if no worker did: True if this one did (the unique key
        decides)."""
        return bool(self.model.insert(**{self.field.name: owner_id}, step=step,
                                      deadline=deadline, state=state, at=now, schools=0)
                    .on_conflict_ignore().as_rowcount().execute())

    def set_schools(self, owner_id, step, deadline, schools):
        (self.model.update(schools=schools)
         .where(*self._of(owner_id, step=step, deadline=deadline)).execute())


class _Changed(Exception):
    """The thing changed since it was read: nothing is sent now."""


def send_steps(step_log, owner_id, deadline, decisions, now, remind):
    """Do the decided steps of one thing, each once: {"sent": {step: schools}, "skipped":
    [steps]} of what this call did (another worker may have done the rest). `remind(step)`,
    called inside the transaction that inserted the step's row first, reminds the schools and
    returns how many, or None when the thing changed since it was read (nothing is sent, the row
    is not kept). Under SQLite a second worker waits for the write lock; under PostgreSQL on the
    unique key; then it inserts nothing, so sends nothing."""
    result = {SENT: {}, SKIPPED: []}
    for step, decision in decisions:
        if decision == SKIPPED:
            with database.atomic():
                if step_log.insert(owner_id, step, deadline, SKIPPED, now):
                    result[SKIPPED].append(step)
            continue
        try:
            with database.atomic():
                if not step_log.insert(owner_id, step, deadline, SENT, now):
                    continue
                schools = remind(step)
                if schools is None:
                    raise _Changed
                step_log.set_schools(owner_id, step, deadline, schools)
        except _Changed:
            continue
        result[SENT][step] = schools
    return result


def oldest_deadline(now):
    """A thing whose deadline is further back than this has no step left to send."""
    return clock.to_local(now).date() - dt.timedelta(days=LIMIT + CATCH_UP_DAYS + 1)


def summary(results):
    """What a job says of its pass, from send_steps' results."""
    sent = sum(len(r[SENT]) for r in results)
    skipped = sum(len(r[SKIPPED]) for r in results)
    schools = sum(sum(r[SENT].values()) for r in results)
    return f"steps sent: {sent} (to {schools} schools), skipped: {skipped}"


# --- What the pages show -----------------------------------------------------------------------


def offset(step):
    """A step as written in the schedule: "-3", "0", "+1"."""
    return f"{step:+d}" if step else "0"


def _at_text(at):
    """When a step was done, in office time: "08:00 27/11/2026"."""
    return clock.to_local(at).strftime("%H:%M %d/%m/%Y") if at else ""


def plan(deadline, start_day, steps, records, live, active):
    """Each step of a schedule for its current deadline: {step, offset, label, day, state,
    at_text, schools}, from earliest to latest. `records` {step: row} are the steps done; `live`
    says the thing is sending (published, open), `active` that it may still send (not
    withdrawn). A step not done is planned while its time is to come or the next pass of the job
    will send it, skipped once it will not be sent any more."""
    local_now = clock.local_now()
    at = reminder_time()
    coming = (dict(decide(deadline, start_day, steps, set(records), clock.utcnow()))
              if live else {})
    rows = []
    for step in sorted(set(steps or ())):
        record = records.get(step)
        day = step_day(deadline, step)
        if record is not None:
            state = record.state
        elif coming.get(step) == SENT or (active and not _is_due(day, local_now, at)):
            state = PLANNED
        else:
            state = SKIPPED
        rows.append({"step": step, "offset": offset(step), "label": step_label(step),
                     "day": day, "state": state,
                     "at_text": _at_text(record.at) if record is not None else "",
                     "schools": record.schools if record is not None else 0})
    return rows


def history(rows):
    """The steps done (StepLog.rows), as the page lists them."""
    return [{"step": r.step, "offset": offset(r.step), "label": step_label(r.step),
             "deadline": r.deadline, "state": r.state, "at_text": _at_text(r.at),
             "schools": r.schools} for r in rows]


def context(steps, done, intro, empty):
    """What templates/_partials/reminder_schedule.html shows: the plan, the history, the
    feature's sentence above the steps (`intro`) and when there is none (`empty`)."""
    return {"steps": steps, "history": done, "time": reminder_time(), "intro": intro,
            "empty": empty, "labels": STATE_LABELS, "classes": STATE_CLASSES}
