"""The school's home card lists what needs action (title, deadline, state) with the count above
it matching the list, and acknowledges in place; the observer's home names the directives."""

import datetime as dt
import re

from district.directives import operations
from district.models import Acknowledgement, AuditEntry, Recipient

from .conftest import htmx


def card(html):
    """(the figure, the ids of the directives listed) of the home's directives card."""
    figure = re.search(r'id="home-directives-count">(\d+)<', html)
    listed = re.findall(r'<li data-directive="(\d+)"', html)
    return int(figure.group(1)) if figure else None, [int(i) for i in listed]


def test_principal_home_lists_each_directive_needing_action(district, login_as,
                                                             make_directive, today):
    soon = make_directive(title="Về việc phòng, chống đuối nước", deadline=today
                          + dt.timedelta(days=2))
    late = make_directive(title="Về việc an toàn giao thông", deadline=today
                          - dt.timedelta(days=1), issued_on=today - dt.timedelta(days=5))
    roster = make_directive(title="Về việc kiện toàn tổ tư vấn", response_kind="roster")
    done = make_directive(title="Văn bản đã xác nhận xong")
    operations.acknowledge(district.principal, done)
    withdrawn = operations.withdraw(district.officer, make_directive(title="Văn bản thu hồi"))
    make_directive(title="Bản nháp chưa gửi", publish=False)
    make_directive(title="Chỉ gửi trường khác", audience_kind="list",
                   audience_school_ids=[str(district.secondary.id)])

    html = login_as(district.principal).get("/").get_data(as_text=True)
    figure, listed = card(html)
    # Most urgent first; the count above the list is the list's length and the badge's figure.
    assert listed == [late.id, soon.id, roster.id]
    assert figure == 3 and '<span class="badge" id="directive-unread">3</span>' in html
    for directive in (soon, late, roster):
        assert directive.title in html and directive.number in html
    assert f"Hạn xác nhận: {soon.deadline:%d/%m/%Y}" in html
    assert 'data-state="overdue">Quá hạn' in html and 'data-state="unread"' in html
    for absent in ("Văn bản đã xác nhận xong", "Văn bản thu hồi", "Bản nháp chưa gửi",
                   "Chỉ gửi trường khác"):
        assert absent not in html
    assert withdrawn.id not in listed
    # Acknowledging is all two of them need: a button in place; the roster one opens the page.
    for directive in (soon, late):
        assert (f'action="/directives/{directive.id}/acknowledge"' in html
                and f'hx-post="/directives/{directive.id}/acknowledge"' in html)
    assert f'action="/directives/{roster.id}/acknowledge"' not in html
    assert f'href="/directives/{roster.id}#ack-panel">Mở để xác nhận' in html


def test_acknowledging_from_the_home_card_in_place(district, login_as, make_directive):
    first = make_directive(title="Văn bản thứ nhất")
    second = make_directive(title="Văn bản thứ hai")
    principal = login_as(district.principal)
    response = principal.post(f"/directives/{first.id}/acknowledge",
                              data={"from": "home"}, headers=htmx())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="home-directives"' in html
    assert f"Nhà trường đã xác nhận văn bản {first.number}." in html
    assert card(html) == (1, [second.id])
    assert 'id="directive-unread" hx-swap-oob="true">1<' in html
    assert response.headers["HX-Trigger"] == "directive-acknowledged"
    recipient = Recipient.get(Recipient.directive == first.id,
                              Recipient.school == district.preschool.id)
    assert recipient.acknowledged_by_id == district.principal.id
    assert AuditEntry.select().where(AuditEntry.action == "directive.acknowledge").count() == 1
    # A second click (an old page) says so in the card, and acknowledges nothing more.
    again = principal.post(f"/directives/{first.id}/acknowledge", data={"from": "home"},
                           headers=htmx())
    assert again.status_code == 409
    assert 'role="alert"' in again.get_data(as_text=True)
    assert Acknowledgement.select().count() == 1


def test_acknowledging_from_the_home_card_without_javascript(district, login_as,
                                                             make_directive):
    directive = make_directive()
    principal = login_as(district.principal)
    response = principal.post(f"/directives/{directive.id}/acknowledge", data={"from": "home"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    html = principal.get("/").get_data(as_text=True)
    assert f"Nhà trường đã xác nhận văn bản {directive.number}." in html
    assert card(html) == (0, [])
    assert "Không có văn bản nào cần xác nhận." in html


def test_staff_home_lists_what_nobody_has_opened_without_a_button(district, login_as,
                                                                  make_directive):
    opened = make_directive(title="Văn bản đã có người đọc")
    fresh = make_directive(title="Văn bản chưa ai đọc")
    login_as(district.staff2).get(f"/directives/{opened.id}")
    html = login_as(district.staff).get("/").get_data(as_text=True)
    assert card(html) == (1, [fresh.id])
    assert "Văn bản chưa ai đọc" in html and "Văn bản đã có người đọc" not in html
    assert "/acknowledge" not in html


def test_a_long_list_says_how_many_and_links_to_the_rest(app, district, login_as,
                                                         make_directive):
    from district.directives import queries
    directives = [make_directive() for _ in range(queries.HOME_LIMIT + 2)]
    html = login_as(district.principal).get("/").get_data(as_text=True)
    figure, listed = card(html)
    assert figure == len(directives) and len(listed) == queries.HOME_LIMIT
    assert f'href="/directives/?state=pending">Xem cả {len(directives)} văn bản' in html


def test_observer_home_names_the_directives(district, login_as, make_directive):
    directive = make_directive(title="Về việc phòng, chống xâm hại trẻ em")
    operations.acknowledge(district.principal, directive)
    html = login_as(district.observer).get("/").get_data(as_text=True)
    assert f"Về việc phòng, chống xâm hại trẻ em ({directive.number}): <strong>50%" in html
    assert "Hoa Sen" not in html and "Nguyễn Du" not in html
    assert f"/directives/{directive.id}" not in html


def test_the_header_menu_drawn_once_follows_the_role_the_language_and_the_badge(
        district, login_as, make_directive):
    """The header menu is drawn once per role, language and badge (web.drawn_once) and kept: each
    user still sees their own role's links, in their language, with their school's count."""
    first = make_directive()
    make_directive()

    def menu(client):
        html = client.get("/help").get_data(as_text=True)
        return html.split('<ul class="menu">', 1)[1].split("</ul>", 1)[0]

    principal = login_as(district.principal)
    assert 'id="directive-unread">2<' in menu(principal)
    operations.acknowledge(district.principal, first)
    assert 'id="directive-unread">1<' in menu(principal)
    officer, admin = menu(login_as(district.officer)), menu(login_as(district.admin))
    assert 'href="/incidents/"' in officer and 'href="/admin/users"' not in officer
    assert 'href="/admin/users"' in admin and 'href="/incidents/"' not in admin
    assert "directive-unread" not in officer
    principal.post("/language", data={"locale": "en", "next": "/help"})
    assert ">Directives" in menu(principal) and "Văn bản chỉ đạo" not in menu(principal)
    assert "Văn bản chỉ đạo" in menu(login_as(district.other_principal))
