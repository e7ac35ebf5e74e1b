"""The tracking page reads its rows and its counts through SQL built once (db.Prepared): the
rows it shows are those `tracking_rows` reads, field for field, and the counts follow the
directive and the day."""

import datetime as dt

from district import clock
from district.directives import formats, operations, queries
from district.models import Directive, Recipient
from tests.activities.conftest import head_counts, make_activity  # noqa: F401 (fixtures)

from .test_queries import build

# What the tracking row template (and the helpers it calls) reads of a row.
FIELDS = ("id", "school_id", "purpose", "first_read_at", "acknowledged_at", "ack_note",
          "ack_proxy", "ack_channel", "proxy_confirmed_at", "response_file_id", "roster_id",
          "response_state", "reminders_count", "last_reminded_at", "state")
SCHOOL_FIELDS = ("id", "code", "name", "level", "ownership", "commune")


def shown(row):
    """What a tracking row shows, from a page row or a `tracking_rows` object alike."""
    reminder = getattr(row, "last_reminder", None)
    activity = queries.linked_activity(row)
    return {
        **{name: getattr(row, name) for name in FIELDS},
        **{f"school.{name}": getattr(row.school, name) for name in SCHOOL_FIELDS},
        "reader": row.reader.full_name if row.reader else None,
        "acker": row.acker.full_name if row.acker else None,
        "rfile": row.rfile.original_name if row.rfile else None,
        "reminder": (reminder.step, formats.reminded_names(row)) if reminder else None,
        "activity": (activity.id, activity.title, activity.held_on) if activity else None,
    }


def test_page_rows_are_the_tracking_rows_in_the_page_order(app, district, make_directive,
                                                            today):
    # More schools than a page's slots: the rows are read a page of slots at a time.
    target = build(district, make_directive, today, queries.PAGE_SLOTS + 6)
    ids = [r.id for r in Recipient.select(Recipient.id)
           .where(Recipient.directive == target.id).order_by(Recipient.id.desc())]
    proxy = ids[1]
    Recipient.update(acknowledged_at=clock.utcnow(), acknowledged_by=district.officer.id,
                     ack_proxy=True, ack_channel="phone", ack_note="Gọi điện").where(
        Recipient.id == proxy).execute()
    expected = {r.id: shown(r) for r in queries.tracking_rows(district.officer, target, {})}

    rows = queries.tracking_rows_of(district.officer, target,
                                    Recipient.select(Recipient.id).where(Recipient.id.in_(ids))
                                    .order_by(Recipient.id.desc()))

    assert [r.id for r in rows] == ids
    assert [shown(r) for r in rows] == [expected[i] for i in ids]
    assert any(r.reader for r in rows) and any(r.last_reminder for r in rows)
    assert {r.state for r in rows} >= {"acknowledged_late", "overdue"}
    assert next(r for r in rows if r.id == proxy).ack_proxy is True


def test_page_rows_of_a_directive_to_disseminate_carry_the_linked_activity(
        app, district, make_directive, make_activity, head_counts):  # noqa: F811
    target = make_directive(response_kind="disseminate")
    head_counts(district.preschool, managers=2, teachers=15, employees=3)
    activity = make_activity(district.principal, directives=[target], managers=2, teachers=12,
                             employees=1)
    operations.acknowledge(district.principal, target, activity_id=str(activity.id))
    ids = [r.id for r in Recipient.select(Recipient.id).where(Recipient.directive == target.id)]
    expected = {r.id: shown(r) for r in queries.tracking_rows(district.officer, target, {})}

    rows = queries.tracking_rows_of(district.officer, target,
                                    Recipient.select(Recipient.id).where(Recipient.id.in_(ids)))

    assert {r.id: shown(r) for r in rows} == expected
    linked = [r for r in rows if queries.linked_activity(r)]
    assert [(r.school.id, r.staff_attended, r.staff_headcount) for r in linked] == [
        (district.preschool.id, 15, 20)]


def test_state_counts_follow_the_directive_and_the_day(app, district, make_directive, today,
                                                        at_local):
    due_today = make_directive(deadline=today)
    later = make_directive(deadline=today + dt.timedelta(days=5))
    operations.acknowledge(district.principal, later)

    counts = queries.state_counts(district.officer, Directive.get_by_id(due_today.id))
    assert (counts["all"], counts["unread"], counts["overdue"], counts["done"]) == (2, 2, 0, 0)
    assert queries.state_counts(district.officer, Directive.get_by_id(later.id))["done"] == 1

    # The next local day the same statement counts the first directive overdue.
    at_local(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(8, 0)))
    counts = queries.state_counts(district.officer, Directive.get_by_id(due_today.id))
    assert (counts["unread"], counts["overdue"]) == (0, 2)
