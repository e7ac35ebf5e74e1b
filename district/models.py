"""Every table of the application, in one place.

Times are stored as naive UTC (`utcnow()`) and shown in Asia/Ho_Chi_Minh by the templates.
Nothing about a child is ever deleted through the application: schools and users are
deactivated, directives withdrawn, incidents closed; timelines and audit entries are append-only.
"""

import json

from flask_login import UserMixin
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .clock import utcnow  # noqa: F401 - the models' default time, re-exported
from .db import database
from .vocabulary import SCHOOL_ROLES


class JSONField(TextField):
    """JSON kept as text: portable between SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


# --- People and places -------------------------------------------------------------------



class School(BaseModel):
    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=200)
    # Derived by district.text on every save: a diacritic-free form for search and a key for
    # Vietnamese alphabetical order (both portable across databases).
    name_search = CharField(max_length=200, index=True)
    name_key = CharField(max_length=600, index=True)
    level = CharField(max_length=16, index=True)
    ownership = CharField(max_length=16, index=True)
    commune = CharField(max_length=120, default="", index=True)
    address = CharField(max_length=300, default="")
    phone = CharField(max_length=40, default="")
    active = BooleanField(default=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


# Every commune filter lists the communes of the active schools from this index alone
# (migration 0260; school_search.communes).
School.add_index(School.index(School.commune, where=School.active == True,  # noqa: E712
                              name="school_commune_active"))


class User(UserMixin, BaseModel):
    username = CharField(max_length=80, unique=True)
    full_name = CharField(max_length=150)
    name_search = CharField(max_length=150, default="")
    name_key = CharField(max_length=600, default="")
    email = CharField(max_length=200, default="")
    # How the account gets its notifications by e-mail: "now", "digest", "off", or "" for its
    # role's default (district/mail/preferences.py). Migration 0120.
    email_choice = CharField(max_length=8, default="")
    phone = CharField(max_length=40, default="")
    role = CharField(max_length=16, index=True)
    school = ForeignKeyField(School, null=True, backref="users", on_delete="RESTRICT")
    password_hash = CharField(max_length=300)
    active = BooleanField(default=True)
    must_change_password = BooleanField(default=False)
    locale = CharField(max_length=8, default="vi")
    last_login_at = DateTimeField(null=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    # Bumped when the password changes or the account is deactivated: old sessions end.
    session_version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_school_user(self):
        return self.role in SCHOOL_ROLES


class AuditEntry(BaseModel):
    """Append-only: every write, every sign-in (success and failure), every incident read."""

    actor = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    actor_name = CharField(max_length=150, default="")
    at = DateTimeField(default=utcnow, index=True)
    ip = CharField(max_length=64, default="")
    action = CharField(max_length=64, index=True)
    target_type = CharField(max_length=40, default="", index=True)
    target_id = CharField(max_length=64, default="")
    details = JSONField(null=True)


class Notification(BaseModel):
    """In-app message. Carries no child data: who, which school, what kind, and a link."""

    user = ForeignKeyField(User, backref="notifications", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    kind = CharField(max_length=40)
    # The message is a msgid (marked with N_ where it is written) and its parameters, so each
    # reader sees it in their own language.
    message = CharField(max_length=400)
    params = JSONField(null=True)
    link = CharField(max_length=300, default="")
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False),
                   # The notifications page, newest first (migration 0190).
                   (("user", "created_at", "id"), False))


# Every page counts a user's unread notifications from this index alone (migration 0180).
Notification.add_index(Notification.index(Notification.user, Notification.link,
                                          where=Notification.read_at.is_null(),
                                          name="notification_unread_user_link"))


# --- Account requests and sign-in throttling (migration 0070) ---------------------------------

ACCOUNT_REQUEST_KINDS = ("create", "grant", "revoke", "reset")
ACCOUNT_REQUEST_STATES = ("pending", "approved", "refused")


class AccountRequest(BaseModel):
    """A change to an account that opens or closes the incidents (the officer role, an officer's
    password): asked by the admin, applied only when an officer approves it
    (docs/decisions/0007-officer-role-approval.md). `details` holds what is asked: the new
    account's fields (create), the role and school before and after (grant, revoke)."""

    kind = CharField(max_length=16)
    user = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    username = CharField(max_length=80)
    details = JSONField(null=True)
    requested_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    requested_at = DateTimeField(default=utcnow)
    state = CharField(max_length=16, default="pending", index=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)


