"""What users see and do through the pages: visibility, HTMX acknowledgement, forms, tracking,
exports, downloads, home cards."""

import csv
import datetime as dt
import io
import unicodedata

import openpyxl

from district.directives import operations, queries, vocabulary
from district.models import Acknowledgement, AuditEntry, Directive, Recipient

from .conftest import htmx, local_time
from .test_operations import PDF


def form_data(today, **fields):
    return {
        "number": "45/PGDĐT-CTHSSV",
        "title": "Về việc tăng cường phòng, chống bạo lực học đường",
        "body": "## Yêu cầu\n- Tập huấn giáo viên",
        "signer": "Nguyễn Văn Trưởng",
        "issued_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=10)).isoformat(),
        "response_kind": "ack",
        "audience_kind": "all",
        **fields,
    }


def test_officer_writes_a_draft_then_publishes_to_preschools(district, login_as, today):
    officer = login_as(district.officer)
    response = officer.post("/directives/new", data=form_data(
        today, audience_kind="filter", audience_levels=["mam_non"],
        audience_ownerships=["cong_lap", "tu_thuc"]))
    assert response.status_code == 302
    directive = Directive.get()
    page = officer.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "Trường Mầm non Hoa Sen" in page and "Trường THCS Nguyễn Du" not in page
    assert "Ban hành đến 1 trường" in page
    response = officer.post(f"/directives/{directive.id}/publish")
    assert response.status_code == 302
    assert Directive.get_by_id(directive.id).status == "published"
    assert [r.school_id for r in Recipient.select()] == [district.preschool.id]


