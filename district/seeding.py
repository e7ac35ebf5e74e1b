"""The demo district, loaded from the data files in seeds/ by `flask seed`.

Idempotent: schools and accounts are matched by code and username; each feature's demo data
is loaded only while its own tables are empty. `--reset` wipes every table first (demo only).
"""

import json
from pathlib import Path

from flask import current_app

from .admin.values import school_values, user_values
from .audit import record
from .auth.passwords import hash_password
from .db import database
from .models import ALL_MODELS, School, User

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

# Each feature with demo data has district/<feature>/seed.py with `load(seeds_dir) -> str`.
FEATURE_SEEDERS = ("rosters", "directives", "incidents", "activities", "reviews")


def is_empty():
    return not School.select().exists()


def read(name):
    return json.loads((SEEDS_DIR / name).read_text(encoding="utf-8"))


def wipe():
    for model in reversed(ALL_MODELS):
        model.delete().execute()


def load_demo(reset=False):
    import importlib

    report = []
    data = read("district.json")
    with database.atomic():
        if reset:
            wipe()
            report.append("all data wiped")
        schools = {s.code: s for s in School.select()}
        created_schools = 0
        for row in data["schools"]:
            if row["code"] not in schools:
                schools[row["code"]] = School.create(**school_values(row))
                created_schools += 1
        # One hash for every demo account: they share the demo password anyway.
        demo_hash = hash_password(current_app.config["DEMO_PASSWORD"])
        existing = {u.username for u in User.select(User.username)}
        new_users = []
        for row in data["users"]:
            if row["username"] in existing:
                continue
            values = user_values(row)
            school = schools[row["school"]] if row.get("school") else None
            new_users.append({**values, "school": school, "password_hash": demo_hash,
                              "must_change_password": False})
        for start in range(0, len(new_users), 100):
            User.insert_many(new_users[start : start + 100]).execute()
        record("seed.district", target_type="seed",
               details={"schools": created_schools, "users": len(new_users)})
        report.append(f"schools: {created_schools} new, {len(schools)} in all")
        report.append(f"accounts: {len(new_users)} new")
        for feature in FEATURE_SEEDERS:
            module = importlib.import_module(f".{feature}.seed", __package__)
            report.append(module.load(SEEDS_DIR))
    return report
