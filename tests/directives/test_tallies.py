"""The counts kept with directives and schools (tallies.py) follow every operation exactly:
lists and homes read them instead of grouping every recipient."""

import datetime as dt

from district.directives import operations, queries, tallies, vocabulary
from district.models import Directive, SchoolTally


def assert_counts_exact():
    assert tallies.kept() == tallies.recounted()


def test_counts_follow_publish_read_acknowledge_revise_and_withdraw(district, make_directive,
                                                                   make_user, today):
    first = make_directive()
    late = make_directive(deadline=today - dt.timedelta(days=2),
                          issued_on=today - dt.timedelta(days=9))
    draft = make_directive(publish=False)
    assert_counts_exact()
    assert Directive.get_by_id(first.id).recipient_count == 2
    assert Directive.get_by_id(draft.id).recipient_count == 0

    operations.mark_read(district.staff, first)
    operations.mark_read(district.principal, first)  # the school opened it once
    operations.acknowledge(district.other_principal, first)  # read and acknowledged at once
    operations.acknowledge(district.principal, late)
    assert_counts_exact()
    assert (Directive.get_by_id(first.id).read_count, Directive.get_by_id(first.id).ack_count) \
        == (2, 1)
    assert (Directive.get_by_id(late.id).ack_count, Directive.get_by_id(late.id).late_count) \
        == (1, 1)
    assert SchoolTally.get(SchoolTally.school == district.preschool.id).received == 2

    data = {f: getattr(first, f) for f in vocabulary.EDITABLE}
    operations.revise(district.officer, first, data, "Bổ sung nội dung", True)
    assert_counts_exact()
    assert Directive.get_by_id(first.id).ack_count == 0

    operations.withdraw(district.officer, late)
    assert_counts_exact()
    assert SchoolTally.get(SchoolTally.school == district.preschool.id).received == 1


def test_rebuild_repairs_counts_changed_by_hand(district, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    Directive.update(ack_count=99, recipient_count=0).execute()
    SchoolTally.delete().execute()
    tallies.rebuild()
    assert_counts_exact()
    assert Directive.get_by_id(directive.id).ack_count == 1


def test_the_list_and_the_rates_show_the_kept_counts(district, make_directive, today):
    overdue = make_directive(deadline=today - dt.timedelta(days=1),
                             issued_on=today - dt.timedelta(days=5))
    operations.acknowledge(district.principal, overdue)
    row = queries.officer_list(district.officer).where(Directive.id == overdue.id).get()
    assert (row.n_total, row.n_acked, row.n_late, row.n_overdue) == (2, 1, 1, 1)
    assert queries.officer_summary(district.officer)["overdue_schools"] == 1
    levels = {r["level"]: (r["done"], r["total"]) for r in queries.level_rates(district.officer)}
    assert levels == {"mam_non": (1, 1), "thcs": (0, 1)}
    # Nobody outside the office reads the rates.
    assert queries.level_rates(district.principal) == []
    assert list(queries.directive_rates(district.staff)) == []


def test_the_rates_follow_a_school_whose_level_or_commune_is_edited(district, make_directive,
                                                                    make_school):
    from district.admin import operations as admin_operations
    from district.admin.values import SCHOOL_FIELDS

    moved = make_school(name="Trường Tiểu học Sáp Nhập", commune="Xã Cũ", level="tieu_hoc")
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    assert SchoolTally.get(SchoolTally.school == moved.id).commune == "Xã Cũ"
    data = {name: getattr(moved, name) for name in SCHOOL_FIELDS}
    admin_operations.update_school(district.admin, moved,
                                   {**data, "commune": "Phường Mới", "level": "thcs"})
    assert_counts_exact()
    communes = {r["label"]: (r["done"], r["total"])
                for r in queries.group_rates(district.officer)["communes"]}
    assert communes["Phường Mới"] == (0, 1) and "Xã Cũ" not in communes
    levels = {r["level"]: (r["done"], r["total"]) for r in queries.level_rates(district.officer)}
    assert levels["thcs"] == (0, 2) and "tieu_hoc" not in levels


def test_the_demo_seed_leaves_exact_counts(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert_counts_exact()
    assert sum(t[2] for t in tallies.kept()["directives"].values()) > 0


def test_flask_recount_reports_drift_and_repairs_the_counts(district, make_directive, runner):
    directive = make_directive()
    Directive.update(recipient_count=7).execute()
    result = runner.invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    assert "directives: 1 count(s) had drifted" in result.output
    line = f"directive {directive.id}: kept (7, 0, 0, 0, 0), counted (2, 0, 0, 0, 0)"
    assert line in result.output
    assert "incidents: every count was exact" in result.output
    assert_counts_exact()
    assert "directives: every count was exact" in runner.invoke(args=["recount"]).output
