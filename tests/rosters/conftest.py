"""Helpers for the roster tests: member rows and a roster saved through the service."""

import datetime as dt

import pytest

from district.rosters import operations


def member(name, team_role="thanh_vien", group="counselor", trained=True, **extra):
    return {"full_name": name, "position": extra.pop("position", "Giáo viên"),
            "team_role": team_role, "member_group": group, "trained": trained,
            "trained_on": dt.date(2025, 8, 15) if trained else None, **extra}


def complete_members(level="thcs"):
    """A roster with nothing missing for `level`."""
    rows = [
        member("Trần Thị Lan", "to_truong", "leadership", position="Hiệu trưởng"),
        member("Nguyễn Văn Bình", "to_pho", "counselor", position="Giáo viên Ngữ văn"),
        member("Lê Thị Hoa", "thanh_vien", "health", trained=False, position="Nhân viên y tế"),
        member("Phạm Minh Đức", "thanh_vien", "parent", trained=False,
               position="Trưởng ban đại diện cha mẹ học sinh"),
    ]
    if level != "mam_non":
        rows.append(member("Võ Thanh Tâm", "thanh_vien", "union", trained=False,
                           position="Tổng phụ trách Đội"))
    return rows


@pytest.fixture
def save_roster():
    def factory(school, user, members=None, **kwargs):
        return operations.save_version(user, school, members or complete_members(school.level),
                                     **kwargs)

    return factory
