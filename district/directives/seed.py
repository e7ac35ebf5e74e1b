"""Demo directives (seeds/directives.json): loaded only while there is no directive yet.

Dates are relative to today, so the demo always shows a realistic mix of schools that
acknowledged on time, late, only read, or never opened a directive."""

import datetime as dt
import json
import random

from .. import clock
from ..activities.vocabulary import QUAN_TRIET
from ..db import database
from ..files import store_bytes
from ..models import (
    Acknowledgement,
    Activity,
    ActivityDirective,
    Directive,
    DirectiveConfirmation,
    DirectiveReminder,
    Dissemination,
    Recipient,
    School,
    User,
)
from ..vocabulary import PRINCIPAL, SCHOOL_ROLES, STAFF
from . import operations, queries, tallies

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
            b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def load(seeds_dir):
    if Directive.select().exists():
        return "directives: already present, nothing loaded"
    data = json.loads((seeds_dir / "directives.json").read_text(encoding="utf-8"))
    officer = User.get(User.username == data["officer"])
    today = clock.today()
    now = clock.utcnow()
    rng = random.Random(2026)
    principals = {u.school_id: u for u in User.select().where(User.role == PRINCIPAL)}
    staff = {}
    for u in User.select().where(User.role == STAFF).order_by(User.id):
        staff.setdefault(u.school_id, u)
    count = acks = 0
    with database.atomic():
        for row in data["directives"]:
            audience = row.get("audience", {"kind": "all"})
            values = {
                "number": row["number"], "title": row["title"], "body": row["body"],
                "signer": row.get("signer", ""),
                "issued_on": today - dt.timedelta(days=row["days_ago"]),
                "deadline": today + dt.timedelta(days=row["deadline_days"]),
                "response_kind": row.get("response_kind", "ack"),
                "personal_confirmation": row.get("personal_confirmation", False),
                "audience_kind": audience["kind"],
                "audience_levels": audience.get("levels", []),
                "audience_ownerships": audience.get("ownerships", []),
            }
            directive = operations.create_draft(officer, values)
            count += 1
            if row["status"] == "draft":
                continue
            directive = operations.publish(officer, directive)
            published = now - dt.timedelta(days=row["days_ago"], hours=-2)
            Directive.update(published_at=published, created_at=published).where(
                Directive.id == directive.id).execute()
            acks += _mix(directive, row.get("mix", {}), published, now, rng, principals, staff)
            _confirmations(directive, row.get("confirmations", 0), published, now, rng)
            tallies.rebuild()  # _mix wrote the recipients directly; withdraw() then moves them
            _remind_overdue(officer, directive, principals)
            if row["status"] == "withdrawn":
                operations.withdraw(officer, directive)
                Directive.update(withdrawn_at=now - dt.timedelta(days=row["withdrawn_days_ago"])
                                 ).where(Directive.id == directive.id).execute()
    disseminated = _disseminations(seeds_dir, now)
    return f"directives: {count} loaded, {acks} acknowledgements, {disseminated}"


def _mix(directive, mix, published, now, rng, principals, staff):
    """Spread the receiving schools over acknowledged / late / read / unread."""
    recipients = list(Recipient.select(Recipient, School).join(School)
                      .where(Recipient.directive == directive.id).order_by(School.code))
    rng.shuffle(recipients)
    n = len(recipients)
    on_time = round(n * mix.get("acknowledged", 0))
    late = round(n * mix.get("late", 0))
    read = round(n * mix.get("read", 0))
    deadline_end = clock.to_utc(dt.datetime.combine(directive.deadline, dt.time(16, 0)))
    acks = 0
    for i, r in enumerate(recipients):
        principal = principals.get(r.school_id)
        reader = staff.get(r.school_id) or principal
        if principal is None or i >= on_time + late + read:
            continue
        span = max((min(deadline_end, now) - published).total_seconds(), 3600)
        opened = published + dt.timedelta(seconds=rng.uniform(600, span * 0.6))
        values = {"first_read_at": opened, "first_read_by": reader.id}
        # A directive to disseminate is acknowledged with the school's quán triệt, once the
        # activities are there (_disseminations).
        acknowledge = i < on_time + late and directive.response_kind != "disseminate"
        roster = None
        if acknowledge and directive.response_kind == "roster":
            roster = queries.valid_roster_on_file(r.school_id)
            acknowledge = roster is not None
        if acknowledge:
            is_late = i >= on_time and deadline_end < now
            if is_late:
                at = deadline_end + dt.timedelta(seconds=rng.uniform(3600 * 10, max(
                    (now - deadline_end).total_seconds(), 3600 * 11)))
                at = min(at, now - dt.timedelta(minutes=5))
            else:
                at = opened + dt.timedelta(seconds=rng.uniform(600, max(
                    (min(deadline_end, now) - opened).total_seconds(), 700)))
            is_late = queries.is_late(directive.deadline, at)
            stored = None
            if directive.response_kind == "report":
                stored = store_bytes(DEMO_PDF, f"bao-cao-tap-huan-{r.school.code.lower()}.pdf",
                                     "application/pdf", principal)
            values.update(acknowledged_at=at, acknowledged_by=principal.id, ack_late=is_late,
                          ack_revision=directive.revision, roster=roster,
                          response_file=stored,
                          ack_note=rng.choice(["", "", "Đã phổ biến đến toàn thể giáo viên.",
                                               "Đã triển khai trong cuộc họp hội đồng."]))
            Acknowledgement.create(recipient=r.id, revision=directive.revision, at=at,
                                   by=principal.id, note=values["ack_note"], late=is_late,
                                   roster=roster, response_file=stored)
            acks += 1
        Recipient.update(**values).where(Recipient.id == r.id).execute()
    return acks


