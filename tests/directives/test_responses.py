"""Issue 14: schools that act on a directive or receive it for information, acknowledgement
recorded by an officer on a school's behalf, and the school's response accepted or returned."""

import csv
import datetime as dt
import io

from district.directives import operations, queries, tallies
from district.models import (
    Acknowledgement,
    AuditEntry,
    Directive,
    Notification,
    Recipient,
    ResponseStep,
    Roster,
)

from .conftest import htmx
from .test_operations import PDF, pdf_upload


def receipt(directive, school):
    return Recipient.get((Recipient.directive == directive.id) & (Recipient.school == school.id))


def tracking_csv(client, directive, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    text = client.get(f"/directives/{directive.id}/tracking.csv?{query}").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def notified(user, kind):
    return Notification.select().where(Notification.user == user.id,
                                       Notification.kind == kind).count()


# --- To act, or for information ------------------------------------------------------------


def test_schools_of_a_level_receive_it_for_information_and_are_never_overdue(
        district, login_as, make_directive, today):
    directive = make_directive(info_levels=["thcs"], deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=5))
    assert receipt(directive, district.preschool).purpose == "act"
    assert receipt(directive, district.secondary).purpose == "info"
    fresh = Directive.get_by_id(directive.id)
    assert (fresh.recipient_count, fresh.info_count) == (1, 1)
    assert tallies.kept() == tallies.recounted()

    officer = login_as(district.officer)
    rows = tracking_csv(officer, directive)
    assert rows["MN-HOASEN"]["Hình thức nhận"] == "Thực hiện"
    assert rows["MN-HOASEN"]["Trạng thái"] == "Quá hạn"
    assert rows["THCS-NGUYENDU"]["Hình thức nhận"] == "Để biết"
    assert rows["THCS-NGUYENDU"]["Trạng thái"] == "Chưa đọc"  # past the deadline, not overdue
    counts = queries.state_counts(district.officer, Directive.get_by_id(directive.id))
    assert (counts["total"], counts["info"], counts["overdue"]) == (1, 1, 1)

    # The informed school's principal reads it: "informed", nothing to acknowledge.
    other = login_as(district.other_principal)
    page = other.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "để biết: đọc là đủ" in page and 'id="acknowledge"' not in page
    assert list(tracking_csv(officer, directive, purpose="info")) == ["THCS-NGUYENDU"]
    assert tracking_csv(officer, directive)["THCS-NGUYENDU"]["Trạng thái"] == "Để biết, đã đọc"
    assert Directive.get_by_id(directive.id).read_count == 0  # counts are of who acts
    assert tallies.kept() == tallies.recounted()
    refused = other.post(f"/directives/{directive.id}/acknowledge", headers=htmx())
    assert refused.status_code == 422
    assert "không cần xác nhận" in refused.get_data(as_text=True)
    assert receipt(directive, district.secondary).acknowledged_at is None

    tracking = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert 'id="count-info">1<' in tracking and "trường nhận để biết" in tracking
    detail = officer.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "<strong>0/1</strong>" in detail
    assert '<span id="detail-info">1 trường nhận để biết</span>' in detail


def test_an_informed_school_is_never_reminded(district, make_directive, today):
    directive = make_directive(info_levels=["thcs"], deadline=today - dt.timedelta(days=1),
                               issued_on=today - dt.timedelta(days=5))
    sent, _recent = operations.remind(district.officer, directive, overdue_only=True)
    assert sent == 1
    assert receipt(directive, district.secondary).reminders_count == 0
    assert notified(district.other_principal, "directive.reminder") == 0
    assert notified(district.principal, "directive.reminder") == 1
    # Still not done: the school that acts, never the informed one.
    assert [r.school_id for r in queries.reminder_candidates(directive)] == [
        district.preschool.id]


