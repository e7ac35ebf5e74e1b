"""Every write of the administration: schools and accounts. Each operation is one transaction
with its audit entry."""

from peewee import DatabaseError, IntegrityError

from ..access import (
    ROLES_NEEDING_APPROVAL,
    may_change_own_role,
    may_decide_account_request,
    password_reset_needs_approval,
    role_change_needs_approval,
)
from ..audit import changes, record
from ..auth.passwords import hash_password, temporary_password
from ..auth.throttle import forget_name
from ..clock import utcnow
from ..db import database
from ..directives import tallies as directive_tallies
from ..exports import csv_bytes
from ..i18n import N_
from ..i18n import gettext as _
from ..models import AccountRequest, School, User
from ..notifications.operations import notify, users_with_role
from ..vocabulary import OFFICER, ROLE_MSGIDS, ROLES, SCHOOL_ROLES
from . import formats
from .queries import audit_rows
from .values import (
    SCHOOL_FIELDS,
    AdminError,
    code_taken,
    school_problems,
    school_values,
    user_values,
)
from .vocabulary import REQUEST_NOTICES, request_role

# --- Schools ----------------------------------------------------------------------------------


def _check_school(values, school_id=None):
    problems = school_problems(values)
    if problems:
        field, message = problems[0]
        raise AdminError(message, field)
    clash = School.select().where(School.code == values["code"])
    if school_id:
        clash = clash.where(School.id != school_id)
    if clash.exists():
        raise AdminError(code_taken(values["code"]), "code")


def create_school(actor, data):
    values = school_values(data)
    with database.atomic():
        _check_school(values)
        school = School.create(**values)
        record("school.create", target=school, actor=actor, details={"code": school.code})
    return school


def update_school(actor, school, data):
    values = school_values(data)
    with database.atomic():
        _check_school(values, school.id)
        diff = changes(school, {k: values[k] for k in SCHOOL_FIELDS})
        School.update(updated_at=utcnow(), **values).where(School.id == school.id).execute()
        directive_tallies.school_changed(school.id, values["level"], values["commune"])
        record("school.update", target=school, actor=actor, details=diff)
    return School.get_by_id(school.id)


def set_school_active(actor, school, active):
    """Deactivating a school cuts off its accounts at once: they cannot sign in (auth) and their
    open sessions end (the session loader refuses them; their session version moves too, so
    reopening the school does not bring old sessions back)."""
    with database.atomic():
        School.update(active=active, updated_at=utcnow()).where(School.id == school.id).execute()
        if not active:
            User.update(session_version=User.session_version + 1).where(
                User.school == school.id).execute()
        record("school.activate" if active else "school.deactivate", target=school, actor=actor)


def import_schools(actor, schools):
    """All rows or none (`schools` as formats.read_schools gives them)."""
    with database.atomic():
        try:
            for values in schools:
                School.create(**values)
        except IntegrityError as exc:
            raise AdminError(_("Mã trường bị trùng; chưa nhập trường nào.")) from exc
        except DatabaseError as exc:
            raise AdminError(_("Cơ sở dữ liệu từ chối tệp này; chưa nhập trường nào.")) from exc
        record("school.import", actor=actor, target_type="school",
               details={"count": len(schools), "codes": [v["code"] for v in schools]})
    return len(schools)


# --- Accounts ---------------------------------------------------------------------------------


def _resolve_school(values, data):
    role = values["role"]
    if role not in ROLES:
        raise AdminError(_("Vai trò không hợp lệ."), "role")
    school = None
    if role in SCHOOL_ROLES:
        active = School.select().where(School.active == True)  # noqa: E712
        school_id = str(data.get("school_id") or "")
        if school_id.isdigit():
            school = active.where(School.id == int(school_id)).first()
        elif data.get("school_code"):
            school = active.where(School.code == str(data["school_code"]).upper()).first()
        if school is None:
            raise AdminError(_("Hiệu trưởng và giáo viên phải thuộc một trường."), "school_id")
    return school


