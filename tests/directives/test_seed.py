from district.directives import queries
from district.models import Directive, Recipient, User
from district.seeding import load_demo


def test_demo_seed_loads_a_realistic_mix_once(app):
    with app.app_context():
        report = load_demo()
        assert any(line.startswith("directives: 5 loaded") for line in report)
        main = Directive.get(Directive.number == "1256/PGDĐT-CTHSSV")
        assert "111" in main.body and "31/2017/TT-BGDĐT" in main.body and "18/CT-TTg" in main.body
        assert main.status == "published"
        assert Recipient.select().where(Recipient.directive == main.id).count() == 45
        counts = queries.state_counts(User.get(User.username == "chuyenvien1"), main)
        assert counts["acknowledged"] and counts["acknowledged_late"] and counts["overdue"]
        assert {d.status for d in Directive.select()} == {"draft", "published", "withdrawn"}
        # Loading again adds nothing.
        assert "already present" in " ".join(load_demo())
        assert Directive.select().count() == 5
