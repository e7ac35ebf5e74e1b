"""The incident state machine of DESIGN.md section 3, as data: the one place the workflow is
written down. Who may take a transition is decided in district/access.py (`may_transition`);
what a transition requires is `required_for`.
"""

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
STATUSES = ("reported", "verifying", "handling", "referred", "resolved", "closed")
OPEN_STATUSES = ("reported", "verifying", "handling", "referred")


def required_for(from_status, to_status):
    rule = TRANSITIONS.get((from_status, to_status))
    return rule[1] if rule else ()
