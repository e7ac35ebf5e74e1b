"""What the directive pages read (never write), always through access.py's scopes.

The state of a school's receipt is derived in SQL (`state_expr()`), so lists count, filter and
sort by it with a fixed number of queries whatever the number of schools. Days are the office's
local days (district/clock.py): a directive is overdue once the local day after its deadline has
begun, i.e. from `clock.day_end(deadline)` (a UTC instant) on; a date column compared with the
local `clock.today()` says exactly that, the same way on SQLite and PostgreSQL.
"""

import datetime as dt
from types import SimpleNamespace

from flask import current_app, g, has_app_context, has_request_context
from peewee import JOIN, SQL, Alias, Case, Field, Select, fn

from .. import charts, clock, school_search
from ..access import (
    activities_visible_to,
    confirms_personally,
    directive_aggregates_scope,
    directive_tallies_scope,
    directives_visible_to,
    may_acknowledge,
    own_school_receipts,
    receives_directives,
    recipients_visible_to,
    school_tallies_scope,
    schools_visible_to,
    stand_in,
    users_visible_to,
)
from ..activities.vocabulary import QUAN_TRIET, STAFF_GROUPS
from ..db import Prepared, PreparedList, ScopedPrepared, is_everything, is_sqlite
from ..i18n import gettext as _
from ..models import (
    AckDay,
    Acknowledgement,
    Activity,
    ActivityDirective,
    Directive,
    DirectiveAttachment,
    DirectiveConfirmation,
    DirectiveReminder,
    DirectiveRevision,
    Dissemination,
    GroupTally,
    Recipient,
    ResponseStep,
    ReviewRound,
    ReviewSubmission,
    Roster,
    School,
    SchoolTally,
    StaffCount,
    StoredFile,
    User,
)
from ..rosters.queries import valid_roster_on_file  # the rosters feature decides what is valid
from ..text import clean, fold, sort_key
from ..vocabulary import LEVEL_LABELS, OFFICER, OWNERSHIP_LABELS, PRINCIPAL, SCHOOL_ROLES, STAFF
from .vocabulary import (
    AUDIENCE_LABELS,
    PURPOSE_LABELS,
    RESPONSE_STATES,
    REVIEW_ROUND_KIND,
    REVIEWED_KINDS,
    STATES,
    STATUS_LABELS,
)


def is_late(deadline, at):
    """An acknowledgement at `at` (UTC) is late when it falls after the local deadline day."""
    return at >= clock.day_end(deadline)


def count_if(condition):
    """SQL: how many rows of a group meet `condition`."""
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _overdue(today):
    """Published, and its deadline day has ended locally (acknowledged or not)."""
    return (Directive.status == "published") & (Directive.deadline < today)


def is_overdue(directive, today=None):
    """`_overdue` of one directive, in Python: the same for every receipt of it, so a query of
    one directive's receipts can take it as known (`state_is`, `state_rank`) rather than join
    the directive and compare its deadline in SQL."""
    today = today or clock.today()
    return (directive.status == "published" and directive.deadline is not None
            and directive.deadline < today)


INFO = Recipient.purpose == "info"
ACT = Recipient.purpose == "act"
# A condition no row meets (a state that cannot occur while the deadline is, or is not, past):
# written as a constant, so PostgreSQL plans it as one and reads nothing.
NEVER = SQL("1 = 0")


def _state_case(today, value, overdue=None):
    """SQL: `value(state)` for the derived state of a recipient (needs Directive joined unless
    `overdue`, whether the deadline is past, is known: `is_overdue`). A school informed of the
    directive is never overdue: unread, then "informed" once it opened it."""
    today = today or clock.today()
    whens = [
        ((Recipient.acknowledged_at.is_null(False)) & (Recipient.ack_late == True),  # noqa: E712
         value("acknowledged_late")),
        (Recipient.acknowledged_at.is_null(False), value("acknowledged")),
        (INFO & Recipient.first_read_at.is_null(False), value("informed")),
        (INFO, value("unread")),
    ]
    if overdue is None:
        whens.append((_overdue(today), value("overdue")))
    elif overdue:
        return Case(None, whens, value("overdue"))
    whens.append((Recipient.first_read_at.is_null(False), value("read")))
    return Case(None, whens, value("unread"))


def state_expr(today=None):
    """The derived state of a recipient (needs Directive joined)."""
    return _state_case(today, lambda state: state)


def state_is(state, today=None, overdue=None):
    """SQL: the receipt is in `state`, as `state_expr` derives it, written as conditions on its
    columns (needs Directive joined unless `overdue` is known: `is_overdue`): PostgreSQL can
    estimate these and read them from an index, where it can do neither for the CASE compared
    with a value. With `overdue` known no condition compares the deadline (nor needs the
    directive's row), and a state that cannot occur is a constant false."""
    today = today or clock.today()
    acked, waiting = Recipient.acknowledged_at.is_null(False), Recipient.acknowledged_at.is_null()
    read, unread = Recipient.first_read_at.is_null(False), Recipient.first_read_at.is_null()
    acting = Recipient.purpose != "info"
    if overdue is None:
        past = _overdue(today)
        overdue_is, read_is, unread_is = (waiting & acting & past, waiting & acting & ~past & read,
                                          waiting & unread & (INFO | ~past))
    elif overdue:
        overdue_is, read_is, unread_is = waiting & acting, NEVER, waiting & unread & INFO
    else:
        overdue_is, read_is, unread_is = NEVER, waiting & acting & read, waiting & unread
    return {
        "acknowledged_late": acked & (Recipient.ack_late == True),  # noqa: E712
        "acknowledged": acked & (Recipient.ack_late == False),  # noqa: E712
        "informed": waiting & INFO & read,
        "overdue": overdue_is,
        "read": read_is,
        "unread": unread_is,
    }[state]


def state_rank(today=None, overdue=None):
    """The states in order of urgency, for sorting: overdue first, acknowledged last."""
    return _state_case(today, STATES.index, overdue)


def _search(query, q):
    if q:
        query = query.where(Directive.title_search.contains(fold(q))
                            | Directive.number.contains(clean(q)))
    return query


# --- Audience -------------------------------------------------------------------------------


def audience_query(kind, levels=(), ownerships=(), school_ids=()):
    """The active schools an audience designates, in Vietnamese order."""
    query = School.select().where(School.active == True)  # noqa: E712
    if kind == "filter":
        if levels:
            query = query.where(School.level.in_(list(levels)))
        if ownerships:
            query = query.where(School.ownership.in_(list(ownerships)))
    elif kind == "list":
        ids = [int(i) for i in school_ids or () if str(i).isdigit()]
        query = query.where(School.id.in_(ids or [0]))
    return query.order_by(School.name_key)


def directive_audience(directive):
    return audience_query(directive.audience_kind, directive.audience_levels or (),
                          directive.audience_ownerships or (), directive.audience_school_ids or ())


def audience_summary(query):
    """{count, schools} of an audience query, for the preview."""
    schools = list(query.select(School.id, School.name))
    return {"count": len(schools), "schools": schools}


def audience_description(directive):
    if directive.audience_kind == "filter":
        levels = ", ".join(str(LEVEL_LABELS[x]) for x in directive.audience_levels or ())
        owners = ", ".join(str(OWNERSHIP_LABELS[x]) for x in directive.audience_ownerships or ())
        return _("Cấp học: %(levels)s; loại hình: %(owners)s",
                 levels=levels or _("mọi cấp"), owners=owners or _("mọi loại hình"))
    return str(AUDIENCE_LABELS[directive.audience_kind])


