"""The administration's page queries (read only), built on access.py's visibility functions.
Each list is one query for its rows (schools and users joined, never one query per row) and
one count."""

from types import SimpleNamespace

from flask_babel import get_locale
from peewee import JOIN, Value, fn

from .. import school_search
from ..access import (
    TYPED_AT_SIGN_IN,
    account_requests_visible_to,
    audit_entry_details_visible,
    audit_visible_to,
    outbox_visible_to,
    schools_visible_to,
    stand_in,
    users_visible_to,
)
from ..clock import day_range
from ..db import Prepared, PreparedList
from ..i18n import fmt_time_day, gettext
from ..i18n import gettext as _
from ..models import (
    AccountRequest,
    AuditEntry,
    Directive,
    Incident,
    Job,
    OutboxMessage,
    Roster,
    School,
    User,
)
from ..text import fold
from .vocabulary import (
    AUDIT_ACTIONS,
    AUDIT_DETAILS,
    AUDIT_GROUPS,
    AUDIT_OTHER,
    AUDIT_SOMEONE,
    AUDIT_SYSTEM,
    AUDIT_WITHOUT_TARGET,
)

SCHOOL_STATUSES = ("active", "inactive", "all")


def schools(user, q="", level="", status="active"):
    query = school_search.narrow(schools_visible_to(user), {"q": q, "level": level})
    if status in ("active", "inactive"):
        query = query.where(School.active == (status == "active"))
    return query.order_by(School.name_key, School.id)


def users(user, q="", role=""):
    query = (
        users_visible_to(user)
        .select(User, School)
        .join(School, JOIN.LEFT_OUTER, on=(User.school == School.id))
    )
    if q:
        folded = fold(q)
        query = query.where(User.username.contains(q.lower()) | User.name_search.contains(folded)
                            | School.name_search.contains(folded))
    if role:
        query = query.where(User.role == role)
    return query.order_by(User.role, User.name_key, User.id)


def audit_entries(user, actor="", action="", first=None, last=None):
    """The audit log `user` may read, newest first, as plain rows (a model and its joined
    person cost more to build than the rest of the row), each with its actor's name
    (`person_name`, None without an account); one query. `actor` finds a person by full name
    (ignoring case and diacritics) or username, `action` is a code or the prefix of a group;
    `first`/`last` are local days (included)."""
    query = (audit_visible_to(user)
             .select(*(field.alias(field.column_name) for field in AuditEntry._meta.sorted_fields),
                     User.full_name.alias("person_name"))
             .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id))
             .objects(SimpleNamespace))
    if actor and actor.strip():
        query = query.where(User.name_search.contains(fold(actor))
                            | AuditEntry.actor_name.contains(actor.strip().lower()))
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip()))
    start, end = day_range(first, last)
    if start:
        query = query.where(AuditEntry.at >= start)
    if end:
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


# The log as it opens (no filter), by the reader's role: prepared statements (db.PreparedList)
# for its page and its count as far as the pager reaches; their SQL cost about 1 ms to build.
_UNFILTERED = {}


def audit_page(user, actor="", action="", first=None, last=None):
    """What the log's page lists (web.Pages reads it): `audit_entries`, as prepared statements
    when nothing narrows it."""
    if actor or action or first or last:
        return audit_entries(user, actor, action, first, last)
    if user.role not in _UNFILTERED:
        role = user.role
        _UNFILTERED[role] = PreparedList.statements(
            lambda: audit_entries(stand_in(role, None, None)))
    return PreparedList(*_UNFILTERED[user.role])


def failed_sign_ins(user, first=None, last=None):
    """Failed sign-ins counted per client address (newest first), never the names typed: one
    row per address with its count, how many of them named an account, and the first and last
    time; `first`/`last` are local days (included)."""
    entries = audit_visible_to(user).where(AuditEntry.action.in_(sorted(TYPED_AT_SIGN_IN)),
                                           AuditEntry.action != "login.throttle_locked")
    start, end = day_range(first, last)
    if start:
        entries = entries.where(AuditEntry.at >= start)
    if end:
        entries = entries.where(AuditEntry.at < end)
    return (entries.select(AuditEntry.ip,
                           fn.COUNT(AuditEntry.id).filter(AuditEntry.action == "login.failed")
                           .alias("failures"),
                           fn.COUNT(AuditEntry.id).filter(AuditEntry.action == "login.throttled")
                           .alias("refused"),
                           fn.MIN(AuditEntry.at).alias("first_at"),
                           fn.MAX(AuditEntry.at).alias("last_at"))
            .group_by(AuditEntry.ip)
            .order_by(fn.MAX(AuditEntry.at).desc(), AuditEntry.ip)
            .dicts())


