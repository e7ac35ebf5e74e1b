"""The page queries of reviews (read only), built on the visibility functions of access.py.
Every page runs a fixed number of statements whatever the number of schools, criteria or
answers: lists are paged, and what a page shows of its rows is fetched for those rows at once.
"""

from peewee import JOIN, fn

from .. import access, clock, school_search
from ..directives.vocabulary import REVIEW_ROUND_KIND
from ..models import (
    Criterion,
    Directive,
    ReviewAction,
    ReviewAnswer,
    ReviewEvent,
    ReviewEvidence,
    ReviewRound,
    ReviewSubmission,
    School,
    StoredFile,
    User,
)
from ..text import fold
from .vocabulary import (
    ACCEPTED,
    MET,
    NA,
    NEEDS_ACTION,
    OPEN_STATES,
    OVERDUE,
    RETURNED,
    STORED_STATES,
    SUBMITTED,
    UNSUBMITTED_STATES,
    share_class,
)


def display_state(state, deadline, today=None):
    """The state a person reads: a review the school still has to act on is overdue after the
    round's deadline day."""
    today = today or clock.today()
    if state in OPEN_STATES and today > deadline:
        return OVERDUE
    return state


def share(met, applicable):
    return round(100 * met / applicable) if applicable else None


# --- Criteria ------------------------------------------------------------------------------------


def round_criteria(review_round):
    return list(Criterion.select().where(Criterion.criteria_set == review_round.criteria_set_id)
                .order_by(Criterion.position, Criterion.id))


def groups_of(criteria_rows):
    """[{code, title, criteria}] in the order of the criteria."""
    groups = {}
    for c in criteria_rows:
        groups.setdefault(c.group_code, {"code": c.group_code, "title": c.group_title,
                                         "criteria": []})["criteria"].append(c)
    return list(groups.values())


# --- Lists ---------------------------------------------------------------------------------------


def office_rounds(user, filters):
    query = (access.review_rounds_visible_to(user).select(ReviewRound, Directive)
             .join(Directive, join_type=JOIN.LEFT_OUTER,
                   on=(ReviewRound.directive == Directive.id)))
    if filters.get("q"):
        query = query.where(ReviewRound.title_search.contains(fold(filters["q"])))
    return query.order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc())


def school_rounds(user):
    """The user's school's reviews, newest round first (with the round)."""
    return (access.review_submissions_visible_to(user).select(ReviewSubmission, ReviewRound)
            .join(ReviewRound).order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc()))


def round_counts(review_round, today=None):
    """The round's schools per state (kept counts), with `overdue` those still to act after the
    deadline (then counted there rather than in their own state)."""
    counts = {s: getattr(review_round, f"{s}_count") or 0 for s in STORED_STATES}
    today = today or clock.today()
    counts[OVERDUE] = 0
    if today > review_round.deadline:
        for state in OPEN_STATES:
            counts[OVERDUE] += counts[state]
            counts[state] = 0
    return counts


def ever_submitted(review_round):
    return (review_round.submitted_count or 0) + (review_round.returned_count or 0) + (
        review_round.accepted_count or 0)


# --- The office's matrix -------------------------------------------------------------------------


def matrix_query(user, review_round, filters, today=None):
    """The round's schools (with their school) as filtered, in Vietnamese order."""
    today = today or clock.today()
    query = (access.review_submissions_visible_to(user).select(ReviewSubmission, School)
             .join(School).where(ReviewSubmission.review_round == review_round.id))
    if filters.get("level"):
        query = query.where(School.level == filters["level"])
    if filters.get("ownership"):
        query = query.where(School.ownership == filters["ownership"])
    state = filters.get("state")
    if state == OVERDUE:
        query = query.where(ReviewSubmission.state.in_(OPEN_STATES)) if (
            today > review_round.deadline) else query.where(ReviewSubmission.id == 0)
    elif state in STORED_STATES:
        query = query.where(ReviewSubmission.state == state)
        if state in OPEN_STATES and today > review_round.deadline:
            query = query.where(ReviewSubmission.id == 0)  # they are overdue now
    query = school_search.narrow(query, {"q": filters.get("q")})
    return query.order_by(School.name_key, School.id)


def verdict_counts(submission_ids):
    """{submission id: {group code: {verdict: n}}} of these submissions (one statement)."""
    counts = {}
    if not submission_ids:
        return counts
    rows = (ReviewAnswer.select(ReviewAnswer.submission, Criterion.group_code,
                                ReviewAnswer.verdict, fn.COUNT(ReviewAnswer.id))
            .join(Criterion).where(ReviewAnswer.submission.in_(list(submission_ids)))
            .group_by(ReviewAnswer.submission, Criterion.group_code, ReviewAnswer.verdict)
            .tuples())
    for sid, group, verdict, n in rows:
        counts.setdefault(sid, {}).setdefault(group, {})[verdict] = n
    return counts


