"""Extensions, created once here and bound to the app in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

from . import ratelimit  # noqa: F401 - registers the limiter's shared store, database://

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = Htmx()
# Counted in RATELIMIT_STORAGE_URI: the database by default, so every worker and host sees the
# same count (a per-process count lets N workers answer N times the limit).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
