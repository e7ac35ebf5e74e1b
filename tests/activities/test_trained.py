"""A roster member who attended a counseling training of the office shows as trained, with the
date and the training, and the roster's trained count and check follow; the roster's own
"trained" column stays for trainings recorded elsewhere."""

from district.models import Roster, RosterMember
from district.rosters import operations as roster_operations
from tests.activities.test_forms import post
from tests.activities.test_history import edit_data
from tests.rosters.conftest import complete_members, member


def roster_with_untrained_counselor(district):
    members = complete_members("thcs") + [member("Hoàng Văn Sơn", "thanh_vien", "counselor",
                                                 trained=False, position="Giáo viên Toán")]
    return roster_operations.save_version(district.other_principal, district.secondary, members)


def current(school):
    return Roster.get(Roster.school == school.id, Roster.is_current == True)  # noqa: E712


def son():
    return RosterMember.select().join(Roster).where(
        Roster.is_current == True, RosterMember.full_name == "Hoàng Văn Sơn").get()  # noqa: E712


def test_a_member_at_an_office_counseling_training_counts_as_trained(
        app, district, login_as, office_training):
    before = roster_with_untrained_counselor(district)
    assert (before.state, before.trained_count) == ("warnings", 2)
    # Typed as the officer typed it: case and diacritics do not matter.
    training = office_training([(district.secondary, "hoang van son")],
                               title="Tập huấn tư vấn tâm lý học đường cho tổ tư vấn")
    after = current(district.secondary)
    assert after.id == before.id and after.version == 1  # checked again, not a new version
    assert (after.state, after.trained_count) == ("complete", 3)
    assert after.result["training"]["required_trained"] == 3
    assert son().trained is False  # the roster's own column is unchanged

    page = login_as(district.other_principal).get("/rosters/").get_data(as_text=True)
    row = page.split(f'id="member-{son().id}"')[1].split("</tr>")[0]
    assert "Có" in row and "Tập huấn của Phòng GD&amp;ĐT ngày" in row
    assert training.held_on.strftime("%d/%m/%Y") in row
    assert f'href="/activities/{training.id}"' in row
    assert "chưa được tập huấn" not in page
    assert "3/3 đã tập huấn" in page

    coverage = login_as(district.officer).get("/rosters/").get_data(as_text=True)
    assert coverage.split(f'id="school-{district.secondary.id}"')[1].split("</tr>")[0].count(
        "3/3") == 1


def test_only_a_counseling_training_of_the_office_for_that_school_counts(
        app, district, office_training, make_activity):
    roster_with_untrained_counselor(district)
    office_training([(district.secondary, "Hoàng Văn Sơn")], counseling=False)
    office_training([(district.preschool, "Hoàng Văn Sơn")])
    make_activity(district.other_principal, kind="tap_huan", title="Tập huấn của trường",
                  attendees=[{"user_id": district.other_staff.id}])
    assert current(district.secondary).trained_count == 2


def test_taking_the_attendee_off_the_training_takes_the_training_back(
        app, district, login_as, office_training):
    roster_with_untrained_counselor(district)
    training = office_training([(district.secondary, "Hoàng Văn Sơn"),
                                (district.secondary, "Bùi Thị Hạnh")])
    assert current(district.secondary).trained_count == 3
    response = post(login_as(district.officer), edit_data(
        training, kind="tap_huan", presenter="office", counseling="y", teachers="0",
        managers="0", employees="0", attendee_lines="THCS-NGUYENDU, Bùi Thị Hạnh"),
        url=f"/activities/{training.id}/edit")
    assert response.status_code == 302
    roster = current(district.secondary)
    assert (roster.state, roster.trained_count) == ("warnings", 2)


def test_a_new_version_of_the_roster_keeps_the_office_training(app, district,
                                                               office_training):
    roster_with_untrained_counselor(district)
    office_training([(district.secondary, "Hoàng Văn Sơn")])
    members = complete_members("thcs") + [
        member("Hoàng Văn Sơn", "thanh_vien", "counselor", trained=False),
        member("Ngô Thị Hà", "thanh_vien", "counselor", trained=True)]
    roster = roster_operations.save_version(district.other_principal, district.secondary,
                                            members)
    assert (roster.version, roster.state, roster.trained_count) == (2, "complete", 4)


def test_the_rosters_own_trained_column_stays_for_trainings_recorded_elsewhere(
        app, district, login_as, office_training):
    roster_with_untrained_counselor(district)
    office_training([(district.secondary, "Nguyễn Văn Bình")])  # trained by the roster too
    page = login_as(district.other_principal).get("/rosters/").get_data(as_text=True)
    bình = RosterMember.get(RosterMember.full_name == "Nguyễn Văn Bình")
    row = page.split(f'id="member-{bình.id}"')[1].split("</tr>")[0]
    assert "Có (15/08/2025)" in row and "Tập huấn của Phòng" in row
    assert current(district.secondary).trained_count == 2  # Sơn is still untrained
