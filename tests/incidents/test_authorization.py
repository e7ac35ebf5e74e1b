"""The authorization matrix, generated from tables that mirror DESIGN.md section 1 (who sees which
incident) and section 3 / the issue (who may do what to an incident they see).

Expected answer: 404 when the user may not see the incident (or the feature), 403 when they see
it but may not do this, else success (200, or 302 for a form post without JavaScript).
"""

import io
import re

import pytest
from peewee import fn

from district.models import (
    AuditEntry,
    Incident,
    IncidentAttachment,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentView,
)

# Who is asking, relative to an incident of the preschool reported by `staff` and assigned to
# `staff2`.
ACTORS = ("admin", "observer", "officer", "principal", "reporter", "assignee", "other_staff",
          "other_principal", "other_school_staff")

# DESIGN.md section 1: incident list and detail; sensitive incidents.
SEES = {
    "admin": set(),
    "observer": set(),
    "officer": {"plain", "sensitive"},
    "principal": {"plain", "sensitive"},  # own school
    "reporter": {"plain", "sensitive"},
    "assignee": {"plain", "sensitive"},
    "other_staff": set(),  # same school, neither reporter nor assignee
    "other_principal": set(),
    "other_school_staff": set(),
}
# Section 3 and the issue: who may act on an incident they can see.
MAY = {
    "detail": {"officer", "principal", "reporter", "assignee"},
    "confirmation": {"officer", "principal", "reporter", "assignee"},
    "download": {"officer", "principal", "reporter", "assignee"},
    "upload": {"officer", "principal", "reporter", "assignee"},
    "status": {"officer", "principal"},
    "assignment": {"officer", "principal"},
    # Staff can add a note to an incident they reported or are assigned to (issue 8).
    "notes": {"officer", "principal", "reporter", "assignee"},
    "checklist": {"officer", "principal", "assignee"},
    "corrections": {"officer", "principal", "reporter"},
}
# Pages that are not about one incident: the roles that may open them.
PAGES = {
    "/incidents/": {"officer", "principal", "reporter", "assignee", "other_staff",
                    "other_principal", "other_school_staff"},
    "/incidents/new": {"officer", "principal", "reporter", "assignee", "other_staff",
                       "other_principal", "other_school_staff"},
    "/incidents/stats": {"officer", "observer"},
}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


def expected(actor, kind, action):
    if kind not in SEES[actor]:
        return 404
    return "ok" if actor in MAY[action] else 403


@pytest.fixture
def world(district, make_user, report, app):
    from district.incidents import operations

    district.staff3 = make_user("staff", district.preschool, full_name="Hồ Thị Ngọc")
    people = {
        "admin": district.admin, "observer": district.observer, "officer": district.officer,
        "principal": district.principal, "reporter": district.staff,
        "assignee": district.staff2, "other_staff": district.staff3,
        "other_principal": district.other_principal,
        "other_school_staff": district.other_staff,
    }
    incidents = {}
    for kind in ("plain", "sensitive"):
        category = "sexual_abuse" if kind == "sensitive" else "bullying"
        incident = report(district.staff, category=category)
        operations.assign(district.principal, incident, incident.version, district.staff2.id)
        with app.test_request_context():
            from district.files import store_bytes
            stored = store_bytes(PNG, "anh.png", "image/png", district.staff)
        from district.models import IncidentAttachment
        incident.attachment = IncidentAttachment.create(incident=incident.id, file=stored.id)
        incidents[kind] = Incident.get_by_id(incident.id)
        incidents[kind].attachment = incident.attachment
    assert incidents["sensitive"].sensitive
    return people, incidents


def call(client, action, incident):
    base = f"/incidents/{incident.id}"
    v = str(incident.version)
    if action == "detail":
        return client.get(base)
    if action == "confirmation":
        return client.get(f"{base}/reported")
    if action == "download":
        return client.get(f"{base}/attachments/{incident.attachment.id}")
    if action == "upload":
        return client.post(f"{base}/attachments",
                           data={"file": (io.BytesIO(PNG), "b.png")},
                           content_type="multipart/form-data")
    if action == "status":
        return client.post(f"{base}/status", data={"to": "verifying", "version": v})
    if action == "assignment":
        return client.post(f"{base}/assignment",
                           data={"assignee": str(incident.reported_by_id), "version": v})
    if action == "notes":
        return client.post(f"{base}/notes", data={"note": "Đã gặp phụ huynh."})
    if action == "checklist":
        return client.post(f"{base}/checklist/harm_assessed", data={"done": "1"})
    if action == "corrections":
        return client.post(f"{base}/corrections",
                           data={"severity": "high", "reason": "Thông tin mới", "version": v})
    raise AssertionError(action)