def create_user(actor, data, password=None):
    """Create an account; it must change the password at first sign-in. Returns the user (with
    `.temporary_password` set when one was generated).

    An officer or principal account asked for through the application (`actor` set) is not
    created: the request waits for an officer's approval and is returned instead (an
    AccountRequest). The command line (`actor` None: whoever runs it is the operator) creates it
    at once."""
    values = user_values(data)
    if not values["username"]:
        raise AdminError(_("Thiếu tên đăng nhập."), "username")
    if not values["full_name"]:
        raise AdminError(_("Thiếu họ và tên."), "full_name")
    if actor is not None and role_change_needs_approval(None, values["role"]):
        return _request_account(actor, values, data)
    temporary = password or temporary_password()
    password_hash = hash_password(temporary)
    with database.atomic():
        school = _resolve_school(values, data)
        _check_username_free(values["username"])
        user = User.create(
            school=school,
            password_hash=password_hash,
            must_change_password=True,
            **values,
        )
        record("user.create", target=user, actor=actor,
               details={"username": user.username, "role": user.role,
                        "school": school.code if school else None})
    user.temporary_password = None if password else temporary
    return user


def _check_username_free(username):
    if User.select().where(User.username == username).exists():
        raise AdminError(_("Tên đăng nhập %(u)s đã có.", u=username), "username")


def update_user(actor, user, data):
    """Save an account's fields. A change of role to or from officer or principal is not made:
    it becomes a request waiting for an officer's approval (`.pending_request` of the returned
    user); the other fields are saved at once. Nobody changes their own role."""
    values = user_values({**data, "username": user.username})
    if values["role"] != user.role and actor is not None and actor.id == user.id \
            and not may_change_own_role(actor):
        raise AdminError(_("Bạn không thể tự đổi vai trò của mình."), "role")
    requested = actor is not None and role_change_needs_approval(user.role, values["role"])
    with database.atomic():
        school = _resolve_school(values, data)
        school_id = school.id if school else None
        pending = None
        if requested:
            # The role (and the school that goes with it) wait for the approval.
            pending = _request_role(actor, user, values["role"], school)
            values["role"], school_id = user.role, user.school_id
        new = {k: values[k] for k in
               ("full_name", "email", "phone", "role", "name_key", "name_search")}
        diff = changes(user, {k: new[k] for k in ("full_name", "email", "phone", "role")})
        if (user.school_id or None) != school_id:
            diff["school"] = [user.school_id, school_id]
        User.update(school=school_id, **new).where(User.id == user.id).execute()
        record("user.update", target=user, actor=actor, details=diff)
    fresh = User.get_by_id(user.id)
    fresh.pending_request = pending
    return fresh


def set_user_active(actor, user, active):
    if actor and actor.id == user.id and not active:
        raise AdminError(_("Bạn không thể tự khoá tài khoản của mình."))
    with database.atomic():
        User.update(active=active, session_version=User.session_version + 1).where(
            User.id == user.id
        ).execute()
        record("user.activate" if active else "user.deactivate", target=user, actor=actor)


def reset_password(actor, user):
    """A new temporary password that must be changed at the next sign-in; ends open sessions.
    The password of an account that sees incidents (an officer, a principal, a staff member who
    reported or is assigned to one) is not reset this way (whoever sees the new password could
    sign in as the account and read them): `request_password_reset`, approved by an officer."""
    if actor is not None and password_reset_needs_approval(user):
        raise AdminError(_("Tài khoản %(u)s xem được vụ việc: mật khẩu chỉ được đặt lại khi một "
                           "chuyên viên duyệt yêu cầu.", u=user.username))
    temporary = temporary_password()
    password_hash = hash_password(temporary)
    with database.atomic():
        _set_temporary_password(user, password_hash)
        record("user.reset_password", target=user, actor=actor)
    return temporary


