"""School years: named by the year they begin, twelve months from SCHOOL_YEAR_START_MONTH."""

import datetime as dt

import pytest

from district.activities import years


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 9, 1), 2026), (dt.date(2027, 5, 31), 2026), (dt.date(2027, 8, 31), 2026),
    (dt.date(2026, 8, 31), 2025), (dt.date(2026, 1, 15), 2025),
])
def test_a_day_falls_in_the_school_year_that_began_before_it(app, day, expected):
    with app.app_context():
        assert years.year_of(day) == expected


def test_the_start_month_is_configuration(app):
    app.config["SCHOOL_YEAR_START_MONTH"] = 8
    with app.app_context():
        assert years.year_of(dt.date(2026, 8, 15)) == 2026
        assert years.first_day(2026) == dt.date(2026, 8, 1)
        assert years.last_day(2026) == dt.date(2027, 7, 31)
        assert years.months(2026)[0] == (2026, 8) and years.months(2026)[-1] == (2027, 7)
    app.config["SCHOOL_YEAR_START_MONTH"] = 13  # not a month: the default
    with app.app_context():
        assert years.first_day(2026) == dt.date(2026, 9, 1)


def test_a_year_in_a_url_is_read_only_when_plausible(app):
    with app.app_context():
        now = years.current()
        assert years.parse(str(now - 1)) == now - 1
        for bad in ("", "abc", "1999", str(now + 2), "２０２６", "20266", None):
            assert years.parse(bad, "default") == "default"
        assert years.label(2026) == "2026–2027"
        assert [y for y, _label in years.choices(now - 7)][:2] == [now, now - 1]
