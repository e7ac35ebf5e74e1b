"""Every activity page runs a fixed number of queries whatever the number of schools and
activities (rows made with insert_many for speed), as the other features' pages."""

import datetime as dt

import pytest

from district import clock
from district.activities import years
from district.models import Activity, ActivityAttendee, ActivityDirective, StaffCount
from district.text import fold


def bulk(district, make_school, schools, per_school, directive):
    """`schools` more schools, each with head counts and `per_school` activities this school
    year, every second one carrying `directive` and naming an attendee."""
    year = years.current()
    day = clock.today() - dt.timedelta(days=1)
    created = [make_school(name=f"Trường Thử Tải {n:04d}", code=f"TT-{n:04d}-{schools}")
               for n in range(schools)] + [district.preschool]
    StaffCount.insert_many([{"school": s.id, "school_year": year, "managers": 3, "teachers": 30,
                             "employees": 6, "updated_by": district.officer.id,
                             "updated_at": clock.utcnow()} for s in created
                            if s != district.preschool]).execute()
    rows = [{"school": s.id, "kind": ("quan_triet", "tap_huan", "hop_cmhs")[i % 3],
             "held_on": day - dt.timedelta(days=i), "school_year": year,
             "title": f"Hoạt động {i}", "title_search": f"hoat dong {i}", "presenter": "school",
             "managers": 2, "teachers": 20, "employees": 4, "students": 100,
             "created_by": district.principal.id}
            for s in created for i in range(per_school)]
    last = Activity.select(Activity.id).order_by(Activity.id.desc()).scalar() or 0
    for start in range(0, len(rows), 500):
        Activity.insert_many(rows[start:start + 500]).execute()
    ids = [i for (i,) in Activity.select(Activity.id).where(Activity.id > last).tuples()]
    ActivityDirective.insert_many([{"activity": i, "directive": directive.id}
                                   for i in ids[::2]]).execute()
    ActivityAttendee.insert_many([{"activity": i, "school": district.preschool.id,
                                   "full_name": "Lê Thị Mai", "name_search": fold("Lê Thị Mai")}
                                  for i in ids[::2]]).execute()


def measure(queries, client, url):
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


OFFICE_URLS = ["/activities/", "/activities/?kind=quan_triet&state=held&sort=staff&dir=desc",
               "/activities/?q=thu&level=tieu_hoc", "/activities/trainings",
               "/activities/coverage.xlsx"]


@pytest.mark.parametrize("role, urls", [
    ("officer", OFFICE_URLS),
    ("admin", OFFICE_URLS[:1]),
    ("observer", ["/activities/", "/activities/?kind=tap_huan"]),
    ("principal", ["/activities/", "/activities/?kind=quan_triet&q=hoat", "/activities/new"]),
    ("staff", ["/activities/"]),
])
def test_lists_do_not_grow_with_schools_or_activities(app, district, login_as, queries,
                                                     make_school, make_directive, role, urls):
    directive = make_directive()
    client = login_as(district.by_role[role])
    bulk(district, make_school, 2, 2, directive)
    small = [measure(queries, client, url) for url in urls]
    bulk(district, make_school, 60, 8, directive)
    large = [measure(queries, client, url) for url in urls]
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
    print(role, dict(zip(urls, large, strict=True)))


def test_an_activity_page_does_not_grow_with_its_attendees_or_files(
        app, district, login_as, queries, make_activity, make_directive):
    from tests.activities.conftest import upload

    directives = [make_directive(), make_directive()]
    few = make_activity(district.principal, directives=directives[:1],
                        attendees=[{"user_id": district.staff.id}],
                        files={"attendance": [upload()]})
    many = make_activity(district.principal, directives=directives,
                         attendees=[{"user_id": u.id} for u in (district.staff, district.staff2,
                                                                district.principal)],
                         files={"attendance": [upload(), upload()], "minutes": [upload()]})
    client = login_as(district.principal)
    counts = [measure(queries, client, f"/activities/{a.id}") for a in (few, many)]
    assert counts[0] == counts[1], counts
