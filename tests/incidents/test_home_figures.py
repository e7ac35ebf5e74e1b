"""A school user's home card counts what the incident list shows them: the open incidents, the
urgent ones among them (critical or sensitive), those assigned to them. Its statement is built
once per role for every school (incidents.queries.SCHOOL_FIGURES)."""

from district import access
from district.incidents import operations, queries
from district.incidents.workflow import OPEN_STATUSES
from district.models import Incident


def test_a_school_users_home_card_counts_what_they_see(district, report, advance, login_as):
    principal, staff = district.principal, district.staff
    assigned = report(staff)
    report(staff, severity="critical")
    report(principal, sensitive=True)  # the principal's own: the staff member does not see it
    finished = report(staff, severity="critical")
    advance(finished, principal, "verifying", "handling", "resolved")
    advance(finished, district.officer, "closed")
    assigned = Incident.get_by_id(assigned.id)
    operations.assign(principal, assigned, assigned.version, staff.id)
    report(district.other_principal, severity="critical")  # another school's

    for user in (principal, staff):
        figures = queries.home_figures(user)
        still_open = access.incidents_visible_to(user).where(Incident.status.in_(OPEN_STATUSES))
        urgent = (Incident.severity == "critical") | (Incident.sensitive == True)  # noqa: E712
        assert figures["counts"] == queries.counters(user)
        assert figures["open"] == still_open.count()
        assert figures["urgent"] == still_open.where(urgent).count()
        assert figures["mine"] == still_open.where(Incident.assignee == user.id).count()
    assert [queries.home_figures(principal)[k] for k in ("open", "urgent", "mine")] == [3, 2, 0]
    assert [queries.home_figures(staff)[k] for k in ("open", "urgent", "mine")] == [2, 1, 1]
    assert queries.home_figures(principal)["counts"]["closed"] == 1

    home = login_as(staff).get("/").get_data(as_text=True)
    assert "1 đặc biệt nghiêm trọng hoặc nhạy cảm" in home and "1 giao cho bạn" in home


def test_the_officers_home_card_counts_every_school(district, report, advance, login_as):
    """The office's card: every open incident and the urgent ones (critical or sensitive, from
    the kept counts), for two officers in turn; the card says so."""
    report(district.staff, severity="critical")
    report(district.other_staff, sensitive=True)
    report(district.other_staff)
    finished = report(district.staff, severity="critical")
    advance(finished, district.principal, "verifying", "handling", "resolved")
    for user in (district.officer, district.officer2, district.officer):
        figures = queries.home_figures(user)
        assert [figures[k] for k in ("open", "urgent", "mine")] == [3, 2, 0]
        assert figures["counts"]["resolved"] == 1 and figures["counts"]["all"] == 4
    home = login_as(district.officer).get("/").get_data(as_text=True)
    assert "2 đặc biệt nghiêm trọng hoặc nhạy cảm" in home
