"""Volume over time: statements per day, week, month or year, laid out for a server-side SVG bar chart.

The step follows the span the chart covers (the filter's dates where given, else the matches' own): days up to
DAY_STEP_DAYS, weeks (from Monday) up to WEEK_STEP_DAYS, months up to MONTH_STEP_MONTHS, years beyond. A
statement is drawn only at a step its date is precise enough for: one known only to the month has no day or week
to stand in, and one known only to the year no month. Those are counted apart, and the chart says how many it
leaves out; when they are the majority the chart steps up to months (or years) instead, where they can be drawn.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..dates import DateSpan
from ..models import DatePrecision
from ..planner import FirstMatches
from .querystrings import without_dates

DAY_STEP_DAYS = 62  # about two months: at most 62 bars of days
WEEK_STEP_DAYS = 183  # about six months: at most 27 bars of weeks
MONTH_STEP_MONTHS = 60  # five years: at most 60 bars of months; beyond, one bar per year
# The axis title has a row of its own under the labels, clear of them at the phone's text size.
WIDTH, HEIGHT = 720, 214
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 14, 54
MAX_BAR_WIDTH = 48  # one or two bars should not fill the whole chart
# Axis labels start at their bar. Their width is estimated at the small-screen size, 22px in DejaVu Sans (0.64 em
# a digit, about the same for the letters of month names), with a little to spare; a label that would run past
# the right edge moves left to fit. Labels are placed most important first (the first bar's, a new year's, a
# new month's), each only where it stays LABEL_GAP clear of those already placed.
CHAR_WIDTH = 14.5
LABEL_GAP = 8
MONTHS_NAMED = 4  # up to this many months, each bar is named with its month and year ("Nov 2016")


@dataclass(frozen=True)
class Step:
    unit: str  # "day", "week", "month" or "year": "Statements per {unit}"
    axis: str  # the x-axis title
    precision: str  # the least precise date a bar of this step can hold


DAY = Step("day", "Day", DatePrecision.DAY)
WEEK = Step("week", "Week (from Monday)", DatePrecision.DAY)
MONTH = Step("month", "Month", DatePrecision.MONTH)
YEAR = Step("year", "Year", DatePrecision.YEAR)
COARSER = {DAY: MONTH, WEEK: MONTH, MONTH: YEAR}
# How precise each precision is: a date can be drawn at any step that needs no more than it gives.
RANK = {DatePrecision.DAY: 3, DatePrecision.MONTH: 2, DatePrecision.YEAR: 1}
KNOWN_ONLY_TO = {DatePrecision.MONTH: "the month", DatePrecision.YEAR: "the year"}


def label_width(text: str) -> int:
    return math.ceil(len(text) * CHAR_WIDTH)


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
    url: str = ""  # the current filter narrowed to this bar's period (link_bars)


@dataclass
class NotDrawn:
    """Statements the chart's step cannot place: `count` of them known only to `to` ("the month")."""

    count: int
    to: str


@dataclass
class VolumeChart:
    bars: list[Bar]
    step: Step
    max_count: int
    total: int  # the statements drawn
    not_drawn: list[NotDrawn] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT
    markup: dict[str, str] = field(default_factory=dict)  # the bars as escaped SVG and table rows (bar_markup)

    @property
    def unit(self) -> str:
        return self.step.unit

    @property
    def axis_title(self) -> str:
        """The step and the year of its labels: "Day, 2016", "Week (from Monday), 2016–2017", "Year"."""
        if self.step is YEAR:
            return self.step.axis
        first, last = self.first.date_from[:4], self.last.date_to[:4]
        return f"{self.step.axis}, {first}" + (f"–{last}" if last != first else "")

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.top

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]


def counts_for_matches(matches: FirstMatches) -> Counter:
    """Matches per (date, precision): the stored date and how precisely it is known (planner.first_matches)."""
    counts: Counter = Counter()
    for text, n in matches.per_date.items():  # a few thousand distinct dates at most, parsed once each
        day, _, precision = text.partition(" ")
        counts[(datetime.date.fromisoformat(day), precision or DatePrecision.DAY)] += n
    return counts


def chart_for_matches(
    matches: FirstMatches, params, *, date_from: DateSpan | None = None, date_to: DateSpan | None = None
) -> VolumeChart | None:
    """The chart of the matches the timeline has read over the filter's dates, each bar linking to the filter
    narrowed to its period."""
    first = date_from.first if date_from else None
    last = date_to.last if date_to else None
    return link_bars(chart_from_counts(counts_for_matches(matches), first=first, last=last), params)


