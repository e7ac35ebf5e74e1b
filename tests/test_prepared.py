"""db.Prepared: a per-request query whose SQL is built once answers exactly as the query built
each time, for every value put in its places."""

from district import clock
from district.db import Prepared, database, is_postgres
from district.models import Notification, User
from district.notifications.operations import notify
from district.security import SIGNED_IN_USER, _signed_in_user


def test_the_signed_in_user_is_found_as_the_built_query_finds_it(district, make_user):
    for user in (district.officer, district.principal, district.staff2):
        found = SIGNED_IN_USER.first(user_id=user.id, version=user.session_version, link="/")
        assert found.id == user.id and found.username == user.username
        assert _signed_in_user(user.id, user.session_version, "/").get().id == user.id
    # A bumped session version, an inactive account or school: nobody.
    assert SIGNED_IN_USER.first(user_id=district.officer.id, version=99, link="/") is None
    User.update(active=False).where(User.id == district.staff.id).execute()
    assert SIGNED_IN_USER.first(user_id=district.staff.id, version=1, link="/") is None
    district.secondary.active = False
    district.secondary.save()
    assert SIGNED_IN_USER.first(user_id=district.other_principal.id, version=1,
                                link="/") is None


def test_the_signed_in_user_comes_with_their_unread_notifications(district):
    """The bell's count and those of the page opened come in the same statement: the user's own
    unread notifications only."""
    notify([district.principal], "test", "Một", "/directives/1")
    notify([district.principal, district.officer], "test", "Hai", "/directives/1")
    notify([district.principal], "test", "Ba", "/incidents/")
    Notification.update(read_at=clock.utcnow()).where(Notification.message == "Ba").execute()
    for user, link, counts in ((district.principal, "/directives/1", (2, 2)),
                               (district.principal, "/incidents/", (2, 0)),
                               (district.officer, "/directives/1", (1, 1)),
                               (district.staff, "/directives/1", (0, 0))):
        found = SIGNED_IN_USER.first(user_id=user.id, version=user.session_version, link=link)
        assert (found.unread_total, found.unread_link) == counts


def test_values_take_the_places_of_their_sentinels_only(district):
    prepared = Prepared(lambda name, role: User.select().where(User.username == name,
                                                             User.role == role),
                        name="\x00n\x00", role="\x00r\x00")
    rows = list(prepared.rows(name="lanhdao", role="observer"))
    assert len(rows) == 1
    assert list(prepared.rows(name="lanhdao", role="officer")) == []


def test_a_statement_planned_with_its_values_is_not_prepared_on_the_server(district):
    """server_side=False: the same rows, its SQL built once, and (on PostgreSQL) no statement
    prepared on the connection, so the server plans it with the values of each run."""
    def build(name):
        return User.select(User.username).where(User.username == name)

    planned = Prepared(build, server_side=False, name="\x00n\x00")
    prepared = Prepared(build, name="\x00n\x00")
    for name in ("lanhdao", "chuyenvien1", "nobody"):
        assert list(planned.rows(name=name)) == list(prepared.rows(name=name)) == (
            [(name,)] if name != "nobody" else [])
    if is_postgres():
        names = {n for (n,) in database.execute_sql("SELECT name FROM pg_prepared_statements")}
        assert prepared.name in names and planned.name not in names


def test_a_list_counts_its_rows_without_sorting_them(district):
    """PreparedList's count: the rows of its query up to the cap, whatever their order, and
    with no ORDER BY for the database to carry out on rows it only counts."""
    from district.db import PreparedList

    def build(role):
        return User.select(User.id).where(User.role == role).order_by(User.full_name.desc())

    rows, count = PreparedList.statements(build, role="\x00r\x00")
    listed = PreparedList(rows, count, role="principal")
    every = list(User.select().where(User.role == "principal"))
    assert listed.count() == len(every) > 1
    assert listed.limit(1).count() == 1
    assert [u.id for u in listed.paginate(1, 50)] == [u.id for u in build("principal")]
    assert "ORDER BY" not in count._compiled()[1].upper()
