"""The operations of directives: audience freezing, revisions, withdrawal, derived states,
idempotent acknowledgement, rosters and reports, reminders."""

import datetime as dt
import io
import threading

import pytest
from werkzeug.datastructures import FileStorage

from district.db import database
from district.directives import formats, operations, queries, vocabulary
from district.models import (
    Acknowledgement,
    AuditEntry,
    Directive,
    DirectiveRevision,
    Notification,
    Recipient,
)

from .conftest import local_time

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="bao-cao.pdf", data=PDF):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def states_of(directive):
    rows = (Recipient.select(Recipient.school, queries.state_expr().alias("state"))
            .join(Directive, on=(Recipient.directive == Directive.id))
            .where(Recipient.directive == directive.id))
    return {r.school_id: r.state for r in rows}


def test_publish_freezes_the_audience_and_notifies_the_schools(district, make_directive,
                                                               make_school):
    directive = make_directive(audience_kind="filter", audience_levels=["mam_non"])
    recipients = list(Recipient.select().where(Recipient.directive == directive.id))
    assert [r.school_id for r in recipients] == [district.preschool.id]
    # A preschool opened afterwards does not receive it: the audience is frozen.
    make_school(name="Trường Mầm non Mới", level="mam_non")
    assert Recipient.select().where(Recipient.directive == directive.id).count() == 1
    notified = {n.user_id for n in Notification.select().where(
        Notification.kind == "directive.published")}
    assert notified == {district.principal.id, district.staff.id, district.staff2.id}
    assert AuditEntry.select().where(AuditEntry.action == "directive.publish").count() == 1


def test_audience_by_hand_picked_list_and_all(district, make_directive):
    picked = make_directive(audience_kind="list", audience_school_ids=[district.secondary.id])
    everyone = make_directive()
    assert set(states_of(picked)) == {district.secondary.id}
    assert set(states_of(everyone)) == {district.preschool.id, district.secondary.id}


def test_publishing_twice_or_to_nobody_is_refused(district, make_directive):
    directive = make_directive()
    with pytest.raises(operations.DirectiveError):
        operations.publish(district.officer, directive)
    empty = make_directive(publish=False, audience_kind="list", audience_school_ids=[])
    with pytest.raises(operations.DirectiveError):
        operations.publish(district.officer, empty)
    assert Directive.get_by_id(empty.id).status == "draft"


def test_document_number_is_unique(make_directive):
    make_directive(number="12/PGDĐT-CTHSSV")
    for taken in ("12/PGDĐT-CTHSSV", " 12/pgdĐT-cthssv "):
        with pytest.raises(operations.DirectiveError) as error:
            make_directive(number=taken)
        assert error.value.field == "number"
    assert Directive.select().count() == 1


def test_deadline_states_are_derived(district, make_directive, make_school, today):
    third = make_school(level="tieu_hoc")
    directive = make_directive(deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=10))
    assert set(states_of(directive).values()) == {"overdue"}
    # A late acknowledgement is "acknowledged_late".
    operations.acknowledge(district.principal, directive)
    assert states_of(directive)[district.preschool.id] == "acknowledged_late"
    assert Acknowledgement.get().late is True
    assert states_of(directive)[third.id] == "overdue"

    upcoming = make_directive()
    assert set(states_of(upcoming).values()) == {"unread"}
    operations.mark_read(district.staff, upcoming)
    assert states_of(upcoming)[district.preschool.id] == "read"
    operations.acknowledge(district.principal, upcoming)
    assert states_of(upcoming)[district.preschool.id] == "acknowledged"
    counts = queries.state_counts(district.officer, Directive.get_by_id(directive.id))
    assert (counts["acknowledged_late"], counts["overdue"], counts["total"]) == (1, 2, 3)


def test_first_read_is_recorded_once(district, make_directive):
    directive = make_directive()
    assert operations.mark_read(district.staff, directive) is True
    assert operations.mark_read(district.principal, directive) is False
    recipient = queries.recipient_for(directive, district.preschool.id)
    assert recipient.first_read_by_id == district.staff.id


def test_staff_cannot_acknowledge(district, make_directive):
    directive = make_directive()
    with pytest.raises(operations.DirectiveError):
        operations.acknowledge(district.staff, directive)
    assert queries.recipient_for(directive, district.preschool.id).acknowledged_at is None


def test_acknowledging_twice_records_one_acknowledgement(district, make_directive, make_user):
    directive = make_directive()
    vice = make_user("principal", district.preschool)
    operations.acknowledge(district.principal, directive, "Đã triển khai")
    with pytest.raises(operations.AlreadyAcknowledged):
        operations.acknowledge(vice, directive)
    assert Acknowledgement.select().count() == 1
    recipient = queries.recipient_for(directive, district.preschool.id)
    assert recipient.acknowledged_by_id == district.principal.id
    assert recipient.ack_note == "Đã triển khai"


def test_two_concurrent_acknowledgements_record_exactly_one(app, district, make_directive,
                                                            make_user):
    directive = make_directive()
    vice = make_user("principal", district.preschool)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user):
        with app.test_request_context():
            database.connect(reuse_if_open=True)  # each thread has its own connection
            try:
                barrier.wait()
                operations.acknowledge(user, directive)
                outcomes.append("ok")
            except operations.AlreadyAcknowledged:
                outcomes.append("already")
            finally:
                database.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (district.principal, vice)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["already", "ok"]
    assert Acknowledgement.select().count() == 1
    assert AuditEntry.select().where(AuditEntry.action == "directive.acknowledge").count() == 1


