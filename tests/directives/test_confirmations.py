"""Personal confirmations: every account of the recipient schools confirms having read a
directive that asks it, in one click from its home; the principal sees who has not and
reminds them; the office sees each school's share."""

import datetime as dt

import pytest

from district.directives import operations, queries, tallies
from district.models import AuditEntry, DirectiveConfirmation, Notification, Recipient

from .conftest import htmx


@pytest.fixture
def personal(make_directive):
    return make_directive(personal_confirmation=True)


def confirmed_ids(directive):
    return sorted(c.user_id for c in DirectiveConfirmation.select().where(
        DirectiveConfirmation.directive == directive.id))


def test_a_teacher_confirms_from_home_in_one_click(app, district, login_as, personal):
    client = login_as(district.staff)
    home = client.get("/").get_data(as_text=True)
    assert f'data-confirm="{personal.id}"' in home
    response = client.post(f"/directives/{personal.id}/confirm", data={"from": "home"},
                           headers=htmx())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Bạn đã xác nhận đã đọc văn bản" in html
    assert f'data-confirm="{personal.id}"' not in html
    assert confirmed_ids(personal) == [district.staff.id]
    row = DirectiveConfirmation.get()
    assert (row.revision, row.at is not None) == (1, True)
    # Confirming having read it is reading it.
    receipt = Recipient.get(Recipient.directive == personal.id,
                            Recipient.school == district.preschool.id)
    assert receipt.first_read_by_id == district.staff.id
    with app.app_context():
        assert tallies.kept() == tallies.recounted()


def test_confirming_twice_is_once(district, login_as, personal):
    client = login_as(district.staff)
    for _ in range(3):
        assert client.post(f"/directives/{personal.id}/confirm",
                           headers=htmx()).status_code == 200
    assert confirmed_ids(personal) == [district.staff.id]
    assert AuditEntry.select().where(AuditEntry.action == "directive.confirm").count() == 1


def test_a_revision_asking_again_asks_people_again(app, district, personal):
    operations.confirm(district.staff, personal)
    data = {name: getattr(personal, name) for name in (
        "number", "title", "body", "signer", "issued_on", "deadline", "response_kind",
        "personal_confirmation")}
    operations.revise(district.officer, personal, data, "Bổ sung", requires_reack=True)
    fresh = personal.__class__.get_by_id(personal.id)
    assert queries.own_confirmation(district.staff, fresh) is None
    assert [d.id for d in queries.to_confirm(district.staff)] == [fresh.id]
    operations.confirm(district.staff, fresh)
    assert sorted(c.revision for c in DirectiveConfirmation.select()) == [1, 2]


def test_who_may_confirm(district, login_as, personal, make_directive):
    plain = make_directive()
    for user, url, status in [
        (district.officer, f"/directives/{personal.id}/confirm", 404),
        (district.observer, f"/directives/{personal.id}/confirm", 404),
        (district.admin, f"/directives/{personal.id}/confirm", 404),
        (district.staff, f"/directives/{plain.id}/confirm", 422),
        (district.principal, f"/directives/{personal.id}/confirm", 200),
    ]:
        response = login_as(user).post(url, headers=htmx())
        assert response.status_code == status, (user.role, url)
    assert confirmed_ids(plain) == []
    assert confirmed_ids(personal) == [district.principal.id]


def test_a_directive_not_sent_to_the_school_cannot_be_confirmed(
        district, login_as, make_directive):
    only_other = make_directive(personal_confirmation=True, audience_kind="list",
                                audience_school_ids=[district.secondary.id])
    response = login_as(district.staff).post(f"/directives/{only_other.id}/confirm")
    assert response.status_code == 404
    assert confirmed_ids(only_other) == []


def test_a_withdrawn_directive_is_refused_with_a_message(district, login_as, personal):
    operations.withdraw(district.officer, personal)
    response = login_as(district.staff).post(f"/directives/{personal.id}/confirm",
                                             headers=htmx())
    assert response.status_code == 422
    assert "thu hồi" in response.get_data(as_text=True)


