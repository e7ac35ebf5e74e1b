"""Helpers for the schools' pages and the report: a district with real history, written through
the features' own operations (directives, rosters, activities, incidents, reviews)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from district import clock
from district.activities import operations as activity_operations
from district.directives import operations as directive_operations
from district.incidents import operations as incident_operations
from district.models import Directive, Incident, ReviewSubmission
from district.reviews import operations as review_operations
from district.reviews import queries as review_queries
from district.rosters import operations as roster_operations


@pytest.fixture
def today(app):
    return clock.today()


@pytest.fixture
def make_directive(app, district, today):
    """make_directive(deadline=..., **fields): a directive published to every school."""
    counter = iter(range(1, 10_000))

    def factory(**fields):
        n = next(counter)
        data = {"number": f"{700 + n}/PGDĐT-CTHSSV",
                "title": f"Về việc phòng, chống bạo lực học đường số {n}",
                "body": "Các trường thực hiện.", "signer": "Trần Văn Minh",
                "issued_on": today - dt.timedelta(days=5),
                "deadline": today + dt.timedelta(days=7), "response_kind": "ack",
                "audience_kind": "all", **fields}
        with app.app_context():
            directive = directive_operations.create_draft(district.officer, data)
            return directive_operations.publish(district.officer, directive)

    return factory


def past_deadline(directive, days=2):
    """Move a published directive's deadline into the past (its counts do not depend on it)."""
    Directive.update(deadline=clock.today() - dt.timedelta(days=days)).where(
        Directive.id == directive.id).execute()
    return Directive.get_by_id(directive.id)


def roster_members():
    def member(name, team_role, group, trained, position):
        return {"full_name": name, "position": position, "team_role": team_role,
                "member_group": group, "trained": trained,
                "trained_on": dt.date(2025, 8, 15) if trained else None}
    return [member("Trần Thị Lan", "to_truong", "leadership", True, "Hiệu trưởng"),
            member("Nguyễn Văn Bình", "to_pho", "counselor", True, "Giáo viên"),
            member("Lê Thị Hoa", "thanh_vien", "health", False, "Nhân viên y tế"),
            member("Phạm Minh Đức", "thanh_vien", "parent", False, "Đại diện cha mẹ học sinh")]


def activity_values(**fields):
    return {"kind": "quan_triet", "held_on": clock.today() - dt.timedelta(days=2),
            "title": "Quán triệt Chỉ thị về phòng, chống bạo lực học đường",
            "presenter": "school", "presenter_name": "", "sessions": 1, "hours": 2.0,
            "managers": 2, "teachers": 10, "employees": 3, "parents": 40, "students": 0,
            "summary": "", **fields}


def incident_data(**fields):
    data = {"occurred_at": clock.utcnow() - dt.timedelta(hours=20), "place": "school_yard",
            "category": "bullying", "caused_by": "student", "severity": "medium",
            "sensitive": False, "summary": "Học sinh bị trêu chọc ở sân trường",
            "description": "Giờ ra chơi.", "immediate_actions": "Tách các em.", **fields}
    students = [{"full_name": "Nguyễn Minh An", "class_name": "5A", "sex": "nam",
                 "birth_year": 2015, "role": "affected"}]
    return data, students


@pytest.fixture
def make_incident(app):
    """make_incident(actor, school, hours_ago=1, **fields) through incidents' operations."""

    def factory(actor, school, hours_ago=1, **fields):
        data, students = incident_data(**fields)
        with app.app_context():
            return incident_operations.report(
                actor, school, data, students, {},
                now=clock.utcnow() - dt.timedelta(hours=hours_ago))

    return factory


@pytest.fixture
def resolve(app):
    """resolve(incident, actor, outcome): walk it to resolved."""

    def walk(incident, actor, outcome="handled_at_school"):
        with app.app_context():
            for status in ("verifying", "handling", "resolved"):
                incident = Incident.get_by_id(incident.id)
                incident_operations.change_status(
                    actor, incident, incident.version, status,
                    outcome=outcome if status == "resolved" else "",
                    reason="Không áp dụng" if status == "resolved" else "")
        return Incident.get_by_id(incident.id)

    return walk


