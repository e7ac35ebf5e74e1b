"""The accounts sign-in and password pages read."""

from ..models import User


def account_named(username):
    """The account signing in with `username` (None when there is none)."""
    return User.get_or_none(User.username == (username or "").strip().lower())


def account(user_id):
    """The account as stored now (fresh counters, password hash, session version)."""
    return User.get_by_id(user_id)
