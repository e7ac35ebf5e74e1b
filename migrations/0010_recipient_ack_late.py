"""Directives: remember on the recipient whether its current acknowledgement came after the
deadline, so the derived state (acknowledged / acknowledged_late) is one CASE expression in SQL."""
from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("recipient", "ack_late", BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("recipient", "ack_late"))
