"""Language and formatting: Vietnamese by default, English complete; dates dd/mm/yyyy and times in
Asia/Ho_Chi_Minh.

Catalogues live in translations/<feature>/<lang>/LC_MESSAGES/messages.po, one per feature, and
Flask-Babel merges them. Message ids are the Vietnamese text itself, so a string that is not yet
translated still shows correct Vietnamese; tests check the English catalogue is complete.
"""

import datetime as dt
from pathlib import Path

from flask import g, has_app_context, has_request_context, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from . import clock

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
TRANSLATIONS_ROOT = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def N_(message):
    """Marks a message for extraction without translating it now (stored, translated on
    display: notifications, audit actions)."""
    return message


def select_locale():
    if not has_request_context():
        return "vi"
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return "vi"


def current_locale():
    """The language of what is being written (the request's, or a forced one: mail)."""
    locale = get_locale()
    return locale.language if locale is not None else "vi"


def translated(labels):
    """A table of lazy labels ({code: _l("...")}, tables of tables too) in the request's
    language, translated once: a lazy label translates itself again each time it is shown, and
    a list shows the same few on every row. Markup, written as the lazy label is."""
    return {code: translated(text) if isinstance(text, dict) else Markup(str(text))
            for code, text in labels.items()}


def translation_directories():
    return ";".join(str(p) for p in sorted(TRANSLATIONS_ROOT.glob("*")) if p.is_dir())


# Dates and times are shown in fixed numeric forms (dd/mm/yyyy, HH:mm), the same in every
# language, so they are written directly rather than through Babel's pattern machinery (a list
# page formats hundreds of them). Times are stored as naive UTC and shown in the office's zone.


def _local(value):
    """The local time of an instant (naive UTC, or aware): its fields are what is shown."""
    zone = clock.zone()
    return value.astimezone(zone) if value.tzinfo else zone.fromutc(value.replace(tzinfo=zone))


def _day(value):
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def fmt_date(value):
    if not value:
        return ""
    if isinstance(value, str):  # a date kept as ISO text (JSON history of a revision)
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = _local(value)
    return _day(value)


def fmt_datetime(value):
    if not value:
        return ""
    local = _local(value)
    return f"{_day(local)} {local.hour:02d}:{local.minute:02d}"


def fmt_time_day(value):
    """The time, then the day (a sentence's "lúc 14:05 30/11/2026")."""
    if not value:
        return ""
    local = _local(value)
    return f"{local.hour:02d}:{local.minute:02d} {_day(local)}"


def fmt_iso_local(value):
    """For <time datetime=...>: the local time in ISO form."""
    if not value:
        return ""
    local = _local(value)
    return (f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
            f"T{local.hour:02d}:{local.minute:02d}")


class RequestDomain(Domain):
    """Flask-Babel's message domain, with the request's translations found once and kept for the
    request (Flask-Babel finds them again on every message: a page translates hundreds). The
    copy kept belongs to the locale it was found for, so `force_locale` (mail in the recipient's
    language) and `refresh` (the locale changed) find theirs again."""

    def get_translations(self):
        if has_app_context():
            context = getattr(g, "_flask_babel", None)
            if context is not None:
                kept = context.__dict__.get("district_translations")
                if kept is not None and kept[0] is context.__dict__.get("babel_locale"):
                    return kept[1]
        found = super().get_translations()
        if has_app_context():
            context = g._flask_babel  # made by the lookup above
            context.district_translations = (context.__dict__.get("babel_locale"), found)
        return found


def translations():
    """The translations of the request (or of `force_locale`'s block): those RequestDomain kept,
    reached without Flask-Babel's own path (Flask-Babel's `gettext` goes through `g` five times,
    12 µs a message; a page translates a hundred or more)."""
    context = _cv_app.get(None)
    if context is not None:
        babel_context = context.g.__dict__.get("_flask_babel")
        if babel_context is not None:
            kept = babel_context.__dict__.get("district_translations")
            if kept is not None and kept[0] is babel_context.__dict__.get("babel_locale"):
                return kept[1]
    return babel.domain_instance.get_translations()


# The one way to translate in Python: these, not Flask-Babel's functions of the same names
# (same meaning: %-formatting with the keywords; `num` given to ngettext's text).


def gettext(message, /, **variables):
    text = translations().ugettext(message)
    return text % variables if variables else text


def ngettext(singular, plural, num, /, **variables):
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(message, /, **variables):
    """A message translated each time it is shown, in the language of that moment (labels kept
    in module constants)."""
    return LazyString(gettext, message, **variables)


# Templates call these (`_()`, `gettext()`, `ngettext()`) with the same meaning as Jinja's
# "newstyle" gettext (escaping, %-formatting with the keywords), straight to the request's
# translations.


@pass_eval_context  # not the context: Jinja copies a context in a block with a {% set %}
def template_gettext(eval_ctx, message, /, **variables):
    text = translations().ugettext(message)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


@pass_eval_context
def template_ngettext(eval_ctx, singular, plural, num, /, **variables):
    if not variables and eval_ctx.autoescape and type(num) is int:
        return _counted(translations(), singular, plural, num)
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


COUNTS_KEPT = 1024


def _counted(found, singular, plural, num):
    """A count in words ("3 lần") in the language of the translations `found`, kept with them:
    a list writes one a row."""
    kept = found.__dict__.get("district_counts")
    if kept is None:
        kept = found.district_counts = {}
    key = (singular, plural, num)
    text = kept.get(key)
    if text is None:
        if len(kept) >= COUNTS_KEPT:
            kept.clear()
        text = kept[key] = Markup(found.ungettext(singular, plural, num)) % {"num": num}
    return text


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    # Times are shown in the office's zone: the one TIMEZONE setting (district/clock.py).
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: clock.zone().key)
    babel.domain_instance = RequestDomain()
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext,
                                 ngettext=template_ngettext)
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["isotime"] = fmt_iso_local
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_locale"] = current_locale
