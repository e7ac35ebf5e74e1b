"""Review rounds remind schools automatically, on a schedule, as directives do (issue 13).

review_round gets reminder_days (days from the deadline, default -3, 0, 1, 3: every round on
file gets the default); review_reminder_step records each step of each round, for one deadline,
once (unique key): sent, to how many schools, or skipped.

A new column with a default and a new table only; nothing on file changes.
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
    class ReviewRound(Model):
        class Meta:
            database = db
            table_name = "review_round"

    class ReviewReminderStep(Model):
        review_round = ForeignKeyField(ReviewRound, on_delete="RESTRICT")
        step = IntegerField()
        deadline = DateField()
        state = CharField(max_length=8)
        at = DateTimeField()
        schools = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "review_reminder_step"
            indexes = ((("review_round", "step", "deadline"), True),)

    migrator.migrate(
        migrator.add_column("review_round", "reminder_days", TextField(default="[-3, 0, 1, 3]")),
    )
    db.create_tables([ReviewReminderStep])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "review_reminder_step"')
    migrator.migrate(migrator.drop_column("review_round", "reminder_days"))
