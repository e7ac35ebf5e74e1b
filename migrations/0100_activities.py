"""Activities: dissemination and training activities of the schools and the office (activity),
the directives each carries out (activity_directive), the people named as attending
(activity_attendee), their minutes and signed attendance sheets (activity_file), every edit
(activity_revision), and each school's head counts per school year (staff_count).

New tables only; nothing on file changes.
"""
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
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

    school_t, user_t, file_t, directive_t = (
        table(n) for n in ("school", "user", "stored_file", "directive"))

    class Activity(Model):
        school = ForeignKeyField(school_t, null=True, on_delete="RESTRICT")
        kind = CharField(max_length=16)
        held_on = DateField()
        school_year = IntegerField()
        title = CharField(max_length=300)
        title_search = CharField(max_length=400, default="")
        presenter = CharField(max_length=16)
        presenter_name = CharField(max_length=200, default="")
        sessions = IntegerField(default=1)
        hours = DoubleField(default=0)
        managers = IntegerField(default=0)
        teachers = IntegerField(default=0)
        employees = IntegerField(default=0)
        parents = IntegerField(default=0)
        students = IntegerField(default=0)
        counseling = BooleanField(default=False)
        summary = TextField(default="")
        created_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        created_at = DateTimeField()
        updated_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "activity"
            indexes = (
                (("school", "school_year", "kind"), False),
                (("school_year", "held_on"), False),
            )

    class ActivityDirective(Model):
        activity = ForeignKeyField(Activity, on_delete="RESTRICT")
        directive = ForeignKeyField(directive_t, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "activity_directive"
            indexes = ((("activity", "directive"), True),)

    class ActivityAttendee(Model):
        activity = ForeignKeyField(Activity, on_delete="RESTRICT")
        school = ForeignKeyField(school_t, on_delete="RESTRICT")
        user = ForeignKeyField(user_t, null=True, on_delete="RESTRICT")
        full_name = CharField(max_length=150)
        name_search = CharField(max_length=150, default="")

        class Meta:
            database = db
            table_name = "activity_attendee"
            indexes = ((("school", "name_search"), False),)

    class ActivityFile(Model):
        activity = ForeignKeyField(Activity, on_delete="RESTRICT")
        file = ForeignKeyField(file_t, unique=True, on_delete="RESTRICT")
        kind = CharField(max_length=16)
        active = BooleanField(default=True)
        added_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        added_at = DateTimeField()

        class Meta:
            database = db
            table_name = "activity_file"

    class ActivityRevision(Model):
        activity = ForeignKeyField(Activity, on_delete="RESTRICT")
        version = IntegerField()
        changed_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        changed_at = DateTimeField()
        changes = TextField(null=True)

        class Meta:
            database = db
            table_name = "activity_revision"
            indexes = ((("activity", "version"), True),)

    class StaffCount(Model):
        school = ForeignKeyField(school_t, on_delete="RESTRICT")
        school_year = IntegerField()
        managers = IntegerField(default=0)
        teachers = IntegerField(default=0)
        employees = IntegerField(default=0)
        updated_by = ForeignKeyField(user_t, on_delete="RESTRICT")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "staff_count"
            indexes = ((("school", "school_year"), True),)

    db.create_tables([Activity, ActivityDirective, ActivityAttendee, ActivityFile,
                      ActivityRevision, StaffCount])


def down(migrator, db):
    for name in ("staff_count", "activity_revision", "activity_file", "activity_attendee",
                 "activity_directive", "activity"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{name}"')