def audited(action, incident, user, since=0):
    return (AuditEntry.select()
            .where(AuditEntry.action == action, AuditEntry.target_id == str(incident.id),
                   AuditEntry.actor == user.id, AuditEntry.id > since)
            .count())


def assert_done(action, incident, after, user, new_events, since):
    """An allowed call did what it says (not merely answered 200/302)."""
    last = (IncidentEvent.select().where(IncidentEvent.incident == incident.id)
            .order_by(IncidentEvent.id.desc()).first())
    writes = {"status", "assignment", "notes", "checklist", "corrections", "upload"}
    assert new_events == (1 if action in writes else 0), action
    if action == "detail":
        assert IncidentView.select().where(IncidentView.incident == incident.id,
                                           IncidentView.user == user.id).count() == 1
        assert audited("incident.view", incident, user, since) == 1
    elif action == "download":
        assert audited("incident.download", incident, user, since) == 1
    elif action == "status":
        assert (after.status, after.version) == ("verifying", incident.version + 1)
        assert (last.kind, last.to_status, last.actor_id) == ("status", "verifying", user.id)
    elif action == "assignment":
        assert after.assignee_id == incident.reported_by_id
        assert after.version == incident.version + 1 and last.kind == "assignment"
    elif action == "notes":
        assert (last.kind, last.note, last.actor_id) == ("note", "Đã gặp phụ huynh.", user.id)
    elif action == "checklist":
        item = IncidentChecklistItem.get(incident=incident.id, item="harm_assessed")
        assert item.done_by_id == user.id and item.done_at is not None
    elif action == "corrections":
        assert after.severity == "high" and last.kind == "correction"
        assert last.details["changes"]["severity"] == [incident.severity, "high"]
    elif action == "upload":
        assert IncidentAttachment.select().where(
            IncidentAttachment.incident == incident.id).count() == 2
        assert last.kind == "attachment"
    if action not in {"detail", "download", "confirmation"}:
        assert audited({"notes": "incident.note", "upload": "incident.attach",
                        "corrections": "incident.correct", "assignment": "incident.assign",
                        "status": "incident.status", "checklist": "incident.checklist"}[action],
                       incident, user, since) == 1


CASES = [(a, k, act) for a in ACTORS for k in ("plain", "sensitive") for act in MAY]


@pytest.mark.parametrize(("actor", "kind", "action"), CASES)
def test_incident_endpoint_answers_by_role(world, login_as, actor, kind, action):
    people, incidents = world
    incident = incidents[kind]
    events_before = IncidentEvent.select().where(IncidentEvent.incident == incident.id).count()
    since = AuditEntry.select(fn.MAX(AuditEntry.id)).scalar() or 0
    response = call(login_as(people[actor]), action, incident)
    want = expected(actor, kind, action)
    after = Incident.get_by_id(incident.id)
    events_after = IncidentEvent.select().where(IncidentEvent.incident == incident.id).count()
    if want == "ok":
        assert response.status_code in (200, 302), response.data[:300]
        if action == "download":
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert response.data == PNG
        response.close()
        assert_done(action, incident, after, people[actor], events_after - events_before,
                    since)
    else:
        assert response.status_code == want
        # Refused: nothing about the incident changed.
        assert (after.status, after.version, after.assignee_id, after.severity) == (
            incident.status, incident.version, incident.assignee_id, incident.severity)
        assert events_after == events_before
        assert incident.summary.encode() not in response.data
        assert "Nguyễn Minh An".encode() not in response.data


@pytest.mark.parametrize(("actor", "url"), [(a, u) for a in ACTORS for u in PAGES])
def test_pages_answer_by_role(world, login_as, actor, url):
    people, _incidents = world
    response = login_as(people[actor]).get(url)
    assert response.status_code == (200 if actor in PAGES[url] else 404)


@pytest.mark.parametrize("actor", ACTORS)
def test_list_shows_exactly_what_the_role_may_see(world, login_as, actor):
    people, incidents = world
    if actor not in PAGES["/incidents/"]:
        return
    page = login_as(people[actor]).get("/incidents/").get_data(as_text=True)
    for kind, incident in incidents.items():
        assert (incident.reference in page) == (kind in SEES[actor]), (actor, kind)


