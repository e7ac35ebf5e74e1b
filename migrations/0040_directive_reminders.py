"""Directives: every reminder is kept (who sent it, when, and which principal accounts it
notified), so the tracking page says when a school was last reminded and to whom, and a school
is not reminded twice within REMIND_MIN_HOURS. Reminders sent before this migration become rows
whose sender and addressees are unknown."""
from peewee import DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Recipient(Model):
        class Meta:
            database = db
            table_name = "recipient"

    class DirectiveReminder(Model):
        recipient = ForeignKeyField(Recipient, on_delete="RESTRICT")
        sent_at = DateTimeField()
        sent_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        sent_to = TextField()

        class Meta:
            database = db
            table_name = "directive_reminder"
            indexes = ((("recipient", "sent_at"), False),)

    db.create_tables([DirectiveReminder])
    db.execute_sql(
        'INSERT INTO "directive_reminder" ("recipient_id", "sent_at", "sent_by_id", "sent_to") '
        "SELECT \"id\", \"last_reminded_at\", NULL, '[]' FROM \"recipient\" "
        'WHERE "last_reminded_at" IS NOT NULL')


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "directive_reminder"')
