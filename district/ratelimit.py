"""The rate limiter's counters in the application's database, so every worker process and every
host counts the same attempts (RATELIMIT_STORAGE_URI=database://, the default).

A storage backend of the `limits` library (which Flask-Limiter uses): importing this module
registers the `database://` scheme. The other stores of `limits` stay available through the same
setting: `redis://host:6379/0` (the `redis` package is a dependency) keeps the counters off the
database when several hosts serve (docs/deploy.md); if Redis stops answering, each worker counts
in memory until it answers again (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED, on for any store but
this one). `memory://` counts per process (one worker only).

Fixed windows: a counter starts at the first hit and is reset by the first hit after it
expires. Every change is one short transaction whose UPDATE is settled by the database (row
lock on PostgreSQL, the write lock on SQLite), so concurrent hits all count.
"""

import logging
import time

from flask.logging import default_handler
from limits.storage import Storage
from peewee import Case, DatabaseError

from .db import database
from .models import RateLimitCounter

# The limiter's own warnings (its store stopped answering: counting in memory meanwhile) go to
# the error log as the app's do; Flask-Limiter alone sends them nowhere.
logging.getLogger("flask-limiter").addHandler(default_handler)


def _connected():
    database.connect(reuse_if_open=True)


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return DatabaseError

    def incr(self, key, expiry, amount=1):
        _connected()
        now = time.time()
        counter = RateLimitCounter
        expired = counter.expires_at <= now
        with database.atomic():
            counter.delete().where(counter.expires_at < now).execute()
            counter.insert(key=key, count=0, expires_at=now + expiry).on_conflict_ignore().execute()
            counter.update(
                count=Case(None, [(expired, amount)], counter.count + amount),
                expires_at=Case(None, [(expired, now + expiry)], counter.expires_at),
            ).where(counter.key == key).execute()
            return counter.select(counter.count).where(counter.key == key).scalar()

    def get(self, key):
        _connected()
        value = (RateLimitCounter.select(RateLimitCounter.count)
                 .where(RateLimitCounter.key == key, RateLimitCounter.expires_at > time.time())
                 .scalar())
        return value or 0

    def get_expiry(self, key):
        _connected()
        value = (RateLimitCounter.select(RateLimitCounter.expires_at)
                 .where(RateLimitCounter.key == key).scalar())
        return value or time.time()

    def check(self):
        try:
            _connected()
            database.execute_sql("SELECT 1").fetchone()
            return True
        except DatabaseError:
            return False

    def reset(self):
        _connected()
        return RateLimitCounter.delete().execute()

    def clear(self, key):
        _connected()
        RateLimitCounter.delete().where(RateLimitCounter.key == key).execute()
