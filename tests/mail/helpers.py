"""Reading what the SMTP server received, as a mail program would."""

import email
import re
from email.header import decode_header, make_header

from tests.mail.conftest import SITE


def header(received, name):
    """A header decoded as RFC 2047 says (adjacent encoded words joined), e.g. the sender's
    name."""
    raw = email.message_from_bytes(received.raw)[name]
    return str(make_header(decode_header(raw))) if raw is not None else None


def text_part(received):
    return received.message.get_body(("plain",)).get_content()


def html_part(received):
    return received.message.get_body(("html",)).get_content()


def everything(received):
    """All a reader could see: subject, sender, text and HTML."""
    return "\n".join([header(received, "Subject"), header(received, "From"),
                      text_part(received), html_part(received)])


def unsubscribe_path(received):
    """The path of the unsubscribe link in the text part."""
    found = re.search(re.escape(SITE) + r"(/account/email/stop/\S+)", text_part(received))
    return found.group(1) if found else None
