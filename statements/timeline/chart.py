"""Volume over time: statements per month (or per year for long spans), laid out for a server-side SVG bar chart."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..planner import FirstMatches
from .querystrings import without_dates

# Beyond ten years of months the bars get too thin to read or click; the chart switches to one bar per year.
MAX_MONTH_BARS = 120
WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 14, 40
MAX_BAR_WIDTH = 48  # one or two bars should not fill the whole chart
# Axis labels start at their bar and take up to LABEL_WIDTH units: four digits at 22px, the small-screen size, in
# DejaVu Sans (0.64 em a digit), with a little to spare. The first bar's own label is dropped when the next label
# starts closer than that ("2016" over "2017"); a label that would run past the right edge moves left to fit, and
# is dropped if that brings it as close to the one before ("202" cut off on a phone).
LABEL_WIDTH = 58
# A short span (a few months) names each bar's month and year ("Nov 2016"): eight characters at the same size.
MONTH_LABEL_WIDTH = 115
MONTHS_NAMED = 4


@dataclass
class Bar:
    label: str
    count: int
    date_from: str
    date_to: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    tick: str = ""  # an x-axis label shown under this bar, if any
    tick_x: float = 0  # where that label starts: the bar's x, or less at the right edge
    url: str = ""  # the current filter narrowed to this bar's month or year (link_bars)


@dataclass
class VolumeChart:
    bars: list[Bar]
    unit: str  # "month" or "year"
    max_count: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT
    markup: dict[str, str] = field(default_factory=dict)  # the bars as escaped SVG and table rows (bar_markup)

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.top

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]


def next_month(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)


def month_counts_for_matches(matches: FirstMatches) -> dict[datetime.date, int]:
    """Matches per calendar month, keyed on the month's first day (year-precision statements count in January)."""
    per_month = Counter(matches.months)  # "YYYY-MM"
    return {datetime.date(int(month[:4]), int(month[5:7]), 1): n for month, n in per_month.items()}


def chart_for_matches(matches: FirstMatches, params) -> VolumeChart | None:
    """The chart of the matches the timeline has read, each bar linking to the filter narrowed to its period."""
    return link_bars(chart_from_counts(month_counts_for_matches(matches)), params)


def chart_from_counts(counts: dict[datetime.date, int]) -> VolumeChart | None:
    """The chart for statements already counted per month (the first day of each month), or None if empty."""
    if not counts:
        return None
    first, last = min(counts), max(counts)
    bars: list[Bar] = []
    if (last.year - first.year) * 12 + last.month - first.month + 1 <= MAX_MONTH_BARS:
        unit, month = "month", first
        named = (last.year - first.year) * 12 + last.month - first.month + 1 <= MONTHS_NAMED
        while month <= last:
            key = f"{month.year:04d}-{month.month:02d}"
            bar = Bar(month.strftime("%B %Y"), counts.get(month, 0), key, key)
            if named:  # one month filtered is "Nov 2016", not a lone "2016" on a month axis
                bar.tick = month.strftime("%b %Y")
            elif month == first or month.month == 1:
                bar.tick = str(month.year)
            bars.append(bar)
            month = next_month(month)
    else:
        unit = "year"
        per_year: dict[int, int] = {}
        for month, n in counts.items():
            per_year[month.year] = per_year.get(month.year, 0) + n
        for year in range(first.year, last.year + 1):
            bar = Bar(str(year), per_year.get(year, 0), str(year), str(year))
            bar.tick = str(year) if year % 5 == 0 or year == first.year else ""
            bars.append(bar)
    max_count = max(bar.count for bar in bars)
    chart = VolumeChart(bars=bars, unit=unit, max_count=max_count, total=sum(counts.values()))
    slot = (chart.plot_right - LEFT) / len(bars)
    plot_height = chart.plot_bottom - TOP
    for i, bar in enumerate(bars):
        bar.width = round(min(max(slot * 0.8, 1), MAX_BAR_WIDTH), 2)
        bar.x = round(LEFT + i * slot + (slot - bar.width) / 2, 2)
        bar.tick_x = min(bar.x, WIDTH - (MONTH_LABEL_WIDTH if len(bar.tick) > 4 else LABEL_WIDTH))
        bar.height = round(plot_height * bar.count / max_count, 2) if max_count else 0
        bar.y = round(chart.plot_bottom - bar.height, 2)
    ticked = [bar for bar in bars if bar.tick]
    if len(ticked) > 1 and ticked[1].tick_x - ticked[0].tick_x < LABEL_WIDTH:
        ticked.pop(0).tick = ""  # the first bar's own label, too close to the next January's
    if len(ticked) > 1 and ticked[-1].tick_x - ticked[-2].tick_x < LABEL_WIDTH:
        ticked.pop().tick = ""  # the last label, moved left to fit, too close to the one before
    return chart


def link_bars(chart: VolumeChart | None, params) -> VolumeChart | None:
    """Give every bar the query string of the current filters narrowed to its period (back to page 1), then the
    chart its markup (bar_markup).

    Built from one copy of the filters: a {% querystring %} per bar would copy and encode them for each of up to
    120 bars (docs/performance.md).
    """
    if chart:
        prefix = without_dates(params)
        for bar in chart.bars:
            bar.url = f"{prefix}{urlencode({'date_from': bar.date_from, 'date_to': bar.date_to})}"
        chart.markup = bar_markup(chart)
    return chart


def bar_markup(chart: VolumeChart) -> dict[str, str]:
    """The bars as SVG and table markup, built here rather than in three template loops over 120 bars.

    The template language resolves every variable through several lookups: for ten years of months the loops
    cost more than the rest of the page, and format_html_join was slower too (docs/performance.md). Every text is
    escaped; the numbers are the chart's own.
    """
    plot_bottom, top, plot_height = chart.plot_bottom, chart.top, chart.plot_height
    bars, links, rows = [], [], []
    for bar in chart.bars:
        url, label = escape(bar.url), escape(bar.label)
        tick = f'<text class="chart__label" x="{bar.tick_x}" y="{plot_bottom + 18}">{escape(bar.tick)}</text>'
        bars.append(
            f'<rect class="chart__bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}"></rect>'
            + (tick if bar.tick else "")
        )
        links.append(
            f'<a href="{url}" tabindex="-1"><rect x="{bar.x}" y="{top}" width="{bar.width}" height="{plot_height}">'
            f"<title>{label}: {bar.count}</title></rect></a>"
        )
        heading = f'<a href="{url}">{label}</a>' if bar.count else label
        rows.append(f'<tr><th scope="row">{heading}</th><td>{bar.count}</td></tr>')
    return {"bars": mark_safe("".join(bars)), "links": mark_safe("".join(links)), "rows": mark_safe("".join(rows))}
