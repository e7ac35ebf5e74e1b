"""A directive printed as the administrative document it is, and its tracking table printed:
PDF drawn by WeasyPrint from the templates in templates/directives/pdf/.

The directive follows Nghị định 30/2020/NĐ-CP, Phụ lục I: a công văn (Mẫu 1.4: "V/v" under the
number, "Kính gửi", "Nơi nhận: - Như trên;") or, when the number's ký hiệu starts with the
abbreviation of a kind of document (Phụ lục III: KH, TB, HD, ...), that document (Mẫu 1.3: its
kind and trích yếu as a heading, the recipients under "Nơi nhận"). Both are printed in
Vietnamese whatever the reader's language (docs/decisions/printed-directives.md), in the first
font of the stack that the machine has: Times New Roman, else Debian's metric-compatible
Liberation Serif (fonts-liberation2), which draws every Vietnamese letter.

WeasyPrint draws with Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0); it is imported when a
PDF is asked for, so the rest of the app runs without them, and `PdfUnavailable` says why not.
"""

import re

from flask import current_app, render_template
from flask_babel import force_locale

from .. import clock
from ..access import schools_visible_to
from ..models import Recipient, School
from ..text import fold, nfc
from ..vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS
from . import formats
from .vocabulary import (
    PURPOSE_LABELS,
    RESPONSE_FILTERS,
    RESPONSE_STATE_LABELS,
    STATE_LABELS,
    STATES,
)

# Phụ lục III, Nghị định 30/2020/NĐ-CP: the abbreviations of the kinds of document. A công văn
# has none (its ký hiệu is the office's abbreviation, then the drafting unit's).
KINDS = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế",
    "QyĐ": "Quy định", "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn",
    "CTr": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án",
    "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình", "CĐ": "Công điện",
    "GM": "Giấy mời", "GT": "Giấy giới thiệu",
}
# The tracking PDF prints at most this many schools (WeasyPrint lays out about 100 rows a second
# here: 500 rows take about 6 s, 3,000 about 40 s; docs/decisions/printed-directives.md).
MAX_PRINTED_ROWS = 500
# A letter names at most this many schools after "Kính gửi"; more are listed in an appendix.
NAMED_RECIPIENTS = 5
# The units a place name starts with ("huyện Sông Xanh"): the date line names the place alone.
PLACE_UNITS = ("thành phố", "thị xã", "thị trấn", "đặc khu", "huyện", "quận", "tỉnh",
               "phường", "xã")
SIGNER_SEPARATORS = re.compile(r"\s+[–—-]\s+|,\s+")


class PdfUnavailable(Exception):
    """WeasyPrint, or the system libraries it draws with, cannot be loaded on this machine."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or GObject not installed
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def available():
    """Whether this machine can draw PDF (WeasyPrint and Pango are installed)."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _write_pdf(html):
    weasyprint = _weasyprint()
    # The documents load nothing: no image, stylesheet or font from any address (a link in a
    # directive's body stays a link).
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


# --- The parts of the document ----------------------------------------------------------------


def _place_unit(place):
    """'huyện Sông Xanh, tỉnh Bình An' -> 'huyện Sông Xanh' (the office's own unit)."""
    return (place or "").split(",")[0].strip()


def place_name(place):
    """The địa danh of the date line: the place without its unit ('Sông Xanh')."""
    unit = _place_unit(place)
    for word in PLACE_UNITS:
        if unit.casefold().startswith(word + " "):
            return unit[len(word):].strip()
    return unit


def letterhead(config):
    """(superior body, issuing office) as the top-left corner names them (printed in capitals)."""
    parent = config.get("OFFICE_PARENT")
    if parent is None:
        unit = _place_unit(config.get("OFFICE_PLACE"))
        parent = f"UBND {unit}" if unit else ""
    issuer = config.get("OFFICE_ISSUER")
    if issuer is None:
        issuer = config.get("OFFICE_NAME", "")
        unit = _place_unit(config.get("OFFICE_PLACE"))
        if unit and issuer.casefold().endswith(" " + unit.casefold()):
            issuer = issuer[: -len(unit)].strip()
    return parent, issuer


