"""Safe-school reviews (issue 13): criteria sets and their criteria, review rounds, one
submission per school and round, the answers, improvement actions, evidence files and the
history of each school's review.

New tables only; nothing on file changes.
"""
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def _tables(db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title(), (Model,), {"Meta": Meta, "__module__": __name__})

    user_t, school_t, directive_t, file_t = (
        table(n) for n in ("user", "school", "directive", "storedfile"))
    file_t._meta.table_name = "stored_file"

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class CriteriaSet(Base):
        code = CharField(max_length=40)
        version = IntegerField(default=1)
        name = CharField(max_length=300)
        legal_basis = CharField(max_length=300, default="")
        description = TextField(default="")
        levels = TextField()
        own_drafting = BooleanField(default=False)
        derived_from = ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("code", "version"), True),)

    class Criterion(Base):
        criteria_set = ForeignKeyField(CriteriaSet, on_delete="RESTRICT")
        group_code = CharField(max_length=16)
        group_title = CharField(max_length=300)
        code = CharField(max_length=16)
        text = TextField()
        legal_basis = CharField(max_length=300, default="")
        evidence = TextField(default="")
        position = IntegerField(default=0)

        class Meta:
            indexes = ((("criteria_set", "code"), True),)

    class ReviewRound(Base):
        title = CharField(max_length=300)
        title_search = CharField(max_length=400, default="")
        criteria_set = ForeignKeyField(CriteriaSet, on_delete="RESTRICT")
        audience_kind = CharField(max_length=16, default="all")
        audience_levels = TextField()
        audience_ownerships = TextField()
        audience_school_ids = TextField()
        deadline = DateField()
        directive = ForeignKeyField(directive_t, null=True, on_delete="RESTRICT")
        created_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        created_at = DateTimeField(index=True)
        status = CharField(max_length=16, default="open", index=True)
        school_count = IntegerField(default=0)
        not_started_count = IntegerField(default=0)
        draft_count = IntegerField(default=0)
        submitted_count = IntegerField(default=0)
        returned_count = IntegerField(default=0)
        accepted_count = IntegerField(default=0)
        reminders_count = IntegerField(default=0)
        last_reminded_at = DateTimeField(null=True)

    class ReviewSubmission(Base):
        review_round = ForeignKeyField(ReviewRound, on_delete="RESTRICT")
        school = ForeignKeyField(school_t, on_delete="RESTRICT")
        state = CharField(max_length=16, default="not_started")
        version = IntegerField(default=1)
        changed = BooleanField(default=False)
        started_at = DateTimeField(null=True)
        submitted_at = DateTimeField(null=True)
        submitted_by = ForeignKeyField(user_t, null=True, on_delete="RESTRICT")
        submissions = IntegerField(default=0)
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(user_t, null=True, on_delete="RESTRICT")
        updated_at = DateTimeField()
        reminders_count = IntegerField(default=0)
        last_reminded_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("review_round", "school"), True),
                (("review_round", "state"), False),
                (("school",), False),
            )

    class ReviewAnswer(Base):
        submission = ForeignKeyField(ReviewSubmission, on_delete="RESTRICT")
        criterion = ForeignKeyField(Criterion, on_delete="RESTRICT")
        verdict = CharField(max_length=16, default="")
        comment = TextField(default="")
        return_comment = TextField(default="")
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(user_t, null=True, on_delete="RESTRICT")

        class Meta:
            indexes = ((("submission", "criterion"), True),)

    class ReviewAction(Base):
        answer = ForeignKeyField(ReviewAnswer, unique=True, on_delete="RESTRICT")
        submission = ForeignKeyField(ReviewSubmission, on_delete="RESTRICT")
        what = TextField(default="")
        who = CharField(max_length=200, default="")
        due_on = DateField(null=True)
        closed_at = DateTimeField(null=True)
        closed_by = ForeignKeyField(user_t, null=True, on_delete="RESTRICT")
        closing_note = TextField(default="")
        closing_file = ForeignKeyField(file_t, null=True, on_delete="RESTRICT")

        class Meta:
            indexes = ((("submission",), False), (("closed_at", "due_on"), False))

    class ReviewEvidence(Base):
        answer = ForeignKeyField(ReviewAnswer, on_delete="RESTRICT")
        file = ForeignKeyField(file_t, unique=True, on_delete="RESTRICT")
        added_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        added_at = DateTimeField()
        active = BooleanField(default=True)

    class ReviewEvent(Base):
        submission = ForeignKeyField(ReviewSubmission, on_delete="RESTRICT")
        actor = ForeignKeyField(user_t, on_delete="RESTRICT")
        at = DateTimeField()
        kind = CharField(max_length=24)
        note = TextField(default="")
        details = TextField(null=True)

        class Meta:
            indexes = ((("submission", "at"), False),)

    return [CriteriaSet, Criterion, ReviewRound, ReviewSubmission, ReviewAnswer, ReviewAction,
            ReviewEvidence, ReviewEvent]


def up(migrator, db):
    db.create_tables(_tables(db))


def down(migrator, db):
    for model in reversed(_tables(db)):
        db.execute_sql(f'DROP TABLE IF EXISTS "{model._meta.table_name}"')
