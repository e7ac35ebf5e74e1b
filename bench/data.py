"""A large synthetic office for the benchmarks: schools, accounts, directives and their
recipients, rosters, incidents with their timelines, notifications and the audit log.

    fill(n_schools)   # inside an app context, on an empty (migrated) database

Scale knobs (environment; the defaults follow the number of schools):

    BENCH_SCHOOLS      300 (bench/run.py, bench/build.py)
    BENCH_DIRECTIVES   200 at 1,000 schools or more, else 40 (each sent to every school)
    BENCH_INCIDENTS    100,000 at 1,000 schools or more, else 10,000
    BENCH_AUDIT        1,000,000 at 1,000 schools or more, else 1,000 per school

Accounts: one principal and two staff per school, plus admin / chuyenvien (officer) /
lanhdao (observer), all with the password PASSWORD. Rows are written in bulk, not through the
operations: COPY on PostgreSQL, executemany in one transaction on SQLite. The figures are
fictional but shaped like a real office's two years: directives spread over two years with
read / acknowledged / late / overdue mixes that follow their age, incidents from the demo's
scenarios in every status (older ones closed), sensitive ones, students, timelines,
checklists, referrals; notifications per account as the application sends them; audit entries
of the actions the application records, by the people who take them.
"""

import datetime as dt
import io
import json
import os
import random
import time
from collections import Counter
from pathlib import Path

from werkzeug.security import generate_password_hash

from district import clock
from district.admin.values import school_values, user_values
from district.db import database, is_postgres
from district.incidents.vocabulary import CATEGORIES, CHECKLIST_ITEMS, SEVERITIES, STATUSES
from district.models import (
    Acknowledgement,
    AuditEntry,
    Directive,
    DirectiveReminder,
    DirectiveRevision,
    Incident,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentReferral,
    IncidentStudent,
    IncidentView,
    Notification,
    Recipient,
    Roster,
    RosterMember,
    School,
    Setting,
    User,
)
from district.rosters.members import member_values
from district.rosters.rules import check_roster
from district.text import fold

PASSWORD = "Bench2026"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MARKER = "bench.world"  # the Setting row that says what a bench database holds

LEVELS = ("mam_non", "tieu_hoc", "thcs", "lien_cap")
LEVEL_WEIGHTS = (36, 37, 22, 5)
LEVEL_PREFIX = {"mam_non": "Trường Mầm non", "tieu_hoc": "Trường Tiểu học",
                "thcs": "Trường THCS", "lien_cap": "Trường TH&THCS"}
