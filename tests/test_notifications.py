"""The notification centre: the service every feature calls, the bell, the list, marking read."""

import datetime as dt
import re

from district.i18n import N_
from district.models import Notification
from district.notifications.operations import notify


def send(users, **params):
    return notify(users, "test.kind", N_("Văn bản mới %(number)s cần xác nhận"), "/help",
                  number="12/PGDĐT", **params)


def test_bell_counts_unread(district, login_as):
    send([district.principal, district.staff])
    client = login_as(district.principal)
    bell = client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert '<span class="badge" id="bell-count">1</span>' in bell.get_data(as_text=True)
    assert "HX-Request" in bell.headers["Vary"]
    page = client.get("/").get_data(as_text=True)
    assert 'id="bell-count">1<' in page and 'hx-trigger="every 60s"' in page


def test_list_shows_messages_in_the_readers_language(district, login_as):
    notify([district.principal], "directive.published",
           N_("Văn bản chỉ đạo mới %(number)s: %(title)s"), "/help",
           number="12/PGDĐT", title="Phòng, chống bạo lực học đường")
    client = login_as(district.principal)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Văn bản chỉ đạo mới 12/PGDĐT: Phòng, chống bạo lực học đường" in page
    client.post("/language", data={"locale": "en"})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "12/PGDĐT" in page and "Văn bản chỉ đạo mới" not in page


def test_mark_one_and_all_read(district, login_as):
    send([district.principal])
    send([district.principal])
    client = login_as(district.principal)
    first = Notification.select().order_by(Notification.id).first()
    client.post(f"/notifications/{first.id}/read")
    assert Notification.get_by_id(first.id).read_at is not None
    assert 'id="bell-count">1<' in client.get("/notifications/bell").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert "bell-count" not in client.get("/notifications/bell").get_data(as_text=True)


def test_following_a_notification_opens_its_link(district, login_as):
    send([district.principal])
    notification = Notification.get()
    response = login_as(district.principal).post(
        f"/notifications/{notification.id}/read", data={"follow": "1"})
    assert response.location == "/help"


def test_a_notification_never_sends_the_reader_to_another_site(district, login_as):
    notify([district.principal], "test.kind", N_("Văn bản mới %(number)s cần xác nhận"),
           "//evil.example/phish", number="1")
    notification = Notification.get()
    response = login_as(district.principal).post(
        f"/notifications/{notification.id}/read", data={"follow": "1"})
    assert response.location == "/notifications/"


def test_someone_elses_notification_is_not_found(district, login_as):
    send([district.principal])
    notification = Notification.get()
    response = login_as(district.staff).post(f"/notifications/{notification.id}/read")
    assert response.status_code == 404
    assert Notification.get_by_id(notification.id).read_at is None


def test_notify_sends_once_per_user(district):
    assert send([district.principal, district.principal.id, district.staff]) == 2


def test_opening_the_page_a_notification_points_to_marks_it_read(district, login_as):
    send([district.principal, district.staff])
    notify([district.principal], "test.kind", N_("Văn bản mới %(number)s cần xác nhận"),
           "/notifications/", number="13/PGDĐT")
    client = login_as(district.principal)
    assert 'id="bell-count">2<' in client.get("/notifications/bell").get_data(as_text=True)
    # A fragment of the page (htmx) is not opening it.
    client.get("/help", headers={"HX-Request": "true"})
    assert 'id="bell-count">2<' in client.get("/notifications/bell").get_data(as_text=True)
    # The page opened already shows the new count in its own bell.
    assert 'id="bell-count">1<' in client.get("/help").get_data(as_text=True)
    assert 'id="bell-count">1<' in client.get("/notifications/bell").get_data(as_text=True)
    mine = Notification.select().where(Notification.user == district.principal.id,
                                       Notification.link == "/help").get()
    assert mine.read_at is not None
    # Someone else's notification to the same page stays unread.
    theirs = Notification.get(Notification.user == district.staff.id)
    assert theirs.read_at is None


def test_labels_inside_a_message_are_in_the_readers_language(district, login_as):
    notify([district.officer], "incident.urgent",
           N_("Vụ việc mới cần chú ý: %(category_label)s tại %(school)s"), "/help",
           category_label=N_("Bắt nạt"), school=district.preschool.name)
    client = login_as(district.officer)
    client.post("/language", data={"locale": "en"})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Bullying" in page and "Bắt nạt" not in page


def test_the_list_pages_a_users_own_notifications_newest_first(district, login_as):
    """30 a page, newest first; the pager reaches the last page and no further; another user's
    notifications never appear (the page's prepared statements, for two users in turn)."""
    start = dt.datetime(2026, 11, 1, 1, 0)
    for n in range(65):
        Notification.create(user=district.principal, kind="test.kind", link="/help",
                            message=N_("Văn bản mới %(number)s cần xác nhận"),
                            params={"number": f"{n}/PGDĐT"},
                            created_at=start + dt.timedelta(hours=n))
    Notification.create(user=district.staff, kind="test.kind", link="/help",
                        message=N_("Văn bản mới %(number)s cần xác nhận"),
                        params={"number": "999/PGDĐT"}, created_at=start)
    principal, staff = login_as(district.principal), login_as(district.staff)

    def numbers(client, page):
        html = client.get(f"/notifications/?page={page}").get_data(as_text=True)
        return [int(n) for n in re.findall(r"Văn bản mới (\d+)/PGDĐT", html)]

    assert numbers(principal, 1) == list(range(64, 34, -1))
    assert numbers(staff, 1) == [999]
    assert numbers(principal, 2) == list(range(34, 4, -1))
    assert numbers(principal, 3) == [4, 3, 2, 1, 0]
    assert principal.get("/notifications/?page=4").status_code == 404
    assert staff.get("/notifications/?page=2").status_code == 404
