"""The school's page, the list of schools and the report run a fixed number of statements
whatever the number of schools, directives, activities and incidents (as the other features'
pages)."""

import datetime as dt

import pytest

from district import clock
from district.activities import operations as activity_operations
from district.directives import operations as directive_operations
from district.models import Directive
from tests.schools.conftest import activity_values


def measure(queries, client, url):
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


def grow(app, make_school, make_user, make_directive, make_incident, n):
    """`n` more schools, each with a principal, an activity and an incident; three more
    directives to every school, acknowledged by half of them."""
    schools = [make_school(name=f"Trường Tiểu học Tải {n}-{i:02d}", code=f"TT-{n}-{i:02d}")
               for i in range(n)]
    directives = [make_directive(deadline=clock.today() + dt.timedelta(days=3))
                  for _ in range(3)]
    principals = [make_user("principal", school) for school in schools]
    with app.app_context():
        for i, (school, principal) in enumerate(zip(schools, principals, strict=True)):
            activity_operations.record_activity(principal, school, activity_values(), [], [],
                                                {})
            make_incident(principal, school, hours_ago=20, severity="critical")
            if i % 2:
                for d in directives:
                    directive_operations.acknowledge(principal, Directive.get_by_id(d.id))


PAGES = {
    "officer": lambda d: [f"/schools/{d.preschool.id}", "/schools/",
                          "/schools/?sort=overdue&dir=desc", "/schools/?sort=incidents",
                          "/schools/?attention=open_incidents&level=tieu_hoc&q=truong",
                          "/schools/?sort=review&attention=review_pending", "/reports/",
                          "/reports/report.xlsx"],
    "principal": lambda d: [f"/schools/{d.preschool.id}"],
    "observer": lambda d: ["/reports/", "/reports/report.xlsx"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_do_not_grow_with_the_district(app, district, login_as, queries, make_school,
                                             make_user, make_directive, make_incident, history,
                                             accepted_review, role):
    accepted_review()
    client = login_as(district.by_role[role])
    urls = PAGES[role](district)
    grow(app, make_school, make_user, make_directive, make_incident, 2)
    small = [measure(queries, client, url) for url in urls]
    grow(app, make_school, make_user, make_directive, make_incident, 30)
    large = [measure(queries, client, url) for url in urls]
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
    print(role, dict(zip(urls, large, strict=True)))
