"""The edges of a school's review: evidence taken off stays in the history, a stale save
without JavaScript shows the whole page with what was typed, a stale decision is refused, and
only the school's principal closes its actions."""

from district.models import ReviewAction, ReviewEvent, ReviewEvidence
from district.reviews import operations
from tests.reviews.conftest import (
    PDF,
    answer_form_data,
    criteria_of,
    fresh,
    submission_of,
    upload,
)


def _base(review_round, school):
    return f"/reviews/{review_round.id}/schools/{school.id}"


def test_evidence_taken_off_stays_inactive_and_the_history_says_so(district, login_as,
                                                                  make_round, run):
    review_round = make_round()
    submission = submission_of(review_round, district.preschool)
    first = criteria_of(review_round)[0]
    run(operations.save_answer, district.principal, submission, first, 1, {"verdict": "met"},
        run(operations.checked_evidence, [upload(PDF, "anh-cu.pdf")]))
    evidence = ReviewEvidence.get()
    client = login_as(district.principal)
    response = client.post(_base(review_round, district.preschool) + f"/answers/{first.id}",
                           data={**answer_form_data(first), "version": "2",
                                 f"c{first.id}-remove_evidence": str(evidence.id)})
    assert response.status_code == 302
    assert ReviewEvidence.get_by_id(evidence.id).active is False
    page = client.get(_base(review_round, district.preschool)).get_data(as_text=True)
    assert "anh-cu.pdf" not in page.split('id="history"')[0]
    last = ReviewEvent.select().order_by(ReviewEvent.id.desc()).first()
    assert last.details["files_removed"] == ["anh-cu.pdf"]
    # A staff member of the school reads (and downloads) the school's evidence.
    run(operations.save_answer, district.principal, fresh(submission), first, 3,
        {"verdict": "met"}, run(operations.checked_evidence, [upload(PDF, "moi.pdf")]))
    newer = ReviewEvidence.select().where(ReviewEvidence.active == True).get()  # noqa: E712
    download = login_as(district.staff).get(
        _base(review_round, district.preschool) + f"/evidence/{newer.id}")
    assert download.status_code == 200
    download.close()


def test_a_stale_save_without_javascript_keeps_the_page_and_what_was_typed(
        district, login_as, make_round, run):
    review_round = make_round()
    submission = submission_of(review_round, district.preschool)
    first, second = criteria_of(review_round)[:2]
    run(operations.save_answer, district.principal, submission, second, 1, {"verdict": "met"})
    response = login_as(district.principal).post(
        _base(review_round, district.preschool) + f"/answers/{first.id}",
        data={**answer_form_data(first, comment="Gõ khi mạng chậm"), "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "<html" in page and "Gõ khi mạng chậm" in page
    assert "vừa được người khác thay đổi" in page


def test_a_stale_decision_is_refused(district, login_as, make_round, run, answer_all):
    review_round = make_round()
    submission = answer_all(district.principal, submission_of(review_round, district.preschool))
    stale = submission.version  # the page the officer opened before the school submitted
    run(operations.submit, district.principal, submission, submission.version)
    response = login_as(district.officer).post(
        _base(review_round, district.preschool) + "/decide",
        data={"decision": "accept", "version": str(stale)})
    assert response.status_code == 409
    assert fresh(submission).state == "submitted"


def test_only_the_schools_principal_closes_its_actions(district, login_as, make_round, run,
                                                       answer_all):
    review_round = make_round()
    first = criteria_of(review_round)[0]
    submission = answer_all(district.principal, submission_of(review_round, district.preschool),
                            action_for=(first.code,))
    run(operations.submit, district.principal, submission, submission.version)
    submission = fresh(submission)
    run(operations.decide, district.officer, submission, submission.version, "accept", {})
    action = ReviewAction.get()
    target = _base(review_round, district.preschool) + f"/actions/{action.id}/close"
    for user in (district.other_principal, district.staff, district.officer):
        response = login_as(user).post(target, data={
            f"a{action.id}-evidence": (upload().stream, "xong.pdf")},
            content_type="multipart/form-data")
        assert response.status_code == 404
    assert ReviewAction.get_by_id(action.id).closed_at is None
