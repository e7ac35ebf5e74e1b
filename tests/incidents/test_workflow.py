"""The state machine of DESIGN.md section 3, over HTTP, as the principal and the officer."""

import datetime as dt
import threading

import pytest

from district import clock
from district.db import database
from district.incidents import operations, queries
from district.models import AuditEntry, Incident, IncidentEvent, IncidentReferral, Notification

STATUSES = ("reported", "verifying", "handling", "referred", "resolved", "closed")
# DESIGN.md section 3, written out again here so the implementation is checked against the spec.
SPEC = {
    ("reported", "verifying"): {"principal", "officer"},
    ("verifying", "handling"): {"principal", "officer"},
    ("verifying", "referred"): {"principal", "officer"},
    ("handling", "referred"): {"principal", "officer"},
    ("handling", "resolved"): {"principal", "officer"},
    ("referred", "resolved"): {"principal", "officer"},
    # "resolved records an outcome; an officer reviews it and closes it, or reopens it with a
    # reason. This is the sign-off by the level above." Reopening is the officer's alone.
    ("resolved", "closed"): {"officer"},
    ("resolved", "handling"): {"officer"},
    ("closed", "handling"): {"officer"},
}
PATHS = {
    "reported": (),
    "verifying": ("verifying",),
    "handling": ("verifying", "handling"),
    "referred": ("verifying", "referred"),
    "resolved": ("verifying", "handling", "resolved"),
    "closed": ("verifying", "handling", "resolved", "closed"),
}
FULL = {"outcome": "handled_at_school", "agency": "health", "referred_on": "2026-11-22",
        "reason": "Phụ huynh báo thêm thông tin"}


def _setup(district, report, advance, from_status):
    incident = report(district.staff)
    return advance(incident, district.officer, *PATHS[from_status])


@pytest.mark.parametrize("role", ["principal", "officer", "other_principal"])
@pytest.mark.parametrize(("from_status", "to_status"),
                         [(a, b) for a in STATUSES for b in STATUSES if a != b])
def test_every_pair_of_statuses(district, report, advance, login_as, role, from_status,
                                to_status):
    incident = _setup(district, report, advance, from_status)
    user = getattr(district, role)
    events = IncidentEvent.select().where(IncidentEvent.incident == incident.id).count()
    response = login_as(user).post(f"/incidents/{incident.id}/status",
                                   data={"to": to_status, "version": incident.version, **FULL})
    after = Incident.get_by_id(incident.id)
    new_events = IncidentEvent.select().where(IncidentEvent.incident == incident.id).count()
    if role == "other_principal":
        assert response.status_code == 404
    elif role in SPEC.get((from_status, to_status), ()):
        assert response.status_code == 302
        assert after.status == to_status
        assert after.version == incident.version + 1
        assert new_events == events + 1
        return
    else:
        assert response.status_code == 403
    assert after.status == from_status and after.version == incident.version
    assert new_events == events


