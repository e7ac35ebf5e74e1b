"""Vietnamese text: Unicode normalisation, diacritic-free search and Vietnamese alphabetical order.

Search folds both sides with `fold()`, so `truong mam non` finds `Trường Mầm non` whatever
Unicode form (NFC or NFD) either was typed in. Sorting uses `sort_key()`, a string of digits
whose byte order is the Vietnamese dictionary order (a ă â b c d đ e ê ..., tones after letters),
so the database orders it the same way under any collation.
"""

import functools
import re
import unicodedata

_LETTERS = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_CODE = {letter: f"{i + 20:02d}" for i, letter in enumerate(_LETTERS)}
_DIGIT_CODE = {str(d): f"{d + 10:02d}" for d in range(10)}
# Tone marks in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_SPACE = re.compile(r"\s+")
# Control characters that are not white space (NUL, ESC, DEL...): never text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def clean(text):
    """NFC, trimmed, inner runs of white space folded to one space, control characters
    dropped (PostgreSQL refuses NUL in text)."""
    return _SPACE.sub(" ", _CONTROL.sub("", nfc(text))).strip()


def fold(text):
    """Lower case without diacritics: 'Trường Mầm non' -> 'truong mam non'."""
    decomposed = unicodedata.normalize("NFD", _CONTROL.sub("", text or "").lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.replace("đ", "d")).strip()


def _split_letter(ch):
    """'ầ' -> ('â', '1'): the letter of the alphabet and its tone digit."""
    parts = unicodedata.normalize("NFD", ch)
    tone = "0"
    kept = []
    for part in parts:
        if part in _TONES:
            tone = _TONES[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


# Names are sorted again on every page that lists them (communes, levels, schools): the keys of
# short texts are kept (a province has a few thousand names; a long text is not worth keeping).
_KEPT_KEYS = 8192
_KEPT_LENGTH = 200


def sort_key(text, max_length=600):
    """The Vietnamese dictionary order of `text` as a string of digits (see the module)."""
    if isinstance(text, str) and len(text) <= _KEPT_LENGTH:
        return _kept_sort_key(text, max_length)
    return _sort_key(text, max_length)


@functools.lru_cache(maxsize=_KEPT_KEYS)
def _kept_sort_key(text, max_length):
    return _sort_key(text, max_length)


def _sort_key(text, max_length):
    primary, tones = [], []
    for ch in clean(text).lower():
        if ch == " ":
            primary.append("01")
            continue
        letter, tone = _split_letter(ch)
        code = _LETTER_CODE.get(letter) or _DIGIT_CODE.get(letter) or "09"
        primary.append(code)
        tones.append(tone)
    return ("".join(primary) + "00" + "".join(tones))[:max_length]


def person_sort_key(full_name, max_length=600):
    """Vietnamese people are ordered by given name (the last word), then by the rest."""
    words = clean(full_name).split(" ")
    if len(words) > 1:
        words = [words[-1], *words[:-1]]
    return sort_key(" ".join(words), max_length)
