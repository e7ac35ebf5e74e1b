"""Language and formatting: Vietnamese by default, English complete; dates dd/mm/yyyy and times in
Asia/Ho_Chi_Minh.

Catalogues live in translations/<feature>/<lang>/LC_MESSAGES/messages.po, one per feature, and
Flask-Babel merges them. Message ids are the Vietnamese text itself, so a string that is not yet
translated still shows correct Vietnamese; tests check the English catalogue is complete.
"""

import datetime as dt
from pathlib import Path

from flask import has_request_context, session
from flask_babel import Babel
from flask_login import current_user

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


def translation_directories():
    return ";".join(str(p) for p in sorted(TRANSLATIONS_ROOT.glob("*")) if p.is_dir())


# Dates and times are shown in fixed numeric forms (dd/mm/yyyy, HH:mm), the same in every
# language, so they are written directly rather than through Babel's pattern machinery (a list
# page formats hundreds of them). Times are stored as naive UTC and shown in the office's zone.


def _local(value):
    return value.astimezone(clock.zone()) if value.tzinfo else clock.to_local(value)


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


def fmt_iso_local(value):
    """For <time datetime=...>: the local time in ISO form."""
    if not value:
        return ""
    local = _local(value)
    return (f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
            f"T{local.hour:02d}:{local.minute:02d}")


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    # Times are shown in the office's zone: the one TIMEZONE setting (district/clock.py).
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: clock.zone().key)
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["isotime"] = fmt_iso_local
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_locale"] = select_locale
