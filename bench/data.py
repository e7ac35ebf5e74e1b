"""A large synthetic district for the benchmark, written straight through the models."""

import datetime as dt
import random

from werkzeug.security import generate_password_hash

from district.admin.values import school_values, user_values
from district.incidents.vocabulary import CATEGORIES, CAUSER_LABELS, PLACE_LABELS, SEVERITIES
from district.incidents.workflow import STATUSES
from district.models import (
    Directive,
    Incident,
    Recipient,
    Roster,
    School,
    User,
    utcnow,
)

DIRECTIVES = 40
INCIDENTS = 10_000

PASSWORD = "Bench2026"
LEVELS = ("mam_non", "tieu_hoc", "thcs", "lien_cap")
OWNERSHIPS = ("cong_lap", "cong_lap", "tu_thuc", "dan_lap")


def fill(n_schools):
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    schools = []
    for i in range(n_schools):
        values = school_values({
            "code": f"B-{i:04d}", "name": f"Trường Thử Nghiệm Số {i}",
            "level": LEVELS[i % 4], "ownership": OWNERSHIPS[i % 4],
            "commune": f"Xã Số {i % 40}",
        })
        schools.append(values)
    for start in range(0, len(schools), 500):
        School.insert_many(schools[start:start + 500]).execute()
    school_ids = [s.id for s in School.select(School.id).order_by(School.id)]
    users = [
        {**user_values({"username": "admin", "full_name": "Quản Trị", "role": "admin"})},
        {**user_values({"username": "chuyenvien", "full_name": "Chuyên Viên", "role": "officer"})},
        {**user_values({"username": "lanhdao", "full_name": "Lãnh Đạo", "role": "observer"})},
    ]
    for i, school_id in enumerate(school_ids):
        users.append({**user_values({"username": f"ht.{i}", "full_name": f"Hiệu Trưởng {i}",
                                     "role": "principal"}), "school": school_id})
        for k in (1, 2):
            users.append({**user_values({"username": f"gv{k}.{i}", "full_name": f"Giáo Viên {i}",
                                         "role": "staff"}), "school": school_id})
    for row in users:
        row.setdefault("school", None)
        row["password_hash"] = hashed
    for start in range(0, len(users), 500):
        User.insert_many(users[start:start + 500]).execute()
    officer = User.get(User.username == "chuyenvien")
    fill_rosters(school_ids)
    directive_ids = fill_directives(officer, school_ids)
    incident_id = fill_incidents(school_ids)
    return {"school_ids": school_ids, "directive_id": directive_ids[-1],
            "incident_id": incident_id,
            "summary": f"{len(users)} accounts, {len(directive_ids)} directives to every school "
                       f"({len(directive_ids) * len(school_ids)} recipients), "
                       f"{INCIDENTS} incidents"}


def fill_incidents(school_ids):
    """INCIDENTS incidents spread over the schools, the past two years, every status."""
    rng = random.Random(111)
    staff = {u.school_id: u.id for u in User.select().where(User.role == "staff")}
    year = dt.date.today().year
    rows = []
    for n in range(INCIDENTS):
        school_id = school_ids[n % len(school_ids)]
        at = utcnow() - dt.timedelta(hours=rng.randint(1, 24 * 700))
        category = rng.choice(list(CATEGORIES))
        rows.append({
            "reference": f"VV-{year}-B{n:05d}", "school": school_id,
            "reported_by": staff[school_id], "reported_at": at, "occurred_at": at,
            "place": rng.choice(list(PLACE_LABELS)), "category": category,
            "caused_by": rng.choice(list(CAUSER_LABELS)), "severity": rng.choice(list(SEVERITIES)),
            "sensitive": category == "sexual_abuse",
            "summary": f"Học sinh bị bắt nạt trong giờ ra chơi, lần {n}",
            "summary_search": f"hoc sinh bi bat nat trong gio ra choi, lan {n}",
            "status": rng.choice(STATUSES), "updated_at": at,
        })
    for start in range(0, len(rows), 500):
        Incident.insert_many(rows[start:start + 500]).execute()
    return Incident.select(Incident.id).order_by(Incident.id.desc()).first().id


