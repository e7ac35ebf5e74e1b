"""One pass of the worker over the outbox: take each message due (alone), make it, hand it to
the server, record what happened. Never called from a request (district/jobs.py runs it).

- Sent: "sent", with the address and subject it went to.
- Refused for good (5xx: an address that bounces at RCPT, content refused): "failed", no retry.
- Refused for now, or the server unreachable (an SMTP server down for an hour): back to
  "pending" after the backoff of its attempt (outbox.BACKOFF_MINUTES); a failure of the server
  as a whole ends the pass, so the other messages wait untouched for the next one instead of
  each spending an attempt. Nothing is lost, nobody sees an error page.
- The connection broke after the content went (the server may have kept it): "failed" as
  interrupted, never sent again by itself (see outbox.py).
"""

import logging
import os
import socket
import threading
from collections import Counter

from ..clock import utcnow
from . import compose, outbox
from .transport import SendError, transport

log = logging.getLogger("district.mail")


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def send_due(worker=None, now=None, stop=None, limit=None):
    """Send the messages due at `now` (UTC, default the clock), until none is due, `stop` (a
    threading.Event) is set, `limit` messages were tried, or the server fails as a whole.
    Returns a Counter of outcomes: sent, retry, failed, skipped, interrupted."""
    worker = worker or worker_name()
    counts = Counter()
    counts["interrupted"] = outbox.sweep_interrupted(now)
    sender = transport()
    try:
        while not (stop and stop.is_set()) and not (limit and counts.total() >= limit):
            message = outbox.claim(worker, now)
            if message is None:
                break
            outcome, server_down = _send_one(sender, message, now)
            counts[outcome] += 1
            if server_down:
                break
    finally:
        sender.close()
    return +counts


def _send_one(sender, message, now):
    """(outcome, whether the server failed as a whole)."""
    user = compose.recipient(message)
    reason = compose.skip_reason(message, user)
    if reason:
        outbox.mark_skipped(message, reason)
        return "skipped", False
    try:
        email = compose.build(message, user)
    except compose.Unsendable as exc:
        outbox.mark_failed(message, str(exc), to_address=user.email)
        return "failed", False
    except Exception as exc:  # noqa: BLE001 - a message that cannot be made must not stop the rest
        log.exception("outbox message %s could not be made", message.id)
        outbox.mark_failed(message, f"{type(exc).__name__}: {exc}", to_address=user.email)
        return "failed", False
    if email is None:
        outbox.mark_skipped(message, outbox.NOTHING_NEW)
        return "skipped", False
    address, subject = user.email, str(email["Subject"])
    try:
        sender.send(email)
    except SendError as exc:
        if exc.uncertain:
            log.warning("outbox message %s: interrupted while sending (%s); not sent again",
                        message.id, exc)
            outbox.mark_failed(message, f"{outbox.INTERRUPTED}: {exc}", address, subject)
            return "failed", True
        if exc.permanent:
            log.warning("outbox message %s refused for good: %s", message.id, exc)
            outbox.mark_failed(message, str(exc), address, subject)
            return "failed", False
        state = outbox.mark_retry(message, str(exc), address, subject, now=now or utcnow())
        log.warning("outbox message %s not sent (attempt %s): %s", message.id,
                    message.attempts, exc)
        return ("failed" if state == outbox.FAILED else "retry"), exc.server
    outbox.mark_sent(message, address, subject, now=now)
    return "sent", False
