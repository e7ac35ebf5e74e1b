"""SQLite: a trigram index (FTS5) of the incidents' folded summaries and references, for the
incident list's search (`LIKE '%…%'` read every incident: 8 ms at a district's 10,000; the index
finds them in a fraction of a millisecond). It is kept by triggers, so every write of an incident
(through peewee or not) keeps it right. PostgreSQL has its pg_trgm indexes (migration 0110) and
gets nothing here. FTS5 and its trigram tokenizer come with every SQLite since 3.34 as Python
and Debian build it."""

from peewee import SqliteDatabase

STATEMENTS = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS "incident_search" USING fts5(
         summary_search, reference, content='incident', content_rowid='id',
         tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS "incident_search_insert" AFTER INSERT ON "incident" BEGIN
         INSERT INTO "incident_search"(rowid, summary_search, reference)
         VALUES (new.id, new.summary_search, new.reference);
       END""",
    """CREATE TRIGGER IF NOT EXISTS "incident_search_delete" AFTER DELETE ON "incident" BEGIN
         INSERT INTO "incident_search"("incident_search", rowid, summary_search, reference)
         VALUES ('delete', old.id, old.summary_search, old.reference);
       END""",
    """CREATE TRIGGER IF NOT EXISTS "incident_search_update"
       AFTER UPDATE OF summary_search, reference ON "incident" BEGIN
         INSERT INTO "incident_search"("incident_search", rowid, summary_search, reference)
         VALUES ('delete', old.id, old.summary_search, old.reference);
         INSERT INTO "incident_search"(rowid, summary_search, reference)
         VALUES (new.id, new.summary_search, new.reference);
       END""",
    """INSERT INTO "incident_search"("incident_search") VALUES ('rebuild')""",
)


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):
        return
    for statement in STATEMENTS:
        db.execute_sql(statement)


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        return
    for name in ("incident_search_insert", "incident_search_delete", "incident_search_update"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    db.execute_sql('DROP TABLE IF EXISTS "incident_search"')
