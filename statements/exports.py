"""CSV export: the column registry (declared once, in order), formula neutralisation and a streaming writer.

The export, the CSV reports and the CSV import all use these columns and this neutralisation, so a file we write
can be read back exactly. The column schema is documented in docs/csv.md; a test keeps the two in step.
"""

import csv
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import slugify

from .models import Statement

logger = logging.getLogger(__name__)

# Rows fetched per database round trip; each chunk costs one fetch plus one query per many-to-many field.
EXPORT_CHUNK_SIZE = 2000
# Multi-valued cells (topics, countries, officials mentioned) join their names with this.
MULTI_VALUE_SEPARATOR = "; "
UTF8_BOM = "\ufeff"
# OWASP "CSV Injection": a cell starting with one of these may be run as a formula by a spreadsheet.
# Line feed is not in OWASP's list but some spreadsheets treat it like carriage return, so it is neutralised too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
ERROR_MARKER = "#ERROR"
_TRIGGERS_OR_QUOTE = frozenset(FORMULA_TRIGGERS) | {"'"}

UrlBuilder = Callable[[str], str]


def needs_neutralising(value: str) -> bool:
    """True when a spreadsheet could read the cell as a formula, or it already looks like a neutralised one.

    A cell such as "'=x" (a real leading quote) also gets a quote, so that removing one quote on import is exact.
    """
    # Fast path, the same answer: most cells start with neither a trigger nor a quote (a million rows × 21 cells).
    if not value or value[0] not in _TRIGGERS_OR_QUOTE:
        return False
    return value.lstrip("'").startswith(FORMULA_TRIGGERS)


def neutralise(value: str) -> str:
    """Prefix a single quote to a cell a spreadsheet would run as a formula (OWASP's recommendation)."""
    return "'" + value if needs_neutralising(value) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so an exported file imports back to the same text."""
    if value.startswith("'") and needs_neutralising(value[1:]):
        return value[1:]
    return value


def iso_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def iso_utc(value: datetime.datetime | None) -> str:
    """ISO 8601 in UTC with a Z, to the second: 2016-11-11T09:30:00Z."""
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """What the columns read for one statement: plain values from one values_list() row plus the chunk's names."""

    id: int
    permalink_path: str
    date: datetime.date
    date_precision: str
    speaker: str
    speaker_role: str | None
    speaker_country_code: str | None
    speaker_country: str | None
    kind: str
    text: str
    original_text: str
    original_language: str
    topics: list[str]
    countries: list[str]
    officials_mentioned: list[str]
    has_source: bool
    outlet: str | None
    source_title: str | None
    source_url: str | None
    source_date: datetime.date | None
    medium: str | None
    updated_at: datetime.datetime


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Callable[[ExportRow, UrlBuilder], str]


def _source_attr(attribute: str) -> Callable[[ExportRow, UrlBuilder], str]:
    def value(row: ExportRow, absolute_url: UrlBuilder) -> str:
        return str(getattr(row, attribute)) if row.has_source else ""

    return value


# The export's columns, in file order. Changing a name or the order breaks users' scripts: add new columns at the end.
COLUMNS: tuple[Column, ...] = (
    Column("id", "The statement's id in this database.", lambda r, url: str(r.id)),
    Column("permalink", "The statement's public page.", lambda r, url: url(r.permalink_path)),
    Column(
        "date", "YYYY-MM-DD; the first day of the month or year when less precise.", lambda r, url: iso_date(r.date)
    ),
    Column("date_precision", "day, month or year.", lambda r, url: r.date_precision),
    Column("speaker", "The official's name.", lambda r, url: r.speaker),
    Column("speaker_role", "The speaker's position on that date.", lambda r, url: r.speaker_role or ""),
    Column(
        "speaker_country_code",
        "ISO 3166-1 alpha-2 code of the speaker's country.",
        lambda r, url: r.speaker_country_code or "",
    ),
    Column("speaker_country", "Name of the speaker's country.", lambda r, url: r.speaker_country or ""),
    Column("kind", "direct (a quote) or paraphrase.", lambda r, url: r.kind),
    Column("text", "The statement in English.", lambda r, url: r.text),
    Column("original_text", "The words in the language they were said, if known.", lambda r, url: r.original_text),
    Column("original_language", "ISO 639-1 code of original_text.", lambda r, url: r.original_language),
    Column("topics", "Topic names, separated by '; '.", lambda r, url: MULTI_VALUE_SEPARATOR.join(r.topics)),
    Column(
        "countries",
        "Names of the countries concerned, separated by '; '.",
        lambda r, url: MULTI_VALUE_SEPARATOR.join(r.countries),
    ),
    Column(
        "officials_mentioned",
        "Names of officials mentioned, separated by '; '.",
        lambda r, url: MULTI_VALUE_SEPARATOR.join(r.officials_mentioned),
    ),
    Column("outlet", "Who published the source (TASS).", _source_attr("outlet")),
    Column("source_title", "Title of the source.", _source_attr("source_title")),
    Column("source_url", "URL of the source.", _source_attr("source_url")),
    Column("source_date", "Publication date of the source, YYYY-MM-DD.", lambda r, url: iso_date(r.source_date)),
    Column("medium", "interview, press_conference, article… (the source's medium).", _source_attr("medium")),
    Column("updated_at", "When the statement last changed, ISO 8601 UTC.", lambda r, url: iso_utc(r.updated_at)),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)

