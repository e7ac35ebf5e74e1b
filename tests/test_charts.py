"""Charts drawn on the server (district/charts.py, templates/_partials/charts.html): their
geometry, and on the pages each chart with its numbers as a table; the observer's charts never
carry a suppressed count."""

import datetime as dt
import re

import pytest

from district import charts, clock
from district.directives import operations as directive_operations
from district.directives import tallies as directive_tallies
from district.directives.queries import HOME_COMMUNES
from district.incidents import operations as incident_operations
from district.incidents import suppression
from district.models import Recipient
from tests.incidents.conftest import report_data


@pytest.fixture(name="today")
def _today(app):
    return clock.today()


@pytest.fixture(name="make_directive")
def _make_directive(district, today):
    """A directive to every school, published by the district's officer."""
    def factory(**fields):
        data = {"number": f"{fields.pop('n', 1)}/PGDĐT-CTHSSV", "title": "Về việc thử biểu đồ",
                "body": "Các trường triển khai.", "signer": "Nguyễn Văn Trưởng",
                "issued_on": today - dt.timedelta(days=5),
                "deadline": today + dt.timedelta(days=7), "response_kind": "ack",
                "audience_kind": "all", **fields}
        return directive_operations.publish(
            district.officer, directive_operations.create_draft(district.officer, data))
    return factory


@pytest.fixture(name="report")
def _report(app):
    def factory(actor, **fields):
        data, students = report_data(**fields)
        return incident_operations.report(actor, actor.school, data, students, {})
    return factory

# --- Geometry ----------------------------------------------------------------------------------


def test_bars_scale_to_the_largest_value():
    chart = charts.bars([("A", 10), ("B", 5), ("C", 0)])
    a, b, c = chart["rows"]
    assert a["w"] == chart["track"] == charts.WIDTH - charts.TEXT_ROOM
    assert b["w"] == chart["track"] / 2
    assert c["w"] == 0
    assert [r["text"] for r in chart["rows"]] == ["10", "5", "0"]
    # One row under the other, each label above its bar, the value after the bar.
    assert a["label_y"] < a["y"] < b["label_y"] < b["y"] < c["y"]
    assert b["text_x"] > b["w"] and b["text_y"] <= b["y"] + b["h"]
    assert chart["height"] == c["y"] + c["h"]
    assert not chart["empty"]


def test_bars_with_a_fixed_scale_and_tiny_values():
    chart = charts.bars([("A", 1), ("B", 50)], max_value=1000)
    assert chart["rows"][0]["w"] == 1  # above zero is never drawn as nothing
    assert chart["rows"][1]["w"] == round(chart["track"] * 50 / 1000, 1)


def test_nothing_to_draw_is_empty():
    assert charts.bars([])["empty"]
    assert charts.bars([("A", 0), ("B", 0)])["empty"]
    # A rate of 0 % is something to show.
    assert not charts.rate_bars([{"label": "A", "done": 0, "total": 3, "rate": 0}])["empty"]


def test_a_suppressed_bar_has_the_same_length_whatever_the_count_behind_it():
    """The chart only ever gets the shown text; a "<5" or a "*" is a hatched bar of a fixed
    length, which says nothing of the count."""
    for values in ([3, 6, 40], [4, 9, 10], [1, 40, 41]):
        rows = suppression.shown_table(list(zip("abc", values, strict=True)), exact=False)
        chart = charts.bars([(code, text) for code, text in rows])
        marked = [r for r in chart["rows"] if r["marked"]]
        assert [r["text"] for r in marked] == ["<5", "*"]
        assert {r["w"] for r in marked} == {charts.MARKED_LENGTH}
        shown = [r for r in chart["rows"] if not r["marked"]]
        assert [r["w"] for r in shown] == [chart["track"]]  # scaled to shown values only
    assert charts.is_marked("<5") and charts.is_marked("*") and not charts.is_marked("12")


def test_rate_bars_are_on_a_scale_of_100():
    chart = charts.rate_bars([{"label": "Mầm non", "done": 3, "total": 4, "rate": 75},
                              {"label": "THCS", "done": 0, "total": 2, "rate": 0}])
    assert chart["max"] == 100
    assert chart["rows"][0]["w"] == round(chart["track"] * 0.75, 1)
    assert [r["text"] for r in chart["rows"]] == ["75% (3/4)", "0% (0/2)"]


