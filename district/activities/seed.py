"""Demo activities (seeds/activities.json): each school's head counts and a school year of
plausible activities (the previous one whole, the current one up to yesterday), the quán triệt
of the office's directive on violence by most schools that received it, and the office's
trainings, among them the counseling training that marks members of the demo rosters trained.

Drawn with a fixed random seed, dates relative to today. Loaded only while no activity exists.
The schools' activities are written directly (hundreds of rows, one audit entry); the office's
trainings through operations.record_activity, so the rosters follow.
"""

import datetime as dt
import json
import random

from .. import clock
from ..audit import record
from ..files import store_bytes
from ..models import (
    Activity,
    ActivityAttendee,
    ActivityDirective,
    ActivityFile,
    ActivityRevision,
    Directive,
    Recipient,
    School,
    StaffCount,
    User,
)
from ..text import fold
from ..vocabulary import PRINCIPAL, SCHOOL_ROLES
from . import operations, years
from .vocabulary import QUAN_TRIET, STAFF_GROUPS

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
            b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PRESENTER_NAMES = {"police": "Công an {commune}", "health": "Trạm y tế {commune}",
                   "women_union": "Hội Liên hiệp Phụ nữ {commune}",
                   "office": "Chuyên viên Phòng GD&ĐT"}


def _at(day, hour=16):
    """A local day's hour as stored (naive UTC)."""
    return clock.to_utc(dt.datetime.combine(day, dt.time(hour)))


class _Demo:
    def __init__(self, data, rng, today):
        self.data, self.rng, self.today = data, rng, today
        self.schools = list(School.select().where(School.active == True)  # noqa: E712
                            .order_by(School.code))
        self.accounts = {}
        for u in (User.select().where(User.role.in_(SCHOOL_ROLES), User.active == True)  # noqa: E712
                  .order_by(User.id)):
            self.accounts.setdefault(u.school_id, []).append(u)
        self.principals = {u.school_id: u for u in User.select().where(User.role == PRINCIPAL)}
        self.heads = {}
        self.count = 0
        self.sheets = 0

    def head(self, school, year):
        """The school's head counts of `year` (drawn once, stored or not)."""
        key = (school.id, year)
        if key not in self.heads:
            ranges = self.data["head_counts"][school.level]
            base = {g: self.rng.randint(*ranges[g]) for g in STAFF_GROUPS}
            if (school.id, year - 1) in self.heads:  # a year later: a few more or fewer
                before = self.heads[(school.id, year - 1)]
                base = {g: max(1, before[g] + self.rng.randint(-1, 2)) for g in STAFF_GROUPS}
            self.heads[key] = base
        return self.heads[key]

    def counts(self, school, year, item):
        head = self.head(school, year)
        low, high = item.get("staff", [0, 0])
        counts = {g: min(head[g], round(head[g] * self.rng.uniform(low, high)))
                  for g in STAFF_GROUPS}
        students = self.rng.randint(*self.data["students"][school.level])
        counts["students"] = round(students * self.rng.uniform(*item["students"])) if (
            "students" in item) else 0
        counts["parents"] = round(students * self.rng.uniform(*item["parents"])) if (
            "parents" in item) else 0
        return counts

    def activity(self, school, year, day, kind, title, presenter, item, by, directive=None,
                 sheet=False, named=False):
        counts = self.counts(school, year, item)
        at = _at(day)
        activity = Activity.create(
            school=school, kind=kind, held_on=day, school_year=years.year_of(day), title=title,
            title_search=fold(title), presenter=presenter,
            presenter_name=PRESENTER_NAMES.get(presenter, "").format(commune=school.commune),
            sessions=self.rng.randint(*item["sessions"]),
            hours=float(self.rng.randint(*item["hours"])), created_by=by, created_at=at,
            updated_at=at, version=1, **counts)
        ActivityRevision.create(activity=activity.id, version=1, changed_by=by, changed_at=at,
                                changes={"created": True})
        if directive is not None:
            ActivityDirective.create(activity=activity.id, directive=directive.id)
        if named:
            people = self.accounts.get(school.id, [])
            if people:
                ActivityAttendee.insert_many([
                    {"activity": activity.id, "school": school.id, "user": u.id,
                     "full_name": u.full_name, "name_search": fold(u.full_name)} for u in people
                ]).execute()
        if sheet:
            stored = store_bytes(DEMO_PDF, f"danh-sach-ky-ten-{school.code.lower()}.pdf",
                                 "application/pdf", by)
            ActivityFile.create(activity=activity.id, file=stored, kind="attendance",
                                added_by=by, added_at=at)
            self.sheets += 1
        self.count += 1
        return activity


