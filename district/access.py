"""Who may do what. Roles, the one permission decorator, and the visibility function of each model.

Every view declares who may call it with `@allow(...)` (or `@public`); a view that declares
nothing is refused at run time (see `enforce_declared_access`) and by a test that walks the URL
map. Lists, details, exports and counts go through the `*_visible_to(user)` functions below;
views never filter by role by hand. An object a user may not see answers 404, not 403, so ids
cannot be probed.
"""

from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user
from peewee import SQL

from .models import (
    AuditEntry,
    Directive,
    Incident,
    Recipient,
    Roster,
    School,
    User,
)

ADMIN, OFFICER, PRINCIPAL, STAFF, OBSERVER = "admin", "officer", "principal", "staff", "observer"
EVERYONE = (ADMIN, OFFICER, PRINCIPAL, STAFF, OBSERVER)
SCHOOL_USERS = (PRINCIPAL, STAFF)
PUBLIC = "public"


def allow(*roles, deny=404):
    """The view may be called by signed-in users with one of `roles`; others get `deny`."""
    unknown = set(roles) - set(EVERYONE)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(deny)
            return view(*args, **kwargs)

        wrapper.access = frozenset(roles)
        return wrapper

    return decorator


def public(view):
    """The view is open to everyone, signed in or not (login, help, healthz)."""
    view.access = PUBLIC
    return view


def view_access(app, endpoint):
    if endpoint == "static":
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce_declared_access():
    """before_request: a view that declares nobody is refused for everybody."""
    if request.endpoint is None:
        return None
    if view_access(current_app, request.endpoint) is None:
        current_app.logger.error("endpoint %s declares no access; refused", request.endpoint)
        abort(404)
    return None


def has_role(user, *roles):
    return bool(user and user.is_authenticated and user.role in roles)


def nothing(model):
    """An empty query of `model` (still a query, so callers can chain and count it)."""
    return model.select().where(SQL("1 = 0"))


# --- Schools and users ------------------------------------------------------------------------


def schools_visible_to(user):
    if user.role in (ADMIN, OFFICER):
        return School.select()
    if user.role in SCHOOL_USERS:
        return School.select().where(School.id == user.school_id)
    return nothing(School)


def users_visible_to(user):
    if user.role in (ADMIN, OFFICER):
        return User.select()
    if user.role in SCHOOL_USERS:
        return User.select().where(User.school == user.school_id)
    return nothing(User)


def audit_visible_to(user):
    """Admin reads every entry; an officer the incident-related ones."""
    if user.role == ADMIN:
        return AuditEntry.select()
    if user.role == OFFICER:
        return AuditEntry.select().where(AuditEntry.target_type.startswith("incident"))
    return nothing(AuditEntry)


def audit_details_visible(user, entry):
    """The admin sees that an incident was read or changed, by whom and when, but never what it
    is about: the details of incident entries (category, reasons, notes) are incident content."""
    if user.role == ADMIN and entry.target_type.startswith("incident"):
        return False
    return True


# --- Directives -------------------------------------------------------------------------------


def directives_visible_to(user):
    """Office staff see every directive; a school sees those sent to it (never drafts)."""
    if user.role in (ADMIN, OFFICER):
        return Directive.select()
    if user.role in SCHOOL_USERS:
        sent = Recipient.select(Recipient.directive).where(Recipient.school == user.school_id)
        return Directive.select().where(
            Directive.id.in_(sent), Directive.status != "draft"
        )
    return nothing(Directive)


def recipients_visible_to(user):
    """Acknowledgement tracking: office staff all schools, a principal their own school."""
    if user.role in (ADMIN, OFFICER):
        return Recipient.select()
    if user.role == PRINCIPAL:
        return Recipient.select().where(Recipient.school == user.school_id)
    return nothing(Recipient)


def own_school_receipts(user):
    """A school's own receipt of directives (new, read, acknowledged, overdue): what the inbox of
    its principal and its staff shows. Tracking other schools is `recipients_visible_to`."""
    if user.role in SCHOOL_USERS:
        return Recipient.select().where(Recipient.school == user.school_id)
    return nothing(Recipient)


# --- Counseling rosters -----------------------------------------------------------------------


def rosters_visible_to(user):
    if user.role == OFFICER:
        return Roster.select()
    if user.role in SCHOOL_USERS:
        return Roster.select().where(Roster.school == user.school_id)
    return nothing(Roster)


def can_edit_roster(user, school_id):
    return user.role == PRINCIPAL and user.school_id == school_id


# --- Incidents --------------------------------------------------------------------------------


def incidents_visible_to(user):
    """DESIGN.md section 1: officers all; a principal their school; staff what they reported or
    are assigned to (sensitive ones included, since they are the reporter or the assignee);
    the admin and the observer no incident at all (the observer gets aggregates elsewhere)."""
    if user.role == OFFICER:
        return Incident.select()
    if user.role == PRINCIPAL:
        return Incident.select().where(Incident.school == user.school_id)
    if user.role == STAFF:
        return Incident.select().where(
            (Incident.school == user.school_id)
            & ((Incident.reported_by == user.id) | (Incident.assignee == user.id))
        )
    return nothing(Incident)


def get_visible_or_404(query, object_id):
    """The object with this id among those `query` lets the user see, else 404."""
    model = query.model
    try:
        return query.where(model.id == object_id).get()
    except model.DoesNotExist:
        abort(404)


def incident_aggregates_scope(user):
    """The incidents counted in aggregates (counts by category, level, severity, month; never a
    row): officers and the observer count every incident, nobody else any."""
    if user.role in (OFFICER, OBSERVER):
        return Incident.select()
    return nothing(Incident)
