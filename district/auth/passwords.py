"""Password hashes and temporary passwords (no database: the operations store them)."""

import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Checked against when the username is unknown, so both paths take the same time.
_dummy_hash = None


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def matches(password_hash, password):
    return check_password_hash(password_hash, password or "")


def waste_time_like_a_check(password):
    """As slow as a real check, for an unknown username (no timing tells it apart)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-password-0")
    matches(_dummy_hash, password)


def temporary_password():
    """Twelve characters without look-alikes (0/O, 1/l/I), with letters and digits."""
    while True:
        value = "".join(secrets.choice(ALPHABET) for _ in range(12))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value
