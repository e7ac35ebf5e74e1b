"""What one account's daily digest says, read through access.py's scopes like any page:

- new directives (published since the account's previous digest): number and title;
- deadlines in the next DUE_DAYS days and overdue directives: for a principal, those the school
  has still to acknowledge; for an officer, those some schools have still to acknowledge, with
  how many;
- incidents waiting on the account, as a number only (no reference, school, category or word
  of what happened): for an officer, the resolved ones waiting for the office's review; for a
  principal, the school's new ones and those assigned to them; for staff, the open ones
  assigned to them;
- how many of its notifications arrived since and are unread.

An account with nothing in any of these gets no e-mail that day.
"""

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from .. import clock
from ..access import (
    directives_visible_to,
    incidents_visible_to,
    is_officer,
    is_principal,
    may_acknowledge,
    may_manage_directives,
    notifications_visible_to,
)
from ..directives.queries import needs_action
from ..incidents.workflow import OPEN_STATUSES
from ..models import Directive, Incident, Notification, OutboxMessage, Recipient

DUE_DAYS = 3
LIMIT = 10  # directives listed per section; beyond, "and N more" with a link to the list


@dataclass
class Section:
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return max(0, self.total - len(self.rows))

    def __bool__(self):
        return self.total > 0


@dataclass
class Digest:
    day: dt.date
    new: Section
    due: Section
    overdue: Section
    incidents: int = 0
    unread: int = 0

    def __bool__(self):
        return bool(self.new or self.due or self.overdue or self.incidents or self.unread)


def _row(directive, schools=None):
    return {"number": directive.number, "title": directive.title, "deadline": directive.deadline,
            "schools": schools, "link": f"/directives/{directive.id}"}


def _section(query, make=_row):
    rows = [make(d) for d in query.limit(LIMIT)]
    total = len(rows) if len(rows) < LIMIT else query.order_by().count()
    return Section(rows=rows, total=total)


def since_previous(message):
    """The instant the account's previous digest was queued (a day before this one's when it
    has none): what is "new" in this one."""
    previous = (OutboxMessage.select(fn.MAX(OutboxMessage.created_at))
                .where(OutboxMessage.user == message.user_id,
                       OutboxMessage.kind == "digest",
                       OutboxMessage.digest_day < message.digest_day)
                .scalar())
    return previous or message.created_at - dt.timedelta(days=1)


def _published(user):
    return directives_visible_to(user).where(Directive.status == "published")


def _new_directives(user, since, until):
    return _section(_published(user)
                    .where(Directive.published_at >= since, Directive.published_at < until)
                    .order_by(Directive.published_at.desc(), Directive.id.desc()))


def _school_deadlines(user, today):
    """The directives the school has still to acknowledge: due in DUE_DAYS days, and overdue
    (those it receives for information have no deadline for it)."""
    pending = needs_action(user).where(Recipient.purpose == "act")
    due = pending.where(Directive.deadline.between(today, today + dt.timedelta(days=DUE_DAYS)))
    overdue = pending.where(Directive.deadline < today).order_by(Directive.deadline.desc(),
                                                                   Directive.id)
    return _section(due), _section(overdue)


def _office_deadlines(user, today):
    """The directives some schools have still to acknowledge, with how many (the counts kept on
    the directive): due in DUE_DAYS days, and overdue (latest deadline first)."""
    waiting = _published(user).where(Directive.recipient_count > Directive.ack_count)

    def with_schools(directive):
        return _row(directive, directive.recipient_count - directive.ack_count)

    due = (waiting.where(Directive.deadline.between(today, today + dt.timedelta(days=DUE_DAYS)))
           .order_by(Directive.deadline, Directive.id))
    overdue = waiting.where(Directive.deadline < today).order_by(Directive.deadline.desc(),
                                                                 Directive.id)
    return _section(due, with_schools), _section(overdue, with_schools)


def incidents_waiting(user):
    """How many incidents wait on `user` (a number: nothing about them)."""
    query = incidents_visible_to(user)
    if is_officer(user):
        return query.where(Incident.status == "resolved").count()
    mine = (Incident.assignee == user.id) & Incident.status.in_(OPEN_STATUSES)
    if is_principal(user):
        return query.where((Incident.status == "reported") | mine).count()
    return query.where(mine).count()


def gather(user, message, today=None):
    """The digest of the outbox `message` for `user`."""
    today = today or message.digest_day or clock.today()
    since, until = since_previous(message), message.created_at
    empty = Section()
    due, overdue = empty, empty
    if may_acknowledge(user):
        due, overdue = _school_deadlines(user, today)
    elif may_manage_directives(user):
        due, overdue = _office_deadlines(user, today)
    unread = (notifications_visible_to(user)
              .where(Notification.read_at.is_null(), Notification.created_at >= since,
                     Notification.created_at < until)
              .count())
    return Digest(day=today, new=_new_directives(user, since, until), due=due, overdue=overdue,
                  incidents=incidents_waiting(user), unread=unread)
