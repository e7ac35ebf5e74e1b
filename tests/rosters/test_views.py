"""Who sees and edits what; editing in place with HTMX and without JavaScript; history; the
officer's coverage page (filters, search, pagination, exports, fixed query count); home cards."""

import csv
import io

import openpyxl
import pytest

from district.models import AuditEntry, Roster, School
from district.rosters import operations, queries, rules

from .conftest import complete_members, member

HX = {"HX-Request": "true"}


# --- Permissions ---------------------------------------------------------------------------


def test_principal_and_staff_see_their_school_roster(app, login_as, district, save_roster):
    save_roster(district.preschool, district.principal)
    page = login_as(district.principal).get("/rosters/").get_data(as_text=True)
    assert "Trần Thị Lan" in page and 'id="add-member"' in page and "Sửa" in page
    staff_page = login_as(district.staff).get("/rosters/").get_data(as_text=True)
    assert "Trần Thị Lan" in staff_page
    assert 'id="add-member"' not in staff_page and "edit-member" not in staff_page
    assert "Chỉ Hiệu trưởng cập nhật" in staff_page


def test_another_schools_roster_is_404(app, login_as, district, save_roster):
    other = save_roster(district.secondary, district.other_principal)
    member_id = queries.members_of(other)[0].id
    client = login_as(district.principal)
    assert client.get(f"/rosters/versions/{other.id}").status_code == 404
    assert client.get(f"/rosters/schools/{district.secondary.id}").status_code == 404
    assert client.get(f"/rosters/members/{member_id}/edit").status_code == 404
    assert client.post(f"/rosters/members/{member_id}",
                       data={"full_name": "X", "team_role": "to_truong",
                             "member_group": "leadership", "version": "1"}).status_code == 404
    assert client.post(f"/rosters/members/{member_id}/delete",
                       data={"version": "1"}).status_code == 404
    assert Roster.select().count() == 1
    # The own school's pages answer.
    mine = save_roster(district.preschool, district.principal)
    assert client.get(f"/rosters/versions/{mine.id}").status_code == 200
    assert client.get(f"/rosters/schools/{district.preschool.id}").status_code == 200


def test_staff_cannot_edit(app, login_as, district, save_roster):
    roster = save_roster(district.preschool, district.principal)
    member_id = queries.members_of(roster)[0].id
    staff = login_as(district.staff)
    assert staff.get("/rosters/members/new").status_code == 404
    assert staff.post("/rosters/members", data={"full_name": "X"}).status_code == 404
    assert staff.get(f"/rosters/members/{member_id}/edit").status_code == 404
    assert staff.post(f"/rosters/members/{member_id}/delete",
                      data={"version": "1"}).status_code == 404
    assert staff.post("/rosters/rules", data={"rule_set": "tt31-2017"}).status_code == 404
    assert Roster.select().count() == 1


def test_observer_sees_only_the_coverage_figure(app, login_as, district, save_roster):
    save_roster(district.preschool, district.principal)
    client = login_as(district.observer)
    home = client.get("/").get_data(as_text=True)
    assert 'id="roster-coverage">50%<' in home
    assert "1 trên 2 trường" in home
    assert "Trần Thị Lan" not in home and "Hoa Sen" not in home
    for url in ("/rosters/", f"/rosters/schools/{district.preschool.id}",
                "/rosters/coverage.csv", "/rosters/template.xlsx", "/rosters/rules"):
        assert client.get(url).status_code == 404, url
    roster = queries.current_roster(district.preschool.id)
    assert client.get(f"/rosters/versions/{roster.id}").status_code == 404


def test_coverage_figures_count_the_active_schools_by_their_current_roster(
        app, district, make_school, save_roster):
    from district.admin import operations as admin_operations

    closed = make_school(name="Trường Tiểu học Đã Sáp Nhập")
    save_roster(closed, district.principal)
    unstaffed = make_school(name="Trường Tiểu học Chưa Có Tổ")
    save_roster(district.preschool, district.principal)
    save_roster(district.preschool, district.principal,
                members=[member("Nguyễn Văn An")])  # its current one: one member short of a team
    admin_operations.set_school_active(district.admin, closed, False)
    admin_operations.set_school_active(district.admin, unstaffed, False)

    by_hand = {"complete": 0, "warnings": 0, "incomplete": 0, "none": 0}
    for school in School.select().where(School.active == True):  # noqa: E712
        roster = queries.current_roster(school.id)
        by_hand[roster.state if roster else "none"] += 1
    for user in (district.officer, district.observer):
        counts = queries.coverage_counts(user)
        assert {state: counts[state] for state in by_hand} == by_hand
        assert counts["total"] == sum(by_hand.values())
    assert by_hand["incomplete"] == 1 and by_hand["complete"] == 0


