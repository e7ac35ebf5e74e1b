"""Demo rosters (seeds/rosters.json): most schools have one, some incomplete, some with
warnings, some with two or three versions. Loaded only while no roster exists."""

import datetime as dt
import json

from ..clock import utcnow
from ..models import Roster, School, User
from ..vocabulary import PRINCIPAL
from .operations import save_version


def _date(text):
    if not text:
        return None
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


def load(seeds_dir):
    if Roster.select().exists():
        return "rosters: already present"
    data = json.loads((seeds_dir / "rosters.json").read_text(encoding="utf-8"))["rosters"]
    schools = {s.code: s for s in School.select()}
    users = {u.username: u for u in User.select().where(User.role == PRINCIPAL)}
    now = utcnow()
    count = versions = 0
    for code, history in data.items():
        school = schools.get(code)
        if school is None:
            continue
        count += 1
        for version in history:
            members = [m | {"trained_on": _date(m.get("trained_on"))} for m in version["members"]]
            roster = save_version(users[version["by"]], school, members,
                                           action="roster.seed")
            at = now - dt.timedelta(days=version["days_ago"], hours=3)
            Roster.update(submitted_at=at).where(Roster.id == roster.id).execute()
            versions += 1
    states = {s: Roster.select().where(Roster.is_current == True, Roster.state == s).count()  # noqa: E712
              for s in ("complete", "warnings", "incomplete")}
    return (f"rosters: {count} schools, {versions} versions "
            f"({states['complete']} complete, {states['warnings']} with warnings, "
            f"{states['incomplete']} incomplete)")
