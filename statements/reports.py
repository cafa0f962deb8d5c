"""CSV reports: aggregate tables of a filtered set of statements (per month and topic, per speaker, per country)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import TruncMonth

from .exports import iso_date
from .models import Statement

# Shown for statements that have no topic / no country concerned, so every filtered statement is counted.
NONE_LABEL = "(none)"


def _clean_set(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """The same statements with no joins, ordering or annotations, so grouping counts each statement once per group.

    Grouping the filtered queryset directly would reuse the filter's joins: filtering on one topic would then
    hide every other topic of the matching statements.
    """
    return Statement.objects.filter(pk__in=statements.order_by().values("pk")).order_by()


def grouping_set(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """`statements` ready to be grouped by their own columns. A filter's query that joins no other table (every
    StatementFilter condition is a test of the row, an EXISTS or an IN subquery) is grouped as it is: one pass over
    its matches. One that joins (a caller's own `.filter(topics=…)`) goes through `_clean_set`, so that a join
    cannot count a statement twice."""
    query = statements.query
    if len(query.alias_map) <= 1 and not query.annotations and not query.distinct:
        return statements.order_by()
    return _clean_set(statements)


def month_topic_rows(statements: QuerySet[Statement]) -> Iterator[list[str]]:
    """month, topic, statements: one row per month and topic, oldest month first."""
    grouped = (
        _clean_set(statements)
        .annotate(month=TruncMonth("date"))
        .values("month", "topics__name")
        .annotate(statements=Count("pk", distinct=True))
        .order_by("month", F("topics__name").asc(nulls_last=True))
    )
    for row in grouped:
        yield [row["month"].strftime("%Y-%m"), row["topics__name"] or NONE_LABEL, str(row["statements"])]


def speaker_rows(statements: QuerySet[Statement]) -> Iterator[list[str]]:
    """speaker, speaker_country_code, speaker_country, statements, first_date, last_date; most statements first."""
    grouped = (
        _clean_set(statements)
        .values("speaker_id", "speaker__name", "speaker__country__code", "speaker__country__name")
        .annotate(statements=Count("pk"), first_date=Min("date"), last_date=Max("date"))
        .order_by("-statements", "speaker__name", "speaker_id")
    )
    for row in grouped:
        yield [
            row["speaker__name"],
            row["speaker__country__code"] or "",
            row["speaker__country__name"] or "",
            str(row["statements"]),
            iso_date(row["first_date"]),
            iso_date(row["last_date"]),
        ]


def country_rows(statements: QuerySet[Statement]) -> Iterator[list[str]]:
    """country_code, country, statements: countries concerned, most statements first."""
    grouped = (
        _clean_set(statements)
        .values("countries__code", "countries__name")
        .annotate(statements=Count("pk", distinct=True))
        .order_by("-statements", F("countries__name").asc(nulls_last=True))
    )
    for row in grouped:
        yield [row["countries__code"] or "", row["countries__name"] or NONE_LABEL, str(row["statements"])]


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    header: tuple[str, ...]
    rows: Callable[[QuerySet[Statement]], Iterator[list[str]]]


REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        Report("month-topic", "Statements per month and topic", ("month", "topic", "statements"), month_topic_rows),
        Report(
            "speakers",
            "Statements per speaker",
            ("speaker", "speaker_country_code", "speaker_country", "statements", "first_date", "last_date"),
            speaker_rows,
        ),
        Report(
            "countries", "Statements per country concerned", ("country_code", "country", "statements"), country_rows
        ),
    )
}
