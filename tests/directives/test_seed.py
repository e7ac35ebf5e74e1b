from district.directives import queries, tallies
from district.models import Directive, Recipient, User
from district.seeding import load_demo


def test_demo_seed_loads_a_realistic_mix_once(app):
    with app.app_context():
        report = load_demo()
        assert any(line.startswith("directives: 6 loaded") for line in report)
        main = Directive.get(Directive.number == "1256/PGDĐT-CTHSSV")
        assert "111" in main.body and "31/2017/TT-BGDĐT" in main.body and "18/CT-TTg" in main.body
        assert main.status == "published"
        assert Recipient.select().where(Recipient.directive == main.id).count() == 45
        counts = queries.state_counts(User.get(User.username == "chuyenvien1"), main)
        assert counts["acknowledged"] and counts["acknowledged_late"] and counts["overdue"]
        assert {d.status for d in Directive.select()} == {"draft", "published", "withdrawn"}
        # Loading again adds nothing.
        assert "already present" in " ".join(load_demo())
        assert Directive.select().count() == 6


def test_demo_shows_informed_schools_reviewed_responses_and_proxy_acknowledgements(app):
    with app.app_context():
        load_demo()
        roster = Directive.get(Directive.number == "1302/PGDĐT-CTHSSV")
        informed = Recipient.select().where(Recipient.directive == roster.id,
                                            Recipient.purpose == "info")
        assert informed.count() and not informed.where(
            Recipient.acknowledged_at.is_null(False)).exists()
        assert roster.info_count == informed.count()
        report = Directive.get(Directive.number == "1318/PGDĐT-CTHSSV")
        states = [r.response_state for r in Recipient.select().where(
            Recipient.directive == report.id)]
        assert states.count("accepted") == 3
        assert states.count("returned") == 1 and states.count("resubmitted") == 1
        proxies = list(Recipient.select().where(Recipient.directive == report.id,
                                                Recipient.ack_proxy == True))  # noqa: E712
        assert len(proxies) == 2
        assert sum(1 for r in proxies if r.proxy_confirmed_at) == 1
        assert tallies.kept() == tallies.recounted()
