"""CSV export: the column registry (declared once, in order), formula neutralisation and a streaming writer.

The export, the CSV reports and the CSV import all use these columns and this neutralisation, so a file we write
can be read back exactly. The column schema is documented in docs/csv.md; a test keeps the two in step.
"""

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Case, CharField, F, Func, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, Coalesce, Concat
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.text import slugify

from . import changes
from .lost_connections import close_lost_connections, connection_lost, count
from .models import Coding, Country, Official, Report, Statement, StatementLink, Status, Topic
from .positions.codebook import NO_STANCE, SpeechAct, Stance

logger = logging.getLogger(__name__)

# Rows fetched per database round trip (one query for the whole export, read a chunk at a time).
EXPORT_CHUNK_SIZE = 2000
# Multi-valued cells (topics, countries, officials mentioned) join their names with this.
MULTI_VALUE_SEPARATOR = "; "
UTF8_BOM = "\ufeff"
# A streamed response sends the CSV in chunks of about this many characters (64 KB for ASCII text).
STREAM_CHUNK_SIZE = 64 * 1024
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


def neutralised(cells: Iterable[str]) -> list[str]:
    """Every cell of a row neutralised; the first-character test skips the call for the usual cell."""
    return [neutralise(cell) if cell[:1] in _TRIGGERS_OR_QUOTE else cell for cell in cells]


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so an exported file imports back to the same text."""
    if value.startswith("'") and needs_neutralising(value[1:]):
        return value[1:]
    return value


def iso_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


class IsoDate(Func):
    """A date as YYYY-MM-DD text, written by the database ('' for NULL)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores a DateField in SQLite as date.isoformat() text already.
        return self.as_sql(compiler, connection, template="COALESCE(%(expressions)s, '')", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "COALESCE(to_char(%(expressions)s, 'YYYY-MM-DD'), '')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class IsoUtc(Func):
    """A datetime as ISO 8601 in UTC to the second (2016-11-11T09:30:00Z), written by the database ('' for NULL)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores an aware datetime in SQLite as UTC text ("2016-11-11 09:30:00.123456"); strftime's %S
        # truncates the fraction, as Python's strftime did.
        template = "COALESCE(strftime(%(format)s, %(expressions)s), '')"
        return self._with_format(compiler, connection, template, "%Y-%m-%dT%H:%M:%SZ", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "COALESCE(to_char(%(expressions)s AT TIME ZONE 'UTC', %(format)s), '')"
        return self._with_format(compiler, connection, template, 'YYYY-MM-DD"T"HH24:MI:SS"Z"', **extra_context)

    def _with_format(self, compiler, connection, template, date_format, **extra_context):
        # The format goes in as a parameter, so its % signs need no escaping.
        sql, params = self.as_sql(compiler, connection, template=template, format="%s", **extra_context)
        return sql, (date_format, *params)


class JoinedTexts(Subquery):
    """One text per related row, sorted and joined with '; ' ('' for none): `texts` is a queryset of one column,
    `name`, correlated with the outer statement through OuterRef("pk")."""

    output_field = CharField()

    def __init__(self, texts: QuerySet):
        super().__init__(texts.order_by("name"), output_field=CharField())

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite calls group_concat's order arbitrary, but it reads an ordered subquery in order (the subquery is
        # not flattened into an aggregate); group_concat(… ORDER BY …) needs SQLite 3.44. A test checks the order.
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"COALESCE((SELECT group_concat(name, %s) FROM {sql} AS names), '')", (MULTI_VALUE_SEPARATOR, *params)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return (
            f"COALESCE((SELECT string_agg(name, %s ORDER BY name) FROM {sql} AS names), '')",
            (MULTI_VALUE_SEPARATOR, *params),
        )


class JoinedNames(JoinedTexts):
    """A statement's related names for one many-to-many field, sorted by name and joined with '; ' ('' for none)."""

    def __init__(self, model, statement_lookup: str):
        super().__init__(model.objects.filter(**{statement_lookup: OuterRef("pk")}).values("name"))


def or_empty(field: str) -> Coalesce:
    """A text column that can be NULL (no source, a speaker without a country, no role recorded), '' for NULL."""
    return Coalesce(F(field), Value(""), output_field=CharField())


@dataclass(frozen=True)
class PermalinkUrl:
    """The statement page's absolute URL before and after the id, so the database can write the permalink."""

    before_id: str
    after_id: str


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    # The cell as a text-valued database expression over the statements (with_role() annotated).
    cell: Callable[[PermalinkUrl], BaseExpression]
    # A number the database writes (a coding's stance, -2 to 2): never neutralised, since "-1" is a number to a
    # spreadsheet too, and a quote before it would make it text for every reader.
    number: bool = False


def column(name: str, description: str, cell: BaseExpression, *, number: bool = False) -> Column:
    """A column whose cell does not depend on the site's address (every column but the permalink)."""
    return Column(name, description, lambda permalink: cell, number)


def permalink_column(name: str, description: str, id_field: str) -> Column:
    """The absolute URL of the public page of the statement whose id is in `id_field`, written by the database."""
    return Column(
        name,
        description,
        lambda permalink: Concat(
            Value(permalink.before_id), Cast(id_field, CharField()), Value(permalink.after_id), output_field=CharField()
        ),
    )


def stance_words_of(field: str) -> Case:
    """A stance as words, lower case ("critical", "no stance"): the codebook's labels, written by the database."""
    words = [When(**{field: stance.value}, then=Value(stance.label.lower())) for stance in Stance]
    return Case(*words, default=Value(NO_STANCE.lower()), output_field=CharField())


def act_words_of(field: str) -> Case:
    """A speech act as words, lower case ("criticise or accuse"); '' when not yet coded."""
    words = [When(**{field: act.value}, then=Value(act.label.lower())) for act in SpeechAct]
    return Case(*words, default=Value(""), output_field=CharField())


TARGET_NAME = Coalesce(F("target_country__name"), F("target_official__name"), Value(""), output_field=CharField())


def coding_summary() -> Concat:
    """One coding as the statements CSV's `codings` cell reads it: "United States: critical (criticise or accuse)",
    "NATO: no stance" when no speech act is coded yet. The import reads it back (statements/imports.py)."""
    act = Case(
        When(act="", then=Value("")),
        default=Concat(Value(" ("), act_words_of("act"), Value(")"), output_field=CharField()),
        output_field=CharField(),
    )
    return Concat(TARGET_NAME, Value(": "), stance_words_of("stance"), act, output_field=CharField())


def codings_summary() -> JoinedTexts:
    """A statement's codings in words, sorted by target and joined with '; ': the statements CSV's `codings` column
    and the Atom entries' "Coded" line, written by the database."""
    return JoinedTexts(Coding.objects.filter(statement=OuterRef("pk")).values(name=coding_summary()))


def other_reports_summary() -> JoinedTexts:
    """A statement's other reports (docs/trust.md#other-reports), each as "2016-11-11 | TASS | Title | URL", earliest
    first (the text starts with the date) and separated by '; ': the statements CSV's `other_reports` column, written
    by the database in the export's one query. The import reads it back (statements/imports.py)."""
    item = Concat(
        IsoDate("source__published_on"),
        Value(" | "),
        F("source__outlet__name"),
        Value(" | "),
        F("source__title"),
        Value(" | "),
        F("source__url"),
        output_field=CharField(),
    )
    return JoinedTexts(Report.objects.filter(statement=OuterRef("pk")).values(name=item))


# The export's columns, in file order. Changing a name or the order breaks users' scripts: add new columns at the end.
# Every cell is text written by the database, so Python only neutralises and quotes it.
COLUMNS: tuple[Column, ...] = (
    column("id", "The statement's id in this database.", Cast("id", CharField())),
    permalink_column("permalink", "The statement's public page.", "id"),
    column("date", "YYYY-MM-DD; the first day of the month or year when less precise.", IsoDate("date")),
    column("date_precision", "day, month or year.", F("date_precision")),
    column("speaker", "The official's name.", F("speaker__name")),
    column("speaker_role", "The speaker's position on that date.", or_empty("speaker_role")),
    column(
        "speaker_country_code", "ISO 3166-1 alpha-2 code of the speaker's country.", or_empty("speaker__country__code")
    ),
    column("speaker_country", "Name of the speaker's country.", or_empty("speaker__country__name")),
    column("kind", "direct (a quote) or paraphrase.", F("kind")),
    column("text", "The statement in English.", F("text")),
    column("original_text", "The words in the language they were said, if known.", F("original_text")),
    column("original_language", "ISO 639-1 code of original_text.", F("original_language")),
    column("topics", "Topic names, separated by '; '.", JoinedNames(Topic, "statements")),
    column("countries", "Names of the countries concerned, separated by '; '.", JoinedNames(Country, "statements")),
    column(
        "officials_mentioned",
        "Names of officials mentioned, separated by '; '.",
        JoinedNames(Official, "mentioned_in"),
    ),
    column("outlet", "Who published the source (TASS).", or_empty("source__outlet__name")),
    column("source_title", "Title of the source.", or_empty("source__title")),
    column("source_url", "URL of the source.", or_empty("source__url")),
    column("source_date", "Publication date of the source, YYYY-MM-DD.", IsoDate("source__published_on")),
    column("medium", "interview, press_conference, article… (the source's medium).", or_empty("source__medium")),
    column("updated_at", "When the statement last changed, ISO 8601 UTC.", IsoUtc("updated_at")),
    column(
        "codings",
        "Each coding as 'target: stance (speech act)', sorted by target and separated by '; ' "
        "(United States: critical (criticise or accuse)); the codings CSV has one row per coding.",
        codings_summary(),
    ),
    column(
        "other_reports",
        "The statement's other reports, besides its source: each as 'YYYY-MM-DD | outlet | title | URL' (the "
        "report's date, outlet, title and URL, which may be empty), earliest first and separated by '; '.",
        other_reports_summary(),
    ),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)
# `?updated_since=` (statements/changes.py) adds two columns at the end: when each row changed, or was withdrawn (a
# tombstone, every other cell but the id empty).
CHANGES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("changed_at", "When what this row shows last changed, ISO 8601 UTC to the microsecond; empty on a tombstone."),
    ("withdrawn_at", "On a tombstone only: when the statement left the published set, ISO 8601 UTC."),
)
CHANGES_COLUMN_NAMES: tuple[str, ...] = COLUMN_NAMES + tuple(name for name, _ in CHANGES_COLUMNS)
PERMALINK_PLACEHOLDER_PK = 987654321

