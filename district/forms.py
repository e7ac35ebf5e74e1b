"""Form helpers shared by the features.

Every form derives from `Form` (or `SubForm` when nested): WTForms' own messages ("This field is
required.") come in English only, so `Form` translates them through our catalogues, where
translations/wtforms/vi/ holds their Vietnamese.

Every text field has a size and takes only text (`harden`, run by `Form` and `SubForm`):
- a field without a `Length(max=...)` of its own gets the default of its kind (`DEFAULT_MAX`:
  one-line text 300 characters, a text area 20,000, ...), rendered as the `maxlength`
  attribute and refused by the server beyond it (422 with a translated message); a form
  declares a different size with its own `Length(max=...)` or `MaxLength(...)`;
- NUL and the other control characters are refused in what people type (tab, and in text
  areas line breaks, are text), and dropped from hidden fields, which nobody types.
"""

import functools
import re

import wtforms
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    HiddenField,
    PasswordField,
    SelectChoice,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Length

from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .i18n import translations

# The size of a text field that declares none, by kind (the most specific kind first).
DEFAULT_MAX = (
    (HiddenField, 4000),
    (PasswordField, 200),
    (TextAreaField, 20000),
    (StringField, 300),
)
# Control characters: C0 and DEL. Tab is text everywhere, line breaks in text areas.
CONTROL_ONE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
CONTROL_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f]")


class MaxLength:
    """At most `max` characters, counted as the browser counts them (a line break is one
    character, though the browser sends it as CR LF); sets the field's `maxlength`."""

    def __init__(self, max, message=None):
        self.max = max
        self.message = message
        self.field_flags = {"maxlength": max}

    def __call__(self, form, field):
        length = getattr(field, "sent_length", None) or _length(field.data)
        if length > self.max:
            values = {"max": self.max, "length": length, "min": -1}
            if self.message is None:
                raise ValidationError(_("Tối đa %(max)d ký tự (đã nhập %(length)d ký tự).",
                                        **values))
            raise ValidationError(str(self.message) % values)


def _length(value):
    return len(value.replace("\r\n", "\n")) if isinstance(value, str) else 0


def no_control_characters(pattern):
    def check(form, field):
        if isinstance(field.data, str) and pattern.search(field.data):
            raise ValidationError(_("Có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL); hãy "
                                    "xoá ký tự đó rồi gửi lại."))

    return check


def _declared_max(field):
    for validator in field.validators:
        if isinstance(validator, MaxLength):
            return validator.max
        if isinstance(validator, Length) and validator.max not in (None, -1):
            return validator.max
    return None


# What a field that is not text (a date, a number, a choice) echoes back of what was sent.
MAX_RAW_ECHO = 200


def _as_max_length(validators):
    """A field's `Length(max=...)` becomes `MaxLength` (same size and message: it counts line
    breaks once and cuts what it echoes); a minimum stays a `Length(min=...)`."""
    result = []
    for validator in validators:
        if isinstance(validator, Length) and validator.max not in (None, -1):
            result.append(MaxLength(validator.max, validator.message))
            if validator.min not in (None, -1, 0):
                result.append(Length(min=validator.min, message=validator.message))
        else:
            result.append(validator)
    return result


def harden(form):
    """Give every text field of `form` its size and keep control characters out of it."""
    for field in form._fields.values():
        if not isinstance(field, StringField):
            raw = getattr(field, "raw_data", None)
            if raw and any(isinstance(v, str) and len(v) > MAX_RAW_ECHO for v in raw):
                # A date, number or choice sent as a megabyte is refused like any bad value,
                # and shown back cut short.
                field.raw_data = [v[:MAX_RAW_ECHO] if isinstance(v, str) else v for v in raw]
            continue
        if isinstance(field, HiddenField):
            if isinstance(field.data, str):
                field.data = CONTROL_ANY.sub("", field.data)
        pattern = CONTROL_MULTI_LINE if isinstance(field, TextAreaField) else CONTROL_ONE_LINE
        extra = [] if isinstance(field, HiddenField) else [no_control_characters(pattern)]
        limit = _declared_max(field)
        if limit is None:
            limit = next(size for kind, size in DEFAULT_MAX if isinstance(field, kind))
            extra.append(MaxLength(limit))
        if _length(field.data) > limit:
            # Refused by MaxLength (which says how much was sent); whatever shows the form
            # again shows the text cut at the size, never a page as large as what was sent
            # (a browser's maxlength never lets a person type more).
            field.sent_length = _length(field.data)
            field.data = field.data.replace("\r\n", "\n")[:limit]
        # A new list: the validators given at class level are shared by every instance.
        field.validators = [*extra, *_as_max_length(field.validators)]
        if not isinstance(field, HiddenField):
            field.flags.maxlength = limit