def school_codes(school_ids):
    """The codes of these schools, in Vietnamese order of their names."""
    if not school_ids:
        return []
    return [s.code for s in School.select(School.code)
            .where(School.id.in_(list(school_ids))).order_by(School.name_key)]


def number_taken(number, exclude_id=None):
    """Case-insensitive for Vietnamese letters too (SQLite's LOWER only folds ASCII): the few
    numbers of the same length are compared in Python."""
    query = Directive.select(Directive.id, Directive.number).where(
        fn.LENGTH(Directive.number) == len(number))
    if exclude_id:
        query = query.where(Directive.id != exclude_id)
    return any(d.number.casefold() == number.casefold() for d in query)


# --- Lists ----------------------------------------------------------------------------------


def _not_acknowledged_if_overdue(today):
    """SQL: the schools of an overdue directive that have not acknowledged it (kept counts)."""
    return Case(None, [(_overdue(today), Directive.recipient_count - Directive.ack_count)], 0)


def officer_list(user, q="", status="", overdue_only=False):
    """Every directive with its counts, read from the counts kept with it (tallies.py): the
    list costs the same with 40 recipients or 600,000. Only the columns the list shows."""
    status = status if status in STATUS_LABELS else ""
    return _officer_list(user, clock.today(), q, status, overdue_only)


def officer_list_page(user, q="", status="", overdue_only=False):
    """`officer_list` as its page reads it (web.Pages): the office's list unsearched through
    prepared statements (`OFFICE_LIST`)."""
    status = status if status in STATUS_LABELS else ""
    if q or not is_everything(directives_visible_to(user)):
        return officer_list(user, q, status, overdue_only)
    rows, count = OFFICE_LIST[(bool(status), bool(overdue_only))]
    return PreparedList(rows, count, today=clock.today(), **({"status": status} if status else {}))


def _officer_list(user, today, q, status, overdue_only):
    query = (directives_visible_to(user)
             .select(Directive.id, Directive.number, Directive.title, Directive.status,
                     Directive.deadline,
                     Directive.recipient_count.alias("n_total"),
                     Directive.ack_count.alias("n_acked"),
                     Directive.late_count.alias("n_late"),
                     _not_acknowledged_if_overdue(today).alias("n_overdue")))
    query = _search(query, q)
    if status:
        query = query.where(Directive.status == status)
    if overdue_only:
        query = query.where(_overdue(today))
    return query.order_by(Directive.issued_on.desc(), Directive.id.desc())


def school_inbox(user, q="", state=""):
    """The directives sent to the user's school with the school's state, in one query (the
    columns the inbox shows): from the school's own receipts, so the directives it may see are
    those joined, without asking again which they are (`directives_visible_to`: an IN over
    the school's receipts, 1 ms more for the count and the page each)."""
    return _school_inbox(user, clock.today(), q, state)


def school_inbox_page(user, q="", state=""):
    """`school_inbox` as its page reads it (web.Pages): unsearched, through prepared statements
    per role (`INBOX`), the school in a slot."""
    if q or user.role not in INBOX_ROLES:
        return school_inbox(user, q, state)
    shape = state if state in ("new", "pending") else "state" if state in STATES else ""
    rows, count = INBOX[(user.role, shape)]
    return PreparedList(rows, count, school_id=user.school_id, today=clock.today(),
                        **({"state": state} if shape == "state" else {}))


def _school_inbox(user, today, q, state, slot=False):
    state_col = state_expr(today)
    query = (own_school_receipts(user)
             .select(Directive.id, Directive.number, Directive.title, Directive.status,
                     Directive.revision, Directive.issued_on, Directive.deadline,
                     state_col.alias("state"))
             .join(Directive, on=(Recipient.directive == Directive.id))
             .where(Directive.status != "draft")
             .objects(Directive))
    query = _search(query, q)
    if state == "new":
        query = query.where(state_col == "unread")
    elif state == "pending":
        query = query.where(Recipient.acknowledged_at.is_null() & ACT
                            & (Directive.status == "published"))
    elif slot or state in STATES:
        query = query.where(state_col == state)
    return query.order_by(Directive.published_at.desc(), Directive.id.desc())


# The office's list and a school's inbox as they open or under one filter, on every visit:
# (rows, count) prepared statements (db.PreparedList), their SQL built once. A statement of the
# inbox serves every school of a role (the school is a slot, through a stand-in user).
_TODAY = dt.date(1901, 1, 3)  # the slot of today's date
OFFICE_LIST = {
    (by_status, overdue): PreparedList.statements(
        lambda today, status=None, b=by_status, o=overdue:
        _officer_list(stand_in(OFFICER, None, None), today, "", status if b else "", o),
        today=_TODAY, status="~directive-status~")
    for by_status in (False, True) for overdue in (False, True)}
INBOX_ROLES = (PRINCIPAL, STAFF)


def _inbox_statements(role, shape):
    def build(school_id, today, state=None):
        return _school_inbox(stand_in(role, school_id, None), today, "",
                             state if shape == "state" else shape, slot=shape == "state")
    return PreparedList.statements(build, school_id=-7_133, today=_TODAY, state="~inbox-state~")


INBOX = {(role, shape): _inbox_statements(role, shape)
         for role in INBOX_ROLES for shape in ("", "new", "pending", "state")}


def pending_count(user):
    """The header badge: for who acknowledges, directives the school has still to acknowledge;
    for the other staff, directives nobody of the school has opened yet. One query, asked on
    every page of a school's users: its SQL is built once for each of the two (db.Prepared).
    Counted once per request (the badge and the school's home card both show it; every view
    writes before it renders)."""
    if not receives_directives(user):
        return 0
    kept = g.get("pending_directives") if has_request_context() else None
    if kept is None or kept[0] != user.id:
        kept = (user.id,
                PENDING[may_acknowledge(user)].rows(school_id=user.school_id).fetchone()[0])
        if has_request_context():
            g.pending_directives = kept
    return kept[1]


def _school_user(acknowledges, school_id, user_id=-7402):
    """A stand-in (access.stand_in) for a user of school `school_id` who acknowledges (the
    principal) or not."""
    return stand_in(PRINCIPAL if acknowledges else STAFF, school_id, user_id)


def _pending_query(acknowledges, school_id):
    """The badge's count, through access.own_school_receipts."""
    user = _school_user(acknowledges, school_id)
    return (own_school_receipts(user)
            .select(fn.COUNT(SQL("*")))  # from the index of open receipts alone (0270)
            .join(Directive, on=(Recipient.directive == Directive.id))
            .where(Directive.status == "published", _awaits(user)))


PENDING = {acknowledges: Prepared(lambda school_id, a=acknowledges: _pending_query(a, school_id),
                                  school_id=-7401)
           for acknowledges in (True, False)}


def _awaits(user):
    """What still waits on the school: for who acknowledges, the directives to act on not yet
    acknowledged, and those for information not yet opened; for the other staff, those nobody
    of the school has opened yet."""
    if may_acknowledge(user):
        return Recipient.acknowledged_at.is_null() & (ACT | Recipient.first_read_at.is_null())
    return Recipient.first_read_at.is_null()


# The most directives the school's home card lists (beyond it, a link to the inbox).
HOME_LIMIT = 20