class LoginThrottle(BaseModel):
    """Wrong passwords from one client address for one typed name (kept as a SHA-256 of the
    name, never the name): five lock that pair, not the account
    (docs/decisions/0006-login-throttling.md)."""

    ip = CharField(max_length=64)
    name_hash = CharField(max_length=64)
    failures = IntegerField(default=0)
    last_failure_at = DateTimeField(default=utcnow)
    locked_until = DateTimeField(null=True)

    class Meta:
        indexes = ((("ip", "name_hash"), True),)


class RateLimitCounter(BaseModel):
    """The rate limiter's counters (district.ratelimit), shared by every worker and host."""

    key = CharField(max_length=255, unique=True)
    count = IntegerField(default=0)
    # Seconds since the epoch: DOUBLE PRECISION (a PostgreSQL REAL keeps ~7 digits, so an epoch
    # time would be rounded to minutes and a window could end before it began).
    expires_at = DoubleField(index=True)


class Setting(BaseModel):
    """Choices the office makes at run time (e.g. the roster rule set in force)."""

    key = CharField(max_length=80, unique=True)
    value = TextField()
    updated_at = DateTimeField(default=utcnow)


class StoredFile(BaseModel):
    """An uploaded file, kept outside static/ under a random name (see district.files)."""

    stored_name = CharField(max_length=80, unique=True)
    original_name = CharField(max_length=255)
    content_type = CharField(max_length=120)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=utcnow)


# --- Directives ---------------------------------------------------------------------------


class Directive(BaseModel):
    number = CharField(max_length=80, unique=True)
    title = CharField(max_length=500)
    title_search = CharField(max_length=600, default="")
    body = TextField(default="")
    signer = CharField(max_length=150, default="")
    issued_on = DateField()
    deadline = DateField()
    response_kind = CharField(max_length=16, default="ack")
    status = CharField(max_length=16, default="draft", index=True)
    revision = IntegerField(default=1)
    audience_kind = CharField(max_length=16, default="all")
    audience_levels = JSONField(default=list)
    audience_ownerships = JSONField(default=list)
    audience_school_ids = JSONField(default=list)
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    published_at = DateTimeField(null=True)
    withdrawn_at = DateTimeField(null=True)
    version = IntegerField(default=1)
    # Kept by directives/tallies.py in each write's transaction (migration 0080), so lists and
    # homes read counts instead of grouping every recipient: schools that received it, that
    # opened it, that acknowledged it (the current revision), and of those, late.
    recipient_count = IntegerField(default=0)
    read_count = IntegerField(default=0)
    ack_count = IntegerField(default=0)
    late_count = IntegerField(default=0)
    # Migration 0130: every staff account of the recipient schools confirms personally
    # (DirectiveConfirmation); confirmations of a revision >= `confirm_from` count (a revision
    # asking schools to acknowledge again asks people to confirm again).
    personal_confirmation = BooleanField(default=False)
    confirm_from = IntegerField(default=1)
    # Migration 0145: the automatic reminders, in days from the deadline (negative: before);
    # empty: none (directives/schedule.py).
    reminder_days = JSONField(default=lambda: [-3, 0, 1, 3])
    # Migration 0140: schools of these levels, and these schools, receive it for information
    # ("để biết": reading is enough, never overdue); the counts above are of the schools that
    # act on it ("thực hiện"), `info_count` of the others.
    info_levels = JSONField(default=list)
    info_school_ids = JSONField(default=list)
    info_count = IntegerField(default=0)
    # Migration 0240: with the counts above, the tracking page's counts by state and by
    # response, kept the same way: schools informed that opened it; schools that act on it,
    # opened it and acknowledged it; schools whose response is in each state.
    info_read_count = IntegerField(default=0)
    read_acked_count = IntegerField(default=0)
    submitted_count = IntegerField(default=0)
    resubmitted_count = IntegerField(default=0)
    returned_count = IntegerField(default=0)
    accepted_count = IntegerField(default=0)


class DirectiveRevision(BaseModel):
    """A change to a published directive: what changed, and whether schools re-acknowledge."""

    directive = ForeignKeyField(Directive, backref="revisions", on_delete="RESTRICT")
    revision = IntegerField()
    changed_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    changed_at = DateTimeField(default=utcnow)
    summary = TextField(default="")
    requires_reack = BooleanField(default=False)
    previous = JSONField(null=True)


