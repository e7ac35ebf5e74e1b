"""Notifications about a directive link to its page; opening the page reads them."""

import datetime as dt

from district.directives import operations
from district.models import Notification


def unread(user):
    return Notification.select().where(Notification.user == user.id,
                                       Notification.read_at.is_null())


def bell(client):
    return client.get("/notifications/bell").get_data(as_text=True)


def test_opening_a_new_directive_reads_its_notification(district, login_as, make_directive):
    directive = make_directive()
    note = unread(district.principal).get()
    assert note.kind == "directive.published" and note.link == f"/directives/{directive.id}"
    principal = login_as(district.principal)
    assert '<span class="badge" id="bell-count">1</span>' in bell(principal)
    assert principal.get(f"/directives/{directive.id}").status_code == 200
    assert unread(district.principal).count() == 0
    assert 'id="bell-count"' not in bell(principal)
    # Opening it marks only the reader's notifications: the staff's stay unread.
    assert unread(district.staff).count() == 1


def test_reminders_and_revisions_link_to_the_directive_page(district, login_as, make_directive,
                                                            today):
    directive = make_directive(deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=5))
    operations.remind(district.officer, directive, overdue_only=True)
    data = {f: getattr(directive, f) for f in ("number", "title", "body", "signer",
                                               "issued_on", "deadline", "response_kind")}
    operations.revise(district.officer, directive, {**data, "title": "Trích yếu mới"},
                      "Sửa trích yếu", False)
    links = {n.link for n in Notification.select()}
    assert links == {f"/directives/{directive.id}"}
    login_as(district.other_principal).get(f"/directives/{directive.id}")
    assert unread(district.other_principal).count() == 0
