"""What a user reads of their notifications (through access.notifications_visible_to)."""

from flask import g
from flask_babel import gettext
from peewee import SQL, Case, fn

from ..access import notifications_visible_to
from ..db import Prepared
from ..models import Notification


def text_of(notification):
    """The message in the current language. Parameters whose name ends in `_label` are msgids
    themselves (a category, a status: stored as N_("...")) and are translated too, so no
    Vietnamese word is left inside an English message."""
    params = {key: gettext(value) if key.endswith("_label") and isinstance(value, str) else value
              for key, value in (notification.params or {}).items()}
    try:
        return gettext(notification.message, **params)
    except (KeyError, ValueError):
        return gettext(notification.message)


def unread_count(user):
    """How many notifications the user has not read (counted once per request: the bell in the
    layout and the read-on-opening hook both ask)."""
    cached = g.get("unread_notifications")
    if cached is None or cached[0] != user.id:
        unread_here(user, "")  # no link is empty: the total alone, with the SQL built once
        cached = g.unread_notifications
    return cached[1]


def unread_here(user, link):
    """How many unread notifications point to `link`; the user's unread count comes with it in
    the same query and is kept for the bell (the read-on-opening hook asks on every page, and
    writes only when this is not 0)."""
    total, here = UNREAD_HERE.rows(user_id=user.id, link=link).fetchone()
    g.unread_notifications = (user.id, int(total or 0))
    return int(here or 0)


def _unread_here(user_id, link):
    # COUNT(*): read from the partial index of unread notifications alone (migration 0180).
    return (Notification.select(fn.COUNT(SQL("*")),
                                fn.SUM(Case(None, [(Notification.link == link, 1)], 0)))
            .where(Notification.user == user_id, Notification.read_at.is_null()))


# Asked on every page: its SQL is built once (db.Prepared). The user's own notifications, as
# access.notifications_visible_to says.
UNREAD_HERE = Prepared(_unread_here, user_id=-7003, link="\x00link\x00")


def forget_unread_count():
    g.pop("unread_notifications", None)


def for_user(user):
    return notifications_visible_to(user).order_by(Notification.created_at.desc(),
                                                   Notification.id.desc())