def test_the_home_badge_counts_an_informed_directive_until_it_is_opened(
        district, login_as, make_directive):
    directive = make_directive(info_levels=["thcs"])
    other = login_as(district.other_principal)
    assert queries.pending_count(district.other_principal) == 1
    home = other.get("/").get_data(as_text=True)
    assert "Gửi để biết: chỉ cần đọc" in home
    assert f'action="/directives/{directive.id}/acknowledge"' not in home
    other.get(f"/directives/{directive.id}")
    assert queries.pending_count(district.other_principal) == 0


def test_schools_named_by_code_receive_it_for_information(district, login_as, today):
    officer = login_as(district.officer)
    form = {"number": "9/PGDĐT", "title": "Về việc thông tin", "issued_on": today.isoformat(),
            "deadline": (today + dt.timedelta(days=5)).isoformat(), "response_kind": "ack",
            "audience_kind": "all", "action": "save"}
    refused = officer.post("/directives/new", data={**form, "info_codes": "thcs-nguyendu, XYZ-1"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Không có trường nào mang mã XYZ-1." in page
    assert "thcs-nguyendu, XYZ-1" in page  # what was typed stays
    assert Directive.select().count() == 0

    saved = officer.post("/directives/new", data={**form, "info_codes": "thcs-nguyendu"})
    assert saved.status_code == 302
    directive = Directive.get()
    assert directive.info_school_ids == [district.secondary.id]
    edit = officer.get(f"/directives/{directive.id}/edit").get_data(as_text=True)
    assert "THCS-NGUYENDU" in edit
    directive = operations.publish(district.officer, directive)
    assert receipt(directive, district.secondary).purpose == "info"
    assert receipt(directive, district.preschool).purpose == "act"


# --- On a school's behalf ------------------------------------------------------------------


def test_an_officer_records_an_acknowledgement_given_by_phone(district, login_as,
                                                               make_directive):
    directive = make_directive()
    officer = login_as(district.officer)
    url = f"/directives/{directive.id}/schools/{district.preschool.id}"
    page = officer.get(url).get_data(as_text=True)
    assert 'id="proxy-acknowledge"' in page

    missing = officer.post(f"{url}/acknowledge", data={"channel": "paper", "reason": " "},
                           headers=htmx())
    assert missing.status_code == 422
    assert "Hãy ghi lý do xác nhận thay" in missing.get_data(as_text=True)
    kept = '<input checked id="channel-1" name="channel" type="radio" value="paper">'
    assert kept in missing.get_data(as_text=True)
    assert receipt(directive, district.preschool).acknowledged_at is None

    done = officer.post(f"{url}/acknowledge", headers=htmx(), data={
        "channel": "phone", "reason": "Cô Lan xác nhận qua điện thoại, máy tính hỏng"})
    assert done.status_code == 200
    assert "Đã ghi nhận xác nhận thay nhà trường." in done.get_data(as_text=True)
    r = receipt(directive, district.preschool)
    assert r.ack_proxy and r.ack_channel == "phone" and r.acknowledged_by_id == district.officer.id
    assert Directive.get_by_id(directive.id).ack_count == 1
    assert tallies.kept() == tallies.recounted()
    assert Acknowledgement.get().proxy is True
    assert notified(district.principal, "directive.proxy_acknowledged") == 1
    assert AuditEntry.select().where(
        AuditEntry.action == "directive.acknowledge_for_school").count() == 1

    again = officer.post(f"{url}/acknowledge", headers=htmx(),
                         data={"channel": "phone", "reason": "lần nữa"})
    assert again.status_code == 422 and "đã xác nhận" in again.get_data(as_text=True)

    # Marked as such in the tracking, its export and the school's own page.
    tracking = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert "Phòng xác nhận thay" in tracking and "trường chưa xác nhận lại" in tracking
    row = tracking_csv(officer, directive)["MN-HOASEN"]
    assert row["Phòng xác nhận thay"] == "Có (qua điện thoại; trường chưa xác nhận lại)"
    assert row["Ghi chú"] == "Cô Lan xác nhận qua điện thoại, máy tính hỏng"

    principal = login_as(district.principal)
    own = principal.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "Phòng xác nhận thay" in own and 'id="confirm-proxy"' in own
    staff_page = login_as(district.staff).get(f"/directives/{directive.id}").get_data(
        as_text=True)
    assert "Phòng xác nhận thay" in staff_page and 'id="confirm-proxy"' not in staff_page
    confirmed = principal.post(f"/directives/{directive.id}/confirm-proxy", headers=htmx())
    assert confirmed.status_code == 200
    assert "Nhà trường đã xác nhận lại" in confirmed.get_data(as_text=True)
    assert receipt(directive, district.preschool).proxy_confirmed_by_id == district.principal.id
    row = tracking_csv(officer, directive)["MN-HOASEN"]
    assert row["Phòng xác nhận thay"].startswith("Có (qua điện thoại; trường đã xác nhận lại")


def test_only_officers_acknowledge_for_a_school(district, login_as, make_directive):
    directive = make_directive(info_levels=["thcs"])
    url = f"/directives/{directive.id}/schools/{district.preschool.id}"
    data = {"channel": "phone", "reason": "qua điện thoại"}
    for user in (district.admin, district.principal, district.staff, district.observer):
        client = login_as(user)
        assert client.post(f"{url}/acknowledge", data=data).status_code in (403, 404)
    assert login_as(district.principal).get(url).status_code == 404
    assert login_as(district.admin).get(url).status_code == 200  # reads, without the forms
    assert 'id="proxy-acknowledge"' not in login_as(district.admin).get(url).get_data(
        as_text=True)
    assert receipt(directive, district.preschool).acknowledged_at is None
    officer = login_as(district.officer)
    assert officer.get(f"/directives/{directive.id}/schools/999999").status_code == 404
    informed = officer.post(f"/directives/{directive.id}/schools/{district.secondary.id}"
                            "/acknowledge", data=data, headers=htmx())
    assert informed.status_code == 422 and "để biết" in informed.get_data(as_text=True)


# --- Responses reviewed --------------------------------------------------------------------


def test_a_report_is_returned_resubmitted_and_accepted(app, district, login_as,
                                                       make_directive):
    directive = make_directive(response_kind="report")
    with app.app_context():  # where stored files go
        operations.acknowledge(district.principal, directive, "", pdf_upload())
    assert receipt(directive, district.preschool).response_state == "submitted"
    officer = login_as(district.officer)
    url = f"/directives/{directive.id}/schools/{district.preschool.id}"

    no_comment = officer.post(f"{url}/review", data={"decision": "return", "comment": ""},
                              headers=htmx())
    assert no_comment.status_code == 422
    assert "Hãy ghi rõ nhà trường cần bổ sung" in no_comment.get_data(as_text=True)
    returned = officer.post(f"{url}/review", headers=htmx(), data={
        "decision": "return", "comment": "Thiếu số liệu tập huấn của học kỳ I."})
    assert returned.status_code == 200
    assert receipt(directive, district.preschool).response_state == "returned"
    assert notified(district.principal, "directive.response_returned") == 1
    counts = queries.state_counts(district.officer, Directive.get_by_id(directive.id))
    assert counts["responses"]["returned"] == 1 and counts["responses"]["waiting"] == 0
    assert list(tracking_csv(officer, directive, response="returned")) == ["MN-HOASEN"]
    assert tracking_csv(officer, directive, response="waiting") == {}
    assert 'id="detail-waiting"' not in officer.get(f"/directives/{directive.id}").get_data(
        as_text=True)

    principal = login_as(district.principal)
    page = principal.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert "Thiếu số liệu tập huấn của học kỳ I." in page and 'id="respond"' in page
    empty = principal.post(f"/directives/{directive.id}/respond", headers=htmx())
    assert empty.status_code == 422
    assert "yêu cầu nộp kèm văn bản báo cáo" in empty.get_data(as_text=True)
    again = principal.post(f"/directives/{directive.id}/respond", headers=htmx(),
                           content_type="multipart/form-data",
                           data={"report": (io.BytesIO(PDF), "bao-cao-bo-sung.pdf"),
                                 "note": "Đã bổ sung số liệu."})
    assert again.status_code == 200, again.get_data(as_text=True)
    r = receipt(directive, district.preschool)
    assert r.response_state == "resubmitted"
    assert notified(district.officer, "directive.response_resubmitted") == 1
    tracking = officer.get(f"/directives/{directive.id}/tracking").get_data(as_text=True)
    assert "bao-cao-bo-sung.pdf" in tracking and "Đã gửi lại, chờ xem xét" in tracking
    detail = officer.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert ">1 phản hồi chờ xem xét</a>" in detail

    accepted = officer.post(f"{url}/review", data={"decision": "accept"}, headers=htmx())
    assert accepted.status_code == 200
    assert receipt(directive, district.preschool).response_state == "accepted"
    assert notified(district.principal, "directive.response_accepted") == 1
    twice = officer.post(f"{url}/review", data={"decision": "return", "comment": "x"},
                         headers=htmx())
    assert twice.status_code == 422 and "không còn chờ xem xét" in twice.get_data(as_text=True)
    steps = [s.action for s in ResponseStep.select().order_by(ResponseStep.id)]
    assert steps == ["submitted", "returned", "resubmitted", "accepted"]
    page = officer.get(url).get_data(as_text=True)
    assert "Thiếu số liệu tập huấn của học kỳ I." in page and "Đã bổ sung số liệu." in page
    assert tracking_csv(officer, directive)["MN-HOASEN"]["Tình trạng phản hồi"] == "Đã chấp nhận"
    assert {e.action for e in AuditEntry.select()} >= {
        "directive.response_returned", "directive.respond", "directive.response_accepted"}


def test_a_returned_roster_must_change_before_it_is_sent_again(district, make_directive,
                                                               make_roster):
    roster = make_roster(district.preschool)
    directive = make_directive(response_kind="roster")
    operations.acknowledge(district.principal, directive)
    operations.review_response(district.officer, directive, district.preschool.id, False,
                               "Tổ thiếu đại diện cha mẹ học sinh.")
    try:
        operations.respond(district.principal, directive)
    except operations.DirectiveError as exc:
        assert "chưa thay đổi" in str(exc)
    else:
        raise AssertionError("the same roster was sent again")
    Roster.update(is_current=False).where(Roster.id == roster.id).execute()
    newer = Roster.create(school=district.preschool, version=2, submitted_by=district.principal,
                          rule_set="tt31", state="complete", is_current=True)
    r = operations.respond(district.principal, directive)
    assert (r.response_state, r.roster_id) == ("resubmitted", newer.id)


def test_after_an_acknowledgement_by_proxy_the_school_sends_its_response(
        app, district, make_directive):
    directive = make_directive(response_kind="report")
    operations.acknowledge_for_school(district.officer, directive, district.preschool.id,
                                      "paper", "Công văn giấy số 12 của trường")
    assert receipt(directive, district.preschool).response_state == ""
    assert queries.respond_blocker(district.principal, directive,
                                   receipt(directive, district.preschool)) is None
    with app.app_context():
        r = operations.respond(district.principal, directive, pdf_upload())
    assert r.response_state == "submitted" and r.response_file_id is not None


def test_a_revision_asking_to_acknowledge_again_clears_proxy_and_response(
        app, district, make_directive, today):
    directive = make_directive(response_kind="report")
    operations.acknowledge_for_school(district.officer, directive, district.preschool.id,
                                      "phone", "qua điện thoại")
    with app.app_context():
        operations.acknowledge(district.other_principal, directive, "", pdf_upload())
    data = {name: getattr(directive, name) for name in (
        "number", "title", "body", "signer", "issued_on", "deadline", "response_kind")}
    operations.revise(district.officer, directive, {**data, "deadline": today + dt.timedelta(
        days=20)}, "Gia hạn", True)
    for school in (district.preschool, district.secondary):
        r = receipt(directive, school)
        assert (r.acknowledged_at, r.ack_proxy, r.response_state) == (None, False, "")
    assert tallies.kept() == tallies.recounted()