class DirectiveAttachment(BaseModel):
    directive = ForeignKeyField(Directive, backref="attachments", on_delete="RESTRICT")
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    active = BooleanField(default=True)


# --- Counseling-team rosters -----------------------------------------------------------------



class Roster(BaseModel):
    school = ForeignKeyField(School, backref="rosters", on_delete="RESTRICT")
    version = IntegerField()
    submitted_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    submitted_at = DateTimeField(default=utcnow)
    source_file = ForeignKeyField(StoredFile, null=True, unique=True, backref="+",
                                  on_delete="RESTRICT")  # unique: migration 0020 (rosters)
    rule_set = CharField(max_length=40)
    state = CharField(max_length=16)
    result = JSONField(null=True)
    member_count = IntegerField(default=0)
    trained_count = IntegerField(default=0)
    is_current = BooleanField(default=True, index=True)

    class Meta:
        indexes = ((("school", "version"), True),)


# The office's coverage figures count the current rosters by state from this index alone
# (migration 0200).
Roster.add_index(Roster.index(Roster.state, where=Roster.is_current == True,  # noqa: E712
                              name="roster_current_state"))


class RosterMember(BaseModel):
    roster = ForeignKeyField(Roster, backref="members", on_delete="RESTRICT")
    position_no = IntegerField(default=0)
    full_name = CharField(max_length=150)
    position = CharField(max_length=150, default="")
    team_role = CharField(max_length=16)
    member_group = CharField(max_length=16)
    phone = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    trained = BooleanField(default=False)
    trained_on = DateField(null=True)


class RosterUpload(BaseModel):
    """A roster file a principal previewed for the school (migration 0050): it can be confirmed
    once, by its uploader, only while the roster is still at `base_version` (the version the
    preview was compared with; 0 when the school had none). Confirming records who and when and
    the version it made."""

    school = ForeignKeyField(School, backref="+", on_delete="RESTRICT")
    file = ForeignKeyField(StoredFile, unique=True, backref="+", on_delete="RESTRICT")
    uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=utcnow)
    base_version = IntegerField(default=0)
    confirmed_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    confirmed_at = DateTimeField(null=True)
    roster = ForeignKeyField(Roster, null=True, unique=True, backref="+", on_delete="RESTRICT")


class Recipient(BaseModel):
    """One school that received one directive; its state is derived (directives.queries)."""

    # Indexed with acknowledged_at (Meta, migration 0250).
    directive = ForeignKeyField(Directive, backref="recipients", on_delete="RESTRICT",
                                index=False)
    school = ForeignKeyField(School, backref="+", on_delete="RESTRICT")
    first_read_at = DateTimeField(null=True)
    first_read_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    acknowledged_at = DateTimeField(null=True, index=True)
    acknowledged_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    ack_note = TextField(default="")
    ack_revision = IntegerField(null=True)
    ack_late = BooleanField(default=False)  # migration 0010 (directives)
    roster = ForeignKeyField(Roster, null=True, backref="+", on_delete="RESTRICT")
    response_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    reminders_count = IntegerField(default=0)
    last_reminded_at = DateTimeField(null=True)
    # Migration 0130: the principal last reminded the school's people to confirm personally.
    confirm_reminded_at = DateTimeField(null=True)
    # Migration 0140: "act" (acknowledge and respond by the deadline) or "info" (for
    # information). An acknowledgement an officer recorded on the school's behalf (by phone,
    # on paper) is `ack_proxy`, its channel kept, its reason in `ack_note`; the school may
    # confirm it. The response (roster, report, quán triệt) is reviewed by an officer:
    # "" (none yet), submitted, accepted, returned, resubmitted (directives/vocabulary.py).
    purpose = CharField(max_length=8, default="act")
    ack_proxy = BooleanField(default=False)
    ack_channel = CharField(max_length=8, default="")
    proxy_confirmed_at = DateTimeField(null=True)
    proxy_confirmed_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    response_state = CharField(max_length=16, default="")
    response_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("directive", "school"), True),
                   # A directive's acknowledgements by day, from the index alone.
                   (("directive", "acknowledged_at"), False))


