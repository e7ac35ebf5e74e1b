"""Ids typed into URLs and forms: a number too large to be a row, or no number at all, is
answered 404 or refused with a message, never a 500 (SQLite's integers overflow past 2**63)."""

import datetime as dt

import pytest

from district.models import Directive, Recipient

HUGE = "99999999999999999999"


@pytest.fixture
def published(district):
    from district.directives import operations

    return operations.publish(district.officer, operations.create_draft(district.officer, {
        "number": "7/PGDĐT", "title": "Về việc thử", "body": "Nội dung.", "signer": "A",
        "issued_on": dt.date(2026, 11, 1),
        "deadline": dt.date(2026, 11, 10), "response_kind": "ack",
        "audience_kind": "all"}))


@pytest.mark.parametrize("url", [
    f"/directives/{HUGE}", f"/directives/1/files/{HUGE}", f"/rosters/versions/{HUGE}",
    f"/rosters/members/{HUGE}", f"/rosters/schools/{HUGE}", f"/admin/schools/{HUGE}",
    f"/admin/users/{HUGE}", f"/incidents/{HUGE}", f"/directives/{HUGE}/tracking",
])
def test_a_huge_id_in_the_address_is_not_found(district, login_as, url):
    role = "admin" if url.startswith("/admin") else "officer"
    assert login_as(district.by_role[role]).get(url).status_code == 404


def test_a_huge_notification_id_is_not_found(district, login_as):
    response = login_as(district.principal).post(f"/notifications/{HUGE}/read")
    assert response.status_code == 404


def test_reminding_a_school_by_a_huge_id_reminds_nobody(district, login_as, published):
    client = login_as(district.officer)
    response = client.post(f"/directives/{published.id}/remind", data={"school_id": HUGE})
    assert response.status_code < 500
    assert not Recipient.select().where(Recipient.reminders_count > 0).exists()


@pytest.mark.parametrize("file_id", ["²", HUGE, "abc", ""])
def test_confirming_an_upload_with_a_bad_file_id_is_refused(district, login_as, file_id):
    response = login_as(district.principal).post(
        "/rosters/upload/confirm", data={"file_id": file_id, "version": "0"})
    assert response.status_code == 400


def test_a_directive_form_with_a_bad_version_is_a_conflict_not_an_error(
        district, login_as):
    from district.directives import operations

    draft = operations.create_draft(district.officer, {
        "number": "8/PGDĐT", "title": "Về việc thử", "body": "Nội dung.", "signer": "A",
        "issued_on": dt.date(2026, 11, 1),
        "deadline": dt.date(2026, 12, 10), "response_kind": "ack",
        "audience_kind": "all"})
    response = login_as(district.officer).post(f"/directives/{draft.id}/edit", data={
        "number": "8/PGDĐT", "title": "Tiêu đề mới", "body": "Nội dung.", "signer": "A",
        "issued_on": "2026-11-01", "deadline": "2026-12-10", "response_kind": "ack",
        "audience_kind": "all", "version": "abc"})
    assert response.status_code == 409
    assert Directive.get_by_id(draft.id).title == "Về việc thử"


@pytest.mark.parametrize("typed", ["abc", HUGE, "-1"])
def test_unknown_schools_chosen_for_a_directive_are_dropped(district, login_as, typed):
    client = login_as(district.officer)
    response = client.post("/directives/new", data={
        "number": "9/PGDĐT", "title": "Về việc chọn trường", "body": "Nội dung.", "signer": "A",
        "issued_on": "2026-11-01", "deadline": "2026-12-10", "response_kind": "ack",
        "audience_kind": "list",
        "audience_school_ids": [typed, str(district.preschool.id)]})
    assert response.status_code in (302, 303)
    draft = Directive.get(Directive.number == "9/PGDĐT")
    assert draft.audience_school_ids == [district.preschool.id]
    assert client.get(f"/directives/{draft.id}").status_code == 200