def needs_action(user, today=None):
    """The directives the header badge counts (`pending_count`), most urgent first: for who
    acknowledges, those the school has still to acknowledge; for the other staff, those nobody
    of the school has opened yet. Each with its derived state and response kind."""
    state_col = state_expr(today)
    query = (directives_visible_to(user)
             .select(Directive.id, Directive.number, Directive.title, Directive.deadline,
                     Directive.response_kind, (Recipient.purpose == "info").alias("informed"),
                     state_col.alias("state"))
             .join(Recipient, on=((Recipient.directive == Directive.id)
                                  & (Recipient.school == user.school_id)))
             .where(Directive.status == "published", _awaits(user)))
    return query.order_by(Directive.deadline, Directive.id)


def school_home(user):
    """The school's home card: the badge's figure, what it counts, and the directives it counts
    (at most HOME_LIMIT; two queries, or three for who confirms personally). Asked on each
    home page of a school's users: the statements are built once (db.Prepared)."""
    acknowledges = may_acknowledge(user)
    found = {"pending": pending_count(user), "acknowledges": acknowledges,
             "rows": HOME_ROWS[acknowledges].objects(school_id=user.school_id,
                                                     today=clock.today()),
             "to_confirm": []}
    if confirms_personally(user):
        found["to_confirm"] = HOME_TO_CONFIRM.objects(school_id=user.school_id, user_id=user.id)
    return found


HOME_ROWS = {
    acknowledges: Prepared(
        lambda school_id, today, a=acknowledges:
            needs_action(_school_user(a, school_id), today).limit(HOME_LIMIT),
        school_id=-7401, today=dt.date(1901, 1, 3))
    for acknowledges in (True, False)}


# --- One directive --------------------------------------------------------------------------


def own_receipt(user, directive):
    """The user's school's receipt of `directive` (None for the office's people)."""
    return own_school_receipts(user).where(Recipient.directive == directive.id).first()


def recipient_for(directive, school_id):
    return (Recipient.select()
            .where(Recipient.directive == directive.id, Recipient.school == school_id).first())


def attachments(directive):
    return list(DirectiveAttachment.select(DirectiveAttachment, StoredFile)
                .join(StoredFile)
                .where(DirectiveAttachment.directive == directive.id,
                       DirectiveAttachment.active == True))  # noqa: E712


def revisions(directive):
    return list(DirectiveRevision.select()
                .where(DirectiveRevision.directive == directive.id)
                .order_by(DirectiveRevision.revision.desc()))


def history(recipient):
    return (Acknowledgement.select(Acknowledgement, User)
            .join(User, on=(Acknowledgement.by == User.id))
            .where(Acknowledgement.recipient == recipient.id)
            .order_by(Acknowledgement.at.desc()))


def ack_blocker(user, directive, recipient):
    """Why this user cannot acknowledge now (a translated message), or None."""
    if not may_acknowledge(user):
        return _("Chỉ hiệu trưởng (phó hiệu trưởng) mới xác nhận văn bản cho nhà trường.")
    if recipient is None:
        return _("Văn bản này không gửi đến trường của bạn.")
    if directive.status != "published":
        return _("Văn bản đã bị thu hồi, không cần xác nhận.")
    if recipient.purpose == "info":
        return _("Văn bản gửi nhà trường để biết: đọc là đủ, không cần xác nhận.")
    if recipient.acknowledged_at is not None:
        return _("Nhà trường đã xác nhận văn bản này.")
    if directive.response_kind == REVIEW_ROUND_KIND:
        return _("Văn bản này yêu cầu nộp bản tự rà soát trường học an toàn: nhà trường xác nhận "
                 "văn bản khi nộp bản rà soát trong đợt rà soát của Phòng.")
    if directive.response_kind == "roster" and valid_roster_on_file(user.school_id) is None:
        return _("Văn bản này yêu cầu nhà trường có danh sách tổ tư vấn tâm lý hợp lệ. "
                 "Hãy cập nhật danh sách tổ tư vấn trước khi xác nhận.")
    if directive.response_kind == "disseminate" and not dissemination_activities(
            user, directive).exists():
        return _("Văn bản này yêu cầu nhà trường tổ chức quán triệt. Hãy ghi hoạt động quán "
                 "triệt văn bản này (loại “Quán triệt văn bản”, chọn văn bản này trong mục "
                 "“Văn bản thực hiện”) trước khi xác nhận.")
    return None


def response_file_visible(user, directive, file_id):
    """An attachment of the directive, or a school's response that the user may track."""
    attached = (DirectiveAttachment.select()
                .where(DirectiveAttachment.directive == directive.id,
                       DirectiveAttachment.file == file_id,
                       DirectiveAttachment.active == True).exists())  # noqa: E712
    return attached or (recipients_visible_to(user)
                        .where(Recipient.directive == directive.id,
                               Recipient.response_file == file_id).exists())


# --- Tracking -------------------------------------------------------------------------------

# The tracking list's sorts: each the column ordered by, as of the local day `today` (and,
# for the state, whether the directive is overdue, when known: `is_overdue`).
SORTS = {
    "school": lambda today, overdue: School.name_key,
    "level": lambda today, overdue: School.level,
    "commune": lambda today, overdue: School.commune,
    "state": state_rank,
    "read": lambda today, overdue: Recipient.first_read_at,
    "acknowledged": lambda today, overdue: Recipient.acknowledged_at,
    "reminders": lambda today, overdue: Recipient.reminders_count,
    "response": lambda today, overdue: Recipient.response_state,
}
DEFAULT_SORT = "school"


def _state_counts_query(scope, _variant, directive_id, today):
    state_col = state_expr(today)
    return (scope
            .select(fn.COUNT(Recipient.id).alias("total"),
                    *[count_if(state_col == s).alias(s) for s in STATES],
                    count_if(INFO).alias("info"),
                    *[count_if(Recipient.response_state == r).alias(f"response_{r}")
                      for r in RESPONSE_STATES])
            .join(Directive, on=(Recipient.directive == Directive.id))
            .where(Recipient.directive == directive_id))


# The counts of the tracking page and the office's directive page: a large conditional count
# whose SQL costs far more to build than to run, so it is built once per scope and kind of
# database (db.ScopedPrepared); the directive and today's date are its parameters.
STATE_COUNTS = ScopedPrepared(_state_counts_query, directive_id=-7101, today=dt.date(1901, 1, 1))


def _kept_state_counts(directive, today):
    """The row of STATE_COUNTS from the directive's counts kept by directives/tallies.py (its
    recipients all in the scope)."""
    d = directive
    waiting = d.recipient_count - d.ack_count  # act on it, not acknowledged
    opened = d.read_count - d.read_acked_count  # of those, opened it
    overdue = is_overdue(d, today)
    return {"total": d.recipient_count + d.info_count, "info": d.info_count,
            "overdue": waiting if overdue else 0, "read": 0 if overdue else opened,
            "unread": (0 if overdue else waiting - opened) + d.info_count - d.info_read_count,
            "informed": d.info_read_count, "acknowledged_late": d.late_count,
            "acknowledged": d.ack_count - d.late_count,
            **{f"response_{r}": getattr(d, f"{r}_count") for r in RESPONSE_STATES}}


def _counted_state_counts(scope, directive, today):
    """The row of STATE_COUNTS: the recipients in `scope` grouped, in one query."""
    cursor = STATE_COUNTS.get(scope).rows(directive_id=directive.id, today=today)
    return {column[0]: int(value or 0)
            for column, value in zip(cursor.description, cursor.fetchone(), strict=True)}


