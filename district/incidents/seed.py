"""Demo incidents (seeds/incidents.json): about sixty fictional cases across the demo schools, in
every status and category, with timelines consistent with their status. Dates are relative to
the day the demo is loaded. Loaded only while there is no incident yet.

Times read as real: each case happens at a time of day that fits its place (school hours for a
classroom, break or pick-up times for the yard, evenings online or in boarding), is reported
afterwards during the school's working day, and is handled in office hours. Times are written as
the office's local times and stored as UTC (district.clock).
"""

import datetime as dt
import json

from .. import clock
from ..audit import record
from ..models import (
    Incident,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentReferral,
    IncidentStudent,
    IncidentView,
    School,
    User,
)
from ..text import clean, fold
from . import tallies
from .vocabulary import CHECKLIST_ITEMS

CLASS_NAMES = {
    "mam_non": ["Mầm 1", "Chồi 2", "Lá 1", "Lá 3"],
    "tieu_hoc": ["2A", "3B", "4A", "5C"],
    "thcs": ["6A", "7B", "8A", "9C"],
    "lien_cap": ["5A", "6B", "7A", "8C"],
}
BIRTH_YEAR = {"Mầm": 3, "Chồi": 4, "Lá": 5}
PATHS = {
    "reported": [],
    "verifying": ["verifying"],
    "handling": ["verifying", "handling"],
    "referred": ["verifying", "referred"],
    "resolved": ["verifying", "handling", "resolved"],
    "closed": ["verifying", "handling", "resolved", "closed"],
}
# Hours after the report at which each step happened (then moved into office hours).
STEP_HOURS = {"verifying": 3, "handling": 30, "referred": 40, "resolved": 24 * 6,
              "closed": 24 * 10}
AGENCY = {"sexual_abuse": "police", "self_harm": "health", "neglect": "labour_social",
          "other": "police"}
OUTCOME = {"sexual_abuse": "referred_concluded", "physical": "disciplined",
           "cyberbullying": "disciplined", "bullying": "handled_at_school"}

# When, in local time, a case in each place happens: (first, last) windows of (hour, minute).
SCHOOL_HOURS = (((7, 30), (10, 45)), ((13, 45), (16, 15)))
PLACE_TIMES = {
    "classroom": SCHOOL_HOURS,
    "school_yard": (((9, 15), (9, 40)), ((15, 0), (15, 20))),  # the breaks
    "boarding": (((19, 0), (21, 15)),),  # boarding evenings
    "online": (((19, 30), (22, 30)),),
    "outside": (((16, 45), (18, 0)),),  # after school
}
# Cases whose story says when they happen.
SCENARIO_TIMES = {
    "nhot-phong": (((12, 0), (13, 30)),),  # at nap time
    "giao-vien-danh": (((10, 15), (10, 50)),),  # at lunch (preschool, primary)
    "tre-bi-cau": (((8, 30), (10, 0)), ((15, 0), (15, 45))),  # free play
    "bo-quen-xe": (((7, 20), (8, 0)),),  # the morning school bus
    "bat-nat-tien": (((6, 45), (7, 10)),),  # before class, at the bike shed
    "nguoi-la-vao-truong": (((16, 30), (17, 15)),),  # pick-up time
    "xam-hai-nguoi-la": (((11, 15), (11, 45)), ((16, 45), (17, 30))),  # on the way home
    "xam-hai-nguoi-than": (((18, 30), (20, 30)),),  # at home
    "tram-cam": (((20, 0), (22, 0)),),
}
OFFICE_HOURS = ((7, 30), (17, 0))


