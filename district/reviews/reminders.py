"""The `reviews.reminders` job (district/jobs.py): each open review round's reminder step whose
day has come is sent once to the principals of the schools that still have to act (not started,
draft, returned), through `operations.remind`, the operation of the officer's button (the same
notifications, e-mail and audit entry, with the step). The schedule is district/
reminder_schedule.py, shared with directives: a round's steps count from its deadline, from the
day it was launched; each (round, step, deadline) is done once, its `ReviewReminderStep` row
inserted first in the transaction that sends it.
"""

from .. import clock
from .. import reminder_schedule as shared
from ..i18n import gettext as _
from ..models import ReviewReminderStep, ReviewRound
from . import operations

STEPS = shared.StepLog(ReviewReminderStep.review_round)
OPEN = "open"


def _launched_day(review_round):
    return clock.local_date(review_round.created_at) if review_round.created_at else None


def decide(review_round, now, done=None):
    """The steps of the round's schedule due at `now` (naive UTC) and not done for its deadline:
    [(step, SENT or SKIPPED)], earliest first."""
    if review_round.status != OPEN or not review_round.reminder_days:
        return []
    if done is None:
        done = set(STEPS.done(review_round.id, review_round.deadline))
    return shared.decide(review_round.deadline, _launched_day(review_round),
                         review_round.reminder_days, done, now)


def send_due(now=None):
    """Every open round's steps due at `now` (naive UTC). Safe to run again, by several workers
    at once. Returns a short summary."""
    now = now or clock.utcnow()
    rounds = list(ReviewRound.select().where(ReviewRound.status == OPEN,
                                             ReviewRound.deadline >= shared.oldest_deadline(now))
                  .order_by(ReviewRound.id))
    return shared.summary([send_round_due(review_round, now) for review_round in rounds])


def send_round_due(review_round, now):
    """One round's steps due at `now`: {"sent": {step: schools}, "skipped": [steps]} of what
    this call did (another worker may have done the rest)."""

    def remind(step):
        # The round as it is now: closed or rescheduled since it was read, nothing is sent.
        current = ReviewRound.get_or_none(ReviewRound.id == review_round.id,
                                          ReviewRound.status == OPEN,
                                          ReviewRound.deadline == review_round.deadline)
        if current is None or step not in (current.reminder_days or ()):
            return None
        return operations.remind(None, current, step=step, now=now)

    return shared.send_steps(STEPS, review_round.id, review_round.deadline,
                             decide(review_round, now), now, remind)


# --- What the round's page shows -----------------------------------------------------------------


def context(review_round):
    """What templates/_partials/reminder_schedule.html shows on the round's page."""
    rows, done = STEPS.for_page(review_round.id, review_round.deadline)
    return shared.context(
        shared.plan(review_round.deadline, _launched_day(review_round),
                    review_round.reminder_days, done,
                    live=review_round.status == OPEN, active=review_round.status == OPEN),
        shared.history(rows),
        intro=_("Vào ngày của mỗi bước, từ %(time)s, hiệu trưởng các trường còn phải làm "
                "(chưa bắt đầu, đang soạn, bị trả lại) được nhắc; trường đã nộp hoặc đã được "
                "chấp nhận không bị nhắc.", time=shared.reminder_time().strftime("%H:%M")),
        empty=_("Đợt rà soát này không nhắc việc tự động."))
