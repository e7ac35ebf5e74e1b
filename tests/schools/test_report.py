"""The office's periodic report (/reports/): its figures for officers (exact) and for the
observer (small incident counts suppressed), its periods, and its XLSX."""

import datetime as dt
import io
import re

import openpyxl
import pytest

from district import clock
from district.activities import years
from district.models import AuditEntry
from district.schools.queries import period_of


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def count_in(page, table, code):
    found = re.search(rf'<table class="data" id="incidents-{table}">.*?data-code="{code}">'
                      rf'([^<]*)</td>', page, re.S)
    return found.group(1) if found else None


def semester_now():
    """The report's period that holds today: (year, "1" or "2")."""
    today, year = clock.today(), years.current()
    for part in ("1", "2"):
        period = period_of(year, part)
        if period["first"] <= today <= period["last"]:
            return f"{year}-{part}"
    return None


@pytest.mark.parametrize("role", ["principal", "staff", "admin"])
def test_only_officers_and_the_observer_read_the_report(district, login_as, role):
    client = login_as(district.by_role[role])
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/report.xlsx").status_code == 404


def test_semesters_split_the_school_year(app):
    with app.test_request_context("/"):
        first, second, whole = period_of(2026, "1"), period_of(2026, "2"), period_of(2026)
    assert (first["first"], first["last"]) == (dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    assert (second["first"], second["last"]) == (dt.date(2027, 2, 1), dt.date(2027, 5, 31))
    assert (whole["first"], whole["last"]) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert first["months"] == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]
    assert first["label"] == "Học kỳ I năm học 2026–2027"


def test_the_officer_reads_exact_figures(district, login_as, history):
    page = get(login_as(district.officer), "/reports/")
    assert f"Năm học {years.label(years.current())}" in page
    # Directives: 3 issued, 6 receipts, 2 acknowledged (1 on time, 1 late), 1 overdue.
    assert ("3 văn bản ban hành trong kỳ; 2/6 lượt trường đã xác nhận (1 đúng hạn, 1 trễ hạn), "
            "1 quá hạn chưa xác nhận.") in page
    assert "Tỉ lệ xác nhận: 33%." in page
    assert "1/2 trường có tổ tư vấn hợp lệ (50%)" in page
    assert "2 hoạt động; 1 trường đã tổ chức; 188 lượt người tham dự." in page
    # Incidents: exact counts, no suppression note.
    assert 'id="incident-total">4<' in page
    assert count_in(page, "category", "bullying") == "2"
    assert count_in(page, "category", "physical") == "1"
    assert count_in(page, "severity", "critical") == "1"
    assert count_in(page, "level", "mam_non") == "3"
    assert count_in(page, "outcome", "handled_at_school") == "1"
    assert 'id="suppressed-note"' not in page
    # Figures only: never a name or a narrative.
    assert "Nguyễn Minh An" not in page and "trêu chọc" not in page


def test_the_observer_reads_small_counts_suppressed(district, login_as, history):
    page = get(login_as(district.observer), "/reports/")
    assert 'id="suppressed-note"' in page
    assert 'id="incident-total">&lt;5<' in page
    for table, code in (("category", "bullying"), ("category", "physical"),
                        ("level", "mam_non"), ("severity", "critical")):
        assert count_in(page, table, code) == "&lt;5", (table, code)
    assert count_in(page, "category", "neglect") == "0"
    # One resolved incident: its table would give it away, so it is withheld.
    outcome = re.search(r'id="incidents-outcome">.*?</table>', page, re.S).group(0)
    assert "Không công bố bảng này" in outcome and "data-code" not in outcome
    # The school figures (directives, rosters, activities) are the same as the officer's.
    assert "2/6 lượt trường đã xác nhận" in page
    assert "1/2 trường có tổ tư vấn hợp lệ (50%)" in page


def test_five_or_more_are_shown_to_the_observer(district, login_as, make_incident):
    for _n in range(6):
        make_incident(district.principal, district.preschool, hours_ago=2)
    page = get(login_as(district.observer), "/reports/")
    assert 'id="incident-total">6<' in page
    assert count_in(page, "category", "bullying") == "6"


def test_a_period_is_chosen_with_a_select(district, login_as, history):
    client = login_as(district.officer)
    page = get(client, "/reports/")
    assert '<select name="period"' in page
    year = years.current()
    assert f'<option value="{year}-1"' in page and f'<option value="{year}-2"' in page
    current = semester_now()
    if current:
        assert "3 văn bản ban hành trong kỳ" in get(client, f"/reports/?period={current}")
        other = f"{year}-2" if current.endswith("-1") else f"{year}-1"
        assert "0 văn bản ban hành trong kỳ" in get(client, f"/reports/?period={other}")
    assert "0 văn bản ban hành trong kỳ" in get(client, f"/reports/?period={year - 1}")
    # Anything else is the current school year.
    for bad in ("abc", "2026-9", "99999", f"{year + 5}"):
        assert f"Năm học {years.label(year)}</h2>" in get(client, f"/reports/?period={bad}")


