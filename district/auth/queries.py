"""The accounts sign-in and password pages read."""

from peewee import JOIN

from ..models import School, User


def account_named(username):
    """The account signing in with `username`, with its school (None when there is none)."""
    return (User.select(User, School).join(School, JOIN.LEFT_OUTER, on=(User.school == School.id))
            .where(User.username == (username or "").strip().lower()).first())


def may_sign_in(user):
    """An active account, and for a school account an active school: deactivating a school cuts
    off its accounts at once (the session loader asks the same in one query)."""
    return bool(user and user.active and (user.school_id is None or user.school.active))


def account(user_id):
    """The account as stored now (fresh counters, password hash, session version)."""
    return User.get_by_id(user_id)


def account_or_none(user_id):
    return User.get_or_none(User.id == user_id)
