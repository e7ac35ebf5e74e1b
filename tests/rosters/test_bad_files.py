"""XLSX files that used to crash (500) or hang the upload, and control characters in cells."""

import io
import time
import zipfile

import pytest

from district.models import Roster

from .files import ROWS, csv_bytes, xlsx_bytes
from .test_upload import parse, refused, upload

UNREADABLE = "Không đọc được tệp XLSX"


def _rezip(xlsx, change):
    """The same XLSX with its zip entries rewritten by change(info) (flags, method...)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
    data = bytearray(out.getvalue())
    change(data)
    return bytes(data)


def _patch_local_headers(data, offset, value_bytes):
    """Patch every local and central header field at `offset` (local) / offset+2 (central)."""
    for sig, shift in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        start = 0
        while (start := data.find(sig, start)) != -1:
            pos = start + offset + shift
            data[pos:pos + len(value_bytes)] = value_bytes
            start += 4


def encrypted(xlsx):
    # General-purpose flag bit 0: the entries are encrypted (zipfile raises RuntimeError).
    return _rezip(xlsx, lambda d: _patch_local_headers(d, 6, b"\x01\x00"))


def unknown_compression(xlsx):
    # Compression method 99 (AES): zipfile raises NotImplementedError.
    return _rezip(xlsx, lambda d: _patch_local_headers(d, 8, b"\x63\x00"))


@pytest.mark.parametrize("damage", [encrypted, unknown_compression])
def test_unreadable_zip_entries_give_the_cannot_read_message(app, login_as, district, damage):
    data = damage(xlsx_bytes(ROWS))
    assert UNREADABLE in str(refused(data))
    response = upload(login_as(district.principal), data)
    assert response.status_code == 422
    assert UNREADABLE in response.get_data(as_text=True)


@pytest.mark.parametrize("cell", ["Z100000", "XFD1048576", "A5000", "AZ3"])
def test_a_stray_far_cell_is_refused_fast(app, cell):
    def stray(sheet):
        sheet[cell] = "x"

    data = xlsx_bytes(ROWS, edit=stray)
    assert len(data) < 20_000
    started = time.monotonic()
    error = str(refused(data))
    assert time.monotonic() - started < 2
    # The shared reader's guard (district.tabular): rows or columns beyond what a roster needs.
    assert "tối đa 450 dòng" in error or "tối đa 40 cột" in error, error


def test_a_sheet_a_little_longer_than_the_roster_is_read(app):
    def blank_tail(sheet):
        sheet["B300"] = None
        sheet["B300"].number_format = "@"

    parsed = parse(xlsx_bytes(ROWS, edit=blank_tail))
    assert parsed.ok and len(parsed.members) == 4


def test_control_characters_in_any_cell_are_removed(app, login_as, district):
    # In XLSX, raw control characters make the XML unreadable (see the test below) and
    # openpyxl leaves Excel's _x0000_ escapes as plain text: CSV is where they arrive.
    kind = "csv"
    filler = [[str(i), f"Thành viên số {i:03d} của tổ tư vấn", "Giáo viên chủ nhiệm lớp",
               "Thành viên", "Khác", "", "", "Không", ""] for i in range(5, 65)]
    last = ["65", "Người\x00 Cuối\x07", "Giáo\x1b viên", "Thành viên", "Khác",
            "0912\x00345678", "", "Không", ""]
    rows = [list(r) for r in ROWS] + filler + [last]
    data = csv_bytes(rows=rows)
    assert b"\x00" not in data[:4096] and b"\x00" in data[4096:]
    parsed = parse(data)
    assert parsed.ok, parsed.problems
    member = parsed.members[-1]
    assert member["full_name"] == "Người Cuối"
    assert member["position"] == "Giáo viên"
    assert member["phone"] == "0912345678"
    client = login_as(district.principal)
    response = upload(client, data, f"a.{kind}")
    assert response.status_code == 200
    from district.models import StoredFile

    stored = StoredFile.select().order_by(StoredFile.id.desc()).first()
    response = client.post("/rosters/upload/confirm",
                           data={"file_id": str(stored.id), "version": "0"})
    assert response.status_code == 302
    names = [m.full_name for m in Roster.get().members]
    assert "Người Cuối" in names and not any("\x00" in n for n in names)


def _replace_in_sheet(xlsx, replacements):
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            for old, new in replacements.items():
                content = content.replace(old, new)
            target.writestr(info, content)
    return out.getvalue()


def test_raw_control_characters_in_the_xml_give_the_cannot_read_message(app):
    data = _replace_in_sheet(xlsx_bytes([["1", "An@@NUL@@", "", "Tổ trưởng"]]),
                             {b"@@NUL@@": b"\x00"})
    assert UNREADABLE in str(refused(data))


def test_control_characters_typed_in_the_member_form_are_removed(app, district):
    from district.rosters import members

    values = members.member_values({"full_name": "An\x00 Bình", "position": "x\x07",
                                     "phone": "09\x00", "email": "a@b.vn\x00"})
    assert values["full_name"] == "An Bình" and values["position"] == "x"
    assert values["phone"] == "09" and values["email"] == "a@b.vn"


def test_xlsx_with_a_nul_in_the_first_bytes_is_not_mistaken(app):
    # Sanity: CSV with a NUL anywhere gives a message, not a 500.
    data = csv_bytes() + b"5,Nul\x00Name,,Th\xc3\xa0nh vi\xc3\xaan,Kh\xc3\xa1c,,,Kh\xc3\xb4ng,\r\n"
    try:
        parsed = parse(data)
    except Exception as exc:  # noqa: BLE001
        assert "FileRefused" in type(exc).__name__
    else:
        assert all("\x00" not in (m["full_name"] or "") for m in parsed.members)