def test_cumulative_line_against_the_deadline():
    first, deadline = dt.date(2026, 11, 1), dt.date(2026, 11, 10)
    chart = charts.cumulative([(dt.date(2026, 11, 2), 3), (dt.date(2026, 11, 5), 2),
                               (dt.date(2026, 11, 12), 1)],
                              first, deadline, deadline=deadline, total=10)
    # Widened to the late acknowledgement's day; 12 days from 01/11 to 12/11.
    assert chart["last"] == dt.date(2026, 11, 12)
    assert [(r["n"], r["sum"], r["late"]) for r in chart["rows"]] == [
        (3, 3, False), (2, 5, False), (1, 6, True)]
    axis = chart["axis"]
    plot_w = axis["x1"] - axis["x0"]
    # The deadline is drawn where its day ends: after 10 of the 12 days.
    assert chart["deadline_x"] == round(axis["x0"] + plot_w * 10 / 12, 1)
    # The total (10 schools) is the top of the scale; 6 is 60 % of the way up.
    assert chart["total_y"] == axis["y1"]
    points = [tuple(map(float, p.split(","))) for p in chart["points"].split()]
    assert points[0] == (axis["x0"], axis["y0"])
    assert points[-1][0] == axis["x1"]
    height = axis["y0"] - axis["y1"]
    assert points[-1][1] == round(axis["y0"] - height * 0.6, 1)
    ys = [y for _x, y in points]
    assert ys == sorted(ys, reverse=True)  # a running total never goes down
    assert [d["text"] for d in chart["days"]] == ["01/11", "12/11"]


def test_cumulative_without_any_acknowledgement():
    day = dt.date(2026, 11, 1)
    chart = charts.cumulative([], day, day + dt.timedelta(days=3), deadline=day, total=4)
    assert chart["rows"] == [] and chart["last_sum"] == 0
    assert len(chart["points"].split()) == 2  # a flat line at zero


def test_day_span_runs_to_the_deadline_then_to_today():
    published, deadline = dt.date(2026, 11, 1), dt.date(2026, 11, 10)
    assert charts.day_span(published, deadline, dt.date(2026, 11, 3)) == (published, deadline)
    assert charts.day_span(published, deadline, dt.date(2026, 11, 20)) == (
        published, dt.date(2026, 11, 20))
    assert charts.day_span(published, deadline, dt.date(2027, 6, 1)) == (
        published, deadline + dt.timedelta(days=60))


# --- Pages -------------------------------------------------------------------------------------


def _figure(page, figure_id):
    assert f'id="{figure_id}"' in page, figure_id
    return page.split(f'id="{figure_id}"')[1].split("</figure>")[0]


def _svg(figure):
    svg = figure.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-label="' in svg
    return svg


def _cells(figure):
    table = figure.split("<table")[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]


def test_tracking_page_charts_acknowledgements_by_local_day(district, login_as, make_directive,
                                                           today, make_school):
    """Two schools acknowledge at 23:30 and 00:30 local time, an hour apart in UTC but on two
    local days; a third after the deadline."""
    third = make_school(name="Trường Tiểu học Thứ Ba", commune="Xã Bình An")
    directive = make_directive(deadline=today - dt.timedelta(days=1))
    day = today - dt.timedelta(days=3)
    when = {
        district.preschool.id: dt.datetime.combine(day, dt.time(23, 30)),
        district.secondary.id: dt.datetime.combine(day, dt.time(0, 30)) + dt.timedelta(days=1),
        third.id: dt.datetime.combine(today, dt.time(8)),
    }
    with login_as(district.officer).application.app_context():
        for school_id, local in when.items():
            Recipient.update(acknowledged_at=clock.to_utc(local), acknowledged_by=district.officer,
                             ack_late=local.date() > directive.deadline).where(
                Recipient.directive == directive.id, Recipient.school == school_id).execute()
        directive_tallies.rebuild()  # written directly, as a bulk load would: counts redone
    page = login_as(district.officer).get(f"/directives/{directive.id}/tracking").get_data(
        as_text=True)
    figure = _figure(page, "ack-chart")
    svg = _svg(figure)
    assert 'class="chart-line"' in svg and 'class="chart-deadline"' in svg
    fmt = "%d/%m/%Y"
    assert _cells(figure) == [
        [day.strftime(fmt), "1", "1"],
        [(day + dt.timedelta(days=1)).strftime(fmt), "1", "2"],
        [today.strftime(fmt), "1", "3"],
    ]
    assert 'class="late"' in figure  # the acknowledgement after the deadline
    assert directive.deadline.strftime(fmt) in svg
    # The table of schools below still answers htmx without the chart.
    fragment = login_as(district.officer).get(f"/directives/{directive.id}/tracking",
                                              headers={"HX-Request": "true"})
    assert "ack-chart" not in fragment.get_data(as_text=True)


def test_officer_home_charts_rates_coverage_and_incidents(district, login_as, make_directive,
                                                          make_school, report):
    make_school(name="Trường Tiểu học Bình An", commune="Xã Bình An", level="tieu_hoc")
    directive = make_directive()
    directive_operations.acknowledge(district.principal, directive)
    for _ in range(3):
        report(district.staff, category="neglect")
    page = login_as(district.officer).get("/").get_data(as_text=True)
    levels = _figure(page, "rates-level")
    _svg(levels)
    assert ["Mầm non", "100% (1/1)"] in _cells(levels)
    assert ["Trung học cơ sở", "0% (0/1)"] in _cells(levels)
    communes = _figure(page, "rates-commune")
    assert _cells(communes) == [["Xã Bình An", "0% (0/1)"], ["Xã Tân Phú", "50% (1/2)"]]
    coverage = _figure(page, "roster-coverage-chart")
    _svg(coverage)
    assert _cells(coverage) == [["Đầy đủ", "0"], ["Đầy đủ, có lưu ý", "0"],
                                ["Chưa đầy đủ", "0"], ["Chưa có", "3"]]
    category = _figure(page, "home-incidents-category")
    _svg(category)
    assert ["Bỏ mặc, sao nhãng", "3"] in _cells(category)  # officers see exact counts
    status = _figure(page, "home-incidents-status")
    assert ["Mới tiếp nhận", "3"] in _cells(status)
    month = _figure(page, "home-incidents-month")
    assert [r[1] for r in _cells(month)] == ["3"]


