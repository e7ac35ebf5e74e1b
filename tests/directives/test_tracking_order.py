"""The office's tracking order comes from prepared statements, one per shape of its filters
(queries.tracking_order): under each filter, sort and direction it pages through exactly the
receipts the built query reads (the exports' `tracking_rows`), in the same order, on both
databases; the day is a value of the statement, not of its SQL; a principal's order and a
search are built as before."""

import datetime as dt
from urllib.parse import parse_qsl

import pytest

from district import clock
from district.db import PreparedList
from district.directives import operations, queries
from district.directives.vocabulary import STATES
from district.models import Directive, Recipient

from .test_queries import build

CASES = [
    "", "sort=state", "sort=state&dir=desc", "state=overdue", "state=acknowledged_late",
    "state=read&sort=level", "level=thcs", "level=thcs&ownership=cong_lap&sort=commune&dir=desc",
    "commune=Xã 3", "commune=Xã 3&state=overdue&sort=read", "purpose=act&sort=reminders",
    "response=none", "response=waiting", "sort=acknowledged&dir=desc", "sort=response",
    "state=no-such-state&sort=no-such-sort", "level=no-such-level",
]


def _order(user, directive, query):
    order = queries.tracking_order(user, directive, dict(parse_qsl(query)))
    return [r.id for r in order.paginate(1, 1000)], order.count()


@pytest.fixture
def target(app, district, make_directive, today):
    return build(district, make_directive, today, 40)


@pytest.mark.parametrize("query", CASES)
def test_the_office_order_is_the_built_query_order(app, district, target, query):
    filters = dict(parse_qsl(query))
    expected = [r.id for r in queries.tracking_rows(district.officer, target, filters)]
    assert isinstance(queries.tracking_order(district.officer, target, filters), PreparedList)
    for _ in range(2):  # the second time from the statement the first one kept
        assert _order(district.officer, target, query) == (expected, len(expected))
    if query.startswith("level=no-such"):
        assert expected == []
    elif query in ("", "sort=state"):
        assert len(expected) == 40


def test_the_office_order_follows_the_day(app, district, make_directive, today, at_local):
    """Schools yet to acknowledge a directive due today become overdue when the next day
    begins: the same statement, with the new day in its slot."""
    directive = make_directive(deadline=today, issued_on=today - dt.timedelta(days=3))
    operations.acknowledge(district.principal, directive)
    waiting = {r.id for r in Recipient.select().where(Recipient.directive == directive.id,
                                                      Recipient.acknowledged_at.is_null())}
    acknowledged = Recipient.get(Recipient.directive == directive.id,
                                 Recipient.school == district.preschool.id).id
    assert _order(district.officer, directive, "state=overdue") == ([], 0)
    by_state, _n = _order(district.officer, directive, "sort=state")
    assert by_state[-1] == acknowledged
    at_local(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 1)))
    overdue, n = _order(district.officer, directive, "state=overdue")
    assert set(overdue) == waiting and n == len(waiting)


def test_a_principal_and_a_search_take_the_built_query(app, district, target):
    principal = queries.tracking_order(district.principal, target, {})
    assert not isinstance(principal, PreparedList)
    own = Recipient.get(Recipient.directive == target.id,
                        Recipient.school == district.preschool.id)
    assert [r.id for r in principal] == [own.id]
    searched = queries.tracking_order(district.officer, target, {"q": "thu 40-17"})
    assert not isinstance(searched, PreparedList)
    assert [r.id for r in searched] == [r.id for r in queries.tracking_rows(
        district.officer, target, {"q": "thu 40-17"})]
    assert len([r.id for r in searched]) == 1


