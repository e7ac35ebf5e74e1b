"""Directives: the tracking page's counts by state and by response, kept as the data changes
(directives/tallies.py) instead of grouping the directive's recipients on every request (3,000
of them in a province: 1.9 ms a page).

directive gets, beside the counts of migrations 0080 and 0140: `info_read_count` (schools
informed that opened it), `read_acked_count` (schools that act on it, opened it and
acknowledged it: the others that opened it are in the state "read"), and one count per
response state. All filled here from the recipients on file (frozen SQL).
"""
from peewee import IntegerField

COUNTS = {
    "info_read_count": "r.\"purpose\" = 'info' AND r.\"first_read_at\" IS NOT NULL",
    "read_acked_count": "r.\"purpose\" = 'act' AND r.\"first_read_at\" IS NOT NULL "
                        "AND r.\"acknowledged_at\" IS NOT NULL",
    **{f"{state}_count": f"r.\"response_state\" = '{state}'"
       for state in ("submitted", "resubmitted", "returned", "accepted")},
}


def up(migrator, db):
    migrator.migrate(*(migrator.add_column("directive", name, IntegerField(default=0))
                       for name in COUNTS))
    db.execute_sql('UPDATE "directive" SET ' + ", ".join(
        f'"{name}" = (SELECT COUNT(*) FROM "recipient" r '
        f'WHERE r."directive_id" = "directive"."id" AND {condition})'
        for name, condition in COUNTS.items()))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column("directive", name) for name in COUNTS))
