"""The school chooser of the directive form: search by name without accents, filters by level,
ownership and commune, at most a hundred results with 3,000 schools, "select all N matching",
chips and their count, the audience preview, posting with and without JavaScript, who may use it
and what bad input gets."""

import datetime as dt
import re

import pytest

from district.admin.values import school_values
from district.directives.forms import MAX_CHOSEN
from district.directives.queries import CHIPS_SHOWN, CHOOSER_LIMIT
from district.models import Directive, Recipient, School

from .conftest import htmx

SCHOOLS = "/directives/schools"
CHOOSE = "/directives/schools/choose"


def many_schools(n, **fields):
    """`n` active primary schools of Xã Hòa Bình, added in one statement per 500."""
    rows = [school_values({"code": f"TH-{i:04d}", "name": f"Trường Tiểu học Hòa Bình {i:04d}",
                           "level": "tieu_hoc", "ownership": "cong_lap",
                           "commune": "Xã Hòa Bình", **fields}) for i in range(1, n + 1)]
    for start in range(0, n, 500):
        School.insert_many(rows[start:start + 500]).execute()


def picks(html):
    """The names of the schools offered as checkboxes in a chooser answer, in order."""
    return re.findall(r'data-chooser-pick data-name="([^"]+)"', html)


def chips(html):
    """The ids carried by the chips: one per chip, then those of "and N more"."""
    single = re.findall(r'name="audience_school_ids" value="(\d+)" checked data-chip>', html)
    more = re.findall(r'value="([\d,]+)" checked data-chip-more', html)
    return [int(i) for i in single], [int(i) for i in more[0].split(",")] if more else []


@pytest.fixture
def officer(district, login_as):
    return login_as(district.officer)


@pytest.fixture
def schools(district, make_school):
    """The district's two schools, three more of other kinds and communes, and one closed."""
    closed = make_school(name="Trường Tiểu học Đã Giải Thể")
    School.update(active=False).where(School.id == closed.id).execute()
    return {
        "hoa_sen": district.preschool,
        "nguyen_du": district.secondary,
        "tan_phu": make_school(name="Trường Tiểu học Tân Phú", level="tieu_hoc",
                               commune="Xã Tân Phú"),
        "be_ngoan": make_school(name="Trường Mầm non Tư thục Bé Ngoan", level="mam_non",
                                ownership="tu_thuc", commune="Phường Đông Hòa"),
        "lien_cap": make_school(name="Trường Liên cấp Đức Trí", level="lien_cap",
                                ownership="dan_lap", commune="Phường Đông Hòa"),
        "closed": closed,
    }


def test_search_finds_a_name_typed_without_accents(officer, schools):
    page = officer.get(SCHOOLS, query_string={"school_q": "tan phu"}, headers=htmx())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert picks(html) == ["Trường Tiểu học Tân Phú"]
    assert "1 trường khớp" in html
    # Upper case, accents of another form (NFD), the code: all found.
    assert picks(officer.get(SCHOOLS, query_string={"school_q": "ĐỨC TRÍ"}).get_data(
        as_text=True)) == ["Trường Liên cấp Đức Trí"]
    nfd = "Be\u0301 Ngoan"
    assert picks(officer.get(SCHOOLS, query_string={"school_q": nfd}).get_data(
        as_text=True)) == ["Trường Mầm non Tư thục Bé Ngoan"]
    code = schools["nguyen_du"].code.lower()
    assert picks(officer.get(SCHOOLS, query_string={"school_q": code}).get_data(
        as_text=True)) == ["Trường THCS Nguyễn Du"]
    # A school that closed is never offered.
    assert picks(officer.get(SCHOOLS, query_string={"school_q": "giai the"}).get_data(
        as_text=True)) == []


def test_filters_by_level_ownership_and_commune_in_vietnamese_order(officer, schools):
    def names(**filters):
        query = {f"school_{k}": v for k, v in filters.items()}
        return picks(officer.get(SCHOOLS, query_string=query).get_data(as_text=True))

    assert names() == ["Trường Liên cấp Đức Trí", "Trường Mầm non Hoa Sen",
                       "Trường Mầm non Tư thục Bé Ngoan", "Trường THCS Nguyễn Du",
                       "Trường Tiểu học Tân Phú"]
    assert names(level="mam_non") == ["Trường Mầm non Hoa Sen",
                                      "Trường Mầm non Tư thục Bé Ngoan"]
    assert names(level="mam_non", ownership="tu_thuc") == ["Trường Mầm non Tư thục Bé Ngoan"]
    assert names(commune="Phường Đông Hòa") == ["Trường Liên cấp Đức Trí",
                                                "Trường Mầm non Tư thục Bé Ngoan"]
    assert names(commune="Phường Đông Hòa", q="duc") == ["Trường Liên cấp Đức Trí"]
    # The form offers the communes of the active schools to filter by.
    form = officer.get("/directives/new").get_data(as_text=True)
    assert '<option value="Phường Đông Hòa"' in form and '<option value="Xã Tân Phú"' in form


