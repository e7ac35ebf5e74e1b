"""The office's view of a round: schools by criteria groups coloured by the share met, the
weakest criteria, schools not submitted, open actions past their date, filters, the XLSX of
the whole matrix; the observer and the admin read figures only."""

import datetime as dt
import io

import openpyxl

from district import clock
from district.models import AuditEntry, ReviewAction
from district.reviews import operations
from tests.reviews.conftest import criteria_of, fresh, submission_of


def _submitted(run, answer_all, district, review_round, school, principal, **kwargs):
    submission = answer_all(principal, submission_of(review_round, school), **kwargs)
    run(operations.submit, principal, submission, submission.version)
    return fresh(submission)


def test_the_matrix_colours_each_group_by_its_share_met(district, login_as, make_round, run,
                                                        answer_all):
    review_round = make_round()
    rows = criteria_of(review_round)
    a_codes = [c.code for c in rows if c.group_code == "A"]
    _submitted(run, answer_all, district, review_round, district.preschool, district.principal,
               action_for=a_codes)  # group A: nothing met
    page = login_as(district.officer).get(f"/reviews/{review_round.id}").get_data(as_text=True)
    row = page.split(f'id="school-{district.preschool.id}"')[1].split("</tr>")[0]
    assert 'data-group="A"><span class="state state-bad">0%' in row
    assert 'data-group="B"><span class="state state-ok">100%' in row
    other = page.split(f'id="school-{district.secondary.id}"')[1].split("</tr>")[0]
    assert 'data-group="A">—' in other and "Chưa bắt đầu" in other
    weakest = page.split('id="weakest"')[1].split("</ol>")[0]
    assert f"<strong>{a_codes[0]}</strong>" in weakest and "1/1 trường" in weakest
    not_submitted = page.split('id="not-submitted"')[1].split("</ul>")[0]
    assert district.secondary.name in not_submitted
    assert district.preschool.name not in not_submitted
    assert 'id="count-submitted">1<' in page


def test_filters_narrow_the_matrix(district, login_as, make_round, run, answer_all):
    review_round = make_round()
    _submitted(run, answer_all, district, review_round, district.preschool, district.principal)
    client = login_as(district.officer)
    for query, shown, hidden in [("state=submitted", district.preschool, district.secondary),
                                 ("level=thcs", district.secondary, district.preschool),
                                 ("q=hoa+sen", district.preschool, district.secondary),
                                 ("ownership=cong_lap&state=not_started", district.secondary,
                                  district.preschool)]:
        response = client.get(f"/reviews/{review_round.id}?{query}",
                              headers={"HX-Request": "true"})
        body = response.get_data(as_text=True)
        assert f'id="school-{shown.id}"' in body, query
        assert f'id="school-{hidden.id}"' not in body, query
        assert "<html" not in body


def test_open_actions_past_their_date_are_listed(district, login_as, make_round, run,
                                                 answer_all):
    review_round = make_round()
    code = criteria_of(review_round)[0].code
    submission = _submitted(run, answer_all, district, review_round, district.preschool,
                            district.principal, action_for=(code,))
    ReviewAction.update(due_on=clock.today() - dt.timedelta(days=2)).where(
        ReviewAction.submission == submission.id).execute()
    page = login_as(district.officer).get(f"/reviews/{review_round.id}").get_data(as_text=True)
    assert "1 biện pháp quá hạn chưa hoàn thành" in page
    listed = page.split('id="overdue-actions"')[1].split("</ul>")[0]
    assert district.preschool.name in listed and code in listed


def test_the_export_holds_the_whole_matrix(district, login_as, make_round, run, answer_all):
    review_round = make_round()
    rows = criteria_of(review_round)
    _submitted(run, answer_all, district, review_round, district.preschool, district.principal,
               action_for=(rows[0].code,))
    response = login_as(district.officer).get(f"/reviews/{review_round.id}/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    table = list(sheet.iter_rows(values_only=True))
    header = table[0]
    assert header[:2] == ("Mã trường", "Tên trường")
    assert "Nhóm A: tỉ lệ đạt (%)" in header and rows[0].code in header
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in table[1:]}
    assert set(by_code) == {"MN-HOASEN", "THCS-NGUYENDU"}
    hoasen = by_code["MN-HOASEN"]
    assert hoasen["Trạng thái"] == "Đã nộp, chờ Phòng xem"
    assert hoasen[rows[0].code] == "Chưa đạt" and hoasen[rows[1].code] == "Đạt"
    assert hoasen["Nhóm D: tỉ lệ đạt (%)"] == 100
    assert hoasen["Biện pháp khắc phục còn mở"] == 1
    assert by_code["THCS-NGUYENDU"]["Trạng thái"] == "Chưa bắt đầu"
    assert AuditEntry.select().where(AuditEntry.action == "review.export").count() == 1


def test_the_observer_and_the_admin_read_figures_only(district, login_as, make_round, run,
                                                      answer_all):
    review_round = make_round()
    _submitted(run, answer_all, district, review_round, district.preschool, district.principal)
    for user in (district.observer, district.admin):
        client = login_as(user)
        page = client.get(f"/reviews/{review_round.id}").get_data(as_text=True)
        assert 'id="group-shares"' in page and "100%" in page
        assert 'id="count-submitted">1<' in page
        assert district.preschool.name not in page and "Nhận xét" not in page
        assert 'id="matrix"' not in page
        assert client.get(f"/reviews/{review_round.id}/export.xlsx").status_code == 404


def test_the_officer_reminds_the_schools_still_to_act(district, login_as, make_round, run,
                                                      answer_all):
    from district.models import Notification, ReviewRound, ReviewSubmission

    review_round = make_round()
    _submitted(run, answer_all, district, review_round, district.preschool, district.principal)
    client = login_as(district.officer)
    assert 'id="remind-schools"' in client.get(f"/reviews/{review_round.id}").get_data(
        as_text=True)
    response = client.post(f"/reviews/{review_round.id}/remind")
    assert response.status_code == 302
    reminded = Notification.select().where(Notification.kind == "review.reminder")
    assert [n.user_id for n in reminded] == [district.other_principal.id]
    assert ReviewSubmission.get(ReviewSubmission.school == district.secondary.id
                                ).reminders_count == 1
    assert ReviewRound.get_by_id(review_round.id).reminders_count == 1
    page = client.get(f"/reviews/{review_round.id}").get_data(as_text=True)
    assert "Đã nhắc 1 trường chưa nộp." in page and 'id="round-reminders"' in page
    for user in (district.principal, district.observer, district.admin):
        assert login_as(user).post(f"/reviews/{review_round.id}/remind").status_code == 404


def test_the_round_names_the_directive_it_answers(district, login_as, make_round):
    from district.directives import operations as directive_operations

    directive = directive_operations.publish(district.officer, directive_operations.create_draft(
        district.officer, {"number": "1256/PGDĐT-CTHSSV", "title": "Về việc rà soát",
                           "body": "", "signer": "", "issued_on": clock.today(),
                           "deadline": clock.today() + dt.timedelta(days=5),
                           "response_kind": "review", "audience_kind": "all"}))
    review_round = make_round(directive_id=directive.id)
    page = login_as(district.officer).get(f"/reviews/{review_round.id}").get_data(as_text=True)
    assert "1256/PGDĐT-CTHSSV" in page.split('id="round-directive"')[1].split("</dd>")[0]
    page = login_as(district.observer).get(f"/reviews/{review_round.id}").get_data(as_text=True)
    assert "1256/PGDĐT-CTHSSV" not in page
