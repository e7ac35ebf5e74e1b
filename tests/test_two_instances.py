"""Issue 10, more than one host (docs/deploy.md): two instances of the app, each a real gunicorn
on its own port, against one PostgreSQL database and one Redis, with the same SECRET_KEY and one
shared upload folder, behave as one site: a rate limit or a lockout reached through one holds on
the other, a session signed in on one works on the other, a file uploaded through one downloads
through the other; and two instances started at once apply each migration once.

Runs in the PostgreSQL pass (TEST_DB=postgres) on databases of its own, with the rate limiter
in Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/15) under a key prefix of its own; the
SQLite pass runs only the migration test, on a file. In CI (CI=true) a PostgreSQL or a Redis
that does not answer fails the tests instead of skipping them.
"""

import http.client
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg2
import pytest
from werkzeug.security import generate_password_hash

from district import create_app
from district.admin.values import school_values, user_values
from district.db import disconnect_all, migrate
from district.incidents import operations as incident_operations
from district.models import School, User
from tests import databases
from tests.conftest import FAST_HASH, PASSWORD
from tests.incidents.conftest import report_data
from tests.test_hardening_files import PNG

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI") == "true"
MIGRATIONS = sorted(p.stem for p in (ROOT / "migrations").glob("[0-9]*.py"))

# Small limits, so that they are reached in a few requests.
LOGIN_LIMIT = 4  # sign-in attempts per client address per minute (RATELIMIT_LOGIN)
MAX_FAILURES = 3  # wrong passwords before a (client address, name) pair is locked


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=5)


def _redis_answers():
    try:
        with _redis() as client:
            return client.ping()
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        return False


@pytest.fixture(scope="module")
def services():
    """PostgreSQL and Redis, both required: skipped on the SQLite pass, missing ones fail in CI."""
    if databases.backend() != "postgres":
        pytest.skip("runs in the PostgreSQL pass (TEST_DB=postgres): two instances need a "
                    "database server that both reach")
    missing = [name for name, up in (("PostgreSQL at TEST_DATABASE_URL",
                                      databases.pg_server_answers()),
                                     (f"Redis at {REDIS_URL}", _redis_answers())) if not up]
    if missing and IN_CI:
        pytest.fail(f"CI runs the two-instance test and needs {', '.join(missing)}: "
                    "none answers (.ci/run starts both)")
    if missing:
        pytest.skip(f"{', '.join(missing)} does not answer")


def _admin(sql):
    conn = psycopg2.connect(databases.pg_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def new_database(services):
    """new_database() -> the URL of an empty PostgreSQL database made for this module (dropped
    at its end); not the suite's own."""
    names = []

    def make():
        name = f"district_two_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        names.append(name)
        return databases._with_db(databases.pg_url(), name)

    yield make
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(url, sql):
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///"):])
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def _environment(database_url, instance, **settings):
    return {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance),
            **settings}


# --- Migrations: two instances starting at once ----------------------------------------------

# What `flask --app app init-db` does, with both processes held at a barrier until each has
# imported the app, so that their migration runs really start together.
INIT_DB_TOGETHER = """
import sys, time
from pathlib import Path
from app import app
barrier = Path(sys.argv[1])
(barrier / sys.argv[2]).touch()
deadline = time.time() + 30
while len(list(barrier.iterdir())) < 2 and time.time() < deadline:
    time.sleep(0.002)
result = app.test_cli_runner().invoke(args=["init-db"])
print(result.output, end="")
if result.exception is not None:
    print(repr(result.exception))
sys.exit(result.exit_code)
"""


@pytest.fixture
def empty_database(request, tmp_path):
    """An empty database of this pass's kind: a PostgreSQL database of this module's, or on the
    SQLite pass a new file (instances on one host: two gunicorn masters during a restart)."""
    if databases.backend() != "postgres":
        return f"sqlite:///{tmp_path / 'shared' / 'district.db'}"
    return request.getfixturevalue("new_database")()


