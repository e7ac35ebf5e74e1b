"""Who may do what: every answer to that question lives here.

- Roles, and the one permission decorator: every view declares who may call it with
  `@allow(...)` (or `@public`); a view that declares nothing is refused at run time (see
  `enforce_declared_access`) and by a test that walks the URL map. `may_open(user, endpoint)`
  answers from those declarations, so menus and links (the `can()` template helper) never
  repeat role lists.
- One visibility function per model (`*_visible_to(user)`), returning a query: every list,
  detail, export, count and HTMX endpoint goes through it. Aggregates (counts and rates, never a
  row) have their own scopes (`*_aggregates_scope(user)`).
- The checks on one object (`may_*(user, obj)`, `can_edit_roster`): what a user may do with an
  incident, a roster, a directive's tracking.

Views and templates never test roles by hand: they ask these functions, or use the flags a view
passes them. An object a user may not see answers 404, not 403, so ids cannot be probed.
"""

from functools import wraps
from types import SimpleNamespace

from flask import abort, current_app, request
from flask_login import current_user
from peewee import SQL

from .db import Prepared
from .incidents.workflow import OFFICER_ONLY, TRANSITIONS
from .models import (
    AccountRequest,
    Activity,
    ActivityAttendee,
    ActivityFile,
    AuditEntry,
    Directive,
    Incident,
    IncidentTally,
    Notification,
    OutboxMessage,
    Recipient,
    ReviewAnswer,
    ReviewEvidence,
    ReviewRound,
    ReviewSubmission,
    Roster,
    School,
    SchoolTally,
    StaffCount,
    User,
)
from .vocabulary import ADMIN, OBSERVER, OFFICER, PRINCIPAL, STAFF

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


def may_open(user, endpoint):
    """True when `user` may call the view behind `endpoint` (its declared access); False for an
    endpoint that does not exist. Menus and links ask this (template helper `can`)."""
    if not current_app.view_functions.get(endpoint) and endpoint != "static":
        return False
    declared = view_access(current_app, endpoint)
    if declared == PUBLIC:
        return True
    if declared is None or not (user and user.is_authenticated):
        return False
    return user.role in declared


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


def is_office_staff(user):
    """The office's own people who manage the work (officers; the admin reads it)."""
    return has_role(user, ADMIN, OFFICER)


def is_officer(user):
    return has_role(user, OFFICER)


def is_principal(user):
    return has_role(user, PRINCIPAL)


def nothing(model):
    """An empty query of `model` (still a query, so callers can chain and count it)."""
    return model.select().where(SQL("1 = 0"))


def stand_in(role, school_id, user_id):
    """A user of a school with `role` (PRINCIPAL or STAFF), for building a prepared statement
    (db.Prepared) through this module's rules as for the user themselves: `school_id` and
    `user_id` are the statement's placeholders."""
    return SimpleNamespace(id=user_id, role=role, school_id=school_id, is_authenticated=True)


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


# --- Account changes that open or close the incidents (docs/decisions/0007) -------------------

# Roles whose granting or taking waits for an officer's approval: the roles that read incidents
# of other people (an officer every incident, a principal every incident of the school,
# sensitive ones included). A new staff account sees no incident, so it is created at once.
ROLES_NEEDING_APPROVAL = (OFFICER, PRINCIPAL)


def role_change_needs_approval(role_before, role_after):
    """Creating an account with (`role_before` None), granting or taking the officer or the
    principal role."""
    return role_before != role_after and bool(
        {role_before, role_after} & set(ROLES_NEEDING_APPROVAL))


def password_reset_needs_approval(account):
    """Resetting the password of an account that sees any incident: whoever sees the new
    password could sign in as the account and read them. Officers and principals always (no
    query); anyone else when `incidents_visible_to(account)` is not empty (a staff member who
    reported or is assigned to an incident): one query."""
    if account.role in ROLES_NEEDING_APPROVAL:
        return True
    return incidents_visible_to(account).exists()


def may_change_own_role(user):
    """Nobody changes their own role through the application (the command line's operator
    creates accounts directly)."""
    return False


def account_requests_visible_to(user):
    """The admin follows the requests, the officers decide them; nobody else sees any."""
    if user.role in (ADMIN, OFFICER):
        return AccountRequest.select()
    return nothing(AccountRequest)


def may_decide_account_request(user, account_request):
    """A second person: an officer who neither asked for it nor is the account it concerns."""
    return (is_officer(user) and account_request.state == "pending"
            and account_request.requested_by_id != user.id
            and account_request.user_id != user.id)


