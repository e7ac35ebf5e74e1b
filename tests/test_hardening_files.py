"""Issue 11: downloads and stored files. Every attachment, export and incident file is kept by no
cache; a download is named by the type its content was checked to be; a stored file missing
from UPLOAD_DIR answers 404 with a clear page and an audit entry for the admin."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest

from district import clock
from district.directives import operations as directive_operations
from district.incidents import operations as incident_operations
from district.models import AuditEntry, IncidentAttachment
from tests.incidents.conftest import report_data

# A PNG as far as any content check goes (its signature and header chunk).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89" + b"\x00" * 64)


@pytest.fixture
def incident_with_png(app, district, login_as):
    """An incident of the preschool with a PNG its principal attached under the name x.html."""
    data, students = report_data()
    incident = incident_operations.report(district.principal, district.preschool, data,
                                          students, {})
    principal = login_as(district.principal)
    response = principal.post(f"/incidents/{incident.id}/attachments",
                              data={"file": (io.BytesIO(PNG), "x.html")},
                              content_type="multipart/form-data")
    assert response.status_code == 302, response.data[:300]
    attachment = IncidentAttachment.get(IncidentAttachment.incident == incident.id)
    return principal, f"/incidents/{incident.id}/attachments/{attachment.id}", attachment


def test_a_png_uploaded_as_html_is_served_as_png_and_never_cached(incident_with_png):
    principal, url, _attachment = incident_with_png
    response = principal.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "x.png" in disposition
    assert ".html" not in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_a_missing_stored_file_answers_404_with_a_clear_page_and_an_audit_entry(
        app, incident_with_png):
    principal, url, attachment = incident_with_png
    os.remove(Path(app.config["UPLOAD_DIR"]) / attachment.file.stored_name)
    response = principal.get(url)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Tệp không còn trên máy chủ" in page and "x.png" in page
    entry = AuditEntry.get(AuditEntry.action == "file.missing")
    assert entry.target_type == "stored_file" and entry.target_id == str(attachment.file_id)
    assert entry.details["path"] == url


def test_exports_and_directive_files_are_never_cached(app, district, login_as):
    today = clock.today()
    directive = directive_operations.create_draft(district.officer, {
        "number": "12/PGDĐT", "title": "Về việc phòng, chống bạo lực học đường",
        "body": "", "signer": "", "issued_on": today, "deadline": today + dt.timedelta(days=7),
        "response_kind": "ack", "audience_kind": "all"})
    directive_operations.publish(district.officer, directive)
    officer = login_as(district.officer)
    for url in (f"/directives/{directive.id}/tracking.csv",
                f"/directives/{directive.id}/tracking.xlsx",
                "/rosters/coverage.csv", "/rosters/coverage.xlsx", "/rosters/template.xlsx"):
        response = officer.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment"), url
        assert response.headers["Cache-Control"] == "no-store", url
