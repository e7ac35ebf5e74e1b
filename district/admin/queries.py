"""The administration's page queries (read only), built on access.py's visibility functions.
Each list is one query for its rows (schools and users joined, never one query per row) and
one count."""

from peewee import JOIN, fn

from ..access import (
    TYPED_AT_SIGN_IN,
    account_requests_visible_to,
    audit_visible_to,
    schools_visible_to,
    users_visible_to,
)
from ..clock import day_range
from ..models import AccountRequest, AuditEntry, School, User
from ..text import fold

SCHOOL_STATUSES = ("active", "inactive", "all")


def schools(user, q="", level="", status="active"):
    query = schools_visible_to(user)
    if q:
        query = query.where(School.name_search.contains(fold(q)) | School.code.contains(q.upper()))
    if level:
        query = query.where(School.level == level)
    if status in ("active", "inactive"):
        query = query.where(School.active == (status == "active"))
    return query.order_by(School.name_key, School.id)


def users(user, q="", role=""):
    query = (
        users_visible_to(user)
        .select(User, School)
        .join(School, JOIN.LEFT_OUTER, on=(User.school == School.id))
    )
    if q:
        folded = fold(q)
        query = query.where(User.username.contains(q.lower()) | User.name_search.contains(folded)
                            | School.name_search.contains(folded))
    if role:
        query = query.where(User.role == role)
    return query.order_by(User.role, User.name_key, User.id)


def audit_entries(user, actor="", action="", first=None, last=None):
    """The audit log `user` may read, newest first; `first`/`last` are local days (included)."""
    query = audit_visible_to(user)
    if actor:
        query = query.where(AuditEntry.actor_name.contains(actor.strip().lower()))
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip()))
    start, end = day_range(first, last)
    if start:
        query = query.where(AuditEntry.at >= start)
    if end:
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def active_schools():
    """(id, name) of the schools an account may be attached to, in Vietnamese order."""
    rows = School.select(School.id, School.name).where(School.active == True)  # noqa: E712
    return [(s.id, s.name) for s in rows.order_by(School.name_key)]


def failed_sign_ins(user, first=None, last=None):
    """Failed sign-ins counted per client address (newest first), never the names typed: one
    row per address with its count, how many of them named an account, and the first and last
    time; `first`/`last` are local days (included)."""
    entries = audit_visible_to(user).where(AuditEntry.action.in_(sorted(TYPED_AT_SIGN_IN)),
                                           AuditEntry.action != "login.throttle_locked")
    start, end = day_range(first, last)
    if start:
        entries = entries.where(AuditEntry.at >= start)
    if end:
        entries = entries.where(AuditEntry.at < end)
    return (entries.select(AuditEntry.ip,
                           fn.COUNT(AuditEntry.id).filter(AuditEntry.action == "login.failed")
                           .alias("failures"),
                           fn.COUNT(AuditEntry.id).filter(AuditEntry.action == "login.throttled")
                           .alias("refused"),
                           fn.MIN(AuditEntry.at).alias("first_at"),
                           fn.MAX(AuditEntry.at).alias("last_at"))
            .group_by(AuditEntry.ip)
            .order_by(fn.MAX(AuditEntry.at).desc(), AuditEntry.ip)
            .dicts())


def account_requests(user, state="pending"):
    """The account requests `user` may see, pending first then newest, with who asked."""
    asker = User.alias()
    query = (account_requests_visible_to(user)
             .select(AccountRequest, asker)
             .join(asker, JOIN.LEFT_OUTER, on=(AccountRequest.requested_by == asker.id)))
    if state == "pending":
        query = query.where(AccountRequest.state == "pending")
    return query.order_by(AccountRequest.requested_at.desc(), AccountRequest.id.desc())


def pending_request_count(user):
    return account_requests_visible_to(user).where(AccountRequest.state == "pending").count()


def pending_request_for(user, account):
    """The pending request about `account`, if any (the account's page says it waits)."""
    return (account_requests_visible_to(user)
            .where(AccountRequest.user == account.id, AccountRequest.state == "pending")
            .first())