def state_counts(user, directive):
    """{state: count} and the total: from the directive's kept counts when the user's scope is
    every recipient (the office; `directive` as this request loaded it), otherwise counted."""
    scope = recipients_visible_to(user)
    row = (_kept_state_counts(directive, clock.today()) if is_everything(scope)
           else _counted_state_counts(scope, directive, clock.today()))
    counts = {s: row[s] for s in STATES}
    counts["all"] = everyone = row["total"]
    counts["info"] = row["info"]
    # The schools that act on it: what "done" and the rate are of.
    counts["total"] = total = everyone - counts["info"]
    counts["done"] = done = counts["acknowledged"] + counts["acknowledged_late"]
    counts["rate"] = round(100 * done / total) if total else 0
    counts["pct"] = {s: (100 * counts[s] / everyone if everyone else 0) for s in STATES}
    counts["responses"] = {r: row[f"response_{r}"] for r in RESPONSE_STATES}
    counts["responses"]["waiting"] = (counts["responses"]["submitted"]
                                      + counts["responses"]["resubmitted"])
    return counts


def tracking_order(user, directive, filters):
    """The receipts of one directive under the tracking page's filters, in its order: only
    their ids, as named tuples (web.Pages pages them, then `tracking_rows_of` loads the page's
    rows). The office's, unsearched, from a prepared statement (`_ORDER_STATEMENTS`)."""
    given = _tracking_given(filters)
    scope = recipients_visible_to(user)
    overdue = is_overdue(directive)
    if is_everything(scope) and "q" not in given:
        shape = _order_shape(given, overdue)
        slots = {name: given[name] for name in _ORDER_SLOTS if name in given}
        return PreparedList(*_order_statements(shape), directive_id=directive.id, **slots)
    return _tracking_filtered(_order_query(scope), directive.id, given,
                              overdue=overdue).namedtuples()


def _order_query(scope):
    """The receipts of `scope` with their schools: whether the directive is overdue is known
    (`is_overdue`), so its row is not joined."""
    return scope.select(Recipient.id).join(School, on=(Recipient.school == School.id))


def _tracking_given(filters):
    """The tracking page's filters that narrow or order its list, each valid value kept (an
    unknown state, purpose, response or sort is as if not given)."""
    given = {"sort": filters.get("sort") if filters.get("sort") in SORTS else DEFAULT_SORT,
             "dir": "desc" if filters.get("dir") == "desc" else "asc"}
    if filters.get("state") in STATES:
        given["state"] = filters["state"]
    if filters.get("purpose") in PURPOSE_LABELS:
        given["purpose"] = filters["purpose"]
    if filters.get("response") in ("waiting", "none", *RESPONSE_STATES):
        given["response"] = filters["response"]
    for name in ("q", "level", "ownership", "commune"):
        if (filters.get(name) or "").strip():
            given[name] = filters[name]
    return given


def _tracking_filtered(query, directive_id, given, today=None, overdue=None):
    """`query` of receipts (joined to School, and to Directive unless `overdue` is known)
    narrowed and ordered by the filters `_tracking_given` kept; `overdue`: whether the
    directive is, when known (`is_overdue`: its state filter and sort then compare no
    deadline)."""
    query = query.where(Recipient.directive == directive_id)
    if "state" in given:
        query = query.where(state_is(given["state"], today, overdue))
    if "purpose" in given:
        query = query.where(Recipient.purpose == given["purpose"])
    response = given.get("response")
    if response == "waiting":
        query = query.where(Recipient.response_state.in_(["submitted", "resubmitted"]))
    elif response == "none":
        query = query.where(ACT, Recipient.response_state == "")
    elif response:
        query = query.where(Recipient.response_state == response)
    query = school_search.narrow(query, given)
    column = SORTS[given["sort"]](today, overdue)
    order = column.desc() if given["dir"] == "desc" else column.asc()
    return query.order_by(order, School.name_key, Recipient.id)


# The office's tracking order (every receipt in its scope) is a pair of prepared statements
# (rows, count: db.PreparedList) per shape: which of the slotted filters are given, whether the
# directive is overdue (`is_overdue`), the state and response filters, the sort and its
# direction; the directive and the slotted filters' values are their slots. Its SQL (the
# state's CASE) cost 0.5 to 1 ms to build and PostgreSQL 0.4 to 1.6 ms to plan on each visit.
# The state filter is conditions on the receipt's columns (`state_is`), not the CASE compared
# with a slot, whose rows PostgreSQL could not estimate. Whether the deadline is past is the
# same for every receipt of the directive, so it is part of the shape, not a comparison of the
# directive's deadline with the day in SQL: neither the directive's row nor an OR with its
# deadline (overdue only, province: 1.7 ms to plan and run, now 1.35). Filtered by state, it is
# still planned on each run with its values (server_side=False): PostgreSQL's generic plan
# guesses how many receipts of a directive are in a state from every directive's, and for
# "unread" of a directive not yet due (543 of its 3,000) it walked the schools in name order
# testing each against every receipt in the state: 7 ms against 1.2 planned with the values. A
# search (q) takes the query built for it.
_ORDER_SLOTS = {"purpose": "~tracking-purpose~", "level": "~tracking-level~",
                "ownership": "~tracking-ownership~", "commune": "~tracking-commune~"}
_ORDER_STATEMENTS = {}


def _order_shape(given, overdue):
    return (tuple(name for name in _ORDER_SLOTS if name in given), overdue, given.get("state"),
            given.get("response"), given["sort"], given["dir"])


def _order_statements(shape):
    if shape not in _ORDER_STATEMENTS:
        names, overdue, state, response, sort, direction = shape

        def build(directive_id, **slots):
            given = {"sort": sort, "dir": direction, **slots}
            if state:
                given["state"] = state
            if response:
                given["response"] = response
            return _tracking_filtered(_order_query(Recipient.select()), directive_id, given,
                                      overdue=overdue).namedtuples()

        _ORDER_STATEMENTS[shape] = PreparedList.statements(
            build, server_side=state is None, directive_id=-7_401,
            **{name: _ORDER_SLOTS[name] for name in names})
    return _ORDER_STATEMENTS[shape]


# Who first read and who acknowledged, in a tracking row.
READER = User.alias("reader")
ACKER = User.alias("acker")


def _tracking_joins(query, disseminate):
    """`query` of receipts joined to what a tracking row shows: the school, who read and who
    acknowledged, the response's file and roster, the last reminder, and (`disseminate`) the
    activity the school linked (`_join_dissemination`)."""
    query = (query
             .join(Directive, on=(Recipient.directive == Directive.id))
             .switch(Recipient).join(School, on=(Recipient.school == School.id))
             .switch(Recipient).join(READER, JOIN.LEFT_OUTER, attr="reader",
                                     on=(Recipient.first_read_by == READER.id))
             .switch(Recipient).join(ACKER, JOIN.LEFT_OUTER, attr="acker",
                                     on=(Recipient.acknowledged_by == ACKER.id))
             .switch(Recipient).join(StoredFile, JOIN.LEFT_OUTER, attr="rfile",
                                     on=(Recipient.response_file == StoredFile.id))
             .switch(Recipient).join(Roster, JOIN.LEFT_OUTER, attr="sent_roster",
                                     on=(Recipient.roster == Roster.id))
             .switch(Recipient).join(
                 DirectiveReminder, JOIN.LEFT_OUTER, attr="last_reminder",
                 on=((DirectiveReminder.recipient == Recipient.id)
                     & (DirectiveReminder.sent_at == Recipient.last_reminded_at))))
    return _join_dissemination(query) if disseminate else query