# The codings CSV (one row per coding; `/export-codings.csv` and a release's codings.csv), in file order. The first six
# columns are the releases' first format: new columns are added at the end.
CODING_COLUMNS: tuple[Column, ...] = (
    column(
        "statement_id", "The coded statement's id (the id column of statements.csv).", Cast("statement_id", CharField())
    ),
    column(
        "target_type",
        "country, or official (a person or an institution).",
        Case(When(target_country__isnull=False, then=Value("country")), default=Value("official")),
    ),
    column(
        "target_country_code",
        "ISO 3166-1 alpha-2 code of the target country (empty for an official).",
        or_empty("target_country__code"),
    ),
    column("target", "The target's name: the country, or the official or institution.", TARGET_NAME),
    column(
        "stance",
        "Toward the target, from -2 (hostile) to 2 (strongly supportive); empty: no stance, which is not 0.",
        Coalesce(Cast("stance", CharField()), Value(""), output_field=CharField()),
        number=True,
    ),
    column(
        "act", "The speech act (praise, criticise, warn… as the codebook defines them); empty until coded.", F("act")
    ),
    permalink_column("permalink", "The coded statement's public page.", "statement_id"),
    column("date", "The coded statement's date, YYYY-MM-DD (as in statements.csv).", IsoDate("statement__date")),
    column("date_precision", "day, month or year.", F("statement__date_precision")),
    column("speaker", "The coded statement's speaker.", F("statement__speaker__name")),
    column(
        "target_slug",
        "The target official's or institution's slug, as the target filter takes it (empty for a country).",
        or_empty("target_official__slug"),
    ),
    column(
        "stance_words",
        "The stance in words: hostile, critical, neutral, supportive, strongly supportive or no stance.",
        stance_words_of("stance"),
    ),
    column("act_words", "The speech act in words (criticise or accuse); empty until coded.", act_words_of("act")),
    column("coded_at", "When the coding was last saved, ISO 8601 UTC (empty if not recorded).", IsoUtc("coded_at")),
)

