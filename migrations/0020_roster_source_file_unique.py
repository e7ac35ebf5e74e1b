"""Rosters: a previewed file makes at most one roster version (confirming twice, or two
confirmations at once, is refused by the database itself)."""


def up(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "roster_source_file_id"')
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "roster_source_file_id" '
                   'ON "roster" ("source_file_id")')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "roster_source_file_id"')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "roster_source_file_id" '
                   'ON "roster" ("source_file_id")')
