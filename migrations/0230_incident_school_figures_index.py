"""The home card of a school's users counts the school's incidents by status, with how many are
urgent and how many are assigned to the reader (incidents/queries.py SCHOOL_FIGURES). Through
the index on (school, status) every incident was a read of its own table page: 0.7 to 1.9 ms for
a school of 960 incidents on PostgreSQL. This index replaces it (it begins with the same two
columns, so it serves what that one did) and holds every column the count reads, so the count is
answered from the index alone (0.3 ms)."""

NEW = "incident_school_id_status_severity_sensitive_assignee_id"


def up(migrator, db):
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NEW}" ON "incident" '
                   '("school_id", "status", "severity", "sensitive", "assignee_id")')
    db.execute_sql('DROP INDEX IF EXISTS "incident_school_id_status"')


def down(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "incident_school_id_status" ON "incident" '
                   '("school_id", "status")')
    db.execute_sql(f'DROP INDEX IF EXISTS "{NEW}"')
