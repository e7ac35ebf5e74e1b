import time

from flask import Blueprint, abort, current_app, flash, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..access import EVERYONE, allow, public
from ..extensions import csrf, limiter
from ..i18n import LANGUAGES, fmt_datetime
from ..i18n import gettext as _
from ..mail.preferences import CHOICE_LABELS, OFF, choice_of
from ..mail.tokens import user_id_from
from ..web import local_path, redirect_to, render
from . import operations, queries
from .forms import ChangePasswordForm, LoginForm, MailSettingsForm

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect_to(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = operations.authenticate(form.username.data, form.password.data)
        if result.locked_until:
            # The same words whether the name is an account or not (throttle.py).
            form.password.errors.append(
                _(
                    "Đã nhập sai nhiều lần từ máy này. Vui lòng thử lại sau %(time)s, hoặc "
                    "liên hệ quản trị hệ thống.",
                    time=fmt_datetime(result.locked_until),
                )
            )
        elif result.user is None:
            form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        else:
            session.clear()
            login_user(result.user)
            session.permanent = True
            session["last_seen"] = session["signed_in_at"] = int(time.time())
            if result.user.must_change_password:
                return redirect_to(url_for("auth.change_password"))
            return redirect_to(local_path(form.next.data) or url_for("main.home"))
        return render("auth/login.html", form=form, status=422)
    # A refused form (empty, too long, control characters) is answered 422 with its messages.
    return render("auth/login.html", form=form, status=422 if form.is_submitted() else 200)


@bp.post("/logout")
@allow(*EVERYONE)
def logout():
    operations.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect_to(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*EVERYONE)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current.data, form.new.data)
        except operations.PasswordError as exc:
            form.new.errors.append(str(exc))
        else:
            # The session version changed: sign in again under the new one, quietly.
            login_user(queries.account(current_user.id))
            session["last_seen"] = int(time.time())
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect_to(url_for("main.home"))
    status = 422 if form.is_submitted() else 200
    return render("auth/password.html", form=form, status=status)


@bp.route("/account", methods=["GET", "POST"])
@allow(*EVERYONE)
def account():
    """The account's own page: its address and how it gets notifications by e-mail."""
    form = MailSettingsForm(data={"email": current_user.email,
                                  "email_choice": choice_of(current_user)})
    if form.validate_on_submit():
        operations.update_mail_settings(current_user, form.email.data, form.email_choice.data)
        flash(_("Đã lưu cách nhận thư điện tử."), "success")
        return redirect_to(url_for("auth.account"))
    return render("auth/account.html", form=form, labels=CHOICE_LABELS,
                  status=422 if form.is_submitted() else 200)


@bp.route("/account/email/stop/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the link of an e-mail, and mail programs' one-click POST (RFC 8058): the signed
# token is the proof, and all it can do is turn that account's e-mail off
@limiter.limit(_login_limit, methods=["POST"])
def stop_email(token):
    """The unsubscribe link of every e-mail, without signing in. Opening it asks (a link
    checker that opens every link of a message turns nothing off); the button, or a mail
    program's one-click POST, turns the account's e-mail off."""
    user_id = user_id_from(token)
    if user_id is None:
        abort(404)
    if request.method == "POST":
        user = operations.stop_email(user_id)
        if user is None:
            abort(404)
        return render("auth/email_stop.html", token=token, stopped=True)
    user = queries.account_or_none(user_id)
    if user is None:
        abort(404)
    return render("auth/email_stop.html", token=token, stopped=choice_of(user) == OFF)


@bp.post("/language")
@public
def language():
    """Switch language from the header; kept in the account when signed in."""
    locale = request.form.get("locale")
    if locale in LANGUAGES:
        session["locale"] = locale
        if current_user.is_authenticated:
            operations.set_locale(current_user, locale)
    return redirect_to(local_path(request.form.get("next")) or url_for("main.home"))
