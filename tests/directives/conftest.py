import datetime as dt

import pytest

from district import clock
from district.directives import operations
from district.models import Roster


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def make_directive(app, district, today):
    """A directive written by the district's officer; published unless told otherwise."""
    counter = iter(range(1, 10_000))

    def factory(publish=True, **fields):
        n = next(counter)
        data = {
            "number": f"{100 + n}/PGDĐT-CTHSSV",
            "title": f"Về việc phòng, chống bạo lực học đường số {n}",
            "body": "Các trường **triển khai** ngay.",
            "signer": "Nguyễn Văn Trưởng",
            "issued_on": today - dt.timedelta(days=3),
            "deadline": today + dt.timedelta(days=7),
            "response_kind": "ack",
            "audience_kind": "all",
            **fields,
        }
        directive = operations.create_draft(district.officer, data)
        if publish:
            directive = operations.publish(district.officer, directive)
        return directive

    return factory


@pytest.fixture
def at_local(app, monkeypatch):
    """Sets the office's clock to a local time: at_local(2026, 12, 31, 23, 59), or
    at_local(a_datetime). Returns the UTC instant (what is stored)."""

    def setter(*when):
        local = when[0] if isinstance(when[0], dt.datetime) else dt.datetime(*when)
        with app.app_context():
            instant = clock.to_utc(local)
        monkeypatch.setattr(clock, "utcnow", lambda: instant)
        return instant

    return setter


@pytest.fixture
def make_roster(district):
    def factory(school, state="complete"):
        return Roster.create(school=school, version=1, submitted_by=district.officer,
                             rule_set="tt31", state=state, is_current=True)

    return factory


def local_time(day, hour, minute=0, days=0):
    """A local time `days` after `day`."""
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour, minute))


def htmx(**extra):
    return {"HX-Request": "true", **extra}