def tracking_rows(user, directive, filters):
    """The schools of one directive with their state, who read and acknowledged, and the last
    reminder (when, to whom); one query (the exports read them all, the receipt page one;
    the tracking page reads its rows with `tracking_rows_of`)."""
    disseminate = directive.response_kind == "disseminate"
    query = recipients_visible_to(user).select(
        Recipient, School.id, School.code, School.name, School.level, School.ownership,
        School.commune, READER.full_name, ACKER.full_name, StoredFile.original_name,
        DirectiveReminder.sent_to, Roster.version, DirectiveReminder.step,
        state_expr().alias("state"),
        *(DISSEMINATION_COLUMNS if disseminate else ()))
    return _tracking_filtered(_tracking_joins(query, disseminate), directive.id,
                              _tracking_given(filters))


# A page of the tracking table. Its rows' SQL (many joins and the state's CASE) costs more to
# build than to run: it is built once per scope, kind of database and response kind
# (db.Prepared), with a slot per row of a page for the receipts' ids; the slots a shorter page
# leaves over hold 0, which no receipt has (a page longer than PAGE_SLOTS, the default
# PAGE_SIZE, takes a query per PAGE_SLOTS rows). Each column is named after where the row
# template reads it ("school__name": r.school.name), as in `tracking_rows`' objects.
PAGE_SLOTS = 25


def _lookup(model, field, *where):
    """SQL: `field` of the one row of `model` that `where` finds, as a column of a page's row
    (a scalar subquery; None when there is none). PostgreSQL plans these in a tenth of the time
    it takes to plan the same lookups as LEFT JOINs among the page's other joins (0.2 ms
    against 1.9 ms, on every tracking page)."""
    return model.select(field).where(*where).limit(1)


# The last reminder of a receipt: the one sent when it was last reminded.
_LAST_REMINDER = (DirectiveReminder.recipient == Recipient.id,
                  DirectiveReminder.sent_at == Recipient.last_reminded_at)


def _python_value(column):
    """How a page's column is read back: its field's (a lookup's: the field it looks up)."""
    if isinstance(column, Select):
        column = column._returning[0]
    return column.python_value if isinstance(column, Field) else None


def _page_columns(disseminate):
    """The columns of a page's rows but the state (`state_expr`, last), by name."""
    columns = {
        "id": Recipient.id, "school_id": Recipient.school, "purpose": Recipient.purpose,
        "first_read_at": Recipient.first_read_at, "acknowledged_at": Recipient.acknowledged_at,
        "ack_note": Recipient.ack_note, "ack_proxy": Recipient.ack_proxy,
        "ack_channel": Recipient.ack_channel, "proxy_confirmed_at": Recipient.proxy_confirmed_at,
        "response_file_id": Recipient.response_file, "roster_id": Recipient.roster,
        "response_state": Recipient.response_state,
        "reminders_count": Recipient.reminders_count,
        "last_reminded_at": Recipient.last_reminded_at,
        "school__id": School.id, "school__code": School.code, "school__name": School.name,
        "school__level": School.level, "school__ownership": School.ownership,
        "school__commune": School.commune,
        "reader__full_name": _lookup(READER, READER.full_name,
                                     READER.id == Recipient.first_read_by),
        "acker__full_name": _lookup(ACKER, ACKER.full_name,
                                    ACKER.id == Recipient.acknowledged_by),
        "rfile__original_name": _lookup(StoredFile, StoredFile.original_name,
                                        StoredFile.id == Recipient.response_file),
        "last_reminder__sent_to": _lookup(DirectiveReminder, DirectiveReminder.sent_to,
                                          *_LAST_REMINDER),
        "last_reminder__step": _lookup(DirectiveReminder, DirectiveReminder.step,
                                       *_LAST_REMINDER),
    }
    if disseminate:
        columns.update({
            "dissemination__activity__id": Activity.id,
            "dissemination__activity__title": Activity.title,
            "dissemination__activity__held_on": Activity.held_on,
            "staff_attended": _staff_sum(Activity), "staff_headcount": _staff_sum(StaffCount)})
    return columns


def _tracking_page_query(scope, disseminate, directive_id, today, **slots):
    columns = _page_columns(disseminate)
    query = (scope.select(*[Alias(column, name) for name, column in columns.items()],
                          state_expr(today).alias("state"))
             .join(Directive, on=(Recipient.directive == Directive.id))
             .switch(Recipient).join(School, on=(Recipient.school == School.id)))
    if disseminate:
        query = _join_dissemination(query)
    return query.where(Recipient.directive == directive_id,
                       Recipient.id.in_(list(slots.values())))


TRACKING_PAGE = ScopedPrepared(_tracking_page_query, directive_id=-7201,
                               today=dt.date(1901, 1, 2),
                               **{f"id_{i}": -7300 - i for i in range(PAGE_SLOTS)})


def _row_builder(items, top=True):
    """A function making a row of the page from the values of a statement's row: an object,
    the columns of each join ("school__name") gathered into an object of their own
    (r.school.name), None when the join found nothing (every column of it null), as peewee
    leaves them. `items`: (path, index of the value, converter or None) of each column. The
    shape is worked out once, not for every value of every row."""
    leaves, joins = [], {}
    for path, index, convert in items:
        if len(path) == 1:
            leaves.append((path[0], index, convert))
        else:
            joins.setdefault(path[0], []).append((path[1:], index, convert))
    joined = [(name, _row_builder(inner, top=False)) for name, inner in joins.items()]

    def build(values):
        row = {}
        for name, index, convert in leaves:
            value = values[index]
            row[name] = value if value is None or convert is None else convert(value)
        for name, build_join in joined:
            row[name] = build_join(values)
        if not top and all(v is None for v in row.values()):
            return None
        return SimpleNamespace(**row)

    return build


# The row builder of each kind of tracking page (with or without the dissemination columns).
_TRACKING_ROW = {}


def _tracking_row_builder(disseminate):
    if disseminate not in _TRACKING_ROW:
        columns = _page_columns(disseminate)
        items = [(name.split("__"), i, _python_value(column))
                 for i, (name, column) in enumerate(columns.items())]
        _TRACKING_ROW[disseminate] = _row_builder(items + [(["state"], len(columns), None)])
    return _TRACKING_ROW[disseminate]


def tracking_rows_of(user, directive, rows):
    """The tracking rows of these receipts (from `tracking_order`), in their order: one query
    for a page of up to PAGE_SLOTS rows (then one more for the confirmations' shares)."""
    disseminate = directive.response_kind == "disseminate"
    prepared = TRACKING_PAGE.get(recipients_visible_to(user), variant=disseminate)
    build = _tracking_row_builder(disseminate)
    ids = [r.id for r in rows]
    found = {}
    for first in range(0, len(ids), PAGE_SLOTS):
        chunk = ids[first:first + PAGE_SLOTS]
        slots = {f"id_{i}": chunk[i] if i < len(chunk) else 0 for i in range(PAGE_SLOTS)}
        for values in prepared.rows(directive_id=directive.id, today=clock.today(), **slots):
            row = build(values)
            found[row.id] = row
    shown = [found[i] for i in ids if i in found]
    if directive.personal_confirmation:
        with_confirmation_shares(directive, shown)
    return shown


def tracking_row(user, directive, school_id):
    row = tracking_rows(user, directive, {}).where(Recipient.school == school_id).first()
    if row is not None and directive.personal_confirmation:
        with_confirmation_shares(directive, [row])
    return row