def place_and_date(place, day):
    """'Sông Xanh, ngày 05 tháng 3 năm 2026': a day under 10 and a month under 3 take a 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_kind(number):
    """(kind of document or None for a công văn, drafting unit or '') read off the number:
    '1256/PGDĐT-CTHSSV' -> (None, 'CTHSSV'); '15/KH-PGDĐT' -> ('Kế hoạch', '')."""
    _n, slash, code = (number or "").partition("/")
    parts = [p.strip() for p in code.split("-") if p.strip()] if slash else []
    if parts and parts[0] in KINDS:
        return KINDS[parts[0]], ""
    return None, (parts[-1] if len(parts) > 1 else "")


def gist(title):
    """The trích yếu of a công văn, without a leading 'Về việc' / 'V/v' (printed as 'V/v ...')."""
    text = (title or "").strip()
    for prefix in ("về việc", "v/v"):
        if text.casefold().startswith(prefix):
            return text[len(prefix):].lstrip(" :")
    return text


def signature(signer, head_title):
    """(lines of the signer's authority and title, name), from 'Name – Title': a deputy signs
    'KT. <head's title>' above their own title; no title given reads as the head's."""
    parts = SIGNER_SEPARATORS.split(nfc(signer).strip(), maxsplit=1)
    name = parts[0].strip()
    title = parts[1].strip() if len(parts) > 1 else ""
    title = title or head_title or ""
    lines = []
    if title.casefold().startswith("phó") and head_title:
        lines.append(f"KT. {head_title.upper()}")
    if title:
        lines.append(title.upper())
    return lines, name


def _lower_first(text):
    return text[:1].lower() + text[1:]


def _audience_lines(directive):
    """Who the directive is for, as a list of the schools by audience (never naming them)."""
    if directive.audience_kind == "filter":
        levels = [str(LEVEL_LABELS[x]).lower() for x in directive.audience_levels or ()
                  if x in LEVEL_LABELS]
        owners = [str(OWNERSHIP_LABELS[x]).lower() for x in directive.audience_ownerships or ()
                  if x in OWNERSHIP_LABELS]
        text = "Các trường " + ", ".join(levels) if levels else "Các trường"
        if owners and len(owners) < len(OWNERSHIP_LABELS):
            text += f" ({', '.join(owners)})"
        return text + " trực thuộc"
    return "Các trường trực thuộc"


def addressed_schools(user, directive):
    """The schools a directive chosen school by school went to, that this user may see: every
    one for the office, a school only itself (access.schools_visible_to); and how many in all.
    A draft goes to the schools chosen; a published directive went to its recipients."""
    if directive.status == "draft":
        ids = [int(i) for i in directive.audience_school_ids or () if str(i).isdigit()]
        query = School.select().where(School.id.in_(ids or [0]), School.active == True)  # noqa: E712
    else:
        query = (School.select().join(Recipient, on=(Recipient.school == School.id))
                 .where(Recipient.directive == directive.id))
    total = query.count()
    visible = schools_visible_to(user).select(School.id)
    shown = list(query.select(School.name, School.commune).where(School.id.in_(visible))
                 .order_by(School.name_key))
    return shown, total


def _recipients(user, directive):
    """(lines naming the recipients, schools of the appendix): a list of schools named one by
    one when there are few; past NAMED_RECIPIENTS, 'the schools in the list attached'."""
    if directive.audience_kind != "list":
        return [_audience_lines(directive)], []
    shown, total = addressed_schools(user, directive)
    if total <= NAMED_RECIPIENTS and len(shown) == total:
        return [s.name for s in shown] or ["Các trường được chọn"], []
    if len(shown) == total:
        return ["Các trường có tên trong danh sách kèm theo"], shown
    # A school sees only its own name (the others are the office's to know).
    lines = [s.name for s in shown]
    others = total - len(shown)
    lines.append(f"{others} trường khác có tên trong danh sách của cơ quan ban hành")
    return lines, []


def _addressed(line):
    """'Các trường ...' -> 'Hiệu trưởng các trường ...'; 'Trường X' -> 'Hiệu trưởng Trường X'."""
    if line[:1].isdigit():
        return f"Hiệu trưởng {line}"
    return "Hiệu trưởng " + (_lower_first(line) if line.startswith("Các ") else line)


def _listed(lines, last="."):
    """Each line as a list item: '; ' after each, `last` after the last."""
    return [line + (last if i == len(lines) - 1 else ";") for i, line in enumerate(lines)]


def directive_document(user, directive, config):
    """What templates/directives/pdf/directive.html prints."""
    parent, issuer = letterhead(config)
    kind, unit = document_kind(directive.number)
    signer_lines, signer_name = signature(directive.signer, config.get("OFFICE_HEAD_TITLE"))
    place = config.get("DOCUMENT_PLACE") or place_name(config.get("OFFICE_PLACE"))
    recipients, appendix = _recipients(user, directive)
    archive = "Lưu: VT" + (f", {unit}" if unit else "") + "."
    if kind is None:  # a công văn: addressed after "Kính gửi", "Như trên" for the copies
        to = [_addressed(line) for line in recipients]
        to = [to[0] + "."] if len(to) == 1 else ["- " + t for t in _listed(to)]
        copies = ["- Như trên;", "- " + archive]
    else:
        to = []
        copies = ["- " + line for line in _listed(recipients, last=";")] + ["- " + archive]
    mark = ""
    if directive.status == "draft":
        mark = "DỰ THẢO"
    elif directive.status == "withdrawn" and directive.withdrawn_at:
        withdrawn = clock.to_local(directive.withdrawn_at).strftime("%d/%m/%Y")
        mark = f"Văn bản đã bị thu hồi ngày {withdrawn}"
    return {
        "parent": parent, "issuer": issuer, "number": directive.number,
        "kind": kind.upper() if kind else None, "kind_name": kind or "Công văn",
        "gist": gist(directive.title) if kind is None else directive.title,
        "place_date": place_and_date(place, directive.issued_on),
        "to": to, "copies": copies, "signer_lines": signer_lines, "signer_name": signer_name,
        "body_html": formats.render_markdown(directive.body), "appendix": appendix,
        "mark": mark, "title": directive.title,
        "issued": directive.issued_on.strftime("%d/%m/%Y"),
    }


def directive_pdf(user, directive):
    """The directive as a PDF (bytes), in Vietnamese."""
    config = current_app.config
    with force_locale("vi"):
        html = render_template("directives/pdf/directive.html",
                               doc=directive_document(user, directive, config))
    return _write_pdf(html)


# --- The tracking table -----------------------------------------------------------------------


def _filter_lines(filters):
    """The tracking filters the printed table was drawn under, in words."""
    lines = []
    if filters.get("state") in STATES:
        lines.append(f"Trạng thái: {STATE_LABELS[filters['state']]}")
    if filters.get("purpose") in PURPOSE_LABELS:
        lines.append(f"Hình thức nhận: {PURPOSE_LABELS[filters['purpose']]}")
    if filters.get("response") in RESPONSE_FILTERS:
        lines.append(f"Phản hồi: {RESPONSE_FILTERS[filters['response']]}")
    if filters.get("level") in LEVEL_LABELS:
        lines.append(f"Cấp học: {LEVEL_LABELS[filters['level']]}")
    if filters.get("ownership") in OWNERSHIP_LABELS:
        lines.append(f"Loại hình: {OWNERSHIP_LABELS[filters['ownership']]}")
    if filters.get("commune"):
        lines.append(f"Xã/phường: {filters['commune']}")
    if filters.get("q"):
        lines.append(f"Tìm: “{filters['q']}”")
    return lines


def _tracking_row(number, r):
    reminder = formats.reminded_names(r)
    return {
        "number": number, "code": r.school.code, "name": r.school.name,
        "level": str(LEVEL_LABELS.get(r.school.level, r.school.level)),
        "commune": r.school.commune, "state": r.state,
        "state_label": str(STATE_LABELS[r.state]) + (
            f" ({PURPOSE_LABELS['info']})" if r.purpose == "info" else ""),
        "read_at": r.first_read_at, "reader": formats._name(r, "reader"),
        "acknowledged_at": r.acknowledged_at,
        "acker": formats._name(r, "acker") + (
            f" ({formats._proxy(r)})" if r.ack_proxy else ""),
        "note": r.ack_note or "",
        "response": " · ".join(x for x in (
            formats._response(r),
            str(RESPONSE_STATE_LABELS[r.response_state]) if r.response_state else "") if x),
        "reminders": r.reminders_count, "reminded": ", ".join(reminder),
    }


def tracking_pdf(user, directive, query, counts, filters):
    """The tracking table (`query`: `queries.tracking_rows` under the page's filters, in its
    order) as a PDF in landscape, headed by the directive's number, title and counts. At most
    MAX_PRINTED_ROWS rows: the header says how many more the filters match."""
    config = current_app.config
    parent, issuer = letterhead(config)
    rows = list(query.limit(MAX_PRINTED_ROWS))
    matched = query.count() if len(rows) == MAX_PRINTED_ROWS else len(rows)
    with force_locale("vi"):
        html = render_template(
            "directives/pdf/tracking.html", directive=directive, issuer=issuer, parent=parent,
            rows=[_tracking_row(i, r) for i, r in enumerate(rows, start=1)], matched=matched,
            counts=counts, filters=_filter_lines(filters), printed_at=clock.local_now(),
            states=STATE_LABELS, legend=STATES)
    return _write_pdf(html)


def filename(directive, suffix=""):
    """A plain-letter file name from the number: '1256/PGDĐT-CTHSSV' -> '1256-pgddt-cthssv'."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(directive.number)).strip("-")
    return f"{stem or 'van-ban'}{suffix}.pdf"
