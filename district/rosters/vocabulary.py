"""The words of counseling rosters, defined once: states, team roles, member groups, the
template's columns, and the words accepted in uploaded files.

Codes are what the database stores; labels (lazy) are what people read in their language; the
"words" are what the template writes and files may say (always Vietnamese, whatever the reader's
language: a file is a document of the school).
"""

from ..i18n import N_
from ..i18n import lazy_gettext as _l
from ..text import fold

MAX_MEMBERS = 200
MEMBER_FIELDS = ("full_name", "position", "team_role", "member_group", "phone", "email",
                 "trained", "trained_on")

# A school's roster state; "none" is a school without any roster.
STATES = ("none", "incomplete", "warnings", "complete")
VALID_STATES = ("complete", "warnings")
STATE_LABELS = {
    "none": _l("Chưa có"),
    "incomplete": _l("Chưa đầy đủ"),
    "warnings": _l("Đầy đủ, có lưu ý"),
    "complete": _l("Đầy đủ"),
}
STATE_CLASSES = {"none": "state-muted", "incomplete": "state-bad", "warnings": "state-warn",
                 "complete": "state-ok"}

# --- Words of the template and of uploaded files ----------------------------------------------

SHEET_TITLE = "Tổ tư vấn"
GUIDE_TITLE = "Hướng dẫn"
EXAMPLE_MARK = "Ví dụ"
YES_WORD, NO_WORD = "Có", "Không"
# The template's words are Vietnamese whatever the reader's language (the file is filled in and
# read back as such); pages show the same words translated (the *_LABELS derived from them).
TEAM_ROLE_WORDS = {"to_truong": N_("Tổ trưởng"), "to_pho": N_("Tổ phó"),
                   "thanh_vien": N_("Thành viên")}
MEMBER_GROUP_WORDS = {
    "leadership": N_("Lãnh đạo nhà trường"),
    "counselor": N_("Giáo viên làm công tác tư vấn"),
    "health": N_("Nhân viên y tế"),
    "union": N_("Phụ trách Đoàn/Đội"),
    "parent": N_("Đại diện cha mẹ học sinh"),
    "student": N_("Đại diện học sinh"),
    "other": N_("Khác"),
}
# (field, header as written in the template)
COLUMNS = (
    ("stt", N_("STT")),
    ("full_name", N_("Họ và tên")),
    ("position", N_("Chức vụ")),
    ("team_role", N_("Vai trò trong tổ")),
    ("member_group", N_("Nhóm thành viên")),
    ("phone", N_("Điện thoại")),
    ("email", N_("Thư điện tử")),
    ("trained", N_("Đã tập huấn")),
    ("trained_on", N_("Ngày tập huấn")),
)
OPTIONAL_COLUMNS = {"stt"}
TEAM_ROLE_LABELS = {code: _l(word) for code, word in TEAM_ROLE_WORDS.items()}
MEMBER_GROUP_LABELS = {code: _l(word) for code, word in MEMBER_GROUP_WORDS.items()}
COLUMN_LABELS = {key: _l(title) for key, title in COLUMNS}

# Folded header -> field; English headers are accepted too.
HEADER_INPUT = {fold(title): key for key, title in COLUMNS} | {
    "so thu tu": "stt", "no": "stt", "#": "stt", "ho ten": "full_name", "full name": "full_name",
    "name": "full_name", "position": "position", "chuc danh": "position",
    "vai tro": "team_role", "team role": "team_role", "nhom": "member_group",
    "member group": "member_group", "group": "member_group", "so dien thoai": "phone",
    "phone": "phone", "email": "email", "e-mail": "email", "thu dien tu (email)": "email",
    "trained": "trained", "tap huan": "trained", "ngay tap huan": "trained_on",
    "trained on": "trained_on",
}
TEAM_ROLE_INPUT = {fold(v): k for k, v in TEAM_ROLE_WORDS.items()} | {
    k: k for k in TEAM_ROLE_WORDS} | {
    "to truong": "to_truong", "truong to": "to_truong", "leader": "to_truong",
    "pho to": "to_pho", "deputy": "to_pho", "member": "thanh_vien", "uy vien": "thanh_vien"}
GROUP_INPUT = {fold(v): k for k, v in MEMBER_GROUP_WORDS.items()} | {
    k: k for k in MEMBER_GROUP_WORDS} | {
    "lanh dao": "leadership", "ban giam hieu": "leadership", "giao vien tu van": "counselor",
    "giao vien": "counselor", "tu van": "counselor", "y te": "health", "doan/doi": "union",
    "doan, doi": "union", "doan doi": "union", "phu trach doan, doi": "union",
    "cha me hoc sinh": "parent", "phu huynh": "parent", "hoc sinh": "student"}
YES_INPUT = {"co", "x", "yes", "y", "1", "true", "da tap huan", "roi", "da"}
NO_INPUT = {"", "khong", "no", "n", "0", "false", "chua"}
