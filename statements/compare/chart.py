"""The compare page's two charts, drawn on the server as SVG without inline script: statements per period, a line per
series, and the mean stance of the series that name a target, a line per series with a gap wherever fewer than
MIN_CODED codings stand behind a point. Every point is a link to the statements behind it; the page's table holds
the same numbers and links for those who cannot see or use the chart.

Series are told apart by colour, by the line's dash and by the point's shape, so that the chart reads in grey too.
"""

import math
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..positions.codebook import Stance, stance_words
from .series import MIN_CODED, Counts

WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 40
CHAR_WIDTH = 14.5  # as the timeline's chart (statements/timeline/chart.py): labels legible at the phone's size
LABEL_GAP = 12
# One look per series (CSS classes compare__s1 … compare__s4 give the colours): the dash and the point's shape.
DASHES = ["", "8 4", "2 4", "10 4 2 4"]
SHAPES = ["circle", "square", "diamond", "triangle"]


@dataclass
class Chart:
    title: str
    description: str
    markup: SafeString  # axes, labels and lines: the picture (role="img")
    links: SafeString  # the linked markers, in a layer of their own on top (a picture holds no links)
    width: int = WIDTH
    height: int = HEIGHT


def _x(i: int, n: int) -> float:
    slot = (WIDTH - LEFT - RIGHT) / max(n, 1)
    return round(LEFT + slot * (i + 0.5), 2)


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f'<rect x="{x - 4}" y="{y - 4}" width="8" height="8"></rect>'
    if shape == "diamond":
        return f'<polygon points="{x},{y - 5.5} {x + 5.5},{y} {x},{y + 5.5} {x - 5.5},{y}"></polygon>'
    if shape == "triangle":
        return f'<polygon points="{x},{y - 5.5} {x + 5},{y + 4} {x - 5},{y + 4}"></polygon>'
    return f'<circle cx="{x}" cy="{y}" r="4.5"></circle>'


def _ticks(counts: Counts) -> str:
    """Period labels under the axis, as many as fit without touching, evenly spaced from the first."""
    n = len(counts.periods)
    widest = max(len(period.key) for period in counts.periods)
    room = (WIDTH - LEFT - RIGHT) / (math.ceil(widest * CHAR_WIDTH) + LABEL_GAP)
    stride = max(1, math.ceil(n / max(room, 1)))
    labels = []
    for i in range(0, n, stride):
        x = min(max(_x(i, n) - widest * CHAR_WIDTH / 2, 0), WIDTH - widest * CHAR_WIDTH)
        labels.append(
            f'<text class="chart__label chart__tick" x="{round(x, 2)}" y="{HEIGHT - BOTTOM + 22}">'
            f"{escape(counts.periods[i].key)}</text>"
        )
    return "".join(labels)


def _frame(y_labels: list[tuple[float, str]], title: str) -> list[str]:
    bottom = HEIGHT - BOTTOM
    parts = [
        f'<line class="chart__axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"></line>',
        f'<line class="chart__axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"></line>',
        f'<text class="chart__label chart__ytitle" x="14" y="{bottom}" transform="rotate(-90 14 {bottom})">'
        f"{escape(title)}</text>",
    ]
    for y, text in y_labels:
        parts.append(f'<line class="compare__grid" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"></line>')
        parts.append(
            f'<text class="chart__label chart__ylabel" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">'
            f"{escape(text)}</text>"
        )
    return parts


def _line(number: int, points: list[tuple[float, float, str, str] | None]) -> tuple[str, str]:
    """A series' line through its points (x, y, the link, the tooltip), broken where a point is None, and its linked
    markers, apart: the line belongs in the picture, the links in the layer above it."""
    segments, current = [], []
    for point in points:
        if point is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point)
    if current:
        segments.append(current)
    dash = DASHES[number - 1]
    style = f' stroke-dasharray="{dash}"' if dash else ""
    lines, markers = [], []
    for segment in segments:
        path = " ".join(f"{x},{y}" for x, y, _, _ in segment)
        lines.append(f'<polyline class="compare__line"{style} points="{path}"></polyline>')
    for point in points:
        if point is not None:
            x, y, url, tip = point
            markers.append(
                f'<a href="{escape(url)}" tabindex="-1"><title>{escape(tip)}</title>'
                f"{_marker(SHAPES[number - 1], x, y)}</a>"
            )
    group = f'<g class="compare__series compare__s{number}">'
    return group + "".join(lines) + "</g>", group + "".join(markers) + "</g>"


def timeline_url(query: str) -> str:
    return reverse("statements:timeline") + (f"?{query}" if query else "")


def volume_chart(counts: Counts) -> Chart | None:
    if not counts.periods:
        return None
    n = len(counts.periods)
    top = max([point.statements for row in counts.rows for point in row.points] + [1])
    scale = (HEIGHT - BOTTOM - TOP) / top
    parts, links = _frame([(TOP, f"{top:,}"), (HEIGHT - BOTTOM, "0")], "Statements"), []
    for row in counts.rows:
        points = [
            (
                _x(i, n),
                round(HEIGHT - BOTTOM - point.statements * scale, 2),
                timeline_url(point.url),
                f"{row.series.label}, {period.label}: {point.statements:,} statement"
                + ("" if point.statements == 1 else "s"),
            )
            for i, (point, period) in enumerate(zip(row.points, counts.periods, strict=True))
        ]
        line, markers = _line(row.series.number, points)
        parts.append(line)
        links.append(markers)
    parts.append(_ticks(counts))
    busiest = max(point.statements for row in counts.rows for point in row.points)
    return Chart(
        f"Statements per {counts.step}",
        f"{len(counts.rows)} series from {counts.periods[0].label} to {counts.periods[-1].label}; the busiest "
        f"{counts.step} of any series has {busiest:,} statements. The table below lists every number.",
        mark_safe("".join(parts)),
        mark_safe("".join(links)),
    )


def stance_chart(counts: Counts) -> Chart | None:
    rows = [row for row in counts.rows if row.series.names_target]
    if not counts.periods or not rows:
        return None
    n = len(counts.periods)
    low, high = min(Stance.values), max(Stance.values)
    scale = (HEIGHT - BOTTOM - TOP) / (high - low)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (value - low) * scale, 2)

    labels = [(y(value), f"{'+' if value > 0 else '−' if value < 0 else ''}{abs(value)}") for value in Stance.values]
    parts, links = _frame(labels, "Mean stance"), []
    for row in rows:
        points = []
        for i, (point, period) in enumerate(zip(row.points, counts.periods, strict=True)):
            mean = point.mean_stance
            if mean is None:
                points.append(None)
                continue
            tip = f"{row.series.label}, {period.label}: mean stance {mean:+.2f} over {point.coded} codings"
            points.append((_x(i, n), y(mean), timeline_url(point.url), tip))
        line, markers = _line(row.series.number, points)
        parts.append(line)
        links.append(markers)
    parts.append(_ticks(counts))
    return Chart(
        "Mean stance toward the target",
        f"The mean coded stance, from {stance_words(low)} to {stance_words(high)}, of {len(rows)} series that name a "
        f"target, per {counts.step}; no point where fewer than {MIN_CODED} codings have a stance. The table below "
        "lists every number.",
        mark_safe("".join(parts)),
        mark_safe("".join(links)),
    )
