"""Issue 11: `flask backup` writes one archive of the database and the uploaded files, and
`flask restore` brings a fresh instance back to work from it: the accounts sign in and the
files download. Runs on the test database's kind (SQLite, or PostgreSQL with pg_dump)."""

import io
import json
import tarfile
import uuid

import psycopg2
import pytest
from playhouse.pool import PooledPostgresqlDatabase

from district import create_app
from district.db import database, is_postgres, make_database
from district.incidents import operations as incident_operations
from district.models import IncidentAttachment
from tests import databases
from tests.conftest import PASSWORD
from tests.incidents.conftest import report_data
from tests.test_hardening_files import PNG


@pytest.fixture
def fresh_database_url(tmp_path):
    """The URL of an empty database of the same kind as the test database."""
    if databases.backend() != "postgres":
        yield f"sqlite:///{tmp_path / 'fresh' / 'district.db'}"
        return
    name = f"district_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(databases.pg_url())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    yield databases._with_db(databases.pg_url(), name)
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_backup_and_restore_bring_back_the_database_and_the_files(
        app, app_config, runner, district, login_as, tmp_path, monkeypatch, fresh_database_url):
    data, students = report_data()
    incident = incident_operations.report(district.principal, district.preschool, data,
                                          students, {})
    response = login_as(district.principal).post(
        f"/incidents/{incident.id}/attachments",
        data={"file": (io.BytesIO(PNG), "anh-hien-truong.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    attachment = IncidentAttachment.get(IncidentAttachment.incident == incident.id)
    url = f"/incidents/{incident.id}/attachments/{attachment.id}"

    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["files"] == 1 and f"uploads/{attachment.file.stored_name}" in names
    assert ("database.dump" if is_postgres() else "database.sqlite") in names
    database.close()

    # A fresh instance: its own folder, database and upload folder, schema only.
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "fresh"))
    fresh = create_app({**app_config, "DATABASE_URL": fresh_database_url,
                        "UPLOAD_DIR": str(tmp_path / "fresh" / "uploads")})
    fresh_runner = fresh.test_cli_runner()
    assert fresh_runner.invoke(args=["init-db"]).exit_code == 0
    refused = fresh_runner.invoke(args=["restore", str(archive)], input="n\n")
    assert refused.exit_code != 0  # asks first: everything in the database is replaced
    result = fresh_runner.invoke(args=["restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    assert "1 uploaded files" in result.output

    client = fresh.test_client()
    signed_in = client.post("/login", data={"username": district.principal.username,
                                            "password": PASSWORD})
    assert signed_in.status_code == 302
    download = client.get(url)
    assert download.status_code == 200 and download.data == PNG
    download.close()
    assert client.get(f"/incidents/{incident.id}").status_code == 200


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        info = tarfile.TarInfo("../../etc/passwd")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"x\n"))
    result = runner.invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0 and "not a backup of this application" in result.output


def test_postgresql_connections_come_from_a_pool_per_worker(app):
    pooled = make_database("postgresql://district@db.example:5432/district", pool_size=8)
    assert isinstance(pooled, PooledPostgresqlDatabase) and pooled._max_connections == 8
    assert not isinstance(make_database("postgresql://district@db.example:5432/district"),
                          PooledPostgresqlDatabase)
    assert app.config["DATABASE_POOL_SIZE"] > 0
    if is_postgres():
        # Two requests in a row are served on the same open connection.
        client = app.test_client()
        seen = []
        app.after_request(lambda response: seen.append(id(database.connection())) or response)
        database.close()
        client.get("/healthz")
        client.get("/healthz")
        assert isinstance(database.obj, PooledPostgresqlDatabase)
        assert len(seen) == 2 and seen[0] == seen[1]