def choose_step(first: datetime.date, last: datetime.date) -> Step:
    if (last - first).days + 1 <= DAY_STEP_DAYS:
        return DAY
    if (last - first).days + 1 <= WEEK_STEP_DAYS:
        return WEEK
    if (last.year - first.year) * 12 + last.month - first.month + 1 <= MONTH_STEP_MONTHS:
        return MONTH
    return YEAR


def drawable(counts: Counter, step: Step) -> int:
    return sum(n for (_, precision), n in counts.items() if RANK.get(precision, 0) >= RANK[step.precision])


def chart_from_counts(
    counts: Counter | dict, *, first: datetime.date | None = None, last: datetime.date | None = None
) -> VolumeChart | None:
    """The chart for statements counted per (date, precision), or None if there are none.

    It covers `first` to `last` (the filter's bounds) where given, and the statements' own dates otherwise or where
    they reach beyond (a chart of the first matches of a long list); a chart of years covers only the statements'
    years, so that an open-ended filter (from the year 1) does not draw centuries of nothing.
    """
    counts = Counter(counts)
    if not counts:
        return None
    dates = [day for day, _ in counts]
    first = min([first, *dates]) if first else min(dates)
    last = max([last, *dates]) if last else max(dates)
    step = choose_step(first, last)
    total = sum(counts.values())
    while step in COARSER and drawable(counts, step) * 2 < total:
        step = COARSER[step]  # most are less precise than the step: a coarser chart can draw them
    if step is YEAR:
        first, last = min(dates), max(dates)
    bars, index = _periods(step, first, last)
    not_drawn: Counter = Counter()
    for (day, precision), n in counts.items():
        if RANK.get(precision, 0) < RANK[step.precision]:
            not_drawn[precision] += n
        else:
            bars[index(day)].count += n
    max_count = max(bar.count for bar in bars)
    chart = VolumeChart(
        bars=bars,
        step=step,
        max_count=max_count,
        total=total - sum(not_drawn.values()),
        not_drawn=[NotDrawn(not_drawn[p], KNOWN_ONLY_TO[p]) for p in KNOWN_ONLY_TO if not_drawn[p]],
    )
    _lay_out(chart, _candidates(step, bars, first))
    return chart


def _month(first: datetime.date, i: int) -> datetime.date:
    """The first day of the i-th month from `first`'s."""
    year, month = divmod(first.month - 1 + i, 12)
    return datetime.date(first.year + year, month + 1, 1)


