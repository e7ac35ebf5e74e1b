"""Incidents: counts kept per local month, by category, severity, status and school level
(incident_tally), so the statistics, the homes and the officer's list counters read a few
hundred rows instead of grouping every incident (a province: 100,000 of them).

Filled here from the incidents on file, months counted in the office's zone (TIMEZONE, as the
application reads it); district/incidents/tallies.py's rebuild() does the same through the
models (`flask recount`).
"""
import datetime as dt
import os
from zoneinfo import ZoneInfo

from peewee import CharField, IntegerField, Model, PostgresqlDatabase


def up(migrator, db):
    class IncidentTally(Model):
        month = CharField(max_length=7)
        dimension = CharField(max_length=16)
        key = CharField(max_length=32)
        n = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "incident_tally"
            indexes = ((("month", "dimension", "key"), True),)

    db.create_tables([IncidentTally])
    zone = ZoneInfo(os.environ.get("TIMEZONE") or "Asia/Ho_Chi_Minh")
    minutes = round(dt.datetime.now(zone).utcoffset().total_seconds() / 60)
    if isinstance(db, PostgresqlDatabase):
        month = f"to_char(i.\"reported_at\" + interval '{minutes} minutes', 'YYYY-MM')"
    else:
        month = f"strftime('%Y-%m', i.\"reported_at\", '{minutes:+d} minutes')"
    for dimension, column, join in (
        ("category", 'i."category"', ""),
        ("severity", 'i."severity"', ""),
        ("status", 'i."status"', ""),
        ("level", 's."level"', 'JOIN "school" s ON s."id" = i."school_id"'),
    ):
        db.execute_sql(
            'INSERT INTO "incident_tally" ("month", "dimension", "key", "n") '
            f"SELECT {month}, '{dimension}', {column}, COUNT(*) FROM \"incident\" i {join} "
            f"GROUP BY {month}, {column}")


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "incident_tally"')