def test_roster_directive_needs_a_valid_roster(district, make_directive, make_roster):
    directive = make_directive(response_kind="roster")
    with pytest.raises(operations.DirectiveError) as error:
        operations.acknowledge(district.principal, directive)
    assert "tổ tư vấn" in str(error.value)
    make_roster(district.preschool, state="incomplete")
    with pytest.raises(operations.DirectiveError):
        operations.acknowledge(district.principal, directive)
    Recipient.update(acknowledged_at=None).execute()
    from district.models import Roster
    Roster.update(state="complete").execute()
    roster = Roster.get()
    recipient = operations.acknowledge(district.principal, directive)
    assert recipient.roster_id == roster.id
    assert Acknowledgement.get().roster_id == roster.id


def test_report_directive_needs_an_uploaded_document(app, district, make_directive):
    directive = make_directive(response_kind="report")
    with app.test_request_context():
        with pytest.raises(operations.DirectiveError):
            operations.acknowledge(district.principal, directive)
        with pytest.raises(operations.DirectiveError) as error:
            operations.acknowledge(district.principal, directive,
                                 upload=pdf_upload("fake.pdf", b"<script>alert(1)</script>"))
        assert "PDF" in str(error.value)
        recipient = operations.acknowledge(district.principal, directive, upload=pdf_upload())
    assert recipient.response_file.original_name == "bao-cao.pdf"
    assert Acknowledgement.get().response_file_id == recipient.response_file_id


def test_revision_with_reacknowledgement_keeps_the_history(district, make_directive, today):
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    data = {f: getattr(directive, f) for f in vocabulary.EDITABLE}
    data["deadline"] = today + dt.timedelta(days=14)
    data["body"] = "Nội dung đã sửa."
    operations.revise(district.officer, directive, data, "Gia hạn và bổ sung nội dung", True)
    directive = Directive.get_by_id(directive.id)
    assert directive.revision == 2
    revision = DirectiveRevision.get()
    assert revision.requires_reack and set(revision.previous) == {"deadline", "body"}
    assert states_of(directive)[district.preschool.id] == "read"
    assert Acknowledgement.select().count() == 1  # the earlier one stays in the history
    operations.acknowledge(district.principal, directive)
    revisions = [a.revision for a in Acknowledgement.select().order_by(Acknowledgement.id)]
    assert revisions == [1, 2]
    assert Notification.select().where(Notification.kind == "directive.revised").count() == 5


def test_revision_without_reacknowledgement_keeps_acknowledgements(district, make_directive):
    directive = make_directive()
    operations.acknowledge(district.principal, directive)
    data = {f: getattr(directive, f) for f in vocabulary.EDITABLE}
    data["title"] = "Trích yếu đã sửa lỗi chính tả"
    operations.revise(district.officer, directive, data, "Sửa lỗi chính tả", False)
    assert states_of(directive)[district.preschool.id] == "acknowledged"
    with pytest.raises(operations.DirectiveError):
        operations.revise(district.officer, directive, data, "", False)


def test_withdrawn_directive_stays_but_cannot_be_acknowledged(district, make_directive, today):
    directive = make_directive(deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=5))
    directive = operations.withdraw(district.officer, directive)
    assert directive.status == "withdrawn" and directive.withdrawn_at is not None
    with pytest.raises(operations.DirectiveError):
        operations.acknowledge(district.principal, directive)
    # No longer counted as overdue, and still in the school's inbox.
    assert "overdue" not in states_of(directive).values()
    assert [d.id for d in queries.school_inbox(district.principal)] == [directive.id]


def test_reminders_count_and_notify_principals(district, make_directive, today, at_local):
    directive = make_directive(deadline=today - dt.timedelta(days=2),
                               issued_on=today - dt.timedelta(days=9))
    operations.acknowledge(district.principal, directive)
    first = at_local(local_time(today, 9))
    assert operations.remind(district.officer, directive, overdue_only=True) == (1, 0)
    at_local(local_time(today, 9, 1, days=1))  # a day and a minute later: reminded again
    assert operations.remind(district.officer, directive,
                             school_ids=[district.secondary.id]) == (1, 0)
    recipient = queries.recipient_for(directive, district.secondary.id)
    assert recipient.reminders_count == 2 and recipient.last_reminded_at > first
    reminded = [n.user_id for n in Notification.select().where(
        Notification.kind == "directive.reminder")]
    assert reminded == [district.other_principal.id, district.other_principal.id]
    # An acknowledged school is not reminded.
    assert operations.remind(district.officer, directive,
                             school_ids=[district.preschool.id]) == (0, 0)


def test_markdown_script_is_rendered_harmless():
    html = formats.render_markdown(
        "**Đậm** <script>alert('x')</script> [a](javascript:alert(1)) <img src=x onerror=y>")
    assert "<strong>Đậm</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_pending_count_is_per_role(district, make_directive):
    first = make_directive()
    make_directive()
    assert queries.pending_count(district.principal) == 2
    operations.mark_read(district.staff, first)
    assert queries.pending_count(district.staff) == 1
    operations.acknowledge(district.principal, first)
    assert queries.pending_count(district.principal) == 1
    assert queries.pending_count(district.other_staff) == 2
