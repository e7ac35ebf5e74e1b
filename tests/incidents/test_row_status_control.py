"""Issue 10: a list row carries a small "Đổi trạng thái" control instead of every step's form.
The control is a link to the incident's page (its status panel has the forms: no JavaScript
needed) that htmx turns into the row's forms in place (GET /incidents/<id>/status-steps), the
first field focused; a status change from those forms answers the row with the control again
and the counters out of band."""

from html.parser import HTMLParser

import pytest

from district.incidents.queries import OPEN_STEPS
from district.models import Incident
from tests.incidents.htmlforms import element_with_id, form_with_id, forms_of

HX = {"HX-Request": "true"}


def control(html, incident):
    """(tag, attributes) of the row's status control, or None."""
    return element_with_id(html, f"row-steps-{incident.id}")


def steps_in(html, incident, context="row"):
    """{step: the fields a user fills in} of the step forms for this incident."""
    prefix = f"step-{context}-{incident.id}-"
    return {f.id[len(prefix):]: set(f.visible) for f in forms_of(html) if f.id.startswith(prefix)}


def focused(html):
    """The ids of the elements app.js focuses after the swap ([data-focus])."""

    class Finder(HTMLParser):
        ids = []

        def handle_starttag(self, tag, attrs):
            if "data-focus" in dict(attrs):
                self.ids.append(dict(attrs).get("id", tag))

    parser = Finder()
    parser.ids = []
    parser.feed(html)
    return parser.ids


def open_control(client, incident, list_query=""):
    url = f"/incidents/{incident.id}/status-steps"
    return client.get(url, query_string={"list": list_query} if list_query else None,
                      headers=HX)


# --- The list ----------------------------------------------------------------------------------