def _set_temporary_password(user, password_hash):
    User.update(
        password_hash=password_hash,
        must_change_password=True,
        failed_logins=0,
        locked_until=None,
        session_version=User.session_version + 1,
    ).where(User.id == user.id).execute()
    forget_name(user.username)


# --- Requests an officer approves (docs/decisions/0007-officer-role-approval.md) ---------------


def _link(account_request):
    return f"/admin/requests/{account_request.id}"


def _tell_officers(account_request, message, **params):
    """Every officer, and the one who asked, hears of each request and each decision."""
    people = users_with_role(OFFICER)
    if account_request.requested_by_id:
        people.append(account_request.requested_by_id)
    notify(people, f"account_request.{account_request.state}", message, _link(account_request),
           username=account_request.username, **params)


def _check_none_pending(user):
    if AccountRequest.select().where(AccountRequest.user == user.id,
                                     AccountRequest.state == "pending").exists():
        raise AdminError(_("Tài khoản %(u)s đã có một yêu cầu đang chờ duyệt.", u=user.username))


def _new_request(actor, kind, user, username, details):
    account_request = AccountRequest.create(kind=kind, user=user, username=username,
                                            details=details, requested_by=actor)
    role = request_role(kind, details)
    record("account_request.create", target=account_request, actor=actor,
           details={"kind": kind, "username": username, "role": role,
                    **{k: v for k, v in details.items() if k in ("from", "to")}})
    # The role is stored as its msgid (`*_label`): each officer reads it in their language.
    _tell_officers(account_request, REQUEST_NOTICES[kind], actor=actor.full_name,
                   role_label=ROLE_MSGIDS.get(role, role))
    return account_request


def _request_account(actor, values, data):
    """A new officer or principal: the school (a principal's) is checked now and again at
    approval."""
    with database.atomic():
        school = _resolve_school(values, data)
        _check_username_free(values["username"])
        pending = AccountRequest.select().where(
            AccountRequest.kind == "create", AccountRequest.username == values["username"],
            AccountRequest.state == "pending")
        if pending.exists():
            raise AdminError(_("Tài khoản %(u)s đã có một yêu cầu đang chờ duyệt.",
                               u=values["username"]), "username")
        return _new_request(actor, "create", None, values["username"],
                            {**values, "school_id": school.id if school else None})


def _request_role(actor, user, role, school):
    """Inside update_user's transaction."""
    _check_none_pending(user)
    kind = "grant" if role in ROLES_NEEDING_APPROVAL else "revoke"
    return _new_request(actor, kind, user, user.username,
                        {"from": user.role, "to": role,
                         "school_id": school.id if school else None})


def request_password_reset(actor, user):
    with database.atomic():
        _check_none_pending(user)
        return _new_request(actor, "reset", user, user.username, {"role": user.role})


def approve_request(officer, account_request):
    """Apply the request as the approving officer. Returns the temporary password when the
    request gives an account a new one (a new account, a granted role, a reset): it is shown to
    the approving officer only, never to the admin who asked."""
    kind = account_request.kind
    temporary = temporary_password() if kind in ("create", "grant", "reset") else None
    password_hash = hash_password(temporary) if temporary else None
    with database.atomic():
        _decide(officer, account_request, "approved")
        details = account_request.details or {}
        if kind == "create":
            _check_username_free(account_request.username)
            values = {k: details.get(k, "") for k in
                      ("username", "full_name", "email", "phone", "role", "name_key",
                       "name_search")}
            school = _school_still_open(details)
            user = User.create(school=school, password_hash=password_hash,
                               must_change_password=True, **values)
            AccountRequest.update(user=user).where(
                AccountRequest.id == account_request.id).execute()
            record("user.create", target=user, actor=officer,
                   details={"username": user.username, "role": user.role,
                            "school": school.code if school else None,
                            "request": account_request.id})
        else:
            user = User.get_by_id(account_request.user_id)
            if kind == "reset":
                _set_temporary_password(user, password_hash)
                record("user.reset_password", target=user, actor=officer,
                       details={"request": account_request.id})
            else:
                _apply_role(officer, account_request, user, details, password_hash)
        record("account_request.approve", target=account_request, actor=officer,
               details={"kind": kind, "username": account_request.username})
        account_request.state = "approved"
        _tell_officers(account_request,
                       N_("%(officer)s đã duyệt yêu cầu về tài khoản %(username)s."),
                       officer=officer.full_name)
    return temporary


