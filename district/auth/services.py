"""Sign-in, lockout and passwords. Every attempt, good or bad, is in the audit log."""

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
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
    """Check a sign-in. Locks the account for LOGIN_LOCK_MINUTES after LOGIN_MAX_FAILURES.

    The slow password check runs outside any transaction; the failure counter is incremented
    in the database (not read, added to and written back), so concurrent attempts all count."""
    global _DUMMY_HASH
    config = current_app.config
    username = (username or "").strip().lower()
    user = User.get_or_none(User.username == username)
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-password-0")
        check_password_hash(_DUMMY_HASH, password or "")
        with database.atomic():
            record("login.failed", details={"username": username, "reason": "unknown_or_inactive"})
        return LoginResult(failed=True)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        with database.atomic():
            record("login.refused_locked", target=user, actor=user,
                   details={"until": user.locked_until.isoformat()})
        return LoginResult(locked_until=user.locked_until)
    if check_password_hash(user.password_hash, password or ""):
        with database.atomic():
            User.update(
                {User.failed_logins: 0, User.locked_until: None, User.last_login_at: now}
            ).where(User.id == user.id).execute()
            record("login.success", target=user, actor=user)
        return LoginResult(user=User.get_by_id(user.id))
    with database.atomic():
        User.update(failed_logins=User.failed_logins + 1).where(User.id == user.id).execute()
        failures = User.get_by_id(user.id).failed_logins
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
    fresh = User.get_by_id(user.id)
    if not check_password_hash(fresh.password_hash, current or ""):
        with database.atomic():
            record("password.change_failed", target=fresh, actor=fresh)
        raise PasswordError(_("Mật khẩu hiện tại không đúng."))
    if check_password_hash(fresh.password_hash, new or ""):
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
