"""The words of the administration, defined once: the kinds and states of account requests
(docs/decisions/0007-officer-role-approval.md). Codes are stored; labels are read (lazy).

Every request names the role it concerns (`request_role`): the role asked for (create, grant),
the role taken (revoke), the account's role (reset). `REQUEST_NOTICES` are the msgids of the
notifications that tell the officers of a new request (stored with the role's msgid as
`role_label`, translated for each reader); `REQUEST_TEXTS` say the same on the pages."""

from ..i18n import N_, gettext
from ..i18n import lazy_gettext as _l
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


# --- The audit log, in sentences (templates/admin/audit.html, the CSV export) ---------------
# Each action code: its short name (the filter, the export's column) and the sentence that tells
# it, where %(actor)s is the person's full name and %(target)s names the object (a directive's
# number, an incident's reference, a school's or an account's name). Codes are never shown.
AUDIT_ACTIONS = {
    "login.success": (_l("Đăng nhập"), N_("%(actor)s đã đăng nhập")),
    "login.failed": (_l("Đăng nhập sai"), N_("Có người đăng nhập sai vào tài khoản %(target)s")),
    "login.throttled": (_l("Đăng nhập bị chặn tạm thời"),
                        N_("Một lần đăng nhập bị chặn tạm thời vì sai quá nhiều lần")),
    "login.throttle_locked": (_l("Tạm khoá đăng nhập"),
                              N_("Tài khoản %(target)s bị tạm khoá đăng nhập vì sai quá nhiều "
                                 "lần")),
    "logout": (_l("Đăng xuất"), N_("%(actor)s đã đăng xuất")),
    "password.changed": (_l("Đổi mật khẩu"), N_("%(actor)s đã đổi mật khẩu")),
    "password.change_failed": (_l("Đổi mật khẩu không thành công"),
                               N_("%(actor)s đổi mật khẩu không thành công")),
    "account.locale": (_l("Đổi ngôn ngữ"), N_("%(actor)s đã đổi ngôn ngữ hiển thị")),
    "account.email": (_l("Đổi cách nhận thư điện tử"),
                      N_("%(actor)s đã đổi địa chỉ hoặc cách nhận thư điện tử")),
    "account.email_stop": (_l("Ngừng nhận thư điện tử"),
                           N_("%(actor)s đã ngừng nhận thư điện tử (từ đường dẫn trong thư)")),
    "mail.retry": (_l("Gửi lại thư điện tử"),
                   N_("%(actor)s đã cho gửi lại một thư điện tử không gửi được")),
    "account_request.create": (_l("Gửi đề nghị về tài khoản"),
                               N_("%(actor)s đã gửi đề nghị về tài khoản %(target)s")),
    "account_request.approve": (_l("Duyệt đề nghị về tài khoản"),
                                N_("%(actor)s đã duyệt đề nghị về tài khoản %(target)s")),
    "account_request.refuse": (_l("Từ chối đề nghị về tài khoản"),
                               N_("%(actor)s đã từ chối đề nghị về tài khoản %(target)s")),
    "directive.create": (_l("Soạn văn bản"), N_("%(actor)s đã soạn bản nháp văn bản %(target)s")),
    "directive.update": (_l("Sửa bản nháp văn bản"),
                         N_("%(actor)s đã sửa bản nháp văn bản %(target)s")),
    "directive.publish": (_l("Ban hành văn bản"), N_("%(actor)s đã ban hành văn bản %(target)s")),
    "directive.revise": (_l("Sửa đổi văn bản"), N_("%(actor)s đã sửa đổi văn bản %(target)s")),
    "directive.withdraw": (_l("Thu hồi văn bản"), N_("%(actor)s đã thu hồi văn bản %(target)s")),
    "directive.attachment_removed": (_l("Gỡ tệp đính kèm của văn bản"),
                                     N_("%(actor)s đã gỡ một tệp đính kèm của văn bản "
                                        "%(target)s")),
    "directive.read": (_l("Mở đọc văn bản"), N_("%(actor)s đã mở đọc văn bản %(target)s")),
    "directive.acknowledge": (_l("Xác nhận văn bản"),
                              N_("%(actor)s đã xác nhận văn bản %(target)s")),
    "directive.remind": (_l("Nhắc việc"),
                         N_("%(actor)s đã gửi nhắc việc về văn bản %(target)s")),
    "directive.export": (_l("Xuất bảng theo dõi văn bản"),
                         N_("%(actor)s đã xuất bảng theo dõi văn bản %(target)s")),
    "file.missing": (_l("Mở tệp không còn lưu trữ"),
                     N_("%(actor)s đã mở một tệp không còn trong kho lưu trữ")),
    "incident.create": (_l("Báo cáo vụ việc"), N_("%(actor)s đã báo cáo vụ việc %(target)s")),
    "incident.view": (_l("Xem vụ việc"), N_("%(actor)s đã xem vụ việc %(target)s")),
    "incident.status": (_l("Chuyển trạng thái vụ việc"),
                        N_("%(actor)s đã chuyển trạng thái vụ việc %(target)s")),
    "incident.assign": (_l("Giao người xử lý vụ việc"),
                        N_("%(actor)s đã giao người xử lý vụ việc %(target)s")),
    "incident.note": (_l("Ghi chú vào vụ việc"), N_("%(actor)s đã ghi chú vào vụ việc %(target)s")),
    "incident.attach": (_l("Đính kèm tệp vào vụ việc"),
                        N_("%(actor)s đã đính kèm tệp vào vụ việc %(target)s")),
    "incident.download": (_l("Tải tệp của vụ việc"),
                          N_("%(actor)s đã tải tệp đính kèm của vụ việc %(target)s")),
    "incident.checklist": (_l("Cập nhật bước can thiệp"),
                           N_("%(actor)s đã cập nhật các bước can thiệp của vụ việc %(target)s")),
    "incident.correct": (_l("Đính chính báo cáo vụ việc"),
                         N_("%(actor)s đã bổ sung, đính chính báo cáo vụ việc %(target)s")),
    "notification.read": (_l("Đọc thông báo"), N_("%(actor)s đã đánh dấu một thông báo là đã đọc")),
    "notification.read_all": (_l("Đọc mọi thông báo"),
                              N_("%(actor)s đã đánh dấu mọi thông báo là đã đọc")),
    "notification.read_by_opening": (_l("Đọc thông báo khi mở trang"),
                                     N_("%(actor)s đã đọc thông báo khi mở trang liên quan")),
    "roster.save": (_l("Lưu danh sách tổ tư vấn"),
                    N_("%(actor)s đã lưu danh sách tổ tư vấn của %(target)s")),
    "roster.member_add": (_l("Thêm thành viên tổ tư vấn"),
                          N_("%(actor)s đã thêm thành viên vào danh sách tổ tư vấn của "
                             "%(target)s")),
    "roster.member_change": (_l("Sửa thành viên tổ tư vấn"),
                             N_("%(actor)s đã sửa thông tin thành viên tổ tư vấn của "
                                "%(target)s")),
    "roster.member_remove": (_l("Bớt thành viên tổ tư vấn"),
                             N_("%(actor)s đã bớt một thành viên khỏi danh sách tổ tư vấn của "
                                "%(target)s")),
    "roster.upload": (_l("Nạp tệp danh sách tổ tư vấn"),
                      N_("%(actor)s đã nạp tệp danh sách tổ tư vấn của %(target)s")),
    "roster.upload_preview": (_l("Xem trước tệp danh sách tổ tư vấn"),
                              N_("%(actor)s đã tải lên tệp danh sách tổ tư vấn để xem trước")),
    "roster.seed": (_l("Tạo danh sách tổ tư vấn mẫu"),
                    N_("%(actor)s đã tạo danh sách tổ tư vấn mẫu của %(target)s")),
    "roster.rule_set": (_l("Đổi quy định về tổ tư vấn"),
                        N_("%(actor)s đã đổi bộ quy định về tổ tư vấn đang áp dụng")),
    "roster.export": (_l("Xuất tổng hợp tổ tư vấn"),
                      N_("%(actor)s đã xuất bảng tổng hợp danh sách tổ tư vấn")),
    "roster.download": (_l("Tải danh sách tổ tư vấn"),
                        N_("%(actor)s đã tải danh sách tổ tư vấn của %(target)s")),
    "school.create": (_l("Thêm trường"), N_("%(actor)s đã thêm trường %(target)s")),
    "school.update": (_l("Sửa thông tin trường"),
                      N_("%(actor)s đã sửa thông tin của %(target)s")),
    "school.activate": (_l("Mở lại trường"), N_("%(actor)s đã cho %(target)s hoạt động trở lại")),
    "school.deactivate": (_l("Ngừng hoạt động trường"),
                          N_("%(actor)s đã ngừng hoạt động %(target)s")),
    "school.import": (_l("Nhập danh sách trường"),
                      N_("%(actor)s đã nhập danh sách trường từ tệp")),
    "user.create": (_l("Tạo tài khoản"), N_("%(actor)s đã tạo tài khoản %(target)s")),
    "user.update": (_l("Sửa tài khoản"), N_("%(actor)s đã sửa tài khoản %(target)s")),
    "user.activate": (_l("Mở khoá tài khoản"), N_("%(actor)s đã mở khoá tài khoản %(target)s")),
    "user.deactivate": (_l("Khoá tài khoản"), N_("%(actor)s đã khoá tài khoản %(target)s")),
    "user.reset_password": (_l("Đặt lại mật khẩu"),
                            N_("%(actor)s đã đặt lại mật khẩu của tài khoản %(target)s")),
    "audit.export": (_l("Xuất nhật ký hệ thống"), N_("%(actor)s đã xuất nhật ký hệ thống")),
    "seed.district": (_l("Nạp dữ liệu mẫu"), N_("%(actor)s đã nạp dữ liệu mẫu của địa bàn")),
    "seed.incidents": (_l("Nạp vụ việc mẫu"), N_("%(actor)s đã nạp các vụ việc mẫu")),
}
# The sentence of an action whose object is unknown (a failed sign-in under a name no account
# has: the name typed is never shown).
AUDIT_WITHOUT_TARGET = {
    "login.failed": N_("Có người đăng nhập sai bằng một tên đăng nhập không có"),
    "login.throttle_locked": N_("Một địa chỉ bị tạm khoá đăng nhập vì sai quá nhiều lần"),
}
# An action this list does not know yet (never its code).
AUDIT_OTHER = (_l("Thao tác khác"), N_("%(actor)s đã thực hiện một thao tác khác"))
# The groups of the action filter: a prefix of the codes and its name.
AUDIT_GROUPS = {
    "login": _l("Đăng nhập (mọi loại)"),
    "directive.": _l("Văn bản chỉ đạo (mọi thao tác)"),
    "incident.": _l("Vụ việc (mọi thao tác)"),
    "roster.": _l("Tổ tư vấn (mọi thao tác)"),
    "school.": _l("Trường (mọi thao tác)"),
    "user.": _l("Tài khoản (mọi thao tác)"),
    "account_request.": _l("Đề nghị về tài khoản (mọi thao tác)"),
}
AUDIT_SYSTEM = _l("Hệ thống")  # the actor of an entry written by no one (seeds, jobs)
AUDIT_SOMEONE = _l("Có người")  # the actor of a failed sign-in (never the name typed)
# The details worth reading, in this order, by name (others are kept in the log, not shown).
AUDIT_DETAILS = {
    "reason": _l("Lý do"),
    "note": _l("Ghi chú"),
    "summary": _l("Nội dung"),
    "from": _l("Từ"),
    "to": _l("Sang"),
    "outcome": _l("Kết quả"),
    "agency": _l("Cơ quan"),
    "full_name": _l("Họ và tên"),
    "username": _l("Tên đăng nhập"),
    "email": _l("Thư điện tử"),
    "phone": _l("Điện thoại"),
    "role": _l("Vai trò"),
    "format": _l("Định dạng"),
    "rows": _l("Số dòng"),
    "count": _l("Số lượng"),
    "version": _l("Phiên bản"),
    "revision": _l("Lần sửa đổi"),
    "late": _l("Trễ hạn"),
}