# Audit actions whose details hold what was typed at a failed sign-in (possibly a password typed
# in the name box): stored, shown to nobody; the admin sees failures counted per address.
TYPED_AT_SIGN_IN = frozenset({"login.failed", "login.throttled", "login.throttle_locked"})


def audit_entry_details_visible(user, entry):
    """`audit_details_visible`, and never the names typed at failed sign-ins."""
    return entry.action not in TYPED_AT_SIGN_IN and audit_details_visible(user, entry)


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


DIRECTIVE_AGGREGATES = (ADMIN, OFFICER, OBSERVER)


def directive_aggregates_scope(user):
    """The recipients counted in acknowledgement rates (per directive, per level; never a row):
    the office's staff and the observer count every school, nobody else any."""
    if user.role in DIRECTIVE_AGGREGATES:
        return Recipient.select()
    return nothing(Recipient)


def directive_tallies_scope(user):
    """The kept counts of `directive_aggregates_scope` (directives/tallies.py): the published
    directives whose counts, and the schools whose rates, the user may read."""
    if user.role in DIRECTIVE_AGGREGATES:
        return Directive.select().where(Directive.status == "published")
    return nothing(Directive)


def school_tallies_scope(user):
    if user.role in DIRECTIVE_AGGREGATES:
        return SchoolTally.select()
    return nothing(SchoolTally)


def may_manage_directives(user):
    """Write, publish, revise, withdraw directives, remind schools."""
    return is_officer(user)


def may_acknowledge(user):
    """Acknowledge on the school's behalf: the principal (the head answers for the school)."""
    return is_principal(user)


def may_acknowledge_for_school(user):
    """Record an acknowledgement on a school's behalf (received by phone, on paper), and accept
    or return schools' responses: the officers who track directives (issue 14)."""
    return is_officer(user)


def may_review_responses(user):
    """Accept or return the response a school sent to a directive."""
    return is_officer(user)


def receives_directives(user):
    """A school's people: their school receives directives (office accounts have no inbox)."""
    return has_role(user, *SCHOOL_USERS)


def own_school_receipts(user):
    """A school's own receipt of directives (new, read, acknowledged, overdue): what the inbox of
    its principal and its staff shows. Tracking other schools is `recipients_visible_to`."""
    if user.role in SCHOOL_USERS:
        return Recipient.select().where(Recipient.school == user.school_id)
    return nothing(Recipient)


def sees_only_directive_rates(user):
    """The observer: acknowledgement rates of directives (their list page is the rates), never
    a directive's text or a school's row."""
    return has_role(user, OBSERVER)


# --- Counseling rosters -----------------------------------------------------------------------


def rosters_visible_to(user):
    if user.role == OFFICER:
        return Roster.select()
    if user.role in SCHOOL_USERS:
        return Roster.select().where(Roster.school == user.school_id)
    return nothing(Roster)


def can_edit_roster(user, school_id):
    return user.role == PRINCIPAL and user.school_id == school_id


def may_choose_rule_set(user):
    """Choose the counseling-team rule set in force: the office's officers."""
    return is_officer(user)


def roster_aggregates_scope(user):
    """The rosters counted in coverage figures (no member, no name): officers and the observer
    count every school's roster, nobody else any."""
    if user.role in (OFFICER, OBSERVER):
        return Roster.select()
    return nothing(Roster)


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


# Placeholders of the statements of `get_visible_or_404` (db.Prepared): the user's school, the
# user, the object asked for.
_ONE_SCHOOL, _ONE_USER, _ONE_ID = -7811, -7812, -7813
_ONE_VISIBLE = {}


def _one_visible(scope, shape, user):
    """The statement of `get_visible_or_404` for users like `user`, or None when the scope
    cannot be written with placeholders (its SQL for a stand-in differs from the user's own)."""
    def query(user, object_id):
        found = scope(user)
        found = shape(found) if shape else found
        return found.where(found.model.id == object_id).limit(1)

    model_user = stand_in(user.role, _ONE_SCHOOL if user.school_id is not None else None,
                          _ONE_USER)
    try:
        same = query(model_user, _ONE_ID).sql()[0] == query(user, _ONE_ID).sql()[0]
    except AttributeError:  # the scope reads more of the user than a stand-in has
        same = False
    if not same:
        return None
    return Prepared(lambda school_id, user_id, object_id: query(
        stand_in(user.role, school_id if user.school_id is not None else None, user_id),
        object_id), school_id=_ONE_SCHOOL, user_id=_ONE_USER, object_id=_ONE_ID)


