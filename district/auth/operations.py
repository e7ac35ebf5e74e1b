"""Sign-in, lockout, sign-out, passwords and language. Every attempt, good or bad, is in the
audit log; each write runs in one transaction with its audit entry."""

import datetime as dt
from dataclasses import dataclass

from ..audit import client_ip, record
from ..clock import utcnow
from ..db import database
from ..i18n import gettext as _
from ..mail.preferences import OFF, choice_of
from ..models import User
from . import throttle
from .passwords import hash_password, matches, waste_time_like_a_check
from .queries import account, account_named, may_sign_in


@dataclass
class LoginResult:
    user: User | None = None
    locked_until: dt.datetime | None = None
    failed: bool = False


def authenticate(username, password):
    """Check a sign-in from this request's client address.

    Known and unknown names take the same path and get the same answers: after
    LOGIN_MAX_FAILURES wrong attempts from one address for one name, that pair is refused for
    LOGIN_LOCK_MINUTES (auth/throttle.py), the account itself is never locked. An inactive
    account, or an account of an inactive school, is refused like a wrong password.

    The slow password check runs outside any transaction. The name typed at a failed attempt is
    kept in the audit entry's details, which no page shows (admin/queries.failed_sign_ins
    counts them per address)."""
    name = (username or "").strip().lower()[:150]
    ip = client_ip()
    now = utcnow()
    until = throttle.locked_until(ip, name, now)
    if until:
        with database.atomic():
            record("login.throttled", target_type="login", details={"username": name})
        return LoginResult(locked_until=until)
    user = account_named(name)
    if may_sign_in(user):
        right = matches(user.password_hash, password)
    else:
        waste_time_like_a_check(password)
        right = False
    if right:
        with database.atomic():
            User.update({User.last_login_at: now}).where(User.id == user.id).execute()
            throttle.forget(ip, name)
            record("login.success", target=user, actor=user)
        return LoginResult(user=account(user.id))
    with database.atomic():
        failures, until = throttle.count_failure(ip, name, now)
        target = {"target": user} if user else {"target_type": "login"}
        record("login.failed", details={"username": name, "failures": failures}, **target)
        if until:
            record("login.throttle_locked", details={"username": name,
                                                     "until": until.isoformat()}, **target)
    return LoginResult(locked_until=until, failed=True)


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


def update_mail_settings(user, email, choice):
    """The account's own address and e-mail choice. Returns whether anything changed."""
    email = (email or "").strip().lower()
    with database.atomic():
        fresh = account(user.id)
        changes = {}
        if fresh.email != email:
            changes["email"] = [fresh.email, email]
        if fresh.email_choice != choice:  # "" (the role's default) is pinned when saved
            changes["email_choice"] = [choice_of(fresh), choice]
        if not changes:
            return False
        User.update(email=email, email_choice=choice).where(User.id == fresh.id).execute()
        record("account.email", target=fresh, details=changes)
    return True


def stop_email(user_id):
    """The unsubscribe link of an e-mail was followed: the account gets no more e-mail (its
    pending messages are skipped by the worker). Returns the account, or None."""
    with database.atomic():
        user = User.get_or_none(User.id == user_id)
        if user is None:
            return None
        before = choice_of(user)
        updated = (User.update(email_choice=OFF)
                   .where(User.id == user.id, User.email_choice != OFF).execute())
        if updated:
            record("account.email_stop", target=user, actor=user,
                   details={"email_choice": [before, OFF]})
    return user
