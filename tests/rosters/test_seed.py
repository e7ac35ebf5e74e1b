from peewee import fn

from district.models import Recipient, Roster
from district.seeding import load_demo


def test_demo_rosters_are_a_realistic_mix(app):
    with app.app_context():
        report = load_demo()
        line = next(x for x in report if x.startswith("rosters:"))
        assert line.startswith("rosters: 39 schools")
        current = Roster.select().where(Roster.is_current == True)  # noqa: E712
        states = {r.state for r in current}
        assert states == {"complete", "warnings", "incomplete"}
        versions = (Roster.select(Roster.school, fn.COUNT(Roster.id).alias("n"))
                    .group_by(Roster.school).tuples())
        counts = sorted(n for _s, n in versions)
        assert counts.count(2) >= 3 and counts.count(3) >= 3
        # The directive that asks for a roster links acknowledgements to valid rosters only.
        linked = Recipient.select().where(Recipient.roster.is_null(False))
        assert linked.count() > 0
        assert all(r.roster.state in ("complete", "warnings") for r in linked)
        assert "rosters: already present" in load_demo()
        assert Roster.select().count() == 53
