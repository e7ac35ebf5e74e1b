"""The words of incidents, defined once for the whole application: codes and their labels.

Each table of codes is written once with its Vietnamese msgid (`N_`, so it can be stored as a
notification parameter and translated when read) and turned into lazy labels (`_l`), which is
what pages and forms show. School levels are the app-wide `district.vocabulary.LEVEL_LABELS`.
"""

from ..i18n import N_, translated
from ..i18n import lazy_gettext as _l
from ..vocabulary import LEVEL_LABELS


def _labels(msgids):
    return {code: _l(msgid) for code, msgid in msgids.items()}


STATUSES = {
    "reported": N_("Mới tiếp nhận"),
    "verifying": N_("Đang xác minh"),
    "handling": N_("Đang xử lý"),
    "referred": N_("Đã chuyển cơ quan chức năng"),
    "resolved": N_("Đã xử lý xong"),
    "closed": N_("Đã kết thúc"),
}
CATEGORIES = {
    "physical": N_("Bạo lực thể chất"),
    "psychological": N_("Bạo lực tinh thần"),
    "sexual_abuse": N_("Xâm hại tình dục"),
    "neglect": N_("Bỏ mặc, sao nhãng"),
    "bullying": N_("Bắt nạt"),
    "cyberbullying": N_("Bắt nạt trên mạng"),
    "self_harm": N_("Nguy cơ tự gây hại"),
    "other": N_("Khác"),
}
SEVERITIES = {
    "low": N_("Nhẹ"),
    "medium": N_("Trung bình"),
    "high": N_("Nghiêm trọng"),
    "critical": N_("Đặc biệt nghiêm trọng"),
}

STATUS_LABELS = _labels(STATUSES)
CATEGORY_LABELS = _labels(CATEGORIES)
SEVERITY_LABELS = _labels(SEVERITIES)
PLACE_LABELS = {
    "classroom": _l("Trong lớp học"),
    "school_yard": _l("Sân trường"),
    "boarding": _l("Khu bán trú, nội trú"),
    "online": _l("Trên mạng"),
    "outside": _l("Ngoài trường"),
}
CAUSER_LABELS = {
    "student": _l("Học sinh"),
    "staff": _l("Giáo viên, nhân viên"),
    "family": _l("Cha mẹ, người thân"),
    "outsider": _l("Người ngoài"),
    "unknown": _l("Chưa rõ"),
}
OUTCOME_LABELS = {
    "handled_at_school": _l("Đã xử lý tại trường"),
    "disciplined": _l("Đã xử lý kỷ luật"),
    "referred_concluded": _l("Cơ quan chức năng đã kết luận"),
    "not_substantiated": _l("Không có căn cứ"),
}
AGENCY_LABELS = {
    "hotline_111": _l("Tổng đài 111"),
    "police": _l("Công an"),
    "health": _l("Cơ sở y tế"),
    "commune": _l("UBND xã/phường"),
    "labour_social": _l("Phòng LĐ-TB&XH"),
}
STUDENT_ROLE_LABELS = {
    "affected": _l("Bị ảnh hưởng"),
    "caused": _l("Gây ra"),
    "witness": _l("Chứng kiến"),
}
SEX_LABELS = {"nam": _l("Nam"), "nu": _l("Nữ")}
CHECKLIST_LABELS = {
    "harm_assessed": _l("Đã đánh giá mức độ tổn hại"),
    "support_given": _l("Đã hỗ trợ, chăm sóc y tế, tư vấn kịp thời"),
    "family_informed": _l("Đã thông báo cho gia đình"),
    "authorities_informed": _l("Đã báo cơ quan chức năng (111, công an, UBND xã)"),
}
# The steps of the intervention checklist, in order (DESIGN.md section 3).
CHECKLIST_ITEMS = tuple(CHECKLIST_LABELS)
# The fields a correction may change: their labels, and the labels of their values.
FIELD_LABELS = {
    "occurred_at": _l("Thời điểm xảy ra"),
    "place": _l("Nơi xảy ra"),
    "category": _l("Loại vụ việc"),
    "caused_by": _l("Người gây ra"),
    "severity": _l("Mức độ"),
    "summary": _l("Tóm tắt"),
    "description": _l("Mô tả sự việc"),
    "immediate_actions": _l("Biện pháp đã làm ngay"),
}
VALUE_LABELS = {
    "place": PLACE_LABELS,
    "category": CATEGORY_LABELS,
    "caused_by": CAUSER_LABELS,
    "severity": SEVERITY_LABELS,
}
EVENT_LABELS = {
    "created": _l("Tiếp nhận báo cáo"),
    "status": _l("Chuyển trạng thái"),
    "note": _l("Ghi chú"),
    "assignment": _l("Giao xử lý"),
    "referral": _l("Chuyển cơ quan chức năng"),
    "checklist": _l("Bước can thiệp"),
    "correction": _l("Đính chính"),
    "attachment": _l("Tệp đính kèm"),
}
SORT_LABELS = {
    "new": _l("Mới báo cáo trước"),
    "old": _l("Cũ trước"),
    "severity": _l("Nghiêm trọng trước"),
    "occurred": _l("Theo thời điểm xảy ra"),
}

# What the pages read: one dict of label dicts (templates get these, never a module).
LABELS = {
    "status": STATUS_LABELS,
    "category": CATEGORY_LABELS,
    "severity": SEVERITY_LABELS,
    "place": PLACE_LABELS,
    "caused_by": CAUSER_LABELS,
    "outcome": OUTCOME_LABELS,
    "agency": AGENCY_LABELS,
    "student_role": STUDENT_ROLE_LABELS,
    "sex": SEX_LABELS,
    "checklist": CHECKLIST_LABELS,
    "field": FIELD_LABELS,
    "value": VALUE_LABELS,
    "event": EVENT_LABELS,
    "level": LEVEL_LABELS,
    "sort": SORT_LABELS,
}


class PageLabels(dict):
    """LABELS as one page reads them: each table translated (i18n.translated) the first time the
    page reads it, then kept; a list shows the same few labels on every row. The text is in the
    request's language: make one per request."""

    def __missing__(self, name):
        self[name] = table = translated(LABELS[name])
        return table
