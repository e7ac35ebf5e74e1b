"""Demo directives (seeds/directives.json): loaded only while there is no directive yet.

Dates are relative to today, so the demo always shows a realistic mix of schools that
acknowledged on time, late, only read, or never opened a directive."""

import datetime as dt
import json
import random

from peewee import fn

from .. import clock
from ..activities.vocabulary import QUAN_TRIET
from ..db import database
from ..files import store_bytes
from ..models import (
    Acknowledgement,
    Activity,
    ActivityDirective,
    AuditEntry,
    Directive,
    DirectiveConfirmation,
    DirectiveReminder,
    Dissemination,
    Notification,
    Recipient,
    ResponseStep,
    School,
    User,
)
from ..vocabulary import PRINCIPAL, SCHOOL_ROLES, STAFF
from . import operations, queries, reminders, schedule, tallies
from .vocabulary import REVIEWED_KINDS

# The directive whose automatic reminders the demo shows (its deadline is past): its steps are
# sent at their own times once its schools acknowledged (_replay_schedule), the last to come.
SCHEDULE_DEMO = "1256/PGDĐT-CTHSSV"
SCHEDULES = {SCHEDULE_DEMO: [-3, 0, 1, 3, 7]}

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
                "reminder_days": SCHEDULES.get(row["number"]),
                "audience_kind": audience["kind"],
                "audience_levels": audience.get("levels", []),
                "audience_ownerships": audience.get("ownerships", []),
                "info_levels": row.get("info_levels", []),
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
            if row["number"] not in SCHEDULES:  # reminded by its schedule instead
                _remind_overdue(officer, directive, principals)
            if row["status"] == "withdrawn":
                operations.withdraw(officer, directive)
                Directive.update(withdrawn_at=now - dt.timedelta(days=row["withdrawn_days_ago"])
                                 ).where(Directive.id == directive.id).execute()
    disseminated = _disseminations(seeds_dir, now)
    disseminated += f", {_reviews_and_proxies(data, officer, now, rng)}"
    disseminated += f", {_replay_schedule(now)}"
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
        acknowledge = (i < on_time + late and r.purpose == "act"
                       and directive.response_kind not in ("disseminate", "review"))
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
            if directive.response_kind in REVIEWED_KINDS:
                values.update(response_state="submitted", response_at=at)
                ResponseStep.create(recipient=r.id, revision=directive.revision,
                                    action="submitted", by=principal.id, at=at, roster=roster,
                                    response_file=stored)
            acks += 1
        Recipient.update(**values).where(Recipient.id == r.id).execute()
    return acks


