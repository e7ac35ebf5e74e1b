"""The incident state machine of DESIGN.md section 3, as data: the one place the workflow is
written down. Who may take a transition is decided in district/access.py (`may_transition`);
what a transition requires is `required_for` (and `fields_for`, which adds what the incident's
own state asks: a reason to resolve it while intervention steps are still open, see
docs/decisions/incident-resolve-with-open-steps.md).
"""

from .vocabulary import STATUSES as STATUS_MSGIDS

FORWARD = "forward"  # the principal of the school or an officer
OFFICER_ONLY = "officer"

# (from, to) -> (who may, what it requires)
TRANSITIONS = {
    ("reported", "verifying"): (FORWARD, ()),
    ("verifying", "handling"): (FORWARD, ()),
    ("verifying", "referred"): (FORWARD, ("agency", "referred_on")),
    ("handling", "referred"): (FORWARD, ("agency", "referred_on")),
    ("handling", "resolved"): (FORWARD, ("outcome",)),
    ("referred", "resolved"): (FORWARD, ("outcome",)),
    ("resolved", "closed"): (OFFICER_ONLY, ()),
    # DESIGN.md section 3: "an officer reviews it and closes it, or reopens it with a reason".
    ("resolved", "handling"): (OFFICER_ONLY, ("reason",)),
    ("closed", "handling"): (OFFICER_ONLY, ("reason",)),
}
STATUSES = tuple(STATUS_MSGIDS)  # in workflow order
OPEN_STATUSES = ("reported", "verifying", "handling", "referred")
URGENT_HOURS = 12  # emergency protection within 12 hours (Nghị định 56/2017/NĐ-CP)


def required_for(from_status, to_status):
    rule = TRANSITIONS.get((from_status, to_status))
    return rule[1] if rule else ()


def next_statuses(status):
    """The statuses a transition leads to from `status`, in workflow order."""
    return [to for to in STATUSES if (status, to) in TRANSITIONS]


def is_reopening(from_status, to_status):
    return to_status == "handling" and from_status in ("resolved", "closed")


def resolves_with_open_steps(to_status, open_steps):
    """Resolving while intervention steps are open asks for a reason (recorded in the
    timeline); it is not refused: a step may not apply to the case."""
    return to_status == "resolved" and bool(open_steps)


def fields_for(from_status, to_status, open_steps=()):
    """What this transition of this incident asks for: the rule's fields, plus a reason when it
    resolves an incident whose checklist still has `open_steps`."""
    fields = tuple(required_for(from_status, to_status))
    if resolves_with_open_steps(to_status, open_steps) and "reason" not in fields:
        fields += ("reason",)
    return fields


def is_urgent(incident):
    """Critical or sensitive: every officer is told at once; open checklist steps show the
    hours elapsed since the report."""
    return incident.severity == "critical" or bool(incident.sensitive)
