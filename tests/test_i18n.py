"""Vietnamese is the default; the English catalogue translates every string of the code."""

from district.i18n_tools import untranslated


def test_english_catalogue_is_complete():
    missing = untranslated("en")
    assert missing == [], f"{len(missing)} strings without English: {missing[:10]}"


def test_vietnamese_is_the_default(client):
    assert '<html lang="vi">' in client.get("/help").get_data(as_text=True)