# The links CSV (one row per link; `/export-links.csv` and a release's links.csv), in file order, new columns last.
LINK_COLUMNS: tuple[Column, ...] = (
    column("statement_id", "The later statement's id.", Cast("statement_id", CharField())),
    column("kind", "responds_to, reiterates, clarifies, contradicts or corrects.", F("kind")),
    column(
        "linked_id", "The earlier statement's id, the one it responds to, reiterates…", Cast("linked_id", CharField())
    ),
    permalink_column("statement_permalink", "The later statement's public page.", "statement_id"),
    column("statement_date", "The later statement's date, YYYY-MM-DD.", IsoDate("statement__date")),
    permalink_column("linked_permalink", "The earlier statement's public page.", "linked_id"),
    column("linked_date", "The earlier statement's date, YYYY-MM-DD.", IsoDate("linked__date")),
)


def permalink_url(absolute_url: UrlBuilder) -> PermalinkUrl:
    """The statement permalink's absolute URL split around the id, built once rather than once per row."""
    placeholder = str(PERMALINK_PLACEHOLDER_PK)
    url = absolute_url(reverse("statements:statement_detail", kwargs={"pk": PERMALINK_PLACEHOLDER_PK}))
    # rpartition: the id is in the path, after anything the host part might contain.
    before, _, after = url.rpartition(placeholder)
    return PermalinkUrl(before, after)


