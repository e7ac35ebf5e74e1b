"""The audit log reads as sentences in Vietnamese, filtered by person, action and date, and
exported as CSV; never an action code, JSON or "user #140"; the admin never reads what an
incident is about."""

import csv
import datetime as dt
import io
import re

from district import clock
from district.admin.queries import NAME_SLOTS, NAMES
from district.audit import record
from district.directives import operations as directives
from district.incidents import operations as incidents
from district.models import AccountRequest, AuditEntry, Roster
from tests.incidents.conftest import report_data

CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def visible_text(html):
    """What a reader sees of the page's results (no tags, no attributes)."""
    results = html.split('id="results"', 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", results))


def publish(district, login_as, number="12/PGDĐT"):
    """A directive published by the officer through the page (so the entry names them)."""
    today = clock.today()
    draft = directives.create_draft(district.officer, {
        "number": number, "title": "Về việc phòng, chống bạo lực học đường", "body": "",
        "signer": "", "issued_on": today, "deadline": today + dt.timedelta(days=7),
        "response_kind": "ack", "audience_kind": "all"})
    assert login_as(district.officer).post(f"/directives/{draft.id}/publish").status_code == 302
    return draft


def acknowledge(district, login_as, directive):
    principal = login_as(district.principal)
    assert principal.post(f"/directives/{directive.id}/acknowledge").status_code == 302


def at_local(app, entry_query, *local):
    with app.app_context():
        instant = clock.to_utc(dt.datetime(*local))
    AuditEntry.update(at=instant).where(entry_query).execute()


def report(district):
    data, students = report_data(description="Em Nguyễn Minh An bị đánh ở sân trường")
    return incidents.report(district.principal, district.preschool, data, students, {})


def test_entries_read_as_sentences_with_the_local_time(app, district, login_as):
    directive = publish(district, login_as)
    acknowledge(district, login_as, directive)
    at_local(app, AuditEntry.action == "directive.acknowledge", 2026, 11, 29, 9, 15)
    html = login_as(district.admin).get("/admin/audit").get_data(as_text=True)
    assert "Trần Thị Lan đã xác nhận văn bản 12/PGDĐT lúc 09:15 29/11/2026" in html
    assert f"{district.officer.full_name} đã ban hành văn bản 12/PGDĐT lúc" in html
    assert f"{district.admin.full_name} đã đăng nhập lúc" in html
    text = visible_text(html)
    # No action code, no JSON, no "user #140".
    assert not CODE.search(text), CODE.search(text)
    assert "{" not in text and "#" not in text


def test_failed_sign_ins_and_unknown_actions_are_told_without_codes(district, login_as, auth):
    auth.login("ten-khong-co", "x")
    auth.login(district.staff, "wrong")
    AuditEntry.create(action="something.new", actor=district.officer,
                      actor_name=district.officer.username)
    AuditEntry.create(action="something.else", actor=None, actor_name="")  # a job's, no one's
    text = visible_text(login_as(district.admin).get("/admin/audit").get_data(as_text=True))
    assert "Hệ thống đã thực hiện một thao tác khác" in text
    assert "Có người đăng nhập sai bằng một tên đăng nhập không có" in text
    assert "Có người đăng nhập sai vào tài khoản Lê Thị Mai (gv1.mn-hoasen)" in text
    assert f"{district.officer.full_name} đã thực hiện một thao tác khác" in text
    assert "ten-khong-co" not in text and not CODE.search(text)


def test_filters_by_person_action_and_date(app, district, login_as):
    directive = publish(district, login_as)
    assert login_as(district.staff).get(f"/directives/{directive.id}").status_code == 200
    acknowledge(district, login_as, directive)
    at_local(app, AuditEntry.action == "directive.read", 2026, 11, 20, 8, 0)
    admin = login_as(district.admin)

    def sentences(query):
        return visible_text(admin.get(f"/admin/audit?{query}").get_data(as_text=True))

    # A person by name, without diacritics, or by username.
    by_name = sentences("actor=tran thi lan")
    assert "Trần Thị Lan đã xác nhận văn bản 12/PGDĐT" in by_name
    assert "Lê Thị Mai" not in by_name and district.officer.full_name not in by_name
    assert "Lê Thị Mai đã mở đọc" in sentences(f"actor={district.staff.username}")
    # An action, or a group of actions, chosen by name.
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert '<option value="directive.acknowledge">Xác nhận văn bản</option>' in page
    assert '<option value="directive.">Văn bản chỉ đạo (mọi thao tác)</option>' in page
    acks = sentences("action=directive.acknowledge")
    assert "đã xác nhận văn bản" in acks and "đã ban hành" not in acks
    group = sentences("action=directive.")
    assert "đã xác nhận văn bản" in group and "đã ban hành văn bản" in group
    assert "đã đăng nhập" not in group
    # Local days.
    day = sentences("date_from=2026-11-20&date_to=2026-11-20")
    assert "Lê Thị Mai đã mở đọc văn bản 12/PGDĐT lúc 08:00 20/11/2026" in day
    assert "đã xác nhận" not in day


def test_csv_export_follows_the_filters_and_is_recorded(district, login_as):
    directive = publish(district, login_as)
    acknowledge(district, login_as, directive)
    admin = login_as(district.admin)
    page = admin.get("/admin/audit?action=directive.").get_data(as_text=True)
    assert 'href="/admin/audit.csv?action=directive."' in page
    response = admin.get("/admin/audit.csv?action=directive.")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Thời điểm", "Người thực hiện", "Thao tác", "Nội dung", "Chi tiết",
                       "Địa chỉ IP"]
    told = {row[3] for row in rows[1:]}
    assert "Trần Thị Lan đã xác nhận văn bản 12/PGDĐT" in told
    assert f"{district.officer.full_name} đã ban hành văn bản 12/PGDĐT" in told
    assert all(row[2] for row in rows[1:]) and not CODE.search(text)
    assert not any("đăng nhập" in row[3] for row in rows[1:])
    assert AuditEntry.select().where(AuditEntry.action == "audit.export").count() == 1
    assert "đã xuất nhật ký hệ thống" in admin.get("/admin/audit").get_data(as_text=True)


