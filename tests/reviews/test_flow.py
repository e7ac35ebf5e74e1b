"""A school's review from draft to acceptance: the principal answers criterion by criterion
(with evidence checked by content), submits; the office returns one criterion with its comment;
the school revises and submits again; the office accepts; an improvement action is closed with
its evidence. Every step is kept with who and when; every refusal writes nothing and loses
nothing typed."""

import datetime as dt

import pytest

from district import clock
from district.models import (
    AuditEntry,
    Notification,
    ReviewAction,
    ReviewAnswer,
    ReviewEvent,
    ReviewEvidence,
)
from district.reviews import operations, tallies
from tests.reviews.conftest import (
    PDF,
    PNG,
    answer_form_data,
    criteria_of,
    fresh,
    submission_of,
    upload,
)


@pytest.fixture
def review(district, make_round):
    review_round = make_round()
    return review_round, submission_of(review_round, district.preschool)


def url(review_round, school, tail=""):
    return f"/reviews/{review_round.id}/schools/{school.id}{tail}"


def test_the_principal_saves_a_draft_with_evidence_from_the_form(district, login_as, review):
    review_round, submission = review
    first = criteria_of(review_round)[0]
    client = login_as(district.principal)
    page = client.get(url(review_round, district.preschool)).get_data(as_text=True)
    assert f'id="crit-{first.id}"' in page and first.text in page
    data = answer_form_data(first, comment="Có biên bản kiểm tra khuôn viên")
    data |= {"version": "1", f"c{first.id}-evidence": (upload(PDF, "bien-ban.pdf").stream,
                                                        "bien-ban.pdf")}
    response = client.post(url(review_round, district.preschool, f"/answers/{first.id}"),
                           data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location.endswith(f"#crit-{first.id}")
    submission = fresh(submission)
    assert submission.state == "draft" and submission.version == 2
    answer = ReviewAnswer.get(ReviewAnswer.submission == submission.id)
    assert (answer.verdict, answer.comment) == ("met", "Có biên bản kiểm tra khuôn viên")
    evidence = ReviewEvidence.get(ReviewEvidence.answer == answer.id)
    assert evidence.file.original_name == "bien-ban.pdf"
    page = client.get(url(review_round, district.preschool)).get_data(as_text=True)
    assert "Đang soạn" in page and "bien-ban.pdf" in page
    download = client.get(url(review_round, district.preschool, f"/evidence/{evidence.id}"))
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert tallies.kept() == tallies.recounted()


def test_an_htmx_save_answers_the_criterion_and_the_version_everywhere(district, login_as,
                                                                       review):
    review_round, _submission = review
    first = criteria_of(review_round)[0]
    client = login_as(district.principal)
    response = client.post(url(review_round, district.preschool, f"/answers/{first.id}"),
                           data={**answer_form_data(first, verdict="partly"), "version": "1"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("{#") is False and f'id="crit-{first.id}"' in body
    assert 'hx-swap-oob="outerHTML:.submission-version"' in body and 'value="2"' in body
    assert 'id="review-progress" hx-swap-oob="true"' in body
    assert 'id="review-state" data-state="draft" hx-swap-oob="true"' in body
    assert "<html" not in body


def test_a_stale_edit_is_refused_409_keeping_what_was_typed(district, login_as, review, run):
    review_round, submission = review
    first, second = criteria_of(review_round)[:2]
    run(operations.save_answer, district.principal, submission, second, 1, {"verdict": "met"})
    client = login_as(district.principal)
    response = client.post(url(review_round, district.preschool, f"/answers/{first.id}"),
                           data={**answer_form_data(first, comment="Chữ tôi vừa gõ"),
                                 "version": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "vừa được người khác thay đổi" in body and "Chữ tôi vừa gõ" in body
    assert 'value="2"' in body  # saving again is possible, on purpose
    assert ReviewAnswer.select().where(ReviewAnswer.criterion == first.id).count() == 0


def test_evidence_whose_content_is_not_what_its_name_says_is_refused(district, login_as,
                                                                      review):
    review_round, submission = review
    first = criteria_of(review_round)[0]
    client = login_as(district.principal)
    for data, name, message in [(PNG, "bien-ban.pdf", "nội dung là PNG"),
                                (b"MZ\x90\x00" + b"\x00" * 60, "bien-ban.pdf",
                                 "không phải là PDF")]:
        response = client.post(
            url(review_round, district.preschool, f"/answers/{first.id}"),
            data={**answer_form_data(first, comment="Giữ lại"), "version": "1",
                  f"c{first.id}-evidence": (upload(data, name).stream, name)},
            content_type="multipart/form-data")
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page and "Giữ lại" in page
    assert fresh(submission).version == 1 and ReviewEvidence.select().count() == 0


def test_submitting_needs_every_criterion_and_an_action_for_each_not_met(
        district, login_as, review, run, answer_all):
    review_round, submission = review
    rows = criteria_of(review_round)
    client = login_as(district.principal)
    run(operations.save_answer, district.principal, submission, rows[0], 1,
        {"verdict": "not_met"})
    response = client.post(url(review_round, district.preschool, "/submit"), data={"version": "2"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"còn {len(rows)} tiêu chí cần hoàn thiện" in page
    assert f"Tiêu chí {rows[0].code} chưa đạt hoặc đạt một phần: cần biện pháp khắc phục" in page
    assert f"Tiêu chí {rows[1].code} chưa được đánh giá." in page
    assert fresh(submission).state == "draft"
    submission = answer_all(district.principal, fresh(submission), action_for=(rows[0].code,))
    response = client.post(url(review_round, district.preschool, "/submit"),
                           data={"version": str(submission.version)})
    assert response.status_code == 302
    assert fresh(submission).state == "submitted"
    told = Notification.select().where(Notification.kind == "review.submitted")
    assert {n.user_id for n in told} == {district.officer.id, district.officer2.id}


def test_return_resubmit_accept_and_the_history(district, login_as, review, run, answer_all):
    review_round, submission = review
    rows = criteria_of(review_round)
    submission = answer_all(district.principal, submission, files={rows[0].code: [upload()]},
                            action_for=(rows[1].code,))
    run(operations.submit, district.principal, submission, submission.version)
    officer = login_as(district.officer)
    page = officer.get(url(review_round, district.preschool)).get_data(as_text=True)
    assert 'id="decide-form"' in page and f'name="comment-{rows[2].id}"' in page
    version = fresh(submission).version
    # Returning needs a comment on at least one criterion.
    refused = officer.post(url(review_round, district.preschool, "/decide"),
                           data={"decision": "return", "version": str(version)})
    assert refused.status_code == 422
    assert "ghi nhận xét cho ít nhất một tiêu chí" in refused.get_data(as_text=True)
    response = officer.post(url(review_round, district.preschool, "/decide"), data={
        "decision": "return", "version": str(version),
        f"comment-{rows[2].id}": "Bổ sung biên bản kiểm tra thiết bị"})
    assert response.status_code == 302
    submission = fresh(submission)
    assert submission.state == "returned"
    returned = ReviewAnswer.get(ReviewAnswer.submission == submission.id,
                                ReviewAnswer.criterion == rows[2].id)
    assert returned.return_comment == "Bổ sung biên bản kiểm tra thiết bị"
    assert Notification.select().where(Notification.kind == "review.returned",
                                       Notification.user == district.principal.id).exists()

    principal = login_as(district.principal)
    page = principal.get(url(review_round, district.preschool)).get_data(as_text=True)
    assert "Bổ sung biên bản kiểm tra thiết bị" in page and "Nộp lại cho Phòng" in page
    unchanged = principal.post(url(review_round, district.preschool, "/submit"),
                               data={"version": str(submission.version)})
    assert unchanged.status_code == 422
    assert "chưa có thay đổi nào" in unchanged.get_data(as_text=True)
    assert fresh(submission).state == "returned"
    run(operations.save_answer, district.principal, submission, rows[2], submission.version,
        {"verdict": "met", "comment": "Đã bổ sung biên bản"}, run(
            operations.checked_evidence, [upload(PDF, "bien-ban-thiet-bi.pdf")]))
    submission = fresh(submission)
    assert principal.post(url(review_round, district.preschool, "/submit"),
                          data={"version": str(submission.version)}).status_code == 302
    submission = fresh(submission)
    assert submission.state == "submitted" and submission.submissions == 2

    assert officer.post(url(review_round, district.preschool, "/decide"), data={
        "decision": "accept", "version": str(submission.version)}).status_code == 302
    submission = fresh(submission)
    assert submission.state == "accepted" and submission.decided_by_id == district.officer.id
    kinds = [e.kind for e in ReviewEvent.select().where(ReviewEvent.submission == submission.id)
             .order_by(ReviewEvent.id)]
    assert kinds[-5:] == ["submitted", "returned", "saved", "resubmitted", "accepted"]
    page = principal.get(url(review_round, district.preschool)).get_data(as_text=True)
    for words in ("Phòng trả lại để bổ sung", "Nộp lại sau khi bổ sung", "Phòng chấp nhận",
                  district.officer.full_name, "Đã được chấp nhận"):
        assert words in page
    actions = [e.action for e in AuditEntry.select().where(
        AuditEntry.action.startswith("review."))]
    for action in ("review.submit", "review.return", "review.resubmit", "review.accept"):
        assert action in actions
    assert tallies.kept() == tallies.recounted()


def test_an_action_is_closed_with_its_evidence_and_the_officer_sees_it(
        district, login_as, review, run, answer_all):
    review_round, submission = review
    rows = criteria_of(review_round)
    submission = answer_all(district.principal, submission, action_for=(rows[0].code,))
    run(operations.submit, district.principal, submission, submission.version)
    submission = fresh(submission)
    run(operations.decide, district.officer, submission, submission.version, "accept", {})
    action = ReviewAction.get(ReviewAction.submission == submission.id)
    principal = login_as(district.principal)
    target = url(review_round, district.preschool, f"/actions/{action.id}/close")
    refused = principal.post(target, data={f"a{action.id}-note": "Đã sửa"})
    assert refused.status_code == 422
    assert "Chọn tệp minh chứng" in refused.get_data(as_text=True)
    response = principal.post(target, data={
        f"a{action.id}-note": "Đã sửa tường rào",
        f"a{action.id}-evidence": (upload(PDF, "nghiem-thu.pdf").stream, "nghiem-thu.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert ReviewAction.get_by_id(action.id).closed_at is not None
    page = login_as(district.officer).get(url(review_round, district.preschool)).get_data(
        as_text=True)
    assert "Đã hoàn thành" in page and "Đã sửa tường rào" in page
    assert Notification.select().where(Notification.kind == "review.action_closed").exists()
    assert principal.post(target, data={}).status_code == 404  # closed: no form any more


def test_an_overdue_review_reads_overdue(district, login_as, review, run):
    review_round, submission = review
    review_round.deadline = clock.today() - dt.timedelta(days=1)
    review_round.save()
    page = login_as(district.principal).get("/reviews/").get_data(as_text=True)
    assert 'data-state="overdue"' in page
