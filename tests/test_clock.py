"""The office's clock: local days in the office's time zone, whatever that zone is."""

import datetime as dt

import pytest

from district import clock


def test_a_local_day_is_a_utc_range_in_the_offices_zone(app):
    with app.app_context():
        start, end = clock.day_range(dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    # Asia/Ho_Chi_Minh is UTC+7: 01/12 local runs from 30/11 17:00 to 01/12 17:00 UTC.
    assert start == dt.datetime(2026, 11, 30, 17, 0)
    assert end == dt.datetime(2026, 12, 1, 17, 0)


def test_06_30_local_on_01_12_falls_on_01_12(app):
    with app.app_context():
        reported = clock.to_utc(dt.datetime(2026, 12, 1, 6, 30))
        assert reported == dt.datetime(2026, 11, 30, 23, 30)
        assert clock.local_date(reported) == dt.date(2026, 12, 1)
        start, end = clock.day_range(dt.date(2026, 12, 1), dt.date(2026, 12, 1))
        assert start <= reported < end


def test_23_59_and_00_01_local_fall_on_their_own_days(app):
    with app.app_context():
        before = clock.to_utc(dt.datetime(2026, 12, 31, 23, 59))
        after = clock.to_utc(dt.datetime(2027, 1, 1, 0, 1))
        assert clock.local_date(before) == dt.date(2026, 12, 31)
        assert clock.local_date(after) == dt.date(2027, 1, 1)
        year_start, year_end = clock.year_range(2026)
        assert year_start <= before < year_end <= after
        month_start, month_end = clock.month_range(2026, 12)
        assert month_start <= before < month_end <= after


def test_the_zone_is_configuration_not_a_fixed_offset(app):
    app.config["TIMEZONE"] = "Europe/Paris"
    with app.app_context():
        # Paris in winter is UTC+1, in summer UTC+2 (daylight saving time).
        assert clock.day_start(dt.date(2026, 12, 1)) == dt.datetime(2026, 11, 30, 23, 0)
        assert clock.day_start(dt.date(2026, 7, 1)) == dt.datetime(2026, 6, 30, 22, 0)
        assert clock.to_local(dt.datetime(2026, 7, 1, 12, 0)) == dt.datetime(2026, 7, 1, 14, 0)


def test_today_is_the_local_date(app):
    with app.app_context():
        assert clock.today() == clock.local_date(clock.utcnow())
        assert abs(clock.utc_offset_hours() - 7) < 1e-9


def test_pages_show_times_in_the_configured_zone(app):
    from district.i18n import fmt_datetime

    app.config["TIMEZONE"] = "Asia/Tokyo"  # UTC+9, two hours ahead of Hanoi
    with app.test_request_context("/"):
        assert fmt_datetime(dt.datetime(2026, 12, 1, 0, 30)) == "01/12/2026 09:30"


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Europe/Paris", "America/New_York"])
def test_dates_and_times_are_written_as_babel_writes_them_in_the_offices_zone(app, zone):
    """The |date, |datetime and |isotime filters write dd/MM/yyyy and HH:mm directly (a list
    page formats hundreds): exactly what Babel's patterns give, in the office's zone, across
    midnight, summer time changes and the turn of the year."""
    from flask_babel import format_date, format_datetime

    from district.i18n import fmt_date, fmt_datetime, fmt_iso_local

    app.config["TIMEZONE"] = zone
    moments = [dt.datetime(2026, 12, 31, 16, 59), dt.datetime(2026, 12, 31, 17, 0),
               dt.datetime(2027, 3, 28, 0, 59), dt.datetime(2027, 3, 28, 1, 0),
               dt.datetime(2027, 3, 14, 6, 30), dt.datetime(2027, 11, 7, 5, 59),
               dt.datetime(2026, 1, 1, 0, 0)]
    with app.test_request_context("/"):
        for moment in moments:
            assert fmt_datetime(moment) == format_datetime(moment, "dd/MM/yyyy HH:mm")
            assert fmt_date(moment) == format_datetime(moment, "dd/MM/yyyy")
            assert fmt_iso_local(moment) == format_datetime(moment, "yyyy-MM-dd'T'HH:mm")
            assert fmt_date(moment.date()) == format_date(moment.date(), "dd/MM/yyyy")
        assert fmt_date(dt.date(999, 5, 6)) == format_date(dt.date(999, 5, 6), "dd/MM/yyyy")
        assert fmt_date("2026-02-03") == "03/02/2026" and fmt_date("không phải ngày") == (
            "không phải ngày")
        assert fmt_datetime(None) == fmt_date(None) == fmt_iso_local(None) == ""