def table_queryset(rows: QuerySet, columns: tuple[Column, ...], *, permalink: PermalinkUrl) -> QuerySet:
    """Each row as one tuple of text cells in `columns` order, in the given order: one query, no model objects."""
    cells = {f"cell_{column.name}": column.cell(permalink) for column in columns}
    # prefetch_related(None): a values_list() row cannot take prefetched objects; the names are subqueries.
    return rows.prefetch_related(None).annotate(**cells).values_list(*cells)


def export_queryset(statements: QuerySet[Statement], *, permalink: PermalinkUrl) -> QuerySet:
    """Every statement as one tuple of text cells in COLUMNS order, in the given order: one query, no model objects."""
    return table_queryset(statements.with_role(), COLUMNS, permalink=permalink)


def statement_rows(
    statements: QuerySet[Statement], *, absolute_url: UrlBuilder, chunk_size: int = EXPORT_CHUNK_SIZE
) -> Iterator[tuple[str, ...]]:
    """One tuple of cells per statement, in the queryset's order, read from one cursor a chunk at a time."""
    return streamed(export_queryset(statements, permalink=permalink_url(absolute_url)), chunk_size=chunk_size)


def codings_of(statements: QuerySet[Statement]) -> QuerySet[Coding]:
    """The codings of these statements, by statement id then coding id."""
    return Coding.objects.filter(statement__in=statements.values("pk")).order_by("statement_id", "id")


def links_of(statements: QuerySet[Statement]) -> QuerySet[StatementLink]:
    """The links from or to these statements whose two ends are both published (never one to a draft or a
    retracted statement), by the later statement's id then link id."""
    ids = statements.values("pk")
    return (
        StatementLink.objects.filter(Q(statement__in=ids) | Q(linked__in=ids))
        .filter(statement__status=Status.PUBLISHED, linked__status=Status.PUBLISHED)
        .order_by("statement_id", "id")
    )


def table_rows(
    rows: QuerySet, columns: tuple[Column, ...], *, absolute_url: UrlBuilder, chunk_size: int = EXPORT_CHUNK_SIZE
) -> Iterator[tuple[str, ...]]:
    """One tuple of cells per row of a codings or links queryset, streamed as the statements are."""
    return streamed(table_queryset(rows, columns, permalink=permalink_url(absolute_url)), chunk_size=chunk_size)


def change_rows(
    since: datetime.datetime, *, absolute_url: UrlBuilder, batch: int = EXPORT_CHUNK_SIZE
) -> Iterator[tuple[str, ...]]:
    """The changes after `since`, oldest first, in CHANGES_COLUMN_NAMES: a keyset page of the log at a time, each
    page's statements read in one query."""
    permalink = permalink_url(absolute_url)
    empty = ("",) * (len(COLUMNS) - 1)

    def read(ids: list[int]) -> dict[int, tuple[str, ...]]:
        statements = Statement.objects.using(changes.DATABASE).published().filter(pk__in=ids).order_by()
        rows = export_queryset(statements, permalink=permalink)
        return {int(row[0]): row for row in rows}

    for change in changes.all_changes(since, batch=batch, read=read):
        stamp = change.changed_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if change.withdrawn:
            yield (str(change.statement_id), *empty, "", stamp)
        else:
            yield (*change.statement, stamp, "")


def streamed(queryset: QuerySet, *, chunk_size: int) -> Iterator:
    """The queryset's rows, each handed on as soon as the database has found it.

    On PostgreSQL the rows are read inside a transaction. `iterator()` reads through a server-side cursor, which
    Django declares WITH HOLD when no transaction is open, and PostgreSQL computes every row of a held cursor
    before it hands over the first: a download of a million statements sent nothing until all were read
    (docs/csv.md, docs/performance.md#streamed-csv-export).
    Inside a transaction the cursor is not held, and the first rows leave after a fraction of a second. The
    transaction ends with the download, or when it is abandoned (the response closes this generator).

    SQLite has no server-side cursors and finds rows as they are asked for. It reads outside a transaction: one
    here takes the write lock (`transaction_mode` IMMEDIATE), which would hold up every save while a file downloads.
    """
    rows = _read(queryset, chunk_size=chunk_size)
    try:
        first = next(rows, None)
    except Exception as error:
        # No row is written yet, so reading again on a new connection, once, gives the same file. A connection
        # lost after the first row ends the file with its error row instead (csv_lines).
        if not connection_lost(error):
            raise
        close_lost_connections()
        logger.warning("CSV export: database connection lost before the first row (%s); reading again", error)
        rows = _read(queryset, chunk_size=chunk_size)
        first = next(rows, None)
    try:
        if first is not None:
            yield first
            yield from rows
    finally:
        # An abandoned download ends the read (and its transaction) now, not when the generator is collected.
        rows.close()


