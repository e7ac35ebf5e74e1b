def test_each_role_signs_in_and_lands_home(district, login_as):
    for role, user in district.by_role.items():
        response = login_as(user).get("/")
        assert response.status_code == 200, role
