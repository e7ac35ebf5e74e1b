"""Figures for the home pages: a fixed number of aggregate queries, whatever the district's size.
Each role's home has its own figures (the feature cards bring theirs)."""

from ..access import audit_visible_to, schools_visible_to, users_visible_to
from ..clock import utcnow
from ..models import AuditEntry, School, User

RECENT_AUDIT = 8


def admin_home(user):
    """The administration's figures: active schools and accounts, locked accounts, the latest
    entries of the audit log."""
    users = users_visible_to(user)
    return {
        "schools_active": schools_visible_to(user).where(School.active == True).count(),  # noqa: E712
        "users_active": users.where(User.active == True).count(),  # noqa: E712
        "users_locked": users.where(User.locked_until > utcnow()).count(),
        "recent_audit": list(audit_visible_to(user).order_by(AuditEntry.at.desc(),
                                                             AuditEntry.id.desc())
                             .limit(RECENT_AUDIT)),
    }