def test_three_thousand_schools_list_a_hundred_and_say_how_many_more(officer, district,
                                                                      queries):
    many_schools(3000)
    with queries() as counted:
        page = officer.get(SCHOOLS, query_string={"school_q": "hoa binh"}, headers=htmx())
    html = page.get_data(as_text=True)
    assert len(picks(html)) == CHOOSER_LIMIT == 100
    assert picks(html)[:2] == ["Trường Tiểu học Hòa Bình 0001", "Trường Tiểu học Hòa Bình 0002"]
    assert "3000 trường khớp" in html
    assert "Còn 2900 trường khớp nữa: hãy thu hẹp tìm kiếm." in html
    assert "Chọn tất cả 3000 trường khớp" in html
    assert len(html) < 40_000  # a light answer whatever the number of schools
    assert counted.count <= 3  # the signed-in user, the page, the count
    # Narrowed, the list is whole and says nothing more.
    narrow = officer.get(SCHOOLS, query_string={"school_q": "hoa binh 004"}).get_data(
        as_text=True)
    assert len(picks(narrow)) == 10 and "thu hẹp" not in narrow
    assert "Chọn tất cả 10 trường khớp" not in narrow  # "all shown" is all of them
    # The form itself stays light with 3,000 schools: no list of every school in it.
    form = officer.get("/directives/new").get_data(as_text=True)
    assert len(picks(form)) == 100 and len(form) < 60_000


def test_select_all_matching_adds_every_match_to_those_chosen(officer, district, schools):
    many_schools(120)
    response = officer.post(CHOOSE, data={
        "school_q": "hoa binh", "audience_school_ids": [str(schools["tan_phu"].id)]},
        headers=htmx())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đã chọn 121 trường" in html
    single, more = chips(html)
    assert len(single) == CHIPS_SHOWN and len(more) == 121 - CHIPS_SHOWN
    assert "và 71 trường khác" in html
    hoa_binh = {s.id for s in School.select().where(School.code.startswith("TH-"))}
    assert set(single) | set(more) == hoa_binh | {schools["tan_phu"].id}
    # With a level filter, only those are added; those chosen before stay.
    html = officer.post(CHOOSE, data={
        "school_level": "mam_non", "audience_school_ids": [str(schools["tan_phu"].id)]}
    ).get_data(as_text=True)
    assert set(chips(html)[0]) == {schools["tan_phu"].id, schools["hoa_sen"].id,
                                   schools["be_ngoan"].id}


def test_chosen_schools_come_back_as_chips_and_post_as_the_audience(officer, district, schools,
                                                                   today):
    many_schools(60)
    chosen = [s.id for s in School.select().where(School.code.startswith("TH-"))]
    data = {"number": "12/PGDĐT", "title": "Về việc chọn trường", "issued_on": today.isoformat(),
            "deadline": (today + dt.timedelta(days=5)).isoformat(), "response_kind": "ack",
            "audience_kind": "list", "action": "preview",
            # 50 chips one by one, the other ten in one value (as the chooser sends them), a
            # school ticked in the results, and the closed school (dropped).
            "audience_school_ids": [*map(str, chosen[:50]), ",".join(map(str, chosen[50:])),
                                    str(schools["tan_phu"].id), str(schools["closed"].id)]}
    html = officer.post("/directives/new", data=data).get_data(as_text=True)
    assert "Đã chọn 61 trường" in html and "và 11 trường khác" in html
    assert "61 trường sẽ nhận văn bản này" in html
    single, more = chips(html)
    assert set(single) | set(more) == set(chosen) | {schools["tan_phu"].id}
    # Saving posts them: the draft is for those 61 schools, and publishing sends it to them.
    response = officer.post("/directives/new", data={**data, "action": "save"})
    assert response.status_code == 302
    directive = Directive.get(Directive.number == "12/PGDĐT")
    assert sorted(directive.audience_school_ids) == sorted([*chosen, schools["tan_phu"].id])
    officer.post(f"/directives/{directive.id}/publish")
    assert Recipient.select().where(Recipient.directive == directive.id).count() == 61


def test_editing_a_draft_shows_its_chosen_schools_ticked(officer, district, schools,
                                                         make_directive):
    draft = make_directive(publish=False, audience_kind="list",
                           audience_school_ids=[schools["tan_phu"].id, schools["be_ngoan"].id])
    html = officer.get(f"/directives/{draft.id}/edit").get_data(as_text=True)
    assert "Đã chọn 2 trường" in html
    assert set(chips(html)[0]) == {schools["tan_phu"].id, schools["be_ngoan"].id}
    # In the results below, a chosen school is ticked (and greyed: without JavaScript its chip
    # decides); the others are free to tick.
    assert re.search(rf'value="{schools["tan_phu"].id}" data-chooser-pick [^>]*checked disabled',
                     html)
    assert not re.search(rf'value="{schools["hoa_sen"].id}" data-chooser-pick [^>]*checked', html)