def _read(queryset: QuerySet, *, chunk_size: int) -> Iterator:
    connection = connections[queryset.db]
    # Inside a caller's transaction (a test, a management command) the cursor is not held already.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size)


def csv_line(cells: Iterable[str]) -> str:
    """One CSV record as csv.writer(quoting=QUOTE_ALL) writes it: every cell in double quotes, CRLF at the end.

    Written by hand because, with every cell quoted, a record is only the cells with their quotes doubled, joined
    by '","': str.replace and str.join do that several times faster than csv.writer's character-by-character loop.
    A test checks the two agree on awkward cells.
    """
    return '"' + '","'.join([cell.replace('"', '""') for cell in cells]) + '"\r\n'


def number_cells(columns: tuple[Column, ...]) -> tuple[bool, ...]:
    """Which cells of a row are numbers the database wrote (never neutralised)."""
    return tuple(column.number for column in columns)


def neutralised_but_numbers(row: Iterable[str], numbers: tuple[bool, ...]) -> list[str]:
    """Every cell neutralised except the numbers: "-1" stays a number for every reader."""
    return [cell if number else neutralise(cell) for cell, number in zip(row, numbers, strict=True)]


def csv_lines(
    header: Iterable[str], rows: Iterable[Iterable[str]], *, bom: bool = False, numbers: tuple[bool, ...] = ()
) -> Iterator[str]:
    """CSV text line by line, every cell neutralised (but the `numbers`, by position); a failure part-way ends the
    file with a marked error row."""
    # Every cell in double quotes, as OWASP recommends, so an embedded delimiter cannot start a new cell.
    if bom:
        yield UTF8_BOM
    yield csv_line([neutralise(cell) for cell in header])
    written = 0
    try:
        for row in rows:
            yield csv_line(neutralised_but_numbers(row, numbers) if any(numbers) else neutralised(row))
            written += 1
    except Exception as error:
        # The status line and headers are already sent, so the only way to say "this failed" is in the file itself.
        if connection_lost(error):
            # Counted apart from failures of the export itself: an operator restarting or failing over the
            # database sees how many downloads it cut, and a rise without one points at the database or network.
            logger.error(
                "CSV export cut short: the database connection was lost after %d rows (%s; %d cut short in this "
                "process)",
                written,
                error,
                count("export_cut_short"),
            )
            reason = "the database connection was lost"
        else:
            logger.exception("CSV export failed after %d rows", written)
            reason = "the server failed"
        rows = f"{written} row{pluralize(written)}"
        yield csv_line([f"{ERROR_MARKER}: export incomplete — {reason} after {rows}. Download the file again."])


def utf8_chunks(lines: Iterable[str], *, size: int = STREAM_CHUNK_SIZE) -> Iterator[bytes]:
    """The lines as UTF-8, gathered into chunks of at least `size` characters (the last one shorter), whole lines only.

    A streaming response writes each chunk separately (one write and, under gunicorn, one system call each), so
    one chunk per row would cost more than formatting the row.
    """
    pending: list[str] = []
    length = 0
    for line in lines:
        pending.append(line)
        length += len(line)
        if length >= size:
            yield "".join(pending).encode()
            pending.clear()
            length = 0
    if pending:
        yield "".join(pending).encode()


def export_filename(prefix: str, params: Iterable[tuple[str, str]], *, now: datetime.datetime) -> str:
    """statements_<filters>_<YYYYMMDD-HHMM>.csv with only letters, digits, '-' and '_' (safe in every header)."""
    parts = [slugify(f"{name}-{value}") for name, value in params if value.strip()]
    summary = "_".join(part for part in parts if part)[:100].strip("_-") or "all"
    return f"{prefix}_{summary}_{now.astimezone(datetime.UTC):%Y%m%d-%H%M}.csv"
