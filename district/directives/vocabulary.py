"""The words of directives, defined once: states of a school's receipt, statuses, required
responses, audiences, and the fields a revision names. Codes are stored; labels are read (lazy).
"""

from ..i18n import lazy_gettext as _l

ATTACHMENT_KINDS = ["pdf", "docx", "xlsx"]
REPORT_KINDS = ["pdf", "docx", "xlsx"]

# The derived state of one school's receipt (queries.state_expr), most urgent first. A school
# that receives the directive for information is "unread" until it opens it, then "informed";
# it is never overdue.
STATES = ("overdue", "unread", "read", "informed", "acknowledged_late", "acknowledged")
STATE_LABELS = {
    "acknowledged": _l("Đã xác nhận"),
    "acknowledged_late": _l("Xác nhận trễ hạn"),
    "read": _l("Đã đọc, chưa xác nhận"),
    "unread": _l("Chưa đọc"),
    "overdue": _l("Quá hạn"),
    "informed": _l("Để biết, đã đọc"),
}
STATE_CLASSES = {
    "acknowledged": "state-ok",
    "acknowledged_late": "state-warn",
    "read": "state-muted",
    "unread": "state-muted",
    "overdue": "state-bad",
    "informed": "state-muted",
}
# The order the tracking page's legend and bar show them in.
LEGEND = ("acknowledged", "acknowledged_late", "read", "unread", "overdue", "informed")

# Why a school receives a directive: to carry it out, or for information (issue 14).
PURPOSE_LABELS = {
    "act": _l("Thực hiện"),
    "info": _l("Để biết"),
}

# How an officer received the acknowledgement recorded on a school's behalf.
CHANNEL_LABELS = {
    "phone": _l("qua điện thoại"),
    "paper": _l("bằng văn bản giấy"),
    "other": _l("cách khác"),
}

# The response a directive asks (a roster, a report, a quán triệt) is reviewed by an officer.
RESPONSE_STATES = ("submitted", "resubmitted", "returned", "accepted")
RESPONSE_STATE_LABELS = {
    "": _l("Chưa gửi phản hồi"),
    "submitted": _l("Đã gửi, chờ xem xét"),
    "resubmitted": _l("Đã gửi lại, chờ xem xét"),
    "returned": _l("Bị trả lại"),
    "accepted": _l("Đã chấp nhận"),
}
RESPONSE_STATE_CLASSES = {
    "": "state-muted",
    "submitted": "state-warn",
    "resubmitted": "state-warn",
    "returned": "state-bad",
    "accepted": "state-ok",
}
# The tracking page's filter on responses ("none": not sent yet; "waiting": to review).
RESPONSE_FILTERS = {
    "waiting": _l("Chờ xem xét"),
    "returned": RESPONSE_STATE_LABELS["returned"],
    "accepted": RESPONSE_STATE_LABELS["accepted"],
    "none": RESPONSE_STATE_LABELS[""],
}
# The kinds of directive whose response is sent and reviewed (an "ack" only asks acknowledging).
# A "review" response is the school's self-assessment, sent and decided in its review round
# (reviews/operations.py mirrors each step onto the receipt), not on the directive's pages.
REVIEWED_KINDS = ("roster", "report", "disseminate", "review")
REVIEW_ROUND_KIND = "review"
RESPONSE_STEP_LABELS = {
    "submitted": _l("Nhà trường gửi phản hồi"),
    "resubmitted": _l("Nhà trường gửi lại phản hồi"),
    "returned": _l("Phòng trả lại phản hồi"),
    "accepted": _l("Phòng chấp nhận phản hồi"),
}

# The school inbox filters by state, plus two groupings of its own.
INBOX_FILTERS = {
    "new": _l("Mới (chưa đọc)"),
    "pending": _l("Chưa xác nhận"),
    "read": STATE_LABELS["read"],
    "acknowledged": STATE_LABELS["acknowledged"],
    "acknowledged_late": STATE_LABELS["acknowledged_late"],
    "overdue": STATE_LABELS["overdue"],
}

RESPONSE_LABELS = {
    "ack": _l("Chỉ xác nhận đã nhận"),
    "roster": _l("Xác nhận và có danh sách tổ tư vấn hợp lệ"),
    "report": _l("Xác nhận và nộp văn bản báo cáo"),
    # The school links the quán triệt activity that carried it out (activities feature).
    "disseminate": _l("Xác nhận và tổ chức quán triệt cho cán bộ, giáo viên, nhân viên"),
    # The school's self-assessment in the office's review round tied to the directive
    # (reviews feature): submitting it acknowledges the directive; the round decides on it.
    "review": _l("Nộp bản tự rà soát trường học an toàn (theo đợt rà soát của Phòng)"),
}
STATUS_LABELS = {
    "draft": _l("Bản nháp"),
    "published": _l("Đã ban hành"),
    "withdrawn": _l("Đã thu hồi"),
}
AUDIENCE_LABELS = {
    "all": _l("Tất cả các trường"),
    "filter": _l("Lọc theo cấp học và loại hình"),
    "list": _l("Chọn từng trường"),
}

# What a revision may change, and how the revision history names each field.
EDITABLE = ("number", "title", "body", "signer", "issued_on", "deadline", "response_kind",
            "personal_confirmation", "reminder_days")
FIELD_LABELS = {
    "number": _l("số hiệu"),
    "title": _l("trích yếu"),
    "body": _l("nội dung"),
    "signer": _l("người ký"),
    "issued_on": _l("ngày ban hành"),
    "deadline": _l("hạn xác nhận"),
    "response_kind": _l("yêu cầu phản hồi"),
    "personal_confirmation": _l("yêu cầu từng người xác nhận đã đọc"),
    "reminder_days": _l("lịch nhắc việc tự động"),
}
