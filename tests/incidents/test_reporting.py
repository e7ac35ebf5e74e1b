import datetime as dt
import re

from district.models import (
    AuditEntry,
    Incident,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentStudent,
    IncidentView,
    Notification,
)

FORM = {
    "occurred_at": "2026-11-20T09:30",
    "place": "classroom",
    "category": "physical",
    "caused_by": "student",
    "severity": "medium",
    "summary": "Học sinh bị bạn đánh trong giờ ra chơi",
    "description": "Em bị bạn cùng lớp đánh vào lưng, có vết bầm.",
    "immediate_actions": "Đưa em xuống phòng y tế.",
    "students-0-full_name": "Trần Thị Bích",
    "students-0-class_name": "4B",
    "students-0-sex": "nu",
    "students-0-birth_year": "2016",
    "students-0-role": "affected",
    "students-1-full_name": "Lê Văn Cường",
    "students-1-class_name": "4B",
    "students-1-role": "caused",
    "referral_health": "2026-11-20",
}


def test_staff_reports_an_incident_of_their_school(district, login_as):
    response = login_as(district.staff).post("/incidents/new", data=FORM)
    assert response.status_code == 302
    incident = Incident.get()
    assert response.headers["Location"].endswith(f"/incidents/{incident.id}/reported")
    assert re.fullmatch(r"VV-\d{4}-0001", incident.reference)
    assert incident.school_id == district.preschool.id and incident.status == "reported"
    assert incident.summary_search == "hoc sinh bi ban danh trong gio ra choi"
    # Typed in Vietnam's time (UTC+7), stored as UTC, shown back as typed.
    assert incident.occurred_at == dt.datetime(2026, 11, 20, 2, 30)
    page = login_as(district.staff).get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "20/11/2026 09:30" in page
    names = sorted(s.full_name for s in IncidentStudent.select())
    assert names == ["Lê Văn Cường", "Trần Thị Bích"]
    assert IncidentChecklistItem.select().count() == 4
    assert incident.referrals.get().agency == "health"
    assert AuditEntry.select().where(AuditEntry.action == "incident.create").count() == 1
    # Medium, not sensitive: the principal is told, officers are not alarmed.
    assert [n.user_id for n in Notification.select()] == [district.principal.id]
    second = login_as(district.staff).post("/incidents/new", data=FORM)
    assert second.status_code == 302
    assert Incident.select().order_by(Incident.id.desc()).get().reference.endswith("-0002")


def test_sexual_abuse_is_sensitive_alerts_every_officer_and_shows_duty(district, login_as):
    data = {**FORM, "category": "sexual_abuse", "severity": "high"}
    client = login_as(district.principal)
    response = client.post("/incidents/new", data=data)
    incident = Incident.get()
    assert incident.sensitive
    alerted = {n.user_id for n in Notification.select()}
    assert alerted == {district.officer.id, district.officer2.id}
    for n in Notification.select():
        assert "Trần Thị Bích" not in n.message + str(n.params)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for number in ("111", "113", "115"):
        assert f'href="tel:{number}"' in page


def test_critical_incident_alerts_officers(district, login_as):
    login_as(district.staff).post("/incidents/new", data={**FORM, "severity": "critical"})
    told = sorted(n.user_id for n in Notification.select())
    assert told == sorted([district.officer.id, district.officer2.id, district.principal.id])
    assert district.other_principal.id not in told


def test_correction_to_critical_alerts_officers(district, login_as, report):
    incident = report(district.staff, severity="medium")
    Notification.delete().execute()
    login_as(district.principal).post(f"/incidents/{incident.id}/corrections",
                                      data={"severity": "critical", "version": incident.version,
                                            "reason": "Em phải nhập viện"})
    told = {n.user_id for n in Notification.select()}
    assert {district.officer.id, district.officer2.id} <= told


