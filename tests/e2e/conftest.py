"""End-to-end fixtures: the app served on 127.0.0.1 on a free port, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; Playwright's own browser download does not work here).

The tests skip, with the reason printed, only when no Chromium is installed; CI installs it.
CSRF is on here, as in production: the browser carries the real tokens.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from district.db import database

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app):
    """The app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The request threads open their own connections; the test thread keeps its own.
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    if not database.is_closed():
        database.close()
    database.connect(reuse_if_open=True)


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        message = f"no Chromium at {CHROMIUM}: end-to-end tests skipped (CI installs it)"
        print(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    errors = without_replaced_requests(errors)
    assert not errors, f"the browser reported errors: {errors}"


def without_replaced_requests(errors):
    """The errors less htmx's log of a request it aborted on purpose: the school chooser's
    search replaces a search still under way (hx-sync "this:replace"), and htmx logs that as
    "htmx:afterRequest, <target>" then "htmx:sendAbort, <target>". Any other failed request
    (an error answer, a network error, a timeout) still counts."""
    kept = []
    for text in errors:
        if text.startswith("htmx:sendAbort") and kept and kept[-1].startswith(
                "htmx:afterRequest") and kept[-1][len("htmx:afterRequest"):] == text[
                len("htmx:sendAbort"):]:
            kept.pop()
            continue
        kept.append(text)
    return kept


@pytest.fixture
def answers_4xx(browser, live_server):
    """A page whose refused form (422, by design here) is not a failure; script errors still
    are. (Chromium logs a 4xx answer as a console error, which the `page` fixture counts.)"""
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10000)
    page = context.new_page()
    script_errors = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    yield page
    context.close()
    assert not script_errors, script_errors


def sign_in(page, username, password):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def mark_window(page):
    """Set a marker on window; it survives only if the page is not reloaded."""
    page.evaluate("window.__noReload = 'still-here'")


def window_marker(page):
    return page.evaluate("window.__noReload || null")