def group_shares(by_verdict):
    """{group: % met of the criteria answered and applicable}."""
    result = {}
    for group, verdicts in by_verdict.items():
        applicable = sum(n for v, n in verdicts.items() if v and v != NA)
        result[group] = share(verdicts.get(MET, 0), applicable)
    return result


def matrix_rows(submissions, groups, today, deadline):
    """One row per submission of the page: its school, state and a cell per group (the share
    met, shown once the school has submitted)."""
    counts = verdict_counts([s.id for s in submissions])
    rows = []
    for s in submissions:
        shares = group_shares(counts.get(s.id, {})) if s.submitted_at else {}
        rows.append({"submission": s, "school": s.school,
                     "state": display_state(s.state, deadline, today),
                     "cells": [{"group": g["code"], "share": shares.get(g["code"]),
                                "css": share_class(shares.get(g["code"]))} for g in groups],
                     "submitted": bool(s.submitted_at)})
    return rows


def weakest_criteria(scope, review_round, limit=5):
    """The criteria most often partly met or not met across the schools that submitted."""
    submitted = (scope.select(ReviewSubmission.id)
                 .where(ReviewSubmission.review_round == review_round.id,
                        ReviewSubmission.submitted_at.is_null(False)))
    weak = fn.COUNT(ReviewAnswer.id)
    return list(Criterion.select(Criterion.id, Criterion.code, Criterion.text,
                                 Criterion.group_code, Criterion.position, weak.alias("weak"))
                .join(ReviewAnswer, on=(ReviewAnswer.criterion == Criterion.id))
                .where(ReviewAnswer.submission.in_(submitted),
                       ReviewAnswer.verdict.in_(NEEDS_ACTION))
                .group_by(Criterion.id, Criterion.code, Criterion.text, Criterion.group_code,
                          Criterion.position)
                .order_by(weak.desc(), Criterion.position).limit(limit))


def not_submitted(user, review_round, limit=10):
    return list(access.review_submissions_visible_to(user).select(ReviewSubmission, School)
                .join(School).where(ReviewSubmission.review_round == review_round.id,
                                    ReviewSubmission.state.in_(UNSUBMITTED_STATES))
                .order_by(School.name_key, School.id).limit(limit))


def _overdue_actions(user, review_round, today):
    visible = access.review_submissions_visible_to(user).select(ReviewSubmission.id).where(
        ReviewSubmission.review_round == review_round.id,
        ReviewSubmission.submitted_at.is_null(False))
    return (ReviewAction.select(ReviewAction, ReviewSubmission, School, ReviewAnswer, Criterion)
            .join(ReviewSubmission).join(School).switch(ReviewAction)
            .join(ReviewAnswer).join(Criterion)
            .where(ReviewAction.submission.in_(visible), ReviewAction.closed_at.is_null(),
                   ReviewAction.due_on < today, ReviewAnswer.verdict.in_(NEEDS_ACTION)))


def overdue_actions(user, review_round, today, limit=20):
    """(count, the first `limit`) open improvement actions past their date."""
    query = _overdue_actions(user, review_round, today)
    return query.count(), list(query.order_by(ReviewAction.due_on, School.name_key)
                               .limit(limit))


def open_action_counts(submission_ids):
    if not submission_ids:
        return {}
    return dict(ReviewAction.select(ReviewAction.submission, fn.COUNT(ReviewAction.id))
                .join(ReviewAnswer)
                .where(ReviewAction.submission.in_(list(submission_ids)),
                       ReviewAction.closed_at.is_null(), ReviewAnswer.verdict.in_(NEEDS_ACTION))
                .group_by(ReviewAction.submission).tuples())


def export_rows(user, review_round, filters, criteria_rows, today):
    """The matrix as filtered, every school (for the export), loaded 500 schools at a time."""
    groups = groups_of(criteria_rows)
    query = matrix_query(user, review_round, filters, today)
    batch = []

    def flush(batch):
        ids = [s.id for s in batch]
        counts = verdict_counts(ids)
        verdicts = {}
        for sid, cid, verdict in (ReviewAnswer.select(ReviewAnswer.submission,
                                                      ReviewAnswer.criterion,
                                                      ReviewAnswer.verdict)
                                  .where(ReviewAnswer.submission.in_(ids)).tuples()):
            verdicts.setdefault(sid, {})[cid] = verdict
        actions = open_action_counts(ids)
        for s in batch:
            submitted = bool(s.submitted_at)
            shares = group_shares(counts.get(s.id, {})) if submitted else {}
            yield {"school": s.school, "state": display_state(s.state, review_round.deadline,
                                                              today),
                   "submitted_at": clock.to_local(s.submitted_at)
                   if s.submitted_at else None,
                   "shares": {g["code"]: shares.get(g["code"]) for g in groups},
                   "verdicts": verdicts.get(s.id, {}) if submitted else {},
                   "open_actions": actions.get(s.id, 0)}

    for s in query.iterator():
        batch.append(s)
        if len(batch) == 500:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


