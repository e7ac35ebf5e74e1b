from flask import Blueprint, current_app, jsonify
from flask_login import current_user

from ..access import EVERYONE, allow, public
from ..db import database_answers
from ..vocabulary import ADMIN, OBSERVER, OFFICER, PRINCIPAL, STAFF
from ..web import render
from . import queries

bp = Blueprint("main", __name__)

# Each role's home page, and the figures it shows beyond its feature cards (if any).
HOMES = {
    ADMIN: ("main/home_admin.html", queries.admin_home),
    OFFICER: ("main/home_officer.html", None),
    PRINCIPAL: ("main/home_principal.html", None),
    STAFF: ("main/home_staff.html", None),
    OBSERVER: ("main/home_observer.html", None),
}


@bp.get("/")
@allow(*EVERYONE)
def home():
    """Each role lands on its own home page, with the links of what it may do."""
    template, figures = HOMES[current_user.role]
    return render(template, summary=figures(current_user) if figures else {})


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
