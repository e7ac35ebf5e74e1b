"""Work done outside any request: `flask jobs run` does once what is due and exits (for cron or
a systemd timer); `flask jobs loop` keeps doing it, a pass every JOBS_INTERVAL seconds, until
SIGTERM or SIGINT (it finishes the message in hand, then stops). `make run` starts one beside
gunicorn. Any number of workers may run, on any number of hosts.

A pass:
1. each scheduled job (`SCHEDULED`) that is due is run by the one worker that claims it: its row
   in the `job` table is selected (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: in a BEGIN
   IMMEDIATE transaction, one writer at a time) and its `next_run_at` moved on in the same
   transaction; a job that fails is tried again JOB_RETRY later;
2. then the e-mail due is sent (district/mail/sending.py), each message claimed alone.

A new job: add a `Scheduled` to SCHEDULED with the dotted path of a function of `now` (UTC) that
returns a short summary, and either `every` (a timedelta) or `at` ("HH:MM" local time, or the
name of a setting holding it). It must be safe to run again after a failure half-way.
"""

import datetime as dt
import importlib
import logging
import signal
import threading
from dataclasses import dataclass

from flask import current_app

from . import clock
from .clock import utcnow
from .db import database, is_postgres
from .models import Job

log = logging.getLogger("district.jobs")

JOB_RETRY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Scheduled:
    name: str
    target: str  # "package.module:function", called with now (naive UTC)
    every: dt.timedelta | None = None
    at: str = ""  # "HH:MM" in the office's zone, or the name of a setting holding it

    def function(self):
        module, _colon, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)

    def _local_time(self):
        value = current_app.config.get(self.at, self.at) if self.at else "00:00"
        hours, _colon, minutes = str(value).partition(":")
        try:
            return dt.time(int(hours), int(minutes or 0))
        except ValueError:
            log.error("job %s: time %r is not HH:MM; 07:00 is used", self.name, value)
            return dt.time(7, 0)

    def _today_at(self, now):
        """Today's (local) run time, as naive UTC."""
        local_day = clock.to_local(now).date()
        return clock.to_utc(dt.datetime.combine(local_day, self._local_time()))

    def first_run(self, now):
        """When a job never run is first due: now for a periodic job; today's time for a daily
        one (already past, so due at once, when the worker first starts after it)."""
        return now if self.every else self._today_at(now)

    def next_run(self, now):
        """When it is due again after a run that starts at `now`."""
        if self.every:
            return now + self.every
        at = self._today_at(now)
        while at <= now:
            at = clock.to_utc(clock.to_local(at) + dt.timedelta(days=1))
        return at


SCHEDULED = (
    Scheduled("mail.digest", "district.mail.jobs:queue_daily_digests", at="MAIL_DIGEST_TIME"),
    Scheduled("mail.purge", "district.mail.jobs:purge_old_messages", at="03:30"),
    # Each directive's reminder steps, on their local day from REMINDER_TIME on.
    Scheduled("directives.reminders", "district.directives.reminders:send_due",
              every=dt.timedelta(minutes=15)),
    # Each open review round's reminder steps, the same way (reminder_schedule.py).
    Scheduled("reviews.reminders", "district.reviews.reminders:send_due",
              every=dt.timedelta(minutes=15)),
)


def _claim(job, now):
    """The job's row if this worker takes this run of it (its next run moved on in the same
    transaction), else None: not due, or another worker has it."""
    Job.insert(name=job.name, next_run_at=job.first_run(now)).on_conflict_ignore().execute()
    with database.atomic():
        query = Job.select().where(Job.name == job.name, Job.next_run_at <= now)
        if is_postgres():
            query = query.for_update(skip_locked=True)
        row = query.first()
        if row is None:
            return None
        taken = (Job.update(next_run_at=job.next_run(now), last_started_at=now,
                            runs=Job.runs + 1)
                 .where(Job.id == row.id, Job.next_run_at <= now).execute())
    return row if taken else None


def _run(job, now):
    try:
        result = str(job.function()(now) or "")
    except Exception as exc:  # noqa: BLE001 - a failed job waits and is tried again
        log.exception("job %s failed", job.name)
        with database.atomic():
            Job.update(next_run_at=utcnow() + JOB_RETRY, last_finished_at=utcnow(),
                       last_error=f"{type(exc).__name__}: {exc}"[:500]).where(
                Job.name == job.name).execute()
        return f"failed ({type(exc).__name__})"
    with database.atomic():
        Job.update(last_finished_at=utcnow(), last_result=result[:500], last_error="").where(
            Job.name == job.name).execute()
    return result


def run_due(now=None, stop=None, worker=None):
    """One pass: the scheduled jobs due, then the e-mail due. Returns {what: summary}."""
    from .mail import sending

    given, now = now, now or utcnow()
    results = {}
    for job in SCHEDULED:
        if stop and stop.is_set():
            break
        if _claim(job, now):
            results[job.name] = _run(job, now)
    if not (stop and stop.is_set()):
        counts = sending.send_due(worker=worker, now=given, stop=stop)
        results["mail"] = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "0"
    return results


def loop(interval=None, stop=None):
    """Pass after pass until `stop` is set (SIGTERM/SIGINT when run by `flask jobs loop`). A
    pass that fails (the database away for a moment) is logged and the next one tried."""
    stop = stop or threading.Event()
    interval = interval or current_app.config.get("JOBS_INTERVAL", 30)
    while not stop.is_set():
        try:
            with database.connection_context():
                results = run_due(stop=stop)
            for what, summary in results.items():
                if what != "mail" or summary != "0":
                    log.info("%s: %s", what, summary)
        except Exception:  # noqa: BLE001 - the worker outlives a bad pass
            log.exception("jobs pass failed; trying again in %s s", interval)
        stop.wait(interval)


def stop_on_signals(stop):
    """SIGTERM and SIGINT set `stop`: the pass in hand ends after its current message."""

    def handler(signum, _frame):
        log.info("jobs: signal %s, stopping after the current message", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
