from flask import Blueprint, current_app, jsonify
from flask_login import current_user

from ..access import EVERYONE, allow, public
from ..db import database_answers
from ..web import render
from . import services

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(*EVERYONE)
def home():
    """Each role lands on its own home page, with the links of what it may do."""
    role = current_user.role
    return render(f"main/home_{role}.html", summary=services.home_summary(current_user))


@bp.get("/help")
@public
def help():
    return render("main/help.html")


@bp.get("/healthz")
@public
def healthz():
    up = database_answers()
    body = {"app": "ok", "version": current_app.config["VERSION"],
            "database": "ok" if up else "down"}
    return jsonify(body), 200 if up else 503