def test_a_row_carries_a_link_to_the_incident_not_the_forms(district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling")
    client = login_as(district.principal)
    html = client.get("/incidents/?severity=medium&sort=old").get_data(as_text=True)
    assert 'class="status-step"' not in html and "list_args" not in html
    tag, attrs = control(html, incident)
    assert tag == "a"
    # Without JavaScript: the incident's page, at its status panel, which has the forms.
    assert attrs["href"] == f"/incidents/{incident.id}#status-panel"
    page = client.get(attrs["href"].partition("#")[0]).get_data(as_text=True)
    assert 'id="status-panel"' in page
    assert steps_in(page, incident, "detail") == {
        "referred": {"agency", "referred_on", "note"}, "resolved": {"outcome", "reason", "note"}}
    # With htmx: the row's own forms, which carry the list's query.
    assert attrs["hx-get"].startswith(f"/incidents/{incident.id}/status-steps?list=")
    fragment = client.get(attrs["hx-get"], headers=HX).get_data(as_text=True)
    assert steps_in(fragment, incident) == {
        "referred": {"agency", "referred_on", "note"}, "resolved": {"outcome", "reason", "note"}}
    for form in forms_of(fragment):
        assert form.data()["list_args"] == "severity=medium&sort=old"


def test_the_control_is_offered_only_to_whoever_may_move_the_incident(
        district, report, advance, login_as):
    moving = report(district.staff)
    resolved = advance(report(district.staff), district.principal, "verifying", "handling",
                       "resolved")
    principal = login_as(district.principal).get("/incidents/").get_data(as_text=True)
    assert control(principal, moving) is not None
    assert control(principal, resolved) is None  # closing or reopening is the officer's
    officer = login_as(district.officer).get("/incidents/").get_data(as_text=True)
    assert control(officer, moving) is not None and control(officer, resolved) is not None
    staff = login_as(district.staff).get("/incidents/").get_data(as_text=True)
    assert f'id="incident-{moving.id}"' in staff  # the reporter sees it, but does not move it
    assert control(staff, moving) is None and control(staff, resolved) is None


# --- The forms on demand -----------------------------------------------------------------------


def test_the_forms_come_in_place_with_the_first_field_focused(district, report, login_as):
    incident = report(district.staff)
    response = open_control(login_as(district.principal), incident, "status=reported&page=1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<tr" not in html
    tag, attrs = control(html, incident)  # the same id: it replaces the link
    assert tag == "details" and "open" in attrs
    assert steps_in(html, incident) == {"verifying": {"note"}}
    form = form_with_id(html, f"step-row-{incident.id}-verifying")
    assert form.attrs["hx-target"] == f"#incident-{incident.id}"
    assert form.data()["version"] == str(incident.version)
    assert form.data()["list_args"] == "status=reported&page=1"
    assert focused(html) == [f"note-row-{incident.id}-verifying"]


def test_the_first_field_of_the_first_step_is_focused(district, report, advance, login_as):
    client = login_as(district.officer)
    verifying = advance(report(district.staff), district.principal, "verifying")
    html = open_control(client, verifying).get_data(as_text=True)
    assert steps_in(html, verifying) == {"handling": {"note"},
                                         "referred": {"agency", "referred_on", "note"}}
    assert focused(html) == [f"note-row-{verifying.id}-handling"]
    handling = advance(verifying, district.principal, "handling")
    html = open_control(client, handling).get_data(as_text=True)
    assert focused(html) == [f"agency-row-{handling.id}-referred"]
    referred = advance(handling, district.principal, "referred")
    html = open_control(client, referred).get_data(as_text=True)
    assert steps_in(html, referred) == {"resolved": {"outcome", "reason", "note"}}
    assert focused(html) == [f"outcome-row-{referred.id}-resolved"]
    closed = advance(referred, district.officer, "resolved", "closed")
    html = open_control(client, closed).get_data(as_text=True)
    assert focused(html) == [f"reason-row-{closed.id}-handling"]


def test_a_closed_incident_offers_only_reopening_and_only_to_an_officer(
        district, report, advance, login_as):
    incident = advance(report(district.staff), district.officer, "verifying", "handling",
                       "resolved", "closed")
    response = open_control(login_as(district.officer), incident)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert steps_in(html, incident) == {"handling": {"reason", "note"}}
    assert "Lý do mở lại" in html
    assert open_control(login_as(district.principal), incident).status_code == 403


def test_a_resolved_incident_offers_closing_or_reopening_to_an_officer_only(
        district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling",
                       "resolved")
    html = open_control(login_as(district.officer), incident).get_data(as_text=True)
    assert steps_in(html, incident) == {"handling": {"reason", "note"}, "closed": {"note"}}
    assert open_control(login_as(district.principal), incident).status_code == 403


@pytest.mark.parametrize("who, status", [
    ("officer", 200),
    ("officer2", 200),
    ("principal", 200),
    ("staff", 403),            # the reporter sees it but does not move it
    ("staff2", 404),           # same school, neither reporter nor assignee: not seen
    ("other_principal", 404),  # another school's
    ("other_staff", 404),
    ("observer", 404),
    ("admin", 404),
])
def test_who_gets_the_forms(district, report, login_as, who, status):
    incident = report(district.staff)
    response = open_control(login_as(getattr(district, who)), incident)
    assert response.status_code == status
    if status != 200:
        assert "step-row-" not in response.get_data(as_text=True)
        assert incident.summary not in response.get_data(as_text=True)


def test_an_assigned_staff_member_sees_it_but_gets_no_forms(district, report, login_as):
    from district.incidents import operations

    incident = report(district.staff)
    operations.assign(district.principal, incident, incident.version, district.staff2.id)
    assert login_as(district.staff2).get(f"/incidents/{incident.id}").status_code == 200
    assert open_control(login_as(district.staff2), incident).status_code == 403


@pytest.mark.parametrize("incident_id", ["999999", "0", "99999999999999999999"])
def test_an_unknown_incident_is_not_found(district, login_as, incident_id):
    response = login_as(district.officer).get(f"/incidents/{incident_id}/status-steps",
                                              headers=HX)
    assert response.status_code == 404


def test_signed_out_is_sent_to_sign_in(client, district, report):
    incident = report(district.staff)
    response = client.get(f"/incidents/{incident.id}/status-steps", headers=HX)
    assert response.status_code in (302, 401) or "HX-Redirect" in response.headers
    assert "step-row-" not in response.get_data(as_text=True)


def test_without_htmx_the_address_leads_to_the_incident_page(district, report, login_as):
    incident = report(district.staff)
    client = login_as(district.principal)
    response = client.get(f"/incidents/{incident.id}/status-steps?list=status%3Dreported")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/incidents/{incident.id}#status-panel"
    # Not a way round the permissions either.
    other = login_as(district.other_principal)
    assert other.get(f"/incidents/{incident.id}/status-steps").status_code == 404


def test_statements_do_not_grow_with_the_incident_history(district, report, advance, login_as,
                                                          queries):
    from district.incidents import operations

    client = login_as(district.officer)
    fresh = advance(report(district.staff), district.principal, "verifying")
    busy = advance(report(district.staff), district.principal, "verifying")
    for n in range(20):
        busy = Incident.get_by_id(busy.id)
        operations.add_note(district.principal, busy, f"Ghi chú số {n}")
    operations.assign(district.principal, busy, Incident.get_by_id(busy.id).version,
                      district.staff2.id)
    counts = []
    for incident in (fresh, busy):
        with queries() as q:
            response = open_control(client, incident, "status=verifying")
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 4, counts  # the user, the incident, its open checklist items


# --- The change, and the row it answers ----------------------------------------------------------


def test_a_change_from_the_opened_forms_answers_the_row_with_the_control_again(
        district, report, login_as):
    incident = report(district.staff)
    report(district.staff)
    client = login_as(district.principal)
    html = open_control(client, incident, "status=reported").get_data(as_text=True)
    form = form_with_id(html, f"step-row-{incident.id}-verifying")
    response = client.post(form.attrs["hx-post"], headers=HX,
                           data={**form.data(), "note": "Đã gặp phụ huynh"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="incident-{incident.id}"')
    assert Incident.get_by_id(incident.id).status == "verifying"
    # The row shows its new status (where the focus goes) and the small control again.
    assert focused(html) == ["span"]
    assert '<span data-focus><span class="state incident-status status-verifying"' in html
    tag, attrs = control(html, incident)
    assert tag == "a" and attrs["hx-get"] == (
        f"/incidents/{incident.id}/status-steps?list=status%3Dreported")
    assert 'class="status-step"' not in html
    # The counters of the list it came from, out of band.
    assert 'id="incident-counters"' in html and 'hx-swap-oob="true"' in html
    assert 'data-status="verifying">1<' in html and 'data-status="reported">1<' in html


def test_a_refused_change_keeps_the_forms_open_with_what_was_typed(
        district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying")
    client = login_as(district.principal)
    html = open_control(client, incident).get_data(as_text=True)
    form = form_with_id(html, f"step-row-{incident.id}-referred")
    response = client.post(form.attrs["hx-post"], headers=HX,
                           data={**form.data(), "agency": "police", "note": "Gửi hồ sơ"})
    assert response.status_code == 422  # the date is missing
    html = response.get_data(as_text=True)
    tag, attrs = control(html, incident)
    assert tag == "details" and "open" in attrs
    kept = form_with_id(html, f"step-row-{incident.id}-referred")
    assert kept.data()["agency"] == "police" and kept.data()["note"].strip() == "Gửi hồ sơ"
    assert 'aria-invalid="true"' in html and focused(html) == []


def test_without_javascript_a_change_from_a_row_form_goes_back_to_the_list(
        district, report, login_as):
    incident = report(district.staff)
    client = login_as(district.principal)
    html = open_control(client, incident, "status=reported&page=1").get_data(as_text=True)
    form = form_with_id(html, f"step-row-{incident.id}-verifying")
    response = client.post(form.attrs["action"], data=form.data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/incidents/?status=reported"
    assert Incident.get_by_id(incident.id).status == "verifying"


def test_the_list_reads_open_steps_only_for_its_urgent_rows(district, report, advance, login_as,
                                                             queries):
    """A row shows open intervention steps only when the incident is urgent: a page without an
    urgent open incident reads no checklist, and each row still has its control. The forms of
    one row, opened in place, still ask for a reason to resolve while steps are open."""
    incident = advance(report(district.staff), district.principal, "verifying", "handling")
    client = login_as(district.principal)
    with queries() as q:
        html = client.get("/incidents/").get_data(as_text=True)
    assert not [s for s in q.get_queries() if "incident_checklist_item" in s.msg[0]]
    assert control(html, incident)[0] == "a" and "bước chưa làm" not in html
    assert steps_in(open_control(client, incident).get_data(as_text=True), incident)[
        "resolved"] == {"outcome", "reason", "note"}
    urgent = report(district.staff, severity="critical")
    with queries() as q:
        html = client.get("/incidents/").get_data(as_text=True)
    assert len([s for s in q.get_queries() if "incident_checklist_item" in s.msg[0]
                or s.msg[0].startswith(f"EXECUTE {OPEN_STEPS.name}(")]) == 1
    assert "4 bước chưa làm" in html and control(html, urgent)[0] == "a"
