"""The compare page: up to four series, each a filter of the one StatementFilter, counted per month or year side by
side (docs/compare.md).

A comparison is written in its query string, so its address is its whole state: `s1` to `s4`, each the canonical
query string of one series' filter (`s1=speaker_country%3Dru%26target%3Dus`), `all` for every published statement,
and `step=month` or `step=year` to choose the period rather than let the span choose it. `Comparison.parse` reads
and checks it; `count` counts each series per period (the volume) and, for a series that names a target, the
codings toward it that have a stance (their mean, shown only from MIN_CODED up).

Statements are placed as precisely as their date is known: one known only to the month is in its month, one known
only to the year in its year, and in a comparison by months it is in no month (it is counted apart, per year, and
said so) rather than piled into January. Drafts are never counted: every series starts from the published
statements.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Sum
from django.http import QueryDict

from ..dates import DatePrecision, DateSpan, MonthOf, YearOf
from ..filters import StatementFilter
from ..models import Coding, Statement
from ..reports import grouping_set
from . import rollup

MAX_SERIES = 4
MIN_CODED = 3  # fewer codings with a stance than this in a period: no mean is shown, only their number
MONTHS_AT_MOST = 60  # a span of more months than this is compared by years
ALL = "all"  # a series of every published statement (an empty filter)
SERIES_NAME = re.compile(r"^s([0-9]{1,3})$")
STEP = "step"
MONTH, YEAR = "month", "year"
STEPS = (MONTH, YEAR)
# Names a series' query string may hold besides the filters: the timeline's own, which say nothing about which
# statements (dropped from the canonical form).
NOT_FILTERS = ("sort", "page")
GENERAL = "__all__"


@dataclass
class Series:
    """One series: its number on the page (1–4), its filter and its canonical query string."""

    number: int
    statement_filter: StatementFilter
    query: str  # canonical; "" for every published statement

    @property
    def name(self) -> str:
        return f"s{self.number}"

    @property
    def label(self) -> str:
        return f"Series {self.number}"

    @property
    def in_words(self) -> str:
        return self.statement_filter.in_words()

    @property
    def statements(self):
        return self.statement_filter.qs

    @property
    def summable(self) -> bool:
        """Whether the rollup can count this series (rollup.can_sum)."""
        return rollup.can_sum(self.statement_filter)

    def counted(self, *, exact: bool = False) -> tuple[Counter, dict]:
        """Statements per (year, month, precision), and codings with a stance (how many, their stances' sum): from
        the rollup when it can sum this series, else counted from the statements."""
        if not exact and self.summable:
            return rollup.summed(self.statement_filter)
        conditions = self.coding_conditions
        return volume(self.statements), stances(self.statements, conditions) if conditions else {}

    @property
    def coding_conditions(self) -> dict | None:
        """What a coding must match to be averaged: the series names a target (and perhaps a stance or act)."""
        conditions = self.statement_filter.coding_conditions()
        if conditions and (conditions["countries"] or conditions["officials"]):
            return conditions
        return None

    @property
    def names_target(self) -> bool:
        return self.coding_conditions is not None

    def period_query(self, first: DateSpan, last: DateSpan) -> str:
        """The series' query string narrowed to a period, within the series' own dates: the statements behind one
        point on the timeline."""
        params = QueryDict(self.query, mutable=True)
        cleaned = self.statement_filter.form.cleaned_data
        own_from, own_to = cleaned.get("date_from"), cleaned.get("date_to")
        params["date_from"] = own_from.iso if own_from and own_from.first > first.first else first.iso
        params["date_to"] = own_to.iso if own_to and own_to.last < last.last else last.iso
        return params.urlencode()


@dataclass
class Comparison:
    """The series a query string asks for, or what is wrong with it (`errors`: messages by field, `s1` to `s4`,
    `step`, or GENERAL)."""

    series: list[Series] = field(default_factory=list)
    step: str = ""  # MONTH, YEAR, or "" to let the span choose
    errors: dict[str, list[str]] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)  # each series as typed, to show it again in the form
    clean: bool = True  # whether the query string is already in its canonical form

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @classmethod
    def parse(cls, data: QueryDict) -> "Comparison":
        comparison = cls()
        values: list[tuple[int, str]] = []
        for name, given in data.lists():
            match = SERIES_NAME.match(name)
            if name == STEP:
                comparison.step = given[-1].strip()
                if len(given) > 1:
                    comparison.clean = False
                if comparison.step not in (*STEPS, ""):
                    comparison.error(STEP, f"“{comparison.step}” is not a step: choose month or year.")
            elif match:
                values += [(int(match[1]), value) for value in given]
            else:
                comparison.clean = False  # not part of a comparison (utm_source=…): left out of the address
        values.sort(key=lambda item: item[0])
        filled = [(number, value.strip()) for number, value in values if value.strip()]
        if len(filled) != len(values):
            comparison.clean = False
        comparison.typed = {f"s{number}": value for number, value in filled if 1 <= number <= MAX_SERIES}
        beyond = sorted({f"s{number}" for number, _ in filled if number > MAX_SERIES or number == 0})
        if beyond:
            comparison.error(
                GENERAL, f"There are only {MAX_SERIES} series, s1 to s{MAX_SERIES}: not {', '.join(beyond)}."
            )
            return comparison
        if len(filled) > MAX_SERIES:
            comparison.error(
                GENERAL, f"Compare at most {MAX_SERIES} series at once; this link has {len(filled)}. Remove one."
            )
            return comparison
        if [number for number, _ in filled] != list(range(1, len(filled) + 1)):
            comparison.clean = False  # s2 and s4 given: renumbered s1 and s2
        datas, comparison.typed = [], {}
        for position, (_, value) in enumerate(filled, start=1):
            comparison.typed[f"s{position}"] = value
            datas.append(comparison._series_data(f"s{position}", value))
        if comparison.errors:
            return comparison
        filters = StatementFilter.read_together(datas, queryset=Statement.objects.published())
        for position, (statement_filter, (_, value)) in enumerate(zip(filters, filled, strict=True), start=1):
            name = f"s{position}"
            if not statement_filter.is_valid():
                for field_name, messages in statement_filter.errors.items():
                    label = (
                        statement_filter.form.fields[field_name].label
                        if field_name in statement_filter.form.fields
                        else ""
                    )
                    comparison.errors.setdefault(name, []).extend(
                        f"{label}: {message}" if label else message for message in messages
                    )
                continue
            query = statement_filter.canonical_query(keep_page=False)
            if value != (query or ALL):
                comparison.clean = False
            comparison.series.append(Series(position, statement_filter, query))
        return comparison

    def _series_data(self, name: str, value: str) -> QueryDict:
        """A series' query string as the filter reads it: a timeline address pasted whole is read from its "?" on;
        names that are not filters are refused (a malformed series), the timeline's order and page dropped."""
        if value == ALL:
            return QueryDict()
        text = value.split("?", 1)[1] if "?" in value else value
        if "=" not in text:
            self.error(name, f"“{value}” is not a filter: give a timeline address or its query, e.g. target=us.")
            return QueryDict()
        data = QueryDict(text, mutable=True)
        for param in list(data):
            if param in NOT_FILTERS:
                del data[param]
            elif param not in StatementFilter.base_filters:
                self.error(name, f"“{param}” is not a filter of the timeline.")
        return data

    def canonical_query(self) -> str:
        pairs = [(series.name, series.query or ALL) for series in self.series]
        if self.step:
            pairs.append((STEP, self.step))
        return urlencode(pairs)


# --- Counting ------------------------------------------------------------------------------------------------------


@dataclass
class Point:
    """One series in one period: its statements and, for a series that names a target, its codings with a stance."""

    statements: int = 0
    coded: int = 0
    stance_total: int = 0
    url: str = ""  # the timeline's query string of the statements behind the point

    @property
    def mean_stance(self) -> float | None:
        """The mean stance toward the series' targets, None below MIN_CODED codings with a stance."""
        if self.coded < MIN_CODED:
            return None
        return round(self.stance_total / self.coded, 2)


@dataclass
class Period:
    label: str  # "November 2016", "2016"
    key: str  # "2016-11", "2016": what the timeline's date filters take
    first: datetime.date
    last: datetime.date

    @property
    def span(self) -> DateSpan:
        return DateSpan(self.first, self.last, self.key)


@dataclass
class Counted:
    """A series' counts: a Point per period, and (by months) the statements known only to the year, per year."""

    series: Series
    points: list[Point]
    year_only: dict[int, Point] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(point.statements for point in self.points) + sum(p.statements for p in self.year_only.values())


@dataclass
class Counts:
    step: str
    periods: list[Period]
    rows: list[Counted]

    @property
    def year_only(self) -> list[int]:
        """The years with statements known only to the year, in a comparison by months."""
        return sorted({year for row in self.rows for year in row.year_only})


Key = tuple[int, int | None, str]  # (year, month, date precision)


def volume(statements) -> Counter:
    """Published statements of a filter per (year, month, date precision): one grouped query."""
    rows = (
        grouping_set(statements)
        .annotate(year=YearOf("date"), month=MonthOf("date"))
        .values("year", "month", "date_precision")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({(row["year"], row["month"], row["date_precision"]): row["n"] for row in rows})


def stances(statements, conditions: dict) -> dict[Key, tuple[int, int]]:
    """Codings with a stance that match `conditions` (toward the series' targets), of a filter's statements, per
    (year, month, date precision): (how many, the sum of their stances). One grouped query."""
    codings = (
        Coding.objects.matching(**conditions)
        .filter(statement__in=statements.order_by().values("pk"), stance__isnull=False)
        .annotate(
            year=YearOf("statement__date"),
            month=MonthOf("statement__date"),
            precision=F("statement__date_precision"),
        )
        .values("year", "month", "precision")
        .annotate(n=Count("pk"), total=Sum("stance"))
        .order_by()
    )
    return {(row["year"], row["month"], row["precision"]): (row["n"], row["total"]) for row in codings}


def choose_step(volumes: list[Counter]) -> str:
    """Months, unless they would be more than MONTHS_AT_MOST or most statements are known only to the year (they
    have no month to be drawn in)."""
    total = sum(n for counts in volumes for n in counts.values())
    year_only = sum(
        n for counts in volumes for (_, _, precision), n in counts.items() if precision == DatePrecision.YEAR
    )
    months = [
        (year, month) for counts in volumes for year, month, precision in counts if precision != DatePrecision.YEAR
    ]
    if not months or year_only * 2 >= total:
        return YEAR
    (first_year, first_month), (last_year, last_month) = min(months), max(months)
    return MONTH if (last_year - first_year) * 12 + last_month - first_month + 1 <= MONTHS_AT_MOST else YEAR


def periods(step: str, keys: list[Key]) -> list[Period]:
    """Every period from the first statement's to the last's (empty ones included: the series stay aligned)."""
    if step == YEAR:
        years = [year for year, _, _ in keys]
        return (
            [
                Period(str(y), f"{y:04d}", datetime.date(y, 1, 1), datetime.date(y, 12, 31))
                for y in range(min(years), max(years) + 1)
            ]
            if years
            else []
        )
    months = [(year, month) for year, month, precision in keys if precision != DatePrecision.YEAR]
    if not months:
        return []
    (year, month), end = min(months), max(months)
    found = []
    while (year, month) <= end:
        span = DateSpan.of(datetime.date(year, month, 1), DatePrecision.MONTH)
        found.append(Period(f"{span.first:%B %Y}", span.text, span.first, span.last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def count(series: list, step: str = "", *, exact: bool = False) -> Counts:
    """Each series counted per period, on one axis: one query per series, and one more per series that names a
    target. A series is anything with `counted`, `names_target` and `period_query` (a
    compare page's Series, a relations page's direction); `step` is MONTH, YEAR or "" to let the span choose. A
    series that can be is summed from the rollup (one query, rollup.py) unless `exact`: then, and for the others,
    its statements and codings are counted (one grouped query each)."""
    volumes, coded = [], []
    for one in series:
        counted, stanced = one.counted(exact=exact)
        volumes.append(counted)
        coded.append(stanced)
    keys = [key for counts in volumes for key in counts]
    step = step or choose_step(volumes)
    axis = periods(step, keys)
    index = {period.key: i for i, period in enumerate(axis)}
    rows = []
    for one, counts, codings in zip(series, volumes, coded, strict=True):
        row = Counted(one, [Point() for _ in axis])
        for (year, month, precision), n in counts.items():
            point = row_point(row, index, step, year, month, precision)
            point.statements += n
        for (year, month, precision), (n, total) in codings.items():
            point = row_point(row, index, step, year, month, precision)
            point.coded += n
            point.stance_total += total
        for point, period in zip(row.points, axis, strict=True):
            point.url = one.period_query(period.span, period.span)
        rows.append(row)
    for row in rows:  # every series has a point in each year of statements known only to the year: aligned
        for year in sorted({year for other in rows for year in other.year_only}):
            point = row.year_only.setdefault(year, Point())
            span = DateSpan.of(datetime.date(year, 1, 1), DatePrecision.YEAR)
            point.url = row.series.period_query(span, span)
    return Counts(step, axis, rows)


def row_point(row: Counted, index: dict[str, int], step: str, year: int, month: int, precision: str) -> Point:
    """The point a statement's date falls in: its month or year; by months, one known only to the year is apart."""
    if step == YEAR:
        return row.points[index[f"{year:04d}"]]
    if precision == DatePrecision.YEAR:
        return row.year_only.setdefault(year, Point())
    return row.points[index[f"{year:04d}-{month:02d}"]]
