"""Figures for the home pages: a fixed number of aggregate queries, whatever the district's size."""

from ..access import ADMIN, audit_visible_to
from ..models import AuditEntry, School, User, utcnow


def home_summary(user):
    if user.role == ADMIN:
        return {
            "schools_active": School.select().where(School.active == True).count(),  # noqa: E712
            "users_active": User.select().where(User.active == True).count(),  # noqa: E712
            "users_locked": User.select().where(User.locked_until > utcnow()).count(),
            "recent_audit": list(
                audit_visible_to(user).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(8)
            ),
        }
    return {}