# What still waits on a school (its badge on every page of its principal, its home card): the
# receipts not yet acknowledged, from this partial index alone (migration 0270).
Recipient.add_index(Recipient.index(Recipient.school, Recipient.directive, Recipient.purpose,
                                    Recipient.first_read_at,
                                    where=Recipient.acknowledged_at.is_null(),
                                    name="recipient_open_by_school"))


class SchoolTally(BaseModel):
    """A school's receipts of published directives and how many it acknowledged (migration
    0080), kept by directives/tallies.py: rates by level and commune sum a row per school, by
    the school's level and commune kept here too (migration 0220)."""

    school = ForeignKeyField(School, unique=True, backref="+", on_delete="RESTRICT")
    received = IntegerField(default=0)
    acknowledged = IntegerField(default=0)
    level = CharField(max_length=16, default="")
    commune = CharField(max_length=120, default="")


class GroupTally(BaseModel):
    """The sums of SchoolTally's rows per school level and commune (migration 0280), kept by
    directives/tallies.py in the same transactions: the office's rates by level and commune
    read a few hundred rows, not a row per school."""

    level = CharField(max_length=16)
    commune = CharField(max_length=120)
    received = IntegerField(default=0)
    acknowledged = IntegerField(default=0)

    class Meta:
        indexes = ((("level", "commune"), True),)


class AckDay(BaseModel):
    """How many of a directive's receipts were acknowledged on each local day (the office's
    zone; migration 0290), kept by directives/tallies.py in the same transactions as the
    acknowledgements: the tracking page's chart reads a row per day, not every receipt."""

    directive = ForeignKeyField(Directive, backref="+", on_delete="RESTRICT")
    day = DateField()
    acknowledged = IntegerField(default=0)

    class Meta:
        indexes = ((("directive", "day"), True),)


class Acknowledgement(BaseModel):
    """History of every acknowledgement, kept when a revision asks schools to acknowledge again."""

    recipient = ForeignKeyField(Recipient, backref="history", on_delete="RESTRICT")
    revision = IntegerField()
    at = DateTimeField(default=utcnow)
    by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    note = TextField(default="")
    late = BooleanField(default=False)
    roster = ForeignKeyField(Roster, null=True, backref="+", on_delete="RESTRICT")
    response_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    # Migration 0140: recorded by an officer on the school's behalf (`by` is the officer).
    proxy = BooleanField(default=False)
    channel = CharField(max_length=8, default="")


class ResponseStep(BaseModel):
    """The history of a school's response to a directive (migration 0140): each submission,
    resubmission, acceptance and return, with who, when, the comment and what was sent. Never
    edited; the recipient's `response_state` is the latest step's."""

    recipient = ForeignKeyField(Recipient, backref="response_steps", on_delete="RESTRICT")
    revision = IntegerField()
    action = CharField(max_length=16)
    by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)
    comment = TextField(default="")
    roster = ForeignKeyField(Roster, null=True, backref="+", on_delete="RESTRICT")
    response_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    activity_id = IntegerField(null=True)

    class Meta:
        indexes = ((("recipient", "at"), False),)


class DirectiveReminder(BaseModel):
    """One reminder to one school about one directive: when, by whom, and the principal accounts
    it notified (ids and names as they were). The recipient's `last_reminded_at` is the
    `sent_at` of its latest one. Migration 0040 (directives)."""

    recipient = ForeignKeyField(Recipient, backref="reminders", on_delete="RESTRICT")
    sent_at = DateTimeField(default=utcnow)
    # Unknown (null) for the reminders sent before migration 0040.
    sent_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    sent_to = JSONField(default=list)  # [{"id": user id, "name": full name}, ...]
    # Migration 0145: the schedule's step (days from the deadline) of an automatic reminder
    # (sent_by null); null for one an officer sent by hand.
    step = IntegerField(null=True)

    class Meta:
        indexes = ((("recipient", "sent_at"), False),)


class ReminderStep(BaseModel):
    """One step of a directive's reminder schedule, for one deadline, done once (migration
    0145): sent (to `schools` schools, 0 when none was left to remind) or skipped (its day
    passed before the directive was published or while no worker ran). The unique key decides
    which worker sends it; a revision moving the deadline makes new steps."""

    directive = ForeignKeyField(Directive, backref="+", on_delete="RESTRICT")
    step = IntegerField()
    deadline = DateField()
    state = CharField(max_length=8)  # "sent" or "skipped"
    at = DateTimeField(default=utcnow)
    schools = IntegerField(default=0)

    class Meta:
        indexes = ((("directive", "step", "deadline"), True),)