OWNERSHIPS = ("cong_lap", "tu_thuc", "dan_lap")
OWNERSHIP_WEIGHTS = (85, 10, 5)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương")
MIDDLE = {"nam": ("Văn", "Minh", "Quốc", "Đức", "Thành", "Hữu", "Công", "Gia", "Anh"),
          "nu": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Bảo", "Hồng", "Kim")}
GIVEN = {"nam": ("An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khoa", "Long", "Minh",
                 "Nam", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Trung", "Tuấn", "Việt", "Vinh"),
         "nu": ("Anh", "Chi", "Diệp", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh",
                "Mai", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Vy", "Yến")}
PLACES = ("An Bình", "Bình Minh", "Cẩm Giang", "Đông Hòa", "Hòa Lạc", "Hưng Thịnh", "Kim Sơn",
          "Long Phước", "Minh Đức", "Nghĩa Hưng", "Phú Lộc", "Phước Hải", "Quang Trung",
          "Sơn Thủy", "Tân Phú", "Thạch Bàn", "Thanh Hà", "Thuận Thành", "Tiên Lãng",
          "Trung Nghĩa", "Vạn Xuân", "Việt Yên", "Vĩnh Lộc", "Xuân Trường", "Yên Bình")
NAMESAKES = ("Lê Lợi", "Nguyễn Du", "Trần Phú", "Kim Đồng", "Võ Thị Sáu", "Lý Tự Trọng",
             "Chu Văn An", "Hoa Sen", "Sơn Ca", "Họa Mi", "Nguyễn Trãi", "Quang Trung",
             "Lê Quý Đôn", "Ngô Quyền", "Hai Bà Trưng", "Phan Bội Châu", "Tuổi Thơ", "Măng Non",
             "Bình Minh", "Hướng Dương")
DIRECTIVE_TITLES = (
    "Về việc tăng cường công tác phòng, chống bạo lực học đường",
    "Về việc triển khai công tác tư vấn tâm lý cho học sinh",
    "Về việc bảo đảm an toàn cho học sinh trong dịp nghỉ lễ",
    "Về việc kiện toàn tổ tư vấn tâm lý học đường",
    "Về việc phòng, chống xâm hại trẻ em trên môi trường mạng",
    "Về việc báo cáo tình hình an ninh trật tự trường học",
    "Về việc phòng chống đuối nước cho học sinh mùa hè",
    "Về việc tổ chức tập huấn kỹ năng tư vấn cho giáo viên",
    "Về việc rà soát, cập nhật kế hoạch trường học an toàn",
    "Về việc thực hiện quy tắc ứng xử trong trường học",
    "Về việc phối hợp với gia đình trong giáo dục học sinh",
    "Về việc tăng cường an toàn giao thông cho học sinh",
)
CLASS_NAMES = {"mam_non": ("Mầm 1", "Mầm 2", "Chồi 1", "Chồi 2", "Lá 1", "Lá 3"),
               "tieu_hoc": ("1A", "2B", "3A", "4C", "5A", "5B"),
               "thcs": ("6A", "7B", "8A", "8C", "9A", "9B"),
               "lien_cap": ("4A", "5B", "6A", "7B", "8A", "9C")}
AGE_OF_CLASS = {"Mầm": 3, "Chồi": 4, "Lá": 5}
EVENT_NOTES = {
    "verifying": ("Đã gặp riêng học sinh và giáo viên chủ nhiệm để xác minh.",
                  "Đã làm việc với các học sinh liên quan và lập biên bản."),
    "handling": ("Đã họp tổ tư vấn, phân công theo dõi, hỗ trợ học sinh.",
                 "Mời phụ huynh đến trường trao đổi biện pháp phối hợp."),
    "referred": ("Vượt quá khả năng xử lý của nhà trường, chuyển cơ quan chức năng.",),
    "resolved": ("Đã họp với phụ huynh, thống nhất biện pháp hỗ trợ và theo dõi.",
                 "Học sinh đã ổn định, tiếp tục theo dõi trong học kỳ."),
    "closed": ("Hồ sơ đầy đủ, đồng ý kết thúc.",),
}
AGENCY = {"sexual_abuse": "police", "self_harm": "health", "neglect": "labour_social"}
OUTCOME = {"sexual_abuse": "referred_concluded", "physical": "disciplined",
           "cyberbullying": "disciplined", "bullying": "handled_at_school",
           "psychological": "handled_at_school"}
# Audit entries: (action, weight) of what an office's two years are mostly made of.
AUDIT_MIX = (
    ("login.success", 300), ("logout", 90), ("login.failed", 20), ("directive.read", 170),
    ("directive.acknowledge", 150), ("notification.read_by_opening", 60),
    ("incident.view", 90), ("incident.create", 25), ("incident.status", 45),
    ("incident.note", 12), ("incident.assign", 8), ("incident.checklist", 15),
    ("notification.read_all", 5), ("roster.save", 4), ("roster.export", 1),
    ("directive.export", 2), ("directive.remind", 1), ("password.changed", 2),
    ("user.update", 1), ("school.update", 1),
)


def knobs(n_schools=None):
    """The scale of the office to build: {schools, directives, incidents, audit}."""
    n = int(n_schools if n_schools is not None else os.environ.get("BENCH_SCHOOLS", "300"))
    big = n >= 1000
    env = os.environ.get
    return {
        "schools": n,
        "directives": int(env("BENCH_DIRECTIVES") or (200 if big else 40)),
        "incidents": int(env("BENCH_INCIDENTS") or (100_000 if big else 10_000)),
        "audit": int(env("BENCH_AUDIT") or (1_000_000 if big else max(5_000, n * 1_000))),
    }


# --- Writing rows in bulk --------------------------------------------------------------------


def _json(value):
    return json.dumps(value, ensure_ascii=False, default=str)


def _copy_text(value):
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                     .replace("\r", "\\r"))
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is float:
        return str(value)
    if kind is dt.datetime:
        return value.isoformat(" ")
    if kind is dt.date:
        return value.isoformat()
    return _copy_text(_json(value))


def _sqlite_value(value):
    kind = type(value)
    if kind is dt.datetime:
        return value.isoformat(" ")
    if kind is dt.date:
        return value.isoformat()
    if kind is dict or kind is list:
        return _json(value)
    return value


class Bulk:
    """Rows written straight into tables, with ids chosen here (so rows can point at each
    other without reading anything back); sequences are moved past them at the end."""

    CHUNK = 100_000

    def __init__(self):
        self.pg = is_postgres()
        self.counts = {}
        self._next = {}
        self._deferred = {}  # table: the CREATE INDEX statements to run after the load
        if self.pg:
            # Memory to build the indexes after the load; and, where allowed (a superuser),
            # no per-row foreign-key trigger: the rows are consistent by construction.
            database.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
            try:
                with database.atomic():
                    database.execute_sql("SET LOCAL session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: the checks run, slower
                pass

    def next_id(self, model):
        if model not in self._next:
            top = model.select(model.id).order_by(model.id.desc()).limit(1).scalar()
            self._next[model] = (top or 0) + 1
        return self._next[model]

    def ids(self, model, n):
        """n fresh ids for `model`, as a range."""
        first = self.next_id(model)
        self._next[model] = first + n
        return range(first, first + n)

    def write(self, model, fields, rows):
        """Insert `rows` (tuples in the order of `fields`, model field names). A column the
        rows do not give gets its field's default (so a column added later, such as a kept
        count, is written as the application would write it; recount() fixes counts after)."""
        table = model._meta.table_name
        extra = {name: (f.default() if callable(f.default) else f.default)
                 for name, f in model._meta.fields.items()
                 if name not in fields and f.default is not None}
        names = list(fields) + list(extra)
        columns = ", ".join(f'"{model._meta.fields[f].column_name}"' for f in names)
        tail = tuple(extra.values())
        chunk = []
        for row in rows:
            chunk.append(row + tail if tail else row)
            if len(chunk) >= self.CHUNK:
                self._flush(table, columns, len(names), chunk)
                chunk = []
        if chunk:
            self._flush(table, columns, len(names), chunk)

    def _defer_indexes(self, table):
        """PostgreSQL: drop the table's indexes that back no constraint (the primary key
        stays), to build each once after the load instead of row by row."""
        if table in self._deferred:
            return
        rows = database.execute_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
            "current_schema() AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
            "quote_ident(i.indexname))::regclass)", (table,)).fetchall()
        for name, _definition in rows:
            database.execute_sql(f'DROP INDEX "{name}"')
        self._deferred[table] = [definition for _name, definition in rows]

    def _flush(self, table, columns, width, rows):
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        if self.pg:
            self._defer_indexes(table)
        cursor = database.cursor()
        if self.pg:
            text = "\n".join("\t".join([_copy_text(v) for v in row]) for row in rows) + "\n"
            cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN',
                               io.StringIO(text))
        else:
            marks = ", ".join("?" * width)
            cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                               [[_sqlite_value(v) for v in row] for row in rows])

    def finish(self):
        """PostgreSQL: each filled table's id sequence continues after its largest id."""
        if not self.pg:
            return
        for statements in self._deferred.values():
            for statement in statements:
                database.execute_sql(statement)
        for model in self._next:
            table = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")


# --- People and places -----------------------------------------------------------------------


def person(rng, sex=None):
    sex = sex or rng.choice(("nam", "nu"))
    return (f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}", sex)


def _communes(n_schools):
    count = max(5, n_schools // 25)
    names = []
    for i in range(count):
        place = PLACES[i % len(PLACES)]
        suffix = f" {i // len(PLACES) + 1}" if i >= len(PLACES) else ""
        names.append(f"{'Phường' if i % 5 == 0 else 'Xã'} {place}{suffix}")
    return names


def fill_schools(bulk, rng, n):
    communes = _communes(n)
    levels = rng.choices(LEVELS, weights=LEVEL_WEIGHTS, k=n)
    ownerships = rng.choices(OWNERSHIPS, weights=OWNERSHIP_WEIGHTS, k=n)
    seen = {}
    rows, schools = [], []
    ids = bulk.ids(School, n)
    created = clock.utcnow() - dt.timedelta(days=800)
    for i, school_id in enumerate(ids):
        level = levels[i] if i >= 4 else LEVELS[i]  # the first four: one of each level
        ownership = ownerships[i] if i >= 4 else "cong_lap"
        commune = communes[i % len(communes)]
        name = f"{LEVEL_PREFIX[level]} {NAMESAKES[(i * 7) % len(NAMESAKES)]}"
        key = (name, commune)
        seen[key] = seen.get(key, 0) + 1
        full = f"{name} {commune.split(' ', 1)[1]}" + (f" số {seen[key]}" if seen[key] > 1 else "")
        values = school_values({"code": f"B-{i:04d}", "name": full, "level": level,
                                "ownership": ownership, "commune": commune,
                                "address": f"Thôn {i % 12 + 1}, {commune}",
                                "phone": f"0203 38{i % 10000:04d}"})
        rows.append((school_id, values["code"], values["name"], values["name_search"],
                     values["name_key"], level, ownership, values["commune"],
                     values["address"], values["phone"], True, created, created))
        schools.append({"id": school_id, "code": values["code"], "name": values["name"],
                        "level": level, "commune": values["commune"]})
    bulk.write(School, ("id", "code", "name", "name_search", "name_key", "level", "ownership",
                        "commune", "address", "phone", "active", "created_at", "updated_at"),
               rows)
    return schools


def fill_users(bulk, rng, schools, now):
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    people = [("admin", "Quản Trị Hệ Thống", "admin", None),
              ("chuyenvien", "Trần Thu Hà", "officer", None),
              ("lanhdao", "Nguyễn Văn Hùng", "observer", None)]
    for i, school in enumerate(schools):
        people.append((f"ht.{i}", person(rng)[0], "principal", school["id"]))
        people.append((f"gv1.{i}", person(rng)[0], "staff", school["id"]))
        people.append((f"gv2.{i}", person(rng)[0], "staff", school["id"]))
    ids = bulk.ids(User, len(people))
    rows = []
    users = {}
    created = now - dt.timedelta(days=760)
    for user_id, (username, full_name, role, school_id) in zip(ids, people, strict=True):
        values = user_values({"username": username, "full_name": full_name, "role": role,
                              "email": f"{username}@bench.edu.vn"})
        last_login = now - dt.timedelta(hours=rng.randint(1, 24 * 20))
        rows.append((user_id, values["username"], values["full_name"], values["name_search"],
                     values["name_key"], values["email"], "", role, school_id, hashed, True,
                     False, "vi", last_login, 0, 1, created))
        users[username] = {"id": user_id, "username": username, "name": values["full_name"],
                           "role": role, "school": school_id}
    bulk.write(User, ("id", "username", "full_name", "name_search", "name_key", "email",
                      "phone", "role", "school", "password_hash", "active",
                      "must_change_password", "locale", "last_login_at", "failed_logins",
                      "session_version", "created_at"), rows)
    return users


# --- Rosters -----------------------------------------------------------------------------------


def _roster_templates():
    """The demo's member lists (seeds/rosters.json), by the level of the demo school they
    belong to: {level: [members, ...]}."""
    levels = {s["code"]: s["level"] for s in
              json.loads((SEEDS / "district.json").read_text(encoding="utf-8"))["schools"]}
    data = json.loads((SEEDS / "rosters.json").read_text(encoding="utf-8"))["rosters"]
    by_level = {level: [] for level in LEVELS}
    for code, history in data.items():
        for version in history:
            members = []
            for m in version["members"]:
                day = m.get("trained_on")
                if day:
                    d, mo, y = (int(x) for x in day.split("/"))
                    day = dt.date(y, mo, d)
                members.append(member_values(m | {"trained_on": day or None}))
            by_level[levels.get(code, "tieu_hoc")].append(members)
    for level in LEVELS:  # a level the demo has no roster for borrows a neighbour's
        if not by_level[level]:
            by_level[level] = by_level["thcs"] or by_level["tieu_hoc"]
    return by_level


def fill_rosters(bulk, rng, schools, users, now):
    """Nine schools in ten have a roster, one to three versions, the last one current; its
    state is the rules' verdict on members taken from the demo's rosters."""
    templates = _roster_templates()
    checked = {}
    roster_rows, member_rows, current = [], [], {}
    for i, school in enumerate(schools):
        if i % 10 == 9:
            continue
        level = school["level"]
        versions = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        first_at = now - dt.timedelta(days=rng.randint(60, 700))
        principal = users[f"ht.{i}"]["id"]
        for v in range(1, versions + 1):
            t = rng.randrange(len(templates[level]))
            if (level, t) not in checked:
                checked[(level, t)] = check_roster(templates[level][t], level)
            result = checked[(level, t)]
            roster_id = bulk.ids(Roster, 1)[0]
            at = first_at + dt.timedelta(days=(v - 1) * rng.randint(20, 60))
            last = v == versions
            members = templates[level][t]
            roster_rows.append((roster_id, school["id"], v, principal, min(at, now),
                                result["rule_set"], result["state"], result, len(members),
                                result["trained_count"], last))
            if last:
                current[school["id"]] = roster_id
            for no, m in enumerate(members, start=1):
                member_rows.append((roster_id, no, m["full_name"], m["position"],
                                    m["team_role"], m["member_group"], m["phone"], m["email"],
                                    m["trained"], m["trained_on"]))
    bulk.write(Roster, ("id", "school", "version", "submitted_by", "submitted_at", "rule_set",
                        "state", "result", "member_count", "trained_count", "is_current"),
               roster_rows)
    member_ids = bulk.ids(RosterMember, len(member_rows))
    bulk.write(RosterMember, ("id", "roster", "position_no", "full_name", "position",
                              "team_role", "member_group", "phone", "email", "trained",
                              "trained_on"),
               ((mid, *row) for mid, row in zip(member_ids, member_rows, strict=True)))
    return current


# --- Directives --------------------------------------------------------------------------------


def _at(day, hour, minute=0):
    """A local day and time as naive UTC (Asia/Ho_Chi_Minh has no daylight saving)."""
    return dt.datetime.combine(day, dt.time(hour, minute)) - dt.timedelta(hours=7)


def fill_directives(bulk, rng, schools, users, rosters, n_directives, now, today):
    """n_directives sent to every school over two years (a few withdrawn, some revised, one in
    ten asking for a valid roster), plus three drafts; each school's receipt read,
    acknowledged (on time or late) or not, as a directive of that age would be."""
    officer = users["chuyenvien"]["id"]
    principals = [users[f"ht.{i}"] for i in range(len(schools))]
    ids = bulk.ids(Directive, n_directives + 3)
    rows, revisions, info = [], [], []
    span = 720
    for d, directive_id in enumerate(ids):
        draft = d >= n_directives
        # Spread over two years, closer together recently; the last ones still open.
        age = 0 if draft else 2 + round(
            span * ((n_directives - 1 - d) / max(1, n_directives - 1)) ** 1.3)
        issued = today - dt.timedelta(days=0 if draft else age)
        deadline = issued + dt.timedelta(days=rng.choice((7, 10, 14, 15, 20, 30)))
        withdrawn = not draft and d % 47 == 13
        status = "draft" if draft else "withdrawn" if withdrawn else "published"
        revised = status == "published" and d % 9 == 4
        kind = "roster" if d % 10 == 3 and not draft else "ack"
        theme = DIRECTIVE_TITLES[d % len(DIRECTIVE_TITLES)]
        first_year = issued.year - (issued.month < 8)  # a school year begins in August
        year = f"{first_year}-{first_year + 1}"
        title = f"{theme} năm học {year}"
        published = None if draft else _at(issued, 8, rng.randint(0, 59))
        rows.append((directive_id, f"{d + 1}/SGDĐT-CTTT", title, fold(title),
                     f"Thực hiện kế hoạch năm học {year}, Sở Giáo dục và Đào tạo đề nghị "
                     f"các trường:\n\n1. Quán triệt nội dung văn bản đến toàn thể cán bộ, "
                     f"giáo viên.\n2. Báo cáo kết quả thực hiện trước ngày "
                     f"{deadline:%d/%m/%Y}.", "Phó Giám đốc Lê Văn Bình", issued, deadline, kind,
                     status, 2 if revised else 1, "all", [], [], [], officer,
                     published or _at(today, 8), published or _at(today, 8), published,
                     _at(issued + dt.timedelta(days=3), 15) if withdrawn else None,
                     3 if revised else 2 if not draft else 1))
        if revised:
            revisions.append((directive_id, 2, officer, published + dt.timedelta(days=2),
                              "Điều chỉnh thời hạn báo cáo.", False,
                              {"deadline": deadline.isoformat()}))
        if not draft:
            info.append({"id": directive_id, "issued": issued, "deadline": deadline,
                         "status": status, "revision": 2 if revised else 1, "kind": kind,
                         "published": published, "number": f"{d + 1}/SGDĐT-CTTT",
                         "title": title})
    bulk.write(Directive, ("id", "number", "title", "title_search", "body", "signer",
                           "issued_on", "deadline", "response_kind", "status", "revision",
                           "audience_kind", "audience_levels", "audience_ownerships",
                           "audience_school_ids", "created_by", "created_at", "updated_at",
                           "published_at", "withdrawn_at", "version"), rows)
    bulk.write(DirectiveRevision, ("id", "directive", "revision", "changed_by", "changed_at",
                                   "summary", "requires_reack", "previous"),
               ((rid, *r) for rid, r in zip(bulk.ids(DirectiveRevision, len(revisions)),
                                            revisions, strict=True)))

    recipient_rows, ack_rows, reminder_rows = [], [], []
    n_schools = len(schools)
    recipient_ids = iter(bulk.ids(Recipient, len(info) * n_schools))
    ack_ids, reminder_ids = bulk.next_id(Acknowledgement), bulk.next_id(DirectiveReminder)
    one_day = dt.timedelta(days=1)
    for d in info:
        window = (d["deadline"] - d["issued"]).days + 1
        elapsed = (today - d["issued"]).days
        closed = today > d["deadline"]
        progress = 1.0 if closed else min(1.0, elapsed / window)
        # How many acknowledge on time, late (after the deadline), read only, or never read.
        p_ack = 0.93 if closed else 0.8 * progress
        p_late = 0.14 if closed else 0.0
        p_read = 0.03 if closed else 0.12
        start = _at(d["issued"], 8)
        deadline_end = _at(d["deadline"] + one_day, 0)
        for i in range(n_schools):
            rid = next(recipient_ids)
            school_id = schools[i]["id"]
            principal = principals[i]["id"]
            roll = rng.random()
            read_at = read_by = ack_at = ack_by = ack_rev = roster = last_reminded = None
            late = False
            reminders = 0
            if d["kind"] == "roster" and school_id not in rosters:
                roll = max(roll, p_ack + 0.001)  # no roster on file: cannot acknowledge
            if roll < p_ack:
                if roll < p_late:
                    ack_at = deadline_end + dt.timedelta(hours=rng.randint(2, 24 * 20))
                    late = True
                else:
                    reach = min(window, elapsed + 1) * 24 - 10
                    ack_at = start + dt.timedelta(hours=rng.randint(1, max(2, reach)))
                ack_at = min(ack_at, now - dt.timedelta(minutes=5))
                read_at = max(start, ack_at - dt.timedelta(hours=rng.randint(0, 30)))
                read_by = ack_by = principal
                ack_rev = d["revision"]
                roster = rosters.get(school_id) if d["kind"] == "roster" else None
            elif roll < p_ack + p_read:
                read_at = min(start + dt.timedelta(hours=rng.randint(1, 24 * 7)), now)
                read_by = principal
            if (late or (closed and ack_at is None)) and d["status"] == "published" \
                    and rng.random() < 0.6:
                reminders = 1 + (rng.random() < 0.3)
                for k in range(reminders):
                    last_reminded = min(deadline_end + dt.timedelta(days=1 + 3 * k, hours=2),
                                        now - dt.timedelta(hours=1))
                    reminder_rows.append((reminder_ids, rid, last_reminded, officer,
                                          [{"id": principal, "name": principals[i]["name"]}]))
                    reminder_ids += 1
            recipient_rows.append((rid, d["id"], school_id, read_at, read_by, ack_at, ack_by, "",
                                   ack_rev, late, roster, None, reminders, last_reminded))
            if ack_at is not None:
                ack_rows.append((ack_ids, rid, ack_rev, ack_at, principal, "", late, roster))
                ack_ids += 1
        if len(recipient_rows) >= Bulk.CHUNK:
            _flush_recipients(bulk, recipient_rows, ack_rows, reminder_rows)
            recipient_rows, ack_rows, reminder_rows = [], [], []
    _flush_recipients(bulk, recipient_rows, ack_rows, reminder_rows)
    bulk.ids(Acknowledgement, ack_ids - bulk.next_id(Acknowledgement))
    bulk.ids(DirectiveReminder, reminder_ids - bulk.next_id(DirectiveReminder))
    return info


def _flush_recipients(bulk, recipients, acks, reminders):
    bulk.write(Recipient, ("id", "directive", "school", "first_read_at", "first_read_by",
                           "acknowledged_at", "acknowledged_by", "ack_note", "ack_revision",
                           "ack_late", "roster", "response_file", "reminders_count",
                           "last_reminded_at"), recipients)
    bulk.write(Acknowledgement, ("id", "recipient", "revision", "at", "by", "note", "late",
                                 "roster"), acks)
    bulk.write(DirectiveReminder, ("id", "recipient", "sent_at", "sent_by", "sent_to"),
               reminders)


# --- Incidents ---------------------------------------------------------------------------------


PATHS = {
    "reported": (),
    "verifying": ("verifying",),
    "handling": ("verifying", "handling"),
    "referred": ("verifying", "referred"),
    "resolved": ("verifying", "handling", "resolved"),
    "closed": ("verifying", "handling", "resolved", "closed"),
}
REFERRED_PATHS = {"resolved": ("verifying", "referred", "resolved"),
                  "closed": ("verifying", "referred", "resolved", "closed")}
STEP_HOURS = {"verifying": 3, "handling": 30, "referred": 40, "resolved": 24 * 6,
              "closed": 24 * 10}
STATUS_BY_AGE = (  # (younger than days, {status: weight})
    (2, {"reported": 60, "verifying": 30, "handling": 10}),
    (14, {"reported": 10, "verifying": 25, "handling": 45, "referred": 15, "resolved": 5}),
    (60, {"verifying": 5, "handling": 25, "referred": 15, "resolved": 35, "closed": 20}),
    (10_000, {"handling": 3, "referred": 4, "resolved": 13, "closed": 80}),
)


def _status_for(rng, days):
    for limit, weights in STATUS_BY_AGE:
        if days < limit:
            return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]
    return "closed"


def fill_incidents(bulk, rng, schools, users, n_incidents, now):
    """n_incidents from the demo's scenarios, spread unevenly over the schools (a few report
    many, some none) and over two years, numbered per year in the order reported."""
    scenarios = json.loads((SEEDS / "incidents.json").read_text(encoding="utf-8"))["scenarios"]
    by_level = {level: [s for s in scenarios if level in s["levels"]] or scenarios
                for level in LEVELS}
    weights = [rng.paretovariate(1.6) if rng.random() < 0.92 else 0.0 for _ in schools]
    picks = rng.choices(range(len(schools)), weights=weights, k=n_incidents)
    span = 730 * 24 * 60  # two years, in minutes; more reports recently than long ago
    times = sorted(now - dt.timedelta(minutes=30 + int(span * rng.random() ** 1.15))
                   for _ in range(n_incidents))
    officer = users["chuyenvien"]["id"]
    numbers = {}
    ids = bulk.ids(Incident, n_incidents)
    inc, students, events, checklist, views, referrals = [], [], [], [], [], []
    urgent, followers = [], []
    event_id, student_id = bulk.next_id(IncidentEvent), bulk.next_id(IncidentStudent)
    item_id, view_id = bulk.next_id(IncidentChecklistItem), bulk.next_id(IncidentView)
    referral_id = bulk.next_id(IncidentReferral)
    for n, (incident_id, i, reported_at) in enumerate(zip(ids, picks, times, strict=True)):
        school = schools[i]
        sc = by_level[school["level"]][rng.randrange(len(by_level[school["level"]]))]
        principal = users[f"ht.{i}"]["id"]
        reporter = users[f"{rng.choice(('ht', 'gv1', 'gv1', 'gv2'))}.{i}"]["id"]
        assigned = users[f"gv2.{i}"] if rng.random() < 0.4 else None
        assignee = assigned["id"] if assigned else None
        local = reported_at + dt.timedelta(hours=7)
        year = local.year
        numbers[year] = numbers.get(year, 0) + 1
        reference = f"VV-{year}-{numbers[year]:04d}"
        occurred_at = reported_at - dt.timedelta(hours=rng.randint(1, 30))
        days = (now - reported_at).days
        status = _status_for(rng, days)
        category = sc["category"]
        referred_kind = category in AGENCY or sc["severity"] == "critical"
        path = REFERRED_PATHS.get(status, PATHS[status]) if referred_kind else PATHS[status]
        version, outcome, closed_at, last_at = 1, "", None, reported_at
        original = {"place": sc["place"], "category": category, "caused_by": sc["caused_by"],
                    "severity": sc["severity"], "summary": sc["summary"],
                    "description": sc["description"], "immediate_actions": sc["actions"],
                    "occurred_at": occurred_at.isoformat()}
        events.append((event_id, incident_id, reporter, reported_at, "created", "", "reported",
                       "", {"version": 1, "referrals": [], "original": original}))
        event_id += 1
        if assignee:
            version += 1
            last_at = min(reported_at + dt.timedelta(hours=2), now)
            events.append((event_id, incident_id, principal, last_at, "assignment", "", "",
                           "Giao tổ tư vấn theo dõi, hỗ trợ em học sinh.",
                           {"version": version, "assignee": assigned["name"]}))
            event_id += 1
        previous = "reported"
        for step in path:
            version += 1
            at = min(reported_at + dt.timedelta(hours=STEP_HOURS[step] + rng.randint(0, 48)),
                     now - dt.timedelta(minutes=5))
            actor = officer if step == "closed" else principal
            details = {"version": version}
            if step == "referred":
                agency = AGENCY.get(category, "commune")
                details.update(agency=agency, referred_on=(at + dt.timedelta(hours=7)).date()
                               .isoformat())
                referrals.append((referral_id, incident_id, agency,
                                  (at + dt.timedelta(hours=7)).date(),
                                  "Đã gửi văn bản và hồ sơ kèm theo.", principal, at))
                referral_id += 1
            elif step == "resolved":
                outcome = OUTCOME.get(category, "handled_at_school")
                details["outcome"] = outcome
            elif step == "closed":
                closed_at = at
            events.append((event_id, incident_id, actor, at, "status", previous, step,
                           rng.choice(EVENT_NOTES[step]), details))
            event_id += 1
            if reporter != actor:
                followers.append((reporter, at, incident_id, reference, school, category,
                                  step, actor))
            previous = step
            last_at = max(last_at, at)
        inc.append((incident_id, reference, school["id"], reporter, reported_at, occurred_at,
                    sc["place"], category, sc["caused_by"], sc["severity"],
                    category == "sexual_abuse", sc["summary"], fold(sc["summary"]),
                    sc["description"], sc["actions"], assignee, status, outcome, version,
                    last_at, closed_at))
        classes = CLASS_NAMES[school["level"]]
        for k, role in enumerate(sc["roles"]):
            name, sex = person(rng)
            cls = classes[(n + k) % len(classes)]
            age = next((a for p, a in AGE_OF_CLASS.items() if cls.startswith(p)), None)
            if age is None:
                age = 6 + int("".join(ch for ch in cls if ch.isdigit()))
            students.append((student_id, incident_id, name, cls, sex, year - age, role))
            student_id += 1
        done = {"reported": 1, "verifying": 2, "handling": 3}.get(status, 4) - (
            n % 2 if status in ("verifying", "handling") else 0)
        for k, item in enumerate(CHECKLIST_ITEMS):
            finished = k < done
            checklist.append((item_id, incident_id, item,
                              min(reported_at + dt.timedelta(hours=1 + 3 * k), now)
                              if finished else None, principal if finished else None, ""))
            item_id += 1
        if status != "reported":
            views.append((view_id, incident_id, principal, min(reported_at + dt.timedelta(
                hours=1), now)))
            views.append((view_id + 1, incident_id, officer, min(reported_at + dt.timedelta(
                hours=5), now)))
            view_id += 2
        if sc["severity"] == "critical" or category == "sexual_abuse":
            urgent.append((reported_at, incident_id, reference, school, category,
                           sc["severity"], reporter))
        if reporter != principal:
            followers.append((principal, reported_at, incident_id, reference, school, category,
                              None, reporter))
    bulk.write(Incident, ("id", "reference", "school", "reported_by", "reported_at",
                          "occurred_at", "place", "category", "caused_by", "severity",
                          "sensitive", "summary", "summary_search", "description",
                          "immediate_actions", "assignee", "status", "outcome", "version",
                          "updated_at", "closed_at"), inc)
    bulk.write(IncidentStudent, ("id", "incident", "full_name", "class_name", "sex",
                                 "birth_year", "role"), students)
    bulk.write(IncidentEvent, ("id", "incident", "actor", "at", "kind", "from_status",
                               "to_status", "note", "details"), events)
    bulk.write(IncidentChecklistItem, ("id", "incident", "item", "done_at", "done_by", "note"),
               checklist)
    bulk.write(IncidentView, ("id", "incident", "user", "at"), views)
    bulk.write(IncidentReferral, ("id", "incident", "agency", "referred_on", "note",
                                  "created_by", "created_at"), referrals)
    for model, top in ((IncidentEvent, event_id), (IncidentStudent, student_id),
                       (IncidentChecklistItem, item_id), (IncidentView, view_id),
                       (IncidentReferral, referral_id)):
        bulk.ids(model, top - bulk.next_id(model))
    busiest = Counter(picks).most_common(1)[0][0]
    return {"ids": ids, "urgent": urgent, "followers": followers,
            "statuses": [row[16] for row in inc], "students": len(students),
            "busiest": busiest}


# --- Notifications -----------------------------------------------------------------------------


def fill_notifications(bulk, rng, schools, users, directives, incidents, now):
    """What the application would have sent: every school account a notification per
    published directive; principals one per incident reported at their school by someone
    else; reporters one per status change by someone else; the officer one per urgent
    incident. Most of the older ones read."""
    names = {u["id"]: u["name"] for u in users.values()}
    officer = users["chuyenvien"]["id"]
    school_users = [(users[f"{p}.{i}"]["id"], p) for i in range(len(schools))
                    for p in ("ht", "gv1", "gv2")]
    ids = bulk.next_id(Notification)
    start = ids
    rows = []

    def read_at(at, chance):
        if rng.random() < chance:
            return min(at + dt.timedelta(hours=rng.randint(1, 72)), now)
        return None

    def add(user_id, at, kind, message, link, params, chance):
        nonlocal ids
        rows.append((ids, user_id, at, kind, message, params, link, read_at(at, chance)))
        ids += 1
        if len(rows) >= Bulk.CHUNK:
            bulk.write(Notification, fields, rows)
            rows.clear()

    fields = ("id", "user", "created_at", "kind", "message", "params", "link", "read_at")
    for d in directives:
        if d["published"] is None:
            continue
        params = _json({"number": d["number"], "title": d["title"][:200]})  # once, not per row
        old = (now - d["published"]).days > 30
        for user_id, prefix in school_users:
            chance = (0.97 if old else 0.75) if prefix == "ht" else (0.7 if old else 0.35)
            add(user_id, d["published"], "directive.published",
                "Văn bản chỉ đạo mới %(number)s: %(title)s", f"/directives/{d['id']}", params,
                chance)
    status_words = STATUSES
    for user_id, at, incident_id, reference, school, category, step, actor in \
            incidents["followers"]:
        about = {"reference": reference, "school": school["name"],
                 "category_label": CATEGORIES[category], "actor": names[actor]}
        if step is None:
            message = ("%(actor)s đã báo cáo vụ việc mới %(reference)s (%(school)s, "
                       "%(category_label)s).")
        else:
            message = ("%(actor)s đã chuyển vụ việc %(reference)s (%(school)s, "
                       "%(category_label)s) sang “%(status_label)s”.")
            about["status_label"] = status_words[step]
        add(user_id, at, "incident", message, f"/incidents/{incident_id}", about,
            0.95 if (now - at).days > 7 else 0.5)
    for at, incident_id, reference, school, category, severity, reporter in incidents["urgent"]:
        add(officer, at, "incident_urgent",
            "Vụ việc %(severity_label)s mới %(reference)s tại %(school)s (%(category_label)s), "
            "do %(actor)s báo cáo.", f"/incidents/{incident_id}",
            {"severity_label": SEVERITIES[severity], "reference": reference,
             "school": school["name"], "category_label": CATEGORIES[category],
             "actor": names[reporter]}, 0.98 if (now - at).days > 3 else 0.3)
    bulk.write(Notification, fields, rows)
    bulk.ids(Notification, ids - bulk.next_id(Notification))
    return ids - start


# --- The audit log -----------------------------------------------------------------------------


def fill_audit(bulk, rng, schools, users, directives, incidents, rosters, n_entries, now):
    """n_entries of the actions the application records, by the people who take them (school
    accounts read and acknowledge, principals and officers handle incidents), on real targets,
    over two years, with the details each action writes."""
    n_schools = len(schools)
    actions = [a for a, _w in AUDIT_MIX]
    picks = rng.choices(actions, weights=[w for _a, w in AUDIT_MIX], k=n_entries)
    office = [users[u] for u in ("admin", "chuyenvien", "lanhdao")]
    directive_ids = [d["id"] for d in directives if d["published"] is not None]
    incident_ids = incidents["ids"]
    roster_ids = list(rosters.values())
    ids = bulk.ids(AuditEntry, n_entries)
    span = 730 * 24 * 3600
    seconds = sorted(rng.randrange(span) for _ in range(n_entries))
    first = now - dt.timedelta(seconds=span)

    def rows():
        for entry_id, action, offset in zip(ids, picks, seconds, strict=True):
            at = first + dt.timedelta(seconds=offset)
            i = rng.randrange(n_schools)
            if action.startswith(("login", "logout", "password", "notification")):
                actor = office[rng.randrange(3)] if rng.random() < 0.02 else \
                    users[f"{rng.choice(('ht', 'gv1', 'gv2'))}.{i}"]
            elif action.startswith("directive.") and action not in ("directive.read",
                                                                     "directive.acknowledge"):
                actor = users["chuyenvien"]
            elif action in ("user.update", "school.update"):
                actor = users["admin"]
            elif action.startswith("incident.") and rng.random() < 0.25:
                actor = users["chuyenvien"]
            else:
                actor = users[f"ht.{i}"]
            ip = f"10.{(actor['id'] >> 8) & 255}.{actor['id'] & 255}.{rng.randint(2, 250)}"
            target_type, target_id, details = "", "", None
            if action in ("login.success", "logout", "password.changed",
                          "notification.read_all", "notification.read_by_opening"):
                target_type, target_id = "user", actor["id"]
                if action == "notification.read_all":
                    details = {"count": rng.randint(1, 30)}
                elif action == "notification.read_by_opening":
                    details = {"link": f"/directives/{rng.choice(directive_ids)}", "count": 1}
            elif action == "login.failed":
                target_type, target_id = "user", actor["id"]
                details = {"username": f"ht.{i}", "failures": rng.randint(1, 3)}
            elif action.startswith("directive."):
                target_type, target_id = "directive", rng.choice(directive_ids)
                if action == "directive.acknowledge":
                    details = {"school": actor["school"], "late": rng.random() < 0.12,
                               "revision": 1}
                elif action == "directive.remind":
                    details = {"schools": rng.randint(1, 40), "overdue_only": True}
            elif action.startswith("incident."):
                target_type, target_id = "incident", rng.choice(incident_ids)
                if action == "incident.status":
                    frm = rng.choice(("reported", "verifying", "handling"))
                    details = {"from": frm, "to": {"reported": "verifying",
                                                   "verifying": "handling",
                                                   "handling": "resolved"}[frm]}
                elif action == "incident.create":
                    details = {"reference": f"VV-{at.year}-{rng.randint(1, 9999):04d}",
                               "school": schools[i]["code"],
                               "category": rng.choice(tuple(CATEGORIES)),
                               "severity": rng.choice(tuple(SEVERITIES)), "sensitive": False}
                elif action == "incident.checklist":
                    details = {"item": rng.choice(CHECKLIST_ITEMS), "done": True}
            elif action.startswith("roster."):
                target_type, target_id = "roster", rng.choice(roster_ids) if roster_ids else ""
                if action == "roster.save":
                    details = {"school": schools[i]["code"], "version": 2,
                               "state": "complete", "rule_set": "tt18_2025"}
            elif action == "user.update":
                target_type, target_id = "user", users[f"gv1.{i}"]["id"]
                details = {"phone": ["", "0912 345 678"]}
            elif action == "school.update":
                target_type, target_id = "school", schools[i]["id"]
                details = {"phone": ["", "0203 3812 999"]}
            yield (entry_id, actor["id"], at, ip, action, target_type, str(target_id),
                   details, actor["username"])

    bulk.write(AuditEntry, ("id", "actor", "at", "ip", "action", "target_type", "target_id",
                            "details", "actor_name"), rows())


# --- The whole office --------------------------------------------------------------------------


def fill(n_schools=None, log=None, **overrides):
    """Build the office (an empty migrated database, inside an app context); returns the
    world: {scale, school_ids, directive_id (a published directive past its deadline),
    incident_id, counts, summary, timings}. `log(text)` hears each step's time."""
    scale = knobs(n_schools) | overrides
    rng = random.Random(2026)
    now = clock.utcnow().replace(microsecond=0)
    today = clock.today()
    timings = {}
    clock_start = [time.perf_counter()]

    def step(name):
        t = time.perf_counter()
        timings[name] = round(t - clock_start[0], 1)
        clock_start[0] = t
        if log:
            log(f"#   {name}: {timings[name]:.1f} s")

    with database.atomic():
        bulk = Bulk()
        schools = fill_schools(bulk, rng, scale["schools"])
        users = fill_users(bulk, rng, schools, now)
        rosters = fill_rosters(bulk, rng, schools, users, now)
        step("schools, accounts, rosters")
        directives = fill_directives(bulk, rng, schools, users, rosters, scale["directives"],
                                     now, today)
        step("directives and recipients")
        incidents = fill_incidents(bulk, rng, schools, users, scale["incidents"], now)
        step("incidents")
        fill_notifications(bulk, rng, schools, users, directives, incidents, now)
        step("notifications")
        fill_audit(bulk, rng, schools, users, directives, incidents, rosters, scale["audit"],
                   now)
        step("audit entries")
        bulk.finish()
        step("indexes")
        world = _world(scale, schools, directives, incidents, bulk.counts)
        Setting.insert(key=MARKER, value=json.dumps(world), updated_at=now).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(world)}).execute()
    step("commit")
    recount()
    step("recount (tallies)")
    world["timings"] = timings
    return world