def test_more_objects_of_a_kind_than_a_page_names_are_all_named(district, login_as, make_school):
    """A page names at most NAME_SLOTS objects of a kind with its prepared statement; a CSV
    batch naming more (a thousand entries) still names every one."""
    schools = [make_school(code=f"T-{n:03d}", name=f"Trường Tiểu học Số {n}")
               for n in range(NAME_SLOTS + 5)]
    for school in schools:
        record("school.update", target=school, actor=district.admin)
    admin = login_as(district.admin)
    page = visible_text(admin.get("/admin/audit?action=school.").get_data(as_text=True))
    assert f"đã sửa thông tin của {schools[-1].name}" in page
    text = admin.get("/admin/audit.csv?action=school.").data.decode("utf-8-sig")
    told = {row[3] for row in csv.reader(io.StringIO(text))}
    for school in schools:
        assert f"{district.admin.full_name} đã sửa thông tin của {school.name}" in told


def test_the_admin_never_reads_what_an_incident_is_about(district, login_as):
    incident = report(district)
    AuditEntry.create(action="incident.correct", target_type="incident",
                      target_id=str(incident.id), actor=district.principal,
                      details={"reason": "Em Nguyễn Minh An khai thêm"})
    admin = login_as(district.admin)
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert f"Trần Thị Lan đã báo cáo vụ việc {incident.reference}" in html
    assert f"Trần Thị Lan đã bổ sung, đính chính báo cáo vụ việc {incident.reference}" in html
    exported = admin.get("/admin/audit.csv").data.decode("utf-8-sig")
    for shown in (html, exported):
        assert "Nguyễn Minh An" not in shown and "bullying" not in shown
        assert "Bắt nạt" not in shown
        assert "(nội dung vụ việc: không hiển thị)" in shown
    officer = login_as(district.officer)
    officer_page = visible_text(officer.get("/admin/audit").get_data(as_text=True))
    assert "Lý do: Em Nguyễn Minh An khai thêm" in officer_page
    # The officer's log and export hold the incident entries only (the page as it opens is
    # the role's own prepared statement, asked after the admin's).
    assert "đã đăng nhập" not in officer_page and "đã đăng nhập" in visible_text(html)
    officer_csv = officer.get("/admin/audit.csv").data.decode("utf-8-sig")
    assert "Nguyễn Minh An" in officer_csv and "đã đăng nhập" not in officer_csv
    assert login_as(district.principal).get("/admin/audit.csv").status_code == 404


def test_naming_the_objects_takes_a_fixed_number_of_queries(district, login_as, make_user,
                                                            make_school, queries):
    admin = login_as(district.admin)

    def count():
        with queries() as counter:
            assert admin.get("/admin/audit").status_code == 200
        return counter.count

    publish(district, login_as, "1/PGDĐT")
    report(district)
    few = count()
    for n in range(2, 8):
        directive = publish(district, login_as, f"{n}/PGDĐT")
        acknowledge(district, login_as, directive)
        report(district)
        make_user("staff", make_school())
    assert count() == few


def test_every_kind_of_object_is_named_in_its_sentence(district, login_as, queries):
    """A directive by its number, an incident by its reference, a school by its name, an
    account by its name and username, a roster by its school and version, an account request
    by its username: all found by one statement, on both databases."""
    publish(district, login_as, "77/PGDĐT")
    incident = report(district)
    roster = Roster.create(school=district.preschool, version=3, submitted_by=district.principal,
                           rule_set="tt31", state="complete", is_current=True)
    request = AccountRequest.create(kind="create", username="chuyenvien.moi",
                                    requested_by=district.admin)
    for action, target in (("school.update", district.secondary), ("user.update", district.staff),
                           ("roster.save", roster), ("account_request.create", request)):
        record(action, target=target, actor=district.admin)
    with queries() as counter:
        page = visible_text(login_as(district.admin).get("/admin/audit").get_data(as_text=True))
    for name in ("77/PGDĐT", incident.reference,
                 f"đã sửa thông tin của {district.secondary.name}",
                 f"đã sửa tài khoản {district.staff.full_name} ({district.staff.username})",
                 "Trường Mầm non Hoa Sen (phiên bản 3)",
                 "đã gửi đề nghị về tài khoản chuyenvien.moi"):
        assert name in page
    names = [q.msg[0] for q in counter.get_queries()
             if "UNION ALL" in q.msg[0] or q.msg[0].startswith(f"EXECUTE {NAMES.name}(")]
    assert len(names) == 1
