import unicodedata

from district.text import clean, fold, person_sort_key, sort_key


def test_fold_ignores_case_diacritics_and_unicode_form():
    nfd = unicodedata.normalize("NFD", "Trường Mầm non")
    assert fold("Trường Mầm non") == fold(nfd) == "truong mam non"
    assert fold("ĐỒNG  Tháp") == "dong thap"


def test_clean_gives_nfc():
    assert clean(" Nguye\u0302\u0303n   Du ") == "Nguyễn Du"


def test_vietnamese_alphabetical_order():
    words = ["Đông", "Dung", "Ân", "Ăn", "Anh", "An Bình", "Bình", "Ánh"]
    assert sorted(words, key=sort_key) == ["An Bình", "Anh", "Ánh", "Ăn", "Ân", "Bình", "Dung",
                                           "Đông"]


def test_people_sort_by_given_name():
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Anh"]
    assert sorted(names, key=person_sort_key) == ["Nguyễn Văn An", "Lê Anh", "Trần Thị Bình"]
