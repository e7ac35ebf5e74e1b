"""Launching a round: every school of the audience gets its review, their principals are told;
a round with no title, a deadline in the past or no school is refused with nothing written."""

import datetime as dt

import pytest

from district import clock
from district.models import AuditEntry, Notification, ReviewRound, ReviewSubmission
from district.reviews import operations
from tests.reviews.conftest import launch_values


def test_a_round_reaches_every_school_and_tells_their_principals(district, make_round):
    review_round = make_round()
    schools = {s.school_id for s in ReviewSubmission.select().where(
        ReviewSubmission.review_round == review_round.id)}
    assert schools == {district.preschool.id, district.secondary.id}
    assert review_round.not_started_count == 2 and review_round.school_count == 2
    told = {n.user_id for n in Notification.select().where(Notification.kind == "review.launched")}
    assert told == {district.principal.id, district.other_principal.id}
    assert AuditEntry.select().where(AuditEntry.action == "review.launch").count() == 1


def test_a_preschool_set_reaches_only_preschools(district, make_round):
    review_round = make_round(criteria_code="mn-phong-soan")
    assert [s.school_id for s in review_round.submissions] == [district.preschool.id]
    assert review_round.criteria_set.own_drafting is True


@pytest.mark.parametrize("fields, field, message", [
    ({"title": "  "}, "title", "Nhập tên đợt rà soát."),
    ({"deadline": clock.today() - dt.timedelta(days=1)}, "deadline",
     "Hạn nộp không thể ở quá khứ"),
    ({"audience_kind": "list", "audience_school_ids": []}, "audience_kind",
     "chưa có trường nào"),
    ({"criteria_code": "mn-phong-soan", "audience_kind": "filter",
      "audience_levels": ["thcs"]}, "audience_kind", "chưa có trường nào"),
    ({"criteria_code": "khong-co"}, "criteria_code", "Chọn bộ tiêu chí."),
])
def test_refusals_write_nothing(district, run, fields, field, message):
    with pytest.raises(operations.ReviewError) as refused:
        run(operations.launch_round, district.officer, launch_values(**fields))
    assert message in refused.value.errors[field]
    assert ReviewRound.select().count() == 0 and ReviewSubmission.select().count() == 0
    assert Notification.select().count() == 0


def test_the_launch_form_keeps_what_was_typed_when_refused(district, login_as):
    client = login_as(district.officer)
    page = client.get("/reviews/new").get_data(as_text=True)
    assert "Nghị định 80/2017/NĐ-CP" in page and "Phòng soạn" in page
    yesterday = (clock.today() - dt.timedelta(days=1)).isoformat()
    response = client.post("/reviews/new", data={
        "title": "Rà soát học kỳ I", "criteria_code": "tt06-2019", "audience_kind": "list",
        "deadline": yesterday})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hạn nộp không thể ở quá khứ" in page
    assert 'value="Rà soát học kỳ I"' in page
    assert ReviewRound.select().count() == 0


def test_the_officer_launches_from_the_form(district, login_as):
    client = login_as(district.officer)
    deadline = (clock.today() + dt.timedelta(days=10)).isoformat()
    response = client.post("/reviews/new", data={
        "title": "Rà soát quy tắc ứng xử", "criteria_code": "tt06-2019", "audience_kind": "list",
        "audience_school_ids": [str(district.secondary.id)], "deadline": deadline})
    assert response.status_code == 302
    review_round = ReviewRound.get()
    assert response.location.endswith(f"/reviews/{review_round.id}")
    assert [s.school_id for s in review_round.submissions] == [district.secondary.id]
    page = client.get(response.location).get_data(as_text=True)
    assert "Rà soát quy tắc ứng xử" in page and district.secondary.name in page


@pytest.mark.parametrize("role", ["admin", "observer", "principal", "staff"])
def test_only_officers_launch(district, login_as, role):
    client = login_as(district.by_role[role])
    assert client.get("/reviews/new").status_code == 404
    assert 'href="/reviews/new"' not in client.get("/reviews/").get_data(as_text=True)
