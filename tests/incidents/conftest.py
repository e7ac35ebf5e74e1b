import datetime as dt

import pytest

from district.incidents import operations
from district.models import Incident


def report_data(**fields):
    data = {
        "occurred_at": dt.datetime(2026, 11, 20, 9, 30),
        "place": "school_yard",
        "category": "bullying",
        "caused_by": "student",
        "severity": "medium",
        "sensitive": False,
        "summary": "Học sinh bị nhóm bạn trêu chọc, xô đẩy ở sân trường",
        "description": "Giờ ra chơi, một nhóm học sinh lớp 5 xô đẩy một bạn.",
        "immediate_actions": "Giáo viên trực tách các em, báo phụ huynh.",
        **fields,
    }
    students = [{"full_name": "Nguyễn Minh An", "class_name": "5A", "sex": "nam",
                 "birth_year": 2015, "role": "affected"}]
    return data, students


@pytest.fixture
def report(app):
    """report(actor, school, **fields) -> Incident, through the real service."""

    def factory(actor, school=None, students=None, referrals=None, **fields):
        data, default_students = report_data(**fields)
        return operations.report(actor, school or actor.school, data,
                                 students or default_students, referrals or {})

    return factory


@pytest.fixture
def advance(app):
    """advance(incident, actor, *statuses): walk an incident through statuses."""
    extra = {
        "referred": {"agency": "police", "referred_on": dt.date(2026, 11, 21)},
        # A new incident's intervention steps are all open: resolving it asks for a reason.
        "resolved": {"outcome": "handled_at_school",
                     "reason": "Các bước còn lại không áp dụng cho vụ việc này"},
        "handling": {"reason": "Cần xác minh thêm"},
    }

    def walk(incident, actor, *statuses):
        for status in statuses:
            incident = Incident.get_by_id(incident.id)
            operations.change_status(actor, incident, incident.version, status,
                                   **extra.get(status, {}))
        return Incident.get_by_id(incident.id)

    return walk