def response_steps(recipient):
    """The history of a school's response, newest first, with who took each step."""
    return list(ResponseStep.select(ResponseStep, User)
                .join(User, on=(ResponseStep.by == User.id))
                .where(ResponseStep.recipient == recipient.id)
                .order_by(ResponseStep.at.desc(), ResponseStep.id.desc()))


def review_of(directive, school_id):
    """The school's self-assessment in the review round tied to the directive (a "review"
    response), as {"round": id, "school": id, "state": ...}, or None."""
    if directive.response_kind != REVIEW_ROUND_KIND:
        return None
    row = (ReviewSubmission.select(ReviewSubmission.review_round, ReviewSubmission.school,
                                   ReviewSubmission.state)
           .join(ReviewRound, on=(ReviewSubmission.review_round == ReviewRound.id))
           .where(ReviewRound.directive == directive.id, ReviewSubmission.school == school_id)
           .order_by(ReviewRound.id.desc()).first())
    if row is None:
        return None
    return {"round": row.review_round_id, "school": row.school_id, "state": row.state}


def proxy_confirmer(recipient):
    """Who of the school confirmed the acknowledgement an officer recorded for it."""
    if recipient.proxy_confirmed_by_id is None:
        return None
    return User.select(User.id, User.full_name).where(
        User.id == recipient.proxy_confirmed_by_id).first()


def respond_blocker(user, directive, recipient):
    """Why the school cannot send (or send again) its response now, or None: it acknowledged,
    the directive asks a response, and none is waiting for review or accepted."""
    if recipient is None:
        return _("Văn bản này không gửi đến trường của bạn.")
    if directive.status != "published":
        return _("Văn bản đã bị thu hồi, không cần phản hồi.")
    if directive.response_kind not in REVIEWED_KINDS or recipient.purpose != "act":
        return _("Văn bản này không yêu cầu gửi phản hồi.")
    if directive.response_kind == REVIEW_ROUND_KIND:
        return _("Phản hồi văn bản này là bản tự rà soát của nhà trường: hãy nộp hoặc bổ sung "
                 "trong đợt rà soát.")
    if recipient.acknowledged_at is None:
        return _("Hãy xác nhận văn bản trước: phản hồi được gửi cùng xác nhận.")
    if recipient.response_state in ("submitted", "resubmitted"):
        return _("Phản hồi của nhà trường đang chờ Phòng xem xét.")
    if recipient.response_state == "accepted":
        return _("Phòng đã chấp nhận phản hồi của nhà trường.")
    if directive.response_kind == "roster" and valid_roster_on_file(recipient.school_id) is None:
        return _("Văn bản này yêu cầu nhà trường có danh sách tổ tư vấn tâm lý hợp lệ. "
                 "Hãy cập nhật danh sách tổ tư vấn trước khi gửi.")
    if directive.response_kind == "disseminate" and not dissemination_activities(
            user, directive).exists():
        return _("Hãy ghi hoạt động quán triệt văn bản này trước khi gửi.")
    return None


# --- Reminders ------------------------------------------------------------------------------


def remind_hours():
    """How many hours a reminded school is left alone (REMIND_MIN_HOURS)."""
    hours = current_app.config.get("REMIND_MIN_HOURS") if has_app_context() else None
    return int(hours or 24)


def remind_window():
    return dt.timedelta(hours=remind_hours())


def recently_reminded(since):
    return Recipient.last_reminded_at.is_null(False) & (Recipient.last_reminded_at > since)


def not_done():
    """SQL: the receipts that have not done what the directive requires: schools that act on
    it and have not acknowledged it, or whose response was returned to them (a school informed
    of it has nothing to do)."""
    return ACT & (Recipient.acknowledged_at.is_null() | (Recipient.response_state == "returned"))


def reminder_candidates(directive, school_ids=None, overdue_only=False):
    """The receipts a reminder concerns, among those not done (`not_done`): every overdue one,
    or those schools."""
    query = (Recipient.select(Recipient.id, Recipient.school, Recipient.last_reminded_at)
             .join(Directive, on=(Recipient.directive == Directive.id))
             .where(Recipient.directive == directive.id, not_done()))
    if overdue_only:
        query = query.where(state_is("overdue"))
    if school_ids is not None:
        query = query.where(Recipient.school.in_(list(school_ids) or [0]))
    return query


def reminder_plan(directive):
    """What "remind every overdue school" would do now: {due, recent, hours} (one query)."""
    since = clock.utcnow() - remind_window()
    recent = recently_reminded(since)
    row = (reminder_candidates(directive, overdue_only=True)
           .select(count_if(~recent).alias("due"), count_if(recent).alias("recent"))
           .dicts().get())
    return {"due": int(row["due"] or 0), "recent": int(row["recent"] or 0),
            "hours": remind_hours()}


# --- Home cards -----------------------------------------------------------------------------


def officer_summary(user):
    """The officer's home card: directives published and drafts, and schools overdue (two
    queries, their SQL built once per scope: db.ScopedPrepared)."""
    published, drafts = SUMMARY_COUNTS.get(directives_visible_to(user)).rows().fetchone()
    overdue, = (OVERDUE_SCHOOLS.get(directive_tallies_scope(user))
                .rows(today=clock.today()).fetchone())
    return {"published": int(published or 0), "drafts": int(drafts or 0),
            "overdue_schools": int(overdue or 0)}


SUMMARY_COUNTS = ScopedPrepared(lambda scope, _variant: scope.select(
    count_if(Directive.status == "published"), count_if(Directive.status == "draft")))
OVERDUE_SCHOOLS = ScopedPrepared(
    lambda scope, _variant, today: scope.select(fn.SUM(_not_acknowledged_if_overdue(today))),
    today=dt.date(1901, 1, 4))


