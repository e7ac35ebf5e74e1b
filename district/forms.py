"""Form helpers shared by the features."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice


def choices(pairs, blank=None):
    """SelectField choices from (value, label) pairs or a dict (WTForms 3.3 wants SelectChoice).
    `blank` adds a first empty option with that label."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(str(value), label) for value, label in items]


class EmptyForm(FlaskForm):
    """CSRF protection for one-button POSTs."""


BLANK = _l("— Chọn —")