@pytest.mark.parametrize(("from_status", "to_status", "missing"), [
    ("verifying", "referred", "agency"),
    ("handling", "referred", "referred_on"),
    ("handling", "resolved", "outcome"),
    ("referred", "resolved", "outcome"),
    ("resolved", "handling", "reason"),
    ("closed", "handling", "reason"),
])
def test_required_fields(district, report, advance, login_as, from_status, to_status, missing):
    incident = _setup(district, report, advance, from_status)
    data = {"to": to_status, "version": incident.version, **FULL, missing: "",
            "note": "Ghi chú của tôi"}
    # The role that the spec lets make this change (the principal where both may).
    role = "principal" if "principal" in SPEC[(from_status, to_status)] else "officer"
    response = login_as(getattr(district, role)).post(f"/incidents/{incident.id}/status",
                                                      data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ghi chú của tôi" in page  # what was typed is kept
    assert 'aria-invalid="true"' in page
    assert Incident.get_by_id(incident.id).status == from_status


def test_referral_records_agency_and_date_and_resolution_its_outcome(district, report, advance):
    incident = advance(report(district.staff), district.principal, "verifying", "referred",
                       "resolved")
    referral = IncidentReferral.get(IncidentReferral.incident == incident.id)
    assert (referral.agency, referral.referred_on) == ("police", dt.date(2026, 11, 21))
    assert incident.outcome == "handled_at_school"
    closed = advance(incident, district.officer, "closed")
    assert closed.closed_at is not None
    reopened = advance(closed, district.officer, "handling")
    assert reopened.closed_at is None
    last = IncidentEvent.select().order_by(IncidentEvent.id.desc()).get()
    assert last.details["reason"] == "Cần xác minh thêm"


def test_change_writes_event_audit_and_notifies_followers_without_child_data(
        district, report, login_as):
    incident = report(district.staff)
    operations.assign(district.principal, incident, incident.version, district.staff2.id)
    incident = Incident.get_by_id(incident.id)
    Notification.delete().execute()
    login_as(district.principal).post(f"/incidents/{incident.id}/status",
                                      data={"to": "verifying", "version": incident.version,
                                            "note": "Bắt đầu xác minh"})
    assert AuditEntry.select().where(AuditEntry.action == "incident.status").count() == 1
    notes = list(Notification.select())
    assert sorted(n.user_id for n in notes) == sorted([district.staff.id, district.staff2.id])
    for n in notes:
        text = n.message + str(n.params)
        assert "Nguyễn Minh An" not in text and incident.summary not in text
        assert incident.reference in text and n.link == f"/incidents/{incident.id}"


def test_htmx_status_change_updates_badge_timeline_in_place(district, report, login_as):
    incident = report(district.staff)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status",
        data={"to": "verifying", "version": incident.version, "note": "Đang xác minh lời kể"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="status-panel"' in html and "Đang xác minh" in html
    assert 'id="timeline" hx-swap-oob="true"' in html and "Đang xác minh lời kể" in html
    # The control now offers the next steps from "verifying" only.
    assert 'value="handling"' in html and 'value="verifying"' not in html


def test_htmx_row_change_updates_counters(district, report, login_as):
    incident = report(district.staff)
    report(district.staff)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status",
        data={"to": "verifying", "version": incident.version, "context": "row"},
        headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="incident-{incident.id}"')
    assert 'id="incident-counters"' in html and 'hx-swap-oob="true"' in html
    assert 'data-status="verifying">1<' in html and 'data-status="reported">1<' in html


def test_stale_form_gets_409_with_who_changed_what_and_keeps_the_note(
        district, report, login_as):
    incident = report(district.staff)
    stale_version = incident.version
    operations.change_status(district.officer, incident, incident.version, "verifying")
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status",
        data={"to": "verifying", "version": stale_version, "note": "Ghi chú chưa lưu"},
        headers={"HX-Request": "true"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert district.officer.full_name in html  # who changed it
    assert "Ghi chú chưa lưu" in html  # nothing typed is lost
    # The step chosen (verifying) is where it already is: nothing to apply, nothing preselected.
    assert "không còn áp dụng được" in html and "Áp dụng thay đổi của tôi" not in html
    assert f'name="version" value="{stale_version + 1}"' in html  # the new steps, new version
    assert IncidentEvent.select().where(IncidentEvent.kind == "status").count() == 1


def test_two_concurrent_status_changes_exactly_one_wins(app, district, report):
    incident = report(district.staff)
    barrier = threading.Barrier(2)
    results = []

    def worker(user, to_status):
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            try:
                mine = Incident.get_by_id(incident.id)
                barrier.wait()
                operations.change_status(user, mine, mine.version, to_status)
                results.append("ok")
            except operations.Conflict:
                results.append("conflict")
            finally:
                database.close()

    threads = [threading.Thread(target=worker, args=(district.principal, "verifying")),
               threading.Thread(target=worker, args=(district.officer, "verifying"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["conflict", "ok"]
    database.connect(reuse_if_open=True)
    assert IncidentEvent.select().where(IncidentEvent.incident == incident.id,
                                        IncidentEvent.kind == "status").count() == 1
    assert Incident.get_by_id(incident.id).version == 2


def test_two_concurrent_http_changes_one_gets_409(app, district, report, login_as):
    incident = report(district.staff)
    clients = [login_as(district.principal), login_as(district.officer)]
    barrier = threading.Barrier(2)
    codes = []

    def post(client):
        barrier.wait()
        r = client.post(f"/incidents/{incident.id}/status",
                        data={"to": "verifying", "version": incident.version})
        codes.append(r.status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(codes) == [302, 409]
    database.connect(reuse_if_open=True)
    assert IncidentEvent.select().where(IncidentEvent.kind == "status").count() == 1


def test_concurrent_reports_get_distinct_sequential_references(app, district):
    from tests.incidents.conftest import report_data

    barrier = threading.Barrier(4)
    refs, errors = [], []

    def worker():
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            try:
                barrier.wait()
                data, students = report_data()
                incident = operations.report(district.staff, district.preschool, data,
                                                    students, {})
                refs.append(incident.reference)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                database.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    year = clock.utcnow().year
    assert sorted(refs) == [f"VV-{year}-{n:04d}" for n in range(1, 5)]


def test_row_conflict_reopens_the_control_with_the_note(district, report, login_as):
    incident = report(district.staff)
    operations.change_status(district.officer, incident, incident.version, "verifying")
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status",
        data={"to": "verifying", "version": 1, "context": "row", "note": "Ghi chú hàng"},
        headers={"HX-Request": "true"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="incident-{incident.id}"')
    assert "<details open" in html and "Ghi chú hàng" in html
    assert district.officer.full_name in html


def test_only_an_officer_reopens_a_resolved_incident(district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling",
                       "resolved")
    assert queries.allowed_next(district.principal, incident) == []
    assert queries.allowed_next(district.officer, incident) == ["handling", "closed"]
    page = login_as(district.principal).get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert f'id="step-detail-{incident.id}-' not in page
    page = login_as(district.officer).get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'value="handling"' in page and 'value="closed"' in page


def test_ticking_a_step_stores_no_text_sent_beside_it(district, login_as, report):
    """The checklist has no note field: whatever is posted beside a tick is not stored."""
    from district.models import IncidentChecklistItem

    incident = report(district.staff)
    login_as(district.principal).post(f"/incidents/{incident.id}/checklist/harm_assessed",
                                      data={"done": "1", "note": "x" * 1_000_000})
    row = IncidentChecklistItem.get(IncidentChecklistItem.incident == incident.id,
                                    IncidentChecklistItem.item == "harm_assessed")
    assert row.done_at is not None and not row.note
