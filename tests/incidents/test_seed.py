from district.incidents import services
from district.models import Incident, IncidentEvent, IncidentStudent


def test_demo_seed_loads_every_status_and_category_once(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "incidents: 60 new" in result.output
    assert {i.status for i in Incident.select()} == set(services.STATUS_LABELS)
    assert {i.category for i in Incident.select()} == set(services.CATEGORY_LABELS)
    assert Incident.select().where(Incident.sensitive == True).count() > 0  # noqa: E712
    assert Incident.select().where(Incident.assignee.is_null(False)).count() > 0
    assert IncidentStudent.select().count() >= 60
    for incident in Incident.select():
        events = list(incident.events.order_by(IncidentEvent.at, IncidentEvent.id))
        assert events[0].kind == "created"
        statuses = [e.to_status for e in events if e.kind == "status"]
        assert (statuses[-1] if statuses else "reported") == incident.status
        assert incident.version == 1 + sum(e.kind in ("status", "assignment") for e in events)
        assert incident.reported_at <= services.utcnow()
    again = runner.invoke(args=["seed"])
    assert "already present" in again.output
    assert Incident.select().count() == 60
