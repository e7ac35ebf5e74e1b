"""The officer's coverage list as a spreadsheet (CSV or XLSX): plain values in the reader's
language, one row per school of the filtered list."""

from flask_babel import gettext as _

from .. import exports
from ..clock import local_date
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from .queries import state_of
from .rules import rule_set_name
from .vocabulary import STATE_LABELS

WIDTHS = (14, 40, 16, 12, 18, 18, 10, 14, 12, 14, 18, 30)


def coverage_table(query):
    header = [_("Mã trường"), _("Tên trường"), _("Cấp học"), _("Loại hình"), _("Xã/phường"),
              _("Trạng thái"), _("Phiên bản"), _("Ngày cập nhật"), _("Số thành viên"),
              _("Thành viên đã tập huấn"), _("Nhóm phải tập huấn: đã tập huấn / số thành viên"),
              _("Bộ quy tắc")]
    rows = []
    for s in query:
        state = state_of(s)
        roster = s.roster if state != "none" else None
        training = ((roster.result or {}).get("training") or {}) if roster else {}
        rows.append([
            s.code, s.name, str(LEVEL_LABELS.get(s.level, s.level)),
            str(OWNERSHIP_LABELS.get(s.ownership, s.ownership)), s.commune,
            str(STATE_LABELS[state]),
            roster.version if roster else "",
            local_date(roster.submitted_at) if roster else "",
            roster.member_count if roster else 0,
            training.get("trained", "") if roster else 0,
            (f"{roster.trained_count}/{training['required']}" if "required" in training
             else roster.trained_count) if roster else "",
            rule_set_name(roster.rule_set) if roster else "",
        ])
    return header, rows


def coverage_bytes(kind, header, rows):
    if kind == "csv":
        return exports.csv_bytes(header, rows)
    return exports.xlsx_bytes(_("Tổ tư vấn"), header, rows, widths=WIDTHS)