# --- Incidents ----------------------------------------------------------------------------


class Incident(BaseModel):
    reference = CharField(max_length=32, unique=True)
    school = ForeignKeyField(School, backref="incidents", on_delete="RESTRICT")
    reported_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    reported_at = DateTimeField(default=utcnow, index=True)
    occurred_at = DateTimeField()
    place = CharField(max_length=16)
    category = CharField(max_length=16, index=True)
    caused_by = CharField(max_length=16)
    severity = CharField(max_length=16, index=True)
    sensitive = BooleanField(default=False, index=True)
    summary = CharField(max_length=500)
    summary_search = CharField(max_length=600, default="")
    description = TextField(default="")
    immediate_actions = TextField(default="")
    assignee = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    status = CharField(max_length=16, default="reported", index=True)
    outcome = CharField(max_length=32, default="")
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            # Every column a school's home card counts (migration 0230).
            (("school", "status", "severity", "sensitive", "assignee"), False),
            (("school", "reported_at"), False),  # migration 0030
            (("category", "status"), False),  # migration 0170
            (("severity", "status"), False),  # migration 0170
            (("reported_by",), False),
            (("assignee",), False),
        )


class IncidentStudent(BaseModel):
    incident = ForeignKeyField(Incident, backref="students", on_delete="RESTRICT")
    full_name = CharField(max_length=150)
    class_name = CharField(max_length=40, default="")
    sex = CharField(max_length=8, default="")
    birth_year = IntegerField(null=True)
    role = CharField(max_length=16)


class IncidentReferral(BaseModel):
    incident = ForeignKeyField(Incident, backref="referrals", on_delete="RESTRICT")
    agency = CharField(max_length=24)
    referred_on = DateField()
    note = TextField(default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class IncidentEvent(BaseModel):
    """The timeline. Never edited, never deleted."""

    incident = ForeignKeyField(Incident, backref="events", on_delete="RESTRICT")
    actor = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)
    kind = CharField(max_length=24)
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16, default="")
    note = TextField(default="")
    details = JSONField(null=True)

    class Meta:
        indexes = ((("incident", "at"), False),)  # migration 0030


class IncidentView(BaseModel):
    # Indexed with the user and the time (Meta, migration 0300).
    incident = ForeignKeyField(Incident, backref="views", on_delete="RESTRICT", index=False)
    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("incident", "at"), False),  # migration 0030
                   # An incident's readers grouped from the index alone (migration 0300).
                   (("incident", "user", "at"), False))


class IncidentChecklistItem(BaseModel):
    incident = ForeignKeyField(Incident, backref="checklist", on_delete="RESTRICT")
    item = CharField(max_length=32)
    done_at = DateTimeField(null=True)
    done_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    note = TextField(default="")

    class Meta:
        indexes = ((("incident", "item"), True),)


class IncidentTally(BaseModel):
    """Incidents counted per local month ("YYYY-MM") and per `dimension` ("category",
    "severity", "status", "level": the school's level when reported) and its `key`, kept by
    incidents/tallies.py in each write's transaction (migration 0090). Every incident counts
    once in each dimension of its month."""

    month = CharField(max_length=7)
    dimension = CharField(max_length=16)
    key = CharField(max_length=32)
    n = IntegerField(default=0)

    class Meta:
        indexes = ((("month", "dimension", "key"), True),)


class IncidentAttachment(BaseModel):
    incident = ForeignKeyField(Incident, backref="attachments", on_delete="RESTRICT")
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")


# --- Dissemination and training activities (migration 0100) ----------------------------------


class Activity(BaseModel):
    """A dissemination or training activity (Hoạt động tuyên truyền, tập huấn): a school's own
    (`school` set), or a training the office runs (`school` null), whose schools and people are
    its ActivityAttendee rows. `school_year` is the year its school year begins, derived from
    `held_on` (activities/years.py). Edits bump `version` (a conditional UPDATE) and leave an
    ActivityRevision; activities are never deleted."""

    school = ForeignKeyField(School, null=True, backref="activities", on_delete="RESTRICT")
    kind = CharField(max_length=16)
    held_on = DateField()
    school_year = IntegerField()
    title = CharField(max_length=300)
    title_search = CharField(max_length=400, default="")
    presenter = CharField(max_length=16)
    presenter_name = CharField(max_length=200, default="")
    sessions = IntegerField(default=1)
    hours = DoubleField(default=0)
    # How many attended, by group.
    managers = IntegerField(default=0)
    teachers = IntegerField(default=0)
    employees = IntegerField(default=0)
    parents = IntegerField(default=0)
    students = IntegerField(default=0)
    # An office training on school counseling: its attendees count as trained on the rosters.
    counseling = BooleanField(default=False)
    summary = TextField(default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("school", "school_year", "kind"), False),
            (("school_year", "held_on"), False),
        )


