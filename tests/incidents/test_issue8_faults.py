"""The incident faults of issue 8, each as a user would notice it."""

from district.incidents import operations
from district.models import (
    AuditEntry,
    Incident,
    IncidentChecklistItem,
    IncidentEvent,
    Notification,
    User,
)
from tests.incidents.htmlforms import element_with_id, form_with_id, forms_of, visible_text

HX = {"HX-Request": "true"}
APPLY = "Áp dụng thay đổi của tôi"
REASON = "Gia đình đã chuyển trường; các bước còn lại không thực hiện được"


def _post_form(client, form, headers=None):
    return client.post(form.attrs["action"], data=form.data(), headers=headers or {})


# --- a. A 409 conflict: the retry carries exactly what the user submitted -----------------------


def test_pressing_apply_after_a_conflict_never_moves_the_incident_further(
        district, report, login_as):
    """The principal chose "verifying"; an officer did the same first. Whatever the 409 answer
    offers, pressing it must not move the incident past the step the principal chose."""
    incident = report(district.staff)
    operations.change_status(district.officer, incident, 1, "verifying")
    client = login_as(district.principal)
    for headers in (HX, {}):
        response = client.post(f"/incidents/{incident.id}/status", headers=headers,
                               data={"to": "verifying", "version": 1, "note": "Tôi xác minh"})
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        for form in forms_of(html):
            if any(APPLY in b for b in form.buttons):
                _post_form(client, form, headers)
        assert Incident.get_by_id(incident.id).status == "verifying"
        assert "Tôi xác minh" in html


