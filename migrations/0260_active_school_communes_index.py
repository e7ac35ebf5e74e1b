"""Every commune filter (tracking, roster coverage, the lists of schools, the directive's
school chooser) lists the communes of the active schools: a read of the whole school table
grouped by commune, 0.9 ms for 3,000 schools. This partial index holds the communes of the
active schools alone, so the list is read from it in order (0.3 ms)."""


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "school_commune_active" ON "school" ("commune") '
                   'WHERE "active"')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "school_commune_active"')
