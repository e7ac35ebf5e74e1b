"""An officer reports an incident for a school found by typing part of its name without
accents: the matches appear in place as the officer types, at a phone's width and a desktop's,
and the report goes to that school. The page lists no school before a search."""

import pytest
from playwright.sync_api import expect

from district.models import Incident
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker


@pytest.mark.parametrize("size", [walk.PHONE, walk.DESKTOP], ids=["phone", "desktop"])
def test_an_officer_finds_the_school_by_typing_and_reports(page, district, size):
    page.set_viewport_size(size)
    sign_in(page, district.officer.username, PASSWORD)
    page.goto("/incidents/new")
    matches = page.locator("#school-matches")
    expect(matches.locator("input[type=radio]")).to_have_count(0)
    assert walk.check_page(page, sizes=(size,)) == []
    mark_window(page)
    page.fill("#school_q", "nguyen du")
    expect(matches.locator("input[type=radio]")).to_have_count(1)
    matches.get_by_label("Trường THCS Nguyễn Du").check()
    page.fill("input[name=occurred_at]", "2026-11-20T09:30")
    page.select_option("select[name=place]", "school_yard")
    page.select_option("select[name=category]", "bullying")
    page.select_option("select[name=caused_by]", "student")
    page.select_option("select[name=severity]", "medium")
    page.fill("input[name=summary]", "Một học sinh bị nhóm bạn xô ngã ở sân trường")
    page.fill("textarea[name=description]", "Giờ ra chơi, em bị ba bạn xô ngã, trầy đầu gối.")
    page.fill("input[name='students-0-full_name']", "Nguyễn Gia Bảo")
    page.select_option("select[name='students-0-role']", "affected")
    assert window_marker(page) == "still-here"
    assert walk.check_page(page, sizes=(size,)) == []
    page.click("#report-form button[name=submit]")
    expect(page.locator("h1")).to_contain_text("Đã tiếp nhận báo cáo VV-")
    assert Incident.get().school_id == district.secondary.id
