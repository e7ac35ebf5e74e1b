"""Page weights: the bytes a browser really receives, measured, printed for the README.

    .venv/bin/python -m bench.page_weight      (after `make setup`: the hashed static files)

Builds a demo district of its own (`flask seed`: 45 schools) in a temporary folder, serves it on
127.0.0.1 and drives Debian's Chromium with Playwright. For each page, as the role that uses it:
the first visit with an empty browser cache, then a repeat visit (the browser's cache kept, as
when the page is opened again); and an htmx status change on an incident. The bytes counted are
those received over the network (Chrome's encodedDataLength: headers and compressed bodies;
what the cache answers costs nothing). Targets (issue 9): the heaviest page's first visit at
most 120 KB, a repeat visit at most 30 KB, a status change at most 3 KB. The browser test
tests/e2e/test_page_weight.py asserts the same budgets (bytes are deterministic; no timing).
"""

import os
import sys
import tempfile
import threading

KB = 1024
FIRST_VISIT_BUDGET = 120 * KB
REPEAT_VISIT_BUDGET = 30 * KB
STATUS_CHANGE_BUDGET = 3 * KB
DEMO_PASSWORD = "Demo@2026"

# (account, page) of the demo district; an incident/directive id is looked up at run time.
PAGES = [
    ("ht.mn-hoasen", "/"),
    ("ht.mn-hoasen", "/directives/"),
    ("ht.mn-hoasen", "/rosters/"),
    ("ht.mn-hoasen", "/incidents/"),
    ("ht.mn-hoasen", "/incidents/{incident}"),
    ("ht.mn-hoasen", "/incidents/new"),
    ("gv1.mn-hoasen", "/"),
    ("chuyenvien1", "/"),
    ("chuyenvien1", "/directives/"),
    ("chuyenvien1", "/directives/{directive}/tracking"),
    ("chuyenvien1", "/rosters/"),
    ("chuyenvien1", "/incidents/"),
    ("chuyenvien1", "/incidents/stats"),
    ("lanhdao", "/"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/schools"),
]


class Meter:
    """Counts the bytes a page receives, through Chrome's debugging protocol."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.received = 0
        self.urls = {}
        self.responses = []  # (url, bytes received) of the last visit or action
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event):
        size = int(event.get("encodedDataLength", 0))
        self.received += size
        self.responses.append((self.urls.get(event["requestId"], "?"), size))

    def clear_cache(self):
        self.cdp.send("Network.clearBrowserCache")

    def visit(self, url):
        """Bytes received to open `url` and everything it loads."""
        self.received, self.responses = 0, []
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.page.wait_for_load_state("networkidle")
        return self.received

    def during(self, action):
        """Bytes received while `action()` runs and the network settles."""
        self.received, self.responses = 0, []
        action()
        self.page.wait_for_load_state("networkidle")
        return self.received


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def first_and_repeat(browser, base_url, username, url):
    context = browser.new_context(base_url=base_url, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    try:
        page = context.new_page()
        sign_in(page, username)
        meter = Meter(page)
        meter.clear_cache()
        first = meter.visit(url)
        repeat = meter.visit(url)
        return first, repeat
    finally:
        context.close()


def status_change(browser, base_url, username, incident_id, password=DEMO_PASSWORD):
    """Bytes of one htmx status change on the incident page (the first step offered)."""
    context = browser.new_context(base_url=base_url, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    try:
        page = context.new_page()
        sign_in(page, username, password)
        page.goto(f"/incidents/{incident_id}")
        meter = Meter(page)
        step = page.locator("#status-panel form.status-step").first
        for select in step.locator("select").all():
            select.select_option(index=1)
        for field in step.locator("input[type=text], input[type=date]").all():
            kind = field.get_attribute("type")
            field.fill("2026-11-20" if kind == "date" else "Đã trao đổi với gia đình")
        for text in step.locator("textarea").all():
            text.fill("Đã trao đổi với gia đình")

        def submit():
            with page.expect_response(lambda r: r.url.endswith(f"/incidents/{incident_id}/status")):
                step.locator("button[type=submit]").click()

        received = meter.during(submit)
        return received, meter.responses
    finally:
        context.close()


def demo_ids():
    from district.models import Directive, Incident, User

    principal = User.get(User.username == "ht.mn-hoasen")
    open_statuses = ("reported", "verifying", "handling")
    incident = (Incident.select().where(Incident.school == principal.school,
                                        Incident.status.in_(open_statuses))
                .order_by(Incident.id).first())
    if incident is None:
        incident = Incident.select().where(Incident.school == principal.school).first()
    directive = (Directive.select().where(Directive.status == "published")
                 .order_by(Directive.id.desc()).first())
    return {"incident": incident.id, "directive": directive.id}


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}"


def measure_all(browser, base_url, ids):
    rows = []
    for username, path in PAGES:
        url = path.format(**ids)
        first, repeat = first_and_repeat(browser, base_url, username, url)
        rows.append((username, url, first, repeat))
    change, _ = status_change(browser, base_url, "ht.mn-hoasen", ids["incident"])
    return rows, change


def main():
    import logging

    from playwright.sync_api import sync_playwright

    from district import assets, create_app
    from district.db import database
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assets.build(os.path.join(root, "static"))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        app = create_app({
            "DATABASE_URL": f"sqlite:///{tmp}/weight.db", "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False, "UPLOAD_DIR": f"{tmp}/uploads",
        })
        runner = app.test_cli_runner()
        for args in (["init-db"], ["seed"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        with app.app_context():
            database.connect(reuse_if_open=True)
            ids = demo_ids()
        server, base_url = serve(app)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            rows, change = measure_all(browser, base_url, ids)
            browser.close()
        server.shutdown()

    print("| page | as | first visit KB | repeat visit KB |")
    print("|---|---|---:|---:|")
    for username, url, first, repeat in sorted(rows, key=lambda r: -r[2]):
        print(f"| `{url}` | {username} | {first / KB:.1f} | {repeat / KB:.1f} |")
    heaviest = max(rows, key=lambda r: r[2])
    print()
    print(f"heaviest first visit: {heaviest[1]} ({heaviest[0]}) {heaviest[2] / KB:.1f} KB "
          f"(budget {FIRST_VISIT_BUDGET // KB} KB)")
    print(f"heaviest repeat visit: {max(r[3] for r in rows) / KB:.1f} KB "
          f"(budget {REPEAT_VISIT_BUDGET // KB} KB)")
    print(f"htmx status change: {change / KB:.2f} KB (budget {STATUS_CHANGE_BUDGET // KB} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
