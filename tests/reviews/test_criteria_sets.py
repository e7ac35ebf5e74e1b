"""The criteria sets can be read by everyone; the office makes its own copy of a bundled set
and edits it; a set a round uses gets a new version, the round keeps its criteria."""

from district.models import AuditEntry, CriteriaSet, Criterion
from district.reviews import criteria, queries


def test_everyone_reads_the_sets(district, login_as):
    for role in ("officer", "admin", "observer", "principal", "staff"):
        page = login_as(district.by_role[role]).get("/reviews/criteria").get_data(as_text=True)
        assert "Nghị định 80/2017/NĐ-CP" in page and "Thông tư 06/2019/TT-BGDĐT" in page
        assert "(Tóm tắt)" in page and "Phòng soạn" in page
        assert ('id="copy-nd80-2017"' in page) is (role == "officer")


def test_the_office_copies_and_edits_its_own_set(district, login_as, make_round):
    client = login_as(district.officer)
    response = client.post("/reviews/criteria/nd80-2017/copy")
    assert response.status_code == 302
    copy = criteria.newest("nd80-2017-phong")
    assert copy.own_drafting and copy.derived_from.code == "nd80-2017"
    assert "Bản của Phòng" in copy.description
    assert len(copy.criteria) == 12
    assert client.post("/reviews/criteria/nd80-2017/copy").status_code == 302  # refused
    assert CriteriaSet.select().where(CriteriaSet.code == "nd80-2017-phong").count() == 1

    review_round = make_round(criteria_code="nd80-2017-phong")
    assert review_round.criteria_set_id == copy.id
    first = queries.round_criteria(review_round)[0]
    page = client.get("/reviews/criteria/nd80-2017-phong/edit").get_data(as_text=True)
    assert f'name="text-{first.id}"' in page
    form = {"version": "1", "name": copy.name, "description": copy.description}
    for c in queries.round_criteria(review_round):
        form |= {f"text-{c.id}": c.text, f"legal_basis-{c.id}": c.legal_basis,
                 f"evidence-{c.id}": c.evidence}
    refused = client.post("/reviews/criteria/nd80-2017-phong/edit",
                          data={**form, f"text-{first.id}": "  "})
    assert refused.status_code == 422
    assert f"Tiêu chí {first.code} cần có nội dung." in refused.get_data(as_text=True)
    response = client.post("/reviews/criteria/nd80-2017-phong/edit", data={
        **form, f"text-{first.id}": "(Phòng soạn) Trường không nằm gần khu vực nguy hiểm."})
    assert response.status_code == 302
    newer = criteria.newest("nd80-2017-phong")
    assert newer.version == 2 and newer.id != copy.id
    assert Criterion.get(Criterion.criteria_set == newer.id, Criterion.code == first.code
                         ).text == "(Phòng soạn) Trường không nằm gần khu vực nguy hiểm."
    # The round launched before keeps its criteria.
    assert queries.round_criteria(review_round)[0].text == first.text
    assert AuditEntry.select().where(AuditEntry.action == "review.criteria_edit").exists()
    assert make_round(criteria_code="nd80-2017-phong").criteria_set_id == newer.id


def test_only_officers_edit(district, login_as):
    login_as(district.officer).post("/reviews/criteria/tt06-2019/copy")
    for role in ("admin", "observer", "principal", "staff"):
        client = login_as(district.by_role[role])
        assert client.get("/reviews/criteria/tt06-2019-phong/edit").status_code == 404
        assert client.post("/reviews/criteria/tt06-2019/copy").status_code == 404
    officer = login_as(district.officer)
    assert officer.get("/reviews/criteria/tt06-2019/edit").status_code == 404  # bundled
    assert officer.get("/reviews/criteria/khong-co/edit").status_code == 404
