"""The database: one proxy bound at start-up, a connection per request, versioned migrations.

SQLite (the embedded default) gets WAL, foreign keys and a busy timeout on every connection;
DATABASE_URL=postgresql://... selects PostgreSQL. Either goes through a pool of connections per
worker process (playhouse.pool: a request takes an open connection and gives it back at its
end, instead of opening a new one and setting it up again; DATABASE_POOL_SIZE, 0 for none).
A pooled SQLite connection serves one request at a time, in whichever thread it runs
(check_same_thread off); `flask restore` runs with the server stopped (docs/deployment.md).
The schema changes only through the numbered scripts in migrations/, applied by peewee's own
migration runner (playhouse.migrations).
"""

import datetime as dt
import itertools
import re
import sqlite3
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from peewee import (
    SQL,
    DatabaseProxy,
    Field,
    PostgresqlDatabase,
    Select,
    SqliteDatabase,
    fn,
)
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase, PooledSqliteDatabase

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    # Without this SQLite ignores every REFERENCES clause: no orphans, ever.
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}


# An idle pooled connection older than this is closed rather than reused (seconds); a request
# waits at most POOL_WAIT seconds for a free connection when all are in use.
POOL_STALE_SECONDS = 300
POOL_WAIT_SECONDS = 10
# A pooled PostgreSQL connection given back less than this many seconds ago is taken again
# without asking the server whether it is still there (under load: every request); one idle
# longer is asked first (SELECT 1), so a server restarted in a quiet moment costs no request.
POOL_PING_AFTER_SECONDS = 5


