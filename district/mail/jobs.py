"""The mail's scheduled jobs (district/jobs.py runs them): each a function of `now` (naive UTC)
returning a short summary."""

from flask import current_app

from .. import clock
from . import outbox


def queue_daily_digests(now):
    """Today's digest (the office's local day) for every account that gets one."""
    day = clock.to_local(now).date()
    queued = outbox.queue_digests(day, now=now)
    return f"{queued} digest(s) queued for {day.isoformat()}"


def purge_old_messages(now):
    removed = outbox.purge(now, keep_days=current_app.config.get("MAIL_KEEP_DAYS", 90))
    return f"{removed} old message(s) removed"
