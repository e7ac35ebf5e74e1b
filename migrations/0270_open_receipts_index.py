"""A school's principal sees on every page how many directives still wait on the school (the
badge), and its home lists them: the school's receipts not yet acknowledged. Through the index
on the school, each of its 200 receipts of a province's year was a read of the table (0.5 ms a
page). This partial index holds the open receipts alone, with the columns the count reads, so
it is answered from the index (0.2 ms); a receipt leaves it when acknowledged."""


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "recipient_open_by_school" ON "recipient" '
                   '("school_id", "directive_id", "purpose", "first_read_at") '
                   'WHERE "acknowledged_at" IS NULL')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "recipient_open_by_school"')
