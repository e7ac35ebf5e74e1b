"""The bundled criteria sets are data named by their legal basis: a paraphrase says it is a
summary, the office's own drafting says so, and the words keep their Vietnamese diacritics."""

import pytest

from district.reviews import criteria

SETS = criteria.bundled()
MARKED = "ạảãáàâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ"


def test_the_bundled_sets():
    assert set(SETS) == {"nd80-2017", "tt06-2019", "mn-phong-soan"}
    assert "Nghị định 80/2017/NĐ-CP" in SETS["nd80-2017"]["legal_basis"]
    assert "Thông tư 06/2019/TT-BGDĐT" in SETS["tt06-2019"]["legal_basis"]
    assert SETS["mn-phong-soan"]["own_drafting"] is True
    assert SETS["mn-phong-soan"]["levels"] == ["mam_non"]


@pytest.mark.parametrize("code", ["nd80-2017", "tt06-2019"])
def test_legal_sets_mark_summaries_and_the_offices_drafting(code):
    data = SETS[code]
    assert "tóm tắt" in data["description"] and "Phòng soạn" in data["description"]
    for group in data["groups"]:
        for item in group["criteria"]:
            assert item["text"].startswith(("(Tóm tắt)", "(Phòng soạn)")), item["code"]
            assert "Điều" in item["legal_basis"] or "Chương" in item["legal_basis"], item
            if item["text"].startswith("(Phòng soạn)"):
                assert item["code"] in data["description"]


def test_codes_are_unique_and_texts_have_diacritics():
    for data in SETS.values():
        codes = [i["code"] for g in data["groups"] for i in g["criteria"]]
        assert len(codes) == len(set(codes))
        for group in data["groups"]:
            for item in group["criteria"]:
                assert any(ch in item["text"] for ch in MARKED)


def test_a_set_is_copied_once_and_rounds_keep_it(app, district, make_round):
    first = make_round()
    second = make_round(title="Đợt hai")
    assert first.criteria_set_id == second.criteria_set_id
    assert len(criteria.install("nd80-2017").criteria) == 12