def account_requests(user, state="pending"):
    """The account requests `user` may see, pending first then newest, with who asked."""
    asker = User.alias()
    query = (account_requests_visible_to(user)
             .select(AccountRequest, asker)
             .join(asker, JOIN.LEFT_OUTER, on=(AccountRequest.requested_by == asker.id)))
    if state == "pending":
        query = query.where(AccountRequest.state == "pending")
    return query.order_by(AccountRequest.requested_at.desc(), AccountRequest.id.desc())


def pending_request_count(user):
    return account_requests_visible_to(user).where(AccountRequest.state == "pending").count()


def pending_request_for(user, account):
    """The pending request about `account`, if any (the account's page says it waits)."""
    return (account_requests_visible_to(user)
            .where(AccountRequest.user == account.id, AccountRequest.state == "pending")
            .first())


# --- The audit log in sentences -------------------------------------------------------------

def _numbers(ids):
    return [int(i) for i in ids if str(i).isdigit() and len(str(i)) <= 10]


# How a sentence names each kind of object: (its id, a text, a second text) by kind.
_NAMING = {
    "directive": lambda: (Directive, Directive.id, Directive.number, Value("")),
    "incident": lambda: (Incident, Incident.id, Incident.reference, Value("")),
    "school": lambda: (School, School.id, School.name, Value("")),
    "user": lambda: (User, User.id, User.full_name, User.username),
    "roster": lambda: (Roster, Roster.id, School.name, Roster.version.cast("text")),
    "account_request": lambda: (AccountRequest, AccountRequest.id, AccountRequest.username,
                                Value("")),
}


def _name(kind, text, more):
    if kind == "user":
        return f"{text} ({more})"
    if kind == "roster":
        return _("%(school)s (phiên bản %(version)d)", school=text, version=int(more))
    return text


# The kinds of object a sentence names; all looked up in one statement per page (whatever the
# entries).
NAMED_TARGETS = ("directive", "incident", "school", "user", "roster", "account_request")


def _names_query(slots):
    """One SELECT of each kind's names joined by UNION ALL: {kind: ids} wanted."""
    parts = []
    for kind in NAMED_TARGETS:
        model, key, text, more = _NAMING[kind]()
        query = model.select(Value(kind), key, text, more).where(key.in_(slots[kind]))
        if kind == "roster":
            query = query.join(School, on=(Roster.school == School.id))
        parts.append(query)
    union = parts[0]
    for part in parts[1:]:
        union = union.union_all(part)
    return union


# A page's names, as a prepared statement (its SQL cost 1-2 ms to build on every page): a slot
# per entry of a page for each kind; the slots a page leaves over hold 0, which no row has. A
# batch with more of a kind (the CSV export) takes the query built for it.
NAME_SLOTS = 50
NAMES = Prepared(
    lambda **values: _names_query({kind: [values[f"{kind}_{i}"] for i in range(NAME_SLOTS)]
                                   for kind in NAMED_TARGETS}),
    **{f"{kind}_{i}": -(7_960_000 + 1000 * k + i)
       for k, kind in enumerate(NAMED_TARGETS) for i in range(NAME_SLOTS)})


def _names(wanted):
    """{kind: {target id (text): how a sentence names it}} for the objects the page's entries
    name: one statement, a SELECT of each kind joined by UNION ALL (six round trips before)."""
    numbers = {kind: _numbers(wanted[kind]) for kind in NAMED_TARGETS}
    if max(len(ids) for ids in numbers.values()) <= NAME_SLOTS:
        cursor = NAMES.rows(**{f"{kind}_{i}": ids[i] if i < len(ids) else 0
                               for kind, ids in numbers.items() for i in range(NAME_SLOTS)})
        found = cursor.fetchall()
    else:
        found = _names_query(numbers).tuples()
    names = {kind: {} for kind in NAMED_TARGETS}
    for kind, key, text, more in found:
        names[kind][str(key)] = _name(kind, text, more)
    return names


def _detail_value(value):
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{_detail_value(value[0])} → {_detail_value(value[1])}"
    if value is None or value == "":
        return "—"
    return str(value)


