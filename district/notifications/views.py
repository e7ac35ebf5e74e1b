from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from playhouse.flask_utils import PaginatedQuery

from ..access import EVERYONE, allow
from ..models import Notification
from ..security import passive
from ..web import redirect_to, render
from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@allow(*EVERYONE)
def index():
    pages = PaginatedQuery(services.for_user(current_user), paginate_by=30)
    return render(
        "notifications/index.html",
        notifications=pages.get_object_list(),
        pagination=pages,
        text_of=services.text_of,
    )


@bp.get("/bell")
@allow(*EVERYONE)
@passive
def bell():
    """The header's bell, polled by htmx every minute; not user activity for the idle timeout."""
    return render("notifications/_bell.html", count=services.unread_count(current_user))


@bp.post("/<int:notification_id>/read")
@allow(*EVERYONE)
def read(notification_id):
    notification = Notification.get_or_none(
        Notification.id == notification_id, Notification.user == current_user.id
    )
    if notification is None:
        abort(404)
    services.mark_read(current_user, notification_id)
    if request.form.get("follow") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect_to(url_for(".index"))


@bp.post("/read-all")
@allow(*EVERYONE)
def read_all():
    services.mark_all_read(current_user)
    return redirect_to(url_for(".index"))