def test_without_javascript_search_keeps_what_was_typed(officer, schools, today):
    """"Tìm" sends the whole form back: the results are those of the search, the chips those
    ticked, and what was typed is kept; nothing is saved."""
    html = officer.post("/directives/new", data={
        "number": "13/PGDĐT", "title": "Tiêu đề đã gõ", "audience_kind": "list",
        "action": "preview", "school_q": "mam non", "school_ownership": "tu_thuc",
        "audience_school_ids": [str(schools["tan_phu"].id)]}).get_data(as_text=True)
    assert picks(html) == ["Trường Mầm non Tư thục Bé Ngoan"]
    assert chips(html)[0] == [schools["tan_phu"].id]
    assert 'value="Tiêu đề đã gõ"' in html and 'value="mam non"' in html
    assert Directive.select().count() == 0


def test_the_audience_preview_counts_chips_and_lists_a_hundred_names(officer, district):
    many_schools(150)
    ids = [s.id for s in School.select(School.id).where(School.code.startswith("TH-"))]
    html = officer.post("/directives/audience", data={
        "audience_kind": "list", "audience_school_ids": [",".join(map(str, ids))]},
        headers=htmx()).get_data(as_text=True)
    assert "150 trường sẽ nhận văn bản này" in html
    assert html.count("<li>") == 100 and "và 50 trường khác" in html


@pytest.mark.parametrize("role", ["principal", "staff", "observer", "admin"])
def test_only_who_manages_directives_may_use_the_chooser(district, login_as, role):
    client = login_as(district.by_role[role])
    assert client.get(SCHOOLS, query_string={"school_q": "hoa"}, headers=htmx()
                      ).status_code == 404
    assert client.post(CHOOSE, data={"school_q": "hoa"}, headers=htmx()).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, district):
    response = client.get(SCHOOLS)
    assert response.status_code in (302, 401)
    assert district.preschool.name not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    {"school_level": "dai_hoc"},                    # an unknown level: read as none
    {"school_ownership": "x" * 5000},
    {"school_commune": "Xã Không Có"},
    {"school_q": "%"},
    {"school_q": "_"},
    {"school_q": "truong " * 1100},                 # a huge search: cut, not refused
    {"school_q": "\u0301\u0301"},
    {"school_level": ["mam_non", "thcs"]},
])
def test_bad_filters_are_answered_never_500(officer, schools, query):
    response = officer.get(SCHOOLS, query_string=query, headers=htmx())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "trường khớp" in html or "Không có trường nào khớp." in html
    post = officer.post(CHOOSE, data=query, headers=htmx())
    assert post.status_code == 200


def test_unknown_level_shows_every_level_and_a_wrong_commune_none(officer, schools):
    html = officer.get(SCHOOLS, query_string={"school_level": "dai_hoc"}).get_data(as_text=True)
    assert len(picks(html)) == 5
    html = officer.get(SCHOOLS, query_string={"school_commune": "Xã Không Có"}).get_data(
        as_text=True)
    assert picks(html) == [] and "Không có trường nào khớp." in html


@pytest.mark.parametrize("ids", [
    ["abc", "1.5", "-3", "99999999999999999999", "", ",,,", "1e3", "٣"],  # none is an id
    ["0x10, ,", "2147483648", "4294967297"],
])
def test_ids_that_are_not_schools_are_dropped(officer, district, schools, ids):
    response = officer.post(CHOOSE, data={"audience_school_ids": ids, "school_q": "zzz"},
                            headers=htmx())
    assert response.status_code == 200
    assert "Đã chọn 0 trường" in response.get_data(as_text=True)
    preview = officer.post("/directives/new", data={
        "audience_kind": "list", "action": "preview", "audience_school_ids": ids})
    assert preview.status_code == 200
    assert "Chưa có trường nào: hãy chọn đối tượng nhận." in preview.get_data(as_text=True)


def test_more_ids_than_any_district_has_are_refused_with_a_message(officer, district, today):
    too_many = ",".join(str(i) for i in range(1, MAX_CHOSEN + 2))
    response = officer.post("/directives/new", data={
        "number": "14/PGDĐT", "title": "Quá nhiều", "issued_on": today.isoformat(),
        "deadline": today.isoformat(), "response_kind": "ack", "audience_kind": "list",
        "audience_school_ids": [too_many]})
    assert response.status_code == 422
    assert f"Chọn tối đa {MAX_CHOSEN} trường." in response.get_data(as_text=True)
    assert Directive.select().count() == 0
    # The same many ids sent with "select all N matching": answered, the real schools counted.
    response = officer.post(CHOOSE, data={"audience_school_ids": [too_many], "school_q": "zz"})
    assert response.status_code == 200
    active = School.select().where(School.active == True).count()  # noqa: E712
    assert f"Đã chọn {active} trường" in response.get_data(as_text=True)
