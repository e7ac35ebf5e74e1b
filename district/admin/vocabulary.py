"""The words of the administration, defined once: the kinds and states of account requests
(docs/decisions/0007-officer-role-approval.md). Codes are stored; labels are read (lazy).

Every request names the role it concerns (`request_role`): the role asked for (create, grant),
the role taken (revoke), the account's role (reset). `REQUEST_NOTICES` are the msgids of the
notifications that tell the officers of a new request (stored with the role's msgid as
`role_label`, translated for each reader); `REQUEST_TEXTS` say the same on the pages."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..i18n import N_
from ..vocabulary import OFFICER, PRINCIPAL, ROLE_LABELS, STAFF

REQUEST_KINDS = ("create", "grant", "revoke", "reset")
REQUEST_NOTICES = {
    "create": N_("%(actor)s đề nghị tạo tài khoản %(username)s với vai trò %(role_label)s; cần "
                 "một chuyên viên duyệt."),
    "grant": N_("%(actor)s đề nghị cấp vai trò %(role_label)s cho tài khoản %(username)s; cần "
                "một chuyên viên duyệt."),
    "revoke": N_("%(actor)s đề nghị thôi vai trò %(role_label)s của tài khoản %(username)s; "
                 "cần một chuyên viên duyệt."),
    "reset": N_("%(actor)s đề nghị đặt lại mật khẩu của %(username)s (%(role_label)s); cần một "
                "chuyên viên duyệt."),
}
REQUEST_TEXTS = {
    "create": N_("tạo tài khoản %(username)s với vai trò %(role)s"),
    "grant": N_("cấp vai trò %(role)s cho tài khoản %(username)s"),
    "revoke": N_("thôi vai trò %(role)s của tài khoản %(username)s"),
    "reset": N_("đặt lại mật khẩu của %(username)s (%(role)s)"),
}
# What the approving officer should know the account will read once the request is applied.
ROLE_REACH = {
    OFFICER: _l("Vai trò Chuyên viên xem được mọi vụ việc của mọi trường."),
    PRINCIPAL: _l("Vai trò Hiệu trưởng / Phó hiệu trưởng xem được mọi vụ việc của trường, kể cả "
                  "vụ việc nhạy cảm."),
    STAFF: _l("Tài khoản này xem được các vụ việc người dùng đã báo cáo hoặc được giao."),
}
REQUEST_STATE_LABELS = {
    "pending": _l("Chờ duyệt"),
    "approved": _l("Đã duyệt"),
    "refused": _l("Đã từ chối"),
}
REQUEST_STATE_CLASSES = {"pending": "state-warn", "approved": "state-ok", "refused": "state-muted"}
REQUEST_FILTERS = {"pending": _l("Chờ duyệt"), "all": _l("Tất cả")}


def request_role(kind, details):
    """The role a request concerns (a role code). Requests made before principals were covered
    hold no role for a reset: they were all about officers."""
    details = details or {}
    if kind == "grant":
        return details.get("to") or OFFICER
    if kind == "revoke":
        return details.get("from") or OFFICER
    return details.get("role") or OFFICER


def request_text(account_request):
    """What the request asks, naming the account and the role, in the reader's language."""
    role = request_role(account_request.kind, account_request.details)
    return gettext(REQUEST_TEXTS[account_request.kind], username=account_request.username,
                   role=ROLE_LABELS.get(role, role))
