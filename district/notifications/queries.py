"""What a user reads of their notifications (through access.notifications_visible_to)."""

from flask import g
from peewee import SQL, Case, fn

from ..access import notifications_visible_to, stand_in
from ..db import Prepared, PreparedList
from ..i18n import gettext
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
    writes only when this is not 0). The signed-in user's statement brought both for the
    request's own path (`signed_in_columns`): then no query."""
    kept = g.get("unread_here")
    if kept is not None and kept[:2] == (user.id, link):
        return kept[2]
    total, here = UNREAD_HERE.rows(user_id=user.id, link=link).fetchone()
    remember(user.id, link, total, here)
    return int(here or 0)


def remember(user_id, link, total, here):
    """The user's unread count, and of those pointing to `link`, as counted at the start of the
    request (until `forget_unread_count`)."""
    g.unread_notifications = (user_id, int(total or 0))
    g.unread_here = (user_id, link, int(here or 0))


def signed_in_columns(user_id, link):
    """SQL: the user's unread notifications and those pointing to `link`, as two columns of the
    statement that loads the signed-in user on every request (security.SIGNED_IN_USER), which
    then `remember`s them: one statement a page instead of two. The user's own notifications, as
    access.notifications_visible_to says, counted from the partial index (migration 0180)."""
    unread = (Notification.user == user_id) & Notification.read_at.is_null()
    return (Notification.select(fn.COUNT(SQL("*"))).where(unread).alias("unread_total"),
            Notification.select(fn.COUNT(SQL("*"))).where(unread & (Notification.link == link))
            .alias("unread_link"))


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
    g.pop("unread_here", None)


def _page(user_id):
    return (notifications_visible_to(stand_in(None, None, user_id))
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


# The notifications page, newest first, and how many there are up to a cap (the pager's), as
# prepared statements (db.PreparedList): the user's own notifications, through
# access.notifications_visible_to for a stand-in of the user.
PAGE, COUNT = PreparedList.statements(_page, user_id=-7005)


def for_user(user):
    return PreparedList(PAGE, COUNT, user_id=user.id)