class ActivityDirective(BaseModel):
    """A directive the activity carries out (one the school received)."""

    activity = ForeignKeyField(Activity, backref="directive_links", on_delete="RESTRICT")
    directive = ForeignKeyField(Directive, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("activity", "directive"), True),)


class ActivityAttendee(BaseModel):
    """A person named as attending: an account of the school (`user`), or for an office
    training a name with its school (`name_search` folded: rosters match their members by it)."""

    activity = ForeignKeyField(Activity, backref="attendees", on_delete="RESTRICT")
    school = ForeignKeyField(School, backref="+", on_delete="RESTRICT")
    user = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    full_name = CharField(max_length=150)
    name_search = CharField(max_length=150, default="")

    class Meta:
        indexes = ((("school", "name_search"), False),)


class ActivityFile(BaseModel):
    """Minutes or a signed attendance sheet; a file taken off stays (inactive) in the history."""

    activity = ForeignKeyField(Activity, backref="files", on_delete="RESTRICT")
    file = ForeignKeyField(StoredFile, unique=True, backref="+", on_delete="RESTRICT")
    kind = CharField(max_length=16)
    active = BooleanField(default=True)
    added_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    added_at = DateTimeField(default=utcnow)


class ActivityRevision(BaseModel):
    """One edit of an activity (version 1: its creation): who, when, and what changed
    ({field: [before, after]}). Never edited, never deleted."""

    activity = ForeignKeyField(Activity, backref="revisions", on_delete="RESTRICT")
    version = IntegerField()
    changed_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    changed_at = DateTimeField(default=utcnow)
    changes = JSONField(null=True)

    class Meta:
        indexes = ((("activity", "version"), True),)


class StaffCount(BaseModel):
    """A school's head counts for one school year (the year it begins), so that the share of
    staff an activity reached can be stated."""

    school = ForeignKeyField(School, backref="+", on_delete="RESTRICT")
    school_year = IntegerField()
    managers = IntegerField(default=0)
    teachers = IntegerField(default=0)
    employees = IntegerField(default=0)
    updated_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "school_year"), True),)


# --- E-mail outbox and scheduled jobs (migration 0120) ---------------------------------------


class OutboxMessage(BaseModel):
    """One e-mail to one account, written in the transaction of what it reports and sent by a
    worker outside any request (district/mail/). `kind` "notification" carries the
    notification's msgid, parameters and link (rendered at sending, in the reader's language);
    "digest" is the daily digest of `digest_day` (one per account and day). States: pending
    (waits for `next_attempt_at`), sending (claimed by `claimed_by`), sent, failed (given up, or
    interrupted while sending: the admin decides), skipped (nothing to send any more). No child
    data, ever: what it says is built from the notification, which carries none."""

    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    kind = CharField(max_length=16)
    topic = CharField(max_length=40, default="")
    message = CharField(max_length=400, default="")
    params = JSONField(null=True)
    link = CharField(max_length=300, default="")
    digest_day = DateField(null=True)
    state = CharField(max_length=16, default="pending")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)
    claimed_at = DateTimeField(null=True)
    claimed_by = CharField(max_length=120, default="")
    sent_at = DateTimeField(null=True)
    to_address = CharField(max_length=200, default="")
    subject = CharField(max_length=300, default="")
    last_error = CharField(max_length=500, default="")

    class Meta:
        indexes = (
            (("state", "next_attempt_at"), False),
            (("user", "digest_day"), True),
            (("created_at",), False),
        )


class Job(BaseModel):
    """A scheduled job (district/jobs.py): when it is next due, and how its last run went. A
    worker takes it by moving `next_run_at` on in the transaction that claims it."""

    name = CharField(max_length=40, unique=True)
    next_run_at = DateTimeField()
    last_started_at = DateTimeField(null=True)
    last_finished_at = DateTimeField(null=True)
    last_result = CharField(max_length=500, default="")
    last_error = CharField(max_length=500, default="")
    runs = IntegerField(default=0)