@pytest.fixture
def accepted_review(app, district):
    """A round launched to every school; the preschool answers every criterion met but one
    (not met, with an improvement action), submits, and the officer accepts it."""

    def factory():
        with app.app_context():
            review_round = review_operations.launch_round(district.officer, {
                "title": "Rà soát trường học an toàn học kỳ I", "criteria_code": "nd80-2017",
                "audience_kind": "all", "audience_levels": [], "audience_ownerships": [],
                "audience_school_ids": [], "deadline": clock.today() + dt.timedelta(days=14),
                "directive_id": None})
            submission = ReviewSubmission.get(ReviewSubmission.review_round == review_round.id,
                                              ReviewSubmission.school == district.preschool.id)
            criteria = review_queries.round_criteria(review_round)
            for i, criterion in enumerate(criteria):
                data = {"verdict": "met", "comment": "Đã kiểm tra"}
                if i == 0:
                    data.update(verdict="not_met", action_what="Sửa tường rào",
                                action_who="Hiệu trưởng",
                                action_due=clock.today() + dt.timedelta(days=30))
                submission = ReviewSubmission.get_by_id(submission.id)
                review_operations.save_answer(district.principal, submission, criterion,
                                              submission.version, data, [])
            submission = ReviewSubmission.get_by_id(submission.id)
            review_operations.submit(district.principal, submission, submission.version)
            submission = ReviewSubmission.get_by_id(submission.id)
            review_operations.decide(district.officer, submission, submission.version,
                                     "accept", {})
            return SimpleNamespace(round=review_round, criterion=criteria[0],
                                   submission=ReviewSubmission.get_by_id(submission.id))

    return factory


@pytest.fixture
def history(app, district, today, make_directive, make_incident, resolve):
    """The preschool's school year so far:
    - three directives: d1 acknowledged on time, d2 overdue (and reminded), d3 still pending;
      the secondary school acknowledged d2 late;
    - a complete roster;
    - two activities (one quán triệt, one parents' meeting);
    - incidents: one critical reported 20 hours ago with its steps open, one resolved
      (handled at school), one bullying under handling; the secondary school one incident."""
    d1 = make_directive()
    d2 = make_directive(deadline=today + dt.timedelta(days=1))
    d3 = make_directive(deadline=today + dt.timedelta(days=20))
    with app.app_context():
        directive_operations.acknowledge(district.principal, Directive.get_by_id(d1.id))
        d2 = past_deadline(d2)
        directive_operations.acknowledge(district.other_principal, d2)
        directive_operations.remind(district.officer, d2, overdue_only=True)
        roster_operations.save_version(district.principal, district.preschool,
                                       roster_members())
        activity_operations.record_activity(district.principal, district.preschool,
                                            activity_values(), [d1.id], [], {})
        activity_operations.record_activity(
            district.principal, district.preschool,
            activity_values(kind="hop_cmhs", title="Họp cha mẹ học sinh đầu năm", managers=1,
                            teachers=12, employees=0, parents=120), [], [], {})
    critical = make_incident(district.principal, district.preschool, hours_ago=20,
                             severity="critical", category="physical")
    resolved = resolve(make_incident(district.principal, district.preschool, hours_ago=30),
                       district.principal)
    handling = make_incident(district.principal, district.preschool, hours_ago=3)
    with app.app_context():
        handling = Incident.get_by_id(handling.id)
        incident_operations.change_status(district.principal, handling, handling.version,
                                          "verifying")
    other = make_incident(district.other_principal, district.secondary, hours_ago=2,
                          category="cyberbullying")
    return SimpleNamespace(d1=d1, d2=d2, d3=d3, critical=critical, resolved=resolved,
                           handling=handling, other=other)
