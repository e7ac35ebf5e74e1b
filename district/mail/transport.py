"""How an e-mail leaves: SMTP with the standard library (smtplib), or, with MAIL_SERVER unset,
the log (the demo and development: nothing leaves the machine, and the message counts as sent).

Every failure is told as a `SendError` saying whether trying again may help (`permanent`), and
whether the server as a whole failed (`server`: the pass stops, the other messages wait for
the next pass instead of each spending an attempt) or whether the server may have taken the
message before failing (`uncertain`: never sent again by itself).
"""

import logging
import smtplib
import ssl

from flask import current_app

log = logging.getLogger("district.mail")


class SendError(Exception):
    def __init__(self, text, permanent=False, server=False, uncertain=False):
        super().__init__(text)
        self.permanent = permanent
        self.server = server
        self.uncertain = uncertain


class _Tracking:
    """Knows when the message's content has started to go: from DATA on, the server may keep
    the message even if the connection then breaks."""

    in_data = False

    def data(self, msg):
        self.in_data = True
        return super().data(msg)


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL):
    pass


def _reply(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def classify(exc, in_data=False):
    """A smtplib or socket failure as a SendError."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values()) or [(450, "refused")]
        text = "; ".join(_reply(code, msg) for code, msg in replies)
        return SendError(text, permanent=all(code >= 500 for code, _m in replies))
    if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused,
                        smtplib.SMTPHeloError, smtplib.SMTPConnectError)):
        # The server refuses us (its greeting, our account, our sender address): every message
        # would fail alike until the settings are fixed; they wait and are retried.
        return SendError(_reply(exc.smtp_code, exc.smtp_error), server=True)
    if isinstance(exc, smtplib.SMTPDataError):
        return SendError(_reply(exc.smtp_code, exc.smtp_error), permanent=exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendError(_reply(exc.smtp_code, exc.smtp_error), permanent=exc.smtp_code >= 500,
                         server=exc.smtp_code < 500)
    # Disconnected, refused, timed out, TLS failed: the server, not the message.
    text = f"{type(exc).__name__}: {exc}"[:500]
    return SendError(text, server=True, uncertain=in_data)


class SmtpTransport:
    """One connection for a pass of the worker, opened at the first message, checked (NOOP)
    before each next one, closed at the end."""

    def __init__(self, config):
        self.host = config["MAIL_SERVER"]
        self.port = config["MAIL_PORT"]
        self.use_ssl = config["MAIL_USE_SSL"]
        self.use_tls = config["MAIL_USE_TLS"]
        self.username = config["MAIL_USERNAME"]
        self.password = config["MAIL_PASSWORD"]
        self.timeout = config["MAIL_TIMEOUT"]
        self.smtp = None

    def _connect(self):
        context = ssl.create_default_context()
        if self.use_ssl:
            smtp = _SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = _SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.use_tls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            self._close(smtp)
            raise
        return smtp

    def _alive(self):
        try:
            return self.smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def send(self, message):
        """Hand `message` to the server; raises SendError when it was not taken."""
        try:
            if self.smtp is not None and not self._alive():
                self.reset()
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.in_data = False
            self.smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            in_data = bool(self.smtp and self.smtp.in_data)
            error = classify(exc, in_data)
            if error.server or isinstance(exc, smtplib.SMTPServerDisconnected):
                self.reset()
            raise error from exc

    @staticmethod
    def _close(smtp):
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def reset(self):
        if self.smtp is not None:
            self._close(self.smtp)
            self.smtp = None

    close = reset


class LogTransport:
    """MAIL_SERVER unset: the message is written to the log, whole (it carries no child data)."""

    def send(self, message):
        text = message.get_body(preferencelist=("plain",))
        log.info("e-mail not sent (MAIL_SERVER is unset), written here instead:\n"
                 "To: %s\nSubject: %s\n\n%s", message["To"], message["Subject"],
                 text.get_content() if text else "")

    def close(self):
        pass


def transport():
    config = current_app.config
    return SmtpTransport(config) if config.get("MAIL_SERVER") else LogTransport()
