"""The office's coverage of activities for a school year: which schools held what (a quán triệt
of a given directive), how many people of each group were reached, the schools with none;
filters, search, sort, pages, the chart by month, the XLSX export read back, and the observer's
figures."""

import datetime as dt
import io

import openpyxl
import pytest

from district.activities import years
from district.models import AuditEntry

HX = {"HX-Request": "true"}


def row_of(page, school):
    return page.split(f'id="school-{school.id}"')[1].split("</tr>")[0]


@pytest.fixture
def held(district, make_activity, make_directive, head_counts):
    """The preschool held a quán triệt of the directive (and a meeting of parents); the
    secondary school only a talk for its students."""
    directive = make_directive()
    head_counts(district.preschool, managers=3, teachers=20, employees=5)
    make_activity(district.principal, directives=[directive], managers=3, teachers=18,
                  employees=4)
    make_activity(district.principal, kind="hop_cmhs", title="Họp cha mẹ học sinh",
                  managers=1, teachers=20, employees=0, parents=120)
    make_activity(district.other_principal, kind="tuyen_truyen_hs", title="Tuyên truyền",
                  managers=0, teachers=5, employees=0, students=400)
    return directive


def test_coverage_counts_schools_activities_and_people_reached(district, held, login_as):
    page = login_as(district.officer).get("/activities/").get_data(as_text=True)
    assert 'id="schools-held">2/2<' in page and 'id="activities-total">3<' in page
    preschool = row_of(page, district.preschool)
    # Two activities; the most staff one of them reached: 25 of 28 (89%).
    assert '<td class="num">2</td>' in preschool and "25/28" in preschool and "89%" in preschool
    assert '<td class="num">120</td>' in preschool  # parents
    secondary = row_of(page, district.secondary)
    assert '<td class="num">400</td>' in secondary and "—" in secondary  # no head counts
    reached = page.split('id="reached"')[1].split("</table>")[0]
    # Each school counts its largest activity for each group: 3 + 0 managers, 20 + 5 teachers.
    cells = [c.split("<")[0] for c in reached.split('<td class="num">')[1:]]
    assert cells == ["3", "25", "4", "120", "400"]


def test_which_schools_held_a_quan_triet_of_a_directive_and_which_did_not(
        district, held, login_as):
    client = login_as(district.officer)
    url = f"/activities/?kind=quan_triet&directive={held.id}"
    page = client.get(url + "&state=held").get_data(as_text=True)
    assert f'id="school-{district.preschool.id}"' in page
    assert f'id="school-{district.secondary.id}"' not in page
    page = client.get(url + "&state=none").get_data(as_text=True)
    assert f'id="school-{district.secondary.id}"' in page
    assert f'id="school-{district.preschool.id}"' not in page
    assert 'id="schools-none">1<' in page
    assert held.number in page  # the directive is offered as a filter


def test_filters_search_sort_and_pages(app, district, held, login_as, make_school):
    for n in range(30):
        make_school(name=f"Trường Tiểu học Thử {n:02d}", code=f"TH-THU{n:02d}")
    client = login_as(district.officer)
    app.config["PAGE_SIZE"] = 10
    page = client.get("/activities/").get_data(as_text=True)
    assert page.count('<tr id="school-') == 10 and "32 trường khớp" in page
    assert client.get("/activities/?page=4").status_code == 200
    assert client.get("/activities/?page=5").status_code == 404
    # Search ignores case and diacritics.
    page = client.get("/activities/?q=mam non hoa").get_data(as_text=True)
    assert page.count('<tr id="school-') == 1 and district.preschool.name in page
    page = client.get("/activities/?level=thcs").get_data(as_text=True)
    assert page.count('<tr id="school-') == 1
    # Sorted by the number of activities, most first: the preschool (2), then the secondary (1).
    page = client.get("/activities/?sort=count&dir=desc").get_data(as_text=True)
    order = [part.split('"')[0] for part in page.split('<tr id="school-')[1:3]]
    assert order == [str(district.preschool.id), str(district.secondary.id)]
    assert 'aria-sort="descending"' in page
    # htmx: the results alone, with the figures.
    fragment = client.get("/activities/?kind=hop_cmhs", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="schools-held">1/32<' in fragment


def test_the_chart_counts_activities_by_month_of_the_school_year(district, login_as,
                                                                 make_activity, today):
    first = years.first_day(years.current())
    make_activity(district.principal, held_on=first)
    make_activity(district.principal, held_on=first + dt.timedelta(days=3))
    make_activity(district.other_principal, held_on=today)
    page = login_as(district.officer).get("/activities/").get_data(as_text=True)
    table = page.split('id="chart-months-table"')[1].split("</table>")[0]
    label = first.strftime("%m/%Y")
    assert f'<th scope="row">{label}</th><td>2</td>' in table
    if today.month != first.month:
        assert f'<th scope="row">{today.strftime("%m/%Y")}</th><td>1</td>' in table


def test_a_school_year_is_chosen_and_last_years_activities_stay_in_it(
        district, login_as, make_activity, today):
    last_year = years.current() - 1
    make_activity(district.principal, held_on=years.first_day(last_year) + dt.timedelta(days=5),
                  title="Hoạt động năm học trước")
    client = login_as(district.officer)
    assert 'id="activities-total">0<' in client.get("/activities/").get_data(as_text=True)
    page = client.get(f"/activities/?year={last_year}").get_data(as_text=True)
    assert 'id="activities-total">1<' in page and years.label(last_year) in page
    staff = login_as(district.staff).get(f"/activities/?year={last_year}").get_data(as_text=True)
    assert "Hoạt động năm học trước" in staff
    assert "Hoạt động năm học trước" not in login_as(district.staff).get(
        "/activities/").get_data(as_text=True)


def test_the_export_reads_back_as_the_page_shows_it(district, held, login_as):
    client = login_as(district.officer)
    response = client.get(f"/activities/coverage.xlsx?kind=quan_triet&directive={held.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == f"Năm học {years.label(years.current())}"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("Mã trường", "Tên trường") and "Tỉ lệ (%)" in header
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_code) == {"MN-HOASEN", "THCS-NGUYENDU"}
    hoa_sen = by_code["MN-HOASEN"]
    assert hoa_sen["Số hoạt động"] == 1 and hoa_sen["Tỉ lệ (%)"] == 89
    assert hoa_sen["Đã dự: Giáo viên"] == 18
    assert isinstance(hoa_sen["Lần gần nhất"], dt.datetime)  # a real date cell
    assert by_code["THCS-NGUYENDU"]["Số hoạt động"] == 0
    entry = AuditEntry.get(AuditEntry.action == "activity.export")
    assert entry.details["rows"] == 2 and entry.details["filters"]["kind"] == "quan_triet"


def test_text_a_spreadsheet_would_run_stays_text_in_the_export(district, login_as,
                                                               make_school):
    make_school(name="=HYPERLINK(\"http://x\",\"y\")", code="TH-FORMULA")
    data = login_as(district.officer).get("/activities/coverage.xlsx?q=hyperlink").data
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_observer_sees_the_same_figures_without_schools(district, held, login_as):
    page = login_as(district.observer).get("/activities/").get_data(as_text=True)
    assert 'id="schools-held">2/2<' in page and 'id="activities-total">3<' in page
    kinds = page.split('id="chart-kinds-table"')[1].split("</table>")[0]
    assert '<th scope="row">Quán triệt văn bản</th><td>1</td>' in kinds
    assert district.preschool.name not in page and "school-" not in page
