"""Counseling-team rosters.

The contract the directives feature relies on: `valid_roster_on_file(school_id)` returns the
school's current roster when it is valid (complete, with or without warnings), else None.
"""

from ..models import Roster

VALID_STATES = ("complete", "warnings")


def current_roster(school_id):
    return (
        Roster.select()
        .where(Roster.school == school_id, Roster.is_current == True)  # noqa: E712
        .first()
    )


def valid_roster_on_file(school_id):
    roster = current_roster(school_id)
    return roster if roster is not None and roster.state in VALID_STATES else None
