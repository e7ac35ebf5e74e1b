"""Helpers for the activity tests: directives, head counts, activities written through the real
operations, files, and the form data a browser sends."""

import datetime as dt
import io

import pytest
from werkzeug.datastructures import FileStorage

from district import clock
from district.activities import operations, years
from district.directives import operations as directive_operations

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def values(**fields):
    """An activity's fields as the form gives them to the operations."""
    return {"kind": "quan_triet", "held_on": clock.today() - dt.timedelta(days=2),
            "title": "Quán triệt Chỉ thị 18/CT-TTg", "presenter": "school",
            "presenter_name": "", "sessions": 1, "hours": 2.0, "managers": 2, "teachers": 10,
            "employees": 3, "parents": 0, "students": 0, "summary": "", **fields}


def form_data(**fields):
    """What the browser posts for a new activity (files apart)."""
    day = clock.today() - dt.timedelta(days=2)
    data = {"kind": "quan_triet", "held_on": day.isoformat(),
            "title": "Quán triệt Công văn về phòng, chống bạo lực học đường",
            "presenter": "school", "presenter_name": "", "sessions": "1", "hours": "2,5",
            "managers": "2", "teachers": "12", "employees": "4", "parents": "0",
            "students": "0", "summary": "Nội dung quán triệt"}
    data.update(fields)
    return data


def upload(data=PDF, name="danh-sach-ky-ten.pdf"):
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def year(app):
    return years.current()


@pytest.fixture
def make_directive(app, district, today):
    """A published directive (to every school unless told otherwise)."""
    counter = iter(range(1, 10_000))

    def factory(publish=True, **fields):
        n = next(counter)
        data = {"number": f"{500 + n}/PGDĐT-CTHSSV",
                "title": f"Về việc tăng cường phòng, chống bạo lực học đường số {n}",
                "body": "Các trường tổ chức quán triệt.", "signer": "Trần Văn Minh",
                "issued_on": today - dt.timedelta(days=10),
                "deadline": today + dt.timedelta(days=7), "response_kind": "ack",
                "audience_kind": "all", **fields}
        directive = directive_operations.create_draft(district.officer, data)
        if publish:
            directive = directive_operations.publish(district.officer, directive)
        return directive

    return factory


@pytest.fixture
def head_counts(app, district):
    """head_counts(school, managers, teachers, employees, year=current)."""

    def factory(school, managers=3, teachers=20, employees=5, year=None):
        principal = district.principal if school == district.preschool else (
            district.other_principal)
        with app.app_context():
            operations.set_staff_counts(principal, school, year or years.current(),
                                        {"managers": managers, "teachers": teachers,
                                         "employees": employees})

    return factory


@pytest.fixture
def make_activity(app, district):
    """make_activity(actor, school=actor's, directives=(), attendees=(), files=None, **fields)
    through operations.record_activity; an officer without a school records an office
    training."""

    def factory(actor, school=None, directives=(), attendees=(), files=None, **fields):
        if school is None and actor.school_id:
            school = actor.school
        with app.app_context():
            checked = operations.checked_uploads(files or {})
            return operations.record_activity(actor, school, values(**fields),
                                              [d.id for d in directives], list(attendees),
                                              checked)

    return factory


@pytest.fixture
def office_training(app, district, make_activity):
    """office_training([(school, name), ...], counseling=True, **fields)."""

    def factory(people, counseling=True, **fields):
        fields = {"kind": "tap_huan", "title": "Tập huấn tư vấn tâm lý học đường",
                  "presenter": "office", "managers": 0, "teachers": 0, "employees": 0,
                  "counseling": counseling, **fields}
        return make_activity(district.officer, None, attendees=[
            {"school_id": school.id, "full_name": name} for school, name in people], **fields)

    return factory
