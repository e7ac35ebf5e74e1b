"""E-mail: each account's choice of how it gets notifications by e-mail (user.email_choice: "now",
"digest", "off", or "" for its role's default), the outbox of messages a worker sends outside
any request (outbox_message), and the scheduled jobs the workers take in turn (job).

Existing accounts keep "" and so their role's default (district/mail/preferences.py).
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
    migrator.migrate(
        migrator.add_column("user", "email_choice", CharField(max_length=8, default="")))

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class OutboxMessage(Model):
        user = ForeignKeyField(User, on_delete="RESTRICT")
        kind = CharField(max_length=16)
        topic = CharField(max_length=40, default="")
        message = CharField(max_length=400, default="")
        params = TextField(null=True)
        link = CharField(max_length=300, default="")
        digest_day = DateField(null=True)
        state = CharField(max_length=16, default="pending")
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        created_at = DateTimeField()
        claimed_at = DateTimeField(null=True)
        claimed_by = CharField(max_length=120, default="")
        sent_at = DateTimeField(null=True)
        to_address = CharField(max_length=200, default="")
        subject = CharField(max_length=300, default="")
        last_error = CharField(max_length=500, default="")

        class Meta:
            database = db
            table_name = "outbox_message"
            indexes = (
                (("state", "next_attempt_at"), False),
                (("user", "digest_day"), True),
                (("created_at",), False),
            )

    class Job(Model):
        name = CharField(max_length=40, unique=True)
        next_run_at = DateTimeField()
        last_started_at = DateTimeField(null=True)
        last_finished_at = DateTimeField(null=True)
        last_result = CharField(max_length=500, default="")
        last_error = CharField(max_length=500, default="")
        runs = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "job"

    db.create_tables([OutboxMessage, Job])


def down(migrator, db):
    for name in ("job", "outbox_message"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{name}"')
    migrator.migrate(migrator.drop_column("user", "email_choice"))
