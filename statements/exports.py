"""CSV export: the column registry (declared once, in order), formula neutralisation and a streaming writer.

The export, the CSV reports and the CSV import all use these columns and this neutralisation, so a file we write
can be read back exactly. The column schema is documented in docs/csv.md; a test keeps the two in step.
"""

import csv
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify

from .models import Country, Official, Statement, Topic

logger = logging.getLogger(__name__)

# Rows fetched per database round trip; each chunk costs one fetch plus one query per prefetched relation.
EXPORT_CHUNK_SIZE = 2000
# Multi-valued cells (topics, countries, officials mentioned) join their names with this.
MULTI_VALUE_SEPARATOR = "; "
UTF8_BOM = "\ufeff"
# OWASP "CSV Injection": a cell starting with one of these may be run as a formula by a spreadsheet.
# Line feed is not in OWASP's list but some spreadsheets treat it like carriage return, so it is neutralised too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
ERROR_MARKER = "#ERROR"

UrlBuilder = Callable[[str], str]


def needs_neutralising(value: str) -> bool:
    """True when a spreadsheet could read the cell as a formula, or it already looks like a neutralised one.

    A cell such as "'=x" (a real leading quote) also gets a quote, so that removing one quote on import is exact.
    """
    return value.lstrip("'").startswith(FORMULA_TRIGGERS)


def neutralise(value: str) -> str:
    """Prefix a single quote to a cell a spreadsheet would run as a formula (OWASP's recommendation)."""
    return "'" + value if needs_neutralising(value) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so an exported file imports back to the same text."""
    if value.startswith("'") and needs_neutralising(value[1:]):
        return value[1:]
    return value


def names(objects: Iterable) -> str:
    return MULTI_VALUE_SEPARATOR.join(obj.name for obj in objects)


def iso_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def iso_utc(value: datetime.datetime | None) -> str:
    """ISO 8601 in UTC with a Z, to the second: 2016-11-11T09:30:00Z."""
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Callable[[Statement, UrlBuilder], str]


def _source_attr(attribute: str) -> Callable[[Statement, UrlBuilder], str]:
    def value(statement: Statement, absolute_url: UrlBuilder) -> str:
        return str(getattr(statement.source, attribute)) if statement.source else ""

    return value


# The export's columns, in file order. Changing a name or the order breaks users' scripts: add new columns at the end.
COLUMNS: tuple[Column, ...] = (
    Column("id", "The statement's id in this database.", lambda s, url: str(s.pk)),
    Column("permalink", "The statement's public page.", lambda s, url: url(s.get_absolute_url())),
    Column(
        "date", "YYYY-MM-DD; the first day of the month or year when less precise.", lambda s, url: iso_date(s.date)
    ),
    Column("date_precision", "day, month or year.", lambda s, url: s.date_precision),
    Column("speaker", "The official's name.", lambda s, url: s.speaker.name),
    Column("speaker_role", "The speaker's position on that date.", lambda s, url: s.role_on_date()),
    Column(
        "speaker_country_code",
        "ISO 3166-1 alpha-2 code of the speaker's country.",
        lambda s, url: s.speaker.country.code if s.speaker.country else "",
    ),
    Column(
        "speaker_country",
        "Name of the speaker's country.",
        lambda s, url: s.speaker.country.name if s.speaker.country else "",
    ),
    Column("kind", "direct (a quote) or paraphrase.", lambda s, url: s.kind),
    Column("text", "The statement in English.", lambda s, url: s.text),
    Column("original_text", "The words in the language they were said, if known.", lambda s, url: s.original_text),
    Column("original_language", "ISO 639-1 code of original_text.", lambda s, url: s.original_language),
    Column("topics", "Topic names, separated by '; '.", lambda s, url: names(s.topics.all())),
    Column(
        "countries", "Names of the countries concerned, separated by '; '.", lambda s, url: names(s.countries.all())
    ),
    Column(
        "officials_mentioned",
        "Names of officials mentioned, separated by '; '.",
        lambda s, url: names(s.mentioned_officials.all()),
    ),
    Column("outlet", "Who published the source (TASS).", lambda s, url: s.source.outlet.name if s.source else ""),
    Column("source_title", "Title of the source.", _source_attr("title")),
    Column("source_url", "URL of the source.", _source_attr("url")),
    Column(
        "source_date",
        "Publication date of the source, YYYY-MM-DD.",
        lambda s, url: iso_date(getattr(s.source, "published_on", None)),
    ),
    Column("medium", "interview, press_conference, article… (the source's medium).", _source_attr("medium")),
    Column("updated_at", "When the statement last changed, ISO 8601 UTC.", lambda s, url: iso_utc(s.updated_at)),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)


def export_queryset(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """Add what the columns read, so each chunk of rows costs a fixed number of queries. Keeps the given order."""
    return (
        statements.with_role()
        .select_related("speaker__country", "source__outlet")
        .prefetch_related(
            # Explicit querysets: names in a stable order, and only the columns we print.
            Prefetch("topics", queryset=Topic.objects.order_by("name").only("name")),
            Prefetch("countries", queryset=Country.objects.order_by("name").only("name")),
            Prefetch("mentioned_officials", queryset=Official.objects.order_by("name").only("name")),
        )
    )


def statement_rows(
    statements: QuerySet[Statement], *, absolute_url: UrlBuilder, chunk_size: int = EXPORT_CHUNK_SIZE
) -> Iterator[list[str]]:
    """One list of cells per statement, in the queryset's order, reading the database a chunk at a time."""
    for statement in export_queryset(statements).iterator(chunk_size=chunk_size):
        yield [column.value(statement, absolute_url) for column in COLUMNS]


class Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[str]], *, bom: bool = False) -> Iterator[str]:
    """CSV text line by line, every cell neutralised; a failure part-way ends the file with a marked error row."""
    # QUOTE_ALL as OWASP recommends: every cell in double quotes, so an embedded delimiter cannot start a new cell.
    writer = csv.writer(Echo(), quoting=csv.QUOTE_ALL)
    if bom:
        yield UTF8_BOM
    yield writer.writerow([neutralise(cell) for cell in header])
    written = 0
    try:
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])
            written += 1
    except Exception:
        # The status line and headers are already sent, so the only way to say "this failed" is in the file itself.
        logger.exception("CSV export failed after %d rows", written)
        yield writer.writerow(
            [f"{ERROR_MARKER}: export incomplete — the server failed after {written} rows. Download the file again."]
        )


def export_filename(prefix: str, params: Iterable[tuple[str, str]], *, now: datetime.datetime) -> str:
    """statements_<filters>_<YYYYMMDD-HHMM>.csv with only letters, digits, '-' and '_' (safe in every header)."""
    parts = [slugify(f"{name}-{value}") for name, value in params if value.strip()]
    summary = "_".join(part for part in parts if part)[:100].strip("_-") or "all"
    return f"{prefix}_{summary}_{now.astimezone(datetime.UTC):%Y%m%d-%H%M}.csv"