# --- Dissemination and personal confirmations of directives (migration 0130) ---------------


class Dissemination(BaseModel):
    """The quán triệt activity a school linked when it acknowledged a directive that must be
    disseminated (response kind "disseminate"), for the revision it acknowledged."""

    recipient = ForeignKeyField(Recipient, backref="+", on_delete="RESTRICT")
    revision = IntegerField()
    activity = ForeignKeyField(Activity, backref="+", on_delete="RESTRICT")
    linked_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    linked_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("recipient", "revision"), True),)


class DirectiveConfirmation(BaseModel):
    """A school account confirmed personally having read a directive (which revision, when)."""

    directive = ForeignKeyField(Directive, backref="+", on_delete="RESTRICT")
    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    revision = IntegerField()
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("directive", "user", "revision"), True),)


ALL_MODELS = [
    School,
    User,
    AuditEntry,
    Notification,
    Setting,
    AccountRequest,
    LoginThrottle,
    RateLimitCounter,
    StoredFile,
    Directive,
    DirectiveRevision,
    DirectiveAttachment,
    Roster,
    RosterMember,
    RosterUpload,
    Recipient,
    SchoolTally,
    GroupTally,
    AckDay,
    Acknowledgement,
    ResponseStep,
    DirectiveReminder,
    ReminderStep,
    Incident,
    IncidentStudent,
    IncidentReferral,
    IncidentEvent,
    IncidentView,
    IncidentChecklistItem,
    IncidentAttachment,
    IncidentTally,
    Activity,
    ActivityDirective,
    ActivityAttendee,
    ActivityFile,
    ActivityRevision,
    StaffCount,
    OutboxMessage,
    Job,
    Dissemination,
    DirectiveConfirmation,
]


# --- Safe-school reviews (issue 13) ----------------------------------------------------------


class CriteriaSet(BaseModel):
    """A set of criteria a school reviews itself against (reviews/criteria/*.json, copied here
    when a round first uses it): named by its legal basis, versioned, for some school levels
    ([] = every level). `own_drafting` says the office drafted it (wholly or in part, as its
    description says); `derived_from` is the bundled set an office's own copy was made from.
    A round keeps the set it was launched with: a new version is a new row. Migration 0150."""

    code = CharField(max_length=40)
    version = IntegerField(default=1)
    name = CharField(max_length=300)
    legal_basis = CharField(max_length=300, default="")
    description = TextField(default="")
    levels = JSONField(default=list)
    own_drafting = BooleanField(default=False)
    derived_from = ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("code", "version"), True),)


class Criterion(BaseModel):
    """One criterion of a set, in its group (`group_code`, `group_title`), with its legal basis
    and the evidence expected."""

    criteria_set = ForeignKeyField(CriteriaSet, backref="criteria", on_delete="RESTRICT")
    group_code = CharField(max_length=16)
    group_title = CharField(max_length=300)
    code = CharField(max_length=16)
    text = TextField()
    legal_basis = CharField(max_length=300, default="")
    evidence = TextField(default="")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("criteria_set", "code"), True),)


class ReviewRound(BaseModel):
    """A review the office launched: its criteria, its schools (frozen into one ReviewSubmission
    each at launch, the audience kept as for directives), its deadline, optionally the directive
    it answers. The counts per state are kept by reviews/tallies.py in each write's
    transaction."""

    title = CharField(max_length=300)
    title_search = CharField(max_length=400, default="")
    criteria_set = ForeignKeyField(CriteriaSet, backref="+", on_delete="RESTRICT")
    audience_kind = CharField(max_length=16, default="all")
    audience_levels = JSONField(default=list)
    audience_ownerships = JSONField(default=list)
    audience_school_ids = JSONField(default=list)
    deadline = DateField()
    directive = ForeignKeyField(Directive, null=True, backref="+", on_delete="RESTRICT")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow, index=True)
    status = CharField(max_length=16, default="open", index=True)
    school_count = IntegerField(default=0)
    not_started_count = IntegerField(default=0)
    draft_count = IntegerField(default=0)
    submitted_count = IntegerField(default=0)
    returned_count = IntegerField(default=0)
    accepted_count = IntegerField(default=0)
    # The office last reminded the schools that still had to act, and how often.
    reminders_count = IntegerField(default=0)
    last_reminded_at = DateTimeField(null=True)
    # Migration 0160: the automatic reminders, in days from the deadline (negative: before);
    # empty: none (reminder_schedule.py, reviews/reminders.py).
    reminder_days = JSONField(default=lambda: [-3, 0, 1, 3])


