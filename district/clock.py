"""The office's clock: the one place that knows what time and what day it is where the office is.

Times are stored as naive UTC (`utcnow()`). People think in local days: a filter "from 01/12 to
01/12", a month of statistics, a deadline "31/12" all mean days in the office's time zone
(TIMEZONE, default Asia/Ho_Chi_Minh). Convert at the edges with the functions below; never add a
fixed offset anywhere else.

- `utcnow()`: now, naive UTC, for storing.
- `local_now()`, `today()`: now and today in the office's zone (naive local / a date).
- `to_utc(local_naive)`, `to_local(utc_naive)`: one instant, the other way of writing it.
- `day_start(date)`: the UTC instant a local day begins; `day_range(first, last)` the half-open
  UTC range [start of `first`, start of the day after `last`) for a SQL filter.
- `local_date(utc_naive)`: the local day an instant falls on.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask.globals import _cv_app

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@lru_cache(maxsize=8)
def _zone(name):
    return ZoneInfo(name)


def zone():
    """The office's time zone (TIMEZONE). Asked for every time a page shows (a hundred on a
    list): the app is reached directly, not through `current_app`."""
    context = _cv_app.get(None)
    name = context.app.config.get("TIMEZONE") if context is not None else None
    return _zone(name or DEFAULT_TIMEZONE)


def utcnow():
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_local(value):
    """A naive UTC datetime as naive local time (None stays None)."""
    if value is None:
        return None
    local = zone()
    return local.fromutc(value.replace(tzinfo=local)).replace(tzinfo=None)


def to_utc(value):
    """A naive local datetime as naive UTC (None stays None)."""
    if value is None:
        return None
    return value.replace(tzinfo=zone()).astimezone(dt.UTC).replace(tzinfo=None)


def local_now():
    return to_local(utcnow())


def today():
    """Today's date in the office's time zone."""
    return local_now().date()


def local_date(value):
    """The local day a naive UTC instant falls on."""
    return to_local(value).date() if value is not None else None


def day_start(day):
    """The UTC instant at which local `day` begins."""
    return to_utc(dt.datetime.combine(day, dt.time()))


def day_end(day):
    """The UTC instant at which local `day` ends (the start of the next day, excluded)."""
    return day_start(day + dt.timedelta(days=1))


def day_range(first=None, last=None):
    """[start, end) in UTC covering local days `first` to `last`, both included; either may be
    None for an open end."""
    return (day_start(first) if first else None, day_end(last) if last else None)


def month_range(year, month):
    """[start, end) in UTC of a local calendar month."""
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return day_start(first), day_start(following)


def year_range(year):
    return day_start(dt.date(year, 1, 1)), day_start(dt.date(year + 1, 1, 1))


def utc_offset_hours(at=None):
    """The zone's offset from UTC in hours at `at` (UTC; now by default), for SQL that must
    group by local day or month (the office's zones have no daylight saving, so one offset
    holds for a query)."""
    at = at or utcnow()
    return at.replace(tzinfo=dt.UTC).astimezone(zone()).utcoffset().total_seconds() / 3600
