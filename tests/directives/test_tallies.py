"""The counts kept with directives and schools (tallies.py) follow every operation exactly:
lists and homes read them instead of grouping every recipient."""

import datetime as dt

from district.directives import operations, queries, tallies, vocabulary
from district.models import AckDay, Directive, Recipient, SchoolTally

from .test_operations import pdf_upload


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
    second = make_directive()
    operations.acknowledge(district.principal, directive)
    operations.acknowledge_for_school(district.officer, second, moved.id, "phone",
                                      "Hiệu trưởng báo qua điện thoại")
    assert SchoolTally.get(SchoolTally.school == moved.id).commune == "Xã Cũ"
    communes = {r["label"]: (r["done"], r["total"])
                for r in queries.group_rates(district.officer)["communes"]}
    assert communes["Xã Cũ"] == (1, 2)
    data = {name: getattr(moved, name) for name in SCHOOL_FIELDS}
    admin_operations.update_school(district.admin, moved,
                                   {**data, "commune": "Phường Mới", "level": "thcs"})
    assert_counts_exact()
    # The school's receipts and its acknowledgement left its former group for its new one.
    communes = {r["label"]: (r["done"], r["total"])
                for r in queries.group_rates(district.officer)["communes"]}
    assert communes["Phường Mới"] == (1, 2) and "Xã Cũ" not in communes
    levels = {r["level"]: (r["done"], r["total"]) for r in queries.level_rates(district.officer)}
    assert levels["thcs"] == (1, 4) and "tieu_hoc" not in levels


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
    line = (f"directive {directive.id}: kept (7, {', '.join(['0'] * 10)}), "
            f"counted (2, {', '.join(['0'] * 10)})")
    assert line in result.output
    assert "incidents: every count was exact" in result.output
    assert_counts_exact()
    assert "directives: every count was exact" in runner.invoke(args=["recount"]).output


def test_the_tracking_counts_kept_are_those_counted(app, district, make_directive, make_school,
                                                    make_user, today):
    """Every way a receipt changes state moves the kept counts the tracking page reads as the
    recipients grouped would: an informed school opening it, an acknowledgement recorded by the
    office for a school that never opened it and its opening later, a response returned, sent
    again and accepted, a revision asking for new acknowledgements; before and after the
    deadline."""
    third = make_school(code="TH-BINHMINH", name="Trường Tiểu học Bình Minh", level="tieu_hoc")
    third_principal = make_user("principal", third, username="ht.th-binhminh",
                                full_name="Lê Văn Ba")
    directive = make_directive(response_kind="report", info_levels=["thcs"])

    def check():
        assert_counts_exact()
        fresh = Directive.get_by_id(directive.id)
        for day in (today, fresh.deadline + dt.timedelta(days=1)):
            assert queries._kept_state_counts(fresh, day) == queries._counted_state_counts(
                Recipient.select(), fresh, day)
        return queries.state_counts(district.officer, fresh)

    assert check()["unread"] == 3
    operations.mark_read(district.other_staff, directive)  # informed of it
    operations.acknowledge_for_school(district.officer, directive, third.id, "phone",
                                      "Thầy hiệu trưởng xác nhận qua điện thoại")
    counts = check()
    assert (counts["informed"], counts["acknowledged"], counts["read"], counts["unread"]) == (
        1, 1, 0, 1)
    operations.mark_read(third_principal, directive)  # opened after the office acknowledged
    assert check()["read"] == 0
    with app.app_context():
        operations.acknowledge(district.principal, directive, "", pdf_upload())
    assert check()["responses"]["submitted"] == 1
    operations.review_response(district.officer, directive, district.preschool.id, False,
                               "Thiếu số liệu tập huấn.")
    assert check()["responses"]["returned"] == 1
    with app.app_context():
        operations.respond(district.principal, directive, pdf_upload())
        operations.respond(third_principal, directive, pdf_upload())
    assert check()["responses"] == {"submitted": 1, "resubmitted": 1, "returned": 0,
                                    "accepted": 0, "waiting": 2}
    operations.review_response(district.officer, directive, district.preschool.id, True, "")
    assert check()["responses"]["accepted"] == 1

    data = {f: getattr(directive, f) for f in vocabulary.EDITABLE}
    operations.revise(district.officer, Directive.get_by_id(directive.id), data,
                      "Bổ sung nội dung", True)
    counts = check()
    assert (counts["read"], counts["informed"], counts["done"]) == (2, 1, 0)
    assert set(counts["responses"].values()) == {0}


def test_the_chart_reads_acknowledgements_kept_per_local_day(app, district, make_directive,
                                                              make_school, make_user, today,
                                                              at_local, runner):
    """The tracking chart's days are the office's local days, kept as schools acknowledge:
    one minute before and one after local midnight fall on two days (the same UTC date), and
    a revision asking for new acknowledgements empties them; `flask recount` repairs them."""
    third = make_school(code="TH-HOAMAI", name="Trường Tiểu học Hoa Mai", level="tieu_hoc")
    make_user("principal", third, username="ht.th-hoamai", full_name="Đỗ Thị Mai")
    directive = make_directive(deadline=today + dt.timedelta(days=5))
    evening = today + dt.timedelta(days=1)
    at_local(dt.datetime.combine(evening, dt.time(23, 59)))
    operations.acknowledge(district.principal, directive)
    at_local(dt.datetime.combine(evening + dt.timedelta(days=1), dt.time(0, 1)))
    operations.acknowledge(district.other_principal, directive)
    operations.acknowledge_for_school(district.officer, directive, third.id, "phone",
                                      "Cô hiệu trưởng xác nhận qua điện thoại")
    days = [(evening, 1), (evening + dt.timedelta(days=1), 2)]
    with app.test_request_context():
        assert queries.ack_days(district.officer, directive) == days
        assert queries.ack_days(district.observer, directive) == days
        assert queries.ack_days(district.principal, directive) == []
    assert_counts_exact()

    AckDay.update(acknowledged=AckDay.acknowledged + 5).execute()
    result = runner.invoke(args=["recount"])
    assert "directives: 2 count(s) had drifted" in result.output, result.output
    with app.test_request_context():
        assert queries.ack_days(district.officer, directive) == days

    data = {f: getattr(directive, f) for f in vocabulary.EDITABLE}
    operations.revise(district.officer, Directive.get_by_id(directive.id), data,
                      "Bổ sung nội dung", True)
    assert_counts_exact()
    with app.test_request_context():
        assert queries.ack_days(district.officer, directive) == []
