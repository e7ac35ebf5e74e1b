"""Rosters: the state of a roster upload in its own table (school, stored file, the version the
preview was compared with, who confirmed it and when, the version it made). Confirming no longer
reads the audit log to find the preview; a file is confirmed at most once (unique file, unique
roster, and a conditional update on confirmed_at).

Previews made before this migration are not carried over: a principal uploads the file again.
"""
from peewee import DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title(), (Model,), {"Meta": Meta, "__module__": __name__})

    school_t, user_t, file_t, roster_t = (table(n) for n in ("school", "user", "stored_file",
                                                             "roster"))

    class RosterUpload(Model):
        school = ForeignKeyField(school_t, on_delete="RESTRICT")
        file = ForeignKeyField(file_t, unique=True, on_delete="RESTRICT")
        uploaded_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        uploaded_at = DateTimeField()
        base_version = IntegerField(default=0)
        confirmed_by = ForeignKeyField(user_t, null=True, on_delete="RESTRICT")
        confirmed_at = DateTimeField(null=True)
        roster = ForeignKeyField(roster_t, null=True, unique=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "roster_upload"

    db.create_tables([RosterUpload])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "roster_upload"')
