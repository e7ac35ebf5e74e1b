"""The level and the commune of each school on its row of kept counts (school_tally), so the
office's homes sum the acknowledgement rates by level and commune from that table alone: joining
3,000 rows of counts to 3,000 schools took 2 ms of each visit, the sum alone 0.8 ms. Kept by
directives/tallies.py (`school_changed` when a school's level or commune is edited; `rebuild`)."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("school_tally", "level", CharField(max_length=16, default="")),
        migrator.add_column("school_tally", "commune", CharField(max_length=120, default="")))
    db.execute_sql(
        'UPDATE "school_tally" SET '
        '"level" = (SELECT "level" FROM "school" WHERE "school"."id" = "school_tally"."school_id"), '
        '"commune" = (SELECT "commune" FROM "school" '
        'WHERE "school"."id" = "school_tally"."school_id")')


def down(migrator, db):
    migrator.migrate(migrator.drop_column("school_tally", "level"),
                     migrator.drop_column("school_tally", "commune"))