def audit_details(user, entry):
    """[(label, value)] of the details a reader may see, named in words (never JSON, never a
    key), or the reason they are not shown: (None, reason)."""
    if not audit_entry_details_visible(user, entry):
        if entry.action in TYPED_AT_SIGN_IN:
            return None, _("(tên đăng nhập đã gõ: không hiển thị)")
        return None, _("(nội dung vụ việc: không hiển thị)")
    details = entry.details if isinstance(entry.details, dict) else {}
    return [(str(label), _detail_value(details[key])) for key, label in AUDIT_DETAILS.items()
            if key in details and not isinstance(details[key], dict)], None


def audit_rows(user, entries):
    """The entries told as sentences in the reader's language: [{entry, at, actor, action,
    sentence}]. Never an action code, an id or the details' JSON; the admin is told that an
    incident was read or changed, by whom and when, never what it is about."""
    entries = list(entries)
    wanted = {kind: set() for kind in NAMED_TARGETS}
    for e in entries:
        if e.target_type in wanted and e.target_id:
            wanted[e.target_type].add(e.target_id)
    names = _names(wanted) if entries else {}
    rows = []
    for e in entries:
        label, sentence = AUDIT_ACTIONS.get(e.action, AUDIT_OTHER)
        if e.person_name is not None:
            actor = e.person_name
        elif e.action in TYPED_AT_SIGN_IN:
            actor = str(AUDIT_SOMEONE)
        else:
            actor = e.actor_name or str(AUDIT_SYSTEM)
        target = names.get(e.target_type, {}).get(e.target_id, "")
        if not target and e.action in AUDIT_WITHOUT_TARGET:
            sentence = AUDIT_WITHOUT_TARGET[e.action]
        elif not target:
            target = _("(không rõ)")
        text = gettext(sentence, actor=actor, target=target)
        details, hidden = audit_details(user, e)
        when = fmt_time_day(e.at)
        rows.append({"entry": e, "at": e.at, "details": details, "hidden": hidden,
                     "actor": actor, "action": str(label), "sentence": text,
                     "full": _("%(sentence)s lúc %(time)s", sentence=text, time=when)})
    return rows


_ACTION_CHOICES = {}


def audit_action_choices():
    """The action filter: every group, then every action, by name (made once per language)."""
    language = str(get_locale())
    if language not in _ACTION_CHOICES:
        groups = [(prefix, str(label)) for prefix, label in AUDIT_GROUPS.items()]
        actions = sorted(((code, str(label)) for code, (label, _s) in AUDIT_ACTIONS.items()),
                         key=lambda c: fold(c[1]))
        _ACTION_CHOICES[language] = [("", _("Mọi thao tác"))] + groups + actions
    return _ACTION_CHOICES[language]


# --- The e-mail outbox ------------------------------------------------------------------------

OUTBOX_STATES = {
    "attention": ("pending", "sending", "failed"),
    "failed": ("failed",),
    "waiting": ("pending", "sending"),
    "sent": ("sent",),
}


def outbox(user, state="attention"):
    """The messages of the outbox the admin reads, newest first, each with its account (one
    query for the rows)."""
    query = (outbox_visible_to(user)
             .select(OutboxMessage, User.id, User.full_name, User.email)
             .join(User, on=(OutboxMessage.user == User.id)))
    if state in OUTBOX_STATES:
        query = query.where(OutboxMessage.state.in_(OUTBOX_STATES[state]))
    return query.order_by(OutboxMessage.id.desc())


def outbox_counts(user):
    """How many messages wait and how many failed (the states the index finds quickly: never
    the sent ones, which pile up)."""
    rows = (outbox_visible_to(user)
            .select(OutboxMessage.state, fn.COUNT(OutboxMessage.id).alias("n"))
            .where(OutboxMessage.state.in_(OUTBOX_STATES["attention"]))
            .group_by(OutboxMessage.state).tuples())
    counts = dict(rows)
    return {"waiting": counts.get("pending", 0) + counts.get("sending", 0),
            "failed": counts.get("failed", 0)}


def scheduled_jobs():
    """The scheduled jobs' last and next runs (shown to the admin with the outbox)."""
    return list(Job.select().order_by(Job.name))


def masked_address(address):
    """An address shown in part: "ng***@songxanh.edu.vn"."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "—" if not address else address[:2] + "***"
    return f"{local[:2]}***@{domain}"


def masked_error(error, *addresses):
    """The server's words, with the addresses they quote shown in part."""
    for address in addresses:
        if address and "@" in address:
            error = error.replace(address, masked_address(address))
    return error