def test_the_report_shows_review_rounds_and_their_actions(district, login_as,
                                                         accepted_review):
    review = accepted_review()
    page = get(login_as(district.officer), "/reports/")
    row = re.search(r'<table class="data striped" id="review-table">.*?</table>', page, re.S)
    assert row and review.round.title in row.group(0)
    cells = re.findall(r'<td class="num">(\d+)</td>', row.group(0))
    # 2 schools; states not started 1, draft 0, submitted 0, returned 0, accepted 1;
    # actions open 1, late 0, closed 0.
    assert cells == ["2", "1", "0", "0", "0", "1", "1", "0", "0"]


def workbook(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data))


def rows_of(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_xlsx_holds_the_officers_figures(district, login_as, history):
    book = workbook(login_as(district.officer).get("/reports/report.xlsx"))
    assert book.sheetnames == ["Văn bản chỉ đạo", "Tổ tư vấn", "Tuyên truyền, tập huấn",
                               "Rà soát", "Vụ việc"]
    directives = rows_of(book["Văn bản chỉ đạo"])
    assert directives[1][0] == "Số hiệu"
    assert {r[0] for r in directives[2:5]} == {history.d1.number, history.d2.number,
                                               history.d3.number}
    total = directives[-1]
    assert total[0] == "Tổng cộng" and total[4:10] == [6, 2, 1, 1, 1, 0]
    assert isinstance(directives[2][3], dt.datetime)  # a real date
    incidents = rows_of(book["Vụ việc"])
    assert incidents[0] == ["Tổng số vụ việc tiếp nhận trong kỳ", 4]
    assert ["Bắt nạt", 2] in incidents
    assert ["Đã xử lý tại trường", 1] in incidents
    rosters = rows_of(book["Tổ tư vấn"])
    assert rosters[-1][0] == "Tổng cộng" and rosters[-1][1] == 2
    assert AuditEntry.select().where(AuditEntry.action == "report.export").count() == 1


def test_the_observers_xlsx_is_suppressed_like_the_page(district, login_as, history):
    book = workbook(login_as(district.observer).get("/reports/report.xlsx"))
    incidents = rows_of(book["Vụ việc"])
    assert incidents[0] == ["Tổng số vụ việc tiếp nhận trong kỳ", "<5"]
    assert ["Bắt nạt", 2] not in incidents
    assert ["Bắt nạt", "<5"] in incidents


def test_the_xlsx_of_a_chosen_period(district, login_as, history):
    year = years.current()
    response = login_as(district.officer).get(f"/reports/report.xlsx?period={year - 1}")
    assert f"bao-cao-{year - 1}.xlsx" in response.headers["Content-Disposition"]
    directives = rows_of(workbook(response)["Văn bản chỉ đạo"])
    assert directives[0][0] == f"Năm học {years.label(year - 1)}"
    assert directives[-1][4] == 0


def test_each_semester_counts_what_happened_in_its_months(app, district, login_as,
                                                         make_directive, make_incident):
    """Last school year: a directive issued in October (semester I), an activity held in March
    and an incident reported in February (semester II); the whole year has all three."""
    from district.activities import operations as activity_operations
    from tests.schools.conftest import activity_values

    last = years.current() - 1
    make_directive(issued_on=dt.date(last, 10, 1))
    with app.app_context():
        activity_operations.record_activity(
            district.principal, district.preschool,
            activity_values(held_on=dt.date(last + 1, 3, 10)), [], [], {})
    february = clock.to_utc(dt.datetime(last + 1, 2, 10, 9, 0))
    make_incident(district.principal, district.preschool,
                  hours_ago=(clock.utcnow() - february).total_seconds() / 3600)
    client = login_as(district.officer)
    first = get(client, f"/reports/?period={last}-1")
    second = get(client, f"/reports/?period={last}-2")
    whole = get(client, f"/reports/?period={last}")
    assert "1 văn bản ban hành trong kỳ" in first and "0 văn bản" in second
    assert "0 hoạt động;" in first and "1 hoạt động;" in second
    assert 'id="incident-total">0<' in first and 'id="incident-total">1<' in second
    assert "1 văn bản" in whole and "1 hoạt động;" in whole and 'id="incident-total">1<' in whole
    # This school year has none of them.
    assert "0 văn bản ban hành trong kỳ" in get(client, "/reports/")
