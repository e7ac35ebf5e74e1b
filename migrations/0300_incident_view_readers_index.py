"""An incident's page lists who read it (each reader once, with the last time and how many):
grouped from every visit, joined to the users first (4.5 ms at 1,600 visits in the benchmark,
which visits one incident thousands of times). An index on (incident, user, at) lets the visits
be grouped per reader from the index alone before the join (0.3 ms), and replaces the index on
the incident, which it begins with, so no visit writes one more index."""

NEW = "incident_view_incident_id_user_id_at"


def up(migrator, db):
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NEW}" ON "incident_view" '
                   '("incident_id", "user_id", "at")')
    db.execute_sql('DROP INDEX IF EXISTS "incidentview_incident_id"')


def down(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "incidentview_incident_id" ON "incident_view" '
                   '("incident_id")')
    db.execute_sql(f'DROP INDEX IF EXISTS "{NEW}"')
