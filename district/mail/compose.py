"""One outbox message as an e-mail: a text part and an HTML part in the reader's language, from
the office (OFFICE_NAME as the sender's name), with a link to the page it is about (which asks
to sign in) and an unsubscribe link (List-Unsubscribe too).

No child data, ever. A notification's own sentence is used only for the kinds whose sentences
name documents and accounts (`TOPICS_WITH_TEXT`: a directive's number and title, an account
request); an incident e-mail says only that an incident needs the reader's attention, with the
link, and nothing of what happened, where, or to whom (not even its reference); any other kind
says that there is a new notification.
"""

import datetime as dt
import re
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale

from ..i18n import LANGUAGES, fmt_date
from ..i18n import gettext as _
from ..models import User
from ..notifications.queries import text_of
from ..web import local_path
from . import digest as digests
from .outbox import (
    BAD_ADDRESS,
    DIGEST_KIND,
    INACTIVE,
    INCIDENT_TOPIC,
    NO_ADDRESS,
    OPTED_OUT,
)
from .preferences import DIGEST, NOW, choice_of
from .tokens import unsubscribe_token


class _MailPolicy(EmailPolicy):
    """The standard policy, with two headers written by hand:
    - one long URL (List-Unsubscribe) stays as it is on one line (legal up to 998 characters)
      instead of being folded into encoded words no mail program would read as a link;
    - Vietnamese in the subject and in the names of From and To is encoded whole, each encoded
      word continuing the text exactly: Python's folding puts a space between two encoded words,
      where mail programs drop it ("việctăng")."""

    UNFOLDED = ("list-unsubscribe",)
    ENCODED_WHOLE = ("subject", "from", "to")

    def _by_hand(self, name, value):
        key = name.lower()
        if key in self.UNFOLDED and str(value).isascii():
            return f"{name}: {value}{self.linesep}"
        if key in self.ENCODED_WHOLE and not str(value).isascii():
            if key == "subject":
                encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
            else:
                address = value.addresses[0]
                encoded = (Header(address.display_name, "utf-8", header_name=name)
                           .encode(linesep=self.linesep) + f" <{address.addr_spec}>")
            return f"{name}: {encoded}{self.linesep}"
        return None

    def fold(self, name, value):
        return self._by_hand(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        by_hand = self._by_hand(name, value)
        return by_hand.encode("ascii") if by_hand else super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()
TOPICS_WITH_TEXT = ("directive.", "account_request.")
SUBJECT_MAX = 150


class Unsendable(Exception):
    """The message cannot be sent to this account (no valid address): it fails at once."""


def site_url(path="/"):
    return current_app.config["SITE_URL"] + (local_path(path) or "/")


def sender():
    _name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return Address(display_name=current_app.config["OFFICE_NAME"],
                   addr_spec=address or "no-reply@localhost")


def skip_reason(message, user):
    """Why `message` is not for `user` any more (None when it is): the account was closed, has
    no address, or chose another way of getting its e-mail since the message was queued."""
    if user is None or not user.active:
        return INACTIVE
    if not user.email:
        return NO_ADDRESS
    wanted = DIGEST if message.kind == DIGEST_KIND else NOW
    if choice_of(user) != wanted:
        return OPTED_OUT
    return None


def _shorten(text):
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_MAX else text[:SUBJECT_MAX - 1].rstrip() + "…"


def notification_content(message):
    """(subject, sentence) of a notification's e-mail, in the current language."""
    topic = message.topic or ""
    if topic.startswith(INCIDENT_TOPIC):
        sentence = _("Một vụ việc cần anh/chị xem.")
        return sentence.rstrip("."), sentence
    if topic.startswith(TOPICS_WITH_TEXT):
        sentence = text_of(SimpleNamespace(message=message.message, params=message.params or {}))
        return _shorten(sentence), sentence
    sentence = _("Anh/chị có một thông báo mới trên hệ thống.")
    return sentence.rstrip("."), sentence


def _context(user, message):
    return {
        "user": user,
        "office": current_app.config["OFFICE_NAME"],
        "site": site_url("/"),
        "url": site_url,
        "preferences_url": site_url("/account"),
        "unsubscribe_url": site_url(f"/account/email/stop/{unsubscribe_token(user.id)}"),
        "is_digest": message.kind == DIGEST_KIND,
        "locale": user.locale if user.locale in LANGUAGES else "vi",
        "date": fmt_date,
    }


def render(message, user, today=None):
    """(subject, text, html) of `message` for `user` in the user's language, or None for a
    digest with nothing to say."""
    locale = user.locale if user.locale in LANGUAGES else "vi"
    with force_locale(locale):
        context = _context(user, message)
        if message.kind == DIGEST_KIND:
            content = digests.gather(user, message, today=today)
            if not content:
                return None
            subject = _("Tóm tắt công việc ngày %(day)s", day=fmt_date(content.day))
            template = "digest"
            context.update(digest=content)
        else:
            subject, sentence = notification_content(message)
            template = "notification"
            context.update(sentence=sentence, link=site_url(message.link or "/notifications/"))
        context["subject"] = subject
        text = render_template(f"mail/{template}_text.html", **context)
        text = re.sub(r"\n(?:[ \t]*\n){2,}", "\n\n", text).strip() + "\n"
        html = render_template(f"mail/{template}.html", **context)
    return subject, text, html, locale


def build(message, user, today=None):
    """The EmailMessage for `message`, or None when there is nothing to send (a digest with
    nothing new). Raises Unsendable for an address no server would take."""
    try:
        to = Address(display_name=user.full_name, addr_spec=user.email)
    except (ValueError, IndexError) as exc:
        raise Unsendable(f"{BAD_ADDRESS}: {exc}") from exc
    if not to.username or not to.domain:
        raise Unsendable(BAD_ADDRESS)
    rendered = render(message, user, today=today)
    if rendered is None:
        return None
    subject, text, html, locale = rendered
    from_ = sender()
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = from_
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    stamp = message.created_at.strftime("%Y%m%d%H%M%S")
    email["Message-ID"] = f"<outbox-{message.id}-{stamp}@{from_.domain or 'localhost'}>"
    unsubscribe = site_url(f"/account/email/stop/{unsubscribe_token(user.id)}")
    email["List-Unsubscribe"] = f"<{unsubscribe}>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    email["Content-Language"] = locale  # after the parts: making them moves Content-* headers
    return email


def recipient(message):
    return User.get_or_none(User.id == message.user_id)

