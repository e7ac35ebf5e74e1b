"""Wrong passwords counted per (client address, typed name), in the database.

After LOGIN_MAX_FAILURES wrong attempts from one address for one name, that pair is refused for
LOGIN_LOCK_MINUTES. The name does not have to be an account: known and unknown names are
counted, locked and answered alike, so the answer never tells whether an account exists; and
the real user, from their own machine, is never locked out by someone guessing elsewhere.
Failures older than LOGIN_LOCK_MINUTES are forgotten. The typed name is kept only as its
SHA-256 (a password typed in the name box is not stored here).

Every change is a conditional UPDATE settled by the database, so concurrent attempts all count
and every worker agrees (docs/decisions/0006-login-throttling.md).
"""

import datetime as dt
import hashlib

from flask import current_app
from peewee import Case

from ..clock import utcnow
from ..models import LoginThrottle


def name_hash(username):
    return hashlib.sha256((username or "").strip().lower().encode("utf-8")).hexdigest()


def _pair(ip, username):
    return (LoginThrottle.ip == ip[:64]) & (LoginThrottle.name_hash == name_hash(username))


def locked_until(ip, username, now=None):
    """When the pair's lock ends, or None when it may try."""
    now = now or utcnow()
    until = (LoginThrottle.select(LoginThrottle.locked_until)
             .where(_pair(ip, username), LoginThrottle.locked_until > now).scalar())
    return until


def count_failure(ip, username, now=None):
    """Count one wrong attempt of the pair (call inside the caller's transaction). Returns
    (failures, locked_until): locked_until is set when this attempt locked the pair."""
    config = current_app.config
    now = now or utcnow()
    window = dt.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    row = LoginThrottle
    LoginThrottle.insert(ip=ip[:64], name_hash=name_hash(username), failures=0,
                         last_failure_at=now).on_conflict_ignore().execute()
    stale = row.last_failure_at < now - window
    LoginThrottle.update(
        failures=Case(None, [(stale, 1)], row.failures + 1), last_failure_at=now,
    ).where(_pair(ip, username)).execute()
    until = now + window
    locked = (LoginThrottle.update(failures=0, locked_until=until)
              .where(_pair(ip, username), row.failures >= config["LOGIN_MAX_FAILURES"])
              .execute())
    if locked:
        return config["LOGIN_MAX_FAILURES"], until
    return row.select(row.failures).where(_pair(ip, username)).scalar(), None


def forget(ip, username):
    """A successful sign-in clears the pair's count."""
    LoginThrottle.delete().where(_pair(ip, username)).execute()


def forget_name(username):
    """The admin (or an approved request) reset the account's password: every pair of that name
    may try again."""
    LoginThrottle.delete().where(LoginThrottle.name_hash == name_hash(username)).execute()

