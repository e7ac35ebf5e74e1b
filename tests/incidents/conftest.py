import datetime as dt

import pytest

from district.incidents import services
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
        students = students or [{"full_name": "Nguyễn Minh An", "class_name": "5A", "sex": "nam",
                                 "birth_year": 2015, "role": "affected"}]
        return services.create_incident(actor, school or actor.school, data, students,
                                        referrals or {})

    return factory


@pytest.fixture
def advance(app):
    """advance(incident, actor, *statuses): walk an incident through statuses."""
    extra = {
        "referred": {"agency": "police", "referred_on": dt.date(2026, 11, 21)},
        "resolved": {"outcome": "handled_at_school"},
        "handling": {"reason": "Cần xác minh thêm"},
    }

    def walk(incident, actor, *statuses):
        for status in statuses:
            incident = Incident.get_by_id(incident.id)
            services.change_status(actor, incident, incident.version, status,
                                   **extra.get(status, {}))
        return Incident.get_by_id(incident.id)

    return walk