def fill_rosters(school_ids):
    """Nine schools in ten have a current roster, in every state."""
    principals = {u.school_id: u.id for u in User.select().where(User.role == "principal")}
    states = ("complete", "complete", "warnings", "incomplete")
    rows = [{"school": school_id, "version": 1, "submitted_by": principals[school_id],
             "rule_set": "tt18_2025", "state": states[i % 4],
             "result": {"state": states[i % 4], "rule_set": "tt18_2025", "errors": [],
                        "warnings": [], "trained_count": 2,
                        "training": {"trained": 4, "groups": ["counselor"], "required": 2,
                                     "required_trained": 2}},
             "member_count": 7, "trained_count": 4, "is_current": True}
            for i, school_id in enumerate(school_ids) if i % 10]
    for start in range(0, len(rows), 500):
        Roster.insert_many(rows[start:start + 500]).execute()


def fill_directives(officer, school_ids):
    """DIRECTIVES published directives sent to every school, in a mix of states."""
    rng = random.Random(2026)
    today = dt.date.today()
    principals = {u.school_id: u.id for u in User.select().where(User.role == "principal")}
    ids = []
    for d in range(DIRECTIVES):
        issued = today - dt.timedelta(days=3 * (DIRECTIVES - d))
        directive = Directive.create(
            number=f"{d + 1}/PGDĐT-BENCH", title=f"Văn bản thử nghiệm số {d + 1}",
            title_search=f"van ban thu nghiem so {d + 1}", body="Nội dung.", signer="Bench",
            issued_on=issued, deadline=issued + dt.timedelta(days=10), status="published",
            created_by=officer, published_at=utcnow(),
        )
        ids.append(directive.id)
        rows = []
        for school_id in school_ids:
            row = {"directive": directive.id, "school": school_id}
            roll = rng.random()
            if roll < 0.7:
                at = utcnow() - dt.timedelta(days=rng.randint(0, 20))
                row.update(first_read_at=at, first_read_by=principals[school_id],
                           acknowledged_at=at, acknowledged_by=principals[school_id],
                           ack_revision=1, ack_late=roll < 0.15)
            elif roll < 0.85:
                row.update(first_read_at=utcnow(), first_read_by=principals[school_id])
            rows.append(row)
        for start in range(0, len(rows), 500):
            Recipient.insert_many(rows[start:start + 500]).execute()
    return ids


def pages(world):
    """(role, username, url) for every page measured."""
    return [
        ("admin", "admin", "/"),
        ("admin", "admin", "/admin/schools"),
        ("admin", "admin", "/admin/users"),
        ("admin", "admin", "/admin/audit"),
        ("officer", "chuyenvien", "/"),
        ("officer", "chuyenvien", "/directives/"),
        ("officer", "chuyenvien", f"/directives/{world['directive_id']}"),
        ("officer", "chuyenvien", f"/directives/{world['directive_id']}/tracking"),
        ("officer", "chuyenvien", f"/directives/{world['directive_id']}/tracking?sort=state"),
        ("officer", "chuyenvien", f"/directives/{world['directive_id']}/tracking.xlsx"),
        ("principal", "ht.0", "/directives/"),
        ("officer", "chuyenvien", "/rosters/"),
        ("officer", "chuyenvien", "/rosters/?state=incomplete"),
        ("officer", "chuyenvien", "/rosters/coverage.xlsx"),
        ("principal", "ht.1", "/rosters/"),
        ("officer", "chuyenvien", "/incidents/"),
        ("officer", "chuyenvien", "/incidents/?q=bat nat&status=handling"),
        ("officer", "chuyenvien", f"/incidents/{world['incident_id']}"),
        ("officer", "chuyenvien", "/incidents/stats"),
        ("observer", "lanhdao", "/incidents/stats"),
        ("principal", "ht.0", "/incidents/"),
        ("staff", "gv1.0", "/incidents/"),
        ("principal", "ht.0", "/"),
        ("staff", "gv1.0", "/notifications/"),
        ("observer", "lanhdao", "/"),
    ]
