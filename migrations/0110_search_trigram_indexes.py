"""PostgreSQL: trigram indexes (pg_trgm) for the searches that look for a fragment anywhere in a
folded text (`LIKE '%…%'`): incident summaries and references, directive titles, school and
account names, audit actors. Without them each search reads the whole table (a province:
100,000 incidents). On SQLite nothing changes (its LIKE scans; the tables are small there).

If the database role may not create the extension, the migration says so and goes on: the
searches work, only without the indexes (a DBA can create the extension and then the indexes
below by hand).
"""
import logging

from peewee import PostgresqlDatabase

INDEXES = (
    ("incident_summary_search_trgm", "incident", '"summary_search"'),
    ("incident_reference_trgm", "incident", 'LOWER("reference")'),
    ("directive_title_search_trgm", "directive", '"title_search"'),
    ("school_name_search_trgm", "school", '"name_search"'),
    ("user_name_search_trgm", "user", '"name_search"'),
    ("audit_entry_actor_name_trgm", "audit_entry", '"actor_name"'),
)


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    try:
        with db.atomic():
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - a missing privilege must not stop the upgrade
        logging.getLogger(__name__).warning(
            "pg_trgm unavailable (%s): searches work without trigram indexes", exc)
        return
    for name, table, expression in INDEXES:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                       f"USING gin ({expression} gin_trgm_ops)")


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    for name, _table, _expression in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
