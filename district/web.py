"""HTMX conventions in one place.

A view renders the whole page, or only one named block of the same template when the request
is a (non-boosted) htmx request; the first render and the update share one template. Errors of
validation come back as 422 with the form fragment; redirects for htmx go through HX-Redirect.
"""

from flask import current_app, redirect, render_template, request
from htmx_flask import make_response as hx_response


def wants_fragment():
    """An htmx request that swaps part of a page: not boosted, not a history restore (which
    needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_block(template_name, block, **context):
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_template(template_name)
    return "".join(template.blocks[block](template.new_context(context)))


def render(template_name, block=None, status=200, headers=None, **context):
    """The page, or only `block` of it for an htmx request."""
    if block and wants_fragment():
        body = render_block(template_name, block, **context)
    else:
        body = render_template(template_name, **context)
    response = current_app.make_response((body, status, headers or {}))
    response.vary.add("HX-Request")
    return response


def redirect_to(url, trigger=None):
    """A redirect that htmx follows (HX-Redirect) and a browser without JavaScript too."""
    if wants_fragment():
        return hx_response("", 204, redirect=url, trigger=trigger)
    return redirect(url)


def init_app(app):
    from flask_login import current_user

    from .notifications.services import unread_count

    @app.template_global()
    def has_endpoint(endpoint):
        """True when the feature behind `endpoint` is installed (used by menus and home pages)."""
        return endpoint in app.view_functions

    @app.template_global()
    def unread_notifications():
        return unread_count(current_user) if current_user.is_authenticated else 0

    @app.after_request
    def vary_on_htmx(response):
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response
