"""How a view answers, in one place: a page, an htmx fragment, a redirect, a page of a list.

- `render(template, block=None, oob=(), retarget=None, ...)`: the whole page; for a non-boosted
  htmx request only `block` of the same template, followed by the out-of-band blocks `oob`
  (rendered with `oob=True`, so their root element carries `hx-swap-oob`), optionally retargeted
  (`HX-Retarget`/`HX-Reswap`) and with events (`HX-Trigger`). The first render and the update
  share one template. Every answer varies on HX-Request. Validation errors come back as 422 with
  the form fragment, conflicts as 409 (htmx is configured to swap both).
- `redirect_to(url)`: a redirect that htmx follows (HX-Redirect) and a browser without
  JavaScript too.
- `Pages(query)`: one page of a list, counted once, with the pager's numbers.
"""

import re
from functools import cached_property
from types import NoneType
from urllib.parse import urlsplit

import flask
from flask import abort, current_app, redirect, render_template, request
from flask.globals import _cv_request
from flask_login import current_user
from htmx_flask import make_response as hx_response
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from . import charts
from .access import may_open
from .i18n import current_locale


def wants_fragment():
    """An htmx request that swaps part of a page: not boosted, not a history restore (which
    needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _render_part(template_name, block, context):
    """One block of a template (`block`), or a whole template when `block` is None."""
    if block is None:
        return render_template(template_name, **context)
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_template(template_name)
    return "".join(template.blocks[block](template.new_context(context)))


def _oob_part(template_name, item, context):
    """An out-of-band item: a block of the same template ("timeline"), or of another template
    ("directives/_badge.html#badge", or a whole one: "directives/_badge.html")."""
    if ".html" in item:
        other, _hash, block = item.partition("#")
        return _render_part(other, block or None, {**context, "oob": True})
    return _render_part(template_name, item, {**context, "oob": True})


def render(template_name, block=None, *, oob=(), retarget=None, reswap="outerHTML",
           trigger=None, status=200, headers=None, **context):
    """The page, or for an htmx request `block` of it plus the out-of-band blocks `oob`."""
    headers = dict(headers or {})
    if wants_fragment():
        body = _render_part(template_name, block, context)
        body += "".join(_oob_part(template_name, item, context) for item in oob)
        if retarget:
            headers["HX-Retarget"] = retarget
            headers["HX-Reswap"] = reswap
        if trigger:
            headers["HX-Trigger"] = trigger
    else:
        body = render_template(template_name, **context)
    response = current_app.make_response((body, status, headers))
    response.vary.add("HX-Request")
    return response


MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger number is no row (and overflows SQLite)


def parse_id(value):
    """A row id typed by someone (form field, query parameter): an int in range, or 0."""
    value = str(value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_ID:
        return int(value)
    return 0


def local_path(target):
    """`target` if it is a path on this site, else None: no scheme, no host, no '//' or '\\'
    trick, no control character (a CR/LF would split the Location header)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def redirect_to(url, trigger=None):
    """A redirect that htmx follows (HX-Redirect) and a browser without JavaScript too."""
    if wants_fragment():
        return hx_response("", 204, redirect=url, trigger=trigger)
    return redirect(url)


# A control character in a query string, raw or percent-encoded (%00-%1F, %7F).
QUERY_CONTROL = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])|[\x00-\x1f\x7f]")


# The longest query string answered (gunicorn's own request-line limit is 8190 bytes).
MAX_QUERY_BYTES = 8192


