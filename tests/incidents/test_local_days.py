"""The list's date filter and the statistics count the office's local days, months and years
(Asia/Ho_Chi_Minh, UTC+7), not UTC ones: the boundary pinned at 23:59 and 00:01 local time.
Runs on SQLite and, with TEST_DB=postgres, on PostgreSQL."""

import datetime as dt

from district import clock
from district.incidents import tallies
from district.models import Incident

LOCAL = dt.datetime


def _reported_at(incident, local):
    at = clock.to_utc(local)
    Incident.update(reported_at=at, occurred_at=at).where(Incident.id == incident.id).execute()
    tallies.rebuild()  # the time was changed by hand, behind the kept counts
    return incident


def _pair(report, district, late, early):
    """Two incidents: one reported at `late` (23:59), one at `early` (00:01 the next day)."""
    return (_reported_at(report(district.staff, summary="Báo cáo lúc 23 giờ 59"), late),
            _reported_at(report(district.staff, summary="Báo cáo lúc 0 giờ 01"), early))


def _listed(client, day):
    page = client.get("/incidents/", query_string={"date_from": day, "date_to": day})
    return page.get_data(as_text=True)


def test_the_date_filter_counts_local_days(district, report, login_as):
    late, early = _pair(report, district, LOCAL(2026, 11, 30, 23, 59), LOCAL(2026, 12, 1, 0, 1))
    # Both are on 30/11 in UTC (16:59 and 17:01): a UTC filter would list both under 30/11.
    assert clock.to_utc(LOCAL(2026, 12, 1, 0, 1)).day == 30
    client = login_as(district.principal)
    december = _listed(client, "2026-12-01")
    assert early.reference in december and late.reference not in december
    november = _listed(client, "2026-11-30")
    assert late.reference in november and early.reference not in november


def _month_table(client, year):
    page = client.get("/incidents/stats", query_string={"year": year}).get_data(as_text=True)
    table = page.split('id="stats-month"')[1].split("</table>")[0]
    total = page.split('id="stats-total">')[1].split("<")[0]
    return table, total


def test_the_statistics_count_local_months(district, report, login_as):
    _pair(report, district, LOCAL(2026, 11, 30, 23, 59), LOCAL(2026, 12, 1, 0, 1))
    table, total = _month_table(login_as(district.officer), 2026)
    assert total == "2"
    assert '<th scope="row">11/2026</th><td>1</td>' in table
    assert '<th scope="row">12/2026</th><td>1</td>' in table


def test_the_statistics_count_local_years(district, report, login_as):
    _pair(report, district, LOCAL(2026, 12, 31, 23, 59), LOCAL(2027, 1, 1, 0, 1))
    client = login_as(district.officer)
    table, total = _month_table(client, 2026)
    assert total == "1" and '<th scope="row">12/2026</th><td>1</td>' in table
    table, total = _month_table(client, 2027)
    assert total == "1" and '<th scope="row">01/2027</th><td>1</td>' in table
    assert "12/2026" not in table


def test_the_typed_time_is_local_and_stored_as_utc(district, login_as):
    from tests.incidents.test_reporting import FORM

    login_as(district.staff).post("/incidents/new", data={**FORM,
                                                          "occurred_at": "2026-11-01T00:01"})
    assert Incident.get().occurred_at == dt.datetime(2026, 10, 31, 17, 1)
