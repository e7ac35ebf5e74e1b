"""A review round tied to a directive whose required response is the self-assessment (issue 13:
"its required response is then the review"): submitting the review acknowledges the directive,
and the directive's tracking follows the review's return, resubmission and acceptance."""

import csv
import datetime as dt
import io

from district import clock
from district.directives import operations as directives
from district.directives import tallies
from district.models import Recipient, ResponseStep
from district.reviews import operations
from district.reviews.queries import directive_choices, round_criteria

from .conftest import fresh, submission_of


def publish(district, kind="review", number="77/PGDĐT-CTHSSV"):
    return directives.publish(district.officer, directives.create_draft(district.officer, {
        "number": number, "title": "Về việc rà soát trường học an toàn", "body": "",
        "signer": "", "issued_on": clock.today(), "deadline": clock.today() + dt.timedelta(days=7),
        "response_kind": kind, "audience_kind": "all"}))


def receipt(directive, school):
    return Recipient.get((Recipient.directive == directive.id) & (Recipient.school == school.id))


def test_the_review_is_the_schools_response_to_the_directive(run, district, login_as,
                                                              make_round, answer_all):
    directive = publish(district)
    review_round = make_round(directive_id=directive.id)
    principal = login_as(district.principal)

    # The school cannot acknowledge the directive by itself: its page leads to the review.
    page = principal.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "nhà trường xác nhận văn bản khi nộp bản rà soát" in page
    assert f'href="/reviews/{review_round.id}/schools/{district.preschool.id}"' in page
    refused = principal.post(f"/directives/{directive.id}/acknowledge",
                             headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert receipt(directive, district.preschool).acknowledged_at is None

    submission = answer_all(district.principal, submission_of(review_round, district.preschool))
    run(operations.submit, district.principal, submission, submission.version)
    r = receipt(directive, district.preschool)
    assert r.acknowledged_by_id == district.principal.id and r.response_state == "submitted"
    assert tallies.kept() == tallies.recounted()

    submission = fresh(submission)
    comments = {round_criteria(review_round)[0].id: "Bổ sung biên bản kiểm tra."}
    run(operations.decide, district.officer, submission, submission.version, "return",
        comments)
    assert receipt(directive, district.preschool).response_state == "returned"

    submission = answer_all(district.principal, fresh(submission), verdict="na")
    run(operations.submit, district.principal, submission, submission.version)
    assert receipt(directive, district.preschool).response_state == "resubmitted"
    submission = fresh(submission)
    run(operations.decide, district.officer, submission, submission.version, "accept", {})
    assert receipt(directive, district.preschool).response_state == "accepted"
    steps = [s.action for s in ResponseStep.select().order_by(ResponseStep.id)]
    assert steps == ["submitted", "returned", "resubmitted", "accepted"]

    officer = login_as(district.officer)
    text = officer.get(f"/directives/{directive.id}/tracking.csv").data.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_code["MN-HOASEN"]["Tình trạng phản hồi"] == "Đã chấp nhận"
    receipt_page = officer.get(f"/directives/{directive.id}/schools/{district.preschool.id}")
    html = receipt_page.get_data(as_text=True)
    assert 'id="open-review"' in html and 'id="accept-response"' not in html
    assert tallies.kept() == tallies.recounted()


def test_a_round_answers_only_a_directive_that_asks_for_the_review(district, make_round):
    asks = publish(district)
    other = publish(district, kind="ack", number="78/PGDĐT-CTHSSV")
    assert [d for d, _label in directive_choices()] == [asks.id]
    try:
        make_round(directive_id=other.id)
    except operations.ReviewError as exc:
        assert "không yêu cầu nộp bản tự rà soát" in str(exc.errors["directive_id"])
    else:
        raise AssertionError("a round was tied to a directive that does not ask for it")