def test_principal_sees_who_has_not_and_reminds_them_once(
        app, district, login_as, personal):
    operations.confirm(district.staff, personal)
    client = login_as(district.principal)
    html = client.get(f"/directives/{personal.id}/readers").get_data(as_text=True)
    assert "Lê Thị Mai" in html and "Võ Văn Nam" in html
    assert "Bùi Thị Hạnh" not in html  # another school's teacher
    not_yet = html.split(f'data-user="{district.staff2.id}"')[1].split("</tr>")[0]
    assert "Chưa xác nhận" in not_yet
    done = html.split(f'data-user="{district.staff.id}"')[1].split("</tr>")[0]
    assert "Đã xác nhận" in done
    assert "Người không có tài khoản" in html
    response = client.post(f"/directives/{personal.id}/readers/remind", follow_redirects=True)
    assert "Đã nhắc 1 người" in response.get_data(as_text=True)
    reminders = Notification.select().where(Notification.kind == "directive.confirm_reminder")
    assert [n.user_id for n in reminders] == [district.staff2.id]
    again = client.post(f"/directives/{personal.id}/readers/remind", follow_redirects=True)
    assert "chỉ nhắc lại sau" in again.get_data(as_text=True)
    assert reminders.count() == 1


def test_readers_page_per_role(district, login_as, personal):
    url = f"/directives/{personal.id}/readers"
    for user, status in [(district.officer, 200), (district.admin, 200),
                         (district.principal, 200), (district.staff, 404),
                         (district.observer, 404)]:
        assert login_as(user).get(url).status_code == status, user.role
    assert login_as(district.staff).post(f"{url}/remind").status_code == 404
    assert login_as(district.officer).post(f"{url}/remind").status_code == 404


def test_office_sees_each_school_share_on_readers_and_tracking(
        app, district, login_as, personal, make_user):
    gone = make_user("staff", district.preschool)
    gone.active = False  # an inactive account does not count
    gone.save()
    operations.confirm(district.staff, personal)
    operations.confirm(district.principal, personal)
    client = login_as(district.officer)
    readers = client.get(f"/directives/{personal.id}/readers").get_data(as_text=True)
    preschool = readers.split('data-school="MN-HOASEN"')[1].split("</tr>")[0]
    assert "2/3" in preschool and "67%" in preschool
    secondary = readers.split('data-school="THCS-NGUYENDU"')[1].split("</tr>")[0]
    assert "0/2" in secondary and "0%" in secondary
    tracking = client.get(f"/directives/{personal.id}/tracking").get_data(as_text=True)
    row = tracking.split('data-school="MN-HOASEN"')[1].split("</tr>")[0]
    assert "67%" in row and "2/3 tài khoản" in row


def test_readers_and_tracking_count_a_fixed_number_of_queries(
        app, district, login_as, personal, make_school, make_user, queries):
    app.config["PAGE_SIZE"] = 5

    def counts():
        client = login_as(district.officer)
        found = []
        for url in (f"/directives/{personal.id}/readers",
                    f"/directives/{personal.id}/tracking"):
            with queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    operations.confirm(district.staff, personal)
    small = counts()
    # More schools (not recipients) and more accounts confirming change nothing.
    for n in range(6):
        school = make_school(code=f"X{n}", name=f"Trường Thêm {n}")
        make_user("staff", school)
    operations.confirm(district.other_staff, personal)
    operations.confirm(district.staff2, personal)
    assert counts() == small


def test_home_to_confirm_list_and_badge_stay_out_of_the_office(district, login_as, personal):
    for user in (district.officer, district.observer):
        assert f'data-confirm="{personal.id}"' not in login_as(user).get("/").get_data(
            as_text=True)
    assert queries.to_confirm(district.officer).count() == 0


def test_reminder_window_allows_again_later(app, district, personal, monkeypatch):
    from district import clock
    operations.remind_readers(district.principal, personal)
    later = clock.utcnow() + dt.timedelta(hours=queries.remind_hours() + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert operations.remind_readers(district.principal, personal) == 2
