"""Every link a page offers a user leads somewhere that user may go.

For each role, signed in on the demo district, walk the site from the home page: open every page
the role is offered a link to (a few of each kind), and follow every link on it. None answers
404 (a link to a page that does not exist, or that the role may not open) or a server error.
"""

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest

from district.models import User

# Links, and the addresses htmx fetches in place (filters, sort headers, panels).
HREF = re.compile(r'(?:href|hx-get)="([^"#]*)')
# Ids, codes and query strings vary; a page kind is its path with the numbers taken out.
NUMBER = re.compile(r"/\d+")
# How many pages of one kind to open (45 schools, dozens of directives and incidents: a few of
# each kind shows the links of that kind).
PER_KIND = 3
# Whole-site limit of distinct links per role, so the walk stays quick.
MAX_REQUESTS = 800

DEMO_ACCOUNTS = {
    "admin": "admin",
    "officer": "chuyenvien1",
    "principal": "ht.mn-hoasen",
    "staff": "gv1.mn-hoasen",
    "observer": "lanhdao",
}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output


def _kind(path):
    return NUMBER.sub("/N", path)


def _links(page_url, html):
    for href in HREF.findall(html):
        url = urljoin(page_url, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("", "localhost"):
                continue
        path = parts.path
        if not path.startswith("/") or path.startswith("/static/"):
            continue
        yield path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("role", sorted(DEMO_ACCOUNTS))
def test_no_link_offered_to_a_role_answers_404(demo, login_as, role):
    """Every distinct link found is requested; the pages of the first few links of each kind
    are read for further links."""
    user = User.get(User.username == DEMO_ACCOUNTS[role])
    client = login_as(user)
    seen, read_kinds, broken = {"/"}, Counter(), []
    queue = [("/", None)]
    while queue and len(seen) < MAX_REQUESTS:
        url, found_on = queue.pop(0)
        response = client.get(url)
        response.close()  # downloads are streamed files
        if response.status_code == 404 or response.status_code >= 500:
            broken.append((url, response.status_code, found_on))
            continue
        kind = _kind(urlsplit(url).path)
        if (response.status_code != 200 or response.mimetype != "text/html"
                or read_kinds[kind] >= PER_KIND):
            continue
        read_kinds[kind] += 1
        for link in _links(url, response.get_data(as_text=True)):
            if link not in seen and not link.startswith("/logout"):
                seen.add(link)
                queue.append((link, url))
    assert broken == [], f"{role}: links that answer 404 or fail (url, status, found on): {broken}"
    # The walk really walked: every role reaches several kinds of page.
    assert len(read_kinds) >= 3, sorted(read_kinds)
