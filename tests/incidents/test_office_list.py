"""The office's incident list under its filters, sorts and pages: the rows and counters the
officer reads (prepared statements per shape, queries.listing) are exactly the incidents that
match, in the list's order, on both databases; a school's users still see only theirs."""

import datetime as dt
import re

import pytest

from district.incidents import queries

ROW = re.compile(r'<tr id="incident-(\d+)"')


@pytest.fixture
def incidents(district, report, advance):
    """Six incidents in two schools, reported a day apart (the first the oldest)."""
    made = []
    plan = [(district.staff, "bullying", "low"), (district.other_staff, "physical", "high"),
            (district.staff, "physical", "critical"), (district.other_staff, "bullying", "medium"),
            (district.staff, "bullying", "high"), (district.other_staff, "cyber", "low")]
    for n, (actor, category, severity) in enumerate(plan):
        incident = report(actor, category=category, severity=severity,
                          occurred_at=dt.datetime(2026, 11, 1 + n, 9, 0))
        incident.reported_at = dt.datetime(2026, 11, 1 + n, 2, 0)
        incident.save()
        made.append(incident)
    advance(made[1], district.other_principal, "verifying", "handling")
    advance(made[4], district.principal, "verifying", "handling")
    return made


def _shown(client, query):
    page = client.get(f"/incidents/?{query}").get_data(as_text=True)
    return [int(i) for i in ROW.findall(page)], page


CASES = [
    # (query, expected incidents by their index in `incidents`, newest first unless sorted)
    ("", [5, 4, 3, 2, 1, 0]),
    ("category=bullying", [4, 3, 0]),
    ("status=handling", [4, 1]),
    ("severity=high&category=physical", [1]),
    ("school={secondary}", [5, 3, 1]),
    ("level=thcs&category=bullying", [3]),
    ("status=handling&level=mam_non", [4]),
    ("sort=old&category=physical", [1, 2]),
    ("sort=severity", [2, 4, 1, 3, 5, 0]),
    ("category=nothing-like-it", []),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_the_officer_reads_exactly_the_matching_incidents(district, login_as, incidents, query,
                                                          expected):
    query = query.format(secondary=district.secondary.id)
    shown, page = _shown(login_as(district.officer), query)
    assert shown == [incidents[i].id for i in expected]
    assert f"{len(expected)} vụ việc" in page


def test_pages_follow_the_order_and_counters_count_every_status(app, district, login_as,
                                                                incidents):
    app.config["PAGE_SIZE"] = 2
    officer = login_as(district.officer)
    pages = [_shown(officer, f"category=bullying&page={n}")[0] for n in (1, 2)]
    assert pages == [[incidents[4].id, incidents[3].id], [incidents[0].id]]
    assert officer.get("/incidents/?category=bullying&page=3").status_code == 404
    counts = queries.counters(district.officer, {"category": "bullying", "status": "handling"})
    assert counts["all"] == 3 and counts["handling"] == 1 and counts["reported"] == 2
    # The same numbers on a second visit (the statement kept), with other values in its slots.
    counts = queries.counters(district.officer, {"category": "physical", "status": ""})
    assert counts["all"] == 2 and counts["handling"] == 1


def test_a_principal_with_the_same_filters_reads_only_their_school(district, login_as,
                                                                    incidents):
    officer_rows, _page = _shown(login_as(district.officer), "category=bullying")
    principal_rows, _page = _shown(login_as(district.principal), "category=bullying")
    assert officer_rows == [incidents[4].id, incidents[3].id, incidents[0].id]
    assert principal_rows == [incidents[4].id, incidents[0].id]
