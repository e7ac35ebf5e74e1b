"""Who sees and does what with activities (DESIGN.md section 1 and issue 12): a school its own
activities and the office's trainings it attended, officers all, the admin all but no file, the
observer figures only; what may not be seen answers 404."""

import pytest

from district.models import ActivityFile
from tests.activities.conftest import upload

ROLES = ("admin", "officer", "principal", "staff", "observer")


@pytest.fixture
def world(district, make_activity, make_directive, office_training):
    directive = make_directive()
    own = make_activity(district.principal, directives=[directive], title="Quán triệt ở Hoa Sen",
                        files={"attendance": [upload()]})
    other = make_activity(district.other_principal, title="Quán triệt ở Nguyễn Du")
    attended = office_training([(district.preschool, "Lê Thị Mai"),
                                (district.secondary, "Bùi Thị Hạnh")],
                               title="Tập huấn tư vấn đợt 1")
    elsewhere = office_training([(district.secondary, "Bùi Thị Hạnh")],
                                title="Tập huấn chỉ cho Nguyễn Du")
    sheet = ActivityFile.get(ActivityFile.activity == own.id)
    return {"own": own, "other": other, "attended": attended, "elsewhere": elsewhere,
            "sheet": sheet}


# URL (with placeholders) -> the status each role gets, in ROLES order.
MATRIX = {
    "/activities/": (200, 200, 200, 200, 200),
    "/activities/new": (404, 200, 200, 404, 404),
    "/activities/{own}": (200, 200, 200, 200, 404),
    "/activities/{other}": (200, 200, 404, 404, 404),
    "/activities/{attended}": (200, 200, 200, 200, 404),
    "/activities/{elsewhere}": (200, 200, 404, 404, 404),
    "/activities/{own}/edit": (404, 404, 200, 404, 404),
    "/activities/{other}/edit": (404, 404, 404, 404, 404),
    "/activities/{attended}/edit": (404, 200, 404, 404, 404),
    "/activities/{own}/files/{sheet}": (404, 200, 200, 200, 404),
    "/activities/{attended}/files/{sheet}": (404, 404, 404, 404, 404),
    "/activities/staff": (404, 404, 200, 404, 404),
    "/activities/coverage.xlsx": (200, 200, 404, 404, 404),
    "/activities/trainings": (200, 200, 404, 404, 404),
    "/activities/schools/{preschool}": (200, 200, 404, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_it_may_and_gets_404_for_the_rest(district, world, login_as,
                                                                role):
    client = login_as(district.by_role[role])
    ids = {k: v.id for k, v in world.items()} | {"preschool": district.preschool.id}
    got = {url: _status(client, url.format(**ids)) for url in MATRIX}
    expected = {url: statuses[ROLES.index(role)] for url, statuses in MATRIX.items()}
    assert got == expected


def _status(client, url):
    response = client.get(url)
    response.close()  # a download is a streamed file
    return response.status_code


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(f"/activities/{world['own'].id}")
    assert response.status_code == 302 and "/login" in response.location


def test_a_school_lists_its_own_activities_and_the_office_trainings_it_attended(
        district, world, login_as):
    for user in (district.principal, district.staff):
        page = login_as(user).get("/activities/").get_data(as_text=True)
        assert "Quán triệt ở Hoa Sen" in page and "Tập huấn tư vấn đợt 1" in page
        assert "Quán triệt ở Nguyễn Du" not in page and "Tập huấn chỉ cho Nguyễn Du" not in page


def test_an_office_training_shows_a_school_only_its_own_people(district, world, login_as):
    url = f"/activities/{world['attended'].id}"
    page = login_as(district.staff).get(url).get_data(as_text=True)
    assert "Lê Thị Mai" in page and "Bùi Thị Hạnh" not in page
    page = login_as(district.officer).get(url).get_data(as_text=True)
    assert "Lê Thị Mai" in page and "Bùi Thị Hạnh" in page


def test_the_admin_reads_activities_but_never_their_attendance_files(district, world,
                                                                      login_as):
    url = f"/activities/{world['own'].id}"
    sheet = f"{url}/files/{world['sheet'].id}"
    admin_page = login_as(district.admin).get(url).get_data(as_text=True)
    assert "Quán triệt ở Hoa Sen" in admin_page and sheet not in admin_page
    assert "danh-sach-ky-ten.pdf" not in admin_page
    staff_page = login_as(district.staff).get(url).get_data(as_text=True)
    assert sheet in staff_page
    download = login_as(district.staff).get(sheet)
    body = download.get_data()
    download.close()
    assert download.status_code == 200 and body.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_the_observer_sees_figures_without_a_school_or_an_activity(district, world,
                                                                   login_as):
    page = login_as(district.observer).get("/activities/").get_data(as_text=True)
    assert 'id="schools-held"' in page and 'id="chart-months"' in page
    for name in (district.preschool.name, district.secondary.name, "Quán triệt ở Hoa Sen",
                 "Tập huấn tư vấn đợt 1", f"/activities/{world['own'].id}"):
        assert name not in page


def test_writes_by_someone_who_may_not_answer_404_and_change_nothing(district, world,
                                                                     login_as):
    own = world["own"]
    data = {"kind": "khac", "held_on": own.held_on.isoformat(), "title": "Đổi tên",
            "presenter": "school", "sessions": "1", "version": "1"}
    for user, url in ((district.other_principal, f"/activities/{own.id}/edit"),
                      (district.staff, f"/activities/{own.id}/edit"),
                      (district.principal, f"/activities/{world['attended'].id}/edit"),
                      (district.observer, "/activities/new"),
                      (district.staff, "/activities/staff")):
        assert login_as(user).post(url, data=data).status_code == 404
    own = type(own).get_by_id(own.id)
    assert own.title == "Quán triệt ở Hoa Sen" and own.version == 1


def test_the_menu_offers_activities_to_every_role_that_may_open_them(district, login_as):
    for role in ROLES:
        page = login_as(district.by_role[role]).get("/").get_data(as_text=True)
        assert 'href="/activities/"' in page, role
