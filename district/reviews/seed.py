"""Demo reviews (seeds/reviews.json): one finished round (every school's review accepted, some
improvement actions closed with their evidence) and one under way for the preschools (drafts,
submitted, one returned, some not started), tied to the office's directive on violence.

Drawn with a fixed random seed, dates relative to today. Loaded only while no round exists.
Rows are written directly (hundreds of answers, one audit entry); the kept counts are rebuilt.
"""

import datetime as dt
import json
import random

from .. import clock
from ..audit import record
from ..directives import operations as directives
from ..files import store_bytes
from ..models import (
    Directive,
    ReviewAction,
    ReviewAnswer,
    ReviewEvent,
    ReviewEvidence,
    ReviewRound,
    ReviewSubmission,
    School,
    User,
)
from ..text import fold
from ..vocabulary import PRINCIPAL
from . import criteria, queries, tallies
from .vocabulary import ACCEPTED, DRAFT, NEEDS_ACTION, NOT_STARTED, RETURNED, SUBMITTED

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
            b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _at(day, hour=9):
    return clock.to_utc(dt.datetime.combine(day, dt.time(hour)))


class _Demo:
    def __init__(self, data, rng, today):
        self.data, self.rng, self.today = data, rng, today
        self.officer = User.get(User.username == data["officer"])
        self.principals = {u.school_id: u for u in User.select().where(
            User.role == PRINCIPAL, User.active == True)}  # noqa: E712
        self.answers = self.actions = self.closed = 0

    def verdict(self, weights):
        codes, values = zip(*weights.items(), strict=True)
        return self.rng.choices(codes, values)[0]

    def launch(self, spec, schools, directive=None):
        launched = self.today - dt.timedelta(days=spec["launched_days_ago"])
        deadline = (self.today - dt.timedelta(days=spec["deadline_days_ago"])
                    if "deadline_days_ago" in spec
                    else self.today + dt.timedelta(days=spec["deadline_in_days"]))
        kind = "filter" if spec.get("levels") else "all"
        return ReviewRound.create(
            title=spec["title"], title_search=fold(spec["title"]),
            criteria_set=criteria.install(spec["criteria"]), audience_kind=kind,
            audience_levels=spec.get("levels") or [], audience_ownerships=[],
            audience_school_ids=[], deadline=deadline, directive=directive,
            created_by=self.officer, created_at=_at(launched, 8), status="open",
            school_count=len(schools), not_started_count=len(schools))

    def answer(self, review_round, submission, principal, spec, day, with_evidence):
        """Answers to every criterion, an action for each partly or not met."""
        rows = queries.round_criteria(review_round)
        comments = self.data["comments"]
        for position, c in enumerate(rows):
            verdict = self.verdict(spec["weights"])
            answer = ReviewAnswer.create(
                submission=submission.id, criterion=c.id, verdict=verdict,
                comment=self.rng.choice(comments[verdict]), updated_at=_at(day, 10),
                updated_by=principal)
            self.answers += 1
            if verdict in NEEDS_ACTION:
                plan = self.rng.choice(self.data["actions"])
                ReviewAction.create(answer=answer.id, submission=submission.id,
                                    what=plan["what"], who=plan["who"],
                                    due_on=day + dt.timedelta(days=self.rng.randint(20, 90)))
                self.actions += 1
            if with_evidence and position < 2:
                stored = store_bytes(DEMO_PDF, f"minh-chung-{c.code.lower()}.pdf",
                                     "application/pdf", principal)
                ReviewEvidence.create(answer=answer.id, file=stored, added_by=principal,
                                      added_at=_at(day, 10))

    def event(self, submission, actor, kind, day, hour, note="", details=None):
        ReviewEvent.create(submission=submission.id, actor=actor, at=_at(day, hour), kind=kind,
                           note=note, details=details)


def _finished(demo, spec):
    schools = [s for s in School.select().where(School.active == True)  # noqa: E712
               .order_by(School.code) if s.id in demo.principals]
    review_round = demo.launch(spec, schools)
    deadline = review_round.deadline
    for index, school in enumerate(schools):
        principal = demo.principals[school.id]
        submitted_on = deadline - dt.timedelta(days=demo.rng.randint(1, 20))
        decided_on = submitted_on + dt.timedelta(days=demo.rng.randint(1, 7))
        submission = ReviewSubmission.create(
            review_round=review_round.id, school=school.id, state=ACCEPTED, version=3,
            started_at=_at(submitted_on - dt.timedelta(days=3)),
            submitted_at=_at(submitted_on, 15), submitted_by=principal, submissions=1,
            decided_at=_at(decided_on, 10), decided_by=demo.officer,
            updated_at=_at(decided_on, 10))
        demo.answer(review_round, submission, principal, spec,
                    submitted_on - dt.timedelta(days=3), with_evidence=index % 3 == 0)
        demo.event(submission, principal, "saved", submitted_on - dt.timedelta(days=3), 10)
        demo.event(submission, principal, "submitted", submitted_on, 15)
        demo.event(submission, demo.officer, "accepted", decided_on, 10)
        for action in ReviewAction.select().where(ReviewAction.submission == submission.id):
            if demo.rng.random() < spec["closed_share"]:
                closed_on = min(action.due_on, demo.today - dt.timedelta(days=1))
                stored = store_bytes(DEMO_PDF, "bien-ban-hoan-thanh.pdf", "application/pdf",
                                     principal)
                ReviewAction.update(closed_at=_at(closed_on, 16), closed_by=principal,
                                    closing_note="Đã hoàn thành, có biên bản kèm theo.",
                                    closing_file=stored.id).where(
                    ReviewAction.id == action.id).execute()
                demo.event(submission, principal, "action_closed", closed_on, 16,
                           note="Đã hoàn thành, có biên bản kèm theo.")
                demo.closed += 1
    return review_round


