"""The incident counts kept per local month (tallies.py) follow every report, status change and
correction exactly; statistics, homes and the officer's list counters read them."""

import datetime as dt
from collections import Counter

from district import clock
from district.incidents import operations, queries, tallies
from district.incidents.vocabulary import STATUS_LABELS
from district.models import Incident, IncidentTally

from .conftest import report_data


def assert_counts_exact():
    assert tallies.kept() == tallies.recounted()


def test_counts_follow_reports_status_changes_and_corrections(district, report, advance):
    first = report(district.principal)
    report(district.other_principal, severity="critical")
    assert_counts_exact()
    advance(first, district.principal, "verifying", "handling", "resolved")
    assert_counts_exact()
    incident = Incident.get_by_id(first.id)
    data, _students = report_data(category="cyberbullying", severity="high")
    changes = {name: data.get(name, getattr(incident, name)) for name in operations.CORRECTABLE}
    operations.correct(district.officer, incident, incident.version, changes,
                       "Phân loại lại sau khi xác minh")
    assert_counts_exact()
    month = clock.local_date(incident.reported_at).strftime("%Y-%m")
    statuses = {t.key: t.n for t in IncidentTally.select().where(
        IncidentTally.dimension == "status", IncidentTally.month == month) if t.n}
    assert statuses == {"resolved": 1, "reported": 1}


def test_open_urgent_incidents_are_counted_as_they_open_close_and_change(
        district, report, advance, login_as):
    critical = report(district.principal, severity="critical")
    report(district.other_principal)
    assert queries.home_figures(district.officer)["urgent"] == 1
    incident = Incident.get_by_id(critical.id)
    data, _students = report_data(severity="low")
    changes = {name: data.get(name, getattr(incident, name)) for name in operations.CORRECTABLE}
    operations.correct(district.officer, incident, incident.version, changes, "Đánh giá lại")
    assert queries.home_figures(district.officer)["urgent"] == 0
    abuse = report(district.other_principal, category="sexual_abuse")  # sensitive: urgent
    assert queries.home_figures(district.officer)["urgent"] == 1
    advance(abuse, district.officer, "verifying", "handling", "resolved")
    assert queries.home_figures(district.officer)["urgent"] == 0
    assert_counts_exact()
    # The principal counts their own school's incidents directly.
    assert queries.home_figures(district.principal)["urgent"] == 0


def test_statistics_and_counters_read_the_kept_counts(district, report, advance):
    report(district.principal)
    second = report(district.other_principal, severity="critical")
    advance(second, district.officer, "verifying")
    year = clock.today().year
    data = queries.aggregates(district.officer, year=year)
    assert data["total"] == 2
    assert dict(data["status"])["verifying"] == 1 and dict(data["severity"])["critical"] == 1
    assert dict(data["level"]) == {"mam_non": 1, "tieu_hoc": 0, "thcs": 1, "lien_cap": 0}
    assert queries.aggregates(district.officer, year=year - 1)["total"] == 0
    counts = queries.counters(district.officer, {"status": "", "sort": "new"})
    assert (counts["all"], counts["reported"], counts["verifying"]) == (2, 1, 1)
    # With a filter the counters count the filtered rows; a principal counts their own school.
    assert queries.counters(district.officer, {"severity": "critical"})["all"] == 1
    assert queries.counters(district.principal, {})["all"] == 1
    # Nobody outside the office reads the counts.
    assert queries.aggregates(district.principal)["total"] == 0
    assert queries.tally_rows(district.staff) == []


def test_a_month_is_the_office_local_month(district, report, monkeypatch):
    instant = clock.to_utc(dt.datetime(2026, 12, 1, 0, 30))  # 17:30 UTC on 30/11
    monkeypatch.setattr(clock, "utcnow", lambda: instant)
    report(district.principal)
    assert [r[0] for r in queries.tally_rows(district.officer, 2026)
            if r[1] == "status"] == ["2026-12"]
    assert Incident.get().reported_at < dt.datetime(2026, 12, 1)


def test_recount_and_the_demo_seed_leave_exact_counts(app, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert_counts_exact()
    IncidentTally.update(n=IncidentTally.n + 5).execute()
    assert runner.invoke(args=["recount"]).exit_code == 0
    assert_counts_exact()
    every_incident_once = [n for (_month, dimension, _key), n in tallies.kept().items()
                           if dimension in tallies.DIMENSIONS]
    assert sum(every_incident_once) == 4 * Incident.select().count()


def test_the_counters_of_one_category_or_severity_are_kept_and_exact(district, report,
                                                                      advance):
    """The officer's list narrowed to one category or one severity reads its status counters
    from the kept counts: the same as counting the rows, through status changes and a
    correction of category and severity; with two filters it counts the rows."""
    first = report(district.principal, category="bullying")
    second = report(district.other_principal, category="bullying", severity="critical")
    report(district.principal, category="neglect", severity="low")
    advance(second, district.officer, "verifying", "handling")
    incident = Incident.get_by_id(first.id)
    data, _students = report_data(category="neglect", severity="critical")
    changes = {name: data.get(name, getattr(incident, name)) for name in operations.CORRECTABLE}
    operations.correct(district.officer, incident, incident.version, changes, "Phân loại lại")
    assert_counts_exact()
    for args in ({"category": "bullying"}, {"category": "neglect"}, {"severity": "critical"},
                 {"severity": "low"}, {"category": "neglect", "severity": "critical"}):
        rows = Counter(i.status for i in queries.filtered(district.officer, args))
        counts = queries.counters(district.officer, args)
        assert counts == {**{s: rows.get(s, 0) for s in STATUS_LABELS},
                          "all": sum(rows.values())}, args
    assert queries.counters(district.officer, {"category": "neglect"})["all"] == 2
    assert queries.counters(district.officer, {"severity": "critical"})["handling"] == 1
    # Read from the kept counts: a count changed by hand shows until `flask recount`.
    IncidentTally.update(n=IncidentTally.n + 5).where(
        IncidentTally.dimension == "c:neglect").execute()
    assert queries.counters(district.officer, {"category": "neglect"})["all"] > 2
    tallies.rebuild()
    assert_counts_exact()
    assert queries.counters(district.officer, {"category": "neglect"})["all"] == 2
