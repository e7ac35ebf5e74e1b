"""What a school and an account are made of: their cleaned values and the checks on them.

Shared by the forms' writes (operations.py), the school import (formats.py), the demo seed and
the tests' factories, so that a school typed, imported or seeded is cleaned the same way.
"""

from ..i18n import gettext as _
from ..models import School
from ..text import clean, fold, person_sort_key, sort_key
from ..vocabulary import SCHOOL_LEVELS, SCHOOL_OWNERSHIPS


class AdminError(ValueError):
    """A refused change, with a translated message (and the form field it concerns)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


SCHOOL_FIELDS = ("code", "name", "level", "ownership", "commune", "address", "phone")
USER_FIELDS = ("username", "full_name", "email", "phone", "role")


def school_values(data):
    """Cleaned values of a school, with the derived search and sort columns."""
    values = {name: clean(str(data.get(name) or "")) for name in SCHOOL_FIELDS}
    values["code"] = values["code"].upper()
    values["name_search"] = fold(values["name"])
    values["name_key"] = sort_key(values["name"])
    return values


def school_problems(values):
    """What is wrong with a school's values, as [(field, message)] (empty when nothing is)."""
    problems = []
    if not values["code"]:
        problems.append(("code", _("Thiếu mã trường.")))
    if not values["name"]:
        problems.append(("name", _("Thiếu tên trường.")))
    if values["level"] not in SCHOOL_LEVELS:
        problems.append(("level", _("Cấp học không hợp lệ.")))
    if values["ownership"] not in SCHOOL_OWNERSHIPS:
        problems.append(("ownership", _("Loại hình không hợp lệ.")))
    for name in SCHOOL_FIELDS:
        limit = School._meta.fields[name].max_length
        if len(values[name]) > limit:
            problems.append((name, _("Dài quá %(n)d ký tự.", n=limit)))
    return problems


def code_taken(code):
    return _("Mã trường %(code)s đã có.", code=code)


def user_values(data):
    """Cleaned values of an account, with the derived search and sort columns."""
    values = {name: clean(str(data.get(name) or "")) for name in USER_FIELDS}
    values["username"] = values["username"].lower()
    values["email"] = values["email"].lower()
    values["name_key"] = person_sort_key(values["full_name"])
    values["name_search"] = fold(values["full_name"])
    return values
