"""The test databases: SQLite files copied from a migrated template, or a PostgreSQL database
created for the session and truncated between tests. TEST_DB=postgres selects PostgreSQL."""

import os
import shutil
import uuid
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def backend():
    return os.environ.get("TEST_DB", "sqlite")


def pg_url():
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)


def _with_db(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def pg_server_answers():
    import psycopg2

    try:
        psycopg2.connect(pg_url(), connect_timeout=3).close()
        return True
    except psycopg2.Error:
        return False


class SqliteTemplate:
    """Migrate once into a template file; each test gets a fresh copy."""

    def __init__(self, directory):
        self.template = os.path.join(directory, "template.db")

    def create(self, migrate):
        migrate(f"sqlite:///{self.template}")

    def url_for_test(self, directory):
        path = os.path.join(directory, "test.db")
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self):
        pass


class PostgresDatabase:
    """One database per test session (so parallel runs never collide), emptied between tests."""

    def __init__(self):
        self.name = f"district_test_{uuid.uuid4().hex[:10]}"
        self.url = _with_db(pg_url(), self.name)

    def _admin(self, sql):
        import psycopg2

        conn = psycopg2.connect(pg_url())
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def create(self, migrate):
        self._admin(f'CREATE DATABASE "{self.name}" ENCODING \'UTF8\' TEMPLATE template0')
        # A database thrown away after the run: its commits need not wait for the disk.
        self._admin(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        migrate(self.url)
        self._emptying = None

    def _emptying_statements(self, cur):
        """How to empty the database between tests. DELETE of every table with the foreign
        key triggers off, and every sequence restarted, takes a few milliseconds where TRUNCATE
        of 49 tables took 150 to 300 ms (it makes new files for each); it needs a superuser (the
        local server's trust role is one), and TRUNCATE stays for any other role."""
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'schema_migration' ORDER BY tablename")
        tables = [f'"{row[0]}"' for row in cur.fetchall()]
        if not tables:
            return []
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cur.fetchone()[0]:
            return [f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"]
        cur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        restarts = [f'ALTER SEQUENCE "{row[0]}" RESTART' for row in cur.fetchall()]
        return ["; ".join(["SET session_replication_role = replica",
                           *(f"DELETE FROM {table}" for table in tables), *restarts,
                           "SET session_replication_role = DEFAULT"])]

    def url_for_test(self, directory):
        import psycopg2

        conn = psycopg2.connect(self.url)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                if self._emptying is None:
                    self._emptying = self._emptying_statements(cur)
                for statement in self._emptying:
                    cur.execute(statement)
        finally:
            conn.close()
        return self.url

    def drop(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
