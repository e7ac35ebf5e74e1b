"""Small counts in the aggregates people outside the case see: counts from 1 to 4 are shown as
"<5" (primary suppression) and, where a total would let a reader compute one back, another cell
is hidden too (complementary suppression); a table that still gives a count away is withheld.
Pure arithmetic, no database. See docs/incidents-decisions.md.
"""

SMALL = "<5"  # a count from 1 to 4 (primary suppression)
HIDDEN = "*"  # a count of 5 or more hidden so that no "<5" can be computed (complementary)


def small(n):
    """Counts under 5 are shown as "<5" so that nobody can be singled out."""
    return SMALL if 0 < n < 5 else str(n)


def _bounds(values, marks):
    """What someone who knows the table's total, the cells shown and the rule of `protect` can
    tell about each suppressed cell: {index: (lowest, highest)}. A "<5" is 1-4; the hidden cell
    is at least 5 and, being the smallest other non-zero cell (the first one on a tie), below
    every shown cell before it and not above any shown cell after it. With box bounds and one
    known sum, every integer between the two bounds is possible (and gives the same display)."""
    total = sum(values)
    shown = [n for n, m in zip(values, marks, strict=True) if m is None]
    rest = total - sum(shown)
    box = {}
    for i, mark in enumerate(marks):
        if mark == SMALL:
            box[i] = (1, 4)
        elif mark == HIDDEN:
            ceiling = min([values[j] - 1 for j in range(i) if marks[j] is None and values[j]]
                          + [values[j] for j in range(i + 1, len(values))
                             if marks[j] is None and values[j]], default=total)
            box[i] = (5, ceiling)
    low_sum = sum(lo for lo, _hi in box.values())
    high_sum = sum(hi for _lo, hi in box.values())
    return {i: (max(lo, rest - (high_sum - hi)), min(hi, rest - (low_sum - lo)))
            for i, (lo, hi) in box.items()}


def protect(values):
    """The marks of one table of counts that add up to a total the reader may know: None (shown),
    SMALL (a count of 1-4) or HIDDEN; or None for the whole table (withheld). When a table has
    a "<5", the smallest other non-zero cell is hidden too (complementary suppression), so the
    "<5" cannot be computed by subtraction from the total. If even then some suppressed cell
    has only one possible value, the table is withheld. The decision to withhold depends only
    on what the display shows, so it tells nothing more."""
    marks = [SMALL if 0 < n < 5 else None for n in values]
    if SMALL not in marks:
        return marks
    candidates = [i for i, n in enumerate(values) if marks[i] is None and n > 0]
    if candidates:
        marks[min(candidates, key=lambda i: (values[i], i))] = HIDDEN
    if all(hi > lo for lo, hi in _bounds(values, marks).values()):
        return marks
    return None


def shown_table(rows, exact):
    """[(code, text)] of one table of (code, count) rows, or None when withheld. Officers see
    exact counts; anyone else sees "<5" and the complementary "*"."""
    if exact:
        return [(code, str(n)) for code, n in rows]
    marks = protect([n for _code, n in rows])
    if marks is None:
        return None
    return [(code, mark or str(n)) for (code, n), mark in zip(rows, marks, strict=True)]
