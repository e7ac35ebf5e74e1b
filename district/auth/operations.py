"""Sign-in, lockout, sign-out, passwords and language. Every attempt, good or bad, is in the
audit log; each write runs in one transaction with its audit entry."""

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from ..audit import record
from ..clock import utcnow
from ..db import database
from ..models import User
from .passwords import hash_password, matches, waste_time_like_a_check
from .queries import account, account_named


@dataclass
class LoginResult:
    user: User | None = None
    locked_until: dt.datetime | None = None
    failed: bool = False


def authenticate(username, password):
    """Check a sign-in. Locks the account for LOGIN_LOCK_MINUTES after LOGIN_MAX_FAILURES.

    The slow password check runs outside any transaction; the failure counter is incremented
    in the database (not read, added to and written back), so concurrent attempts all count."""
    user = account_named(username)
    if user is None or not user.active:
        waste_time_like_a_check(password)
        with database.atomic():
            record("login.failed", details={"username": (username or "").strip().lower(),
                                            "reason": "unknown_or_inactive"})
        return LoginResult(failed=True)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        with database.atomic():
            record("login.refused_locked", target=user, actor=user,
                   details={"until": user.locked_until.isoformat()})
        return LoginResult(locked_until=user.locked_until)
    if matches(user.password_hash, password):
        with database.atomic():
            User.update(
                {User.failed_logins: 0, User.locked_until: None, User.last_login_at: now}
            ).where(User.id == user.id).execute()
            record("login.success", target=user, actor=user)
        return LoginResult(user=account(user.id))
    return _count_failure(user, now)


def _count_failure(user, now):
    config = current_app.config
    with database.atomic():
        User.update(failed_logins=User.failed_logins + 1).where(User.id == user.id).execute()
        failures = account(user.id).failed_logins
        record("login.failed", target=user, actor=user, details={"failures": failures})
        if failures < config["LOGIN_MAX_FAILURES"]:
            return LoginResult(failed=True)
        locked_until = now + dt.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        User.update(failed_logins=0, locked_until=locked_until).where(User.id == user.id).execute()
        record("account.locked", target=user, actor=user,
               details={"until": locked_until.isoformat()})
    return LoginResult(locked_until=locked_until)


def logout(user):
    """Signing out ends the session on every device (the cookie alone is not enough: a copied
    cookie would otherwise stay valid)."""
    with database.atomic():
        User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
        record("logout", target=user, actor=user)


class PasswordError(ValueError):
    pass


def change_password(user, current, new):
    """Raises PasswordError when `current` is wrong or `new` is the same password. Ends the
    user's other sessions."""
    fresh = account(user.id)
    if not matches(fresh.password_hash, current):
        with database.atomic():
            record("password.change_failed", target=fresh, actor=fresh)
        raise PasswordError(_("Mật khẩu hiện tại không đúng."))
    if matches(fresh.password_hash, new):
        raise PasswordError(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
    new_hash = hash_password(new)
    with database.atomic():
        User.update(
            {
                User.password_hash: new_hash,
                User.must_change_password: False,
                User.session_version: User.session_version + 1,
            }
        ).where(User.id == fresh.id).execute()
        record("password.changed", target=fresh, actor=fresh)


def set_locale(user, locale):
    with database.atomic():
        User.update(locale=locale).where(User.id == user.id).execute()
        record("account.locale", target=user, details={"locale": locale})