class QueryStringCleaner:
    """WSGI middleware: control characters (NUL, CR, LF...) are dropped from every query string
    before anything reads it, so a search or a parameter carrying them is answered as if they
    were not there (PostgreSQL refuses NUL in text; CR/LF must never reach a header)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY_BYTES:
            # Answered 414 (web.init_app) by a page that must not echo it: dropped here.
            environ["QUERY_STRING"], environ["district.query_too_long"] = "", True
        elif query:
            raw = query.encode("latin-1", "replace")
            cleaned = QUERY_CONTROL.sub(b"", raw)
            if cleaned != raw:
                environ["QUERY_STRING"] = cleaned.decode("latin-1")
        return self.wsgi_app(environ, start_response)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too large to be a row id (/directives/99999999999
    999999999) does not match, so it answers 404 like any other missing page, never a 500."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# Kept per app (app.extensions["kept_urls"]): a URL whose values are all whole numbers, as
# `url_for` built it once with stand-in numbers, {(mount point, endpoint, names): (texts between
# the numbers, names in URL order) or None}; and links with other values (a list's filters in its
# pager and column headings) as Flask built them, {(mount point, endpoint, values): URL}. Each
# is emptied when full.
URL_SHAPES_KEPT = 1024
URLS_KEPT = 4096
_STAND_IN = 918273645
_PLAIN = (str, int, NoneType)


def _url_shape(endpoint, names):
    stand_ins = {name: _STAND_IN + 11 * i for i, name in enumerate(names)}
    url = flask.url_for(endpoint, **stand_ins)
    found = sorted((url.find(str(number)), name) for name, number in stand_ins.items())
    if any(position < 0 or url.count(str(stand_ins[name])) != 1 for position, name in found):
        return None  # a number Flask wrote otherwise: built by Flask each time
    texts, start = [], 0
    for position, name in found:
        texts.append(url[start:position])
        start = position + len(str(stand_ins[name]))
    texts.append(url[start:])
    return tuple(texts), tuple(name for _position, name in found)


def url_for(endpoint, /, **values):
    """`flask.url_for` as templates call it. A link whose values are all whole numbers (a row's
    id) is built by Flask once per endpoint and names, with stand-in numbers, then has its
    numbers put in their places; one with other plain values (a list's filters in its pager
    links) is kept as Flask built it. Flask takes 10 to 20 µs a link, and a list page has
    dozens. Relative endpoints (".x"), `_external` and the like, other values and URLs outside
    a request go to Flask as they are."""
    context = _cv_request.get(None)
    kept = context.app.extensions.get("kept_urls") if context is not None else None
    if kept is None or not values or endpoint[:1] == ".":
        return flask.url_for(endpoint, **values)
    numbers = True
    for name, value in values.items():
        kind = type(value)
        if kind is not int:
            numbers = False
            if kind not in _PLAIN or name[:1] == "_":
                return flask.url_for(endpoint, **values)
    shapes, urls = kept
    script_root = context.request.script_root
    if not numbers:
        key = (script_root, endpoint, *values.items())
        url = urls.get(key)
        if url is None:
            if len(urls) >= URLS_KEPT:
                urls.clear()
            url = urls[key] = flask.url_for(endpoint, **values)
        return url
    key = (script_root, endpoint, *values)
    try:
        shape = shapes[key]
    except KeyError:
        if len(shapes) >= URL_SHAPES_KEPT:
            shapes.clear()
        shape = shapes[key] = _url_shape(endpoint, tuple(values))
    if shape is None:
        return flask.url_for(endpoint, **values)
    texts, names = shape
    parts = [texts[0]]
    for name, text in zip(names, texts[1:], strict=True):
        parts.append(str(values[name]))
        parts.append(text)
    return "".join(parts)


class Pages:
    """One page of `query` for a list page: `items`, `page`, `page_count`, `total`.

    The rows are counted once per request (pass `total=` when the page already knows it); a
    page beyond the last (however large the number) answers 404, and a missing or malformed
    `page` is the first page. With `load=`, `query` only finds and orders the rows (cheap
    columns) and `load(rows of the page)` fetches what the page shows of them: the costly
    joins run for the rows shown, not for every row the ordering reads. With `exact=False`
    (a log of a million entries, whose page shows no total) the rows are counted only as far
    as the pager's window reaches: enough for its page links and for the 404 beyond the last.
    """

    WINDOW = 7

    def __init__(self, query, per_page=None, total=None, page_var="page", load=None,
                 exact=True):
        self.query = query
        self.load = load
        self.exact = exact
        self.per_page = per_page or current_app.config.get("PAGE_SIZE", 25)
        self.page_var = page_var
        if total is not None:
            self.__dict__["total"] = total
        raw = request.args.get(page_var, "").strip()
        digits = raw.isascii() and raw.isdigit()  # not "²", which isdigit() but int() refuses
        if digits and len(raw) > 9:  # 10**20 is a page beyond the last, never a 500
            abort(404)
        self.page = int(raw) if digits and int(raw) > 0 else 1
        if self.page > self.page_count:
            abort(404)

    @cached_property
    def total(self):
        if self.exact:
            return self.query.count()
        return self.query.limit((self.page + self.WINDOW) * self.per_page + 1).count()

    @property
    def page_count(self):
        return max(1, -(-self.total // self.per_page))

    @cached_property
    def items(self):
        if self.total == 0:  # counted (or given) already: no rows to ask for
            return []
        rows = list(self.query.paginate(self.page, self.per_page))
        return self.load(rows) if self.load and rows else rows

    def __iter__(self):
        return iter(self.items)

    def page_range(self):
        """The page numbers the pager shows around the current one."""
        half = self.WINDOW // 2
        first = max(1, min(self.page - half, self.page_count - self.WINDOW + 1))
        return range(first, min(self.page_count, first + self.WINDOW - 1) + 1)


# The layout's parts drawn once (web.drawn_once) kept at most: a handful of parts, roles and
# two languages, times the header menu badge's counts seen.
DRAWN_KEPT = 256


def init_app(app):
    from .forms import option_tags
    from .notifications.queries import unread_count

    app.wsgi_app = QueryStringCleaner(app.wsgi_app)
    app.jinja_env.globals["option_tags"] = option_tags  # the filter bars' selects
    app.jinja_env.globals["url_for"] = url_for
    app.extensions["kept_urls"] = ({}, {})  # url_for's shapes and links
    app.jinja_env.globals["bar_rows"] = charts.bar_rows  # a bar chart's rows (charts.html)

    @app.before_request
    def query_string_bounded():
        """A query string longer than any link of the app makes: 414, not a page echoing it."""
        if request.environ.get("district.query_too_long"):
            abort(414)

    @app.template_global()
    def can(endpoint, **values):
        """True when the signed-in user may open `endpoint` (its declared access): menus and
        links ask this instead of repeating role lists. Unknown endpoints are False."""
        return may_open(current_user._get_current_object(), endpoint)  # one lookup, not three

    @app.template_global()
    def drawn_once(template, **values):
        """A part of the layout (the header menu, the hotline, the static files' links) whose
        HTML follows from the role, the language, where the app is mounted and `values`
        alone: drawn once for each of those and kept per app. Each part's links and
        translations cost about 20 µs apiece on every page (the layout took a quarter of a
        plain page's time)."""
        user = current_user._get_current_object()
        role = user.role if user.is_authenticated else None
        key = (template, role, current_locale(), request.script_root,
               tuple(sorted(values.items())))
        drawn = app.extensions.setdefault("drawn_once", {})
        if key not in drawn:
            if len(drawn) >= DRAWN_KEPT:
                drawn.clear()
            drawn[key] = Markup(render_template(template, **values))
        return drawn[key]

    @app.template_global()
    def unread_notifications():
        return unread_count(current_user) if current_user.is_authenticated else 0

    @app.after_request
    def downloads_not_cached(response):
        """Every download (attachment, export, incident file) is kept by no cache."""
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            response.headers["Cache-Control"] = "no-store"
        return response
