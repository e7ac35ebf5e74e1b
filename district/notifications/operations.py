"""In-app notifications: the one function every feature calls to tell users something, and the
ways a notification becomes read (by hand, all at once, or by opening what it points to).

A notification carries no child data: who, which school, what kind, and a link that requires
sign-in. Its message is a msgid marked with N_() plus parameters, shown in the reader's language.
"""

from ..audit import record
from ..db import database
from ..mail.outbox import queue_notification
from ..models import Notification, User, utcnow


def notify(users, kind, message, link="", **params):
    """Send one notification to each of `users` (User rows or ids). Returns how many were sent.
    Those of them who want their notifications by e-mail at once get one queued in the outbox
    too (district/mail/outbox.py), sent later by the worker, never in this request.

    Call it from inside the operation's transaction that made the change it reports."""
    ids = sorted({u if isinstance(u, int) else u.id for u in users})
    if not ids:
        return 0
    rows = [
        {"user": uid, "kind": kind, "message": message, "params": params, "link": link,
         "created_at": utcnow()}
        for uid in ids
    ]
    Notification.insert_many(rows).execute()
    queue_notification(ids, kind, message, link, params)
    return len(rows)


def users_with_role(role, school_id=None):
    query = User.select(User.id).where(User.role == role, User.active == True)  # noqa: E712
    if school_id is not None:
        query = query.where(User.school == school_id)
    return [u.id for u in query]


def _unread_of(user):
    return (Notification.user == user.id) & Notification.read_at.is_null()


def mark_read(user, notification_id):
    with database.atomic():
        updated = (Notification.update(read_at=utcnow())
                   .where(_unread_of(user), Notification.id == notification_id).execute())
        if updated:
            record("notification.read", target=notification_id, target_type="notification")
        return updated


def mark_read_by_link(user, link):
    """The user opened `link` (a page a notification points to): its notifications are read."""
    with database.atomic():
        updated = (Notification.update(read_at=utcnow())
                   .where(_unread_of(user), Notification.link == link).execute())
        if updated:
            record("notification.read_by_opening", target=user,
                   details={"link": link, "count": updated})
        return updated


def mark_all_read(user):
    with database.atomic():
        updated = Notification.update(read_at=utcnow()).where(_unread_of(user)).execute()
        record("notification.read_all", target=user, details={"count": updated})
        return updated
