"""Recipients who act or are informed, acknowledgement on a school's behalf, responses reviewed
(issue 14).

directive gets info_levels / info_school_ids (who receives it for information) and info_count;
recipient gets purpose ("act" for every receipt on file), the proxy acknowledgement's flag,
channel and the school's confirmation of it, and the response's state; acknowledgement gets
proxy and channel; response_step holds the history of each response. Existing responses on
file (a roster or report sent with an acknowledgement) become "submitted", with one step each.

New columns with defaults and a new table only; nothing on file is lost.
"""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title(), (Model,), {"Meta": Meta, "__module__": __name__})

    recipient_t, user_t, roster_t, file_t = (
        table(n) for n in ("recipient", "user", "roster", "stored_file"))

    class ResponseStep(Model):
        recipient = ForeignKeyField(recipient_t, on_delete="RESTRICT")
        revision = IntegerField()
        action = CharField(max_length=16)
        by = ForeignKeyField(user_t, on_delete="RESTRICT")
        at = DateTimeField()
        comment = TextField(default="")
        roster = ForeignKeyField(roster_t, null=True, on_delete="RESTRICT")
        response_file = ForeignKeyField(file_t, null=True, on_delete="RESTRICT")
        activity_id = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "response_step"
            indexes = ((("recipient", "at"), False),)

    migrator.migrate(
        migrator.add_column("directive", "info_levels", TextField(default="[]")),
        migrator.add_column("directive", "info_school_ids", TextField(default="[]")),
        migrator.add_column("directive", "info_count", IntegerField(default=0)),
        migrator.add_column("recipient", "purpose", CharField(max_length=8, default="act")),
        migrator.add_column("recipient", "ack_proxy", BooleanField(default=False)),
        migrator.add_column("recipient", "ack_channel", CharField(max_length=8, default="")),
        migrator.add_column("recipient", "proxy_confirmed_at", DateTimeField(null=True)),
        migrator.add_column("recipient", "proxy_confirmed_by_id",
                            ForeignKeyField(user_t, null=True, field=user_t.id,
                                            on_delete="RESTRICT")),
        migrator.add_column("recipient", "response_state",
                            CharField(max_length=16, default="")),
        migrator.add_column("recipient", "response_at", DateTimeField(null=True)),
        migrator.add_column("acknowledgement", "proxy", BooleanField(default=False)),
        migrator.add_column("acknowledgement", "channel", CharField(max_length=8, default="")),
    )
    db.create_tables([ResponseStep])
    # Responses already on file: submitted with their acknowledgement.
    db.execute_sql(
        'UPDATE "recipient" SET "response_state" = \'submitted\', '
        '"response_at" = "acknowledged_at" WHERE "acknowledged_at" IS NOT NULL AND '
        '("roster_id" IS NOT NULL OR "response_file_id" IS NOT NULL)')
    db.execute_sql(
        'INSERT INTO "response_step" ("recipient_id", "revision", "action", "by_id", "at", '
        '"comment", "roster_id", "response_file_id") '
        'SELECT "id", COALESCE("ack_revision", 1), \'submitted\', "acknowledged_by_id", '
        '"acknowledged_at", \'\', "roster_id", "response_file_id" FROM "recipient" '
        'WHERE "response_state" = \'submitted\' AND "acknowledged_by_id" IS NOT NULL')


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "response_step"')
    migrator.migrate(*[
        migrator.drop_column(t, c) for t, c in (
            ("directive", "info_levels"), ("directive", "info_school_ids"),
            ("directive", "info_count"), ("recipient", "purpose"), ("recipient", "ack_proxy"),
            ("recipient", "ack_channel"), ("recipient", "proxy_confirmed_at"),
            ("recipient", "proxy_confirmed_by_id"), ("recipient", "response_state"),
            ("recipient", "response_at"), ("acknowledgement", "proxy"),
            ("acknowledgement", "channel"))])