def _apply_role(officer, account_request, user, details, password_hash):
    if user.role != details.get("from"):
        raise AdminError(_("Vai trò của tài khoản đã đổi từ khi có yêu cầu; yêu cầu không còn "
                           "áp dụng được. Hãy từ chối nó."))
    school = _school_still_open(details)
    update = {User.role: details["to"], User.school: school,
              User.session_version: User.session_version + 1}
    if password_hash:
        # The account may have a password the admin knows (set by a reset): whoever becomes
        # an officer starts from a password only the approving officer has seen.
        update.update({User.password_hash: password_hash, User.must_change_password: True})
        forget_name(user.username)
    User.update(update).where(User.id == user.id).execute()
    record("user.update", target=user, actor=officer,
           details={"role": [details["from"], details["to"]],
                    "school": [user.school_id, school.id if school else None],
                    "request": account_request.id})


def _school_still_open(details):
    """The school a request attaches the account to (None for an office account); refused when
    it closed since the request."""
    if not details.get("school_id"):
        if details.get("role") in SCHOOL_ROLES or details.get("to") in SCHOOL_ROLES:
            raise AdminError(_("Yêu cầu không ghi trường của tài khoản; hãy từ chối nó."))
        return None
    school = School.get_or_none(School.id == details["school_id"], School.active == True)  # noqa: E712
    if school is None:
        raise AdminError(_("Trường của tài khoản đã ngừng hoạt động; yêu cầu không còn áp "
                           "dụng được. Hãy từ chối nó."))
    return school


def refuse_request(officer, account_request):
    with database.atomic():
        _decide(officer, account_request, "refused")
        record("account_request.refuse", target=account_request, actor=officer,
               details={"kind": account_request.kind, "username": account_request.username})
        account_request.state = "refused"
        _tell_officers(account_request,
                       N_("%(officer)s đã từ chối yêu cầu về tài khoản %(username)s."),
                       officer=officer.full_name)


def _decide(officer, account_request, state):
    """Settled in the database: only one decision is ever taken on a request."""
    if not may_decide_account_request(officer, account_request):
        raise AdminError(_("Bạn không thể duyệt yêu cầu này: cần một chuyên viên khác."))
    decided = AccountRequest.update(state=state, decided_by=officer, decided_at=utcnow()).where(
        AccountRequest.id == account_request.id, AccountRequest.state == "pending").execute()
    if not decided:
        raise AdminError(_("Yêu cầu này đã được xử lý."))


# --- Exports ----------------------------------------------------------------------------------

# The most entries one CSV export of the audit log holds (newest first), and how many are told
# at a time (each batch names its objects in a fixed number of queries).
AUDIT_EXPORT_MAX = 100_000
AUDIT_EXPORT_BATCH = 1000


def export_audit(actor, entries):
    """The selected entries (newest first, at most AUDIT_EXPORT_MAX) as CSV bytes, told as
    sentences with what the reader may see; the export is recorded."""
    lines, count = [], 0
    for batch_start in range(0, AUDIT_EXPORT_MAX, AUDIT_EXPORT_BATCH):
        batch = list(entries.offset(batch_start).limit(AUDIT_EXPORT_BATCH))
        lines.extend(formats.audit_csv_row(row) for row in audit_rows(actor, batch))
        count += len(batch)
        if len(batch) < AUDIT_EXPORT_BATCH:
            break
    data = csv_bytes(formats.audit_csv_header(), lines)
    with database.atomic():
        record("audit.export", actor=actor, target_type="audit",
               details={"format": "csv", "rows": count})
    return data
