"""The words of activities, defined once: kinds of activity, who presented, the groups of people
counted, the kinds of file, and the fields an edit's history names.

Codes are what the database stores; labels (lazy) are what people read in their language; the
msgids (N_) are what exports and audit details keep.
"""

from ..i18n import N_
from ..i18n import lazy_gettext as _l

QUAN_TRIET = "quan_triet"
KIND_MSGIDS = {
    QUAN_TRIET: N_("Quán triệt văn bản"),
    "tap_huan": N_("Tập huấn"),
    "tuyen_truyen_hs": N_("Tuyên truyền cho học sinh"),
    "hop_cmhs": N_("Họp cha mẹ học sinh"),
    "tong_dai_111": N_("Truyền thông về Tổng đài 111"),
    "khac": N_("Khác"),
}
KIND_LABELS = {code: _l(msgid) for code, msgid in KIND_MSGIDS.items()}
KINDS = tuple(KIND_MSGIDS)
TRAINING = "tap_huan"

PRESENTER_MSGIDS = {
    "school": N_("Nhà trường"),
    "police": N_("Công an"),
    "health": N_("Trạm y tế"),
    "women_union": N_("Hội Liên hiệp Phụ nữ"),
    "office": N_("Phòng Giáo dục (cơ quan quản lý)"),
    "other": N_("Khác"),
}
PRESENTER_LABELS = {code: _l(msgid) for code, msgid in PRESENTER_MSGIDS.items()}

# The groups of people counted at an activity; the first three are the school's staff, whose
# head counts (StaffCount) make a share.
GROUP_MSGIDS = {
    "managers": N_("Cán bộ quản lý"),
    "teachers": N_("Giáo viên"),
    "employees": N_("Nhân viên và người lao động"),
    "parents": N_("Cha mẹ học sinh"),
    "students": N_("Học sinh"),
}
GROUP_LABELS = {code: _l(msgid) for code, msgid in GROUP_MSGIDS.items()}
GROUPS = tuple(GROUP_MSGIDS)
STAFF_GROUPS = ("managers", "teachers", "employees")
MAX_COUNT = 100_000  # people of one group at one activity (a sanity bound, not a rule)

FILE_KIND_LABELS = {
    "minutes": _l("Biên bản"),
    "attendance": _l("Danh sách ký tên tham dự"),
}
FILE_KINDS = tuple(FILE_KIND_LABELS)
# What an attendance file may be, by content (district/files.py).
FILE_CONTENT = ("pdf", "image", "docx")
MAX_FILES = 10  # files added at once, of each kind

# The fields an edit's history names.
FIELD_LABELS = {
    "kind": _l("Loại hoạt động"),
    "held_on": _l("Ngày tổ chức"),
    "title": _l("Tên hoạt động"),
    "presenter": _l("Người trình bày"),
    "presenter_name": _l("Tên báo cáo viên, đơn vị"),
    "sessions": _l("Số buổi"),
    "hours": _l("Số giờ"),
    "counseling": _l("Tập huấn tư vấn tâm lý cho tổ tư vấn"),
    "summary": _l("Nội dung chính"),
    "directives": _l("Văn bản thực hiện"),
    "attendees": _l("Người dự"),
    "files_added": _l("Tệp thêm"),
    "files_removed": _l("Tệp bỏ"),
    **GROUP_LABELS,
}

# The school's coverage state for the filters chosen (officer's page).
STATE_LABELS = {
    "held": _l("Đã tổ chức"),
    "none": _l("Chưa tổ chức"),
}
SORTS = ("name", "count", "last", "staff")
