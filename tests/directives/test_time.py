"""Deadlines are the office's local days (TIMEZONE): a directive is overdue, and an
acknowledgement late, from 00:00 local time on the day after the deadline, whatever the zone, on
SQLite and PostgreSQL alike; exports write local times."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from district.directives import operations, queries
from district.models import Acknowledgement, Directive, Recipient

from .conftest import htmx

DEADLINE = dt.date(2026, 12, 31)
ZONES = ["Asia/Ho_Chi_Minh", "Asia/Tokyo"]


def states_of(directive):
    rows = (Recipient.select(Recipient.school, queries.state_expr().alias("state"))
            .join(Directive, on=(Recipient.directive == Directive.id))
            .where(Recipient.directive == directive.id))
    return {r.school_id: r.state for r in rows}


@pytest.fixture
def due_on_31_12(app, make_directive, at_local):
    """A directive published on 25/12, to be acknowledged by 31/12."""
    at_local(2026, 12, 25, 9, 0)
    with app.app_context():
        return make_directive(issued_on=dt.date(2026, 12, 24), deadline=DEADLINE)


@pytest.mark.parametrize("zone", ZONES)
def test_23_59_local_on_the_deadline_day_is_on_time(app, district, at_local, zone,
                                                    make_directive):
    app.config["TIMEZONE"] = zone
    at_local(2026, 12, 25, 9, 0)
    with app.app_context():
        directive = make_directive(issued_on=dt.date(2026, 12, 24), deadline=DEADLINE)
        at_local(2026, 12, 31, 23, 59)
        operations.acknowledge(district.principal, directive)
        assert Acknowledgement.get().late is False
        states = states_of(directive)
    assert states == {district.preschool.id: "acknowledged", district.secondary.id: "unread"}


@pytest.mark.parametrize("zone", ZONES)
def test_00_01_local_the_next_day_is_late_and_overdue(app, district, at_local, zone,
                                                      make_directive, login_as):
    app.config["TIMEZONE"] = zone
    at_local(2026, 12, 25, 9, 0)
    with app.app_context():
        directive = make_directive(issued_on=dt.date(2026, 12, 24), deadline=DEADLINE)
        at_local(2027, 1, 1, 0, 1)
        assert states_of(directive)[district.secondary.id] == "overdue"
        operations.acknowledge(district.principal, directive)
        assert Acknowledgement.get().late is True
        assert states_of(directive)[district.preschool.id] == "acknowledged_late"
    # What the officer reads: the tracking counts, the list and the home card agree.
    officer = login_as(district.officer)
    tracking = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert 'id="count-overdue">1<' in tracking and 'id="count-acknowledged_late">1<' in tracking
    listing = officer.get("/directives/", headers=htmx()).get_data(as_text=True)
    assert "Quá hạn: 1 trường" in listing
    assert "1 lượt trường quá hạn chưa xác nhận" in officer.get("/").get_data(as_text=True)


def test_one_minute_before_midnight_nothing_is_overdue_yet(app, district, at_local,
                                                          due_on_31_12, login_as):
    at_local(2026, 12, 31, 23, 59)
    page = login_as(district.officer).get(f"/directives/{due_on_31_12.id}/tracking")
    html = page.get_data(as_text=True)
    assert 'id="count-overdue">0<' in html and 'id="count-unread">2<' in html
    assert 'id="remind-overdue"' not in html


@pytest.mark.parametrize("zone", ZONES)
def test_exports_write_local_times(app, district, at_local, due_on_31_12, login_as, zone):
    app.config["TIMEZONE"] = zone
    at_local(2026, 12, 31, 23, 59)
    with app.app_context():
        operations.acknowledge(district.principal, due_on_31_12, "Đúng hạn")
    officer = login_as(district.officer)
    book = openpyxl.load_workbook(io.BytesIO(
        officer.get(f"/directives/{due_on_31_12.id}/tracking.xlsx").data))
    rows = {row[0]: row for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows["MN-HOASEN"][9] == dt.datetime(2026, 12, 31, 23, 59)
    text = officer.get(f"/directives/{due_on_31_12.id}/tracking.csv").data.decode("utf-8-sig")
    by_code = {r[0]: r for r in csv.reader(io.StringIO(text))}
    assert by_code["MN-HOASEN"][9] == "31/12/2026 23:59"