def test_two_instances_started_at_once_apply_each_migration_once(empty_database, tmp_path):
    url = empty_database
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    secret = secrets.token_hex(16)
    runs = [subprocess.Popen(
        [sys.executable, "-c", INIT_DB_TOGETHER, str(barrier), name], cwd=ROOT,
        env=_environment(url, tmp_path / name, SECRET_KEY=secret),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for name in ("a", "b")]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    # Each migration applied by exactly one of them; the other found the schema up to date.
    applied = re.findall(r"^applied: (\S+)$", "".join(outputs), re.MULTILINE)
    assert sorted(applied) == MIGRATIONS
    assert any("database schema is up to date" in output for output in outputs), outputs
    recorded = _query(url, "SELECT name, count(*) FROM schema_migration GROUP BY name")
    assert sorted(recorded) == [(name, 1) for name in MIGRATIONS]


# --- Two instances serving ---------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Instance:
    """One gunicorn of the app (gunicorn.conf.py, one worker), as a host would run it."""

    def __init__(self, name, env, log):
        self.name = name
        self.port = _free_port()
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--config", "gunicorn.conf.py", "app:app"], cwd=ROOT,
                env={**env, "HOST": "127.0.0.1", "PORT": str(self.port), "WORKERS": "1",
                     "THREADS": "4"},
                stdout=out, stderr=subprocess.STDOUT)

    def wait_until_up(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", "/healthz")
                    response = conn.getresponse()
                    response.read()
                    if response.status == 200:
                        return
                finally:
                    conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"instance {self.name} did not start:\n{self.tail()}")

    def tail(self):
        return Path(self.log).read_text(errors="replace")[-3000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Browser:
    """One person's browser, at one client address (X-Forwarded-For, as nginx sends it): its
    cookies go with it to whichever instance answers."""

    def __init__(self, address):
        self.address = address
        self.cookies = {}

    def request(self, instance, method, path, fields=None, file=None):
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if file is not None:
            boundary = uuid.uuid4().hex
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            body = _multipart(boundary, fields or {}, file)
        elif fields is not None:
            from urllib.parse import urlencode

            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(fields).encode()
        conn = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, data
        finally:
            conn.close()

    def token(self, instance, path):
        """The CSRF token of a page's form (kept in this browser's session)."""
        status, _headers, page = self.request(instance, "GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.decode()).group(1)

    def sign_in(self, instance, username, password):
        token = self.token(instance, "/login")
        return self.request(instance, "POST", "/login",
                            {"username": username, "password": password, "csrf_token": token})


def _multipart(boundary, fields, file):
    name, filename, content = file
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


@pytest.fixture(scope="module")
def site(new_database, tmp_path_factory):
    """Two running instances (a, b) over one migrated database, one Redis and one upload
    folder; a school with its principal and one incident."""
    tmp = tmp_path_factory.mktemp("two_instances")
    url = new_database()
    prefix = f"district-test-{uuid.uuid4().hex[:10]}"
    shared = {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
              "UPLOAD_DIR": str(tmp / "shared-uploads"),
              "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
              "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per minute",
              "LOGIN_MAX_FAILURES": str(MAX_FAILURES), "PROXY_COUNT": "1",
              "DATABASE_POOL_SIZE": "4"}

    # The accounts and the incident, written through the app's own code in this process (no
    # rate limiter settings here: the limiter is one object for the whole test session).
    with pytest.MonkeyPatch.context() as patch:
        for key in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR"):
            patch.setenv(key, shared[key])
        patch.setenv("INSTANCE_PATH", str(tmp / "setup"))
        app = create_app({"PASSWORD_HASH_METHOD": FAST_HASH, "RATELIMIT_ENABLED": False})
        with app.app_context():
            migrate()
            school = School.create(**school_values({
                "code": "MN-HAIHOST", "name": "Trường Mầm non Hai Máy", "level": "mam_non",
                "ownership": "cong_lap", "commune": "Xã Tân Phú"}))
            principal = User.create(school=school,
                                    password_hash=generate_password_hash(PASSWORD,
                                                                         method=FAST_HASH),
                                    **user_values({"username": "ht.mn-haihost",
                                                   "full_name": "Trần Thị Hai Máy",
                                                   "role": "principal"}))
            data, students = report_data()
            incident = incident_operations.report(principal, school, data, students, {})
            world = {"principal": principal.username, "incident": incident.id, "url": url,
                     "prefix": prefix, "uploads": Path(shared["UPLOAD_DIR"]),
                     "settings": shared, "tmp": tmp}
        disconnect_all()

    instances = [Instance(name, _environment(url, tmp / f"instance-{name}", **shared),
                          tmp / f"{name}.log") for name in ("a", "b")]
    try:
        for instance in instances:
            instance.wait_until_up()
        yield (*instances, world)
    finally:
        for instance in instances:
            instance.stop()
        with _redis() as client:
            keys = list(client.scan_iter(match=f"*/{prefix}/*"))
            if keys:
                client.delete(*keys)


def test_a_rate_limit_reached_through_one_holds_on_the_other(site):
    a, b, world = site
    browser = Browser("203.0.113.21")
    # Wrong passwords for names that are not accounts (no lockout in the way): the limit counts
    # every attempt from the address, whichever instance answers it.
    answers = [browser.sign_in(a if n % 2 else b, f"khong-co-{n}", "sai")[0]
               for n in range(LOGIN_LIMIT)]
    assert answers == [422] * LOGIN_LIMIT
    assert browser.sign_in(b, "khong-co-x", "sai")[0] == 429
    assert browser.sign_in(a, "khong-co-y", "sai")[0] == 429
    # Counted in Redis under this deployment's prefix, not in the database.
    with _redis() as client:
        assert any(b"auth.login" in key for key in client.scan_iter(match=f"*/{world['prefix']}/*"))
    assert _query(world["url"], "SELECT count(*) FROM rate_limit_counter") == [(0,)]
    # Another address has a count of its own.
    assert Browser("203.0.113.22").sign_in(b, "khong-co-z", "sai")[0] == 422


def test_a_lockout_reached_through_one_holds_on_the_other(site):
    a, b, world = site
    browser = Browser("203.0.113.31")
    for n in range(MAX_FAILURES):
        status, _headers, page = browser.sign_in(a if n % 2 == 0 else b, world["principal"],
                                                 "sai-mat-khau")
        assert status == 422
    assert "Đã nhập sai nhiều lần".encode() in page  # the last wrong one locked the pair
    # The right password, through the other instance, is refused while the lock holds.
    status, _headers, page = browser.sign_in(b, world["principal"], PASSWORD)
    assert status == 422 and "Đã nhập sai nhiều lần".encode() in page
    status, headers, _page = browser.request(a, "GET", "/")
    assert status == 302 and "/login" in headers["Location"]


def test_a_session_signed_in_on_one_works_on_the_other(site):
    a, b, world = site
    browser = Browser("203.0.113.41")
    status, headers, _page = browser.sign_in(a, world["principal"], PASSWORD)
    assert status == 302 and "/login" not in headers["Location"]
    status, _headers, page = browser.request(b, "GET", "/")
    assert status == 200 and "Trần Thị Hai Máy".encode() in page
    # Signed out through b: the cookie no longer opens a page on a.
    token = browser.token(b, "/")
    assert browser.request(b, "POST", "/logout", {"csrf_token": token})[0] == 302
    status, headers, _page = browser.request(a, "GET", "/")
    assert status == 302 and "/login" in headers["Location"]
    # Nor does a stranger's request without the cookie.
    assert Browser("203.0.113.42").request(b, "GET", "/")[0] == 302


def test_a_file_uploaded_through_one_downloads_through_the_other(site):
    a, b, world = site
    browser = Browser("203.0.113.51")
    assert browser.sign_in(b, world["principal"], PASSWORD)[0] == 302
    page_path = f"/incidents/{world['incident']}"
    token = browser.token(a, page_path)
    status, _headers, _page = browser.request(
        a, "POST", f"{page_path}/attachments", {"csrf_token": token},
        file=("file", "anh-hien-truong.png", PNG))
    assert status == 302
    (attachment_id,) = _query(world["url"], "SELECT id FROM incident_attachment WHERE "
                                            f"incident_id = {world['incident']}")[0]
    status, headers, data = browser.request(b, "GET", f"{page_path}/attachments/{attachment_id}")
    assert status == 200 and data == PNG
    assert "attachment" in headers["Content-Disposition"]
    assert len(list(world["uploads"].iterdir())) == 1  # one copy, in the shared folder


def test_sign_in_goes_on_when_redis_stops_answering(site):
    """Redis down (here: a port where nothing listens): sign-ins are still answered, and each
    worker counts the limit in its own memory until Redis is back."""
    _a, _b, world = site
    tmp = world["tmp"]
    settings = {**world["settings"], "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{_free_port()}/0"}
    lone = Instance("c", _environment(world["url"], tmp / "instance-c", **settings), tmp / "c.log")
    try:
        lone.wait_until_up()
        browser = Browser("203.0.113.61")
        answers = [browser.sign_in(lone, f"khong-co-{n}", "sai")[0] for n in range(LOGIN_LIMIT)]
        assert answers == [422] * LOGIN_LIMIT
        assert browser.sign_in(lone, "khong-co-x", "sai")[0] == 429
        assert Browser("203.0.113.62").sign_in(lone, world["principal"], PASSWORD)[0] == 302
    finally:
        lone.stop()
    assert "Rate limit storage unreachable" in lone.tail()  # said in the error log


# --- The deployment files agree with the app ----------------------------------------------------


def test_the_deploy_files_agree_with_the_app(tmp_path, monkeypatch):
    """deploy/: nginx takes every request the app accepts and buffers it whole; the units apply
    migrations before serving and wait for the shared upload folder (docs/deploy.md)."""
    import runpy

    from district import config

    for name in ("MAX_REQUEST_MB", "UPLOAD_DIR"):
        monkeypatch.delenv(name, raising=False)
    deploy = ROOT / "deploy"
    nginx = (deploy / "nginx" / "district.conf").read_text()
    body_mb = int(re.search(r"client_max_body_size\s+(\d+)m;", nginx).group(1))
    assert body_mb * 1024 * 1024 == config.from_environment(tmp_path)["MAX_CONTENT_LENGTH"]
    for line in ("proxy_request_buffering on;", "proxy_buffering on;", "client_body_timeout",
                 "proxy_http_version 1.1;", "location /static/dist/", "immutable"):
        assert line in nginx, line
    upstream_idle = int(re.search(r"keepalive_timeout\s+(\d+)s;", nginx.split("upstream", 1)[1])
                        .group(1))
    assert upstream_idle < runpy.run_path(str(ROOT / "gunicorn.conf.py"))["keepalive"]

    env = (deploy / "district.env.example").read_text()
    uploads = re.search(r"^UPLOAD_DIR=(\S+)$", env, re.MULTILINE).group(1)
    assert f" {uploads} " in (deploy / "nfs" / "fstab").read_text()
    service = (deploy / "systemd" / "district.service").read_text()
    assert service.index("flask --app app init-db") < service.index("gunicorn --config")
    for unit in ("district.service", "district-job@.service"):
        text = (deploy / "systemd" / unit).read_text()
        assert f"RequiresMountsFor={uploads}" in text, unit
    job = subprocess.run([str(deploy / "bin" / "district-job"), "no-such-job"],
                         capture_output=True, text=True)
    assert job.returncode == 64 and "known: backup" in job.stderr
