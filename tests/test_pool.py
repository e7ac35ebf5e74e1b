"""The pool of PostgreSQL connections (district.db.PooledPostgres): a connection given back just
now is handed out again as it is; one that sat idle is checked first, so a connection the
server dropped meanwhile (a restart, an idle session killed) is replaced, not used."""

import time

import psycopg2
import pytest

from district import db
from district.db import database, is_postgres
from tests import databases

pytestmark = pytest.mark.skipif(databases.backend() != "postgres",
                                reason="PostgreSQL's pool: CI runs the suite on PostgreSQL too")


def _idle_connection():
    (_created, _n, conn), = database.obj._connections
    return conn


def test_a_connection_given_back_just_now_is_handed_out_without_a_round_trip(app, monkeypatch):
    assert is_postgres()
    checked = []
    adapter = database.obj._adapter
    real = adapter.is_connection_closed
    monkeypatch.setattr(adapter, "is_connection_closed",
                        lambda conn: checked.append(conn) or real(conn))
    client = app.test_client()
    database.close()
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert checked == []
    # Idle past the window: asked first.
    monkeypatch.setattr(db, "POOL_PING_AFTER_SECONDS", 0)
    assert client.get("/healthz").status_code == 200
    assert len(checked) == 1


def test_a_connection_the_server_dropped_while_idle_is_replaced(app, monkeypatch):
    client = app.test_client()
    database.close()
    assert client.get("/healthz").status_code == 200
    pid = _idle_connection().get_backend_pid()
    other = psycopg2.connect(app.config["DATABASE_URL"])
    other.autocommit = True
    with other.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            if cur.fetchone()[0] == 0:
                break
            time.sleep(0.02)
    other.close()
    monkeypatch.setattr(db, "POOL_PING_AFTER_SECONDS", 0)  # it sat idle long enough
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"
    assert _idle_connection().get_backend_pid() != pid
