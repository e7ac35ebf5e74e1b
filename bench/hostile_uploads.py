"""Hostile spreadsheets against the roster upload: time and the worker's peak memory, measured.

    .venv/bin/python -m bench.hostile_uploads

Builds the hostile files of issue 11 (and variants that stay under the unpacked-size cap, so the
streaming reader itself is what stops them), then for each file starts a fresh Python process
that creates the app on a temporary SQLite database, signs in as a principal, and posts the file
to /rosters/upload through the WSGI app, like a gunicorn worker would. It prints the HTTP status,
the time of the request, and the process's peak resident memory (ru_maxrss) before and after the
upload. Nothing here is a pass/fail test: the figures go to the README.
"""

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
CONTENT_TYPES = (
    f'{XML_HEAD}<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'{XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{RELS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1"/><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def xlsx(rows_xml):
    """A minimal workbook whose one sheet declares A1 and holds `rows_xml` (an iterable of
    strings), written as a stream so that building it never holds the sheet in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode())
            chunk = []
            for piece in rows_xml:
                chunk.append(piece)
                if len(chunk) >= 10000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(SHEET_TAIL.encode())
    return out.getvalue()


def _cells(n):
    return '<c t="inlineStr"><is><t>x</t></is></c>' * n


def fat_rows(megabytes=52):
    """Few rows, each of thousands of cells: ~52 MB of sheet XML in ~130 KB."""
    row = f"<row>{_cells(2000)}</row>"
    for _ in range(megabytes * 1024 * 1024 // len(row) + 1):
        yield row


def million_rows():
    for _ in range(1_000_000):
        yield "<row><c><v>1</v></c></row>"


def rows_by_nine(count=400_000):
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(9))
    for _ in range(count):
        yield f"<row>{cells}</row>"


def files():
    return {
        "52 MB of sheet XML (fat rows)": xlsx(fat_rows()),
        "1,000,000 rows, one cell each": xlsx(million_rows()),
        "400,000 rows x 9 columns": xlsx(rows_by_nine()),
        # Under the 30 MB unpacked cap: the streaming reader itself stops them.
        "600,000 rows (15 MB XML)": xlsx(
            "<row><c><v>1</v></c></row>" for _ in range(600_000)),
        "one row of 16,384 cells (1 MB XML)": xlsx([f"<row>{_cells(16384)}</row>"]),
        # Within every cap: 440 rows x 40 cells of 1,650 characters (29 MB of text) is read.
        "440 x 40 cells of 1,650 characters (29 MB XML)": xlsx(
            "<row>" + ('<c t="inlineStr"><is><t>' + "x" * 1650 + "</t></is></c>") * 40 + "</row>"
            for _ in range(440)),
    }


CHILD = r"""
import io, json, os, resource, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from district import create_app
from district.db import database, make_database, migration_runner

path, lifted = sys.argv[2], sys.argv[3] == "1"
if lifted:  # the unpacked-size cap lifted: the streaming reader alone stops the file
    import dataclasses
    from district import tabular
    from district.rosters import formats
    formats.LIMITS = dataclasses.replace(formats.LIMITS, max_unpacked=10**12)
    tabular.PART_CAP = 10**12


def peak_mib():
    # VmHWM: this process's own high-water mark (ru_maxrss would carry the parent's across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

with tempfile.TemporaryDirectory() as tmp:
    url = f"sqlite:///{tmp}/bench.db"
    db = make_database(url)
    database.initialize(db)
    with db.connection_context():
        migration_runner().up()
    os.environ["INSTANCE_PATH"] = tmp
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "UPLOAD_DIR": f"{tmp}/uploads"})
    from werkzeug.security import generate_password_hash
    from district.models import School, User
    with app.app_context():
        database.connect(reuse_if_open=True)
        from district.admin.values import school_values
        school = School.create(**school_values({"code": "MN-X", "name": "Trường Mầm non X",
                                                "level": "mam_non", "ownership": "cong_lap",
                                                "commune": "Xã A"}))
        User.create(username="ht.x", full_name="Trần Thị Lan", role="principal", school=school,
                    password_hash=generate_password_hash("Passw0rd!", method="pbkdf2:sha256:1000"))
        database.close()
    client = app.test_client()
    client.post("/login", data={"username": "ht.x", "password": "Passw0rd!"})
    client.get("/rosters/upload")
    data = open(path, "rb").read()
    before = peak_mib()
    start = time.perf_counter()
    response = client.post("/rosters/upload", data={"file": (io.BytesIO(data), "doi-ngu.xlsx")},
                           content_type="multipart/form-data")
    seconds = time.perf_counter() - start
    after = peak_mib()
    text = response.get_data(as_text=True)
    import re
    message = re.search(r'id="upload-error">([^<]*)<', text)
    print(json.dumps({"status": response.status_code, "seconds": seconds, "before": before,
                      "after": after, "message": message.group(1).strip() if message else ""}))
"""


def main():
    print("| file | size | sheet XML | caps | status | time s | worker peak MiB (before -> after)"
          " | answer |")
    print("|---|---:|---:|---|---:|---:|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files().items():
            path = os.path.join(tmp, "file.xlsx")
            with open(path, "wb") as fh:
                fh.write(data)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                xml = archive.getinfo("xl/worksheets/sheet1.xml").file_size
            for lifted in ("0", "1"):
                done = subprocess.run([sys.executable, "-c", CHILD, ROOT, path, lifted],
                                      capture_output=True, text=True, timeout=600)
                if done.returncode:
                    print(f"| {name} | failed: {done.stderr[-500:]} |")
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                caps = "size cap lifted" if lifted == "1" else "all"
                print(f"| {name} | {len(data) / 1024:.0f} KB | {xml / 1024 / 1024:.1f} MB | "
                      f"{caps} | {result['status']} | {result['seconds']:.2f} | "
                      f"{result['before']:.0f} -> {result['after']:.0f} | "
                      f"{result['message'][:80]} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(peak memory of this driver, which builds the files: {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
