from flask import Blueprint, request, url_for
from flask_login import current_user

from ..access import EVERYONE, allow, get_visible_or_404, notifications_visible_to
from ..security import passive
from ..web import Pages, local_path, redirect_to, render, wants_fragment
from . import operations, queries

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.before_app_request
def read_by_opening():
    """Opening the page a notification points to marks that notification read, whatever the
    feature (the link is the page's path). Done before the page is drawn, so its bell already
    shows the new count."""
    if (request.method == "GET" and request.endpoint and not wants_fragment()
            and current_user.is_authenticated
            and request.blueprint not in (None, "notifications")
            and queries.unread_here(current_user, request.path)):
        read = operations.mark_read_by_link(current_user, request.path)
        if read:
            queries.forget_unread_count()


@bp.get("/")
@allow(*EVERYONE)
def index():
    # Counted only as far as the pager reaches (the page shows no total): an officer of a
    # province gathers tens of thousands of notifications, and counting them all took 2 ms.
    pages = Pages(queries.for_user(current_user), per_page=30, exact=False)
    return render("notifications/index.html", pages=pages, text_of=queries.text_of)


@bp.get("/bell")
@allow(*EVERYONE)
@passive
def bell():
    """The header's bell, polled by htmx every minute; not user activity for the idle timeout."""
    return render("notifications/_bell.html", count=queries.unread_count(current_user))


@bp.post("/<int:notification_id>/read")
@allow(*EVERYONE)
def read(notification_id):
    notification = get_visible_or_404(notifications_visible_to, notification_id)
    operations.mark_read(current_user, notification.id)
    if request.form.get("follow") and local_path(notification.link):
        return redirect_to(notification.link)
    return redirect_to(url_for(".index"))


@bp.post("/read-all")
@allow(*EVERYONE)
def read_all():
    operations.mark_all_read(current_user)
    return redirect_to(url_for(".index"))
