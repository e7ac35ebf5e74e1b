"""Sign-in, lockout and passwords. Every attempt, good or bad, is in the audit log."""

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record
from ..db import database
from ..models import User, utcnow

# Checked against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = None


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@dataclass
class LoginResult:
    user: User | None = None
    locked_until: dt.datetime | None = None
    failed: bool = False


def authenticate(username, password):
    """Check a sign-in. Locks the account for LOGIN_LOCK_MINUTES after LOGIN_MAX_FAILURES."""
    global _DUMMY_HASH
    config = current_app.config
    username = (username or "").strip().lower()
    now = utcnow()
    with database.atomic():
        user = User.get_or_none(User.username == username)
        if user is None or not user.active:
            if _DUMMY_HASH is None:
                _DUMMY_HASH = hash_password("not-a-password-0")
            check_password_hash(_DUMMY_HASH, password or "")
            record("login.failed", details={"username": username, "reason": "unknown_or_inactive"})
            return LoginResult(failed=True)
        if user.locked_until and user.locked_until > now:
            record("login.refused_locked", target=user, actor=user,
                   details={"until": user.locked_until.isoformat()})
            return LoginResult(locked_until=user.locked_until)
        if not check_password_hash(user.password_hash, password or ""):
            failures = user.failed_logins + 1
            update = {User.failed_logins: failures}
            locked_until = None
            if failures >= config["LOGIN_MAX_FAILURES"]:
                locked_until = now + dt.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
                update = {User.failed_logins: 0, User.locked_until: locked_until}
            User.update(update).where(User.id == user.id).execute()
            record("login.failed", target=user, actor=user,
                   details={"failures": failures, "locked": bool(locked_until)})
            if locked_until:
                record("account.locked", target=user, actor=user,
                       details={"until": locked_until.isoformat()})
                return LoginResult(locked_until=locked_until)
            return LoginResult(failed=True)
        User.update(
            {User.failed_logins: 0, User.locked_until: None, User.last_login_at: now}
        ).where(User.id == user.id).execute()
        record("login.success", target=user, actor=user)
        return LoginResult(user=User.get_by_id(user.id))


def record_logout(user):
    with database.atomic():
        record("logout", target=user, actor=user)


def change_password(user, current, new):
    """Returns False when `current` is wrong. Ends the user's other sessions."""
    with database.atomic():
        fresh = User.get_by_id(user.id)
        if not check_password_hash(fresh.password_hash, current or ""):
            record("password.change_failed", target=fresh, actor=fresh)
            return False
        User.update(
            {
                User.password_hash: hash_password(new),
                User.must_change_password: False,
                User.session_version: User.session_version + 1,
            }
        ).where(User.id == fresh.id).execute()
        record("password.changed", target=fresh, actor=fresh)
        return True


def set_locale(user, locale):
    with database.atomic():
        User.update(locale=locale).where(User.id == user.id).execute()
        record("account.locale", target=user, details={"locale": locale})
