"""The rule checker: complete, incomplete and warning rosters for each school level, and the
rule set in force chosen by the office."""

import json

import pytest

from district.models import Roster
from district.rosters import members, operations, rules

from .conftest import complete_members, member

LEVELS = ("mam_non", "tieu_hoc", "thcs", "lien_cap")


def codes(issues):
    return sorted(i["code"] for i in issues)


@pytest.mark.parametrize("level", LEVELS)
def test_complete_roster_for_each_level(app, level):
    result = rules.check_roster(complete_members(level), level)
    assert result["state"] == "complete", result
    assert result["errors"] == [] and result["warnings"] == []


@pytest.mark.parametrize("level", LEVELS)
def test_errors_make_the_roster_incomplete_at_every_level(app, level):
    base = complete_members(level)
    no_leader = [m | {"team_role": "thanh_vien"} if m["team_role"] == "to_truong" else m
                 for m in base]
    result = rules.check_roster(no_leader, level)
    assert result["state"] == "incomplete"
    assert "no_leader" in codes(result["errors"])

    two = base + [member("Đỗ Văn Hải", "to_truong", "leadership")]
    result = rules.check_roster(two, level)
    assert codes(result["errors"]) == ["many_leaders"]
    assert result["errors"][0]["params"]["n"] == 2

    wrong_leader = [m | {"member_group": "counselor"} if m["team_role"] == "to_truong" else m
                    for m in base]
    result = rules.check_roster(wrong_leader, level)
    assert codes(result["errors"]) == ["leader_not_leadership"]
    assert result["errors"][0]["params"]["name"] == "Trần Thị Lan"

    no_counselor = [m for m in base if m["member_group"] != "counselor"]
    result = rules.check_roster(no_counselor, level)
    assert codes(result["errors"]) == ["required_group"]
    assert result["errors"][0]["params"]["group"] == "counselor"

    blanks = base + [member("", "thanh_vien", "other"), member("Hà Văn Sơn", "", "other")]
    result = rules.check_roster(blanks, level)
    assert codes(result["errors"]) == ["missing_name", "missing_team_role"]
    assert [e["row"] for e in result["errors"]] == [len(base) + 1, len(base) + 2]


@pytest.mark.parametrize("level", LEVELS)
def test_warnings_do_not_make_it_incomplete(app, level):
    base = complete_members(level)
    without = [m for m in base if m["member_group"] not in ("health", "parent")]
    result = rules.check_roster(without, level)
    assert result["state"] == "warnings"
    assert [w["params"]["group"] for w in result["warnings"]] == ["health", "parent"]

    untrained = [m | {"trained": False, "trained_on": None}
                 if m["member_group"] == "counselor" else m for m in base]
    result = rules.check_roster(untrained, level)
    assert result["state"] == "warnings"
    assert codes(result["warnings"]) == ["untrained"]
    assert result["warnings"][0]["params"]["name"] == "Nguyễn Văn Bình"


def test_union_is_expected_in_schools_but_not_in_preschools(app):
    no_union = [m for m in complete_members("thcs") if m["member_group"] != "union"]
    assert codes(rules.check_roster(no_union, "thcs")["warnings"]) == ["recommended_group"]
    assert rules.check_roster(no_union, "mam_non")["state"] == "complete"
    # A preschool has no Đoàn/Đội and no student members: they are flagged.
    with_students = complete_members("mam_non") + [member("Em Nguyễn An", "thanh_vien",
                                                          "student", trained=False)]
    result = rules.check_roster(with_students, "mam_non")
    assert codes(result["warnings"]) == ["group_not_at_level"]
    students_at_thcs = complete_members("thcs") + [with_students[-1]]
    assert rules.check_roster(students_at_thcs, "thcs")["warnings"] == []


def test_result_names_the_rule_set_and_preschools_use_the_office_rules(app):
    assert rules.check_roster(complete_members("thcs"), "thcs")["rule_set"] == "tt18-2025"
    result = rules.check_roster(complete_members("mam_non"), "mam_non")
    assert result["rule_set"] == "pgd-mam-non"
    assert result["rule_set_name"] == (
        "Quy định riêng của cơ quan quản lý giáo dục cho giáo dục mầm non")
    # The office's name is configuration: no rule set names or describes it.
    for rule_set in rules.load_rules()["rule_sets"].values():
        assert "Phòng" not in rule_set["name"] + rule_set["description"]
        assert "GD&ĐT" not in rule_set["name"] + rule_set["description"]


def test_office_changes_rule_set_and_current_rosters_are_rechecked(app, district, save_roster):
    # Under Thông tư 18/2025 leadership members must be trained too; under 31/2017 not.
    rows = complete_members("thcs")
    rows[0] = rows[0] | {"trained": False, "trained_on": None}
    roster = save_roster(district.secondary, district.other_principal, rows)
    assert roster.state == "warnings" and roster.rule_set == "tt18-2025"

    changed = operations.set_rule_set(district.officer, "tt31-2017")
    assert changed == 1
    assert rules.rule_set_in_force() == "tt31-2017"
    again = Roster.get_by_id(roster.id)
    assert again.state == "complete"
    assert again.result["rule_set_name"] == "Thông tư 31/2017/TT-BGDĐT"
    with pytest.raises(members.RosterError):
        operations.set_rule_set(district.officer, "pgd-mam-non")


def test_rules_file_can_be_replaced_without_code(app, tmp_path):
    data = json.loads(rules.RULES_FILE.read_text(encoding="utf-8"))
    data["rule_sets"]["tt18-2025"]["levels"]["thcs"]["required_groups"].append("student")
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app.config["ROSTER_RULES_FILE"] = str(path)
    with app.app_context():
        result = rules.check_roster(complete_members("thcs"), "thcs")
    assert result["state"] == "incomplete"
    assert result["errors"][0]["params"]["group"] == "student"


def test_messages_are_readable(app):
    with app.test_request_context():
        rows = [m for m in complete_members("thcs") if m["member_group"] != "health"]
        result = rules.check_roster(rows, "thcs")
        assert rules.issue_message(result["warnings"][0]) == (
            "Tổ chưa có thành viên thuộc nhóm “Nhân viên y tế”.")