def test_admin_has_no_incident_menu_and_sees_no_count(world, login_as):
    people, _ = world
    home = login_as(people["admin"]).get("/").get_data(as_text=True)
    assert "/incidents/" not in home
    assert "Vụ việc" not in home.split("<main")[0]


def test_observer_home_has_only_aggregates(world, login_as):
    people, incidents = world
    home = login_as(people["observer"]).get("/").get_data(as_text=True)
    assert "/incidents/stats" in home
    for incident in incidents.values():
        assert incident.reference not in home


def test_download_of_another_incidents_attachment_is_404(world, login_as):
    people, incidents = world
    plain, sensitive = incidents["plain"], incidents["sensitive"]
    url = f"/incidents/{plain.id}/attachments/{sensitive.attachment.id}"
    assert login_as(people["officer"]).get(url).status_code == 404


def test_views_of_details_are_audited_but_refusals_are_not_views(world, login_as):
    people, incidents = world
    incident = incidents["plain"]
    login_as(people["other_principal"]).get(f"/incidents/{incident.id}")
    assert not AuditEntry.select().where(AuditEntry.action == "incident.view").exists()
    assert not IncidentView.select().exists()
    principal = people["principal"]
    assert login_as(principal).get(f"/incidents/{incident.id}").status_code == 200
    views = list(IncidentView.select())
    assert [(v.incident_id, v.user_id) for v in views] == [(incident.id, principal.id)]
    entries = list(AuditEntry.select().where(AuditEntry.action == "incident.view"))
    assert len(entries) == 1
    assert (entries[0].actor_id, entries[0].target_id) == (principal.id, str(incident.id))


def test_an_incident_lists_each_reader_once_the_latest_first(world, login_as):
    """"Đã xem bởi": each reader once, with how many times they opened it, the one who opened
    it last first (this page's own visit included)."""
    people, incidents = world
    incident = incidents["plain"]
    principal, officer = people["principal"], people["officer"]
    for user in (principal, officer, principal):
        assert login_as(user).get(f"/incidents/{incident.id}").status_code == 200
    page = login_as(officer).get(f"/incidents/{incident.id}").get_data(as_text=True)
    readers = re.findall(r"<li>([^<·]+) · [^<(]+(?:\((\d+) lần\))?</li>",
                         page.split('id="viewed-by"')[1].split("</section>")[0])
    assert [(name.strip(), times) for name, times in readers] == [
        (officer.full_name, "2"), (principal.full_name, "2")]


@pytest.mark.parametrize(("url", "data"), [
    ("corrections", {"severity": "high"}),  # no reason
    ("notes", {"note": ""}),
    ("assignment", {"assignee": "0"}),
    ("attachments", {}),
    ("status", {"to": "referred"}),  # no agency, no date
])
def test_every_full_page_render_of_the_detail_records_a_view(world, login_as, url, data):
    """A form that fails without JavaScript answers the whole detail page, students' names
    included: that is a view like any other, recorded with its audit entry."""
    people, incidents = world
    incident = incidents["plain"]
    if url == "status":
        from district.incidents import operations

        operations.change_status(people["principal"], incident, incident.version, "verifying")
        incident = Incident.get_by_id(incident.id)
    principal = people["principal"]
    response = login_as(principal).post(f"/incidents/{incident.id}/{url}",
                                        data={"version": str(incident.version), **data})
    assert response.status_code == 422
    assert "Nguyễn Minh An" in response.get_data(as_text=True)
    assert IncidentView.select().where(IncidentView.incident == incident.id,
                                       IncidentView.user == principal.id).count() == 1
    assert audited("incident.view", incident, principal) == 1


def test_stale_form_without_javascript_records_a_view(world, login_as):
    people, incidents = world
    incident = incidents["plain"]
    response = login_as(people["principal"]).post(
        f"/incidents/{incident.id}/status", data={"to": "verifying", "version": "1"})
    assert response.status_code == 409
    assert audited("incident.view", incident, people["principal"]) == 1


@pytest.mark.parametrize("actor", ["admin", "observer", "other_staff", "other_principal"])
def test_htmx_requests_get_the_same_404(world, login_as, actor):
    people, incidents = world
    client = login_as(people[actor])
    client.environ_base["HTTP_HX_REQUEST"] = "true"
    for incident in incidents.values():
        for action in MAY:
            response = call(client, action, incident)
            assert response.status_code == 404, (action, response.status_code)
            assert incident.reference.encode() not in response.data
