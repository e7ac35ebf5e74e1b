"""Directives that must be disseminated, and personal confirmations (issue 12).

directive gets personal_confirmation (every school account confirms personally) and
confirm_from (confirmations of that revision on count); recipient gets confirm_reminded_at (the
principal last reminded the school's people); dissemination holds the quán triệt activity a
school linked when it acknowledged; directive_confirmation one row per account and revision.

New columns with defaults and new tables only; nothing on file changes.
"""
from peewee import (
    BooleanField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title(), (Model,), {"Meta": Meta, "__module__": __name__})

    recipient_t, activity_t, user_t, directive_t = (
        table(n) for n in ("recipient", "activity", "user", "directive"))

    class Dissemination(Model):
        recipient = ForeignKeyField(recipient_t, on_delete="RESTRICT")
        revision = IntegerField()
        activity = ForeignKeyField(activity_t, on_delete="RESTRICT")
        linked_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        linked_at = DateTimeField()

        class Meta:
            database = db
            table_name = "dissemination"
            indexes = ((("recipient", "revision"), True),)

    class DirectiveConfirmation(Model):
        directive = ForeignKeyField(directive_t, on_delete="RESTRICT")
        user = ForeignKeyField(user_t, on_delete="RESTRICT")
        revision = IntegerField()
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "directive_confirmation"
            indexes = ((("directive", "user", "revision"), True),)

    migrator.migrate(
        migrator.add_column("directive", "personal_confirmation", BooleanField(default=False)),
        migrator.add_column("directive", "confirm_from", IntegerField(default=1)),
        migrator.add_column("recipient", "confirm_reminded_at", DateTimeField(null=True)),
    )
    db.create_tables([Dissemination, DirectiveConfirmation])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "directive_confirmation"')
    db.execute_sql('DROP TABLE IF EXISTS "dissemination"')
    migrator.migrate(
        migrator.drop_column("directive", "personal_confirmation"),
        migrator.drop_column("directive", "confirm_from"),
        migrator.drop_column("recipient", "confirm_reminded_at"),
    )
