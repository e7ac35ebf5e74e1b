"""A large synthetic district for the benchmark, written straight through the models."""

from werkzeug.security import generate_password_hash

from district.admin.services import school_values, user_values
from district.models import School, User

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
    return {"school_ids": school_ids, "summary": f"{len(users)} accounts"}


def pages(world):
    """(role, username, url) for every page measured."""
    return [
        ("admin", "admin", "/"),
        ("admin", "admin", "/admin/schools"),
        ("admin", "admin", "/admin/users"),
        ("admin", "admin", "/admin/audit"),
        ("officer", "chuyenvien", "/"),
        ("principal", "ht.0", "/"),
        ("staff", "gv1.0", "/notifications/"),
        ("observer", "lanhdao", "/"),
    ]
