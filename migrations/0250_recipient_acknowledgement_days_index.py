"""The tracking page's chart counts a directive's acknowledgements by local day (3,000 receipts
in a province): through the index on the directive alone each receipt was a read of the table
(0.9 ms). An index on (directive, acknowledged_at) answers it from the index (0.6 ms) and
replaces the index on the directive, which it begins with, so no write keeps one more index."""

NEW = "recipient_directive_id_acknowledged_at"


def up(migrator, db):
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NEW}" ON "recipient" '
                   '("directive_id", "acknowledged_at")')
    db.execute_sql('DROP INDEX IF EXISTS "recipient_directive_id"')


def down(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "recipient_directive_id" ON "recipient" '
                   '("directive_id")')
    db.execute_sql(f'DROP INDEX IF EXISTS "{NEW}"')
