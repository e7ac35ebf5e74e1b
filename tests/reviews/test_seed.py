"""The demo district has one finished round (every school accepted, some actions closed) and
one under way (drafts, submitted, one returned, some not started)."""

from district.models import ReviewAction, ReviewRound, ReviewSubmission
from district.reviews import tallies


def test_the_demo_has_a_finished_round_and_one_under_way(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "reviews: 2 rounds" in result.output
    finished, under_way = ReviewRound.select().order_by(ReviewRound.created_at)
    states = {s.state for s in finished.submissions}
    assert states == {"accepted"}
    closed = ReviewAction.select().where(ReviewAction.closed_at.is_null(False)).count()
    assert 0 < closed < ReviewAction.select().count()
    states = [s.state for s in under_way.submissions]
    for state in ("not_started", "draft", "submitted"):
        assert state in states
    assert states.count("returned") == 1
    assert under_way.directive is not None
    assert tallies.kept() == tallies.recounted()
    # Loaded once.
    assert "reviews: already present" in runner.invoke(args=["seed"]).output
    assert ReviewSubmission.select().count() == len(finished.submissions) + len(states)