def get_visible_or_404(scope, object_id, shape=None):
    """The object with this id among those `scope(current_user)` lets the user see (`scope`
    is one of the `*_visible_to` functions; `shape` may add joins and columns to its query),
    else 404 (an id too large to be a row's included). Asked on every detail page and change:
    one prepared statement per scope, shape and role (db.Prepared; peewee took 0.7 ms to write
    a directive's SELECT, 0.2 ms to run it)."""
    if not isinstance(object_id, int) or not 0 < object_id < 2**31:
        abort(404)
    user = current_user._get_current_object()
    key = (scope, shape, user.role, user.school_id is None)
    if key not in _ONE_VISIBLE:
        _ONE_VISIBLE[key] = _one_visible(scope, shape, user)
    statement = _ONE_VISIBLE[key]
    if statement is None:
        query = shape(scope(user)) if shape else scope(user)
        found = list(query.where(query.model.id == object_id).limit(1))
    else:
        found = statement.models(school_id=user.school_id, user_id=user.id,
                                 object_id=object_id)
    if not found:
        abort(404)
    return found[0]


INCIDENT_AGGREGATES = (OFFICER, OBSERVER)


def incident_tallies_scope(user):
    """The incident counts (by category, level, severity, status, month: never a row; kept by
    incidents/tallies.py): officers and the observer count every incident, nobody else any."""
    if user.role in INCIDENT_AGGREGATES:
        return IncidentTally.select()
    return nothing(IncidentTally)


def sees_every_incident(user):
    """`incidents_visible_to(user)` is every incident (its unfiltered counts are the kept
    ones)."""
    return user.role == OFFICER


def is_school_principal(user, incident):
    return user.role == PRINCIPAL and user.school_id == incident.school_id


def may_transition(user, incident, to_status):
    """The principal of the school and officers move an incident forward; some steps (closing,
    reopening) are the officer's alone (incidents/workflow.py says which)."""
    rule = TRANSITIONS.get((incident.status, to_status))
    if not rule:
        return False
    who, _required = rule
    if who == OFFICER_ONLY:
        return is_officer(user)
    return is_officer(user) or is_school_principal(user, incident)


def may_assign(user, incident):
    return is_officer(user) or is_school_principal(user, incident)


def may_add_note(user, incident):
    """Those who handle it, and the staff member who reported it or is assigned to it."""
    return (may_assign(user, incident) or incident.assignee_id == user.id
            or incident.reported_by_id == user.id)


def may_tick(user, incident):
    """Tick the intervention checklist: those who handle it and the assignee."""
    return may_assign(user, incident) or incident.assignee_id == user.id


def may_attach(user, incident):
    """Attach a file (photo, minutes) to an incident: whoever may add a note to it."""
    return may_add_note(user, incident)


def may_correct(user, incident):
    return may_assign(user, incident) or incident.reported_by_id == user.id


def may_see_views(user, incident):
    """Who opened it ("đã xem bởi"): the principal of its school and officers."""
    return may_assign(user, incident)


def sees_exact_counts(user):
    """Officers see exact incident counts; the observer sees counts under 5 as "<5"."""
    return is_officer(user)


def may_choose_school(user):
    """Reporting an incident for any school (officers) rather than for one's own."""
    return is_officer(user)


def may_be_assigned_incidents(user):
    """School users handle incidents assigned to them: their list offers "assigned to me"."""
    return has_role(user, *SCHOOL_USERS)


# --- Notifications ----------------------------------------------------------------------------


def notifications_visible_to(user):
    """Each user reads their own notifications, nobody else's."""
    if user and user.is_authenticated:
        return Notification.select().where(Notification.user == user.id)
    return nothing(Notification)


def outbox_visible_to(user):
    """The e-mail outbox (who was written to, the subject, why it failed): the admin's, who
    keeps the mail running. It holds no child data (district/mail/compose.py)."""
    if user.role == ADMIN:
        return OutboxMessage.select()
    return nothing(OutboxMessage)


# --- Dissemination and training activities ----------------------------------------------------

ACTIVITY_OFFICE = (ADMIN, OFFICER)
ACTIVITY_AGGREGATES = (ADMIN, OFFICER, OBSERVER)