# --- The figures (observer, admin) ---------------------------------------------------------------


def round_group_shares(user, review_round):
    """{group: % met} across the schools that submitted (never a school's row)."""
    scope = access.review_aggregates_scope(user).select(ReviewSubmission.id).where(
        ReviewSubmission.review_round == review_round.id,
        ReviewSubmission.submitted_at.is_null(False))
    counts = {}
    for group, verdict, n in (ReviewAnswer.select(Criterion.group_code, ReviewAnswer.verdict,
                                                  fn.COUNT(ReviewAnswer.id))
                              .join(Criterion).where(ReviewAnswer.submission.in_(scope))
                              .group_by(Criterion.group_code, ReviewAnswer.verdict).tuples()):
        counts.setdefault(group, {})[verdict] = n
    return group_shares(counts)


# --- One school's review -------------------------------------------------------------------------


def submission_of(user, round_id, school_id):
    """The school's review in the round, if the user may see it (with its round and school),
    else None."""
    return (access.review_submissions_visible_to(user)
            .select(ReviewSubmission, ReviewRound, School)
            .join(ReviewRound).switch(ReviewSubmission).join(School)
            .where(ReviewSubmission.review_round == round_id,
                   ReviewSubmission.school == school_id).first())


def submission_detail(submission):
    """What the page of one school's review shows: criteria, answers, actions, evidence,
    history (five statements whatever their number)."""
    criteria_rows = round_criteria(submission.review_round)
    answers = {a.criterion_id: a for a in ReviewAnswer.select().where(
        ReviewAnswer.submission == submission.id)}
    by_answer = {a.id: a for a in answers.values()}
    actions = {}
    for action in ReviewAction.select().where(ReviewAction.submission == submission.id):
        actions[action.answer_id] = action
    evidence = {}
    if by_answer:
        for e in (ReviewEvidence.select(ReviewEvidence, StoredFile).join(StoredFile)
                  .where(ReviewEvidence.answer.in_(list(by_answer)),
                         ReviewEvidence.active == True)  # noqa: E712
                  .order_by(ReviewEvidence.added_at, ReviewEvidence.id)):
            evidence.setdefault(e.answer_id, []).append(e)
    events = list(ReviewEvent.select(ReviewEvent, User).join(User)
                  .where(ReviewEvent.submission == submission.id)
                  .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc()))
    items = []
    for c in criteria_rows:
        answer = answers.get(c.id)
        items.append({"criterion": c, "answer": answer,
                      "action": actions.get(answer.id) if answer else None,
                      "evidence": evidence.get(answer.id, []) if answer else []})
    answered = sum(1 for a in answers.values() if a.verdict)
    open_actions = [(item["criterion"], item["action"]) for item in items
                    if item["action"] and item["answer"].verdict in NEEDS_ACTION]
    return {"items": items, "groups": groups_of(criteria_rows), "events": events,
            "answered": answered, "total": len(criteria_rows), "actions": open_actions,
            "returned_comments": [i for i in items if i["answer"] and i["answer"].return_comment]}


def visible_evidence(user, submission, evidence_id):
    return (access.review_evidence_visible_to(user).select(ReviewEvidence, StoredFile)
            .join(StoredFile).switch(ReviewEvidence).join(ReviewAnswer)
            .where(ReviewEvidence.id == evidence_id,
                   ReviewAnswer.submission == submission.id).first())


def action_of(submission, action_id):
    return (ReviewAction.select().where(ReviewAction.id == action_id,
                                        ReviewAction.submission == submission.id).first())


def directive_choices(limit=50):
    """The published directives whose required response is a self-assessment: a round tied to
    one of them is the schools' response to it."""
    return [(d.id, f"{d.number} · {d.title[:80]}") for d in
            Directive.select(Directive.id, Directive.number, Directive.title)
            .where(Directive.status == "published",
                   Directive.response_kind == REVIEW_ROUND_KIND)
            .order_by(Directive.issued_on.desc(), Directive.id.desc()).limit(limit)]


def school_choices():
    return [(s.id, s.name) for s in School.select(School.id, School.name)
            .where(School.active == True).order_by(School.name_key)]  # noqa: E712


SUBMITTED_STATES = (SUBMITTED, RETURNED, ACCEPTED)
