"""The tracking page, the directive list and the school inbox run a fixed number of SQL
queries whatever the number of schools and directives."""

import datetime as dt

import pytest

from district import clock
from district.admin.values import school_values
from district.directives import operations
from district.models import Recipient, School

from .conftest import htmx

LEVELS = ("mam_non", "tieu_hoc", "thcs", "lien_cap")


def build(district, make_directive, today, n_schools):
    """Grows the district to `total` schools and publishes total/10 directives to all."""
    total = n_schools
    n_schools -= School.select().count()
    rows = [school_values({"code": f"Q{total}-{i}", "name": f"Trường Thử {total}-{i}",
                           "level": LEVELS[i % 4], "ownership": "cong_lap",
                           "commune": f"Xã {i % 7}"})
            for i in range(n_schools)]
    for start in range(0, len(rows), 100):
        School.insert_many(rows[start:start + 100]).execute()
    directives = [make_directive(deadline=today - dt.timedelta(days=i % 3),
                                 issued_on=today - dt.timedelta(days=10))
                  for i in range(max(2, n_schools // 10))]
    directives.reverse()
    target = directives[0]
    assert Recipient.select().where(Recipient.directive == target.id).count() == total
    ids = [r.id for r in Recipient.select(Recipient.id).where(Recipient.directive == target.id)]
    # A mix of states: some read, some acknowledged, some reminded.
    Recipient.update(first_read_at=clock.utcnow(), first_read_by=district.staff.id).where(
        Recipient.id.in_(ids[::2])).execute()
    Recipient.update(acknowledged_at=clock.utcnow(), acknowledged_by=district.principal.id,
                     ack_late=True).where(Recipient.id.in_(ids[::3])).execute()
    operations.remind(district.officer, target, overdue_only=True)
    operations.mark_read(district.staff, directives[1])
    return target


PAGES = {
    "tracking": lambda d: f"/directives/{d.id}/tracking",
    "tracking_sorted": lambda d: f"/directives/{d.id}/tracking?sort=state&dir=desc&page=2",
    "list": lambda d: "/directives/",
    "inbox": lambda d: "/directives/",
    "detail_officer": lambda d: f"/directives/{d.id}",
    "rates": lambda d: "/directives/",
    "home_observer": lambda d: "/",
    "home_principal": lambda d: "/",
    "remind_confirm": lambda d: f"/directives/{d.id}/remind",
}
USERS = {"inbox": "principal", "home_principal": "principal", "rates": "observer",
         "home_observer": "observer"}


def measure(district, login_as, make_directive, today, queries, n_schools, page):
    target = build(district, make_directive, today, n_schools)
    user = district.by_role[USERS.get(page, "officer")]
    client = login_as(user)
    url = PAGES[page](target)
    counts = []
    for headers in ({}, htmx()):
        with queries() as counter:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        counts.append(counter.count)
    return counts, response.get_data(as_text=True)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_fixed_number_of_queries(page, app, district, login_as, make_directive, today, queries):
    app.config["PAGE_SIZE"] = 5  # so that page 2 exists with 10 schools too
    small, html_small = measure(district, login_as, make_directive, today, queries, 10, page)
    # Same database, grown to 300 schools and 30 directives.
    large, html_large = measure(district, login_as, make_directive, today, queries, 300, page)
    assert small == large, f"{page}: {small} queries with 10 schools, {large} with 300"
    assert small[0] <= 12
    print(f"{page}: {small[0]} queries (full page), {small[1]} (htmx fragment)")