def activities_visible_to(user):
    """The office's staff every activity (the admin reads them, without their files); a school
    its own activities and the office's trainings it attended; the observer none (aggregates
    only, `activity_aggregates_scope`)."""
    if user.role in ACTIVITY_OFFICE:
        return Activity.select()
    if user.role in SCHOOL_USERS:
        attended = (ActivityAttendee.select(ActivityAttendee.activity)
                    .where(ActivityAttendee.school == user.school_id))
        return Activity.select().where(
            (Activity.school == user.school_id)
            | (Activity.school.is_null() & Activity.id.in_(attended)))
    return nothing(Activity)


def activity_attendees_visible_to(user):
    """Who attended: the office's staff everyone; a school the people of its own school (an
    office training names people of many schools)."""
    if user.role in ACTIVITY_OFFICE:
        return ActivityAttendee.select()
    if user.role in SCHOOL_USERS:
        return ActivityAttendee.select().where(ActivityAttendee.school == user.school_id)
    return nothing(ActivityAttendee)


def activity_files_visible_to(user):
    """Minutes and signed attendance sheets (names and signatures of staff, parents, students):
    officers every one; a school those of its own activities (not the office's, whose sheets
    list other schools' people); the admin and the observer none."""
    if user.role == OFFICER:
        return ActivityFile.select()
    if user.role in SCHOOL_USERS:
        own = Activity.select(Activity.id).where(Activity.school == user.school_id)
        return ActivityFile.select().where(ActivityFile.activity.in_(own))
    return nothing(ActivityFile)


def activity_aggregates_scope(user):
    """The activities counted in coverage figures (counts and reach, never a row): the office's
    staff and the observer count every school's, nobody else any."""
    if user.role in ACTIVITY_AGGREGATES:
        return Activity.select()
    return nothing(Activity)


def sees_activity_coverage(user):
    """The office's coverage of activities, school by school (officers; the admin reads it)."""
    return has_role(user, *ACTIVITY_OFFICE)


def sees_only_activity_aggregates(user):
    """The observer: figures of activities (by kind, month, group), never a school's row."""
    return has_role(user, OBSERVER)


def may_record_activity(user):
    """A principal records the school's activities; an officer the office's trainings."""
    return has_role(user, PRINCIPAL, OFFICER)


def records_office_trainings(user):
    """What an officer records is the office's own training, with the schools that attended."""
    return is_officer(user)


def may_edit_activity(user, activity):
    """The principal of its school; for the office's trainings, the officers."""
    if activity.school_id is None:
        return is_officer(user)
    return is_principal(user) and user.school_id == activity.school_id


def staff_counts_visible_to(user):
    """Head counts of schools: the office's staff all, a school its own."""
    if user.role in ACTIVITY_OFFICE:
        return StaffCount.select()
    if user.role in SCHOOL_USERS:
        return StaffCount.select().where(StaffCount.school == user.school_id)
    return nothing(StaffCount)


def staff_count_aggregates_scope(user):
    """Head counts summed over schools (the share of staff reached): as the activities'."""
    if user.role in ACTIVITY_AGGREGATES:
        return StaffCount.select()
    return nothing(StaffCount)


def may_edit_staff_counts(user, school_id):
    """The principal keeps the school's head counts."""
    return is_principal(user) and user.school_id == school_id


# --- Directives: personal confirmations (issue 12; docs/decisions/directive-dissemination.md) --


def confirms_personally(user):
    """Every account of a school (principal and staff) confirms personally a directive that
    asks it; the office's people do not."""
    return has_role(user, *SCHOOL_USERS)


def may_confirm_personally(user, directive):
    """Confirm having read `directive` (one that `directives_visible_to(user)` found): it asks
    for personal confirmation, is in force, and the user is one of its school's people."""
    return (confirms_personally(user) and bool(directive.personal_confirmation)
            and directive.status == "published")


def sees_readers(user):
    """Who confirmed personally: the office's staff per school, a principal their own school's
    people (and reminds them)."""
    return has_role(user, ADMIN, OFFICER, PRINCIPAL)


def readers_per_school(user):
    """The readers page shows shares per school (the office) rather than one school's people."""
    return has_role(user, ADMIN, OFFICER)


def may_remind_readers(user):
    """The principal reminds the school's people who have not confirmed yet."""
    return is_principal(user)


# --- Safe-school reviews (issue 13) -----------------------------------------------------------


REVIEW_AGGREGATES = (ADMIN, OFFICER, OBSERVER)
# A school's review may be changed (answered, submitted) in these states.
REVIEW_EDITABLE = ("not_started", "draft", "returned")