# The scalar values each row reads, in ExportRow's order after id (speaker_role is the with_role() annotation).
SCALAR_FIELDS = (
    "id",
    "date",
    "date_precision",
    "speaker__name",
    "speaker_role",
    "speaker__country__code",
    "speaker__country__name",
    "kind",
    "text",
    "original_text",
    "original_language",
    "source_id",
    "source__outlet__name",
    "source__title",
    "source__url",
    "source__published_on",
    "source__medium",
    "updated_at",
)
# Multi-valued cells: the many-to-many field and the related model's field holding the name.
NAME_RELATIONS = (("topics", "topic"), ("countries", "country"), ("mentioned_officials", "official"))
PERMALINK_PLACEHOLDER_PK = 987654321


def export_queryset(statements: QuerySet[Statement]) -> QuerySet:
    """The statements' scalar cells as plain tuples (no model objects), in the given order."""
    # prefetch_related(None): a values_list() row cannot take prefetched objects, and the names are read per chunk.
    return statements.prefetch_related(None).with_role().values_list(*SCALAR_FIELDS)


def names_by_statement(relation: str, target: str, statement_ids: list[int]) -> dict[int, list[str]]:
    """{statement id: names of its related objects, sorted by name} for one many-to-many field, in one query."""
    link = getattr(Statement, relation).through
    found: dict[int, list[str]] = {}
    for statement_id, name in (
        link.objects.filter(statement_id__in=statement_ids)
        .order_by(f"{target}__name")
        .values_list("statement_id", f"{target}__name")
    ):
        found.setdefault(statement_id, []).append(name)
    return found


def permalink_path_parts() -> tuple[str, str]:
    """The statement permalink's path before and after the id, reversed once rather than once per row."""
    placeholder = str(PERMALINK_PLACEHOLDER_PK)
    before, _, after = reverse("statements:statement_detail", kwargs={"pk": PERMALINK_PLACEHOLDER_PK}).partition(
        placeholder
    )
    return before, after


def statement_rows(
    statements: QuerySet[Statement], *, absolute_url: UrlBuilder, chunk_size: int = EXPORT_CHUNK_SIZE
) -> Iterator[list[str]]:
    """One list of cells per statement, in the queryset's order, reading the database a chunk at a time.

    Each chunk costs one read of the cursor plus one query per many-to-many field: names are fetched from the link
    tables for the chunk's ids, so no model object is built per row.
    """
    before_id, after_id = permalink_path_parts()
    no_names: list[str] = []  # shared by rows without topics etc.; never modified
    scalars = export_queryset(statements).iterator(chunk_size=chunk_size)
    while chunk := list(islice(scalars, chunk_size)):
        ids = [values[0] for values in chunk]
        topics, countries, mentioned = (
            names_by_statement(relation, target, ids) for relation, target in NAME_RELATIONS
        )
        for (
            pk,
            date,
            date_precision,
            speaker,
            speaker_role,
            country_code,
            country_name,
            kind,
            text,
            original_text,
            original_language,
            source_id,
            outlet,
            source_title,
            source_url,
            source_date,
            medium,
            updated_at,
        ) in chunk:
            row = ExportRow(
                id=pk,
                permalink_path=f"{before_id}{pk}{after_id}",
                date=date,
                date_precision=date_precision,
                speaker=speaker,
                speaker_role=speaker_role,
                speaker_country_code=country_code,
                speaker_country=country_name,
                kind=kind,
                text=text,
                original_text=original_text,
                original_language=original_language,
                topics=topics.get(pk, no_names),
                countries=countries.get(pk, no_names),
                officials_mentioned=mentioned.get(pk, no_names),
                has_source=source_id is not None,
                outlet=outlet,
                source_title=source_title,
                source_url=source_url,
                source_date=source_date,
                medium=medium,
                updated_at=updated_at,
            )
            yield [column.value(row, absolute_url) for column in COLUMNS]


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
            # The first-character test skips the call for the usual cell; neutralise() alone decides.
            yield writer.writerow([neutralise(cell) if cell[:1] in _TRIGGERS_OR_QUOTE else cell for cell in row])
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
