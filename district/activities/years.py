"""School years: a school year is named by the year it begins (2026 for 2026–2027) and runs the
twelve months from the first day of SCHOOL_YEAR_START_MONTH (September by default). Teaching runs
September to May; the summer months count in the school year that is ending.

Dates here are local days (an activity's `held_on`, `clock.today()`): no time zone involved.
"""

import datetime as dt

from flask import current_app, has_app_context

from .. import clock

DEFAULT_START_MONTH = 9


def start_month():
    month = current_app.config.get("SCHOOL_YEAR_START_MONTH") if has_app_context() else None
    return month if isinstance(month, int) and 1 <= month <= 12 else DEFAULT_START_MONTH


def year_of(day):
    """The school year (the year it begins) that the local day `day` falls in."""
    return day.year if day.month >= start_month() else day.year - 1


def current():
    return year_of(clock.today())


def first_day(year):
    return dt.date(year, start_month(), 1)


def last_day(year):
    return first_day(year + 1) - dt.timedelta(days=1)


def months(year):
    """The twelve (year, month) of the school year, in order."""
    first = start_month()
    return [(year + (first + i - 1) // 12, (first + i - 1) % 12 + 1) for i in range(12)]


def label(year):
    """"2026–2027"."""
    return f"{year}–{year + 1}"


# The school years a page offers: from the first one with data (or a few before the current)
# up to the current one. Years outside this range in a URL are ignored.
EARLIEST = 2000


def choices(first=None):
    """[(year, "2026–2027"), ...], newest first, from `first` (default: five years back)."""
    now = current()
    first = min(first or now - 4, now)
    return [(y, label(y)) for y in range(now, max(first, EARLIEST) - 1, -1)]


def parse(value, default=None):
    """A school year typed in a URL ("2026"), if it is a plausible one; else `default`."""
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and len(text) == 4:
        year = int(text)
        if EARLIEST <= year <= current() + 1:
            return year
    return default