def test_invalid_report_keeps_everything_typed(district, login_as):
    data = {**FORM, "category": "", "students-1-role": ""}
    response = login_as(district.staff).post("/incidents/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<html" in page
    for typed in ("Trần Thị Bích", "Lê Văn Cường", "Em bị bạn cùng lớp đánh vào lưng",
                  "Đưa em xuống phòng y tế", 'value="2026-11-20"'):
        assert typed in page
    assert Incident.select().count() == 0
    fragment = login_as(district.staff).post("/incidents/new", data=data,
                                             headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="report-form"' in html and "Lê Văn Cường" in html


def test_add_student_adds_an_empty_row_and_keeps_the_rest(district, login_as):
    response = login_as(district.staff).post("/incidents/new", data={**FORM, "add_student": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="students-2-full_name"' in page and "Lê Văn Cường" in page
    assert Incident.select().count() == 0


def test_report_needs_at_least_one_student(district, login_as):
    data = {k: v for k, v in FORM.items() if not k.startswith("students")}
    response = login_as(district.staff).post("/incidents/new", data=data)
    assert response.status_code == 422
    assert "Nhập ít nhất một học sinh liên quan." in response.get_data(as_text=True)


def test_staff_cannot_report_for_another_school(district, login_as):
    data = {**FORM, "school_id": str(district.secondary.id)}
    login_as(district.staff).post("/incidents/new", data=data)
    assert Incident.get().school_id == district.preschool.id


def test_officer_reports_for_any_school(district, login_as):
    data = {**FORM, "school_id": str(district.secondary.id)}
    assert login_as(district.officer).post("/incidents/new", data=data).status_code == 302
    assert Incident.get().school_id == district.secondary.id


def test_detail_records_a_view_the_list_does_not(district, login_as, report):
    incident = report(district.staff)
    principal = login_as(district.principal)
    principal.get("/incidents/")
    principal.get("/incidents/?q=xo+day")
    assert IncidentView.select().count() == 0
    principal.get(f"/incidents/{incident.id}")
    login_as(district.officer).get(f"/incidents/{incident.id}")
    assert IncidentView.select().count() == 2
    assert AuditEntry.select().where(AuditEntry.action == "incident.view").count() == 2
    page = principal.get(f"/incidents/{incident.id}").get_data(as_text=True)
    viewed = page.split('id="viewed-by"')[1]
    assert district.officer.full_name in viewed and district.principal.full_name in viewed
    # Latest first, each with when they last opened it (local time) and how often.
    items = viewed.split("</ul>")[0].split("<li>")[1:]
    assert items[0].startswith(district.principal.full_name) and "(2 lần)" in items[0]
    assert items[1].startswith(district.officer.full_name) and "lần" not in items[1]
    assert re.search(r" · \d{2}/\d{2}/\d{4} \d{2}:\d{2}", items[0])
    # The reporter sees the incident but not who opened it.
    staff_page = login_as(district.staff).get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="viewed-by"' not in staff_page


def test_search_ignores_diacritics_and_finds_references(district, login_as, report):
    hit = report(district.staff, summary="Học sinh bị xô đẩy ở cầu thang")
    miss = report(district.staff, summary="Phụ huynh mắng học sinh trước lớp")
    client = login_as(district.principal)
    for q in ("xo day", "XÔ ĐẨY", "xo\u0302 đa\u0302\u0309y"):
        page = client.get("/incidents/", query_string={"q": q}).get_data(as_text=True)
        assert hit.reference in page and miss.reference not in page, q
    page = client.get("/incidents/", query_string={"q": miss.reference.lower()}).get_data(
        as_text=True)
    assert miss.reference in page and hit.reference not in page


def test_filters_and_assigned_to_me(district, login_as, report):
    from district.incidents import operations

    mine = report(district.principal, severity="high")
    other = report(district.principal, severity="low")
    operations.assign(district.principal, mine, mine.version, district.staff2.id)
    page = login_as(district.staff2).get("/incidents/?mine=1").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page
    page = login_as(district.officer).get("/incidents/?severity=low").get_data(as_text=True)
    assert other.reference in page and mine.reference not in page
    page = login_as(district.officer).get("/incidents/?level=thcs").get_data(as_text=True)
    assert other.reference not in page and mine.reference not in page


def test_checklist_tick_records_who_and_when_and_urgent_hours(district, login_as, report):
    incident = report(district.staff, severity="critical")
    client = login_as(district.principal)
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert page.count("giờ từ khi báo cáo") == 4
    listing = login_as(district.officer).get("/incidents/").get_data(as_text=True)
    assert "4 bước chưa làm" in listing
    response = client.post(f"/incidents/{incident.id}/checklist/family_informed",
                           data={"done": "1"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="checklist"' in html
    assert district.principal.full_name in html.split('id="check-family_informed"')[1]
    assert html.count("giờ từ khi báo cáo") == 3
    item = IncidentChecklistItem.get(item="family_informed")
    assert item.done_by_id == district.principal.id and item.done_at is not None


def test_correction_is_a_new_event_and_the_original_stays(district, login_as, report):
    incident = report(district.staff, severity="medium")
    client = login_as(district.staff)
    refused = client.post(f"/incidents/{incident.id}/corrections",
                          data={"severity": "high", "version": incident.version})
    assert refused.status_code == 422  # a reason is required
    client.post(f"/incidents/{incident.id}/corrections",
                data={"severity": "high", "reason": "Bác sĩ xác định gãy tay",
                      "version": incident.version})
    incident = Incident.get_by_id(incident.id)
    assert incident.severity == "high"
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    assert "Bác sĩ xác định gãy tay" in timeline
    # Each field by its label, each value by its label: never a code or a field name.
    assert "Mức độ: <del>Trung bình</del> → <ins>Nghiêm trọng</ins>" in timeline
    assert "severity" not in timeline and "medium" not in timeline
    # The original report stays, untouched, in the first timeline event.
    first = incident.events.order_by(IncidentEvent.id).first()
    assert first.kind == "created" and first.details["original"]["severity"] == "medium"
    assert "Báo cáo gốc" in page


def test_attachment_is_checked_by_content(district, login_as, report):
    import io

    incident = report(district.staff)
    client = login_as(district.staff)
    response = client.post(f"/incidents/{incident.id}/attachments",
                           data={"file": (io.BytesIO(b"not really a pdf"), "bienban.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert incident.attachments.count() == 0
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(f"/incidents/{incident.id}/attachments",
                           data={"file": (io.BytesIO(pdf), "bien ban.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    attachment = incident.attachments.get()
    download = client.get(f"/incidents/{incident.id}/attachments/{attachment.id}")
    assert download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()


def test_pages_speak_english_to_an_english_reader(district, login_as, report):
    from district.models import User

    incident = report(district.staff, severity="critical")
    User.update(locale="en").where(User.id == district.principal.id).execute()
    client = login_as(district.principal)
    listing = client.get("/incidents/").get_data(as_text=True)
    assert "Incidents of violence and abuse against students" in listing
    assert "Critical" in listing and "Reported" in listing
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Intervention checklist" in page and "hours since the report" in page
    assert "Đang xác minh" not in page


def test_assignee_note_updates_timeline_in_place(district, login_as, report):
    from district.incidents import operations

    incident = report(district.staff)
    operations.assign(district.principal, incident, incident.version, district.staff2.id)
    response = login_as(district.staff2).post(
        f"/incidents/{incident.id}/notes", data={"note": "Đã gặp em và gia đình."},
        headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="note-form"' in html
    assert 'id="timeline" hx-swap-oob="true"' in html and "Đã gặp em và gia đình." in html
    empty = login_as(district.staff2).post(f"/incidents/{incident.id}/notes", data={"note": " "},
                                           headers={"HX-Request": "true"})
    assert empty.status_code == 422


def test_assignment_only_to_staff_of_the_school(district, login_as, report):
    incident = report(district.staff)
    response = login_as(district.officer).post(
        f"/incidents/{incident.id}/assignment",
        data={"assignee": district.other_staff.id, "version": incident.version})
    assert response.status_code == 422
    assert Incident.get_by_id(incident.id).assignee_id is None
    stale = login_as(district.principal).post(
        f"/incidents/{incident.id}/assignment",
        data={"assignee": district.staff2.id, "version": incident.version + 5})
    assert stale.status_code == 409
    assert Incident.get_by_id(incident.id).assignee_id is None


def test_attachment_over_20_mb_is_refused(district, report, app):
    import io

    import pytest
    from werkzeug.datastructures import FileStorage

    from district.files import UploadError
    from district.incidents import operations

    incident = report(district.staff)
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 10)
    with app.test_request_context(), pytest.raises(UploadError, match="20 MB"):
        operations.add_attachment(district.staff, incident,
                                FileStorage(io.BytesIO(big), filename="lon.pdf"))
    assert incident.attachments.count() == 0


def test_htmx_filter_returns_the_results_fragment(district, login_as, report):
    hit = report(district.staff, summary="Học sinh bị xô đẩy ở cầu thang")
    response = login_as(district.officer).get("/incidents/?q=cau+thang",
                                              headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="incident-counters"' in html
    assert hit.reference in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_correction_of_the_time_and_place_is_shown_in_local_time_and_words(
        district, login_as, report):
    # Reported 20/11/2026 09:30 UTC (16:30 in Vietnam); corrected to 08:00 Vietnam time.
    incident = report(district.staff, occurred_at=dt.datetime(2026, 11, 20, 9, 30),
                      place="school_yard", category="bullying")
    client = login_as(district.principal)
    response = client.post(f"/incidents/{incident.id}/corrections",
                           data={"occurred_at": "2026-11-20T08:00", "place": "classroom",
                                 "category": "physical", "reason": "Giáo viên chủ nhiệm xác nhận",
                                 "version": incident.version})
    assert response.status_code == 302
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    assert ("Thời điểm xảy ra: <del>20/11/2026 16:30</del> → <ins>20/11/2026 08:00</ins>"
            in timeline)
    assert "Nơi xảy ra: <del>Sân trường</del> → <ins>Trong lớp học</ins>" in timeline
    assert "Loại vụ việc: <del>Bắt nạt</del> → <ins>Bạo lực thể chất</ins>" in timeline
    for raw in ("occurred_at", "2026-11-20T", "school_yard", "classroom", "bullying",
                "physical"):
        assert raw not in timeline, raw


def test_referral_date_in_the_timeline_is_dd_mm_yyyy(district, login_as, report, advance):
    incident = advance(report(district.staff), district.principal, "verifying", "referred")
    timeline = (login_as(district.principal).get(f"/incidents/{incident.id}")
                .get_data(as_text=True).split('id="timeline"')[1].split("</section>")[0])
    assert "Công an (21/11/2026)" in timeline and "2026-11-21" not in timeline


def test_english_timeline_translates_corrected_fields_and_values(district, login_as, report):
    from district.models import User

    incident = report(district.staff, severity="medium")
    User.update(locale="en").where(User.id == district.principal.id).execute()
    client = login_as(district.principal)
    client.post(f"/incidents/{incident.id}/corrections",
                data={"severity": "high", "reason": "Bác sĩ xác định gãy tay",
                      "version": incident.version})
    timeline = (client.get(f"/incidents/{incident.id}").get_data(as_text=True)
                .split('id="timeline"')[1].split("</section>")[0])
    assert "Severity: <del>Medium</del> → <ins>High</ins>" in timeline


def _with_reference(incident, reference):
    Incident.update(reference=reference).where(Incident.id == incident.id).execute()


def test_references_are_numbered_numerically_past_9999(district, login_as, report):
    from district import clock
    from district.incidents import operations

    year = clock.today().year
    _with_reference(report(district.staff), f"VV-{year}-9999")
    assert operations.next_reference(year) == f"VV-{year}-10000"
    _with_reference(report(district.staff), f"VV-{year}-10000")
    # As text, "VV-2026-9999" sorts after "VV-2026-10000": the next must still be 10001.
    assert operations.next_reference(year) == f"VV-{year}-10001"
    response = login_as(district.staff).post("/incidents/new", data=FORM)
    assert response.status_code == 302
    newest = Incident.select().order_by(Incident.id.desc()).get()
    assert newest.reference == f"VV-{year}-10001"
    # Other years and the four-digit padding are untouched.
    assert operations.next_reference(year + 1) == f"VV-{year + 1}-0001"


def test_refused_report_answers_a_clear_message_not_500(district, login_as, monkeypatch):
    from district.incidents import operations

    def refuse(*_args, **_kwargs):
        raise operations.IncidentError("reference")

    monkeypatch.setattr(operations, "report", refuse)
    response = login_as(district.staff).post("/incidents/new", data=FORM)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "không cấp được số hiệu vụ việc" in page
    assert "Học sinh bị bạn đánh trong giờ ra chơi" in page  # what was typed is kept
