"""Schools, accounts and their changes. Every write runs in a transaction with its audit entry."""

import csv
import io
import secrets

import openpyxl
from flask_babel import gettext as _
from peewee import DatabaseError, IntegrityError

from ..audit import changes, record
from ..auth.services import hash_password
from ..db import database
from ..models import School, User, utcnow
from ..text import clean, fold, person_sort_key, sort_key
from ..vocabulary import (  # noqa: F401 - the labels are re-exported for the admin's views
    LEVEL_LABELS,
    OWNERSHIP_LABELS,
    ROLE_LABELS,
    ROLES,
    SCHOOL_LEVELS,
    SCHOOL_OWNERSHIPS,
    SCHOOL_ROLES,
)


class AdminError(ValueError):
    """A refused change, with a translated message (and the form field it concerns)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# --- Schools ----------------------------------------------------------------------------------

SCHOOL_FIELDS = ("code", "name", "level", "ownership", "commune", "address", "phone")


def school_values(data):
    """Cleaned values of a school, with the derived search and sort columns."""
    values = {name: clean(str(data.get(name) or "")) for name in SCHOOL_FIELDS}
    values["code"] = values["code"].upper()
    values["name_search"] = fold(values["name"])
    values["name_key"] = sort_key(values["name"])
    return values


def _check_school(values, school_id=None):
    if not values["code"]:
        raise AdminError(_("Thiếu mã trường."), "code")
    if not values["name"]:
        raise AdminError(_("Thiếu tên trường."), "name")
    if values["level"] not in SCHOOL_LEVELS:
        raise AdminError(_("Cấp học không hợp lệ."), "level")
    if values["ownership"] not in SCHOOL_OWNERSHIPS:
        raise AdminError(_("Loại hình không hợp lệ."), "ownership")
    clash = School.select().where(School.code == values["code"])
    if school_id:
        clash = clash.where(School.id != school_id)
    if clash.exists():
        raise AdminError(_("Mã trường %(code)s đã có.", code=values["code"]), "code")


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


IMPORT_COLUMNS = {
    # header as written in the file (folded) -> field
    "ma truong": "code",
    "code": "code",
    "ten truong": "name",
    "name": "name",
    "cap hoc": "level",
    "level": "level",
    "loai hinh": "ownership",
    "ownership": "ownership",
    "xa/phuong": "commune",
    "xa phuong": "commune",
    "commune": "commune",
    "dia chi": "address",
    "address": "address",
    "dien thoai": "phone",
    "phone": "phone",
}
REQUIRED_IMPORT = ("code", "name", "level", "ownership")
# Both codes and Vietnamese words are accepted in the level and ownership columns.
LEVEL_WORDS = {"mam non": "mam_non", "tieu hoc": "tieu_hoc", "thcs": "thcs",
               "trung hoc co so": "thcs", "lien cap": "lien_cap"}
OWNERSHIP_WORDS = {"cong lap": "cong_lap", "tu thuc": "tu_thuc", "dan lap": "dan_lap"}


class ImportError_(AdminError):
    def __init__(self, problems):
        super().__init__(_("Tệp có lỗi; chưa nhập trường nào."))
        self.problems = problems  # [(row, column, message)]


def _rows_from_upload(filename, data):
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise AdminError(_("Không đọc được tệp Excel: %(error)s", error=str(exc))) from exc
        sheet = book.worksheets[0]
        rows = [["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AdminError(_("Không đọc được tệp CSV (cần mã UTF-8)."))
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse_school_import(filename, data):
    """Rows of schools from a CSV or XLSX, or ImportError_ naming every bad row and column."""
    rows = [r for r in _rows_from_upload(filename, data) if any(str(c).strip() for c in r)]
    if not rows:
        raise AdminError(_("Tệp không có dữ liệu."))
    header = [fold(str(h)) for h in rows[0]]
    columns = {}
    for index, title in enumerate(header):
        if title in IMPORT_COLUMNS:
            columns[IMPORT_COLUMNS[title]] = index
    missing = [c for c in REQUIRED_IMPORT if c not in columns]
    if missing:
        raise ImportError_(
            [(1, c, _("Thiếu cột bắt buộc trong dòng tiêu đề.")) for c in missing]
        )
    problems, parsed, seen = [], [], {}
    existing = {s.code for s in School.select(School.code)}
    for number, row in enumerate(rows[1:], start=2):
        data_row = {f: (row[i] if i < len(row) else "") for f, i in columns.items()}
        values = school_values(data_row)
        values["level"] = LEVEL_WORDS.get(fold(values["level"]), values["level"].lower())
        values["ownership"] = OWNERSHIP_WORDS.get(
            fold(values["ownership"]), values["ownership"].lower()
        )
        if not values["code"]:
            problems.append((number, "code", _("Thiếu mã trường.")))
        elif values["code"] in existing:
            problems.append((number, "code", _("Mã trường %(code)s đã có.", code=values["code"])))
        elif values["code"] in seen:
            problems.append((number, "code", _("Mã trường trùng với dòng %(row)d.",
                                                row=seen[values["code"]])))
        if not values["name"]:
            problems.append((number, "name", _("Thiếu tên trường.")))
        if values["level"] not in SCHOOL_LEVELS:
            problems.append((number, "level", _("Cấp học không hợp lệ.")))
        if values["ownership"] not in SCHOOL_OWNERSHIPS:
            problems.append((number, "ownership", _("Loại hình không hợp lệ.")))
        for field in SCHOOL_FIELDS:
            limit = School._meta.fields[field].max_length
            if len(values[field]) > limit:
                problems.append((number, field, _("Dài quá %(n)d ký tự.", n=limit)))
        seen.setdefault(values["code"], number)
        parsed.append(values)
    if problems:
        raise ImportError_(problems)
    return parsed


def import_schools(actor, filename, data):
    """All rows or none: a file with any bad row imports nothing."""
    parsed = parse_school_import(filename, data)
    with database.atomic():
        try:
            for values in parsed:
                School.create(**values)
        except IntegrityError as exc:
            raise AdminError(_("Mã trường bị trùng; chưa nhập trường nào.")) from exc
        except DatabaseError as exc:
            raise AdminError(_("Cơ sở dữ liệu từ chối tệp này; chưa nhập trường nào.")) from exc
        record("school.import", actor=actor, target_type="school",
               details={"count": len(parsed), "codes": [v["code"] for v in parsed]})
    return len(parsed)


# --- Accounts ---------------------------------------------------------------------------------

USER_FIELDS = ("username", "full_name", "email", "phone", "role")


def user_values(data):
    values = {name: clean(str(data.get(name) or "")) for name in USER_FIELDS}
    values["username"] = values["username"].lower()
    values["email"] = values["email"].lower()
    values["name_key"] = person_sort_key(values["full_name"])
    values["name_search"] = fold(values["full_name"])
    return values


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


def temporary_password():
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value