def _remind_overdue(officer, directive, principals):
    """One reminder already sent, the morning after the deadline (or an hour ago if that
    morning is still to come), to each school still pending."""
    if directive.deadline >= clock.today():
        return
    sent_at = min(clock.to_utc(dt.datetime.combine(directive.deadline + dt.timedelta(days=1),
                                                   dt.time(8, 30))),
                  clock.utcnow() - dt.timedelta(hours=1))
    pending = list(Recipient.select(Recipient.id, Recipient.school)
                   .where(Recipient.directive == directive.id,
                          Recipient.acknowledged_at.is_null()))
    Recipient.update(reminders_count=1, last_reminded_at=sent_at).where(
        Recipient.id.in_([r.id for r in pending] or [0])).execute()
    DirectiveReminder.insert_many([
        {"recipient": r.id, "sent_at": sent_at, "sent_by": officer.id,
         "sent_to": ([{"id": principals[r.school_id].id,
                       "name": principals[r.school_id].full_name}]
                     if r.school_id in principals else [])}
        for r in pending]).execute()


def _confirmations(directive, share, published, now, rng):
    """About `share` of the school accounts confirmed personally, after publication."""
    if not directive.personal_confirmation or not share:
        return
    school_ids = Recipient.select(Recipient.school).where(Recipient.directive == directive.id)
    people = list(User.select(User.id).where(User.school.in_(school_ids),
                                             User.role.in_(SCHOOL_ROLES),
                                             User.active == True)  # noqa: E712
                  .order_by(User.id))
    span = max((now - published).total_seconds(), 3600)
    rows = [{"directive": directive.id, "user": u.id, "revision": directive.revision,
             "at": published + dt.timedelta(seconds=rng.uniform(600, span * 0.9))}
            for u in people if rng.random() < share]
    if rows:
        DirectiveConfirmation.insert_many(rows).execute()


def _disseminations(seeds_dir, now):
    """The schools that held the quán triệt of a directive to disseminate acknowledge it, the
    day after, linking that activity. The activities come from the activities seed, loaded here
    first (its own turn then finds them present)."""
    directives = list(Directive.select().where(Directive.response_kind == "disseminate",
                                               Directive.status == "published"))
    if not directives:
        return "0 disseminated"
    from ..activities import seed as activity_seed  # the activities demo needs the directives

    activity_seed.load(seeds_dir)
    principals = {u.school_id: u for u in User.select().where(User.role == PRINCIPAL)}
    linked = 0
    with database.atomic():
        for directive in directives:
            held = (Activity.select(Activity.id, Activity.school, Activity.held_on)
                    .join(ActivityDirective, on=(ActivityDirective.activity == Activity.id))
                    .where(ActivityDirective.directive == directive.id,
                           Activity.kind == QUAN_TRIET, Activity.school.is_null(False))
                    .order_by(Activity.held_on))
            first = {}
            for activity in held:
                first.setdefault(activity.school_id, activity)
            for r in Recipient.select().where(Recipient.directive == directive.id):
                activity, principal = first.get(r.school_id), principals.get(r.school_id)
                if activity is None or principal is None:
                    continue
                at = min(clock.to_utc(dt.datetime.combine(
                    activity.held_on + dt.timedelta(days=1), dt.time(9, 30))),
                    now - dt.timedelta(minutes=30))
                late = queries.is_late(directive.deadline, at)
                Recipient.update(acknowledged_at=at, acknowledged_by=principal.id,
                                 ack_late=late, ack_revision=directive.revision,
                                 first_read_at=r.first_read_at or at,
                                 first_read_by=r.first_read_by_id or principal.id,
                                 ack_note="Đã tổ chức quán triệt cho toàn thể cán bộ, giáo "
                                          "viên, nhân viên.").where(Recipient.id == r.id).execute()
                Acknowledgement.create(recipient=r.id, revision=directive.revision, at=at,
                                       by=principal.id, late=late)
                Dissemination.create(recipient=r.id, revision=directive.revision,
                                     activity=activity.id, linked_by=principal.id, linked_at=at)
                linked += 1
            # Those acknowledged now are no longer among the overdue schools reminded.
        tallies.rebuild()
    return f"{linked} disseminated"
