"""The outbox: every e-mail is a row here before it is anything else.

- Queued in the transaction that writes what it reports (`queue_notification`, called by
  notifications.operations.notify; `queue_digests`, the daily job), so a change and its e-mail
  commit together or not at all. Nothing is rendered or sent then: the worker does both.
- Claimed by exactly one worker (`claim`): in one short transaction the next message due is
  selected (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers on several hosts never wait for one
  another nor take the same row; SQLite: the transaction is BEGIN IMMEDIATE, one writer at a
  time) and marked "sending" with the worker's name, and that commits before the SMTP server is
  spoken to.
- Then `mark_sent`, `mark_retry` (back to "pending" after BACKOFF, or "failed" once every
  attempt is spent), `mark_failed` (an address that bounces: no retry) or `mark_skipped` (the
  account turned e-mail off, lost its address, or its digest has nothing to say).
- A message left in "sending" (the worker died between claiming and recording the outcome) is
  never sent again by itself: `sweep_interrupted` marks it failed as "interrupted", since the
  server may have accepted it; the admin reads it on /admin/outbox and may send it again
  (`retry`). At most once, never twice (docs/decisions/email-outbox.md).
"""

import datetime as dt
import json

from peewee import Value, fn

from ..audit import record
from ..clock import utcnow
from ..db import database, is_postgres
from ..models import OutboxMessage, User
from .preferences import DIGEST, NOW, choosing, reachable

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
STATES = (PENDING, SENDING, SENT, FAILED, SKIPPED)
NOTIFICATION, DIGEST_KIND = "notification", "digest"
# Notifications about incidents: their e-mail says only that an incident needs the reader's
# attention (compose.py), so the outbox keeps nothing of the notification's words or parameters
# (a reference, a school, a category): the admin who reads the outbox may not read incidents.
INCIDENT_TOPIC = "incident"

# Minutes to wait after the 1st, 2nd, ... failed attempt; after the last, the message fails.
BACKOFF_MINUTES = (1, 5, 30, 120, 360)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# A message "sending" for longer than this was interrupted (a send takes seconds: the SMTP
# timeout is MAIL_TIMEOUT per exchange).
SENDING_TIMEOUT = dt.timedelta(minutes=15)
# What `last_error` says when it is not the server's own words (admin/vocabulary.py reads them).
INTERRUPTED = "interrupted"
NO_ADDRESS = "no-address"
BAD_ADDRESS = "bad-address"
OPTED_OUT = "opted-out"
INACTIVE = "inactive"
NOTHING_NEW = "nothing-new"
CHUNK = 500


def _insert_for(accounts, **values):
    """INSERT INTO outbox_message ... SELECT: one row per account `accounts` selects (a query of
    User), with `values` (every other column at its default: an INSERT from a SELECT gets no
    default from peewee)."""
    now = utcnow()
    columns = {"kind": NOTIFICATION, "topic": "", "message": "", "params": None, "link": "",
               "digest_day": None, "state": PENDING, "attempts": 0, "next_attempt_at": now,
               "created_at": now, "claimed_by": "", "to_address": "", "subject": "",
               "last_error": "", **values}
    fields = [OutboxMessage.user] + [getattr(OutboxMessage, name) for name in columns]
    selected = accounts.select(User.id, *[Value(value) for value in columns.values()])
    return (OutboxMessage.insert_from(selected, fields=fields)
            .on_conflict_ignore().as_rowcount().execute())


def queue_notification(user_ids, topic, message, link, params):
    """Inside the transaction of `notify`: one pending e-mail for each of `user_ids` who wants
    notifications at once and can be written to. Returns how many were queued. One statement
    per 500 accounts (INSERT ... SELECT), none when nobody is concerned."""
    ids = sorted(set(user_ids))
    if topic.startswith(INCIDENT_TOPIC):
        message, params = "", {}
    queued = 0
    for start in range(0, len(ids), CHUNK):
        accounts = User.select().where(User.id.in_(ids[start:start + CHUNK]), reachable(),
                                       choosing(NOW))
        queued += _insert_for(accounts, topic=topic[:40], message=message[:400],
                              params=json.dumps(params or {}, ensure_ascii=False, default=str),
                              link=(link or "")[:300])
    return queued


