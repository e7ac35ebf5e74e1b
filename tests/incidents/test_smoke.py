def test_pages_render(district, login_as, report):
    inc = report(district.staff)
    for user in (district.principal, district.staff, district.officer):
        c = login_as(user)
        for url in ("/incidents/", f"/incidents/{inc.id}", "/incidents/new", "/",
                    f"/incidents/{inc.id}/reported"):
            r = c.get(url)
            assert r.status_code == 200, (user.role, url, r.data[-3000:])
    for url in ("/incidents/stats", "/"):
        assert login_as(district.observer).get(url).status_code == 200
        assert login_as(district.officer).get(url).status_code == 200
