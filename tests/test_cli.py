"""`flask --app app` commands: init-db, seed, create-user, backup."""

import sqlite3
import tarfile

from district.db import is_sqlite
from district.models import AuditEntry, School, User
from tests.conftest import PASSWORD


def test_init_db_is_idempotent(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_seed_loads_the_demo_district_once(runner, client):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "schools: 45 new" in first.output
    assert f"demo password for every demo account (demo only!): {PASSWORD}" in first.output
    counts = (School.select().count(), User.select().count())
    assert counts[0] == 45 and counts[1] > 45 * 3
    second = runner.invoke(args=["seed"])
    assert "schools: 0 new" in second.output and "accounts: 0 new" in second.output
    assert (School.select().count(), User.select().count()) == counts
    assert "already present" in runner.invoke(args=["seed", "--if-empty"]).output
    # Demo accounts sign in with the demo password and are not forced to change it.
    response = client.post("/login", data={"username": "ht.mn-hoasen", "password": PASSWORD})
    assert response.location == "/"
    for username in ("admin", "chuyenvien1", "chuyenvien2", "lanhdao", "gv1.mn-hoasen",
                     "gv2.thcs-nguyendu"):
        assert User.select().where(User.username == username).exists(), username


def test_seed_reset_starts_over(runner):
    runner.invoke(args=["seed"])
    School.update(name="Tên đã đổi").where(School.code == "MN-HOASEN").execute()
    result = runner.invoke(args=["seed", "--reset"])
    assert result.exit_code == 0, result.output
    assert School.get(School.code == "MN-HOASEN").name == "Trường Mầm non Hoa Sen"


def test_create_user_command(runner, district):
    result = runner.invoke(args=["create-user", "--username", "ht.moi", "--full-name",
                                 "Hồ Thị Mới", "--role", "principal", "--school", "thcs-nguyendu",
                                 "--password", "TamThoi2026"])
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "ht.moi")
    assert user.school_id == district.secondary.id and user.must_change_password
    assert AuditEntry.get(AuditEntry.action == "user.create").actor_id is None


def test_create_user_command_refuses_a_school_role_without_school(runner, district):
    result = runner.invoke(args=["create-user", "--username", "x", "--full-name", "X",
                                 "--role", "staff", "--password", "TamThoi2026"])
    assert result.exit_code != 0 and "phải thuộc một trường" in result.output


def test_backup(runner, district, tmp_path):
    """One archive: the database (SQLite's own copy, or pg_dump's) and the uploaded files
    (tests/test_backup.py restores it)."""
    target = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with tarfile.open(target) as archive:
        if is_sqlite():
            archive.extract("database.sqlite", tmp_path, filter="data")
            with sqlite3.connect(tmp_path / "database.sqlite") as copy:
                assert copy.execute("SELECT count(*) FROM school").fetchone()[0] == 2
        else:
            assert "database.dump" in archive.getnames()
