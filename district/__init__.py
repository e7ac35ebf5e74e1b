"""The safe-schools intranet of an education office: create_app() builds the Flask application."""

import importlib
import os
from pathlib import Path

from flask import Flask

from . import access, assets, config, db, i18n, security, web
from .extensions import csrf, htmx, limiter, login_manager

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parent.parent

# One blueprint package per feature; each has the same inner shape (docs/conventions.md).
FEATURES = ("main", "auth", "notifications", "admin", "directives", "rosters", "incidents",
            "activities", "reviews", "schools")


def create_app(test_config=None):
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["VERSION"] = __version__
    app.json.ensure_ascii = False  # Vietnamese stays readable in JSON (audit details, /healthz)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    web.init_app(app)
    assets.init_app(app)  # compressed answers; hashed, compressed, long-cached static files

    # Every <int:...> in a route is a row id with a bound (web.IdConverter): huge ids are 404.
    app.url_map.converters["int"] = web.IdConverter
    for feature in FEATURES:
        app.register_blueprint(importlib.import_module(f".{feature}.views", __name__).bp)

    app.before_request(access.enforce_declared_access)

    from . import cli

    cli.init_app(app)
    return app
