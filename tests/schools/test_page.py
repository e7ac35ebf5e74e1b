"""The school's page (/schools/<id>): who may open it, and what it shows after real work."""

import re

import pytest

from district.models import School


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def figure(page, name):
    found = re.search(rf'data-figure="{name}">(\d+)<', page)
    return int(found.group(1)) if found else None


# --- Who may open it ---------------------------------------------------------------------------


def test_an_officer_opens_every_schools_page(district, login_as):
    client = login_as(district.officer)
    for school in (district.preschool, district.secondary):
        page = text_of(client.get(f"/schools/{school.id}"))
        assert school.name in page


def test_a_principal_opens_their_own_schools_page_only(district, login_as):
    client = login_as(district.principal)
    assert district.preschool.name in text_of(client.get(f"/schools/{district.preschool.id}"))
    assert client.get(f"/schools/{district.secondary.id}").status_code == 404
    assert client.get("/schools/999999").status_code == 404


@pytest.mark.parametrize("role", ["staff", "observer", "admin"])
def test_staff_the_observer_and_the_admin_have_no_school_page(district, login_as, role):
    client = login_as(district.by_role[role])
    assert client.get(f"/schools/{district.preschool.id}").status_code == 404
    assert client.get("/schools/").status_code == 404


def test_a_principal_is_taken_from_the_list_to_their_own_page(district, login_as):
    response = login_as(district.principal).get("/schools/")
    assert response.status_code == 302
    assert response.location.endswith(f"/schools/{district.preschool.id}")


def test_the_menu_offers_the_page_and_the_report_to_whom_may_open_them(district, login_as):
    officer = text_of(login_as(district.officer).get("/"))
    assert 'href="/schools/"' in officer and 'href="/reports/"' in officer
    observer = text_of(login_as(district.observer).get("/"))
    assert 'href="/schools/"' not in observer and 'href="/reports/"' in observer
    principal = text_of(login_as(district.principal).get("/"))
    assert 'href="/schools/"' in principal and 'href="/reports/"' not in principal
    for role in ("staff", "admin"):
        page = text_of(login_as(district.by_role[role]).get("/"))
        assert 'href="/schools/"' not in page and 'href="/reports/"' not in page


# --- What it shows -----------------------------------------------------------------------------


def test_an_empty_school_says_so(district, login_as):
    page = text_of(login_as(district.officer).get(f"/schools/{district.secondary.id}"))
    assert "Trường chưa nhận văn bản nào trong năm học." in page
    assert "Trường chưa nộp danh sách tổ tư vấn." in page
    assert "Trường chưa ghi hoạt động nào trong năm học." in page
    assert "Trường chưa có đợt rà soát nào." in page


def test_the_page_shows_the_schools_year_after_real_work(district, login_as, history):
    for user in (district.officer, district.principal):
        page = text_of(login_as(user).get(f"/schools/{district.preschool.id}"))
        # Directives: d1 on time, d2 overdue (the other school acknowledged it late), d3
        # pending; each links to the directive.
        assert figure(page, "on_time") == 1
        assert figure(page, "overdue") == 1
        assert figure(page, "pending") == 1
        assert figure(page, "late") == 0
        for d in (history.d1, history.d2, history.d3):
            assert f'href="/directives/{d.id}"' in page and d.number in page
        assert "Nhắc nhở đã gửi: 1 (tự động: 0)." in page
        # The roster, its state and its members' count.
        assert 'id="roster-state">Đầy đủ</span>' in page
        assert "<dd>4 người," in page
        # Activities: two held; the most parents one activity reached; attendances.
        assert 'id="fig-activities">2<' in page
        assert "Tổng số lượt người tham dự: 188." in page
        # Incidents: counts by status with links, never a narrative or a name.
        assert 'id="fig-incidents">2<' in page
        assert (f'href="/incidents/?school={district.preschool.id}&amp;status=resolved">1</a>'
                in page)
        assert "1 vụ việc khẩn cấp có bước can thiệp chưa làm sau 12 giờ" in page
        assert "Nguyễn Minh An" not in page and "sân trường" not in page.lower()


def test_the_other_schools_figures_stay_on_its_own_page(district, login_as, history):
    page = text_of(login_as(district.officer).get(f"/schools/{district.secondary.id}"))
    assert figure(page, "late") == 1
    assert figure(page, "on_time") == 0
    assert 'id="fig-incidents">1<' in page
    assert "Không có vụ việc khẩn cấp nào có bước can thiệp chưa làm sau 12 giờ." in page


def test_the_page_shows_the_latest_review_and_its_open_actions(district, login_as,
                                                               accepted_review):
    review = accepted_review()
    page = text_of(login_as(district.principal).get(f"/schools/{district.preschool.id}"))
    assert f'href="/reviews/{review.round.id}/schools/{district.preschool.id}"' in page
    assert 'id="review-state">Đã được chấp nhận' in page
    assert 'id="review-open-actions">1' in page
    assert "Sửa tường rào" in page and review.criterion.code in page


def test_the_page_is_printable(district, login_as):
    """One page, no form or filter to hide: the print style prints it as it is."""
    page = text_of(login_as(district.officer).get(f"/schools/{district.preschool.id}"))
    assert "<form" not in page.split("<main", 1)[1]


def test_an_inactive_school_still_has_its_page(district, login_as):
    School.update(active=False).where(School.id == district.secondary.id).execute()
    assert login_as(district.officer).get(f"/schools/{district.secondary.id}").status_code == 200
