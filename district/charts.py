"""Charts drawn on the server: pure functions turning series of (label, value) into the geometry
of a small SVG (templates/_partials/charts.html draws it, with its numbers as a table).

No Flask request, no database: numbers in, coordinates out (rounded to 0.1 px of the viewBox,
which the SVG scales to the width of its box). No style attribute anywhere (the CSP forbids
them): the geometry is written as SVG presentation attributes (by the template, or for a bar
chart's rows by `bar_rows`, which the template calls) and colours come from CSS classes.

A value is a number, or a string mark for a count that must not be shown (the observer's "<5"
and "*", district/incidents/suppression.py): a marked bar is drawn hatched with the same fixed
length whatever the count behind it, which never reaches this module.
"""

import datetime as dt

from markupsafe import Markup, escape

WIDTH = 320  # the viewBox width; the SVG scales to its box
LABEL_ROW = 14  # a bar's label line above it
BAR = 12  # a bar's thickness
GAP = 8  # between one bar and the next label
TEXT_ROOM = 84  # room right of the longest bar for its value ("100% (120/120)")
MARKED_LENGTH = 18  # the fixed length of a suppressed bar: never its true length


class Shape(dict):
    """What the functions below return: a dict whose keys read as attributes too. The template
    reads `row.y`, and Jinja asks an attribute first: of a plain dict that raises an
    AttributeError before Jinja falls back to the key (half a microsecond each; a home with its
    charts reads some 800)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self


def _r(x):
    return round(x, 1)


def is_marked(value):
    """A suppressed count ("<5", "*"): a string that is not a plain number."""
    return isinstance(value, str) and not value.isdigit()


def _number(value):
    if value is None:
        return 0
    if isinstance(value, str):
        return int(value) if value.isdigit() else None
    return value


def bars(series, max_value=None, texts=None, classes=None, width=WIDTH, zeros_are_empty=True):
    """Horizontal bars, one row per (label, value): its label above the bar, its value (or
    `texts[i]`) after it. `max_value` fixes the scale (100 for rates); otherwise the largest
    plain value. `classes[i]` is a CSS class of the bar (its colour). A chart of nothing but
    zeros is "empty" (the page says there is nothing yet) unless `zeros_are_empty` is False.

    Returns {"width", "height", "rows": [{"label", "value", "text", "marked", "css", "label_y",
    "x", "y", "w", "h", "text_x", "text_y"}], "max", "track" (the longest bar), "empty"}."""
    series = list(series)
    numbers = [_number(v) for _label, v in series]
    plain = [n for n in numbers if n is not None]
    top = max_value if max_value is not None else max(plain, default=0)
    plot = width - TEXT_ROOM
    rows = []
    y = 0
    for i, ((label, value), number) in enumerate(zip(series, numbers, strict=True)):
        marked = number is None
        if marked:
            length = MARKED_LENGTH
        else:
            length = plot * min(number, top) / top if top else 0
            if number and length < 1:
                length = 1  # a count above zero is never drawn as nothing
        bar_y = y + LABEL_ROW
        text = texts[i] if texts else (str(value) if value is not None else "0")
        rows.append(Shape({
            # A lazily translated label is translated here once, not at each of its uses.
            "label": label if isinstance(label, str) else str(label), "value": value,
            "text": text, "marked": marked,
            "css": (classes[i] if classes else "") or "",
            "label_y": _r(y + LABEL_ROW - 3),
            "x": 0, "y": _r(bar_y), "w": _r(length), "h": BAR,
            "text_x": _r(length + 4), "text_y": _r(bar_y + BAR - 2),
        }))
        y = bar_y + BAR + GAP
    return Shape({"width": width, "height": max(_r(y - GAP), 1), "rows": rows, "max": top,
                  "track": plot,
                  "empty": not rows or (zeros_are_empty and not any(numbers)
                                        and not any(r["marked"] for r in rows))})


def bar_rows(chart, chart_id):
    """The SVG of a `bars` chart's rows, as templates/_partials/charts.html's bar_chart draws
    them (its `chart_id` names the hatching of marked bars): written here in one pass rather
    than by the template, which escaped some 700 numbers for a home page's bars."""
    track = chart["track"]
    hatch = escape(chart_id)
    parts = []
    for r in chart["rows"]:
        parts.append(f'\n    <text class="chart-label" x="0" y="{r.label_y}">'
                     f'{escape(r.label)}</text>'
                     f'\n    <rect class="chart-track" x="0" y="{r.y}" width="{track}" '
                     f'height="{r.h}"></rect>')
        if r.marked:
            parts.append(f'\n    <rect class="chart-marked" x="0" y="{r.y}" width="{r.w}" '
                         f'height="{r.h}" fill="url(#{hatch}-hatch)"></rect>')
        elif r.w:
            parts.append(f'\n    <rect class="chart-bar {escape(r.css)}" x="0" y="{r.y}" '
                         f'width="{r.w}" height="{r.h}"></rect>')
        parts.append(f'\n    <text class="chart-value" x="{r.text_x}" y="{r.text_y}">'
                     f'{escape(r.text)}</text>')
    return Markup("".join(parts))