class ReviewSubmission(BaseModel):
    """One school's review in one round. `state`: not_started, draft, submitted, returned,
    accepted (overdue is derived from the round's deadline). `version` is bumped by every write
    (optimistic locking); `changed` says whether the answers changed since the last submission
    (a returned review sent back unchanged is refused)."""

    review_round = ForeignKeyField(ReviewRound, backref="submissions", on_delete="RESTRICT")
    school = ForeignKeyField(School, backref="+", on_delete="RESTRICT")
    state = CharField(max_length=16, default="not_started")
    version = IntegerField(default=1)
    changed = BooleanField(default=False)
    started_at = DateTimeField(null=True)
    submitted_at = DateTimeField(null=True)
    submitted_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    submissions = IntegerField(default=0)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    updated_at = DateTimeField(default=utcnow)
    reminders_count = IntegerField(default=0)
    last_reminded_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("review_round", "school"), True),
            (("review_round", "state"), False),
            (("school",), False),
        )


class ReviewAnswer(BaseModel):
    """A school's answer to one criterion: verdict met, partly, not_met, na ("" not yet), its
    comment, and the officer's comment when the review was returned."""

    submission = ForeignKeyField(ReviewSubmission, backref="answers", on_delete="RESTRICT")
    criterion = ForeignKeyField(Criterion, backref="+", on_delete="RESTRICT")
    verdict = CharField(max_length=16, default="")
    comment = TextField(default="")
    return_comment = TextField(default="")
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("submission", "criterion"), True),)


class ReviewAction(BaseModel):
    """The improvement action a criterion not met or partly met needs: what, who, by when;
    closed by the school with its evidence."""

    answer = ForeignKeyField(ReviewAnswer, unique=True, backref="+", on_delete="RESTRICT")
    submission = ForeignKeyField(ReviewSubmission, backref="+", on_delete="RESTRICT")
    what = TextField(default="")
    who = CharField(max_length=200, default="")
    due_on = DateField(null=True)
    closed_at = DateTimeField(null=True)
    closed_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    closing_note = TextField(default="")
    closing_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("submission",), False), (("closed_at", "due_on"), False))


class ReviewEvidence(BaseModel):
    """A file that shows a criterion is met (checked by content); one taken off stays, inactive."""

    answer = ForeignKeyField(ReviewAnswer, backref="evidence", on_delete="RESTRICT")
    file = ForeignKeyField(StoredFile, unique=True, backref="+", on_delete="RESTRICT")
    added_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    added_at = DateTimeField(default=utcnow)
    active = BooleanField(default=True)


class ReviewEvent(BaseModel):
    """The history of a school's review: saved, submitted, returned, resubmitted, accepted,
    action_closed; who and when. Never edited, never deleted."""

    submission = ForeignKeyField(ReviewSubmission, backref="events", on_delete="RESTRICT")
    actor = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)
    kind = CharField(max_length=24)
    note = TextField(default="")
    details = JSONField(null=True)

    class Meta:
        indexes = ((("submission", "at"), False),)


class ReviewReminderStep(BaseModel):
    """One step of a review round's reminder schedule, for one deadline, done once (migration
    0160), like ReminderStep for directives: sent (to `schools` schools, 0 when none was left
    to remind) or skipped. The unique key decides which worker sends it."""

    review_round = ForeignKeyField(ReviewRound, backref="+", on_delete="RESTRICT")
    step = IntegerField()
    deadline = DateField()
    state = CharField(max_length=8)  # "sent" or "skipped"
    at = DateTimeField(default=utcnow)
    schools = IntegerField(default=0)

    class Meta:
        indexes = ((("review_round", "step", "deadline"), True),)


ALL_MODELS += [
    CriteriaSet,
    Criterion,
    ReviewRound,
    ReviewSubmission,
    ReviewAnswer,
    ReviewAction,
    ReviewEvidence,
    ReviewEvent,
    ReviewReminderStep,
]
