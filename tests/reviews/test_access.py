"""Who sees what of reviews: a school its own review (the principal changes it, the staff
read it), officers every school's, the observer and the admin no school's answers or evidence;
everything else answers 404."""

import pytest

from district.models import ReviewEvidence
from district.reviews import operations
from tests.reviews.conftest import PDF, answer_form_data, criteria_of, submission_of, upload


@pytest.fixture
def answered(district, make_round, run):
    review_round = make_round()
    submission = submission_of(review_round, district.preschool)
    first = criteria_of(review_round)[0]
    run(operations.save_answer, district.principal, submission, first, 1,
        {"verdict": "met", "comment": "Bí mật của trường"},
        run(operations.checked_evidence, [upload(PDF)]))
    return review_round, first, ReviewEvidence.get()


@pytest.mark.parametrize("who", ["admin", "observer", "other_principal", "other_staff"])
def test_others_get_404(district, login_as, answered, who):
    review_round, first, evidence = answered
    client = login_as(getattr(district, who))
    base = f"/reviews/{review_round.id}/schools/{district.preschool.id}"
    for path in ("", f"/evidence/{evidence.id}"):
        assert client.get(base + path).status_code == 404, path
    for path in (f"/answers/{first.id}", "/submit", "/decide"):
        assert client.post(base + path, data={**answer_form_data(first),
                                              "version": "2"}).status_code == 404, path


def test_the_staff_read_their_school_without_changing_it(district, login_as, answered):
    review_round, first, _evidence = answered
    client = login_as(district.staff)
    base = f"/reviews/{review_round.id}/schools/{district.preschool.id}"
    page = client.get(base).get_data(as_text=True)
    assert "Bí mật của trường" in page and "criterion-form" not in page
    assert client.post(base + f"/answers/{first.id}",
                       data={**answer_form_data(first), "version": "2"}).status_code == 404
    # A round opens the school's own review.
    response = client.get(f"/reviews/{review_round.id}")
    assert response.status_code == 302 and response.location.endswith(base)


def test_a_school_sees_only_the_rounds_it_is_in(district, login_as, make_round):
    make_round(criteria_code="mn-phong-soan", title="Chỉ cho mầm non")
    page = login_as(district.other_principal).get("/reviews/").get_data(as_text=True)
    assert "Chỉ cho mầm non" not in page
    page = login_as(district.principal).get("/reviews/").get_data(as_text=True)
    assert "Chỉ cho mầm non" in page


def test_the_officer_cannot_answer_for_a_school(district, login_as, answered):
    review_round, first, _evidence = answered
    client = login_as(district.officer)
    base = f"/reviews/{review_round.id}/schools/{district.preschool.id}"
    assert client.get(base).status_code == 200
    assert client.post(base + f"/answers/{first.id}",
                       data={**answer_form_data(first), "version": "2"}).status_code == 404
    # Nothing submitted yet: nothing to decide.
    assert client.post(base + "/decide", data={"decision": "accept",
                                               "version": "2"}).status_code == 404