def review_rounds_visible_to(user):
    """The office's people every round (the admin and the observer read its figures only); a
    school the rounds it is in."""
    if user.role in REVIEW_AGGREGATES:
        return ReviewRound.select()
    if user.role in SCHOOL_USERS:
        own = (ReviewSubmission.select(ReviewSubmission.review_round)
               .where(ReviewSubmission.school == user.school_id))
        return ReviewRound.select().where(ReviewRound.id.in_(own))
    return nothing(ReviewRound)


def review_submissions_visible_to(user):
    """A school's answers, actions and history: officers every school's, a school its own (the
    principal answers, the staff read); the admin and the observer none (figures only)."""
    if user.role == OFFICER:
        return ReviewSubmission.select()
    if user.role in SCHOOL_USERS:
        return ReviewSubmission.select().where(ReviewSubmission.school == user.school_id)
    return nothing(ReviewSubmission)


def review_evidence_visible_to(user):
    """Evidence files: as the submissions they belong to (never the admin's or observer's)."""
    if user.role == OFFICER:
        return ReviewEvidence.select()
    if user.role in SCHOOL_USERS:
        own = (ReviewSubmission.select(ReviewSubmission.id)
               .where(ReviewSubmission.school == user.school_id))
        answers = ReviewAnswer.select(ReviewAnswer.id).where(ReviewAnswer.submission.in_(own))
        return ReviewEvidence.select().where(ReviewEvidence.answer.in_(answers))
    return nothing(ReviewEvidence)


def review_aggregates_scope(user):
    """The submissions counted in a round's figures (counts by state, share met per group;
    never a school's row): the office's people and the observer."""
    if user.role in REVIEW_AGGREGATES:
        return ReviewSubmission.select()
    return nothing(ReviewSubmission)


def sees_review_matrix(user):
    """The office's matrix of schools by criteria groups, with its lists and export."""
    return is_officer(user)


def sees_only_review_aggregates(user):
    """The admin and the observer: a round's figures, never a school's answers or evidence."""
    return has_role(user, ADMIN, OBSERVER)


def may_launch_round(user):
    return is_officer(user)


def may_answer(user, submission, review_round=None):
    """The principal of the school answers, saves and submits while the review is the
    school's to change (not started, draft, returned) and the round is open."""
    review_round = review_round or submission.review_round
    return (is_principal(user) and user.school_id == submission.school_id
            and submission.state in REVIEW_EDITABLE and review_round.status == "open")


def may_decide(user, submission):
    """An officer accepts or returns a submitted review."""
    return is_officer(user) and submission.state == "submitted"


def may_close_action(user, submission, action):
    """The principal closes an open improvement action of an accepted review."""
    return (is_principal(user) and user.school_id == submission.school_id
            and submission.state == "accepted" and action.closed_at is None)


def sees_own_school_reviews(user):
    """A school's people: the rounds list shows their school's reviews, a round opens their
    school's review."""
    return has_role(user, *SCHOOL_USERS)


def may_remind_schools(user, review_round):
    """An officer reminds the schools of an open round that still have to act."""
    return is_officer(user) and review_round.status == "open"


def may_edit_criteria(user):
    """The office keeps its own copies of the criteria sets: its officers."""
    return is_officer(user)


# --- Schools' pages and the periodic report (issue 13) ----------------------------------------

# The school's page gathers directives, the roster, incidents and the review: the officers read
# every school's, a principal their own school's. The admin (no incident content, no review
# evidence, no roster) and the observer (counts only) have none; staff neither (the page is what
# the head answers for, with incident counts staff may not have).
SCHOOL_PAGE_READERS = (OFFICER, PRINCIPAL)
# The office's periodic report: officers with exact counts, the observer with small incident
# counts suppressed; the admin reads no incident figure.
REPORT_READERS = (OFFICER, OBSERVER)


def school_pages_visible_to(user):
    """The schools whose page `user` may open: officers every school, a principal their own."""
    if user.role == OFFICER:
        return School.select()
    if user.role == PRINCIPAL:
        return School.select().where(School.id == user.school_id)
    return nothing(School)


def sees_school_list(user):
    """The officers' list of schools with their figures (a principal is taken to their own
    school's page)."""
    return is_officer(user)


def report_incidents_scope(user):
    """The incidents counted (never a row) in the periodic report where no kept count exists
    (by outcome, over the period): officers and the observer, as `incident_tallies_scope`."""
    if user.role in INCIDENT_AGGREGATES:
        return Incident.select()
    return nothing(Incident)
