"""Directives remind schools automatically, on a schedule (issue 14).

directive gets reminder_days (days from the deadline, default -3, 0, 1, 3: every directive on
file gets the default); directive_reminder gets step (the step of an automatic reminder, null
for one sent by hand); reminder_step records each step of each directive, for one deadline,
once (unique key): sent, to how many schools, or skipped.

New columns with defaults and a new table only; nothing on file changes.
"""
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Directive(Model):
        class Meta:
            database = db
            table_name = "directive"

    class ReminderStep(Model):
        directive = ForeignKeyField(Directive, on_delete="RESTRICT")
        step = IntegerField()
        deadline = DateField()
        state = CharField(max_length=8)
        at = DateTimeField()
        schools = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "reminder_step"
            indexes = ((("directive", "step", "deadline"), True),)

    migrator.migrate(
        migrator.add_column("directive", "reminder_days", TextField(default="[-3, 0, 1, 3]")),
        migrator.add_column("directive_reminder", "step", IntegerField(null=True)),
    )
    db.create_tables([ReminderStep])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "reminder_step"')
    migrator.migrate(
        migrator.drop_column("directive", "reminder_days"),
        migrator.drop_column("directive_reminder", "step"),
    )
