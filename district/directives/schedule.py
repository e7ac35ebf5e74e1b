"""A directive's reminder schedule: the days, counted from its deadline, on which the schools
that have not done what it requires are reminded automatically (default 3 days before, on the
day, 1 and 3 days after; an empty schedule sends none). Why it works this way:
docs/decisions/directive-reminder-schedule.md.

- `parse(text)` reads what the officer typed in the directive form ("-3, 0, 1, 3"; the Unicode
  minus too) and refuses, with a translated message on the form's field, anything else.
- `decide(directive, now)` says which steps are due: a step is due on its local day from
  REMINDER_TIME on (office time). When several are due at once (a directive published late,
  no worker for days) only the latest is sent, the others skipped; a step whose day is more
  than CATCH_UP_DAYS past, or not after the day the directive was published, is skipped too.
  The `directives.reminders` job (directives/reminders.py) sends them, each step of each
  deadline once (a `ReminderStep` row), to the principals of the schools not done.
- `plan`, `history` and `context` are what templates/directives/_schedule.html shows.
"""

import datetime as dt
import logging
import os
import re

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import clock
from ..models import ReminderStep
from .errors import DirectiveError

log = logging.getLogger("district.directives.schedule")

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


def format_days(days):
    """The schedule as the form shows it: "-3, 0, 1, 3" ("" when there is none)."""
    return ", ".join(str(int(d)) for d in days or ())


DEFAULT_TEXT = format_days(DEFAULT_DAYS)


def _refuse(message):
    raise DirectiveError(message, "reminder_days")


def parse(text):
    """The steps typed in the form, as a list of ints from earliest to latest; "" is no
    automatic reminder (None: the default). Raises DirectiveError (operations') on the field
    "reminder_days" with a message naming what is wrong."""
    if text is None:
        return list(DEFAULT_DAYS)
    if isinstance(text, list | tuple):
        text = format_days(text)
    parts = [p for p in _SEPARATORS.split(str(text).translate(_MINUS).strip()) if p]
    steps = []
    for part in parts:
        if not re.fullmatch(r"[+-]?\d{1,4}", part):
            _refuse(_("“%(value)s” không phải là một số ngày. Hãy ghi các số nguyên cách nhau "
                      "bởi dấu phẩy, ví dụ: %(example)s.", value=part[:20],
                      example=DEFAULT_TEXT))
        step = int(part)
        if not -LIMIT <= step <= LIMIT:
            _refuse(_("Bước %(value)s nằm ngoài khoảng cho phép: từ %(low)d đến %(high)d ngày "
                      "so với hạn.", value=part, low=-LIMIT, high=LIMIT))
        if step in steps:
            _refuse(_("Bước %(value)s được ghi hai lần.", value=step))
        if steps and step < steps[-1]:
            _refuse(_("Bước %(value)s được ghi sau bước %(last)s nhưng lại sớm hơn: hãy ghi "
                      "các bước theo thứ tự từ sớm đến muộn.", value=step, last=steps[-1]))
        steps.append(step)
    if len(steps) > MAX_STEPS:
        _refuse(_("Lịch nhắc có tối đa %(n)d bước; bạn đã ghi %(typed)d bước.", n=MAX_STEPS,
                  typed=len(steps)))
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


def step_day(directive, step):
    return directive.deadline + dt.timedelta(days=step)


def _is_due(day, local_now, at):
    return day < local_now.date() or (day == local_now.date() and local_now.time() >= at)


def decide(directive, now, done=None):
    """The steps of the directive's schedule due at `now` (naive UTC) and not done for its
    current deadline (`done`: the steps done, read if not given): [(step, SENT or SKIPPED)],
    earliest first. Only the latest due step is sent, and only if its day is at most
    CATCH_UP_DAYS past and after the day the directive was published; the others are
    skipped."""
    steps = sorted(set(directive.reminder_days or ()))
    if directive.status != "published" or not steps:
        return []
    local_now = clock.to_local(now)
    at = reminder_time()
    if done is None:
        done = {s.step for s in ReminderStep.select(ReminderStep.step).where(
            ReminderStep.directive == directive.id,
            ReminderStep.deadline == directive.deadline)}
    due = [s for s in steps if s not in done and _is_due(step_day(directive, s), local_now, at)]
    published_day = clock.local_date(directive.published_at) if directive.published_at else None
    decisions = []
    for step in due:
        day = step_day(directive, step)
        stale = (step != due[-1] or (local_now.date() - day).days > CATCH_UP_DAYS
                 or (published_day is not None and day <= published_day))
        decisions.append((step, SKIPPED if stale else SENT))
    return decisions


# --- What the tracking and detail pages show -------------------------------------------------


def offset(step):
    """A step as written in the schedule: "-3", "0", "+1"."""
    return f"{step:+d}" if step else "0"


def _at_text(at):
    """When a step was done, in office time: "08:00 27/11/2026"."""
    return clock.to_local(at).strftime("%H:%M %d/%m/%Y") if at else ""


def plan(directive):
    """Each step of the directive's schedule for its current deadline: {step, offset, label,
    day, state, at_text, schools}, from earliest to latest (one query). A step not done is
    planned while its time is to come or the next pass of the job will send it, skipped once
    it will not be sent any more."""
    records = {r.step: r for r in ReminderStep.select().where(
        ReminderStep.directive == directive.id, ReminderStep.deadline == directive.deadline)}
    local_now = clock.local_now()
    at = reminder_time()
    coming = dict(decide(directive, clock.utcnow(), done=set(records)))
    rows = []
    for step in sorted(set(directive.reminder_days or ())):
        record = records.get(step)
        day = step_day(directive, step)
        if record is not None:
            state = record.state
        elif coming.get(step) == SENT or (directive.status != "withdrawn"
                                          and not _is_due(day, local_now, at)):
            state = PLANNED
        else:
            state = SKIPPED
        rows.append({"step": step, "offset": offset(step), "label": step_label(step),
                     "day": day, "state": state,
                     "at_text": _at_text(record.at) if record is not None else "",
                     "schools": record.schools if record is not None else 0})
    return rows


def history(directive):
    """Every step done for the directive, latest first, whatever the deadline then (a revision
    may have moved it)."""
    return [{"step": r.step, "offset": offset(r.step), "label": step_label(r.step),
             "deadline": r.deadline, "state": r.state, "at_text": _at_text(r.at),
             "schools": r.schools}
            for r in ReminderStep.select().where(ReminderStep.directive == directive.id)
            .order_by(ReminderStep.at.desc(), ReminderStep.step.desc())]


def context(directive):
    """What templates/directives/_schedule.html shows."""
    return {"steps": plan(directive), "history": history(directive), "time": reminder_time(),
            "labels": STATE_LABELS, "classes": STATE_CLASSES}
