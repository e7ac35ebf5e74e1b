"""The directive's file formats: the Markdown body rendered safe, and the tracking table as CSV
and XLSX (times in the office's local time)."""

import markdown as md
import nh3
from markupsafe import Markup

from .. import clock, exports
from ..i18n import gettext as _
from .vocabulary import (
    CHANNEL_LABELS,
    PURPOSE_LABELS,
    RESPONSE_STATE_LABELS,
    STATE_LABELS,
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "h5", "blockquote",
    "code", "pre", "hr", "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text):
    """Markdown rendered by the server and sanitised with nh3: safe to show as HTML."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto", "tel"}))


# --- The tracking table ---------------------------------------------------------------------


def _columns():
    return exports.school_columns() + [
            _("Hình thức nhận"), _("Trạng thái"), _("Mở đọc lần đầu"), _("Người đọc"),
            _("Thời điểm xác nhận"), _("Người xác nhận"), _("Phòng xác nhận thay"),
            _("Ghi chú"), _("Phản hồi"), _("Tình trạng phản hồi"), _("Số lần nhắc"),
            _("Nhắc lần cuối"), _("Người được nhắc")]


WIDTHS = (14, 36, 16, 12, 18, 12, 22, 17, 24, 17, 24, 34, 30, 28, 22, 10, 17, 30)


def _name(row, attr):
    person = getattr(row, attr, None)
    return (person.full_name or "") if person is not None else ""


def reminded_names(row):
    """The principal accounts the school's last reminder notified."""
    reminder = getattr(row, "last_reminder", None)
    return [p["name"] for p in (reminder.sent_to or [])] if reminder is not None else []


def _response(r):
    """What the school sent with its acknowledgement: the roster on file, or a file's name."""
    if r.roster_id:
        return _("Danh sách tổ tư vấn (phiên bản %(version)s)", version=r.sent_roster.version)
    rfile = getattr(r, "rfile", None)
    return rfile.original_name if rfile is not None and r.response_file_id else ""


def _proxy(r):
    """An acknowledgement an officer recorded for the school: how, and whether it confirmed."""
    if not r.ack_proxy:
        return ""
    channel = str(CHANNEL_LABELS.get(r.ack_channel, ""))
    if r.proxy_confirmed_at:
        confirmed = _("trường đã xác nhận lại %(t)s",
                      t=clock.to_local(r.proxy_confirmed_at).strftime("%d/%m/%Y %H:%M"))
    else:
        confirmed = _("trường chưa xác nhận lại")
    return _("Có (%(channel)s; %(confirmed)s)", channel=channel, confirmed=confirmed)


def _row(r):
    return exports.school_cells(r.school) + [
            str(PURPOSE_LABELS[r.purpose]), str(STATE_LABELS[r.state]),
            clock.to_local(r.first_read_at), _name(r, "reader"),
            clock.to_local(r.acknowledged_at), _name(r, "acker"), _proxy(r), r.ack_note,
            _response(r),
            str(RESPONSE_STATE_LABELS[r.response_state]) if r.response_state else "",
            r.reminders_count, clock.to_local(r.last_reminded_at), ", ".join(reminded_names(r))]


def tracking_csv(rows):
    return exports.csv_bytes(_columns(), (_row(r) for r in rows))


def tracking_xlsx(rows):
    return exports.xlsx_bytes(_("Theo dõi xác nhận"), _columns(), (_row(r) for r in rows),
                              widths=WIDTHS, freeze="C2")
