"""A directive's acknowledgements per local day, kept as the data changes: ack_day holds, per
directive and day of the office's zone, how many of its receipts were acknowledged that day.
The tracking page's chart read them by grouping the directive's receipts on every visit (3,000
in a province: about 1 ms of PostgreSQL's work); it now reads a row per day. Kept by
directives/tallies.py in the same transactions as the acknowledgements; filled here from the
receipts, each day in the office's zone (TIMEZONE, as the application reads it; a later change
of zone is repaired by `flask recount`, as for the incidents' months of migration 0090)."""
import datetime as dt
import os
from zoneinfo import ZoneInfo

from peewee import DateField, ForeignKeyField, IntegerField, Model, PostgresqlDatabase


def up(migrator, db):
    class Directive(Model):
        class Meta:
            database = db
            table_name = "directive"

    class AckDay(Model):
        directive = ForeignKeyField(Directive, backref="+", on_delete="RESTRICT")
        day = DateField()
        acknowledged = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "ack_day"
            indexes = ((("directive", "day"), True),)

    db.create_tables([AckDay])
    zone = ZoneInfo(os.environ.get("TIMEZONE") or "Asia/Ho_Chi_Minh")
    minutes = round(dt.datetime.now(zone).utcoffset().total_seconds() / 60)
    if isinstance(db, PostgresqlDatabase):
        day = f"date(\"acknowledged_at\" + interval '{minutes} minutes')"
    else:
        day = f"date(\"acknowledged_at\", '{minutes:+d} minutes')"
    db.execute_sql(
        f'INSERT INTO "ack_day" ("directive_id", "day", "acknowledged") '
        f'SELECT "directive_id", {day}, COUNT(*) FROM "recipient" '
        f'WHERE "acknowledged_at" IS NOT NULL GROUP BY "directive_id", {day}')


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "ack_day"')
