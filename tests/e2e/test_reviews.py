"""Issue 13 in a browser: an officer launches a review round (a refusal first); a principal on
a 360 px phone answers criterion by criterion in place (no reload), with evidence, and submits;
the officer returns one criterion with a comment; the school revises and submits again; the
officer accepts. Every page is checked at its size (no sideways scrolling, axe-core clean)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from district import clock
from district.models import ReviewRound, ReviewSubmission
from district.reviews import queries
from tests.conftest import PASSWORD
from tests.e2e import walk
from tests.e2e.conftest import mark_window, sign_in, window_marker
from tests.reviews.conftest import PDF

OFFICER_SIZES = pytest.mark.parametrize("size", [walk.DESKTOP, walk.SMALL_PHONE],
                                        ids=["desktop", "phone"])


def _open(browser, live_server, size):
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", viewport=size)
    context.set_default_timeout(10000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _launch(page, size):
    page.goto("/reviews/")
    page.click("#launch-round")
    expect(page.locator("h1")).to_have_text("Mở đợt rà soát")
    page.fill("#title", "Rà soát an toàn cho trẻ ở các trường mầm non")
    page.select_option("#criteria_code", "mn-phong-soan")
    page.fill("#deadline", (clock.today() - dt.timedelta(days=1)).isoformat())
    page.click("#launch-submit")
    expect(page.locator("#deadline-error")).to_contain_text("Hạn nộp không thể ở quá khứ")
    expect(page.locator("#title")).to_have_value("Rà soát an toàn cho trẻ ở các trường mầm non")
    assert walk.check_page(page, sizes=(size,)) == []
    page.fill("#deadline", (clock.today() + dt.timedelta(days=7)).isoformat())
    page.click("#launch-submit")
    expect(page.locator("h1")).to_have_text("Rà soát an toàn cho trẻ ở các trường mầm non")
    expect(page.locator("#count-not_started")).to_have_text("1")
    assert walk.check_page(page, sizes=(size,)) == []


@OFFICER_SIZES
def test_a_review_from_launch_to_acceptance(answers_4xx, browser, live_server, district,
                                           size, tmp_path):
    officer = answers_4xx
    officer.set_viewport_size(size)
    sign_in(officer, district.officer.username, PASSWORD)
    _launch(officer, size)
    review_round = ReviewRound.get()
    rows = queries.round_criteria(review_round)
    evidence = tmp_path / "bien-ban-kiem-tra.pdf"
    evidence.write_bytes(PDF)

    principal, errors = _open(browser, live_server, walk.SMALL_PHONE)
    try:
        sign_in(principal, district.principal.username, PASSWORD)
        principal.goto("/reviews/")
        principal.click(f"#round-{review_round.id} a")
        expect(principal.locator("h1")).to_have_text(district.preschool.name)
        mark_window(principal)
        for index, c in enumerate(rows):
            block = principal.locator(f"#crit-{c.id}")
            if index == 0:
                block.locator("input[value=partly]").check()
                block.locator("textarea[name$=action_what]").fill("Kiểm tra đột xuất giờ ngủ")
                block.locator("input[name$=action_who]").fill("Phó hiệu trưởng")
                block.locator("input[name$=action_due]").fill(
                    (clock.today() + dt.timedelta(days=30)).isoformat())
                block.locator("input[type=file]").set_input_files(str(evidence))
            else:
                block.locator("input[value=met]").check()
            with principal.expect_response(lambda r, c=c: f"/answers/{c.id}" in r.url):
                block.locator("button[type=submit]").click()
            expect(principal.locator(f"#crit-{c.id} input[value=met], "
                                     f"#crit-{c.id} input[value=partly]").first).to_be_visible()
            if index == 0:
                expect(principal.locator(f"#crit-{c.id} .evidence")).to_contain_text(
                    "bien-ban-kiem-tra.pdf")
                assert walk.check_page(principal, sizes=(walk.SMALL_PHONE,)) == []
        expect(principal.locator("#review-progress")).to_contain_text(
            f"{len(rows)}/{len(rows)}")
        assert window_marker(principal) == "still-here"  # saved in place, no reload
        principal.click("#submit-review")
        expect(principal.locator("#review-state")).to_have_text("Đã nộp, chờ Phòng xem")
        assert walk.check_page(principal, sizes=(walk.SMALL_PHONE,)) == []

        base = f"/reviews/{review_round.id}/schools/{district.preschool.id}"
        officer.goto(f"/reviews/{review_round.id}")
        officer.click(f"#school-{district.preschool.id} a")
        officer.fill(f"#comment-{rows[1].id}", "Bổ sung sổ đón, trả trẻ của tháng này")
        assert walk.check_page(officer, sizes=(size,)) == []
        officer.click("#return-review")
        expect(officer.locator("#review-state")).to_have_text("Trả lại để bổ sung")

        principal.goto(base)
        expect(principal.locator("#returned")).to_contain_text(
            "Bổ sung sổ đón, trả trẻ của tháng này")
        assert walk.check_page(principal, sizes=(walk.SMALL_PHONE,)) == []
        block = principal.locator(f"#crit-{rows[1].id}")
        block.locator("textarea[name$=comment]").fill("Đã bổ sung sổ đón, trả trẻ")
        with principal.expect_response(lambda r: f"/answers/{rows[1].id}" in r.url):
            block.locator("button[type=submit]").click()
        expect(principal.locator(f"#crit-{rows[1].id} textarea[name$=comment]")).to_have_value(
            "Đã bổ sung sổ đón, trả trẻ")
        principal.click("#submit-review")
        expect(principal.locator("#review-state")).to_have_text("Đã nộp, chờ Phòng xem")

        officer.goto(base)
        expect(officer.locator("#history")).to_contain_text("Nộp lại sau khi bổ sung")
        officer.click("#accept-review")
        expect(officer.locator("#review-state")).to_have_text("Đã được chấp nhận")
        assert walk.check_page(officer, sizes=(size,)) == []

        principal.goto(base)
        expect(principal.locator("#review-state")).to_have_text("Đã được chấp nhận")
        expect(principal.locator("#actions")).to_be_visible()
    finally:
        principal.context.close()
    assert errors == []


@pytest.mark.parametrize("role, username", [("officer", "chuyenvien1"), ("observer", "lanhdao"),
                                            ("admin", "admin"), ("principal", "ht.mn-hoasen"),
                                            ("staff", "gv1.mn-hoasen")])
def test_every_review_page_of_the_demo_at_both_widths(page, runner, role, username):
    """The demo's review pages as each role: no wider than the window, 44 px targets on the
    phone, axe-core clean."""
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    finished, under_way = ReviewRound.select().order_by(ReviewRound.created_at)
    sign_in(page, username, PASSWORD)
    school = under_way.submissions.where(ReviewSubmission.state == "submitted").first().school_id
    paths = ["/reviews/", "/reviews/criteria"]
    if role in ("officer", "observer", "admin"):
        paths += [f"/reviews/{finished.id}", f"/reviews/{under_way.id}"]
    if role == "officer":
        paths += ["/reviews/new", f"/reviews/{finished.id}/schools/{school}",
                  f"/reviews/{under_way.id}/schools/{school}",
                  f"/reviews/{under_way.id}?state=submitted"]
    if role in ("principal", "staff"):
        paths += [f"/reviews/{under_way.id}", f"/reviews/{finished.id}"]
    problems = {}
    for path in paths:
        page.set_viewport_size(walk.DESKTOP)
        response = page.goto(path)
        assert response.status == 200, path
        found = walk.check_page(page, sizes=(walk.DESKTOP, walk.PHONE, walk.SMALL_PHONE))
        if found:
            problems[path] = found
    assert problems == {}
