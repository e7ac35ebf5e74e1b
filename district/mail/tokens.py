"""The unsubscribe link of every e-mail: a token signed with SECRET_KEY that names the account,
so whoever holds the e-mail can turn the account's e-mail off without signing in (and nothing
else). It does not expire: a link in an old message must still work."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "district.mail.unsubscribe"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id):
    return _serializer().dumps(int(user_id))


def user_id_from(token):
    """The account id the token names, or None for a token that was not signed here."""
    try:
        value = _serializer().loads(token or "")
    except BadSignature:
        return None
    return value if isinstance(value, int) and 0 < value < 2**31 else None
