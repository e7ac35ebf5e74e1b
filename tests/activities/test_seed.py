"""The demo district has a school year of plausible activities: most schools held several kinds,
a few held none this year, most schools that received the office's directive on violence held
its quán triệt after it was issued, head counts make shares, and the office's counseling
training marks members of the demo rosters trained."""

from district import clock
from district.activities import queries, years
from district.models import (
    Activity,
    ActivityDirective,
    ActivityFile,
    Directive,
    Roster,
    RosterMember,
    School,
    StaffCount,
    User,
)
from district.seeding import load_demo


def test_the_demo_district_has_a_school_year_of_activities(app):
    with app.app_context():
        load_demo()
        current = years.current()
        this_year = Activity.select().where(Activity.school_year == current,
                                            Activity.school.is_null(False))
        last_year = Activity.select().where(Activity.school_year == current - 1,
                                            Activity.school.is_null(False))
        assert this_year.count() > 45 and last_year.count() > 150
        assert {a.kind for a in last_year} == {"quan_triet", "tap_huan", "tuyen_truyen_hs",
                                               "hop_cmhs", "tong_dai_111", "khac"}
        assert all(a.held_on < clock.today() for a in Activity.select())
        quiet = School.select().where(School.code.in_(["MN-SAOMAI", "TH-PHULOC"]))
        assert not this_year.where(Activity.school.in_(quiet)).exists()

        directive = Directive.get(Directive.number == "1256/PGDĐT-CTHSSV")
        carried = Activity.select().join(ActivityDirective).where(
            ActivityDirective.directive == directive.id)
        assert carried.count() >= 20
        assert all(a.kind == "quan_triet" and a.held_on > directive.issued_on for a in carried)
        assert ActivityFile.select().count() > 10

        # Head counts make shares, and no school counts more staff than it has.
        assert StaffCount.select().where(StaffCount.school_year == current).count() == 42
        officer = User.get(User.username == "chuyenvien1")
        figures = queries.coverage_figures(officer, {"year": current})
        assert 60 <= figures["staff_share"] <= 100 and figures["none"] == 2

        # The office's counseling training: a parent representative of Hoa Sen, untrained by
        # the roster's own column, now counts as trained.
        training = Activity.get(Activity.school.is_null(), Activity.counseling == True)  # noqa: E712
        assert training.attendees.count() == 16
        hoa_sen = Roster.select().join(School).where(School.code == "MN-HOASEN",
                                                     Roster.is_current == True).get()  # noqa: E712
        thuy = RosterMember.get(RosterMember.roster == hoa_sen.id,
                                RosterMember.full_name == "Dương Thu Thủy")
        assert thuy.trained is False
        assert hoa_sen.result["training"]["trained"] == hoa_sen.member_count

        assert "activities: already present" in " ".join(load_demo())
        assert Activity.select().count() == this_year.count() + last_year.count() + 2