def test_the_retry_after_a_conflict_carries_exactly_what_was_submitted(
        district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling")
    seen = incident.version
    # Meanwhile an officer assigns it (the status is unchanged, the version is not).
    operations.assign(district.officer, incident, seen, district.staff2.id)
    client = login_as(district.principal)
    submitted = {"to": "resolved", "outcome": "disciplined", "reason": REASON,
                 "note": "Đã họp hội đồng kỷ luật", "version": seen}
    response = client.post(f"/incidents/{incident.id}/status", data=submitted, headers=HX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    retry = [f for f in forms_of(html) if any(APPLY in b for b in f.buttons)]
    assert len(retry) == 1
    data = retry[0].data()
    assert data["version"] == str(seen + 1)
    for name in ("to", "outcome", "reason"):
        assert data[name] == submitted[name], name
    assert data["note"].strip() == submitted["note"]
    assert _post_form(client, retry[0], HX).status_code == 200
    after = Incident.get_by_id(incident.id)
    assert (after.status, after.outcome) == ("resolved", "disciplined")
    last = IncidentEvent.select().order_by(IncidentEvent.id.desc()).get()
    assert last.note == "Đã họp hội đồng kỷ luật" and last.details["reason"] == REASON


def test_the_conflict_names_who_made_the_other_change(district, report, login_as):
    incident = report(district.staff)
    operations.assign(district.officer, incident, 1, district.staff2.id)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status", data={"to": "verifying", "version": 1}, headers=HX)
    text = visible_text(response.get_data(as_text=True))
    assert f"{district.officer.full_name} đã thay đổi vụ việc sau khi bạn mở trang" in text
    assert "cửa sổ" not in text


def test_the_conflict_says_it_was_the_same_user_in_another_window(district, report, login_as):
    incident = report(district.staff)
    # The same principal, in another tab, assigned it after this page was loaded.
    operations.assign(district.principal, incident, 1, district.staff2.id)
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status", data={"to": "verifying", "version": 1}, headers=HX)
    assert response.status_code == 409
    text = visible_text(response.get_data(as_text=True))
    assert "Bạn đã thay đổi vụ việc này ở một cửa sổ (thẻ) khác" in text
    assert "người khác" not in text


# --- b. Resolving with intervention steps still open asks for a reason ---------------------------


def test_resolving_with_open_steps_asks_for_a_reason(district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling")
    client = login_as(district.principal)
    response = client.post(f"/incidents/{incident.id}/status",
                           data={"to": "resolved", "outcome": "handled_at_school",
                                 "version": incident.version})
    assert response.status_code == 422
    assert "Còn bước can thiệp chưa làm: nêu lý do kết thúc xử lý." in response.get_data(
        as_text=True)
    assert Incident.get_by_id(incident.id).status == "handling"


def test_the_reason_and_the_steps_left_open_are_in_the_timeline(
        district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling")
    operations.tick(district.principal, incident, "harm_assessed", True)
    client = login_as(district.principal)
    response = client.post(f"/incidents/{incident.id}/status",
                           data={"to": "resolved", "outcome": "handled_at_school",
                                 "reason": REASON, "version": incident.version})
    assert response.status_code == 302
    assert Incident.get_by_id(incident.id).status == "resolved"
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    timeline = visible_text(page.split('id="timeline"')[1].split("</section>")[0])
    assert f"còn 3 bước can thiệp chưa làm · lý do: {REASON}" in timeline
    entry = AuditEntry.select().where(AuditEntry.action == "incident.status").order_by(
        AuditEntry.id.desc()).get()
    assert entry.details["open_steps"] == ["support_given", "family_informed",
                                           "authorities_informed"]


def test_resolving_with_every_step_done_needs_no_reason(district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying", "handling")
    IncidentChecklistItem.update(done_at=incident.reported_at, done_by=district.principal.id
                                 ).where(IncidentChecklistItem.incident == incident.id).execute()
    client = login_as(district.principal)
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "reason" not in form_with_id(page, f"step-detail-{incident.id}-resolved").names
    response = client.post(f"/incidents/{incident.id}/status",
                           data={"to": "resolved", "outcome": "handled_at_school",
                                 "version": incident.version})
    assert response.status_code == 302
    assert Incident.get_by_id(incident.id).status == "resolved"


# --- c. The status form shows only the fields the chosen step needs ------------------------------


def _step_fields(html, incident, context="detail"):
    prefix = f"step-{context}-{incident.id}-"
    return {f.id[len(prefix):]: set(f.visible) for f in forms_of(html)
            if f.id.startswith(prefix)}


def test_each_step_offers_only_its_own_fields(district, report, advance, login_as):
    incident = report(district.staff)
    client = login_as(district.officer)
    steps = _step_fields(client.get(f"/incidents/{incident.id}").get_data(as_text=True),
                         incident)
    assert steps == {"verifying": {"note"}}
    incident = advance(incident, district.officer, "verifying", "handling")
    steps = _step_fields(client.get(f"/incidents/{incident.id}").get_data(as_text=True),
                         incident)
    assert steps == {"referred": {"agency", "referred_on", "note"},
                     "resolved": {"outcome", "reason", "note"}}  # reason: steps are open
    incident = advance(incident, district.officer, "resolved")
    steps = _step_fields(client.get(f"/incidents/{incident.id}").get_data(as_text=True),
                         incident)
    assert steps == {"handling": {"reason", "note"}, "closed": {"note"}}


def test_each_step_is_its_own_form_with_its_button_in_a_list_row(
        district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying")
    client = login_as(district.principal)
    html = client.get("/incidents/").get_data(as_text=True)
    # The row carries the small "Đổi trạng thái" control; its forms come in place on demand.
    assert _step_fields(html, incident, "row") == {}
    _tag, control = element_with_id(html, f"row-steps-{incident.id}")
    html = client.get(control["hx-get"], headers=HX).get_data(as_text=True)
    steps = _step_fields(html, incident, "row")
    assert steps == {"handling": {"note"}, "referred": {"agency", "referred_on", "note"}}
    form = form_with_id(html, f"step-row-{incident.id}-handling")
    assert form.buttons == ["Chuyển sang “Đang xử lý”"]
    assert form.data()["to"] == "handling"


def test_a_refused_step_comes_back_with_what_was_typed(district, report, advance, login_as):
    incident = advance(report(district.staff), district.principal, "verifying")
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/status", headers=HX,
        data={"to": "referred", "agency": "police", "note": "Đã gửi hồ sơ",
              "version": incident.version})
    assert response.status_code == 422
    form = form_with_id(response.get_data(as_text=True), f"step-detail-{incident.id}-referred")
    assert form.data()["agency"] == "police" and form.data()["note"].strip() == "Đã gửi hồ sơ"
    other = form_with_id(response.get_data(as_text=True), f"step-detail-{incident.id}-handling")
    assert other.data()["note"] == ""  # the other step is not filled with it


# --- d. Staff add notes to an incident they reported ---------------------------------------------


def test_the_reporter_can_add_a_note(district, report, login_as):
    incident = report(district.staff)
    client = login_as(district.staff)
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="note-form"' in page
    response = client.post(f"/incidents/{incident.id}/notes", headers=HX,
                           data={"note": "Em đã đi học lại bình thường."})
    assert response.status_code == 200
    assert "Em đã đi học lại bình thường." in response.get_data(as_text=True)
    last = IncidentEvent.select().order_by(IncidentEvent.id.desc()).get()
    assert (last.kind, last.actor_id) == ("note", district.staff.id)


def test_other_staff_of_the_school_still_cannot(district, report, make_user, login_as):
    incident = report(district.staff)
    other = make_user("staff", district.preschool)
    assert login_as(other).post(f"/incidents/{incident.id}/notes",
                                data={"note": "x"}).status_code == 404


# --- e. The statistics page says who sees what ---------------------------------------------------


def test_the_stats_page_says_who_sees_exact_counts(district, report, login_as):
    report(district.staff)
    officer = visible_text(login_as(district.officer).get("/incidents/stats")
                           .get_data(as_text=True))
    assert "Bạn thấy số chính xác." in officer
    assert "Lãnh đạo xem số liệu thấy các số dưới 5 dưới dạng “<5”" in officer
    observer = visible_text(login_as(district.observer).get("/incidents/stats")
                            .get_data(as_text=True))
    assert "số dưới 5 được ẩn và hiện là “<5”" in observer
    assert "quyền riêng tư của trẻ em" in observer
    assert "chính xác" not in observer


# --- f. English: no Vietnamese category in notifications, no code values -------------------------


def _english(user):
    User.update(locale="en").where(User.id == user.id).execute()


def test_english_notifications_name_the_category_in_english(district, login_as, report):
    _english(district.principal)
    _english(district.officer)
    report(district.staff, category="bullying", severity="critical")
    for user, words in ((district.principal, ["Bullying"]),
                        (district.officer, ["Bullying", "Critical"])):
        page = visible_text(login_as(user).get("/notifications/").get_data(as_text=True))
        assert all(word in page for word in words), page
        assert "Bắt nạt" not in page and "Đặc biệt nghiêm trọng" not in page
    stored = Notification.select().first()
    assert stored.params["category_label"] == "Bắt nạt"  # a msgid, translated when read


def test_english_pages_have_no_code_values(district, login_as, report, advance):
    from district.incidents import vocabulary

    incident = report(district.staff, place="school_yard", category="sexual_abuse",
                      students=[{"full_name": "Nguyễn Minh An", "class_name": "5A",
                                 "sex": "nam", "birth_year": 2015, "role": "caused"}])
    advance(incident, district.officer, "verifying", "referred", "resolved")
    _english(district.officer)
    client = login_as(district.officer)
    codes = {code for labels in vocabulary.LABELS.values() for code in labels
             if "_" in code} | {"caused", "affected", "witness"}
    for url in ("/incidents/", f"/incidents/{incident.id}", "/incidents/stats",
                "/incidents/new"):
        text = visible_text(client.get(url).get_data(as_text=True))
        assert not [code for code in codes if code in text.split()], (url, text)
    detail = visible_text(client.get(f"/incidents/{incident.id}").get_data(as_text=True))
    assert "Caused the harm" in detail and "Caused it" not in detail


# --- 7. Opening the incident marks its notifications read ----------------------------------------


def test_opening_the_incident_marks_its_notification_read(district, report, login_as):
    incident = report(district.staff)
    note = Notification.get(Notification.user == district.principal.id)
    assert note.link == f"/incidents/{incident.id}" and note.read_at is None
    login_as(district.principal).get(note.link)
    assert Notification.get_by_id(note.id).read_at is not None
