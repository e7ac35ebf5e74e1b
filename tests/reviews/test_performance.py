"""Every review page runs a fixed number of statements whatever the number of schools,
answers, actions and events (rows made with insert_many for speed)."""

import datetime as dt

import pytest

from district import clock
from district.models import (
    ReviewAction,
    ReviewAnswer,
    ReviewEvent,
    ReviewSubmission,
)
from district.reviews import tallies
from tests.reviews.conftest import criteria_of


def bulk(district, make_school, review_round, schools):
    """`schools` more schools in the round, each submitted with every criterion answered, one
    not met with an overdue action, and a few events."""
    created = [make_school(name=f"Trường Thử Tải {n:04d}", code=f"RS-{n:04d}-{schools}")
               for n in range(schools)]
    now = clock.utcnow()
    ReviewSubmission.insert_many([
        {"review_round": review_round.id, "school": s.id, "state": "submitted", "version": 3,
         "submitted_at": now, "submissions": 1, "updated_at": now} for s in created]).execute()
    ids = [s.id for s in ReviewSubmission.select(ReviewSubmission.id).where(
        ReviewSubmission.school.in_([s.id for s in created]))]
    rows = criteria_of(review_round)
    ReviewAnswer.insert_many([
        {"submission": sid, "criterion": c.id, "verdict": "not_met" if i == 0 else "met",
         "comment": "", "return_comment": "", "updated_at": now}
        for sid in ids for i, c in enumerate(rows)]).execute()
    weak = ReviewAnswer.select(ReviewAnswer.id, ReviewAnswer.submission).where(
        ReviewAnswer.submission.in_(ids), ReviewAnswer.verdict == "not_met")
    ReviewAction.insert_many([
        {"answer": a.id, "submission": a.submission_id, "what": "Sửa", "who": "Hiệu trưởng",
         "due_on": clock.today() - dt.timedelta(days=1), "closing_note": ""}
        for a in weak]).execute()
    ReviewEvent.insert_many([
        {"submission": sid, "actor": district.principal.id, "at": now, "kind": "saved",
         "note": ""} for sid in ids for _ in range(3)]).execute()
    tallies.rebuild()


def measure(queries, client, url):
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


@pytest.mark.parametrize("role, urls", [
    ("officer", ["/reviews/", "/reviews/{r}", "/reviews/{r}?state=submitted&level=tieu_hoc",
                 "/reviews/{r}?q=thu", "/reviews/{r}/export.xlsx", "/reviews/{r}/schools/{s}"]),
    ("observer", ["/reviews/", "/reviews/{r}"]),
    ("admin", ["/reviews/", "/reviews/{r}"]),
    ("principal", ["/reviews/", "/reviews/{r}/schools/{s}"]),
])
def test_pages_do_not_grow_with_schools_or_answers(district, login_as, queries, make_school,
                                                  make_round, answer_all, role, urls):
    review_round = make_round()
    from tests.reviews.conftest import submission_of

    answer_all(district.principal, submission_of(review_round, district.preschool),
               action_for=(criteria_of(review_round)[0].code,))
    urls = [u.format(r=review_round.id, s=district.preschool.id) for u in urls]
    client = login_as(district.by_role[role])
    bulk(district, make_school, review_round, 2)
    small = [measure(queries, client, url) for url in urls]
    bulk(district, make_school, review_round, 40)
    large = [measure(queries, client, url) for url in urls]
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
