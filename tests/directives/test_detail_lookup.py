"""A directive's pages find it through one prepared statement per scope and role
(access.get_visible_or_404): whoever of a role asked first, each user gets what the scope lets
them see (their own school's directives), never what the first to ask could see."""

from district.directives import operations


def test_each_school_opens_only_what_was_sent_to_it_whoever_asked_first(district, login_as,
                                                                         make_directive):
    to_preschool = make_directive(audience_kind="list",
                                  audience_school_ids=[district.preschool.id])
    to_secondary = make_directive(audience_kind="list",
                                  audience_school_ids=[district.secondary.id])
    draft = make_directive(publish=False)
    principal, other = login_as(district.principal), login_as(district.other_principal)
    for _ in range(2):  # the second round runs on the statements the first one prepared
        assert principal.get(f"/directives/{to_preschool.id}").status_code == 200
        assert principal.get(f"/directives/{to_secondary.id}").status_code == 404
        assert other.get(f"/directives/{to_secondary.id}").status_code == 200
        assert other.get(f"/directives/{to_preschool.id}").status_code == 404
        assert other.get(f"/directives/{draft.id}").status_code == 404
    staff = login_as(district.staff)
    assert staff.get(f"/directives/{to_preschool.id}").status_code == 200
    assert staff.get(f"/directives/{to_secondary.id}").status_code == 404
    officer = login_as(district.officer)
    for directive in (to_preschool, to_secondary, draft):
        assert officer.get(f"/directives/{directive.id}").status_code == 200
    # What the statement finds is the directive as it is now, not as it was first read.
    operations.withdraw(district.officer, to_preschool)
    assert "Đã thu hồi" in principal.get(f"/directives/{to_preschool.id}").get_data(as_text=True)
    assert officer.get("/directives/2147483648").status_code == 404
