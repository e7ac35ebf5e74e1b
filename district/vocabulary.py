"""The words of the whole application, defined once: roles, school levels and ownerships.

Codes are what the database stores; labels are what people read (lazy, so each reader sees their
own language). A feature's own words live in `district/<feature>/vocabulary.py`; words that more
than one feature uses live here.
"""

from .i18n import N_
from .i18n import lazy_gettext as _l

ADMIN, OFFICER, PRINCIPAL, STAFF, OBSERVER = "admin", "officer", "principal", "staff", "observer"
ROLES = (ADMIN, OFFICER, PRINCIPAL, STAFF, OBSERVER)
SCHOOL_ROLES = (PRINCIPAL, STAFF)
DISTRICT_ROLES = (ADMIN, OFFICER, OBSERVER)
# The roles' names as msgids (stored in notifications as `*_label` parameters, translated for
# each reader) and as lazy labels.
ROLE_MSGIDS = {
    ADMIN: N_("Quản trị hệ thống"),
    OFFICER: N_("Chuyên viên"),
    PRINCIPAL: N_("Hiệu trưởng / Phó hiệu trưởng"),
    STAFF: N_("Giáo viên / nhân viên"),
    OBSERVER: N_("Lãnh đạo (chỉ xem số liệu)"),
}
ROLE_LABELS = {role: _l(msgid) for role, msgid in ROLE_MSGIDS.items()}

SCHOOL_LEVELS = ("mam_non", "tieu_hoc", "thcs", "lien_cap")
LEVEL_LABELS = {
    "mam_non": _l("Mầm non"),
    "tieu_hoc": _l("Tiểu học"),
    "thcs": _l("Trung học cơ sở"),
    "lien_cap": _l("Liên cấp"),
}
SCHOOL_OWNERSHIPS = ("cong_lap", "tu_thuc", "dan_lap")
OWNERSHIP_LABELS = {
    "cong_lap": _l("Công lập"),
    "tu_thuc": _l("Tư thục"),
    "dan_lap": _l("Dân lập"),
}