def test_admin_has_no_roster_access(app, login_as, district):
    client = login_as(district.admin)
    assert client.get("/rosters/").status_code == 404
    assert client.get("/rosters/coverage.xlsx").status_code == 404


# --- Editing in place --------------------------------------------------------------------


def _form(m, version, **changes):
    data = {"full_name": m.full_name, "position": m.position, "team_role": m.team_role,
            "member_group": m.member_group, "phone": m.phone, "email": m.email,
            "trained_on": m.trained_on.isoformat() if m.trained_on else "",
            "version": str(version)}
    if m.trained:
        data["trained"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_change_one_member_in_place_makes_a_new_version(app, login_as, district, save_roster):
    rows = complete_members("mam_non")
    rows[1] = rows[1] | {"trained": False, "trained_on": None}
    roster = save_roster(district.preschool, district.principal, rows)
    assert roster.state == "warnings"
    client = login_as(district.principal)
    target = queries.members_of(roster)[1]

    edit = client.get(f"/rosters/members/{target.id}/edit", headers=HX)
    assert edit.status_code == 200
    fragment = edit.get_data(as_text=True)
    assert fragment.lstrip().startswith("<tr") and "<html" not in fragment
    assert 'value="Nguyễn Văn Bình"' in fragment

    response = client.post(f"/rosters/members/{target.id}", headers=HX,
                           data=_form(target, 1, trained="y", trained_on="2026-03-10"))
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#roster"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="roster">')
    assert "Phiên bản 2" in body and "Đầy đủ" in body and "10/03/2026" in body
    # The history says who changed what.
    assert "Sửa: Nguyễn Văn Bình (đã tập huấn, ngày tập huấn)" in body

    current = queries.current_roster(district.preschool.id)
    assert current.version == 2 and current.state == "complete"
    assert Roster.get_by_id(roster.id).is_current is False
    old_page = client.get(f"/rosters/versions/{roster.id}").get_data(as_text=True)
    assert "đã có phiên bản mới hơn" in old_page and "Đầy đủ, có lưu ý" in old_page
    entry = AuditEntry.select().where(AuditEntry.action == "roster.member_change").get()
    assert entry.details["changed"][0]["name"] == "Nguyễn Văn Bình"
    assert set(entry.details["changed"][0]["fields"]) == {"trained", "trained_on"}


def test_add_and_remove_members_without_javascript(app, login_as, district, save_roster):
    roster = save_roster(district.preschool, district.principal)
    client = login_as(district.principal)
    page = client.get("/rosters/members/new")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    response = client.post("/rosters/members", data={
        "full_name": "  Đặng Thị Thu  ", "position": "Giáo viên", "team_role": "thanh_vien",
        "member_group": "counselor", "version": "1"})
    assert response.status_code == 302
    current = queries.current_roster(district.preschool.id)
    assert current.version == 2 and current.member_count == 5
    assert queries.members_of(current)[-1].full_name == "Đặng Thị Thu"

    health = next(m for m in queries.members_of(current) if m.member_group == "health")
    response = client.post(f"/rosters/members/{health.id}/delete", data={"version": "2"})
    assert response.status_code == 302
    current = queries.current_roster(district.preschool.id)
    assert current.version == 3 and current.state == "warnings"
    history = client.get("/rosters/").get_data(as_text=True)
    assert "Bỏ: Lê Thị Hoa" in history and "Thêm: Đặng Thị Thu" in history
    assert Roster.select().where(Roster.school == district.preschool.id).count() == 3
    assert roster.id in [e["roster"].id for e in queries.history(
        Roster.select().where(Roster.school == district.preschool.id))]


def test_first_member_of_a_school_without_roster(app, login_as, district):
    client = login_as(district.principal)
    response = client.post("/rosters/members", headers=HX, data={
        "full_name": "Trần Thị Lan", "team_role": "to_truong", "member_group": "leadership",
        "version": "0"})
    assert response.status_code == 200
    assert "Chưa đầy đủ" in response.get_data(as_text=True)
    assert queries.current_roster(district.preschool.id).state == "incomplete"
    assert queries.valid_roster_on_file(district.preschool.id) is None


def test_validation_error_is_422_and_keeps_what_was_typed(app, login_as, district,
                                                         save_roster):
    save_roster(district.preschool, district.principal)
    response = login_as(district.principal).post("/rosters/members", headers=HX, data={
        "full_name": "", "position": "Cô giáo chủ nhiệm lớp Lá 2", "team_role": "thanh_vien",
        "member_group": "counselor", "email": "sai-dia-chi", "version": "1"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<tr")
    assert 'value="Cô giáo chủ nhiệm lớp Lá 2"' in body and 'value="sai-dia-chi"' in body
    assert 'aria-invalid="true"' in body
    assert "Mục này bắt buộc." in body and "Địa chỉ thư điện tử không hợp lệ." in body
    assert queries.current_roster(district.preschool.id).version == 1


def test_stale_edit_is_refused_with_409(app, login_as, district, save_roster):
    roster = save_roster(district.preschool, district.principal)
    target = queries.members_of(roster)[1]
    client = login_as(district.principal)
    # Someone else saves a version meanwhile.
    save_roster(district.preschool, district.principal,
                complete_members("mam_non") + [member("Mai Văn Tú")])
    response = client.post(f"/rosters/members/{target.id}", headers=HX,
                           data=_form(target, 1, position="Giáo viên Toán"))
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.get_data(as_text=True)
    assert queries.current_roster(district.preschool.id).version == 2


# --- Valid-roster contract ----------------------------------------------------------------


def test_valid_roster_on_file_contract(app, district, save_roster):
    assert queries.valid_roster_on_file(district.secondary.id) is None
    rows = [m for m in complete_members("thcs") if m["member_group"] != "parent"]
    roster = save_roster(district.secondary, district.other_principal, rows)
    assert roster.state == "warnings"
    assert queries.valid_roster_on_file(district.secondary.id).id == roster.id
    incomplete = save_roster(district.secondary, district.other_principal, rows[1:])
    assert queries.current_roster(district.secondary.id).id == incomplete.id
    assert queries.valid_roster_on_file(district.secondary.id) is None


# --- Officer: coverage ---------------------------------------------------------------------


def test_officer_sees_every_school_and_opens_one(app, login_as, district, save_roster):
    save_roster(district.preschool, district.principal)
    client = login_as(district.officer)
    page = client.get("/rosters/").get_data(as_text=True)
    assert "Trường Mầm non Hoa Sen" in page and "Trường THCS Nguyễn Du" in page
    assert 'id="coverage-rate">1/2<' in page
    assert "Chưa có" in page and "Đầy đủ" in page
    school_page = client.get(f"/rosters/schools/{district.preschool.id}").get_data(
        as_text=True)
    assert "Trần Thị Lan" in school_page and "Lịch sử các phiên bản" in school_page
    assert "edit-member" not in school_page
    home = client.get("/").get_data(as_text=True)
    assert 'id="roster-coverage">1/2<' in home


def test_filters_and_diacritic_insensitive_search(app, login_as, district, make_school,
                                                  save_roster):
    make_school(name="Trường Tiểu học Lê Lợi", level="tieu_hoc", ownership="tu_thuc",
                commune="Phường Bình Minh")
    save_roster(district.preschool, district.principal)
    client = login_as(district.officer)

    def names(**args):
        body = client.get("/rosters/", query_string=args, headers=HX).get_data(as_text=True)
        return {n for n in ("Hoa Sen", "Nguyễn Du", "Lê Lợi") if n in body}

    assert names(q="nguyen du") == {"Nguyễn Du"}
    assert names(q="LE LOI") == {"Lê Lợi"}
    import unicodedata

    assert names(q=unicodedata.normalize("NFD", "Hoa Sen")) == {"Hoa Sen"}
    assert names(state="complete") == {"Hoa Sen"}
    assert names(state="none") == {"Nguyễn Du", "Lê Lợi"}
    assert names(level="thcs") == {"Nguyễn Du"}
    assert names(ownership="tu_thuc") == {"Lê Lợi"}
    assert names(commune="Phường Bình Minh") == {"Lê Lợi"}


def test_pagination(app, login_as, district, make_school):
    app.config["PAGE_SIZE"] = 5
    for i in range(10):
        make_school(name=f"Trường Tiểu học Số {i:02d}")
    client = login_as(district.officer)
    first = client.get("/rosters/").get_data(as_text=True)
    third = client.get("/rosters/?page=3").get_data(as_text=True)
    assert first.count('<tr id="school-') == 5 and third.count('<tr id="school-') == 2
    assert "?page=2" in first
    assert client.get("/rosters/?page=9").status_code == 404


def test_the_pager_counts_the_schools_of_the_list_shown(app, login_as, district, make_school,
                                                       save_roster):
    """The officer's pager takes its total from the coverage figures when only the state
    narrows the list, and counts the rows when a search or a filter does: either way its last
    page is the list's last."""
    app.config["PAGE_SIZE"] = 1  # the last page's number is the count
    for i in range(5):
        make_school(name=f"Trường Tiểu học Lạc Long {i}", level="tieu_hoc")
    save_roster(district.preschool, district.principal)
    client = login_as(district.officer)
    active = School.select().where(School.active == True).count()  # noqa: E712

    def last_page(query):
        page = 1
        while client.get(f"/rosters/?{query}&page={page + 1}").status_code == 200:
            page += 1
        return page

    assert last_page("") == active
    assert last_page("state=complete") == 1
    assert last_page("state=none") == active - 1
    assert last_page("q=lac+long") == 5
    assert last_page("state=none&level=tieu_hoc") == 5
    # The filter bar shows the choices made.
    page = client.get("/rosters/?state=none&level=tieu_hoc").get_data(as_text=True)
    assert '<option selected value="none">' in page
    assert '<option selected value="tieu_hoc">' in page
    assert page.count("<option selected") == 2


def test_exports_csv_with_bom_and_xlsx(app, login_as, district, save_roster):
    save_roster(district.preschool, district.principal)
    client = login_as(district.officer)
    response = client.get("/rosters/coverage.csv?state=complete")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã trường", "Tên trường"]
    assert len(rows) == 2 and rows[1][0] == "MN-HOASEN" and rows[1][5] == "Đầy đủ"
    assert rows[1][8] == "4"

    response = client.get("/rosters/coverage.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert {v[0] for v in values[1:]} == {"MN-HOASEN", "THCS-NGUYENDU"}
    assert AuditEntry.select().where(AuditEntry.action == "roster.export").count() == 2


def _district_of(n, make_school, save_roster, principal):
    for i in range(n):
        school = make_school(name=f"Trường Số {i}", level=("thcs", "mam_non")[i % 2],
                             commune=f"Xã {i % 7}")
        if i % 3:
            save_roster(school, principal)


@pytest.mark.parametrize("page_size", [25, 500])
def test_coverage_page_runs_a_fixed_number_of_queries(app, login_as, district, make_school,
                                                      save_roster, queries, page_size):
    app.config["PAGE_SIZE"] = page_size
    client = login_as(district.officer)
    _district_of(8, make_school, save_roster, district.principal)  # 10 schools in all
    client.get("/rosters/")
    with queries() as small:
        response = client.get("/rosters/")
    assert response.status_code == 200
    with queries() as export_small:
        small_csv = client.get("/rosters/coverage.csv")
    assert small_csv.status_code == 200
    assert len(small_csv.get_data(as_text=True).strip().splitlines()) == 1 + 10
    _district_of(290, make_school, save_roster, district.principal)  # 300 in all
    with queries() as large:
        response = client.get("/rosters/")
    assert response.get_data(as_text=True).count('<tr id="school-') == min(300, page_size)
    assert small.count == large.count
    # The page's own four (figures, which give the pager its total, communes, rule set, the
    # page of schools), the signed-in user, and what the layout asks (menu badge, bell,
    # notifications read by opening).
    assert large.count <= 9
    print(f"coverage page: {large.count} queries for 10 and for 300 schools "
          f"(page size {page_size})")
    with queries() as export:
        large_csv = client.get("/rosters/coverage.csv")
    assert len(large_csv.get_data(as_text=True).strip().splitlines()) == 1 + 300
    assert export.count == export_small.count, (export_small.count, export.count)
    assert 0 < export.count <= 6, export.count


def test_home_card_of_a_school(app, login_as, district, save_roster):
    home = login_as(district.staff).get("/").get_data(as_text=True)
    assert 'id="roster-card"' in home and "Trường chưa có danh sách tổ tư vấn." in home
    save_roster(district.preschool, district.principal)
    home = login_as(district.principal).get("/").get_data(as_text=True)
    assert "Phiên bản 1, 4 thành viên" in home and "Cập nhật danh sách" in home


def test_officer_changes_the_rule_set(app, login_as, district):
    client = login_as(district.officer)
    page = client.get("/rosters/rules").get_data(as_text=True)
    assert "Thông tư 18/2025/TT-BGDĐT" in page and 'id="in-force">Thông tư 18/2025' in page
    preschool = page.split('id="rules-pgd-mam-non"')[1]
    assert "Không có ở cấp học này (có thì lưu ý): Phụ trách Đoàn/Đội, Đại diện học sinh" in (
        preschool)
    response = client.post("/rosters/rules", data={"rule_set": "tt31-2017"},
                           follow_redirects=True)
    assert 'id="in-force">Thông tư 31/2017/TT-BGDĐT' in response.get_data(as_text=True)
    assert client.post("/rosters/rules", data={"rule_set": "bogus"}).status_code == 422
    # The choice is stored and audited; the refused one changed nothing.
    assert rules.rule_set_in_force() == "tt31-2017"
    entries = list(AuditEntry.select().where(AuditEntry.action == "roster.rule_set"))
    assert [(e.details["from"], e.details["to"]) for e in entries] == [(None, "tt31-2017")]
    assert 'id="in-force">Thông tư 31/2017/TT-BGDĐT' in client.get(
        "/rosters/rules").get_data(as_text=True)


def test_pages_read_in_english(app, login_as, district, save_roster):
    from district.models import User

    rows = [m for m in complete_members("mam_non") if m["member_group"] != "parent"]
    save_roster(district.preschool, district.principal, rows)
    User.update(locale="en").where(User.id.in_([district.officer.id,
                                                district.principal.id])).execute()
    page = login_as(district.officer).get("/rosters/").get_data(as_text=True)
    assert "Counseling teams of the schools" in page and "Complete with warnings" in page
    assert "schools with a complete roster (50%)" in page
    school = login_as(district.principal).get("/rosters/").get_data(as_text=True)
    assert "The team has no member in the group “Parent representative”." in school
    assert "Add a member" in school


def test_coverage_counts_the_members_the_rules_want_trained(app, login_as, district,
                                                           save_roster):
    rows = complete_members("thcs")
    # Trained, but in no group that must be trained: a health worker and a parent.
    rows[2]["trained"] = rows[3]["trained"] = True
    roster = save_roster(district.secondary, district.other_principal, rows)
    # Thông tư 18/2025 (default) wants leadership and counselors trained: 2 of those 2.
    assert roster.trained_count == 2
    page = login_as(district.officer).get("/rosters/").get_data(as_text=True)
    assert "Nhóm phải tập huấn: đã tập huấn" in page
    row = page.split(f'id="school-{district.secondary.id}"')[1].split("</tr>")[0]
    assert row.rstrip().endswith('<td class="num">2/2</td>'), row
    export = login_as(district.officer).get("/rosters/coverage.csv").get_data(as_text=True)
    exported = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    header, line = exported[0], next(r for r in exported if r[0] == "THCS-NGUYENDU")
    assert line[header.index("Thành viên đã tập huấn")] == "4"
    assert line[header.index("Nhóm phải tập huấn: đã tập huấn / số thành viên")] == "2/2"
    # Under Thông tư 31/2017 only counselors must be trained: the figure follows the rules.
    operations.set_rule_set(district.officer, "tt31-2017")
    assert Roster.get_by_id(roster.id).trained_count == 1
    row = login_as(district.officer).get("/rosters/").get_data(as_text=True).split(
        f'id="school-{district.secondary.id}"')[1].split("</tr>")[0]
    assert row.rstrip().endswith('<td class="num">1/1</td>'), row
