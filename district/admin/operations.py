"""Every write of the administration: schools and accounts. Each operation is one transaction
with its audit entry."""

from flask_babel import gettext as _
from peewee import DatabaseError, IntegrityError

from ..audit import changes, record
from ..auth.passwords import hash_password, temporary_password
from ..clock import utcnow
from ..db import database
from ..models import School, User
from ..vocabulary import ROLES, SCHOOL_ROLES
from .values import (
    SCHOOL_FIELDS,
    AdminError,
    code_taken,
    school_problems,
    school_values,
    user_values,
)

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
        record("school.update", target=school, actor=actor, details=diff)
    return School.get_by_id(school.id)


def set_school_active(actor, school, active):
    with database.atomic():
        School.update(active=active, updated_at=utcnow()).where(School.id == school.id).execute()
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
    `.temporary_password` set when one was generated)."""
    values = user_values(data)
    if not values["username"]:
        raise AdminError(_("Thiếu tên đăng nhập."), "username")
    if not values["full_name"]:
        raise AdminError(_("Thiếu họ và tên."), "full_name")
    temporary = password or temporary_password()
    with database.atomic():
        school = _resolve_school(values, data)
        if User.select().where(User.username == values["username"]).exists():
            raise AdminError(_("Tên đăng nhập %(u)s đã có.", u=values["username"]), "username")
        user = User.create(
            school=school,
            password_hash=hash_password(temporary),
            must_change_password=True,
            **values,
        )
        record("user.create", target=user, actor=actor,
               details={"username": user.username, "role": user.role,
                        "school": school.code if school else None})
    user.temporary_password = None if password else temporary
    return user


def update_user(actor, user, data):
    values = user_values({**data, "username": user.username})
    with database.atomic():
        school = _resolve_school(values, data)
        new = {k: values[k] for k in
               ("full_name", "email", "phone", "role", "name_key", "name_search")}
        diff = changes(user, {k: new[k] for k in ("full_name", "email", "phone", "role")})
        if (user.school_id or None) != (school.id if school else None):
            diff["school"] = [user.school_id, school.id if school else None]
        User.update(school=school, **new).where(User.id == user.id).execute()
        record("user.update", target=user, actor=actor, details=diff)
    return User.get_by_id(user.id)


def set_user_active(actor, user, active):
    if actor and actor.id == user.id and not active:
        raise AdminError(_("Bạn không thể tự khoá tài khoản của mình."))
    with database.atomic():
        User.update(active=active, session_version=User.session_version + 1).where(
            User.id == user.id
        ).execute()
        record("user.activate" if active else "user.deactivate", target=user, actor=actor)


def reset_password(actor, user):
    """A new temporary password that must be changed at the next sign-in; ends open sessions."""
    temporary = temporary_password()
    with database.atomic():
        User.update(
            password_hash=hash_password(temporary),
            must_change_password=True,
            failed_logins=0,
            locked_until=None,
            session_version=User.session_version + 1,
        ).where(User.id == user.id).execute()
        record("user.reset_password", target=user, actor=actor)
    return temporary
