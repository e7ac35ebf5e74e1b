"""Configuration read from the environment, with safe defaults for the embedded (SQLite) mode.

Every setting is listed in the README's table. Values that belong to one deployment (database
file, secret key, uploads) live in the instance folder.
"""

import os
import secrets
from pathlib import Path


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path):
    """SECRET_KEY from the environment, else one generated once into instance/secret_key."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment(instance_path):
    instance = Path(instance_path)
    scheme = os.environ.get("PREFERRED_URL_SCHEME", "http")
    return {
        "SECRET_KEY": load_secret_key(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'district.db'}"),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        # The whole request may carry several files; each file is checked against MAX_UPLOAD_MB.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_REQUEST_MB", "100")) * 1024 * 1024,
        "MAX_UPLOAD_MB": int(os.environ.get("MAX_UPLOAD_MB", "20")),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        # Signed out this long after signing in, however active (beside the idle timeout).
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "12")),
        "PREFERRED_URL_SCHEME": scheme,
        "SESSION_COOKIE_SECURE": scheme == "https",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The cookie is sent again only when the session changes (security.py notes activity
        # once a minute, which keeps its expiry moving), not re-signed on every request.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_SECURE": scheme == "https",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "OFFICE_NAME": os.environ.get("OFFICE_NAME", "Phòng Giáo dục và Đào tạo huyện Sông Xanh"),
        "OFFICE_SHORT_NAME": os.environ.get("OFFICE_SHORT_NAME", "Phòng GD&ĐT Sông Xanh"),
        "OFFICE_KIND": os.environ.get("OFFICE_KIND", "Phòng GD&ĐT"),
        "OFFICE_PLACE": os.environ.get("OFFICE_PLACE", "huyện Sông Xanh, tỉnh Bình An"),
        "OFFICE_PHONE": os.environ.get("OFFICE_PHONE", "0203 3812 345"),
        # The printed directive (Nghị định 30/2020/NĐ-CP; district/directives/pdf.py): the
        # superior body above the office (unset: "UBND" and OFFICE_PLACE's first part; empty:
        # no line), the office as the letterhead names it (unset: OFFICE_NAME without that
        # place), the place of the date line (unset: that place without its unit, "Sông
        # Xanh"), and the head's title (a deputy signs "KT. TRƯỞNG PHÒNG").
        "OFFICE_PARENT": os.environ.get("OFFICE_PARENT"),
        "OFFICE_ISSUER": os.environ.get("OFFICE_ISSUER"),
        "DOCUMENT_PLACE": os.environ.get("DOCUMENT_PLACE", ""),
        "OFFICE_HEAD_TITLE": os.environ.get("OFFICE_HEAD_TITLE", "Trưởng phòng"),
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Ho_Chi_Minh"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "Demo@2026"),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "database://"),
        # Several deployments on one Redis (staging and production, two offices) keep their
        # counts apart by a prefix each, or by a database number each in the URI.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        # A store outside the database (Redis) that stops answering: each worker counts in its
        # own memory meanwhile instead of failing every sign-in, and goes back once it answers.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": _bool(
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
            not os.environ.get("RATELIMIT_STORAGE_URI", "database://").startswith("database:")),
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "30 per minute"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "25")),
        # The month a school year begins (activities: coverage and head counts per school year).
        # A school year is the twelve months from it: teaching runs September to May, and the
        # summer months count in the school year that is ending.
        "SCHOOL_YEAR_START_MONTH": int(os.environ.get("SCHOOL_YEAR_START_MONTH", "9")),
        # A school is not reminded about the same directive twice within this many hours.
        "REMIND_MIN_HOURS": int(os.environ.get("REMIND_MIN_HOURS", "24")),
        # The hour (office time) from which a directive's automatic reminder step of the day goes
        # out (district/directives/reminders.py).
        "REMINDER_TIME": os.environ.get("REMINDER_TIME", "08:00"),
        # The office's own copy of the counseling-team rule sets (default: the bundled file).
        "ROSTER_RULES_FILE": os.environ.get("ROSTER_RULES_FILE", ""),
        # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "WTF_CSRF_TIME_LIMIT": None,
        # PostgreSQL: open connections kept per worker process and reused (0: a new connection
        # per request). Keep it at least the worker's threads (gunicorn.conf.py).
        "DATABASE_POOL_SIZE": int(os.environ.get("DATABASE_POOL_SIZE", "16")),
        **mail_settings(),
    }


def mail_settings():
    """E-mail (district/mail/): sent by the worker (`flask jobs loop`), never in a request.
    Without MAIL_SERVER every message is written to the log instead (and counts as sent)."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        # STARTTLS after connecting (port 587); MAIL_USE_SSL: TLS from the start (port 465).
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        # The sender's address; its display name is always OFFICE_NAME.
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost"),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "30")),
        # The address people open the app at: links in e-mails are made from it.
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # The daily digest is gathered at this local time (TIMEZONE), HH:MM.
        "MAIL_DIGEST_TIME": os.environ.get("MAIL_DIGEST_TIME", "07:00"),
        # Sent (and skipped) messages are kept this many days, then removed from the outbox.
        "MAIL_KEEP_DAYS": int(os.environ.get("MAIL_KEEP_DAYS", "90")),
        # `flask jobs loop` sleeps this many seconds between passes.
        "JOBS_INTERVAL": int(os.environ.get("JOBS_INTERVAL", "30")),
    }