class PooledPostgres(PooledPostgresqlDatabase):
    """playhouse's pool of PostgreSQL connections, which checks every connection it hands out
    with a round trip to the server (SELECT 1): a quarter of a millisecond on each request.
    Here only a connection idle for POOL_PING_AFTER_SECONDS or more is checked; one given
    back just now, with no transaction open, is handed out as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._given_back = {}  # connection key -> time.monotonic() when it came back

    def _is_closed(self, conn):
        if conn.closed:
            return True
        given_back = self._given_back.get(self.conn_key(conn))
        adapter = self._adapter
        if (given_back is not None
                and time.monotonic() - given_back < POOL_PING_AFTER_SECONDS
                and adapter.txn_status(conn) == adapter.txn_idle):
            return False
        return super()._is_closed(conn)

    def _close(self, conn, close_conn=False):
        super()._close(conn, close_conn)
        key = self.conn_key(conn)
        if close_conn or conn.closed:
            self._given_back.pop(key, None)
        else:
            self._given_back[key] = time.monotonic()


def make_database(url, pool_size=0):
    if url.startswith(("postgresql://", "postgres://")) and pool_size:
        params = parse_url(url)
        name = params.pop("database")
        return PooledPostgres(name, max_connections=pool_size, stale_timeout=POOL_STALE_SECONDS,
                              timeout=POOL_WAIT_SECONDS, **params)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # BEGIN IMMEDIATE: a transaction takes the write lock when it starts, so two requests
        # that read then write wait for each other (busy timeout) instead of one failing with
        # "database is locked" on a stale snapshot.
        options = {"pragmas": SQLITE_PRAGMAS, "timeout": 10, "lock_type": "IMMEDIATE"}
        if pool_size and path != ":memory:":
            return PooledSqliteDatabase(path, max_connections=pool_size,
                                        stale_timeout=POOL_STALE_SECONDS,
                                        check_same_thread=False, **options)
        return SqliteDatabase(path, **options)
    return connect_url(url)


def is_sqlite(db=None):
    return isinstance((db or database.obj), SqliteDatabase)


# PostgreSQL's type of a parameter of a server-side prepared statement, by the Python type of
# the value the statement was built with (bool before int: a bool is an int).
_PG_TYPES = ((bool, "boolean"), (int, "int4"), (float, "float8"), (str, "text"),
             (dt.datetime, "timestamp"), (dt.date, "date"))
_PLACEHOLDER = re.compile(r"%([%s])")
_statement_numbers = itertools.count(1)
# The statements prepared on each PostgreSQL connection (a session's own), by name.
_prepared_on = weakref.WeakKeyDictionary()


def _pg_type(value):
    for kind, name in _PG_TYPES:
        if isinstance(value, kind):
            return "int8" if name == "int4" and not -2**31 <= value < 2**31 else name
    return None


def _server_side(name, sql, params):
    """(PREPARE statement, EXECUTE statement) of `sql` with these parameters, or None when a
    parameter's type cannot be told from its value."""
    types = [_pg_type(p) for p in params]
    if None in types:
        return None
    numbers = itertools.count(1)
    body = _PLACEHOLDER.sub(lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", sql)
    declared = f" ({', '.join(types)})" if types else ""
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    return f"PREPARE {name}{declared} AS {body}", f"EXECUTE {name}{arguments}"


class Prepared:
    """A query run on every request (the signed-in user, the bell), whose SQL peewee builds
    once per kind of database instead of on each call: `build(**sentinels)` makes the peewee
    query with a distinct placeholder value per named parameter; calling `run(**values)` puts
    the values in their places. Building a query's SQL costs more than running it there.

    On PostgreSQL it is also a server-side prepared statement: prepared once on each pooled
    connection (PREPARE, typed by the values it was built with), then run by EXECUTE, so the
    server plans it once per connection rather than on every request (0.1 to 0.5 ms each).
    With `server_side=False` it is not: a statement whose best plan depends on its values
    (PostgreSQL's generic plan, made after five runs, can be several times slower) is planned
    on each run with them, and only its SQL is built once."""

    def __init__(self, build, server_side=True, **sentinels):
        self.build = build
        self.server_side = server_side
        self.sentinels = sentinels
        self.compiled = {}
        self.name = f"district_{next(_statement_numbers)}"

    def _compiled(self):
        kind = type(database.obj)
        if kind not in self.compiled:
            query = self.build(**self.sentinels)
            sql, params = query.sql()
            names = {value: name for name, value in self.sentinels.items()}
            server_side = (_server_side(self.name, sql, params)
                           if self.server_side and isinstance(database.obj, PostgresqlDatabase)
                           else None)
            self.compiled[kind] = (query, sql, [names.get(p, None) for p in params], params,
                                   server_side)
        return self.compiled[kind]

    def params(self, values):
        _query, sql, slots, defaults, _server = self._compiled()
        return sql, [values[slot] if slot else default
                     for slot, default in zip(slots, defaults, strict=True)]

    def _execute(self, values):
        sql, params = self.params(values)
        server_side = self._compiled()[4]
        if server_side is None:
            return database.execute_sql(sql, params)
        prepare, execute = server_side
        connection = database.connection()
        done = _prepared_on.setdefault(connection, set())
        if self.name not in done:
            # Not through execute_sql: the statement counted (and logged) is the EXECUTE.
            with connection.cursor() as cursor:
                cursor.execute(prepare)
            done.add(self.name)
        return database.execute_sql(execute, params)

    def rows(self, **values):
        return self._execute(values)

    def objects(self, **values):
        """The rows as instances of the query's model, built as peewee builds the rows of a raw
        query (each column by its name; a model field's column converted by the field), without
        setting up its cursor wrapper."""
        query = self._compiled()[0]
        cursor = self._execute(values)
        names = [column[0] for column in cursor.description]
        converters = [column.python_value if isinstance(column, Field) else None
                      for column in query._returning]
        model = query.model
        found = []
        for row in cursor.fetchall():
            instance = model(__no_default__=1, **{
                name: value if convert is None else convert(value)
                for name, convert, value in zip(names, converters, row, strict=True)})
            instance._dirty.clear()
            found.append(instance)
        return found

    def first(self, **values):
        """The first row as a model instance (see `objects`), or None."""
        found = self.objects(**values)
        return found[0] if found else None

    def models(self, **values):
        """The rows as peewee builds those of the query itself: a joined model's columns on
        an instance of that model (incident.school.name), not flattened as by `objects`."""
        query = self._compiled()[0]
        return list(query._get_cursor_wrapper(self._execute(values)))


class PreparedList:
    """A list as web.Pages reads a query (`paginate`, `count`, `limit(n).count()`), from
    prepared statements: `rows`, whose slots `limit` and `offset` take the page, and `count`
    (when Pages counts), whose slot `limit` takes the most rows counted; `values`
    fill their other slots. Rows come as the query of `rows` builds them (`Prepared.models`)."""

    EVERY_ROW = 2**31 - 1  # the cap of an exact count (a slot typed integer)
    PAGE_SLOTS = {"limit": -7_971, "offset": -7_972}  # stand-ins no other slot may take

    @classmethod
    def statements(cls, build, counts=True, server_side=True, **sentinels):
        """The (rows, count) statements of one list, from one builder: `build(**values)` makes
        the list's query, ordered and not paged, with `sentinels` in its slots; `rows` takes a
        page of it (slots `limit`, `offset`), `count` counts it up to its slot `limit` (None
        with `counts=False`, for a list Pages does not count). `server_side`: as `Prepared`'s."""
        rows = Prepared(lambda limit, offset, **values: build(**values).limit(limit)
                        .offset(offset), server_side=server_side, **cls.PAGE_SLOTS, **sentinels)
        if not counts:
            return rows, None
        count = Prepared(lambda limit, **values: counted(build(**values), limit),
                         server_side=server_side, limit=cls.PAGE_SLOTS["limit"], **sentinels)
        return rows, count

    def __init__(self, rows, count=None, **values):
        self.rows, self.counting, self.values = rows, count, values
        self.cap = self.EVERY_ROW

    def paginate(self, page, per_page):
        return self.rows.models(limit=per_page, offset=(page - 1) * per_page, **self.values)

    def limit(self, cap):
        capped = PreparedList(self.rows, self.counting, **self.values)
        capped.cap = cap
        return capped

    def count(self):
        cursor = self.counting.rows(limit=self.cap, **self.values)
        return int(cursor.fetchone()[0] or 0)


def counted(query, cap):
    """SQL: how many rows `query` has, counting at most `cap` (a slot of a `PreparedList`'s
    count). Unordered, as peewee's own `count()`: the order changes no count, and sorting
    what is only counted cost PostgreSQL 2 to 4 ms a tracking page at province scale."""
    return Select([query.order_by().limit(cap).alias("counted")],
                  [fn.COUNT(SQL("1"))]).bind(database)


def is_everything(scope):
    """Whether a scope leaves every row in (a bare `Model.select()`, as the office's aggregate
    scopes are): a query may then skip the scope's `IN (SELECT ...)`, which costs a join over
    the whole table."""
    return (scope._where is None and not scope._from_list[1:]
            and not getattr(scope, "_joins", None) and scope._limit is None
            and scope._offset is None and not scope._group_by and scope._having is None)


class ScopedPrepared:
    """Prepared statements of one query over a visibility scope (access.py's `*_visible_to`,
    `*_aggregates_scope`): one `Prepared` per scope, the scope's own SQL being the key, and per
    `variant` (a shape the query takes). `get(scope, variant)` returns it; `build(scope,
    variant, **sentinels)` makes the query. A scope of one school is a scope of its own: keep
    this for the office's pages, not for what every school's users ask (thousands of
    statements)."""

    def __init__(self, build, **sentinels):
        self.build = build
        self.sentinels = sentinels
        self.prepared = {}

    def get(self, scope, variant=None):
        if is_everything(scope):  # the office's: no SQL to write for the key
            key = (scope.model, variant)
        else:
            sql, params = scope.select(SQL("1")).sql()
            key = (sql, tuple(params), variant)
        if key not in self.prepared:
            self.prepared[key] = Prepared(
                lambda **values: self.build(scope, variant, **values), **self.sentinels)
        return self.prepared[key]


def is_postgres(db=None):
    return isinstance((db or database.obj), PostgresqlDatabase)


def init_app(app):
    previous = database.obj
    if isinstance(previous, PooledDatabase):
        previous.close_all()  # a new app in the same process (tests): no connection left behind
    database.initialize(make_database(app.config["DATABASE_URL"],
                                      app.config.get("DATABASE_POOL_SIZE", 0)))

    @app.before_request
    def _open_connection():
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close_connection(exc):
        if not database.is_closed():
            database.close()


def disconnect_all():
    """Close this process's connection and every pooled one (before the database is swapped)."""
    if not database.is_closed():
        database.close()
    if isinstance(database.obj, PooledDatabase):
        database.obj.close_all()


def migration_runner():
    return Runner(database.obj, directory=str(MIGRATIONS_DIR))


# The key of the PostgreSQL advisory lock held while migrations are applied: the same number in
# every instance ("district" in ASCII); advisory locks are per database.
MIGRATION_LOCK_KEY = int.from_bytes(b"district", "big")


@contextmanager
def _migrating(db):
    """Connected, and the only migrator: instances started together (several hosts, or systemd
    restarting them all) wait here, and each then sees what the one before it applied.
    PostgreSQL: a session advisory lock, let go at the end (or when the connection drops).
    SQLite: an exclusive lock on a file beside the database, taken before connecting. Its own
    write lock (BEGIN IMMEDIATE) orders the migrations one at a time, not whole runs: without
    this a second instance that planned the same migrations fails on the first one recorded."""
    if is_postgres(db):
        with db.connection_context():
            db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
            try:
                yield
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
    elif is_sqlite(db) and db.database != ":memory:":
        import fcntl

        with open(f"{db.database}.migrate-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with db.connection_context():
                    yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:
        with db.connection_context():
            yield


def migrate():
    """Apply every pending migration, one instance at a time; returns the names applied."""
    with _migrating(database.obj):
        return migration_runner().up()


def pending_migrations():
    with database.connection_context():
        return [m.name for m in migration_runner().status() if not m.applied]


def backup_sqlite(target):
    """An online, consistent copy of the SQLite database (sqlite3's backup API)."""
    copy_sqlite(database.obj.database, target)


def copy_sqlite(source_path, target):
    """Copy one SQLite database file into another, consistently, with sqlite3's backup API."""
    src = sqlite3.connect(source_path)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def database_answers():
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # noqa: BLE001 - /healthz reports any failure as "down"
        current_app.logger.exception("database health check failed")
        return False
