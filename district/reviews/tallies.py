"""The counts of each round's schools per state (ReviewRound.*_count), kept in each write's
transaction by increments (docs/conventions.md, "Counts over many rows"): lists and the
observer's figures read them instead of grouping every submission. `rebuild()` recomputes them
all (seeds, bulk loads, repairs); tests check `kept() == recounted()`.
"""

from peewee import fn

from ..models import ReviewRound, ReviewSubmission
from .vocabulary import STORED_STATES


def column(state):
    return getattr(ReviewRound, f"{state}_count")


def move(round_id, before, after):
    """One school of the round went from `before` to `after`."""
    if before == after:
        return
    ReviewRound.update({column(before): column(before) - 1,
                        column(after): column(after) + 1}).where(
        ReviewRound.id == round_id).execute()


def kept():
    return {r.id: {s: getattr(r, f"{s}_count") for s in STORED_STATES}
            for r in ReviewRound.select()}


def recounted():
    counts = {r.id: dict.fromkeys(STORED_STATES, 0) for r in ReviewRound.select(ReviewRound.id)}
    for round_id, state, n in (ReviewSubmission
                               .select(ReviewSubmission.review_round, ReviewSubmission.state,
                                       fn.COUNT(ReviewSubmission.id))
                               .group_by(ReviewSubmission.review_round, ReviewSubmission.state)
                               .tuples()):
        counts[round_id][state] = n
    return counts


def rebuild():
    for round_id, counts in recounted().items():
        ReviewRound.update(school_count=sum(counts.values()),
                           **{f"{s}_count": n for s, n in counts.items()}).where(
            ReviewRound.id == round_id).execute()