def load(seeds_dir):
    if Activity.select().exists():
        return "activities: already present, nothing loaded"
    data = json.loads((seeds_dir / "activities.json").read_text(encoding="utf-8"))
    today = clock.today()
    current = years.year_of(today)
    demo = _Demo(data, random.Random(2026), today)
    officer = User.get(User.username == data["officer"])
    for year in (current - 1, current):
        _school_year(demo, year)
    quan_triet = _directive_quan_triet(demo, data["directive_quan_triet"])
    _head_counts(demo, data, current)
    record("seed.activities", target_type="seed", details={
        "activities": demo.count, "sheets": demo.sheets, "quan_triet": quan_triet})
    trainings = [_office_training(demo, officer, row) for row in data["office_trainings"]]
    return (f"activities: {demo.count} of schools ({quan_triet} quán triệt of the directive), "
            f"{len(trainings)} office trainings, {len(demo.heads)} head counts drawn")


def _school_year(demo, year):
    quiet = set(demo.data["quiet_schools"])
    for school in demo.schools:
        by = demo.principals.get(school.id)
        if by is None or (school.code in quiet and year == years.year_of(demo.today)):
            continue
        for item in demo.data["plan"]:
            if demo.rng.random() > item["share"]:
                continue
            month = demo.rng.choice(item["months"])
            day = dt.date(year if month >= years.start_month() else year + 1, month,
                          demo.rng.randint(3, 26))
            if day >= demo.today:
                continue
            presenter = item["presenter"]
            if isinstance(presenter, list):
                presenter = demo.rng.choice(presenter)
            title = demo.rng.choice(item["titles"])
            if item["kind"] == QUAN_TRIET:
                title = f"{title} {years.label(year)}"
            demo.activity(school, year, day, item["kind"], title, presenter, item, by,
                          named=item["kind"] == QUAN_TRIET)


def _directive_quan_triet(demo, plan):
    """Most schools that received the directive hold its quán triệt after it was issued."""
    directive = Directive.get_or_none(Directive.number == plan["number"],
                                      Directive.status == "published")
    if directive is None or (demo.today - directive.issued_on).days < 2:
        return 0
    received = {r.school_id for r in Recipient.select(Recipient.school)
                .where(Recipient.directive == directive.id)}
    item = {"staff": plan["staff"], "sessions": [1, 1], "hours": [2, 3]}
    held = 0
    quiet = set(demo.data["quiet_schools"])
    for school in demo.schools:
        by = demo.principals.get(school.id)
        if (by is None or school.id not in received or school.code in quiet
                or demo.rng.random() > plan["share"]):
            continue
        span = (demo.today - directive.issued_on).days - 1
        day = directive.issued_on + dt.timedelta(days=demo.rng.randint(1, max(1, span)))
        demo.activity(school, years.year_of(day), day, QUAN_TRIET, plan["title"], "school", item,
                      by, directive=directive, sheet=demo.rng.random() < plan["sheets"],
                      named=True)
        held += 1
    return held


def _head_counts(demo, data, current):
    missing = set(data["without_head_counts"])
    rows = []
    for school in demo.schools:
        by = demo.principals.get(school.id)
        if by is None:
            continue
        for year in (current - 1, current):
            if year == current and school.code in missing:
                continue
            rows.append({"school": school.id, "school_year": year, "updated_by": by.id,
                         "updated_at": _at(years.first_day(year) + dt.timedelta(days=10), 9),
                         **demo.head(school, year)})
    for start in range(0, len(rows), 100):
        StaffCount.insert_many(rows[start:start + 100]).execute()


def _office_training(demo, officer, row):
    codes = {s.code: s for s in demo.schools}
    attendees = []
    for code, name in row["attendees"]:
        school = codes.get(code)
        if school is None:
            continue
        if name == "@principal":
            principal = demo.principals.get(school.id)
            if principal is not None:
                attendees.append({"user_id": principal.id})
        else:
            attendees.append({"school_id": school.id, "full_name": name})
    day = demo.today - dt.timedelta(days=row["days_ago"])
    values = {"kind": row["kind"], "held_on": day, "title": row["title"],
              "presenter": row["presenter"], "presenter_name": row.get("presenter_name", ""),
              "sessions": row["sessions"], "hours": float(row["hours"]),
              "counseling": row["counseling"], "summary": row.get("summary", ""),
              "managers": 0, "teachers": 0, "employees": 0, "parents": 0, "students": 0,
              **row.get("counts", {})}
    activity = operations.record_activity(officer, None, values, [], attendees, {})
    at = _at(day, 17)
    Activity.update(created_at=at, updated_at=at).where(Activity.id == activity.id).execute()
    ActivityRevision.update(changed_at=at).where(ActivityRevision.activity == activity.id).execute()
    return activity