def _with_rate(row):
    row["done"] = int(row["done"] or 0)
    row["rate"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
    return row


def directive_rates(user):
    """Acknowledgement rate of each published directive, latest deadline first, from the
    counts kept with it, in `directive_tallies_scope(user)` (one query; rows are dicts with
    number, title, deadline, total, done, rate)."""
    return (directive_tallies_scope(user)
            .select(Directive.id, Directive.number, Directive.title, Directive.deadline,
                    Directive.recipient_count.alias("total"), Directive.ack_count.alias("done"))
            .order_by(Directive.deadline.desc(), Directive.id.desc())
            .objects(lambda **row: _with_rate(row)))


def _school_rates(scope, *groups):
    """Receipts and acknowledgements of published directives summed per `groups` (the level and
    the commune kept on each row), from one kept row per school (`scope`:
    `school_tallies_scope(user)`), without a join."""
    return (scope
            .select(*groups, fn.SUM(SchoolTally.received).alias("total"),
                    fn.SUM(SchoolTally.acknowledged).alias("done"))
            .where(SchoolTally.received > 0)
            .group_by(*groups))


def _group_rates_query(scope, *groups):
    """`_school_rates` of `scope` per `groups` (SchoolTally's level, commune or both), or, when
    the scope is every school (the office), the same sums from the kept sums per level and
    commune (GroupTally: a few hundred rows, not 3,000)."""
    if not is_everything(scope):
        return _school_rates(scope, *groups)
    kept = [getattr(GroupTally, group.name) for group in groups]
    if len(kept) == 2:  # already a row per level and commune
        return (GroupTally.select(*kept, GroupTally.received.alias("total"),
                                  GroupTally.acknowledged.alias("done"))
                .where(GroupTally.received > 0))
    return (GroupTally.select(*kept, fn.SUM(GroupTally.received).alias("total"),
                              fn.SUM(GroupTally.acknowledged).alias("done"))
            .where(GroupTally.received > 0)
            .group_by(*kept))


def level_rates(user):
    """Acknowledgement rate per school level over every published directive (one query)."""
    rows = (_group_rates_query(school_tallies_scope(user), SchoolTally.level)
            .order_by(SQL("1")).dicts())
    return [{**_with_rate(row), "label": LEVEL_LABELS.get(row["level"], row["level"])}
            for row in rows]


def observer_rates(user):
    """The home card: the five latest directives' rates (one query; the rates per level and
    commune are `rate_charts`)."""
    return {"directives": list(directive_rates(user).limit(5))}


# --- Charts ---------------------------------------------------------------------------------


def _local_day(column, minutes):
    """SQL: the local day of a UTC timestamp column, `minutes` from UTC (the office's zone has
    no daylight saving: one offset holds for a query); a date on PostgreSQL ("date(...)": half
    the time of formatting each row as text), "YYYY-MM-DD" on SQLite."""
    if is_sqlite():
        return fn.date(column, SQL(f"'{minutes:+d} minutes'"))
    return fn.date(column + SQL(f"interval '{minutes} minutes'"))


def local_day(column):
    """SQL: the local day of a UTC timestamp column, in the office's zone as it is now."""
    return _local_day(column, round(clock.utc_offset_hours() * 60))


def as_day(value):
    """A day as SQL's date() gives it back: a date (PostgreSQL), text (SQLite), or a datetime
    (peewee converting SQLite's text as the timestamp column it came from)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _ack_days_query(scope, minutes, directive_id):
    day = _local_day(Recipient.acknowledged_at, minutes)
    return (scope.select(day.alias("day"), fn.COUNT(SQL("*")).alias("n"))
            .where(Recipient.directive == directive_id, Recipient.acknowledged_at.is_null(False))
            .group_by(day).order_by(day))


# The tracking page's chart, on each visit: built once per scope and offset (db.ScopedPrepared),
# or, for the office (every school), read from the days kept (KEPT_ACK_DAYS).
ACK_DAYS = ScopedPrepared(_ack_days_query, directive_id=-7601)
KEPT_ACK_DAYS = Prepared(
    lambda directive_id: AckDay.select(AckDay.day, AckDay.acknowledged)
    .where(AckDay.directive == directive_id, AckDay.acknowledged > 0).order_by(AckDay.day),
    directive_id=-7602)


def ack_days(user, directive):
    """[(local day, acknowledgements that day)] of one directive, oldest first, counted in
    `directive_aggregates_scope(user)`: for every school, the days kept (tallies.py: a row per
    day); for fewer, one GROUP BY query of their receipts."""
    scope = directive_aggregates_scope(user)
    if is_everything(scope):
        rows = KEPT_ACK_DAYS.rows(directive_id=directive.id)
    else:
        minutes = round(clock.utc_offset_hours() * 60)
        rows = ACK_DAYS.get(scope, variant=minutes).rows(directive_id=directive.id)
    return [(as_day(d), int(n)) for d, n in rows if d]


def ack_timeline(user, directive, total):
    """The tracking page's chart: acknowledgements by local day against the deadline, from
    the day of publication (one query)."""
    start = clock.local_date(directive.published_at) or directive.issued_on
    first, last = charts.day_span(start, directive.deadline, clock.today())
    return charts.cumulative(ack_days(user, directive), first, last,
                             deadline=directive.deadline, total=total)


def group_rates(user):
    """Acknowledgement rates per school level and per commune over every published directive,
    from one query grouped by both: {"levels": [...], "communes": [...]}, rows as
    `level_rates` (schools without a commune are left out of the communes)."""
    rows = GROUP_RATES.get(school_tallies_scope(user)).rows()
    levels, communes = {}, {}
    for level, commune, total, done in rows:
        for sums, key in ((levels, level), (communes, commune)):
            if key:
                row = sums.setdefault(key, {"total": 0, "done": 0})
                row["total"] += int(total or 0)
                row["done"] += int(done or 0)
    return {
        "levels": [{**_with_rate(levels[k]), "level": k, "label": LEVEL_LABELS.get(k, k)}
                   for k in sorted(levels)],
        "communes": [{**_with_rate(communes[k]), "label": k}
                     for k in sorted(communes, key=sort_key)],
    }


# The office's homes ask it on each visit: built once per scope (db.ScopedPrepared).
GROUP_RATES = ScopedPrepared(
    lambda scope, _variant: _group_rates_query(scope, SchoolTally.level, SchoolTally.commune))


# The most communes the office's homes chart. A province has a hundred or more: past this the
# homes chart the communes with the lowest rates and link to the page of every commune
# (docs/decisions/home-commune-rates.md).
HOME_COMMUNES = 12


def rate_charts(user, communes_shown=None):
    """Rates by level and by commune as bar charts (one query): every commune in name order,
    or, when there are more than `communes_shown`, that many with the lowest rates (lowest
    first). {"levels", "communes": charts, "all_communes": how many communes, "lowest": whether
    the chart holds only the lowest}."""
    rates = group_rates(user)
    communes = rates["communes"]
    lowest = communes_shown is not None and len(communes) > communes_shown
    if lowest:
        # Stable: communes of the same rate stay in name order.
        communes = sorted(communes, key=lambda r: r["done"] / r["total"] if r["total"] else 0)
        communes = communes[:communes_shown]
    return {"levels": charts.rate_bars(rates["levels"]), "communes": charts.rate_bars(communes),
            "all_communes": len(rates["communes"]), "lowest": lowest}


# --- The school chooser of the directive form -----------------------------------------------
# (docs/decisions/directive-school-chooser.md)

# The most schools the chooser lists at once; past it the officer narrows the search.
CHOOSER_LIMIT = 100
# The chosen schools shown one by one as chips; the others are counted ("and N more").
CHIPS_SHOWN = 50


def chooser_schools(user, filters):
    """The active schools matching the chooser's filters ({q, level, ownership, commune}, as
    read by the view), in Vietnamese order: the name found without accents, or the code."""
    return school_search.matching(user, **{name: filters.get(name) or "" for name in (
        "q", "level", "ownership", "commune")})


def chooser_results(user, filters, limit=CHOOSER_LIMIT):
    """{schools: the first `limit` matches, total: how many match, limit}: one query, two when
    more than `limit` match."""
    query = chooser_schools(user, filters)
    schools = list(query.limit(limit))
    total = query.count() if len(schools) >= limit else len(schools)
    return {"schools": schools, "total": total, "limit": limit}


def chooser_ids(user, filters):
    """The ids of every school the chooser's filters match ("select all N matching")."""
    return [s.id for s in chooser_schools(user, filters).select(School.id)]


def chosen_schools(user, school_ids, shown=CHIPS_SHOWN):
    """The chosen schools that are active, in Vietnamese order (one query): {count, shown: the
    first `shown` (id, name), more_ids: the ids of the others, limit: `shown`}."""
    ids = sorted({int(i) for i in school_ids or () if str(i).isdigit()})
    rows = [] if not ids else list(
        schools_visible_to(user).select(School.id, School.name)
        .where(School.active == True, School.id.in_(ids))  # noqa: E712
        .order_by(School.name_key, School.id).tuples())
    return {"count": len(rows), "limit": shown,
            "shown": [{"id": i, "name": name} for i, name in rows[:shown]],
            "more_ids": [i for i, _name in rows[shown:]]}


# --- Dissemination (response kind "disseminate"; docs/decisions/directive-dissemination.md) --


