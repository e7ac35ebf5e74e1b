"""The officers' list of schools (/schools/): figures per school, sorting, filtering, paging."""

import re

from district.models import School


def names_in(page):
    """The schools' names in the order the table lists them."""
    return re.findall(r'<tr id="school-\d+">\s*<td><a href="/schools/\d+">([^<]+)</a>', page)


def row_of(page, school):
    found = re.search(rf'<tr id="school-{school.id}">(.*?)</tr>', page, re.S)
    assert found, school.name
    return found.group(1)


def cell(row, column):
    found = re.search(rf'data-col="{column}">(.*?)</td>', row, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_each_row_shows_the_schools_figures_and_links_its_page(district, login_as, history):
    page = get(login_as(district.officer), "/schools/")
    pre, sec = row_of(page, district.preschool), row_of(page, district.secondary)
    assert f'href="/schools/{district.preschool.id}"' in pre
    # Kept counts: the preschool acknowledged 1 of 3, the secondary school 1 of 3.
    assert cell(pre, "rate") == "33% (1/3)"
    assert cell(pre, "overdue") == "1"
    assert cell(sec, "overdue") == "0"
    assert cell(pre, "roster") == "Đầy đủ"
    assert cell(sec, "roster") == "Chưa có"
    assert cell(pre, "activities") == "2"
    assert cell(pre, "incidents") == "2"
    assert cell(sec, "incidents") == "1"
    assert f'href="/incidents/?school={district.secondary.id}"' in sec


def test_sorting_by_each_figure(district, login_as, history, make_school):
    make_school(name="Trường Tiểu học An Bình", code="TH-ANBINH")
    client = login_as(district.officer)
    assert names_in(get(client, "/schools/")) == [
        "Trường Mầm non Hoa Sen", "Trường THCS Nguyễn Du", "Trường Tiểu học An Bình"]
    assert names_in(get(client, "/schools/?sort=name&dir=desc"))[0] == "Trường Tiểu học An Bình"
    assert names_in(get(client, "/schools/?sort=overdue&dir=desc"))[0] == (
        "Trường Mầm non Hoa Sen")
    assert names_in(get(client, "/schools/?sort=incidents&dir=desc"))[:2] == [
        "Trường Mầm non Hoa Sen", "Trường THCS Nguyễn Du"]
    assert names_in(get(client, "/schools/?sort=activities"))[-1] == "Trường Mầm non Hoa Sen"
    assert names_in(get(client, "/schools/?sort=roster&dir=desc"))[0] == "Trường Mầm non Hoa Sen"
    # No receipt yet: no rate, listed last either way.
    assert names_in(get(client, "/schools/?sort=rate"))[-1] == "Trường Tiểu học An Bình"
    page = get(client, "/schools/?sort=incidents&dir=desc")
    assert 'aria-sort="descending"' in page


def test_filtering_by_each_figure_and_by_the_school(district, login_as, history, make_school):
    make_school(name="Trường Tiểu học Tư thục Ánh Dương", code="TH-ANHDUONG",
                ownership="tu_thuc", commune="Phường Hòa Bình")
    client = login_as(district.officer)
    assert names_in(get(client, "/schools/?attention=overdue")) == ["Trường Mầm non Hoa Sen"]
    assert "Trường Mầm non Hoa Sen" not in names_in(get(client, "/schools/?attention=no_roster"))
    assert names_in(get(client, "/schools/?attention=no_activity")) == [
        "Trường THCS Nguyễn Du", "Trường Tiểu học Tư thục Ánh Dương"]
    assert names_in(get(client, "/schools/?attention=open_incidents")) == [
        "Trường Mầm non Hoa Sen", "Trường THCS Nguyễn Du"]
    assert names_in(get(client, "/schools/?roster=complete")) == ["Trường Mầm non Hoa Sen"]
    assert names_in(get(client, "/schools/?level=thcs")) == ["Trường THCS Nguyễn Du"]
    assert names_in(get(client, "/schools/?ownership=tu_thuc")) == [
        "Trường Tiểu học Tư thục Ánh Dương"]
    assert names_in(get(client, "/schools/?commune=Phường Hòa Bình")) == [
        "Trường Tiểu học Tư thục Ánh Dương"]
    assert names_in(get(client, "/schools/?q=anh duong")) == ["Trường Tiểu học Tư thục Ánh Dương"]
    assert names_in(get(client, "/schools/?q=THCS-NGUYENDU")) == ["Trường THCS Nguyễn Du"]
    assert "Không có trường nào khớp." in get(client, "/schools/?q=khong co truong nay")


def test_the_review_state_of_the_latest_round(district, login_as, accepted_review):
    accepted_review()
    client = login_as(district.officer)
    page = get(client, "/schools/")
    assert cell(row_of(page, district.preschool), "review") == "Đã được chấp nhận"
    assert cell(row_of(page, district.secondary), "review") == "Chưa bắt đầu"
    assert names_in(get(client, "/schools/?attention=review_pending")) == [
        "Trường THCS Nguyễn Du"]
    assert names_in(get(client, "/schools/?sort=review&dir=desc"))[0] == "Trường Mầm non Hoa Sen"


def test_an_htmx_filter_gets_the_table_alone(district, login_as):
    response = login_as(district.officer).get("/schools/?level=mam_non",
                                              headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert names_in(body) == ["Trường Mầm non Hoa Sen"]


def test_paging_and_inactive_schools(app, district, login_as, make_school):
    app.config["PAGE_SIZE"] = 5
    for n in range(9):
        make_school(name=f"Trường Tiểu học Số {n + 1:02d}", code=f"TH-{n:02d}")
    School.update(active=False).where(School.id == district.secondary.id).execute()
    client = login_as(district.officer)
    first, second = get(client, "/schools/"), get(client, "/schools/?page=2")
    assert len(names_in(first)) == 5 and len(names_in(second)) == 5
    assert "Trường THCS Nguyễn Du" not in first + second
    assert "10 trường khớp" in first
    assert 'href="/schools/?page=2"' in first
    assert client.get("/schools/?page=3").status_code == 404
    assert "sort=name" in get(client, "/schools/?sort=name&page=2")


def test_bad_filters_are_ignored(district, login_as):
    page = get(login_as(district.officer),
               "/schools/?level=x&ownership=%00&roster=zz&attention=drop&sort=1;&dir=up")
    assert len(names_in(page)) == 2
