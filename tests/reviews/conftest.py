"""Helpers for the review tests: rounds launched and answers saved through the real
operations, files, and what a browser posts."""

import datetime as dt
import io

import pytest
from werkzeug.datastructures import FileStorage

from district import clock
from district.models import ReviewSubmission
from district.reviews import operations, queries

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(data=PDF, name="bien-ban.pdf"):
    return FileStorage(io.BytesIO(data), filename=name)


def launch_values(**fields):
    return {"title": "Rà soát trường học an toàn học kỳ I", "criteria_code": "nd80-2017",
            "audience_kind": "all", "audience_levels": [], "audience_ownerships": [],
            "audience_school_ids": [], "deadline": clock.today() + dt.timedelta(days=14),
            "directive_id": None, **fields}


@pytest.fixture
def run(app):
    """run(function, *args): call an operation in the application's context (files,
    notifications), as a request would."""

    def call(function, *args, **kwargs):
        with app.app_context():
            return function(*args, **kwargs)

    return call


@pytest.fixture
def make_round(run, district):
    def factory(**fields):
        return run(operations.launch_round, district.officer, launch_values(**fields))

    return factory


def submission_of(review_round, school):
    return (ReviewSubmission.select().where(ReviewSubmission.review_round == review_round.id,
                                            ReviewSubmission.school == school.id).get())


def fresh(submission):
    return ReviewSubmission.get_by_id(submission.id)


def criteria_of(review_round):
    return queries.round_criteria(review_round)


def _answer_all(principal, submission, verdict="met", files=None, action_for=()):
    """Save an answer to every criterion (verdict `verdict`, or not_met with an action for the
    codes in `action_for`); `files` {code: [FileStorage]} adds evidence."""
    review_round = submission.review_round
    for c in criteria_of(review_round):
        data = {"verdict": verdict, "comment": f"Nhận xét {c.code}"}
        if c.code in action_for:
            data.update(verdict="not_met", action_what="Sửa tường rào", action_who="Hiệu trưởng",
                        action_due=clock.today() + dt.timedelta(days=30))
        checked = operations.checked_evidence((files or {}).get(c.code, []))
        submission = fresh(submission)
        operations.save_answer(principal, submission, c, submission.version, data, checked)
    return fresh(submission)


def answer_form_data(criterion, **fields):
    prefix = f"c{criterion.id}-"
    data = {"verdict": "met", "comment": "Đã kiểm tra", "action_what": "", "action_who": "",
            "action_due": ""}
    data.update(fields)
    return {prefix + k: v for k, v in data.items()}



@pytest.fixture
def answer_all(run):
    """answer_all(principal, submission, verdict="met", files={code: [upload]},
    action_for=(codes not met, with an action)) -> the submission as it is now."""

    def call(*args, **kwargs):
        return run(_answer_all, *args, **kwargs)

    return call