def _periods(step: Step, first: datetime.date, last: datetime.date):
    """The step's empty bars from `first` to `last`, and a function giving the bar index of a date. Counted, not
    stepped past `last`: no date after 9999-12-31 is ever made."""
    bars = []
    if step is DAY:
        for i in range((last - first).days + 1):
            day = first + datetime.timedelta(days=i)
            bars.append(Bar(f"{day.day} {day:%B %Y}", 0, day.isoformat(), day.isoformat()))
        return bars, lambda d: (d - first).days
    if step is WEEK:
        monday = first - datetime.timedelta(days=first.weekday())
        for i in range((last - monday).days // 7 + 1):
            week = monday + datetime.timedelta(days=7 * i)
            # A week cut by the filter's bounds links to the days of it inside them.
            start = max(week, first)
            end = last if (last - week).days < 7 else week + datetime.timedelta(days=6)
            bars.append(Bar(f"week of {week.day} {week:%b %Y}", 0, start.isoformat(), end.isoformat()))
        return bars, lambda d: (d - monday).days // 7
    if step is MONTH:
        for i in range((last.year - first.year) * 12 + last.month - first.month + 1):
            month = _month(first, i)
            key = f"{month.year:04d}-{month.month:02d}"
            bars.append(Bar(f"{month:%B %Y}", 0, key, key))
        return bars, lambda d: (d.year - first.year) * 12 + d.month - first.month
    for year in range(first.year, last.year + 1):
        bars.append(Bar(str(year), 0, f"{year:04d}", f"{year:04d}"))
    return bars, lambda d: d.year - first.year


def _candidates(step: Step, bars: list[Bar], first: datetime.date) -> list[tuple[int, int, str]]:
    """Possible x-axis labels as (importance, bar index, text), 0 the most important; _lay_out keeps those that fit.

    Labels at a regular stride wide enough for them (every Monday or every other one for days, every few weeks,
    months or years), the first bar's, and each January's as its year on a chart of months across years. The
    axis title gives the year of days, weeks and months (VolumeChart.axis_title)."""
    slot = (WIDTH - RIGHT - LEFT) / len(bars)
    candidates = []
    if step is YEAR:
        stride = _stride(slot, "2016", [1, 2, 5, 10, 20, 50, 100])
        for i, bar in enumerate(bars):
            if i == 0 or (first.year + i) % stride == 0:
                candidates.append((0 if i == 0 else 1, i, bar.label))
    elif step is MONTH:
        named = len(bars) <= MONTHS_NAMED  # one month filtered is "Nov 2016", not a lone "2016" on a month axis
        stride = _stride(slot, "Sep", [1, 2, 3, 6, 12])
        years = bars[0].date_from[:4] != bars[-1].date_from[:4]  # a January is then its year
        for i in range(len(bars)):
            month = _month(first, i)
            if named:
                candidates.append((0, i, f"{month:%b %Y}"))
            elif month.month == 1 and years:
                candidates.append((0 if i == 0 else 1, i, str(month.year)))
            elif i == 0:
                candidates.append((0, i, str(month.year) if stride == 12 else f"{month:%b}"))
            elif (month.month - 1) % stride == 0:
                candidates.append((2, i, f"{month:%b}"))
    else:  # days or weeks, "3 Nov" (a week by its Monday)
        days = 1 if step is DAY else 7
        start = first if step is DAY else first - datetime.timedelta(days=first.weekday())
        stride = _stride(slot, "30 Nov", [1, 2, 7, 14] if step is DAY else [1, 2, 4, 8])
        monday = start - datetime.timedelta(days=start.weekday())
        for i in range(len(bars)):
            day = start + datetime.timedelta(days=i * days)
            if step is DAY and stride >= 7:  # on Mondays
                regular = day.weekday() == 0 and (day - monday).days // 7 % (stride // 7) == 0
            else:
                regular = i % stride == 0
            if i == 0 or regular:
                candidates.append((0 if i == 0 else 1, i, f"{day.day} {day:%b}"))
    return candidates


def _stride(slot: float, widest: str, strides: list[int]) -> int:
    """The smallest stride (in bars) at which labels as wide as `widest` do not touch."""
    for stride in strides:
        if stride * slot >= label_width(widest) + LABEL_GAP:
            return stride
    return strides[-1]


def _lay_out(chart: VolumeChart, candidates: list[tuple[int, int, str]]) -> None:
    """Place the bars, then the labels most important first, each only where it is clear of those placed."""
    bars = chart.bars
    slot = (chart.plot_right - LEFT) / len(bars)
    plot_height = chart.plot_bottom - TOP
    for i, bar in enumerate(bars):
        bar.width = round(min(max(slot * 0.8, 1), MAX_BAR_WIDTH), 2)
        bar.x = round(LEFT + i * slot + (slot - bar.width) / 2, 2)
        bar.height = round(plot_height * bar.count / chart.max_count, 2) if chart.max_count else 0
        bar.y = round(chart.plot_bottom - bar.height, 2)
    placed: list[tuple[float, float]] = []
    for _, i, text in sorted(candidates):
        bar, width = bars[i], label_width(text)
        x = min(bar.x, WIDTH - width)
        if not any(x < end + LABEL_GAP and start < x + width + LABEL_GAP for start, end in placed):
            bar.tick, bar.tick_x = text, x
            placed.append((x, x + width))


def link_bars(chart: VolumeChart | None, params) -> VolumeChart | None:
    """Give every bar the query string of the current filters narrowed to its period (back to page 1), then the
    chart its markup (bar_markup).

    Built from one copy of the filters: a {% querystring %} per bar would copy and encode them for each of up to
    62 bars (docs/performance.md).
    """
    if chart:
        prefix = without_dates(params)
        for bar in chart.bars:
            bar.url = f"{prefix}{urlencode({'date_from': bar.date_from, 'date_to': bar.date_to})}"
        chart.markup = bar_markup(chart)
    return chart


def bar_markup(chart: VolumeChart) -> dict[str, str]:
    """The bars as SVG and table markup, built here rather than in three template loops over up to 62 bars.

    The template language resolves every variable through several lookups: for many bars the loops cost more
    than the rest of the page, and format_html_join was slower too (docs/performance.md). Every text is escaped;
    the numbers are the chart's own.
    """
    plot_bottom, top, plot_height = chart.plot_bottom, chart.top, chart.plot_height
    bars, links, rows = [], [], []
    for bar in chart.bars:
        url, label = escape(bar.url), escape(bar.label)
        tick = (
            f'<text class="chart__label chart__tick" x="{bar.tick_x}" y="{plot_bottom + 18}">{escape(bar.tick)}</text>'
        )
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
