"""In-app notifications: the one function every feature calls to tell users something.

A notification carries no child data: who, which school, what kind, and a link that requires
sign-in. Its message is a msgid marked with N_() plus parameters, shown in the reader's language.
"""

from flask_babel import gettext

from ..audit import record
from ..db import database
from ..models import Notification, User, utcnow


def notify(users, kind, message, link="", **params):
    """Send one notification to each of `users` (User rows or ids). Returns how many were sent.

    Call it from inside the service transaction that made the change it reports."""
    ids = sorted({u if isinstance(u, int) else u.id for u in users})
    if not ids:
        return 0
    rows = [
        {"user": uid, "kind": kind, "message": message, "params": params, "link": link,
         "created_at": utcnow()}
        for uid in ids
    ]
    Notification.insert_many(rows).execute()
    return len(rows)


def users_with_role(role, school_id=None):
    query = User.select(User.id).where(User.role == role, User.active == True)  # noqa: E712
    if school_id is not None:
        query = query.where(User.school == school_id)
    return [u.id for u in query]


def text_of(notification):
    """The message in the current language."""
    try:
        return gettext(notification.message, **(notification.params or {}))
    except (KeyError, ValueError):
        return gettext(notification.message)


def unread_count(user):
    return (
        Notification.select()
        .where(Notification.user == user.id, Notification.read_at.is_null())
        .count()
    )


def for_user(user):
    return (
        Notification.select()
        .where(Notification.user == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user, notification_id):
    with database.atomic():
        updated = (
            Notification.update(read_at=utcnow())
            .where(
                Notification.id == notification_id,
                Notification.user == user.id,
                Notification.read_at.is_null(),
            )
            .execute()
        )
        if updated:
            record("notification.read", target=notification_id, target_type="notification")
        return updated


def mark_all_read(user):
    with database.atomic():
        updated = (
            Notification.update(read_at=utcnow())
            .where(Notification.user == user.id, Notification.read_at.is_null())
            .execute()
        )
        record("notification.read_all", target=user, details={"count": updated})
        return updated