def _reviews_and_proxies(data, officer, now, rng):
    """The office at work on the schools' answers (issue 14): of each directive named in
    `review`, some reports accepted, some returned with a comment (one sent again since), and
    schools that acknowledged by phone or on paper, recorded by the officer (one confirmed by
    its principal since). Done through the operations, then dated in the past."""
    reviewed = proxied = 0
    for row in data["directives"]:
        plan = row.get("review")
        if not plan:
            continue
        directive = Directive.get(Directive.number == row["number"])
        waiting = list(Recipient.select(Recipient, School).join(School)
                       .where(Recipient.directive == directive.id,
                              Recipient.response_state == "submitted")
                       .order_by(School.code))
        for i, r in enumerate(waiting[:plan["accepted"] + len(plan["returned"])]):
            accept = i < plan["accepted"]
            comment = "" if accept else plan["returned"][i - plan["accepted"]]
            operations.review_response(officer, directive, r.school_id, accept, comment)
            at = r.response_at + dt.timedelta(days=1, hours=rng.randint(1, 6))
            _backdate(r, min(at, now - dt.timedelta(hours=3)))
            reviewed += 1
            if not accept and i == plan["accepted"]:  # the first returned one, sent again
                principal = User.get((User.school == r.school_id) & (User.role == PRINCIPAL))
                again = store_bytes(DEMO_PDF, f"bao-cao-bo-sung-{r.school.code.lower()}.pdf",
                                    "application/pdf", principal)
                resent = min(at + dt.timedelta(hours=20), now - dt.timedelta(hours=1))
                (ResponseStep.insert(recipient=r.id, revision=directive.revision,
                                     action="resubmitted", by=principal.id, at=resent,
                                     comment="Nhà trường đã bổ sung số liệu theo góp ý.",
                                     response_file=again).execute())
                Recipient.update(response_state="resubmitted", response_at=resent,
                                 response_file=again.id).where(Recipient.id == r.id).execute()
        pending = list(Recipient.select(Recipient, School).join(School)
                       .where(Recipient.directive == directive.id,
                              Recipient.acknowledged_at.is_null(), Recipient.purpose == "act")
                       .order_by(School.code))
        proxies = plan.get("proxies", [])[:len(pending)]
        for i, (r, (channel, reason)) in enumerate(zip(pending, proxies, strict=False)):
            operations.acknowledge_for_school(officer, directive, r.school_id, channel, reason)
            at = min(clock.to_utc(dt.datetime.combine(directive.deadline, dt.time(10, 30))),
                     now - dt.timedelta(hours=5))
            late = queries.is_late(directive.deadline, at)
            Recipient.update(acknowledged_at=at, ack_late=late).where(
                Recipient.id == r.id).execute()
            Acknowledgement.update(at=at, late=late).where(
                Acknowledgement.recipient == r.id).execute()
            if i == 0:
                principal = User.get((User.school == r.school_id) & (User.role == PRINCIPAL))
                operations.confirm_proxy(principal, directive)
                Recipient.update(proxy_confirmed_at=at + dt.timedelta(hours=2)).where(
                    Recipient.id == r.id).execute()
            proxied += 1
    tallies.rebuild()
    return f"{reviewed} responses reviewed, {proxied} acknowledged by the office"


def _backdate(recipient, at):
    """The review just made by the operation happened at `at`."""
    (ResponseStep.update(at=at)
     .where(ResponseStep.recipient == recipient.id,
            ResponseStep.action.in_(["accepted", "returned"])).execute())


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


def _replay_schedule(now):
    """The schedule demo's reminder history, made by the job itself: each step due before now
    is sent at its own time (reminders.send_directive_due), when only the schools that had
    acknowledged by then count as done, so a school that acknowledged before a step is not
    reminded by it. Its notifications and audit entries are dated then."""
    directive = Directive.get_or_none(Directive.number == SCHEDULE_DEMO,
                                      Directive.status == "published")
    if directive is None:
        return "0 reminder steps"
    acked = {r.id: r.acknowledged_at for r in
             Recipient.select(Recipient.id, Recipient.acknowledged_at)
             .where(Recipient.directive == directive.id, Recipient.acknowledged_at.is_null(False))}
    at = schedule.reminder_time()
    times = [clock.to_utc(dt.datetime.combine(schedule.step_day(directive, step), at))
             + dt.timedelta(minutes=4) for step in sorted(directive.reminder_days)]
    sent = 0
    with database.atomic():
        Recipient.update(acknowledged_at=None).where(
            Recipient.id.in_(list(acked) or [0])).execute()
        for when in [t for t in times if t <= now] + [None]:
            for rid in [i for i, ack in acked.items() if when is None or ack < when]:
                Recipient.update(acknowledged_at=acked.pop(rid)).where(
                    Recipient.id == rid).execute()
            if when is None:
                break
            notified = Notification.select(fn.MAX(Notification.id)).scalar() or 0
            audited = AuditEntry.select(fn.MAX(AuditEntry.id)).scalar() or 0
            sent += len(reminders.send_directive_due(directive, when)[schedule.SENT])
            Notification.update(created_at=when).where(Notification.id > notified).execute()
            AuditEntry.update(at=when).where(AuditEntry.id > audited).execute()
    return f"{sent} reminder steps sent"


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
            # Read before writing: SQLite would meet again a row the loop moves in the index
            # it reads (directive, acknowledged_at).
            for r in list(Recipient.select().where(Recipient.directive == directive.id)):
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
