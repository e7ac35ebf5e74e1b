"""Figures for the home pages: a fixed number of aggregate queries, whatever the district's size.
Each role's home has its own figures (the feature cards bring theirs)."""

from ..access import (
    account_requests_visible_to,
    audit_visible_to,
    schools_visible_to,
    users_visible_to,
)
from ..models import AccountRequest, AuditEntry, School, User

RECENT_AUDIT = 8


def admin_home(user):
    """The administration's figures: active schools and accounts, the account requests waiting
    for an officer's approval, the latest entries of the audit log."""
    return {
        "schools_active": schools_visible_to(user).where(School.active == True).count(),  # noqa: E712
        "users_active": users_visible_to(user).where(User.active == True).count(),  # noqa: E712
        "requests_pending": account_requests_visible_to(user).where(
            AccountRequest.state == "pending").count(),
        "recent_audit": list(audit_visible_to(user).order_by(AuditEntry.at.desc(),
                                                             AuditEntry.id.desc())
                             .limit(RECENT_AUDIT)),
    }