class _BabelTranslations:
    """WTForms formats its messages itself, so these only look the text up."""

    def gettext(self, string):
        return translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return translations().ungettext(singular, plural, n)


class _TranslatedMeta:
    def get_translations(self, form):
        return _BabelTranslations()


class Form(FlaskForm):
    class Meta(_TranslatedMeta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        harden(self)


class SubForm(wtforms.Form):
    """A form nested in another (FormField): no CSRF token of its own, same translations."""

    class Meta(_TranslatedMeta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        harden(self)


def choices(pairs, blank=None):
    """SelectField choices from (value, label) pairs or a dict (WTForms 3.3 wants SelectChoice).
    `blank` adds a first empty option with that label."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(str(value), label) for value, label in items]


def option_tag(value, label, selected=False):
    """One plain <option>, in the markup WTForms writes, written directly: a select of a
    hundred choices (the communes of a province) renders in a tenth of the time."""
    chosen = "selected " if selected else ""
    return Markup(f'<option {chosen}value="{escape(value)}">{escape(label)}</option>')


def option_tags(pairs, selected):
    """The <option>s of (value, label) pairs or a dict, the one whose value is `selected` (as
    text) marked: the filter bars' selects (templates/_partials/lists.html `select`). The same
    choices and selection (in the same language) give the same options, kept (the communes of
    a province: 120 options, 0.5 ms, on every tracking and coverage page)."""
    items = tuple(pairs.items() if isinstance(pairs, dict) else pairs)
    # The types are part of the key: a text and Markup of the same characters are equal as
    # keys but not written alike (the text is escaped), nor are 1 and True.
    kinds = tuple((type(value), type(label)) for value, label in items)
    chosen = None if selected is None else str(selected)  # None: none is marked
    try:
        return _drawn_options(items, kinds, chosen, get_locale())
    except TypeError:  # a value or label that cannot be a key: drawn each time
        return _options(items, chosen)


def _options(items, chosen):
    return Markup("".join([option_tag(value, label, str(value) == chosen)
                           for value, label in items]))


@functools.lru_cache(maxsize=512)
def _drawn_options(items, _kinds, chosen, _locale):
    return _options(items, chosen)


def _plain_pairs(choices):
    """(value, label) of each choice when every one is plain (a pair, or a SelectChoice with no
    group or attributes of its own, its value text or a number): else None."""
    if not isinstance(choices, list | tuple):
        return None
    pairs = []
    for choice in choices:
        if isinstance(choice, SelectChoice):
            if choice.render_kw or choice.optgroup is not None:
                return None
            value, label = choice.value, choice.label
        elif isinstance(choice, tuple) and len(choice) == 2:
            value, label = choice
        else:
            return None
        if type(value) not in (str, int):
            return None
        pairs.append((value, label or value))
    return pairs


class Select(wtforms.widgets.Select):
    """WTForms' select with its plain options written directly (`option_tag`, same markup):
    a filter of a hundred choices (the audit log's actions) renders in a tenth of the time. A
    single select of plain choices (text data) is written by `option_tags` whole (kept per
    choices, selection and language): WTForms builds two objects per choice on every
    page."""

    def __call__(self, field, **kwargs):
        data = getattr(field, "data", None)
        pairs = (None if self.multiple or getattr(field, "coerce", None) is not str
                 or not isinstance(data, str | None) else _plain_pairs(field.choices))
        if pairs is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        opening = Markup(f"<select {wtforms.widgets.html_params(name=field.name, **kwargs)}>")
        return opening + option_tags(pairs, data) + Markup("</select>")

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        return option_tag(choice.value, choice.label or choice.value, choice.selected)


class EmptyForm(Form):
    """CSRF protection for one-button POSTs."""


BLANK = _l("— Chọn —")
