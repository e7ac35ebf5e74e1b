"""Accounts: requests to grant or take the officer role and to reset an officer's password,
applied only when an officer approves (account_request); wrong passwords counted per client
address and typed name (login_throttle) instead of per account; the rate limiter's counters in
the database, shared by every worker (rate_limit_counter).

The old per-account counters (user.failed_logins, user.locked_until) stay, unused.
"""
from peewee import (
    CharField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class AccountRequest(Model):
        kind = CharField(max_length=16)
        user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        username = CharField(max_length=80)
        details = TextField(null=True)
        requested_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        requested_at = DateTimeField()
        state = CharField(max_length=16, default="pending", index=True)
        decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        decided_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "account_request"

    class LoginThrottle(Model):
        ip = CharField(max_length=64)
        name_hash = CharField(max_length=64)
        failures = IntegerField(default=0)
        last_failure_at = DateTimeField()
        locked_until = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "login_throttle"
            indexes = ((("ip", "name_hash"), True),)

    class RateLimitCounter(Model):
        key = CharField(max_length=255, unique=True)
        count = IntegerField(default=0)
        expires_at = DoubleField(index=True)

        class Meta:
            database = db
            table_name = "rate_limit_counter"

    db.create_tables([AccountRequest, LoginThrottle, RateLimitCounter])


def down(migrator, db):
    for table in ("rate_limit_counter", "login_throttle", "account_request"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
