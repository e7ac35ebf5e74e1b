"""Confirming an upload: once only (even two at once), never over a newer version, and only a
file this principal uploaded as a roster preview for this school."""

import threading

from district.db import database
from district.files import store_bytes
from district.models import Roster, StoredFile
from district.rosters import members, operations, queries

from .conftest import member
from .files import csv_bytes
from .test_upload import upload


def _preview(client):
    response = upload(client, csv_bytes(), "a.csv")
    assert response.status_code == 200, response.data[:2000]
    page = response.get_data(as_text=True)
    assert 'name="version"' in page
    return StoredFile.select().order_by(StoredFile.id.desc()).first()


def test_the_confirm_form_carries_the_version_seen_at_preview(app, login_as, district,
                                                              save_roster):
    save_roster(district.preschool, district.principal)
    client = login_as(district.principal)
    page = upload(client, csv_bytes(), "a.csv").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page


def test_confirm_after_an_edit_is_refused_and_keeps_the_edit(app, login_as, district,
                                                            save_roster):
    save_roster(district.preschool, district.principal)
    client = login_as(district.principal)
    stored = _preview(client)
    # While the preview is open, the roster is edited in place (version 2).
    operations.add_member(district.principal, district.preschool,
                        member("Đỗ Văn Mới", group="other"), expected_version=1)
    response = client.post("/rosters/upload/confirm",
                           data={"file_id": str(stored.id), "version": "1"})
    assert response.status_code == 409
    assert "đã thay đổi kể từ khi bạn xem trước" in response.get_data(as_text=True)
    roster = queries.current_roster(district.preschool.id)
    assert roster.version == 2
    assert "Đỗ Văn Mới" in [m.full_name for m in queries.members_of(roster)]
    assert not Roster.select().where(Roster.source_file == stored.id).exists()


def test_confirming_twice_makes_one_version(app, login_as, district):
    client = login_as(district.principal)
    stored = _preview(client)
    data = {"file_id": str(stored.id), "version": "0"}
    assert client.post("/rosters/upload/confirm", data=data).status_code == 302
    again = client.post("/rosters/upload/confirm", data=data)
    assert again.status_code == 409
    assert "Tệp này đã được xác nhận rồi." in again.get_data(as_text=True)
    # Even with the version that is now current: the file makes one version only.
    again = client.post("/rosters/upload/confirm", data=data | {"version": "1"})
    assert again.status_code == 409
    assert Roster.select().count() == 1


def test_two_confirmations_at_once_make_one_version(app, login_as, district):
    client = login_as(district.principal)
    stored = _preview(client)
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm():
        with app.app_context():
            database.connect(reuse_if_open=True)
            try:
                barrier.wait()
                operations.confirm_upload(district.principal, district.preschool, stored.id, 0)
                outcomes.append("saved")
            except members.StaleRoster as exc:
                outcomes.append(str(exc))
            finally:
                database.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["Tệp này đã được xác nhận rồi.", "saved"], outcomes
    assert Roster.select().count() == 1
    assert Roster.get().source_file_id == stored.id


def test_the_database_refuses_a_second_roster_from_one_file(app, district, save_roster):
    import pytest
    from peewee import IntegrityError

    with app.app_context():
        stored = store_bytes(csv_bytes(), "a.csv", "text/csv", district.principal)
    save_roster(district.preschool, district.principal, source_file=stored)
    with pytest.raises(IntegrityError), database.atomic():
        Roster.create(school=district.preschool, version=7, submitted_by=district.principal,
                      source_file=stored, rule_set="x", state="complete")


def test_only_a_roster_preview_of_this_school_is_accepted(app, login_as, district):
    client = login_as(district.principal)
    # A file the principal stored some other way (not a roster preview).
    with app.app_context():
        other_file = store_bytes(csv_bytes(), "a.csv", "text/csv", district.principal)
    response = client.post("/rosters/upload/confirm",
                           data={"file_id": str(other_file.id), "version": "0"},
                           follow_redirects=True)
    assert "Không tìm thấy tệp đã xem trước" in response.get_data(as_text=True)
    # A roster preview made for another school does not become this school's roster.
    stored = _preview(client)
    try:
        operations.confirm_upload(district.principal, district.secondary, stored.id, 0)
    except members.RosterError as exc:
        assert "Không tìm thấy tệp đã xem trước" in str(exc)
    else:
        raise AssertionError("confirmed a preview of another school")
    assert Roster.select().count() == 0


def test_confirm_without_the_version_is_a_bad_request(app, login_as, district):
    client = login_as(district.principal)
    stored = _preview(client)
    assert client.post("/rosters/upload/confirm",
                       data={"file_id": str(stored.id)}).status_code == 400
    assert Roster.select().count() == 0
