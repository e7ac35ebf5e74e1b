"""The review pages read in English for an English-speaking account (the criteria, which are
the office's data, stay as written)."""

from district.models import User
from tests.reviews.conftest import submission_of


def test_pages_in_english(district, login_as, make_round):
    review_round = make_round()
    submission_of(review_round, district.preschool)
    User.update(locale="en").where(User.id.in_([district.principal.id,
                                                district.officer.id])).execute()
    page = login_as(district.principal).get(
        f"/reviews/{review_round.id}/schools/{district.preschool.id}").get_data(as_text=True)
    for words in ("Submit to the office", "Evidence expected", "Not started",
                  "Improvement action (required when not met or partly met)"):
        assert words in page, words
    assert "Nộp cho Phòng" not in page
    page = login_as(district.officer).get(f"/reviews/{review_round.id}").get_data(as_text=True)
    for words in ("Schools by criteria group", "Weakest criteria", "Export the whole table"):
        assert words in page, words