def rate_bars(rows, width=WIDTH):
    """Acknowledgement rates: rows of dicts with label, done, total, rate; the scale is 100%,
    the text "rate% (done/total)"."""
    rows = list(rows)
    return bars([(r["label"], r["rate"]) for r in rows], max_value=100,
                texts=[f"{r['rate']}% ({r['done']}/{r['total']})" for r in rows], width=width,
                zeros_are_empty=False)


# --- A cumulative count over days, against a deadline ---------------------------------------

LINE_HEIGHT = 170
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 12, 30


def cumulative(per_day, first, last, deadline=None, total=None, width=WIDTH,
               height=LINE_HEIGHT):
    """A step line of the running total of `per_day` [(date, count)] over the local days
    `first`..`last` (widened to hold every day given and the deadline), with the deadline
    marked (a vertical line at the end of its day) and `total` (the most there can be) as a
    horizontal line.

    Returns {"width", "height", "points" (the polyline's "x,y x,y ..."), "axis": {x0, x1, y0,
    y1}, "deadline_x", "total_y", "ticks": [{"y", "text"}], "days": [{"x", "text"}], "rows":
    [{"day", "n", "sum", "late"}], "last_sum", "first", "last", "deadline"}."""
    per_day = sorted((d, n) for d, n in per_day if n)
    days = [d for d, _n in per_day]
    first = min([first, *days, *([deadline] if deadline else [])])
    last = max([last, *days, *([deadline] if deadline else [])])
    span = (last - first).days + 1
    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM
    running = 0
    rows = []
    for day, n in per_day:
        running += n
        rows.append(Shape({"day": day, "n": n, "sum": running,
                           "late": bool(deadline and day > deadline)}))
    top = max(total or 0, running, 1)

    def x_at(day, fraction=0.0):
        return _r(LEFT + plot_w * ((day - first).days + fraction) / span)

    def y_at(count):
        return _r(TOP + plot_h * (1 - count / top))

    points = [(x_at(first), y_at(0))]
    running = 0
    for row in rows:
        x = x_at(row["day"], 0.5)
        points += [(x, y_at(running)), (x, y_at(row["sum"]))]
        running = row["sum"]
    points.append((x_at(last, 1), y_at(running)))
    ticks = [Shape({"y": y_at(0), "text": "0"})]
    if top > 0:
        ticks.append(Shape({"y": y_at(top), "text": str(top)}))
    x_days = [Shape({"x": x_at(first), "text": first.strftime("%d/%m"), "anchor": "start"}),
              Shape({"x": x_at(last, 1), "text": last.strftime("%d/%m"), "anchor": "end"})]
    return Shape({
        "width": width, "height": height,
        "points": " ".join(f"{x},{y}" for x, y in points),
        "axis": Shape({"x0": LEFT, "x1": width - RIGHT, "y0": _r(TOP + plot_h), "y1": TOP}),
        "deadline_x": x_at(deadline, 1) if deadline else None,
        "deadline_anchor": "end" if deadline and x_at(deadline, 1) > width / 2 else "start",
        "total_y": y_at(total) if total else None,
        "ticks": ticks, "days": x_days, "rows": rows, "last_sum": running,
        "first": first, "last": last, "deadline": deadline, "total": total,
    })


def day_span(start, deadline, today):
    """The days a directive's chart covers: from its publication to its deadline, and on to
    today while today is past the deadline (at most 60 days after it)."""
    start = start or deadline
    end = max(deadline, min(today, deadline + dt.timedelta(days=60)))
    return min(start, end), end
