"""Sessions, sign-in state and HTTP security headers.

- Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure over HTTPS) that end after
  SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after signing in however active;
  the notification bell's polling does not count as activity, so an open tab does not keep a
  session alive forever.
- A session ends at its next request when the account, or the account's school, is deactivated.
- A user whose password must change is sent to the change form before anything else.
- The Content Security Policy allows no inline script or style and no other origin; served over
  HTTPS, browsers are told to use nothing else (HSTS).
"""

import datetime as dt
import time
from urllib.parse import urlsplit

from flask import current_app, flash, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from peewee import JOIN
from werkzeug.exceptions import HTTPException

from .access import PUBLIC, view_access
from .db import Prepared
from .extensions import login_manager
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .models import School, User
from .notifications.queries import remember as remember_unread
from .notifications.queries import signed_in_columns as unread_columns
from .web import redirect_to

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)

# Seconds between two notes of a user's activity in the session (the idle timeout's grain).
ACTIVITY_GRANULARITY = 60

# Endpoints reachable while a password change is pending.
PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "auth.language", "static"}


@login_manager.user_loader
def load_user(token):
    try:
        user_id, version = (int(part) for part in token.split(":"))
    except ValueError:
        return None
    user = SIGNED_IN_USER.first(user_id=user_id, version=version, link=request.path)
    if user is not None:
        remember_unread(user.id, request.path, user.unread_total, user.unread_link)
    return user


def _signed_in_user(user_id, version, link):
    """One query: the account, if active, of an active school (or of none), at this version,
    with the counts of its unread notifications every page shows (the bell; those of this page,
    read by opening it) and its school's name (`school_name`: the school's pages head with it).
    The school is joined by its key (not "school IN (active schools)", which made every request
    gather the ids of every active school: 3,000 in a province)."""
    return (User.select(User, School.name.alias("school_name"), *unread_columns(User.id, link))
            .join(School, JOIN.LEFT_OUTER, on=(User.school == School.id))
            .where(User.id == user_id, User.session_version == version,
                   User.active == True,  # noqa: E712
                   User.school.is_null() | (School.active == True))  # noqa: E712
            .limit(1))


# Asked on every request: its SQL is built once (db.Prepared).
SIGNED_IN_USER = Prepared(_signed_in_user, user_id=-7001, version=-7002, link="\x00path\x00")


def _page_to_come_back_to():
    """The page to return to after signing in: for an htmx request the page it came from
    (never the fragment's own URL), for a plain GET the URL itself."""
    if request.headers.get("HX-Request"):
        current = request.headers.get("HX-Current-URL", "")
        parts = urlsplit(current)
        if parts.netloc and parts.netloc != request.host:
            return None
        return (parts.path + ("?" + parts.query if parts.query else "")) or None
    return request.full_path if request.method == "GET" else None


def send_to(endpoint, **values):
    """Redirect, in a way htmx follows with a full page load (HX-Redirect)."""
    return redirect_to(url_for(endpoint, **values))


@login_manager.unauthorized_handler
def _unauthorized():
    flash(_("Vui lòng đăng nhập để tiếp tục."), "info")
    return send_to("auth.login", next=_page_to_come_back_to())


def _idle_timeout():
    if not current_user.is_authenticated:
        return None
    view = current_app.view_functions.get(request.endpoint)
    now = int(time.time())
    last = session.get("last_seen", now)
    limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if now - last > limit:
        logout_user()
        session.clear()
        flash(_("Phiên làm việc đã hết hạn vì lâu không thao tác. Vui lòng đăng nhập lại."),
              "warning")
        return send_to("auth.login", next=_page_to_come_back_to())
    # A session without its sign-in time predates the absolute lifetime: it ends too.
    hours = current_app.config["SESSION_MAX_HOURS"]
    if now - session.get("signed_in_at", 0) > hours * 3600:
        logout_user()
        session.clear()
        flash(_("Phiên đăng nhập đã quá %(n)d giờ. Vui lòng đăng nhập lại.", n=hours), "warning")
        return send_to("auth.login", next=_page_to_come_back_to())
    # Activity is noted to the minute: the session cookie is rewritten (signed, sent again) at
    # most once a minute rather than on every request.
    if not getattr(view, "passive", False) and now - last >= ACTIVITY_GRANULARITY:
        session["last_seen"] = now
    return None


def _force_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in PASSWORD_CHANGE_ALLOWED
        and view_access(current_app, request.endpoint) != PUBLIC
    ):
        flash(_("Bạn cần đổi mật khẩu trước khi tiếp tục."), "warning")
        return send_to("auth.change_password")
    return None


def passive(view):
    """Marks a view (e.g. polling) that does not count as user activity for the idle timeout."""
    view.passive = True
    return view


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure or current_app.config["PREFERRED_URL_SCHEME"] == "https":
        # A year; no includeSubDomains: other hosts of the office's domain are not ours to bind.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app):
    app.permanent_session_lifetime = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    app.before_request(_idle_timeout)
    app.before_request(_force_password_change)
    app.after_request(_headers)

    app.register_error_handler(HTTPException, handle_error)
    app.register_error_handler(500, handle_error)


# Every error answers with one template; the words for each code are here.
ERRORS = {
    "csrf": (_l("Phiên biểu mẫu đã hết hạn"),
             _l("Biểu mẫu này đã cũ hoặc thiếu mã bảo mật, nên hệ thống chưa lưu gì. Hãy quay "
                "lại, tải lại trang và gửi lại.")),
    400: (_l("Yêu cầu không hợp lệ"),
          _l("Hệ thống không hiểu yêu cầu này, nên chưa lưu gì. Hãy quay lại và thử lại.")),
    403: (_l("Không được phép"), _l("Bạn không có quyền thực hiện thao tác này.")),
    404: (_l("Không tìm thấy"),
          _l("Trang hoặc nội dung bạn tìm không tồn tại, hoặc bạn không có quyền xem.")),
    405: (_l("Không được phép"), _l("Trang này không nhận thao tác đó.")),
    413: (_l("Tệp quá lớn"),
          _l("Tệp bạn gửi vượt quá dung lượng cho phép. Vui lòng chọn tệp nhỏ hơn.")),
    429: (_l("Quá nhiều lần thử"),
          _l("Bạn đã thử quá nhiều lần trong thời gian ngắn. Vui lòng đợi một phút rồi thử "
             "lại.")),
    500: (_l("Đã có lỗi"),
          _l("Hệ thống gặp lỗi ngoài ý muốn. Dữ liệu bạn đã lưu trước đó không bị ảnh hưởng. "
             "Vui lòng thử lại hoặc báo quản trị hệ thống.")),
}


def handle_error(error):
    """The one handler of every HTTP error: the error page with its code's words."""
    code = getattr(error, "code", None) or 500
    key = "csrf" if isinstance(error, CSRFError) else code
    title, text = ERRORS.get(key) or ERRORS[500 if code >= 500 else 400]
    page = render_template("errors/error.html",
                           error={"code": key, "title": title, "text": text})
    response = current_app.make_response((page, code))
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