def test_homes_chart_the_communes_with_the_lowest_rates_and_link_to_every_commune(
        district, login_as, make_directive, make_school):
    """A province has a hundred communes: past HOME_COMMUNES the homes chart the communes with
    the lowest rates, lowest first, and link to the page of every commune."""
    many = HOME_COMMUNES + 2
    schools = [make_school(name=f"Trường Tiểu học Xã {n:02d}", commune=f"Xã {n:02d}")
               for n in range(many)]
    directive = make_directive()
    for school in schools[:3]:
        directive_operations.acknowledge_for_school(district.officer, directive, school.id,
                                                    "paper", "Công văn giấy của trường")
    directive_operations.acknowledge(district.principal, directive)  # Xã Tân Phú: 1 of 2
    every = many + 1
    for user in (district.officer, district.observer):
        client = login_as(user)
        page = client.get("/").get_data(as_text=True)
        figure = _figure(page, "rates-commune")
        assert f"{HOME_COMMUNES} xã/phường có tỉ lệ xác nhận thấp nhất" in figure
        _svg(figure)
        # The communes at 0% in name order, then Tân Phú's 50%; none of those at 100%.
        assert _cells(figure) == [[f"Xã {n:02d}", "0% (0/1)"] for n in range(3, many)] + [
            ["Xã Tân Phú", "50% (1/2)"]]
        assert (f'<a href="/directives/rates#rates-commune">Tỉ lệ của cả {every} xã/phường</a>'
                in page)
        full = client.get("/directives/rates")
        assert full.status_code == 200
        cells = _cells(_figure(full.get_data(as_text=True), "rates-commune"))
        assert [c[0] for c in cells] == [f"Xã {n:02d}" for n in range(many)] + ["Xã Tân Phú"]
        assert cells[0] == ["Xã 00", "100% (1/1)"]
    english = login_as(district.officer)
    english.post("/language", data={"locale": "en"})
    assert "Rates of all 15 communes" in english.get("/").get_data(as_text=True)
    for user in (district.principal, district.staff, district.admin):
        assert login_as(user).get("/directives/rates").status_code == 404


def test_observer_home_charts_keep_small_counts_suppressed(district, login_as, report,
                                                          make_directive):
    make_directive()
    for _ in range(3):
        report(district.staff, category="neglect")
    for _ in range(6):
        report(district.staff, category="bullying")
    page = login_as(district.observer).get("/").get_data(as_text=True)
    _svg(_figure(page, "rates-level"))
    _svg(_figure(page, "rates-commune"))
    assert _cells(_figure(page, "roster-coverage-chart"))[-1] == ["Chưa có", "2"]
    category = _figure(page, "home-incidents-category")
    cells = dict(map(tuple, _cells(category)))
    assert cells["Bỏ mặc, sao nhãng"] == "&lt;5" and cells["Bắt nạt"] == "*"
    svg = _svg(category)
    assert ">3<" not in category and ">6<" not in category
    # Both suppressed bars are hatched and of the same fixed length.
    marked = re.findall(r'<rect class="chart-marked"[^>]*width="([^"]+)"', svg)
    assert marked == [str(charts.MARKED_LENGTH)] * 2
    assert "url(#home-incidents-category-hatch)" in svg
    assert ">&lt;5<" in svg and ">*<" in svg
    status = _figure(page, "home-incidents-status")
    assert ["Mới tiếp nhận", "9"] in _cells(status)  # 9 new incidents: nothing under 5
    assert ">3<" not in page.split('id="home-incidents-month"')[1].split("</figure>")[0]


def test_stats_page_charts_by_month_category_and_status(district, login_as, report):
    for _ in range(3):
        report(district.staff, category="neglect")
    for _ in range(6):
        report(district.staff, category="bullying")
    officer = login_as(district.officer).get("/incidents/stats").get_data(as_text=True)
    for key in ("month", "category", "status"):
        _svg(_figure(officer, f"chart-{key}"))
    category = _figure(officer, "chart-category")
    assert ">3<" in category and ">6<" in category
    status_table = officer.split('id="stats-status"')[1].split("</table>")[0]
    assert "Mới tiếp nhận" in status_table and ">9<" in status_table

    observer = login_as(district.observer).get("/incidents/stats").get_data(as_text=True)
    category = _figure(observer, "chart-category")
    assert ">3<" not in category and ">6<" not in category
    assert ">&lt;5<" in category and ">*<" in category
    assert 'aria-describedby="stats-category"' in category
