"""Changing an activity: what changed is kept (a revision and an audit entry), two edits of the
same version cannot both win (409, what was typed comes back), an edit that changes nothing
writes nothing, and a file taken off stays in the history."""

from district.models import (
    Activity,
    ActivityAttendee,
    ActivityFile,
    ActivityRevision,
    AuditEntry,
    StoredFile,
)
from tests.activities.conftest import form_data, upload
from tests.activities.test_forms import post


def edit_data(activity, **fields):
    data = form_data(kind=activity.kind, held_on=activity.held_on.isoformat(),
                     title=activity.title, hours="2", managers=str(activity.managers),
                     teachers=str(activity.teachers), employees=str(activity.employees),
                     summary=activity.summary, version=str(activity.version))
    data.update(fields)
    return data


def test_an_edit_keeps_what_changed_in_the_history_and_the_audit_log(
        district, login_as, make_activity, make_directive):
    directive = make_directive()
    activity = make_activity(district.principal, attendees=[{"user_id": district.staff.id}])
    client = login_as(district.principal)
    response = post(client, edit_data(activity, teachers="14", title="Quán triệt lần 2",
                                      directive_ids=str(directive.id),
                                      attendee_ids=str(district.staff2.id)),
                    url=f"/activities/{activity.id}/edit")
    assert response.status_code == 302
    activity = Activity.get_by_id(activity.id)
    assert (activity.version, activity.teachers, activity.title) == (2, 14, "Quán triệt lần 2")
    revision = ActivityRevision.get(ActivityRevision.version == 2)
    assert revision.changed_by_id == district.principal.id
    assert revision.changes["teachers"] == [10, 14]
    assert revision.changes["title"] == ["Quán triệt Chỉ thị 18/CT-TTg", "Quán triệt lần 2"]
    assert revision.changes["directives"] == {"added": [directive.number], "removed": []}
    assert revision.changes["attendees"] == {"added": [district.staff2.full_name],
                                             "removed": [district.staff.full_name]}
    entry = AuditEntry.get(AuditEntry.action == "activity.update")
    assert entry.target_id == str(activity.id) and entry.details["changes"] == revision.changes
    assert [a.user_id for a in ActivityAttendee.select()] == [district.staff2.id]
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    history = page.split('id="history"')[1]
    assert "Phiên bản 2" in history and "Phiên bản 1" in history
    assert "“10” → “14”" in history and district.staff2.full_name in history


def test_two_edits_of_one_version_cannot_both_win(district, login_as, make_activity):
    activity = make_activity(district.principal)
    client = login_as(district.principal)
    first = post(client, edit_data(activity, teachers="11"), url=f"/activities/{activity.id}/edit")
    assert first.status_code == 302
    second = post(client, edit_data(activity, teachers="9", summary="Ghi chú của người thứ hai"),
                  url=f"/activities/{activity.id}/edit")
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert 'id="activity-conflict"' in page and "Phiên bản 2" in page
    assert "Ghi chú của người thứ hai" in page and 'value="9"' in page
    # The retry carries the version it was shown, so sending it again wins, knowingly.
    assert 'name="version" value="2"' in page
    assert Activity.get_by_id(activity.id).teachers == 11
    assert ActivityRevision.select().count() == 2
    retry = post(client, edit_data(Activity.get_by_id(activity.id), teachers="9"),
                 url=f"/activities/{activity.id}/edit")
    assert retry.status_code == 302 and Activity.get_by_id(activity.id).teachers == 9


def test_an_edit_that_changes_nothing_writes_nothing(district, login_as, make_activity):
    activity = make_activity(district.principal)
    client = login_as(district.principal)
    audit = AuditEntry.select().count()
    response = post(client, edit_data(activity), url=f"/activities/{activity.id}/edit")
    assert response.status_code == 302
    assert Activity.get_by_id(activity.id).version == 1
    assert AuditEntry.select().count() == audit


def test_a_file_taken_off_stays_in_the_history(district, login_as, make_activity):
    activity = make_activity(district.principal, files={"attendance": [upload()]})
    sheet = ActivityFile.get()
    client = login_as(district.principal)
    response = post(client, edit_data(activity, remove_files=str(sheet.id)),
                    files=[("minutes", b"%PDF-1.4\n%\xe2\xe3\n", "bien-ban.pdf")],
                    url=f"/activities/{activity.id}/edit")
    assert response.status_code == 302
    assert ActivityFile.get_by_id(sheet.id).active is False
    assert StoredFile.select().count() == 2  # nothing deleted
    revision = ActivityRevision.get(ActivityRevision.version == 2)
    assert revision.changes["files_removed"] == ["danh-sach-ky-ten.pdf"]
    assert revision.changes["files_added"] == ["bien-ban.pdf"]
    url = f"/activities/{activity.id}/files/{sheet.id}"
    assert client.get(url).status_code == 404
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert url not in page and "danh-sach-ky-ten.pdf" in page.split('id="history"')[1]


def test_an_edit_with_bad_input_is_refused_and_changes_nothing(district, login_as,
                                                                make_activity):
    activity = make_activity(district.principal)
    response = post(login_as(district.principal), edit_data(activity, students="-5",
                                                            title="Tên mới"),
                    url=f"/activities/{activity.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Tên mới"' in page
    assert Activity.get_by_id(activity.id).version == 1
