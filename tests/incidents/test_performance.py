"""The list, the counters and the aggregates run a fixed number of queries whatever the number of
incidents (rows made with insert_many for speed)."""

import datetime as dt

import pytest

from district.incidents import services
from district.models import (
    CHECKLIST_ITEMS,
    INCIDENT_CATEGORIES,
    INCIDENT_STATUSES,
    SEVERITIES,
    Incident,
    IncidentChecklistItem,
)


def bulk(district, n):
    now = dt.datetime(2026, 11, 1)
    rows = []
    for i in range(n):
        rows.append({
            "reference": f"VV-2025-{i + 1:05d}",
            "school": (district.preschool if i % 2 else district.secondary).id,
            "reported_by": (district.staff if i % 2 else district.other_staff).id,
            "reported_at": now - dt.timedelta(hours=i),
            "occurred_at": now - dt.timedelta(hours=i + 2),
            "place": "classroom",
            "category": INCIDENT_CATEGORIES[i % len(INCIDENT_CATEGORIES)],
            "caused_by": "student",
            "severity": SEVERITIES[i % 4],
            "sensitive": i % 8 == 2,
            "summary": f"Vụ việc thử số {i}",
            "summary_search": f"vu viec thu so {i}",
            "status": INCIDENT_STATUSES[i % 6],
            "assignee": district.staff2.id if i % 3 == 0 else None,
            "version": 1,
            "updated_at": now,
        })
    for start in range(0, n, 500):
        Incident.insert_many(rows[start:start + 500]).execute()
    ids = [i.id for i in Incident.select(Incident.id)]
    items = [{"incident": i, "item": item} for i in ids for item in CHECKLIST_ITEMS]
    for start in range(0, len(items), 500):
        IncidentChecklistItem.insert_many(items[start:start + 500]).execute()


def measure(queries, client, url):
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


@pytest.mark.parametrize("role", ["officer", "principal", "staff2"])
def test_list_and_counters_do_not_grow_with_incidents(district, login_as, queries, role):
    client = login_as(getattr(district, role))
    urls = ["/incidents/", "/incidents/?sort=severity&q=thu", "/incidents/?mine=1&sort=old", "/"]
    bulk(district, 20)
    small = [measure(queries, client, url) for url in urls]
    bulk_more = 2000 - 20
    bulk_offset(district, bulk_more)
    assert Incident.select().count() == 2000
    large = [measure(queries, client, url) for url in urls]
    assert small == large, (small, large)
    print(role, dict(zip(urls, large, strict=True)))


def bulk_offset(district, n):
    start = Incident.select().count()
    existing = {r for (r,) in Incident.select(Incident.reference).tuples()}
    bulk_rows(district, n, start, existing)


def bulk_rows(district, n, start, existing):
    now = dt.datetime(2026, 10, 1)
    rows = []
    for j in range(n):
        i = start + j
        rows.append({
            "reference": f"VV-2024-{i + 1:05d}",
            "school": (district.preschool if i % 2 else district.secondary).id,
            "reported_by": (district.staff if i % 2 else district.other_staff).id,
            "reported_at": now - dt.timedelta(hours=i),
            "occurred_at": now - dt.timedelta(hours=i + 2),
            "place": "online",
            "category": INCIDENT_CATEGORIES[i % len(INCIDENT_CATEGORIES)],
            "caused_by": "unknown",
            "severity": SEVERITIES[i % 4],
            "sensitive": i % 8 == 2,
            "summary": f"Vụ việc thử số {i}",
            "summary_search": f"vu viec thu so {i}",
            "status": INCIDENT_STATUSES[i % 6],
            "assignee": district.staff2.id if i % 3 == 0 else None,
            "version": 1,
            "updated_at": now,
        })
    assert not existing & {r["reference"] for r in rows}
    for s in range(0, n, 500):
        Incident.insert_many(rows[s:s + 500]).execute()
    ids = [i.id for i in Incident.select(Incident.id).where(Incident.reference.startswith(
        "VV-2024-"))]
    items = [{"incident": i, "item": item} for i in ids for item in CHECKLIST_ITEMS]
    for s in range(0, len(items), 500):
        IncidentChecklistItem.insert_many(items[s:s + 500]).execute()


@pytest.mark.parametrize("role", ["officer", "observer"])
def test_aggregates_do_not_grow_with_incidents(district, login_as, queries, role):
    client = login_as(getattr(district, role))
    bulk(district, 20)
    small = [measure(queries, client, url) for url in ("/incidents/stats", "/")]
    bulk_offset(district, 1980)
    large = [measure(queries, client, url) for url in ("/incidents/stats", "/")]
    assert small == large
    print(role, large)
    page = client.get("/incidents/stats").get_data(as_text=True)
    assert "Vụ việc thử số" not in page and "VV-20" not in page


def test_small_counts_are_hidden(district, login_as, report):
    for _ in range(3):
        report(district.staff, category="neglect")
    page = login_as(district.observer).get("/incidents/stats").get_data(as_text=True)
    assert "&lt;5" in page
    table = page.split('id="stats-category"')[1].split("</table>")[0]
    assert ">3<" not in table and "&lt;5" in table
    assert services.small(0) == "0" and services.small(4) == "<5" and services.small(5) == "5"


def test_detail_page_queries_do_not_grow_with_its_timeline(district, login_as, queries, report):
    from district.incidents import services

    incident = report(district.staff)
    client = login_as(district.principal)
    few = measure(queries, client, f"/incidents/{incident.id}")
    for i in range(30):
        services.add_note(district.principal, incident, f"Ghi chú số {i}")
        services.tick(district.principal, incident, "harm_assessed", i % 2 == 0)
    login_as(district.officer).get(f"/incidents/{incident.id}")
    many = measure(queries, client, f"/incidents/{incident.id}")
    assert few == many
    print("detail", many)
