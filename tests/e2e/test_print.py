"""Printing a directive, its tracking table, an incident (for the competent authorities) and the
roster: the content alone, with the hotline kept; no menu, no header controls, no filters,
buttons or forms; tables whole (no scrolling box, no sticky column, their header repeated on
every page); what is folded on screen printed open."""

import pytest
from playwright.sync_api import expect

from district.models import Directive, Incident
from tests.conftest import PASSWORD as DEMO_PASSWORD
from tests.e2e import walk

HIDDEN_IN_PRINT = ("nav.site-nav", ".site-menu", ".bell", ".filter-fold", "form.filters",
                   ".pager", "main form", "main button", "main [role=button]", ".skip")


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output


def pages_to_print():
    directive = (Directive.select().where(Directive.status == "published")
                 .order_by(Directive.id).first())
    incident = Incident.select().order_by(Incident.id).first()
    return {
        "officer": [f"/directives/{directive.id}", f"/directives/{directive.id}/tracking",
                    f"/incidents/{incident.id}"],
        "principal": ["/rosters/"],
    }


def assert_prints_cleanly(page, path):
    page.emulate_media(media="screen")
    page.goto(path)
    # On screen the menu and the page's controls are there...
    expect(page.locator("nav.site-nav")).to_be_visible()
    assert page.locator("main button:visible, main [role=button]:visible").count() > 0, path
    page.emulate_media(media="print")
    # ...on paper they are not, and the hotline is.
    for selector in HIDDEN_IN_PRINT:
        assert page.locator(f"{selector} >> visible=true").count() == 0, (path, selector)
    hotline = page.locator(".hotline")
    expect(hotline).to_be_visible()
    expect(hotline).to_contain_text("111")
    expect(page.locator("main h1")).to_be_visible()
    # Tables print whole: no box scrolling sideways, no sticky first column, the header row
    # repeated on each page; the page is no wider than the paper.
    for table in page.locator("main table").all():
        style = table.evaluate("""t => ({display: getComputedStyle(t).display,
            head: t.tHead ? getComputedStyle(t.tHead).display : 'table-header-group',
            sticky: [...t.querySelectorAll('th, td')].some(
                c => getComputedStyle(c).position === 'sticky')})""")
        assert style == {"display": "table", "head": "table-header-group", "sticky": False}, \
            (path, style)
    assert page.evaluate("() => document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth"), path
    # Folded parts (the original report, the acknowledgement history) are printed open.
    for content in page.locator("main details:not(.filter-fold) > :not(summary, form)").all():
        assert content.is_visible(), (path, content.inner_html()[:80])
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF"), path


@pytest.mark.parametrize("role", ["officer", "principal"])
def test_pages_print_without_controls_and_with_the_hotline(demo, page, role):
    walk.sign_in(page, {"officer": "chuyenvien1", "principal": "ht.mn-hoasen"}[role],
                 DEMO_PASSWORD)
    for path in pages_to_print()[role]:
        assert_prints_cleanly(page, path)
