"""Directives: counts kept as the data changes instead of grouping every recipient on every
page (a province sends 200 directives to 3,000 schools: 600,000 recipient rows).

directive gets recipient_count, read_count, ack_count and late_count; school_tally holds, per
school, the receipts of published directives and how many it acknowledged. Both are filled
here from the recipients already on file (frozen SQL; district/directives/tallies.py's
rebuild() does the same through the models).
"""
from peewee import ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class School(Model):
        class Meta:
            database = db
            table_name = "school"

    class SchoolTally(Model):
        school = ForeignKeyField(School, unique=True, on_delete="RESTRICT")
        received = IntegerField(default=0)
        acknowledged = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "school_tally"

    migrator.migrate(*(migrator.add_column("directive", name, IntegerField(default=0))
                       for name in ("recipient_count", "read_count", "ack_count",
                                    "late_count")))
    db.create_tables([SchoolTally])
    for sql in REBUILD:
        db.execute_sql(sql)


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "school_tally"')
    migrator.migrate(*(migrator.drop_column("directive", name)
                       for name in ("recipient_count", "read_count", "ack_count",
                                    "late_count")))


REBUILD = (
    'UPDATE "directive" SET '
    '"recipient_count" = (SELECT COUNT(*) FROM "recipient" r WHERE r."directive_id" = '
    '"directive"."id"), '
    '"read_count" = (SELECT COUNT(*) FROM "recipient" r WHERE r."directive_id" = '
    '"directive"."id" AND r."first_read_at" IS NOT NULL), '
    '"ack_count" = (SELECT COUNT(*) FROM "recipient" r WHERE r."directive_id" = '
    '"directive"."id" AND r."acknowledged_at" IS NOT NULL), '
    '"late_count" = (SELECT COUNT(*) FROM "recipient" r WHERE r."directive_id" = '
    '"directive"."id" AND r."acknowledged_at" IS NOT NULL AND r."ack_late")',
    'DELETE FROM "school_tally"',
    'INSERT INTO "school_tally" ("school_id", "received", "acknowledged") '
    'SELECT r."school_id", COUNT(*), '
    'SUM(CASE WHEN r."acknowledged_at" IS NOT NULL THEN 1 ELSE 0 END) '
    'FROM "recipient" r JOIN "directive" d ON d."id" = r."directive_id" '
    "WHERE d.\"status\" = 'published' GROUP BY r.\"school_id\"",
)