def _world(scale, schools, directives, incidents, counts):
    past = [d for d in directives if d["status"] == "published"
            and d["deadline"] < clock.today() and d["kind"] == "ack"]
    tracked = past[-1] if past else directives[-1]
    handling = [iid for iid, status in zip(incidents["ids"], incidents["statuses"],
                                           strict=True) if status == "handling"]
    counts = dict(counts)
    summary = (f"{scale['schools']:,} schools, {counts.get('user', 0):,} accounts, "
               f"{scale['directives']} directives to every school "
               f"({counts.get('recipient', 0):,} recipients), "
               f"{counts.get('incident', 0):,} incidents, "
               f"{counts.get('roster', 0):,} roster versions "
               f"({counts.get('roster_member', 0):,} members), "
               f"{counts.get('notification', 0):,} notifications, "
               f"{counts.get('audit_entry', 0):,} audit entries")
    return {"scale": scale, "school_ids": [s["id"] for s in schools],
            "school_id": schools[len(schools) // 2]["id"],
            "directive_id": tracked["id"],
            "incident_id": handling[-1] if handling else incidents["ids"][-1],
            # The school that reported the most incidents: its principal and its filter.
            "busy_school": incidents["busiest"],
            "busy_school_id": schools[incidents["busiest"]]["id"],
            "counts": counts, "rows": sum(counts.values()), "summary": summary}


def recount():
    """Recompute what the application keeps derived from the rows (the counts of each
    feature's tallies.py: `rebuild()`), since the rows were written here directly."""
    import importlib

    from district import FEATURES

    for feature in FEATURES:
        try:
            tallies = importlib.import_module(f"district.{feature}.tallies")
        except ModuleNotFoundError:
            continue
        tallies.rebuild()


def stored_world():
    """The world a previous fill left in this database (None if there is none)."""
    row = Setting.get_or_none(Setting.key == MARKER)
    return json.loads(row.value) if row else None


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