# --- The e-mail outbox (/admin/outbox) ---------------------------------------------------------
OUTBOX_FILTERS = {
    "attention": _l("Cần chú ý (chờ gửi, đang gửi, thất bại)"),
    "failed": _l("Thất bại"),
    "waiting": _l("Chờ gửi"),
    "sent": _l("Đã gửi"),
    "all": _l("Tất cả"),
}
OUTBOX_STATE_LABELS = {
    "pending": _l("Chờ gửi"),
    "sending": _l("Đang gửi"),
    "sent": _l("Đã gửi"),
    "failed": _l("Thất bại"),
    "skipped": _l("Không gửi"),
}
OUTBOX_STATE_CLASSES = {"pending": "state-warn", "sending": "state-warn", "sent": "state-ok",
                        "failed": "state-bad", "skipped": "state-muted"}
OUTBOX_KIND_LABELS = {"notification": _l("Thư báo một thông báo"),
                      "digest": _l("Thư tóm tắt hằng ngày")}
# Why a message was not sent, when it is not the mail server's own words (district/mail/).
OUTBOX_REASONS = {
    "interrupted": _l("Bị gián đoạn khi đang gửi: máy chủ thư có thể đã nhận thư. Kiểm tra với "
                      "người nhận trước khi gửi lại."),
    "no-address": _l("Tài khoản không có địa chỉ thư điện tử."),
    "bad-address": _l("Địa chỉ thư điện tử không hợp lệ."),
    "opted-out": _l("Người nhận đã đổi cách nhận thư."),
    "inactive": _l("Tài khoản đã bị khoá."),
    "nothing-new": _l("Không có gì mới để tóm tắt."),
}
