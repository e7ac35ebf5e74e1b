"""Vietnamese is the default; the English catalogue translates every string of the code."""

import re

from babel.messages.pofile import read_po

from district.i18n_tools import po_path, untranslated


def test_english_catalogue_is_complete():
    missing = untranslated("en")
    assert missing == [], f"{len(missing)} strings without English: {missing[:10]}"


def test_vietnamese_is_the_default(client):
    assert '<html lang="vi">' in client.get("/help").get_data(as_text=True)


VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
DOCUMENT_NUMBER = re.compile(r"\d+/\d{4}/[\wĐđ-]+")  # 80/2017/NĐ-CP names a decree
CODE_VALUE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # mam_non, cong_lap
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")  # %(role_label)s is filled in, never read


def test_core_english_has_no_vietnamese_and_no_code_values():
    with po_path("core", "en").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    english = [" ".join(m.string) if isinstance(m.string, tuple) else m.string
               for m in catalog if m.id]
    found = [text for text in english
             if VIETNAMESE_LETTERS.search(DOCUMENT_NUMBER.sub("", text))
             or CODE_VALUE.search(PLACEHOLDER.sub("", text))]
    assert found == []


def test_translations_kept_for_the_request_follow_a_forced_locale(app):
    """The request keeps its translations (i18n.RequestDomain), yet a message in another
    language (force_locale, as mail to an English reader) and back again is right."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    template = '{{ _("Đăng xuất") }} · {{ ngettext("%(num)d trường", "%(num)d trường", 2) }}'
    with app.test_request_context("/help"):
        assert gettext("Đăng xuất") == "Đăng xuất"
        assert render_template_string(template) == "Đăng xuất · 2 trường"
        with force_locale("en"):
            assert gettext("Đăng xuất") == "Sign out"
            assert render_template_string(template).startswith("Sign out · 2 ")
        assert gettext("Đăng xuất") == "Đăng xuất"
        assert render_template_string(template) == "Đăng xuất · 2 trường"
        # A template may name the count itself (a placeholder filled in by the browser).
        assert render_template_string(
            '{{ ngettext("%(num)s trường", "%(num)s trường", 1, num="#") }}') == "# trường"
