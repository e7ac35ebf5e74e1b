"""Walk the site as a signed-in user, the way a new user would, and check every page at a
phone's width and a desktop's: the page is no wider than the window, and axe-core (the npm
package, loaded only here) finds no violation of any impact.

Used by tests/e2e/test_every_page.py; `python -m tests.e2e.walk BASE_URL USER PASSWORD` prints
the findings against a running server (handy while fixing them).
"""

import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") if AXE.exists() else ""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SMALL_PHONE = {"width": 360, "height": 640}
WIDTHS = (PHONE, DESKTOP)

# Ids and codes vary; a page kind is its path with the numbers taken out.
NUMBER = re.compile(r"/\d+")
# Files, not pages; and links that change something or end the session.
NOT_A_PAGE = re.compile(r"(\.(csv|xlsx|pdf|docx)$)|/files/|/attachments/|^/logout|^/static/"
                        r"|^/healthz|^/notifications/bell")


def kind(path):
    return NUMBER.sub("/N", path)


def page_links(page):
    """Same-site links of the page (not downloads), as paths with their query strings."""
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        if parts.netloc != urlsplit(page.url).netloc or not parts.path.startswith("/"):
            continue
        if NOT_A_PAGE.search(parts.path):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def overflow(page):
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def axe_violations(page):
    """axe-core's violations on the page as it is now, as short readable lines."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol, so the page's Content Security
        # Policy (no inline script) stays in force for the app's own code.
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' +
                                                  (n.failureSummary || '').slice(0, 160))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {'; '.join(v['nodes'])}" for v in result]


def small_targets(page):
    """Controls a finger hits that are less than 44 px high, on the page as shown now."""
    return page.evaluate("""() => [...document.querySelectorAll(
            'button, [role=button], select, summary, input:not([type=hidden], [type=checkbox],'
            + ' [type=radio]), header a, .pager a, .menu a')]
        .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
        .filter(e => e.getBoundingClientRect().height < 43.5)
        .slice(0, 5)
        .map(e => e.outerHTML.slice(0, 90) + ' ' + Math.round(e.getBoundingClientRect().height)
                  + 'px')""")


def check_page(page, sizes=WIDTHS, axe=True):
    """The problems of the page open in `page`, at each of `sizes`."""
    problems = []
    for size in sizes:
        page.set_viewport_size(size)
        wider = overflow(page)
        if wider:
            problems.append(f"{size['width']}px: page {wider}px wider than the window")
        if size["width"] < 600:
            for target in small_targets(page):
                problems.append(f"{size['width']}px: touch target under 44px: {target}")
        for violation in axe_violations(page) if axe else ():
            problems.append(f"{size['width']}px: {violation}")
    return problems


def walk(page, start="/", per_kind=1, limit=60, sizes=WIDTHS, axe=True):
    """Open the start page, then one page of each kind linked from the pages opened, up to
    `limit` pages; return {path: [problems]} for every page opened."""
    seen, kinds, found = {start}, {}, {}
    queue = [start]
    while queue and len(found) < limit:
        path = queue.pop(0)
        k = kind(urlsplit(path).path)
        if kinds.get(k, 0) >= per_kind:
            continue
        response = page.goto(path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:
            found[path] = [f"answered {response.status}"]
            continue
        kinds[k] = kinds.get(k, 0) + 1
        page.wait_for_load_state()
        found[path] = check_page(page, sizes, axe)
        for link in page_links(page):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return found


def sign_in(page, username, password):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def main(base_url, username, password, *starts):
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=base_url, locale="vi-VN")
        if username != "-":
            sign_in(page, username, password)
        found = {}
        for start in starts or ("/",):
            found.update(walk(page, start))
        for path, problems in found.items():
            print(f"{path}: {'ok' if not problems else ''}")
            for problem in problems:
                print(f"    {problem}")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
