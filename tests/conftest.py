"""Fixtures: app, client, runner, a fresh database per test, factories and sign-in helpers.

Run on SQLite by default; `TEST_DB=postgres` runs the same suite on a PostgreSQL database made
for the session (see tests/databases.py).
"""

import itertools
from types import SimpleNamespace

import pytest
from playhouse.test_utils import count_queries

from district import create_app
from district.admin.values import school_values, user_values
from district.db import database, make_database, migration_runner
from district.models import School, User
from tests import databases

PASSWORD = "Passw0rd!"
# Cheap hashing in tests only; production uses scrypt.
FAST_HASH = "pbkdf2:sha256:1000"


def _migrate(url):
    db = make_database(url)
    database.initialize(db)
    with db.connection_context():
        migration_runner().up()
    db.close()


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    if databases.backend() == "postgres":
        if not databases.pg_server_answers():
            pytest.exit("TEST_DB=postgres but PostgreSQL does not answer", returncode=2)
        holder = databases.PostgresDatabase()
    else:
        holder = databases.SqliteTemplate(str(tmp_path_factory.mktemp("template")))
    holder.create(_migrate)
    yield holder
    if not database.is_closed():
        database.close()
    holder.drop()


@pytest.fixture
def app_config(tmp_path, test_database):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": test_database.url_for_test(str(tmp_path)),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "DEMO_PASSWORD": PASSWORD,
        "SERVER_NAME": None,
    }


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    database.connect(reuse_if_open=True)
    yield application
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_school(app):
    def factory(**fields):
        n = next(_counter)
        data = {
            "code": f"SCH-{n}",
            "name": f"Trường Tiểu học Số {n}",
            "level": "tieu_hoc",
            "ownership": "cong_lap",
            "commune": "Xã Tân Phú",
            **fields,
        }
        return School.create(**school_values(data))

    return factory


@pytest.fixture
def make_user(app):
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash(PASSWORD, method=FAST_HASH)

    def factory(role, school=None, **fields):
        n = next(_counter)
        data = {"username": f"{role}{n}", "full_name": f"Nguyễn Văn Thử {n}", "role": role,
                **fields}
        values = user_values(data)
        return User.create(school=school, password_hash=hashed, **values)

    return factory


@pytest.fixture
def district(make_school, make_user):
    """A small district: two schools (a preschool and a lower-secondary school) with a principal
    and two staff each, an admin, two officers and an observer."""
    preschool = make_school(code="MN-HOASEN", name="Trường Mầm non Hoa Sen", level="mam_non")
    secondary = make_school(code="THCS-NGUYENDU", name="Trường THCS Nguyễn Du", level="thcs")
    world = SimpleNamespace(
        preschool=preschool,
        secondary=secondary,
        admin=make_user("admin", username="admin"),
        officer=make_user("officer", username="chuyenvien1", full_name="Nguyễn Thị Thu Hà"),
        officer2=make_user("officer", username="chuyenvien2", full_name="Lê Văn Phúc"),
        observer=make_user("observer", username="lanhdao", full_name="Phạm Quốc Việt"),
        principal=make_user("principal", preschool, username="ht.mn-hoasen",
                            full_name="Trần Thị Lan"),
        staff=make_user("staff", preschool, username="gv1.mn-hoasen", full_name="Lê Thị Mai"),
        staff2=make_user("staff", preschool, username="gv2.mn-hoasen", full_name="Võ Văn Nam"),
        other_principal=make_user("principal", secondary, username="ht.thcs-nguyendu",
                                  full_name="Đỗ Minh Tuấn"),
        other_staff=make_user("staff", secondary, username="gv1.thcs-nguyendu",
                              full_name="Bùi Thị Hạnh"),
    )
    world.by_role = {
        "admin": world.admin,
        "officer": world.officer,
        "principal": world.principal,
        "staff": world.staff,
        "observer": world.observer,
    }
    return world


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password=PASSWORD):
        username = getattr(user_or_name, "username", user_or_name)
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login_as(app):
    """A new signed-in test client for `user`: login_as(user).get(...)."""

    def factory(user):
        c = app.test_client()
        response = Auth(c).login(user)
        assert response.status_code == 302, response.data[:500]
        return c

    return factory


@pytest.fixture
def queries():
    """Count the SQL statements a block runs: `with queries() as q: ...; q.count`."""
    return count_queries
