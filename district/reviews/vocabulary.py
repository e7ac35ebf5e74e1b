"""The words of safe-school reviews, defined once: the states of a school's review, the
verdicts on a criterion, the steps of its history, and what evidence may be.

Codes are what the database stores; labels (lazy) are what people read in their language; the
msgids (N_) are what exports and notifications keep.
"""

from ..i18n import N_
from ..i18n import lazy_gettext as _l

NOT_STARTED, DRAFT, SUBMITTED, RETURNED, ACCEPTED, OVERDUE = (
    "not_started", "draft", "submitted", "returned", "accepted", "overdue")
STATE_MSGIDS = {
    NOT_STARTED: N_("Chưa bắt đầu"),
    DRAFT: N_("Đang soạn"),
    SUBMITTED: N_("Đã nộp, chờ Phòng xem"),
    RETURNED: N_("Trả lại để bổ sung"),
    ACCEPTED: N_("Đã được chấp nhận"),
    OVERDUE: N_("Quá hạn"),
}
STATE_LABELS = {code: _l(msgid) for code, msgid in STATE_MSGIDS.items()}
STORED_STATES = (NOT_STARTED, DRAFT, SUBMITTED, RETURNED, ACCEPTED)
# The states in which the school still has to act (and which become overdue after the deadline).
OPEN_STATES = (NOT_STARTED, DRAFT, RETURNED)
EDITABLE_STATES = OPEN_STATES
# Never submitted: "schools not submitted" on the office's page.
UNSUBMITTED_STATES = (NOT_STARTED, DRAFT)
STATE_CLASSES = {NOT_STARTED: "state-muted", DRAFT: "state-muted", SUBMITTED: "state-warn",
                 RETURNED: "state-warn", ACCEPTED: "state-ok", OVERDUE: "state-bad"}

MET, PARTLY, NOT_MET, NA = "met", "partly", "not_met", "na"
VERDICT_MSGIDS = {
    MET: N_("Đạt"),
    PARTLY: N_("Đạt một phần"),
    NOT_MET: N_("Chưa đạt"),
    NA: N_("Không áp dụng"),
}
VERDICT_LABELS = {code: _l(msgid) for code, msgid in VERDICT_MSGIDS.items()}
VERDICTS = tuple(VERDICT_MSGIDS)
VERDICT_CLASSES = {MET: "state-ok", PARTLY: "state-warn", NOT_MET: "state-bad",
                   NA: "state-muted"}
# A criterion partly met or not met needs an improvement action: what, who, by when.
NEEDS_ACTION = (PARTLY, NOT_MET)

EVENT_LABELS = {
    "launched": _l("Phòng mở đợt rà soát"),
    "saved": _l("Lưu nháp"),
    "submitted": _l("Nộp"),
    "resubmitted": _l("Nộp lại sau khi bổ sung"),
    "returned": _l("Phòng trả lại để bổ sung"),
    "accepted": _l("Phòng chấp nhận"),
    "action_closed": _l("Hoàn thành biện pháp khắc phục"),
}

ACCEPT, RETURN = "accept", "return"
DECISION_LABELS = {ACCEPT: _l("Chấp nhận"), RETURN: _l("Trả lại để bổ sung")}

# What an evidence file may be, by content (district/files.py), and the names each may carry.
EVIDENCE_CONTENT = ("pdf", "image", "docx", "xlsx")
NAME_EXTENSIONS = {
    "application/pdf": {"pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/webp": {"webp"},
    "image/heic": {"heic", "heif"},
}
KIND_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
              "image/webp": "WEBP", "image/heic": "HEIC",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX"}
MAX_FILES = 5  # files added to one criterion at once

# The share of criteria met that colours a cell of the office's matrix.
SHARE_GOOD, SHARE_FAIR = 80, 50


def share_class(share):
    if share is None:
        return "state-muted"
    if share >= SHARE_GOOD:
        return "state-ok"
    if share >= SHARE_FAIR:
        return "state-warn"
    return "state-bad"
