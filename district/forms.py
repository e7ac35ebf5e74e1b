"""Form helpers shared by the features.

Every form derives from `Form`: WTForms' own messages ("This field is required.") come
in English only, so `Form` translates them through our catalogues, where
translations/wtforms/vi/ holds their Vietnamese.
"""

import wtforms
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice


class _BabelTranslations:
    """WTForms formats its messages itself, so these only look the text up."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class _TranslatedMeta:
    def get_translations(self, form):
        return _BabelTranslations()


class Form(FlaskForm):
    class Meta(_TranslatedMeta):
        pass


class SubForm(wtforms.Form):
    """A form nested in another (FormField): no CSRF token of its own, same translations."""

    class Meta(_TranslatedMeta):
        pass


def choices(pairs, blank=None):
    """SelectField choices from (value, label) pairs or a dict (WTForms 3.3 wants SelectChoice).
    `blank` adds a first empty option with that label."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(str(value), label) for value, label in items]


class EmptyForm(Form):
    """CSRF protection for one-button POSTs."""


BLANK = _l("— Chọn —")
