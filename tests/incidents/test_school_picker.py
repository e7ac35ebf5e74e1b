"""An officer reporting an incident picks the school by typing its name (without accents) or
code: the form never lists every school (issue 10), and the picker works without JavaScript."""

from district.models import Incident

from .test_reporting import FORM


def radios(html):
    return html.count('type="radio" name="school_id"')


def test_the_report_form_lists_no_school_until_one_is_searched(district, login_as,
                                                               make_school):
    for n in range(1, 26):
        make_school(code=f"TH-TP{n}", name=f"Trường Tiểu học Tân Phú {n}")
    officer = login_as(district.officer)
    page = officer.get("/incidents/new").get_data(as_text=True)
    assert 'name="school_q"' in page and radios(page) == 0
    assert "Trường Tiểu học Tân Phú 1" not in page

    found = officer.get("/incidents/schools?school_q=hoa+sen",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert radios(found) == 1 and "Trường Mầm non Hoa Sen" in found
    by_code = officer.get("/incidents/schools?school_q=thcs-nguy").get_data(as_text=True)
    assert "Trường THCS Nguyễn Du" in by_code and radios(by_code) == 1
    many = officer.get("/incidents/schools?school_q=tan+phu").get_data(as_text=True)
    assert radios(many) == 20 and "Có 25 trường khớp; hãy gõ thêm để thu hẹp." in many
    none = officer.get("/incidents/schools?school_q=zzz").get_data(as_text=True)
    assert radios(none) == 0 and "Không có trường nào khớp “zzz”." in none


def test_without_javascript_the_search_sends_the_form_back_with_what_was_typed(
        district, login_as):
    officer = login_as(district.officer)
    answer = officer.post("/incidents/new", data={**FORM, "school_q": "nguyen du",
                                                  "find_school": "1"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and radios(page) == 1
    assert FORM["summary"] in page and Incident.select().count() == 0

    chosen = officer.post("/incidents/new", data={**FORM, "school_q": "nguyen du",
                                                  "school_id": str(district.secondary.id)})
    assert chosen.status_code == 302
    assert Incident.get().school_id == district.secondary.id


def test_a_report_without_a_school_is_refused_and_keeps_what_was_typed(district, login_as):
    answer = login_as(district.officer).post("/incidents/new", data={**FORM, "school_q": "hoa"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Chọn trường: gõ tên hoặc mã trường rồi chọn trong danh sách." in page
    assert FORM["description"] in page and 'value="hoa"' in page
    assert Incident.select().count() == 0


def test_only_officers_search_schools_to_report_for(district, login_as):
    for user in (district.principal, district.staff, district.observer, district.admin):
        assert login_as(user).get("/incidents/schools?school_q=hoa").status_code == 404
    page = login_as(district.principal).get("/incidents/new").get_data(as_text=True)
    assert 'name="school_q"' not in page and "Trường Mầm non Hoa Sen" in page