def queue_digests(day, now=None):
    """The daily digest of `day` (a local date) for every account that chose it (or whose role
    defaults to it) and has an address: one row per account and day, whoever runs it and however
    often (the unique (user, digest_day) index settles a race). Whether a digest has anything to
    say is decided when it is sent. Returns how many were queued."""
    now = now or utcnow()
    already = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.user == User.id) & (OutboxMessage.digest_day == day))
    accounts = User.select().where(reachable(), choosing(DIGEST), ~fn.EXISTS(already))
    with database.atomic():
        return _insert_for(accounts, kind=DIGEST_KIND, digest_day=day, next_attempt_at=now,
                           created_at=now)


def claim(worker, now=None):
    """Take the next message due for `worker`: marked "sending" (its attempt counted) in the
    transaction that selects it, committed before anything is sent. None when nothing is due.
    Each message is taken by one worker only, however many run on however many hosts."""
    now = now or utcnow()
    with database.atomic():
        query = (OutboxMessage.select()
                 .where(OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))
        if is_postgres():
            query = query.for_update(skip_locked=True)
        message = query.first()
        if message is None:
            return None
        taken = (OutboxMessage
                 .update(state=SENDING, claimed_at=now, claimed_by=worker[:120],
                         attempts=OutboxMessage.attempts + 1)
                 .where(OutboxMessage.id == message.id, OutboxMessage.state == PENDING)
                 .execute())
    if not taken:
        return None
    message.state, message.claimed_at, message.claimed_by = SENDING, now, worker[:120]
    message.attempts += 1
    return message


def _settle(message, **values):
    """Record the outcome of a claimed message (only while it is still "sending": a message
    the sweep already gave up on is not touched)."""
    with database.atomic():
        return (OutboxMessage.update(**values)
                .where(OutboxMessage.id == message.id, OutboxMessage.state == SENDING)
                .execute())


def mark_sent(message, to_address, subject, now=None):
    return _settle(message, state=SENT, sent_at=now or utcnow(), to_address=to_address[:200],
                   subject=subject[:300], last_error="")


def mark_failed(message, error, to_address="", subject=""):
    """Given up: an address refused for good (a bounce), or a message that cannot be made."""
    return _settle(message, state=FAILED, last_error=str(error)[:500],
                   **_known(to_address=to_address, subject=subject))


def mark_skipped(message, reason):
    return _settle(message, state=SKIPPED, last_error=reason)


def mark_retry(message, error, to_address="", subject="", now=None):
    """A failure that may pass (the server down, busy, 4xx): tried again after the backoff of
    this attempt, or failed once MAX_ATTEMPTS are spent. Returns the new state."""
    now = now or utcnow()
    known = _known(to_address=to_address, subject=subject)
    if message.attempts >= MAX_ATTEMPTS:
        _settle(message, state=FAILED, last_error=str(error)[:500], **known)
        return FAILED
    wait = dt.timedelta(minutes=BACKOFF_MINUTES[max(message.attempts, 1) - 1])
    _settle(message, state=PENDING, next_attempt_at=now + wait, last_error=str(error)[:500],
            **known)
    return PENDING


def _known(**values):
    return {key: value[:300 if key == "subject" else 200] for key, value in values.items()
            if value}


def sweep_interrupted(now=None):
    """Messages claimed and never settled (their worker died, or lost the database, between
    claiming and recording): failed as INTERRUPTED, not sent again, since the server may have
    accepted them. Returns how many."""
    now = now or utcnow()
    with database.atomic():
        return (OutboxMessage.update(state=FAILED, last_error=INTERRUPTED)
                .where(OutboxMessage.state == SENDING,
                       OutboxMessage.claimed_at < now - SENDING_TIMEOUT)
                .execute())


def retry(actor, message):
    """The admin sends a failed message again: pending now, its attempts counted afresh."""
    with database.atomic():
        updated = (OutboxMessage.update(state=PENDING, attempts=0, next_attempt_at=utcnow())
                   .where(OutboxMessage.id == message.id, OutboxMessage.state == FAILED)
                   .execute())
        if updated:
            record("mail.retry", target=message, actor=actor,
                   details={"error": message.last_error[:200]})
        return updated


def purge(now=None, keep_days=90):
    """Sent and skipped messages older than `keep_days` leave the outbox (failed ones stay for
    the admin). Returns how many."""
    now = now or utcnow()
    with database.atomic():
        return (OutboxMessage.delete()
                .where(OutboxMessage.state.in_((SENT, SKIPPED)),
                       OutboxMessage.created_at < now - dt.timedelta(days=keep_days))
                .execute())
