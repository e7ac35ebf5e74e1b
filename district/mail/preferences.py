"""How each account gets its notifications by e-mail: at once ("now"), gathered in one daily
digest ("digest"), or not by e-mail ("off"). An account that never chose has "" stored and gets
its role's default (docs/decisions/email-outbox.md): at once for those who must act the same
day (officers, principals, the admin), a digest for teachers and staff, who receive every
directive sent to their school, and for the observer, whom nothing asks to act."""

from ..i18n import lazy_gettext as _l
from ..models import User
from ..vocabulary import ADMIN, OBSERVER, OFFICER, PRINCIPAL, STAFF

NOW, DIGEST, OFF = "now", "digest", "off"
CHOICES = (NOW, DIGEST, OFF)
CHOICE_LABELS = {
    NOW: _l("Gửi thư ngay khi có thông báo"),
    DIGEST: _l("Gửi một thư tóm tắt mỗi ngày"),
    OFF: _l("Không nhận thư điện tử"),
}
ROLE_DEFAULTS = {ADMIN: NOW, OFFICER: NOW, PRINCIPAL: NOW, STAFF: DIGEST, OBSERVER: DIGEST}


def choice_of(user):
    """The account's choice, or its role's default when it made none."""
    if user.email_choice in CHOICES:
        return user.email_choice
    return ROLE_DEFAULTS.get(user.role, DIGEST)


def choosing(choice):
    """SQL: the accounts whose choice (made, or their role's default) is `choice`."""
    roles = [role for role, default in ROLE_DEFAULTS.items() if default == choice]
    return (User.email_choice == choice) | ((User.email_choice == "") & User.role.in_(roles))


def reachable():
    """SQL: active accounts with an address."""
    return (User.active == True) & (User.email != "")  # noqa: E712