def test_invalid_form_answers_422_and_keeps_what_was_typed(district, login_as, today):
    officer = login_as(district.officer)
    data = form_data(today, title="Tiêu đề đã gõ", deadline=(today - dt.timedelta(days=3))
                     .isoformat())
    response = officer.post("/directives/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hạn xác nhận không được trước ngày ban hành." in page
    assert 'value="Tiêu đề đã gõ"' in page
    assert Directive.select().count() == 0


def test_attachment_checked_by_content(district, login_as, today):
    officer = login_as(district.officer)
    fake = (io.BytesIO(b"MZ not a pdf at all"), "cong-van.pdf")
    response = officer.post("/directives/new", data={**form_data(today), "attachments": fake},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "kiểm tra theo nội dung" in response.get_data(as_text=True)
    assert Directive.select().count() == 0
    good = (io.BytesIO(PDF), "cong-van.pdf")
    response = officer.post("/directives/new", data={**form_data(today), "attachments": good},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    directive = Directive.get()
    operations.publish(district.officer, directive)
    page = login_as(district.staff).get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "cong-van.pdf" in page
    file_id = directive.attachments[0].file_id
    download = login_as(district.staff).get(f"/directives/{directive.id}/files/{file_id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert "attachment" in download.headers["Content-Disposition"]


def test_markdown_preview_is_sanitised(district, login_as):
    officer = login_as(district.officer)
    response = officer.post("/directives/preview", data={
        "body": "**Khẩn** <script>alert(1)</script>"}, headers=htmx())
    html = response.get_data(as_text=True)
    assert "<strong>Khẩn</strong>" in html and "<script" not in html
    assert login_as(district.principal).post("/directives/preview", data={"body": "x"}
                                             ).status_code == 404


def test_audience_preview_counts_schools(district, login_as, make_school):
    make_school(name="Trường Mầm non Tư thục Bé Ngoan", level="mam_non", ownership="tu_thuc")
    officer = login_as(district.officer)
    response = officer.post("/directives/audience", data={
        "audience_kind": "filter", "audience_levels": ["mam_non"]}, headers=htmx())
    html = response.get_data(as_text=True)
    assert "2 trường sẽ nhận" in html and "Bé Ngoan" in html and "Nguyễn Du" not in html


def test_school_never_sees_a_directive_not_sent_to_it(district, login_as, make_directive):
    directive = make_directive(audience_kind="filter", audience_levels=["mam_non"])
    draft = make_directive(publish=False)
    other = login_as(district.other_principal)
    assert other.get(f"/directives/{directive.id}").status_code == 404
    assert other.post(f"/directives/{directive.id}/acknowledge").status_code == 404
    assert directive.title not in other.get("/directives/").get_data(as_text=True)
    assert login_as(district.principal).get(f"/directives/{draft.id}").status_code == 404
    assert login_as(district.observer).get(f"/directives/{directive.id}").status_code == 404
    assert login_as(district.principal).get(
        f"/directives/{directive.id}/tracking").status_code == 404


def test_staff_reads_but_cannot_acknowledge(district, login_as, make_directive):
    directive = make_directive()
    staff = login_as(district.staff)
    page = staff.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert 'id="acknowledge"' not in page
    # Acknowledging is declared for principals alone: others are answered like any denied view.
    assert staff.post(f"/directives/{directive.id}/acknowledge",
                      headers=htmx()).status_code == 404
    recipient = queries.recipient_for(directive, district.preschool.id)
    assert recipient.acknowledged_at is None
    assert recipient.first_read_by_id == district.staff.id


def test_htmx_acknowledgement_returns_the_panel_and_updates_the_badge(district, login_as,
                                                                      make_directive):
    first = make_directive()
    make_directive()
    principal = login_as(district.principal)
    page = principal.get(f"/directives/{first.id}").get_data(as_text=True)
    assert '<span class="badge" id="directive-unread">2</span>' in page
    response = principal.post(f"/directives/{first.id}/acknowledge",
                              data={"note": "Đã phổ biến"}, headers=htmx())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Đã xác nhận" in html
    assert 'id="directive-unread" hx-swap-oob="true">1<' in html
    assert response.headers["HX-Trigger"] == "directive-acknowledged"
    # A second click cannot make a second acknowledgement.
    again = principal.post(f"/directives/{first.id}/acknowledge", headers=htmx())
    assert again.status_code == 409
    assert Acknowledgement.select().count() == 1


def test_plain_post_acknowledgement_redirects(district, login_as, make_directive):
    directive = make_directive()
    principal = login_as(district.principal)
    response = principal.post(f"/directives/{directive.id}/acknowledge", data={"note": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/directives/{directive.id}")
    page = principal.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "Nhà trường đã xác nhận văn bản" in page
    assert 'id="directive-unread"' not in page


def test_roster_directive_refused_with_explanation(district, login_as, make_directive,
                                                   make_roster):
    directive = make_directive(response_kind="roster")
    principal = login_as(district.principal)
    page = principal.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "danh sách tổ tư vấn tâm lý hợp lệ" in page and 'id="acknowledge"' not in page
    response = principal.post(f"/directives/{directive.id}/acknowledge", headers=htmx())
    assert response.status_code == 422
    assert queries.recipient_for(directive, district.preschool.id).acknowledged_at is None
    roster = make_roster(district.preschool)
    assert principal.post(f"/directives/{directive.id}/acknowledge",
                          headers=htmx()).status_code == 200
    assert queries.recipient_for(directive, district.preschool.id).roster_id == roster.id


def test_report_directive_upload_with_acknowledgement(district, login_as, make_directive):
    directive = make_directive(response_kind="report")
    principal = login_as(district.principal)
    response = principal.post(f"/directives/{directive.id}/acknowledge",
                              data={"report": (io.BytesIO(PDF), "bao-cao.pdf")},
                              content_type="multipart/form-data", headers=htmx())
    assert response.status_code == 200
    recipient = queries.recipient_for(directive, district.preschool.id)
    officer = login_as(district.officer)
    tracking = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert "bao-cao.pdf" in tracking
    url = f"/directives/{directive.id}/files/{recipient.response_file_id}"
    download = officer.get(url)
    assert download.data == PDF
    download.close()
    # Staff of the school do not see the school's response (tracking is not theirs).
    assert login_as(district.staff).get(url).status_code == 404


def test_withdrawn_directive_is_marked_and_readable(district, login_as, make_directive):
    directive = make_directive()
    officer = login_as(district.officer)
    assert officer.post(f"/directives/{directive.id}/withdraw").status_code == 302
    page = login_as(district.principal).get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "đã bị thu hồi" in page and 'id="acknowledge"' not in page


def test_revision_page_shows_what_changed(district, login_as, make_directive, today):
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    officer = login_as(district.officer)
    response = officer.post(f"/directives/{directive.id}/edit", data=form_data(
        today, number=directive.number, title=directive.title,
        deadline=(today + dt.timedelta(days=20)).isoformat(),
        summary="Gia hạn thời gian xác nhận", requires_reack="y"))
    assert response.status_code == 302
    page = login_as(district.principal).get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "Gia hạn thời gian xác nhận" in page and "yêu cầu xác nhận lại" in page
    assert 'id="acknowledge"' in page and "Lịch sử xác nhận" in page


def test_tracking_counts_filters_search_and_sort(district, login_as, make_directive,
                                                 make_school, today):
    make_school(name="Trường Tiểu học Lê Lợi", level="tieu_hoc", commune="Xã An Hòa")
    directive = make_directive(deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=8))
    operations.acknowledge(district.principal, directive)
    officer = login_as(district.officer)
    page = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert 'id="count-acknowledged_late">1<' in page and 'id="count-overdue">2<' in page
    found = officer.get(f"/directives/{directive.id}/tracking?q=le loi").get_data(as_text=True)
    assert "Lê Lợi" in found and "Hoa Sen" not in found
    by_state = officer.get(f"/directives/{directive.id}/tracking?state=acknowledged_late",
                           headers=htmx()).get_data(as_text=True)
    assert "<html" not in by_state and "Hoa Sen" in by_state and "Nguyễn Du" not in by_state
    commune = officer.get(f"/directives/{directive.id}/tracking?commune=Xã An Hòa"
                          ).get_data(as_text=True)
    assert "Lê Lợi" in commune and "Nguyễn Du" not in commune
    # Sorting by state puts the most urgent first (overdue before acknowledged late)...
    ordered = officer.get(f"/directives/{directive.id}/tracking?sort=state",
                          headers=htmx()).get_data(as_text=True)
    assert ordered.index("Nguyễn Du") < ordered.index("Hoa Sen")
    # ...and the other way round when descending.
    reverse = officer.get(f"/directives/{directive.id}/tracking?sort=state&dir=desc",
                          headers=htmx()).get_data(as_text=True)
    assert reverse.index("Hoa Sen") < reverse.index("Nguyễn Du")
    # Search accepts the decomposed Unicode form (NFD) too.
    nfd = unicodedata.normalize("NFD", "lê lợi")
    assert "Lê Lợi" in officer.get(f"/directives/{directive.id}/tracking?q={nfd}"
                                   ).get_data(as_text=True)


def test_remind_one_school_and_all_overdue(district, login_as, make_directive, today,
                                          at_local):
    directive = make_directive(deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=8))
    officer = login_as(district.officer)
    page = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert "Nhắc 2 trường quá hạn" in page
    at_local(local_time(today, 9))
    officer.post(f"/directives/{directive.id}/remind", data={"school_id": district.secondary.id})
    at_local(local_time(today, 10, days=1))
    officer.post(f"/directives/{directive.id}/remind")
    counts = {r.school_id: r.reminders_count for r in Recipient.select()}
    assert counts == {district.secondary.id: 2, district.preschool.id: 1}
    # With HTMX the school's row comes back alone, with its new count.
    at_local(local_time(today, 10, 1, days=2))
    row = officer.post(f"/directives/{directive.id}/remind",
                       data={"school_id": district.secondary.id}, headers=htmx())
    html = row.get_data(as_text=True)
    assert row.status_code == 200 and "<html" not in html
    assert 'data-school="THCS-NGUYENDU"' in html and "3 lần" in html


def test_csv_export_has_bom_and_the_rows(district, login_as, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive, "Đã triển khai")
    response = login_as(district.officer).get(f"/directives/{directive.id}/tracking.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã trường", "Tên trường"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["MN-HOASEN"][6] == "Đã xác nhận"
    assert by_code["MN-HOASEN"][10] == "Trần Thị Lan"
    assert by_code["MN-HOASEN"][12] == "Đã triển khai"
    assert by_code["THCS-NGUYENDU"][6] == "Chưa đọc"
    assert AuditEntry.select().where(AuditEntry.action == "directive.export").count() == 1


def test_xlsx_export_has_header_frozen_panes_and_dates(district, login_as, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    response = login_as(district.officer).get(f"/directives/{directive.id}/tracking.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.freeze_panes == "C2"
    assert sheet["A1"].value == "Mã trường" and sheet["A1"].font.bold
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert isinstance(rows["MN-HOASEN"][9], dt.datetime)
    assert rows["THCS-NGUYENDU"][9] is None
    entry = AuditEntry.get(AuditEntry.action == "directive.export")
    assert entry.details["format"] == "xlsx"


def test_officer_list_shows_rates_and_overdue(district, login_as, make_directive, today):
    late = make_directive(title="Văn bản đã quá hạn", deadline=today - dt.timedelta(days=2),
                          issued_on=today - dt.timedelta(days=9))
    operations.acknowledge(district.principal, late)
    page = login_as(district.officer).get("/directives/").get_data(as_text=True)
    assert "1/2" in page and "50%" in page and 'class="overdue"' in page
    assert "Quá hạn: 1 trường" in page


def test_school_inbox_filters(district, login_as, make_directive):
    seen = make_directive(title="Văn bản đã đọc")
    make_directive(title="Văn bản mới tinh")
    principal = login_as(district.principal)
    principal.get(f"/directives/{seen.id}")
    new_only = principal.get("/directives/?state=new").get_data(as_text=True)
    assert "Văn bản mới tinh" in new_only and "Văn bản đã đọc" not in new_only
    found = principal.get("/directives/?q=moi tinh").get_data(as_text=True)
    assert "Văn bản mới tinh" in found and "Văn bản đã đọc" not in found


def test_home_cards(district, login_as, make_directive):
    directive = make_directive(title="Phòng, chống xâm hại trẻ em")
    operations.acknowledge(district.principal, directive)
    officer = login_as(district.officer).get("/").get_data(as_text=True)
    assert "văn bản đang ban hành" in officer
    observer = login_as(district.observer).get("/").get_data(as_text=True)
    assert "50%" in observer  # rates by level: a chart with its numbers (tests/test_charts.py)
    assert '<th scope="row">Mầm non</th><td>100% (1/1)</td>' in observer
    assert '<th scope="row">Trung học cơ sở</th><td>0% (0/1)</td>' in observer
    school = login_as(district.other_principal).get("/").get_data(as_text=True)
    assert "văn bản nhà trường chưa xác nhận" in school and directive.number in school


def test_observer_reads_rates_and_nothing_else(district, login_as, make_directive, today):
    directive = make_directive(title="Về việc tăng cường an toàn trường học",
                               deadline=today + dt.timedelta(days=3))
    operations.acknowledge(district.principal, directive)
    observer = login_as(district.observer)
    page = observer.get("/directives/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tỉ lệ xác nhận văn bản" in html
    assert directive.number in html and "1/2" in html and "50%" in html
    assert (today + dt.timedelta(days=3)).strftime("%d/%m/%Y") in html
    assert "Mầm non: <strong>100%</strong>" in html
    # Counts and rates only: no school, no link to the directive or its tracking.
    assert "Hoa Sen" not in html and "Nguyễn Du" not in html
    assert f"/directives/{directive.id}" not in html
    assert observer.get(f"/directives/{directive.id}/tracking").status_code == 404


def test_tracking_sorts_by_its_column_headers_and_pages(app, district, login_as,
                                                        make_directive, make_school):
    for n in range(3):
        make_school(name=f"Trường Tiểu học Thêm {n}")
    app.config["PAGE_SIZE"] = 2
    directive = make_directive()
    officer = login_as(district.officer)
    page = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    # The default order is by school name, and the header says so.
    assert '<th scope="col" aria-sort="ascending">' in page
    assert f"/directives/{directive.id}/tracking?sort=school&amp;dir=desc" in page
    assert 'aria-label="Phân trang"' in page
    assert officer.get(f"/directives/{directive.id}/tracking?page=3").status_code == 200
    assert officer.get(f"/directives/{directive.id}/tracking?page=4").status_code == 404
    by_state = officer.get(f"/directives/{directive.id}/tracking?sort=state&dir=desc",
                           headers=htmx()).get_data(as_text=True)
    assert '<th scope="col" aria-sort="descending">' in by_state and "<html" not in by_state


def test_pages_in_english(district, login_as, make_directive, today):
    directive = make_directive(deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=4))
    district.officer.locale = "en"
    district.officer.save()
    officer = login_as(district.officer)
    officer.post(f"/directives/{directive.id}/remind", data={"school_id": district.secondary.id})
    page = officer.get(f"/directives/{directive.id}/tracking")
    html = page.get_data(as_text=True)
    assert "Acknowledgement tracking" in html and "Export CSV" in html and "Overdue" in html
    assert "Remind 2 overdue schools" in html and "1 time" in html and "Last: " in html
    assert f"sent to {district.other_principal.full_name}" in html
    confirm = officer.get(f"/directives/{directive.id}/remind").get_data(as_text=True)
    assert "1 overdue school will be reminded" in confirm
    assert "1 school was reminded in the last 24 hours, so it was not reminded again." in confirm
    refused = officer.post(f"/directives/{directive.id}/remind", headers=htmx(),
                           data={"school_id": district.secondary.id}).get_data(as_text=True)
    assert "The school was reminded at" in refused and "Trường đã" not in refused


def test_exports_keep_formula_like_notes_as_text(district, login_as, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive, "=HYPERLINK(\"http://x\")")
    officer = login_as(district.officer)
    book = openpyxl.load_workbook(io.BytesIO(
        officer.get(f"/directives/{directive.id}/tracking.xlsx").data))
    header = [c.value for c in book.active[1]]
    assert header[12:14] == ["Ghi chú", "Phản hồi"]
    notes = [row[12] for row in book.active.iter_rows(min_row=2)]
    typed = [c for c in notes if c.value and c.value.startswith("=")]
    assert [c.value for c in typed] == ['=HYPERLINK("http://x")']  # the note as typed,
    assert typed[0].data_type == "s"  # but text, never run as a formula
    text = officer.get(f"/directives/{directive.id}/tracking.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_forms_render_and_admin_reads_only(district, login_as, make_directive):
    directive = make_directive()
    officer = login_as(district.officer)
    assert 'name="audience_kind"' in officer.get("/directives/new").get_data(as_text=True)
    revise = officer.get(f"/directives/{directive.id}/edit").get_data(as_text=True)
    assert 'name="summary"' in revise and directive.title in revise
    admin = login_as(district.admin)
    assert admin.get(f"/directives/{directive.id}/tracking").status_code == 200
    assert admin.get("/directives/new").status_code == 404
    assert admin.post(f"/directives/{directive.id}/withdraw").status_code == 404
    assert Directive.get_by_id(directive.id).status == "published"


def test_preview_button_without_javascript_saves_nothing(district, login_as, today):
    officer = login_as(district.officer)
    response = officer.post("/directives/new", data=form_data(
        today, body="**Quan trọng**", action="preview", audience_kind="filter",
        audience_levels=["thcs"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>Quan trọng</strong>" in html and "1 trường sẽ nhận" in html
    assert Directive.select().count() == 0



def test_two_officers_revising_at_once_the_second_gets_a_conflict(district, login_as,
                                                                  make_directive, today):
    """Optimistic locking: the second save is refused with 409, keeps what was typed, and
    overwrites nothing."""
    from district.models import DirectiveRevision

    directive = make_directive()
    first, second = login_as(district.officer), login_as(district.officer2)

    def revision(title, summary):
        return form_data(today, number=directive.number, title=title, summary=summary,
                         version=str(directive.version))

    assert first.post(f"/directives/{directive.id}/edit",
                      data=revision("Sửa lần A", "Sửa A")).status_code == 302
    form_b = revision("Sửa lần B", "Sửa B")
    response = second.post(f"/directives/{directive.id}/edit", data=form_b)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="conflict"' in page and 'value="Sửa lần B"' in page
    assert Directive.get_by_id(directive.id).title == "Sửa lần A"
    revisions = DirectiveRevision.select().where(DirectiveRevision.directive == directive.id)
    assert revisions.count() == 1
    # Saving again from the re-rendered form (which now carries the new version) applies it.
    form_b["version"] = str(Directive.get_by_id(directive.id).version)
    assert second.post(f"/directives/{directive.id}/edit", data=form_b).status_code == 302
    assert Directive.get_by_id(directive.id).title == "Sửa lần B"



def test_attachments_of_published_directives_cannot_be_removed(district, login_as, today):
    import io

    from district.models import DirectiveAttachment

    officer = login_as(district.officer)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = officer.post("/directives/new", content_type="multipart/form-data",
                            data={**form_data(today),
                                  "attachments": (io.BytesIO(pdf), "huong-dan.pdf")})
    assert response.status_code == 302
    directive = Directive.get()
    attachment = DirectiveAttachment.get(DirectiveAttachment.directive == directive.id)
    officer.post(f"/directives/{directive.id}/publish")
    assert Directive.get_by_id(directive.id).status == "published"
    response = officer.post(f"/directives/{directive.id}/attachments/{attachment.id}/remove")
    assert response.status_code == 403
    assert DirectiveAttachment.get_by_id(attachment.id).active
    principal = login_as(district.principal)
    with principal.get(f"/directives/{directive.id}/files/{attachment.file_id}") as download:
        assert download.status_code == 200 and download.data == pdf


def test_tracking_names_the_roster_version_a_school_sent(district, login_as, make_directive,
                                                         make_roster):
    from district.models import Roster

    directive = make_directive(response_kind="roster")
    make_roster(district.secondary)  # another school's roster comes first in the table
    roster = make_roster(district.preschool)
    Roster.update(version=3).where(Roster.id == roster.id).execute()
    operations.acknowledge(district.principal, directive)
    export = login_as(district.officer).get(
        f"/directives/{directive.id}/tracking.csv").get_data(as_text=True)
    assert "Danh sách tổ tư vấn (phiên bản 3)" in export


def test_the_revision_history_shows_the_old_deadline_as_a_date(district, login_as,
                                                                make_directive, today):
    directive = make_directive()
    old = directive.deadline
    data = {f: getattr(directive, f) for f in vocabulary.EDITABLE}
    data["deadline"] = today + dt.timedelta(days=30)
    operations.revise(district.officer, directive, data, "Gia hạn", False)
    page = login_as(district.officer).get(f"/directives/{directive.id}").get_data(as_text=True)
    assert f"trước đây: {old.strftime('%d/%m/%Y')}" in page
    assert old.isoformat() not in page


def test_list_and_inbox_filters_read_exactly_their_directives(district, login_as,
                                                              make_directive, today):
    """The office's list by status and overdue, and each school's inbox by state (read through
    prepared statements: the school and the state in slots), for two schools in turn."""
    make_directive(title="Văn bản quá hạn", deadline=today - dt.timedelta(days=2),
                   issued_on=today - dt.timedelta(days=9))
    acked = make_directive(title="Văn bản đã xác nhận")
    fresh = make_directive(title="Văn bản còn hạn")
    make_directive(publish=False, title="Văn bản nháp")
    operations.acknowledge(district.principal, acked)
    operations.withdraw(district.officer, fresh)
    officer = login_as(district.officer)

    def titles(client, query):
        page = client.get(f"/directives/?{query}").get_data(as_text=True)
        return {t for t in ("Văn bản quá hạn", "Văn bản đã xác nhận", "Văn bản còn hạn",
                            "Văn bản nháp") if t in page}

    assert titles(officer, "") == {"Văn bản quá hạn", "Văn bản đã xác nhận", "Văn bản còn hạn",
                                   "Văn bản nháp"}
    assert titles(officer, "status=draft") == {"Văn bản nháp"}
    assert titles(officer, "status=withdrawn") == {"Văn bản còn hạn"}
    assert titles(officer, "overdue=1") == {"Văn bản quá hạn"}
    assert titles(officer, "status=published&overdue=1") == {"Văn bản quá hạn"}
    for principal, acknowledged in ((district.principal, True),
                                    (district.other_principal, False),
                                    (district.principal, True)):
        client = login_as(principal)
        assert titles(client, "") == {"Văn bản quá hạn", "Văn bản đã xác nhận",
                                      "Văn bản còn hạn"}
        assert titles(client, "state=overdue") == {"Văn bản quá hạn"}
        assert titles(client, "state=acknowledged") == (
            {"Văn bản đã xác nhận"} if acknowledged else set())
        assert titles(client, "state=pending") == (
            {"Văn bản quá hạn"} if acknowledged else {"Văn bản quá hạn", "Văn bản đã xác nhận"})
