"""Light pages, in bytes a browser really receives (deterministic, so asserted; the figures for
the README come from bench/page_weight.py): on the demo district the heaviest pages' first visit
is at most 120 KB, a repeat visit at most 30 KB (static files cached for a year under hashed
names), an htmx status change at most 3 KB (compressed)."""

import re
from pathlib import Path

import pytest

from bench.page_weight import (
    FIRST_VISIT_BUDGET,
    REPEAT_VISIT_BUDGET,
    STATUS_CHANGE_BUDGET,
    Meter,
    status_change,
)
from district import assets
from district.incidents import operations
from district.models import Directive, Incident, User
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from tests.incidents.conftest import report_data

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", autouse=True)
def built_assets():
    """What `make` does before the tests: the hashed, compressed copies of static/ (built
    before the app is created, which reads their names)."""
    assets.build(STATIC)


def test_static_files_go_out_compressed_under_hashed_names_cached_for_a_year(page):
    seen = {}
    page.on("response", lambda r: seen.__setitem__(r.url, r) if "/static/" in r.url else None)
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    names = sorted(seen)
    assert any(re.search(r"/static/dist/vendor/pico\.min\.[0-9a-f]{12}\.css$", u) for u in names)
    for url, response in seen.items():
        headers = response.headers
        assert "max-age=31536000" in headers["cache-control"], (url, headers)
        assert "immutable" in headers["cache-control"], url
        if url.endswith((".css", ".js", ".svg")):
            assert headers.get("content-encoding") in ("br", "gzip"), (url, headers)


def test_heaviest_pages_first_and_repeat_visits_within_budget(browser, live_server, demo):
    principal = User.get(User.username == "ht.mn-hoasen")
    incident = Incident.select().where(Incident.school == principal.school).first()
    directive = Directive.select().where(Directive.status == "published").first()
    pages = [("chuyenvien1", "/incidents/"),
             ("chuyenvien1", f"/directives/{directive.id}/tracking"),
             ("ht.mn-hoasen", f"/incidents/{incident.id}")]
    for username, url in pages:
        context = browser.new_context(base_url=live_server, locale="vi-VN")
        try:
            page = context.new_page()
            sign_in(page, username, PASSWORD)
            meter = Meter(page)
            meter.clear_cache()
            first = meter.visit(url)
            repeat = meter.visit(url)
        finally:
            context.close()
        assert 0 < first <= FIRST_VISIT_BUDGET, (url, first)
        assert 0 < repeat <= REPEAT_VISIT_BUDGET, (url, repeat)
        # The repeat visit costs the page alone: every static file came from the cache.
        assert repeat < first / 2, (url, first, repeat)


def test_an_htmx_status_change_within_budget(browser, live_server, district):
    data, students = report_data()
    incident = operations.report(district.staff, district.preschool, data, students, {})
    received, responses = status_change(browser, live_server, district.principal.username,
                                        incident.id, PASSWORD)
    assert Incident.get_by_id(incident.id).status != "reported"
    assert 0 < received <= STATUS_CHANGE_BUDGET, responses