def test_each_state_filter_finds_the_receipts_in_that_state(app, district, make_directive,
                                                             today):
    """queries.state_is (the filter's conditions on the receipt's columns) selects exactly the
    receipts that queries.state_expr (the state shown) puts in that state, each receipt in one
    state: read or not, acknowledged on time or late, informed, due today, past due, withdrawn."""
    past_due = build(district, make_directive, today, 24)
    assert past_due.deadline < today
    due_today = make_directive(deadline=today, issued_on=today - dt.timedelta(days=2))
    ids = [r.id for r in Recipient.select(Recipient.id).order_by(Recipient.id)]
    Recipient.update(purpose="info").where(Recipient.id.in_(ids[::5])).execute()
    Recipient.update(acknowledged_at=clock.utcnow(), ack_late=False).where(
        Recipient.id.in_(ids[1::7])).execute()
    Recipient.update(first_read_at=clock.utcnow()).where(
        Recipient.directive == due_today.id, Recipient.id.in_(ids[2::3])).execute()
    withdrawn = make_directive(deadline=today - dt.timedelta(days=5),
                               issued_on=today - dt.timedelta(days=9))
    Directive.update(status="withdrawn").where(Directive.id == withdrawn.id).execute()

    def receipts(condition=True):
        return {r.id for r in Recipient.select(Recipient.id)
                .join(Directive, on=(Recipient.directive == Directive.id)).where(condition)}

    everyone = receipts()
    found = set()
    for state in STATES:
        chosen = receipts(queries.state_is(state, today))
        assert chosen == receipts(queries.state_expr(today) == state), state
        assert not chosen & found
        found |= chosen
    assert found == everyone
    shown = {s for (s,) in Recipient.select(queries.state_expr(today))
             .join(Directive, on=(Recipient.directive == Directive.id)).tuples()}
    assert shown == set(STATES), "every state appears in this test's receipts"


def test_a_known_deadline_gives_the_same_states_and_order(app, district, make_directive,
                                                          today):
    """For one directive whether its deadline is past is known before the query
    (queries.is_overdue): the state filter and sort written with it select and order exactly
    as those comparing the deadline in SQL, past due or not, published or withdrawn. A wrong
    branch (a state that cannot occur while overdue, or the reverse) fails it."""
    past_due = build(district, make_directive, today, 12)
    due_today = make_directive(deadline=today, issued_on=today - dt.timedelta(days=2))
    withdrawn = make_directive(deadline=today - dt.timedelta(days=5),
                               issued_on=today - dt.timedelta(days=9))
    Directive.update(status="withdrawn").where(Directive.id == withdrawn.id).execute()
    ids = [r.id for r in Recipient.select(Recipient.id).order_by(Recipient.id)]
    Recipient.update(purpose="info").where(Recipient.id.in_(ids[::5])).execute()
    Recipient.update(first_read_at=clock.utcnow()).where(Recipient.id.in_(ids[2::3])).execute()
    Recipient.update(acknowledged_at=clock.utcnow(), ack_late=True).where(
        Recipient.id.in_(ids[1::7])).execute()
    seen = set()
    for directive in (past_due, due_today, withdrawn):
        directive = Directive.get_by_id(directive.id)
        overdue = queries.is_overdue(directive, today)
        assert overdue == (directive.id == past_due.id)

        def receipts(condition, directive_id=directive.id):
            return [r.id for r in Recipient.select(Recipient.id)
                    .join(Directive, on=(Recipient.directive == Directive.id))
                    .where(Recipient.directive == directive_id, condition)
                    .order_by(Recipient.id)]

        for state in STATES:
            known = receipts(queries.state_is(state, today, overdue))
            assert known == receipts(queries.state_expr(today) == state), (directive.id, state)
            if known:
                seen.add((overdue, state))
        ranks = (Recipient.select(Recipient.id, queries.state_rank(today, overdue).alias("known"),
                                  queries.state_rank(today).alias("compared"))
                 .join(Directive, on=(Recipient.directive == Directive.id))
                 .where(Recipient.directive == directive.id).dicts())
        assert all(r["known"] == r["compared"] for r in ranks), directive.id
    assert {(True, "overdue"), (False, "read"), (False, "unread")} <= seen