def dissemination_activities(user, directive):
    """The school's own quán triệt activities that carry out `directive` (linked to it), most
    recent first: what the principal may link when acknowledging."""
    linked = (ActivityDirective.select(ActivityDirective.activity)
              .where(ActivityDirective.directive == directive.id))
    return (activities_visible_to(user)
            .select(Activity.id, Activity.title, Activity.held_on)
            .where(Activity.school == user.school_id, Activity.kind == QUAN_TRIET,
                   Activity.id.in_(linked))
            .order_by(Activity.held_on.desc(), Activity.id.desc()))


def dissemination_activity(user, directive, activity_id):
    """The activity `activity_id` if the user's school may link it for `directive`, else None."""
    if not activity_id:
        return None
    return dissemination_activities(user, directive).where(Activity.id == activity_id).first()


def _staff_sum(model):
    total = None
    for group in STAFF_GROUPS:
        column = getattr(model, group)
        total = column if total is None else total + column
    return total


def _join_dissemination(query):
    """The activity each school linked for the revision it acknowledged: its date, how many of
    its staff attended, and the school's head count of that school year
    (DISSEMINATION_COLUMNS)."""
    return (query.switch(Recipient).join(
                Dissemination, JOIN.LEFT_OUTER, attr="dissemination",
                on=((Dissemination.recipient == Recipient.id)
                    & (Dissemination.revision == Recipient.ack_revision)))
            .join(Activity, JOIN.LEFT_OUTER, attr="activity",
                  on=(Dissemination.activity == Activity.id))
            .join(StaffCount, JOIN.LEFT_OUTER, attr="staff_count",
                  on=((StaffCount.school == Recipient.school)
                      & (StaffCount.school_year == Activity.school_year))))


DISSEMINATION_COLUMNS = (Activity.id, Activity.title, Activity.held_on,
                         _staff_sum(Activity).alias("staff_attended"),
                         _staff_sum(StaffCount).alias("staff_headcount"))


def linked_activity(row):
    """The activity a tracking row's school linked (`_join_dissemination`), or None."""
    link = getattr(row, "dissemination", None)
    activity = getattr(link, "activity", None) if link is not None else None
    return activity if activity is not None and activity.id else None


def staff_share(attended, headcount):
    """The share (0–100, rounded) of the staff who attended; None without a head count."""
    if not headcount or attended is None:
        return None
    return min(100, round(100 * int(attended) / int(headcount)))


# --- Personal confirmations -----------------------------------------------------------------


def counting(directive):
    """SQL: a confirmation that counts for the directive as it stands now."""
    return ((DirectiveConfirmation.directive == directive.id)
            & (DirectiveConfirmation.revision >= directive.confirm_from))


def to_confirm(user):
    """The published directives sent to the user's school that ask every account to confirm
    personally and that the user has not confirmed yet (for the directive's current
    revisions), earliest deadline first."""
    if not confirms_personally(user):
        return Directive.select().where(SQL("1 = 0"))
    mine = (DirectiveConfirmation.select(DirectiveConfirmation.id)
            .where(DirectiveConfirmation.directive == Directive.id,
                   DirectiveConfirmation.user == user.id,
                   DirectiveConfirmation.revision >= Directive.confirm_from))
    return (directives_visible_to(user)
            .select(Directive.id, Directive.number, Directive.title, Directive.deadline)
            .where(Directive.status == "published",
                   Directive.personal_confirmation == True,  # noqa: E712
                   ~fn.EXISTS(mine))
            .order_by(Directive.deadline, Directive.id))


HOME_TO_CONFIRM = Prepared(
    lambda school_id, user_id:
        to_confirm(_school_user(False, school_id, user_id)).limit(HOME_LIMIT),
    school_id=-7401, user_id=-7403)


def own_confirmation(user, directive):
    """The user's confirmation that counts now, or None."""
    return (DirectiveConfirmation.select()
            .where(counting(directive), DirectiveConfirmation.user == user.id)
            .order_by(DirectiveConfirmation.revision.desc()).first())


def _school_accounts(school_ids):
    return User.select().where(User.school.in_(list(school_ids) or [0]),
                               User.role.in_(SCHOOL_ROLES),
                               User.active == True)  # noqa: E712


def confirmation_shares(directive, school_ids):
    """{school id: (accounts that confirmed, active accounts)} for these schools: one query
    grouped over their accounts (the rows a page shows, never every recipient)."""
    if not school_ids:
        return {}
    rows = (_school_accounts(school_ids)
            .select(User.school, fn.COUNT(User.id.distinct()),
                    fn.COUNT(DirectiveConfirmation.user.distinct()))
            .join(DirectiveConfirmation, JOIN.LEFT_OUTER,
                  on=((DirectiveConfirmation.user == User.id) & counting(directive)))
            .group_by(User.school).tuples())
    return {school: (int(done or 0), int(total or 0)) for school, total, done in rows}


def with_confirmation_shares(directive, rows):
    """Sets `confirmed`, `accounts` and `confirm_share` on each row (a Recipient) from one
    query; returns the rows."""
    shares = confirmation_shares(directive, {r.school_id for r in rows})
    for row in rows:
        row.confirmed, row.accounts = shares.get(row.school_id, (0, 0))
        row.confirm_share = (round(100 * row.confirmed / row.accounts) if row.accounts
                             else None)
    return rows


def readers_order(user, directive):
    """The office's readers page: the directive's schools in Vietnamese order, ids only
    (web.Pages pages them; `readers_rows_of` loads the page's rows)."""
    return (recipients_visible_to(user).select(Recipient.id)
            .join(School, on=(Recipient.school == School.id))
            .where(Recipient.directive == directive.id)
            .order_by(School.name_key, Recipient.id))


def readers_rows_of(user, directive, rows):
    """The shown schools with their share of accounts that confirmed (two queries)."""
    ids = [r.id for r in rows]
    found = {r.id: r for r in recipients_visible_to(user).select(Recipient, School)
             .join(School, on=(Recipient.school == School.id))
             .where(Recipient.id.in_(ids))}
    return with_confirmation_shares(directive, [found[i] for i in ids if i in found])


def school_readers(user, directive):
    """The principal's readers page: the school's active accounts, each with when it confirmed
    (None: not yet), those who have not first, then Vietnamese order (one query)."""
    return (users_visible_to(user)
            .select(User.id, User.full_name, User.role,
                    fn.MAX(DirectiveConfirmation.at).alias("confirmed_at"),
                    fn.MAX(DirectiveConfirmation.revision).alias("confirmed_revision"))
            .join(DirectiveConfirmation, JOIN.LEFT_OUTER,
                  on=((DirectiveConfirmation.user == User.id) & counting(directive)))
            .where(User.school == user.school_id, User.role.in_(SCHOOL_ROLES),
                   User.active == True)  # noqa: E712
            .group_by(User.id, User.full_name, User.role, User.name_key)
            .order_by(fn.COUNT(DirectiveConfirmation.id) > 0, User.name_key, User.id))


def unconfirmed_accounts(directive, school_id):
    """The ids of the school's active accounts that have not confirmed (for a reminder)."""
    done = DirectiveConfirmation.select(DirectiveConfirmation.user).where(counting(directive))
    return [u.id for u in _school_accounts([school_id]).select(User.id)
            .where(User.id.not_in(done))]


def recently_reminded_to_confirm(since):
    return (Recipient.confirm_reminded_at.is_null(False)
            & (Recipient.confirm_reminded_at > since))
