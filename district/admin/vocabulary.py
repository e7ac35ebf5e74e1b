"""The words of the administration, defined once: the kinds and states of account requests
(docs/decisions/0007-officer-role-approval.md). Codes are stored; labels are read (lazy).
`REQUEST_NOTICES` are the msgids of the notifications that tell the officers of a new request
(stored, translated for each reader)."""

from flask_babel import lazy_gettext as _l

from ..i18n import N_

REQUEST_NOTICES = {
    "create": N_("%(actor)s đề nghị tạo tài khoản chuyên viên %(username)s; cần một chuyên viên "
                 "duyệt."),
    "grant": N_("%(actor)s đề nghị cấp vai trò chuyên viên cho tài khoản %(username)s; cần một "
                "chuyên viên duyệt."),
    "revoke": N_("%(actor)s đề nghị thôi vai trò chuyên viên của tài khoản %(username)s; cần "
                 "một chuyên viên duyệt."),
    "reset": N_("%(actor)s đề nghị đặt lại mật khẩu của chuyên viên %(username)s; cần một "
                "chuyên viên duyệt."),
}
REQUEST_KIND_LABELS = {
    "create": _l("tạo tài khoản chuyên viên"),
    "grant": _l("cấp vai trò chuyên viên"),
    "revoke": _l("thôi vai trò chuyên viên"),
    "reset": _l("đặt lại mật khẩu của chuyên viên"),
}
REQUEST_STATE_LABELS = {
    "pending": _l("Chờ duyệt"),
    "approved": _l("Đã duyệt"),
    "refused": _l("Đã từ chối"),
}
REQUEST_STATE_CLASSES = {"pending": "state-warn", "approved": "state-ok", "refused": "state-muted"}
REQUEST_FILTERS = {"pending": _l("Chờ duyệt"), "all": _l("Tất cả")}
