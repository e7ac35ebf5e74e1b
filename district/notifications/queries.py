"""What a user reads of their notifications (through access.notifications_visible_to)."""

from flask_babel import gettext

from ..access import notifications_visible_to
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
    return notifications_visible_to(user).where(Notification.read_at.is_null()).count()


def for_user(user):
    return notifications_visible_to(user).order_by(Notification.created_at.desc(),
                                                   Notification.id.desc())