def _time_in(windows, n):
    """A local time of day inside one of `windows`, chosen by the case number."""
    (h1, m1), (h2, m2) = windows[n % len(windows)]
    first, last = h1 * 60 + m1, h2 * 60 + m2
    minute = first + (n * 37) % (last - first + 1)
    return dt.time(minute // 60, minute % 60)


def _office_time(local):
    """The same local moment, or the next one inside office hours."""
    (h1, m1), (h2, m2) = OFFICE_HOURS
    opens, closes = dt.time(h1, m1), dt.time(h2, m2)
    if local.time() < opens:
        return dt.datetime.combine(local.date(), opens) + dt.timedelta(minutes=local.minute % 30)
    if local.time() > closes:
        return (dt.datetime.combine(local.date() + dt.timedelta(days=1), opens)
                + dt.timedelta(minutes=local.minute % 30))
    return local


def case_times(n, case, scenario, today):
    """(occurred_at, reported_at) in UTC: it happens at a time that fits its place, and is
    reported at the case's hour of the school day, later that day or the next."""
    windows = SCENARIO_TIMES.get(scenario["key"]) or PLACE_TIMES[scenario["place"]]
    report_day = today - dt.timedelta(days=case["days_ago"])
    reported = dt.datetime.combine(report_day, dt.time(case["hour"], (n * 7) % 60))
    occurred = dt.datetime.combine(report_day, _time_in(windows, n))
    if occurred + dt.timedelta(minutes=40) > reported:
        occurred -= dt.timedelta(days=1)
    return clock.to_utc(occurred), clock.to_utc(_office_time(reported))


def _step_time(reported_at, hours, now):
    """When a step after the report was taken: in office hours, never in the future."""
    local = _office_time(clock.to_local(reported_at + dt.timedelta(hours=hours)))
    return min(clock.to_utc(local), now - dt.timedelta(minutes=5))


def _birth_year(class_name, today):
    for prefix, age in BIRTH_YEAR.items():
        if class_name.startswith(prefix):
            return today.year - age
    grade = int("".join(ch for ch in class_name if ch.isdigit()) or 6)
    return today.year - 6 - grade


def load(seeds_dir):
    if Incident.select().exists():
        return "incidents: already present, left alone"
    data = json.loads((seeds_dir / "incidents.json").read_text(encoding="utf-8"))
    scenarios = {s["key"]: s for s in data["scenarios"]}
    schools = {s.code: s for s in School.select()}
    users = {u.username: u for u in User.select()}
    officer = users.get("chuyenvien1")
    now = clock.utcnow().replace(second=0, microsecond=0)
    today = clock.local_date(now)
    counters = {}
    created = 0
    times = {n: case_times(n, case, scenarios[case["scenario"]], today)
             for n, case in enumerate(data["cases"])}
    # Numbered in the order they were reported, as they would have been.
    ordered = sorted(enumerate(data["cases"]), key=lambda pair: times[pair[0]][1])
    for n, case in ordered:
        school = schools.get(case["school"])
        if school is None:
            continue
        code = school.code.lower()
        principal = users.get(f"ht.{code}")
        reporter = users.get(f"{case['reporter']}.{code}") or principal
        assignee = users.get(f"gv2.{code}") if case.get("assigned") else None
        if principal is None or reporter is None:
            continue
        sc = scenarios[case["scenario"]]
        occurred_at, reported_at = times[n]
        year = clock.local_date(reported_at).year
        counters[year] = counters.get(year, 0) + 1
        status = case["status"]
        incident = Incident.create(
            reference=f"VV-{year}-{counters[year]:04d}",
            school=school, reported_by=reporter, reported_at=reported_at,
            occurred_at=occurred_at,
            place=sc["place"], category=sc["category"], caused_by=sc["caused_by"],
            severity=sc["severity"], sensitive=sc["category"] == "sexual_abuse",
            summary=clean(sc["summary"]), summary_search=fold(sc["summary"]),
            description=sc["description"], immediate_actions=sc["actions"],
            status=status, assignee=assignee, updated_at=reported_at,
        )
        classes = CLASS_NAMES[school.level]
        IncidentStudent.insert_many([
            {"incident": incident.id, "full_name": s["full_name"],
             "class_name": classes[(n + i) % len(classes)], "sex": s["sex"],
             "birth_year": _birth_year(classes[(n + i) % len(classes)], reported_at),
             "role": s["role"]}
            for i, s in enumerate(case["students"])
        ]).execute()
        original = {k: getattr(incident, k) for k in ("place", "category", "caused_by",
                    "severity", "summary", "description", "immediate_actions")}
        original["occurred_at"] = incident.occurred_at.isoformat()
        original["immediate_actions"] = incident.immediate_actions
        events = [{"incident": incident.id, "actor": reporter.id, "at": reported_at,
                   "kind": "created", "to_status": "reported", "from_status": "", "note": "",
                   "details": {"version": 1, "referrals": [], "original": original}}]
        version = 1
        previous = "reported"
        last_at = reported_at
        if assignee:
            version += 1
            last_at = _step_time(reported_at, 2, now)
            events.append({"incident": incident.id, "actor": principal.id, "at": last_at,
                           "kind": "assignment", "from_status": "", "to_status": "",
                           "note": "Giao tổ tư vấn theo dõi, hỗ trợ em học sinh.",
                           "details": {"version": version,
                                       "assignee": assignee.full_name}})
        outcome = ""
        closed_at = None
        for step in PATHS[status]:
            version += 1
            at = _step_time(reported_at, STEP_HOURS[step], now)
            actor = officer if step == "closed" and officer else principal
            details = {"version": version}
            note = ""
            if step == "referred":
                agency = AGENCY.get(sc["category"], "commune")
                details.update(agency=agency,
                               referred_on=clock.local_date(at).isoformat())
                IncidentReferral.create(incident=incident, agency=agency,
                                        referred_on=clock.local_date(at),
                                        created_by=principal,
                                        created_at=at, note="Đã gửi văn bản và hồ sơ kèm theo.")
                note = "Vượt quá khả năng xử lý của nhà trường, chuyển cơ quan chức năng."
            elif step == "resolved":
                outcome = OUTCOME.get(sc["category"], "handled_at_school")
                details["outcome"] = outcome
                note = "Đã họp với phụ huynh, thống nhất biện pháp hỗ trợ và theo dõi."
            elif step == "closed":
                closed_at = at
                note = "Hồ sơ đầy đủ, đồng ý kết thúc."
            elif step == "verifying":
                note = "Đã gặp riêng học sinh và giáo viên chủ nhiệm để xác minh."
            events.append({"incident": incident.id, "actor": actor.id, "at": at,
                           "kind": "status", "from_status": previous, "to_status": step,
                           "note": note, "details": details})
            previous = step
            last_at = max(last_at, at)
        IncidentEvent.insert_many(sorted(events, key=lambda e: e["at"])).execute()
        done = {"reported": 1, "verifying": 2, "handling": 3, "referred": 4, "resolved": 4,
                "closed": 4}[status] - (n % 2 if status in ("verifying", "handling") else 0)
        IncidentChecklistItem.insert_many([
            {"incident": incident.id, "item": item,
             "done_at": _step_time(reported_at, 1 + i * 3, now) if i < done else None,
             "done_by": principal.id if i < done else None}
            for i, item in enumerate(CHECKLIST_ITEMS)
        ]).execute()
        if status != "reported":
            IncidentView.insert_many([
                {"incident": incident.id, "user": principal.id,
                 "at": _step_time(reported_at, 1, now)},
            ] + ([{"incident": incident.id, "user": officer.id,
                   "at": _step_time(reported_at, 5, now)}] if officer else [])).execute()
        Incident.update(version=version, outcome=outcome, closed_at=closed_at,
                        updated_at=last_at).where(Incident.id == incident.id).execute()
        created += 1
    tallies.rebuild()  # the incidents above were written directly
    record("seed.incidents", target_type="seed", details={"incidents": created})
    return f"incidents: {created} new"
