import datetime as dt

from district import clock
from district.incidents import vocabulary
from district.models import Incident, IncidentEvent, IncidentStudent, School


def test_demo_seed_loads_every_status_and_category_once(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "incidents: 60 new" in result.output
    assert {i.status for i in Incident.select()} == set(vocabulary.STATUS_LABELS)
    assert {i.category for i in Incident.select()} == set(vocabulary.CATEGORY_LABELS)
    assert Incident.select().where(Incident.sensitive == True).count() > 0  # noqa: E712
    assert Incident.select().where(Incident.assignee.is_null(False)).count() > 0
    assert IncidentStudent.select().count() >= 60
    for incident in Incident.select():
        events = list(incident.events.order_by(IncidentEvent.at, IncidentEvent.id))
        assert events[0].kind == "created"
        statuses = [e.to_status for e in events if e.kind == "status"]
        assert (statuses[-1] if statuses else "reported") == incident.status
        assert incident.version == 1 + sum(e.kind in ("status", "assignment") for e in events)
        assert incident.reported_at <= clock.utcnow()
    again = runner.invoke(args=["seed"])
    assert "already present" in again.output
    assert Incident.select().count() == 60


def _between(moment, first, last):
    return dt.time(*first) <= moment.time() <= dt.time(*last)


# When, in local time, something in each place can happen (broader than the seed's own windows:
# this is what a reader would find plausible, not how the seed picks).
PLAUSIBLE = {
    "classroom": [((7, 0), (17, 0))],
    "school_yard": [((6, 30), (17, 30))],
    "boarding": [((6, 30), (8, 30)), ((11, 0), (14, 0)), ((18, 0), (22, 0))],
    "online": [((18, 0), (23, 30))],
    "outside": [((6, 0), (22, 0))],
}


def test_demo_incidents_happen_at_times_that_fit_their_place(app, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    for incident in Incident.select():
        occurred = clock.to_local(incident.occurred_at)
        reported = clock.to_local(incident.reported_at)
        assert any(_between(occurred, *w) for w in PLAUSIBLE[incident.place]), (
            incident.reference, incident.place, occurred)
        assert incident.occurred_at < incident.reported_at
        assert _between(reported, (7, 0), (17, 30)), (incident.reference, reported)
        for event in incident.events.where(IncidentEvent.kind == "status"):
            at = clock.to_local(event.at)
            assert _between(at, (7, 0), (17, 30)) or event.at > clock.utcnow() - dt.timedelta(
                hours=1), (incident.reference, event.to_status, at)
    preschool_night = (Incident.select().join(School)
                       .where(School.level == "mam_non", Incident.place == "classroom"))
    assert all(7 <= clock.to_local(i.occurred_at).hour < 17 for i in preschool_night)