def _under_way(demo, spec):
    directive = Directive.get_or_none(Directive.number == spec.get("directive"),
                                      Directive.status == "published")
    schools = [s for s in School.select().where(School.active == True,  # noqa: E712
                                                School.level.in_(spec["levels"]))
               .order_by(School.code) if s.id in demo.principals]
    review_round = demo.launch(spec, schools, directive)
    launched = demo.today - dt.timedelta(days=spec["launched_days_ago"])
    plan = iter(spec["plan"] * 10)
    for school in schools:
        state = spec["states"].get(school.code) or next(plan)
        principal = demo.principals[school.id]
        started = launched + dt.timedelta(days=demo.rng.randint(1, 4))
        fields = {"state": state, "version": 1, "updated_at": _at(started, 10)}
        if state != NOT_STARTED:
            fields.update(started_at=_at(started, 10), version=2)
        if state in (SUBMITTED, RETURNED, ACCEPTED):
            fields.update(submitted_at=_at(started + dt.timedelta(days=2), 15),
                          submitted_by=principal, submissions=1, version=3)
        if state in (RETURNED, ACCEPTED):
            fields.update(decided_at=_at(started + dt.timedelta(days=4), 9),
                          decided_by=demo.officer, version=4)
        submission = ReviewSubmission.create(review_round=review_round.id, school=school.id,
                                             **fields)
        if state == NOT_STARTED:
            continue
        demo.answer(review_round, submission, principal, spec, started, with_evidence=True)
        demo.event(submission, principal, "saved", started, 10)
        if state == DRAFT:
            # A draft is unfinished: its last criterion is not answered yet.
            last = (ReviewAnswer.select().where(ReviewAnswer.submission == submission.id)
                    .order_by(ReviewAnswer.id.desc()).first())
            ReviewAction.delete().where(ReviewAction.answer == last.id).execute()
            ReviewEvidence.update(active=False).where(ReviewEvidence.answer == last.id).execute()
            ReviewAnswer.update(verdict="", comment="").where(
                ReviewAnswer.id == last.id).execute()
            continue
        demo.event(submission, principal, "submitted", started + dt.timedelta(days=2), 15)
        if state == RETURNED:
            target = (ReviewAnswer.select().where(ReviewAnswer.submission == submission.id)
                      .order_by(ReviewAnswer.id).first())
            ReviewAnswer.update(return_comment=spec["return_comment"]).where(
                ReviewAnswer.id == target.id).execute()
            code = target.criterion.code
            demo.event(submission, demo.officer, "returned", started + dt.timedelta(days=4), 9,
                       details={"comments": {code: spec["return_comment"]}})
        elif state == ACCEPTED:
            demo.event(submission, demo.officer, "accepted", started + dt.timedelta(days=4), 9)
        if directive is not None:  # the review is the school's response to the directive
            directives.review_step(directive.id, school.id, principal, "submitted",
                                   fields["submitted_at"])
            if state in (RETURNED, ACCEPTED):
                directives.review_step(directive.id, school.id, demo.officer, state,
                                       fields["decided_at"],
                                       spec["return_comment"] if state == RETURNED else "")
    return review_round


def load(seeds_dir):
    if ReviewRound.select().exists():
        return "reviews: already present, nothing loaded"
    data = json.loads((seeds_dir / "reviews.json").read_text(encoding="utf-8"))
    demo = _Demo(data, random.Random(2026), clock.today())
    finished = _finished(demo, data["finished"])
    under_way = _under_way(demo, data["under_way"])
    tallies.rebuild()
    record("seed.reviews", target_type="seed", details={
        "rounds": [finished.id, under_way.id], "answers": demo.answers,
        "actions": demo.actions, "closed": demo.closed})
    return (f"reviews: 2 rounds ({finished.school_count} schools accepted, "
            f"{under_way.school_count} preschools under way), {demo.answers} answers, "
            f"{demo.actions} improvement actions ({demo.closed} closed)")
