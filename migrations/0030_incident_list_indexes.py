"""Indexes for the incident pages at province scale: a school's incidents by date (the
principal's list and home card), and each incident's timeline and "viewed by" in time order."""

INDEXES = (
    ("incident_school_id_reported_at", "incident", ("school_id", "reported_at")),
    ("incident_event_incident_id_at", "incident_event", ("incident_id", "at")),
    ("incident_view_incident_id_at", "incident_view", ("incident_id", "at")),
)


def up(migrator, db):
    for name, table, columns in INDEXES:
        cols = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')


def down(migrator, db):
    for name, _table, _columns in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
