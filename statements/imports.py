"""CSV import of statements in the export's column format: all rows or none, with a per-row error report.

`import_statements(...)` is used by the `import_statements` management command and can be used by an admin form:
it never raises for bad input, it returns an ImportResult whose `file_error` / `errors` say what is wrong.

A row with the same speaker, date and words (whitespace aside) as an earlier row of the file or a statement already
in the database is a duplicate: named in `duplicates`, and skipped unless `keep_duplicates` (docs/csv.md). A file
imported twice, or a row pasted three times, would otherwise make identical statements silently.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from .exports import COLUMN_NAMES, ERROR_MARKER, MULTI_VALUE_SEPARATOR, UTF8_BOM, unneutralise
from .models import Country, DatePrecision, Kind, Medium, Official, Outlet, Source, Statement, Status, Topic

# Larger files are refused before parsing; split them. Also used by the admin upload form.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# A row is refused without these; every other export column is optional.
REQUIRED_COLUMNS = ("date", "speaker", "text")
# Export columns that the import does not read: they are derived (role from positions) or belong to this database.
IGNORED_COLUMNS = ("id", "permalink", "speaker_role", "updated_at")
# Kept exactly as written, spaces and line breaks included; every other cell is trimmed.
TEXT_COLUMNS = ("text", "original_text")
# Rows compared with the statements already in the database per query: the duplicate check reads the candidates of a
# whole batch at once, so a 100,000-row file costs a hundred queries rather than one per row.
DUPLICATE_CHECK_BATCH = 1_000
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
OTHER_DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    dry_run: bool
    file_error: str = ""  # the whole file was refused (encoding, delimiter, columns, size)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0  # data rows read
    statements: int = 0  # statements imported (or that would be, in a dry run)
    created: dict[str, list[str]] = field(default_factory=dict)  # "officials" -> names created
    keep_duplicates: bool = False
    duplicates: list[RowError] = field(default_factory=list)  # rows repeating another row or a statement
    skipped: int = 0  # duplicates not imported (0 when they are kept)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def messages(self) -> list[str]:
        """The problems, one line each, for a command's output or a form's error list."""
        return ([self.file_error] if self.file_error else []) + [str(error) for error in self.errors]


class RowProblem(Exception):
    """One cell of one row cannot be imported."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


class DuplicateRow(Exception):
    """The row repeats a statement and is skipped."""


def _read(file: bytes | BinaryIO, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it is larger than max_bytes (reads at most one byte more)."""
    data = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _decode(data: bytes) -> str:
    """UTF-8 text without a byte-order mark; ValueError with a helpful message otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start} is not UTF-8). "
            "Save it as “CSV UTF-8” (Excel) or re-export it from Statement Tracker."
        ) from None
    return text.removeprefix(UTF8_BOM)


def _check_header(header: list[str]) -> str:
    """A message about the header row, or "" when it is usable."""
    if len(header) == 1:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                return f"The columns are separated by {name}, not commas. Save the file as comma-separated CSV."
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        return f"These columns appear more than once: {', '.join(duplicates)}."
    unknown = [name for name in header if name not in COLUMN_NAMES]
    if unknown:
        return (
            f"Unknown columns: {', '.join(unknown) or '(a column without a name)'}. "
            f"The columns are: {', '.join(COLUMN_NAMES)}."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return f"Missing required columns: {', '.join(missing)}."
    return ""


def _unique_slug(model, name: str, taken: set[str]) -> str:
    base = slugify(name)[:190] or model._meta.model_name
    slug, n = base, 2
    while slug in taken or model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def parse_date(value: str, precision: str) -> tuple[datetime.date, str]:
    """YYYY-MM-DD, YYYY-MM or YYYY → (date, precision); a shorter form implies month or year precision."""
    match = DATE_RE.match(value)
    if not match:
        raise RowProblem("date", f"“{value}” is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY).")
    year, month, day = match.groups()
    implied = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise RowProblem("date", f"“{value}” is not a real date.") from None
    return date, precision or implied


def parse_day(column: str, value: str) -> datetime.date:
    """A full YYYY-MM-DD date."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise RowProblem(column, f"“{value}” is not a date; write YYYY-MM-DD.")


def _choice(column: str, value: str, choices, default: str) -> str:
    """A TextChoices value from its value or its label, any case."""
    if not value:
        return default
    for choice_value, label in choices.choices:
        if value.lower() in (choice_value, label.lower()):
            return choice_value
    raise RowProblem(column, f"“{value}” is not one of: {', '.join(choices.values)}.")


class Resolver:
    """Finds (or, when allowed, creates) the officials, topics, countries, outlets and sources named in a file."""

    def __init__(self, *, create_missing: bool):
        self.create_missing = create_missing
        self.created: dict[str, list[str]] = {"officials": [], "topics": [], "outlets": [], "sources": []}
        self.cache: dict[tuple, object] = {}
        # Keys of objects created by the current row: its savepoint rollback deletes them, so forget them too.
        self.row_keys: list[tuple[tuple, str, str]] = []
        self.slugs: set[str] = set()
        self.countries = {}
        for country in Country.objects.all():
            self.countries[country.code.lower()] = country
            self.countries[country.name.lower()] = country
        for country in Country.objects.exclude(aliases=""):
            for alias in country.alias_list:  # "Syrian Arab Republic"; a code or name elsewhere wins
                self.countries.setdefault(alias.lower(), country)

    def _cached(self, key: tuple, find: Callable):
        if key not in self.cache:
            self.cache[key] = find()
        return self.cache[key]

    def _created(self, key: tuple, kind: str, name: str) -> None:
        self.created[kind].append(name)
        self.row_keys.append((key, kind, name))

    def start_row(self) -> None:
        self.row_keys = []

    def forget_row(self) -> None:
        """The row failed and its savepoint was rolled back: drop what it created."""
        for key, kind, name in self.row_keys:
            self.cache.pop(key, None)
            self.created[kind].remove(name)
        self.row_keys = []

    def country(self, column: str, value: str) -> Country:
        country = self.countries.get(value.lower())
        if country is None:
            raise RowProblem(column, f"Unknown country “{value}”: give an ISO code (RU), a name or an alias.")
        return country

    def official(self, column: str, name: str, *, country_code: str = "") -> Official:
        official = self._cached(("official", name.lower()), lambda: self._find_official(column, name, country_code))
        if country_code and official.country_id is None and name in self.created["officials"]:
            # Created earlier in this file as a mentioned official (no country column there); now we know it.
            official.country = self.country("speaker_country_code", country_code)
            official.save(update_fields=["country"])
        return official

    def known_official(self, name: str) -> Official | None:
        """The official a name finds, never created (None when unknown or ambiguous): for the duplicate check."""
        key = ("official", name.lower())
        if key not in self.cache:
            try:
                self.cache[key] = self._find_official("speaker", name, "", create=False)
            except RowProblem:
                return None  # the row reports it when it is imported
        return self.cache[key]

    def _find_official(self, column: str, name: str, country_code: str, *, create: bool = True) -> Official:
        candidates = Official.objects.filter(
            Q(name__iexact=name) | Q(slug=name) | Q(slug=slugify(name)) | Q(aliases__icontains=name)
        )
        matches = [
            official
            for official in candidates
            if name.lower() in {official.name.lower(), official.slug}
            or name.lower() in {alias.lower() for alias in official.alias_list}
        ]
        by_name = [official for official in matches if official.name.lower() == name.lower()]
        matches = by_name or matches
        if len(matches) > 1:
            found = ", ".join(f"{official.name} ({official.slug})" for official in matches)
            raise RowProblem(column, f"“{name}” matches several officials: {found}. Use the slug.")
        if matches:
            return matches[0]
        if not (self.create_missing and create):
            raise RowProblem(column, f"Unknown official “{name}” (no name, alias or slug matches); add it first.")
        country = self.country("speaker_country_code", country_code) if country_code else None
        official = Official.objects.create(name=name, slug=_unique_slug(Official, name, self.slugs), country=country)
        self._created(("official", name.lower()), "officials", name)
        return official

    def topic(self, name: str) -> Topic:
        return self._cached(("topic", name.lower()), lambda: self._find_topic(name))

    def _find_topic(self, name: str) -> Topic:
        matches = list(Topic.objects.filter(Q(name__iexact=name) | Q(slug=name)))
        if len(matches) > 1:
            raise RowProblem("topics", f"“{name}” matches several topics: {', '.join(t.slug for t in matches)}.")
        if matches:
            return matches[0]
        if not self.create_missing:
            raise RowProblem("topics", f"Unknown topic “{name}” (no name or slug matches); add it first.")
        topic = Topic.objects.create(name=name, slug=_unique_slug(Topic, name, self.slugs))
        self._created(("topic", name.lower()), "topics", name)
        return topic

    def outlet(self, name: str) -> Outlet:
        return self._cached(("outlet", name.lower()), lambda: self._find_outlet(name))

    def _find_outlet(self, name: str) -> Outlet:
        outlet = Outlet.objects.filter(Q(name__iexact=name) | Q(slug=name)).first()
        if outlet:
            return outlet
        if not self.create_missing:
            raise RowProblem("outlet", f"Unknown outlet “{name}”; add it first.")
        outlet = Outlet.objects.create(name=name, slug=_unique_slug(Outlet, name, self.slugs))
        self._created(("outlet", name.lower()), "outlets", name)
        return outlet

    def source(self, cells: dict[str, str]) -> Source | None:
        """The source by URL, else by outlet + title + date; None when the row names no source at all."""
        outlet_name, title, url = cells.get("outlet", ""), cells.get("source_title", ""), cells.get("source_url", "")
        date_text, medium = cells.get("source_date", ""), cells.get("medium", "")
        if not (outlet_name or title or url or date_text):
            return None
        key = ("source", url) if url else ("source", outlet_name.lower(), title, date_text)
        return self._cached(key, lambda: self._find_source(outlet_name, title, url, date_text, medium))

    def _find_source(self, outlet_name: str, title: str, url: str, date_text: str, medium: str) -> Source:
        if url:
            source = Source.objects.filter(url=url).first()
            if source:
                return source
        for column, value in (("outlet", outlet_name), ("source_title", title), ("source_date", date_text)):
            if not value:
                raise RowProblem(column, f"{column} is needed to identify the source (or give a known source_url).")
        published_on = parse_day("source_date", date_text)
        source = Source.objects.filter(outlet__name__iexact=outlet_name, title=title, published_on=published_on).first()
        if source:
            return source
        if not self.create_missing:
            raise RowProblem("source_title", f"Unknown source “{title}” ({outlet_name}, {date_text}); add it first.")
        source = Source(
            outlet=self.outlet(outlet_name),
            title=title,
            url=url,
            published_on=published_on,
            medium=_choice("medium", medium, Medium, Medium.ARTICLE),
        )
        _full_clean(source, {"title": "source_title", "url": "source_url", "medium": "medium"})
        source.save()
        key = ("source", url) if url else ("source", outlet_name.lower(), title, date_text)
        self._created(key, "sources", title)
        return source


def words(text: str) -> str:
    """The words of a text with every run of whitespace (line breaks included) as one space: what duplicates share."""
    return " ".join(text.split())


class Duplicates:
    """Finds rows with the same speaker, date and words as an earlier row of the file or an existing statement."""

    def __init__(self, *, resolver: Resolver, keep: bool):
        self.resolver = resolver
        self.keep = keep
        self.seen: dict[tuple, int] = {}  # key -> the row imported with it
        self.existing: dict[tuple, tuple[int, str]] = {}  # key -> (id, status) of a statement already stored
        self.flagged: list[RowError] = []  # duplicates kept, as asked

    def load(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        """Read the stored statements the batch's rows could repeat, in one query: by speaker, on the rows' dates."""
        dates: dict[int, set[datetime.date]] = {}
        for _, cells in batch:
            official = self.resolver.known_official(cells.get("speaker", "").strip())
            try:
                date, _ = parse_date(cells.get("date", "").strip(), "")
            except RowProblem:
                continue  # reported when the row is imported
            if official is not None:
                dates.setdefault(official.pk, set()).add(date)
        self.existing = {}
        if not dates:
            return
        candidates = Q()
        for speaker_id, days in dates.items():
            candidates |= Q(speaker_id=speaker_id, date__in=sorted(days))
        stored = (
            Statement.objects.filter(candidates)
            .order_by("pk")
            .values_list("pk", "speaker_id", "date", "text", "status")
        )
        for pk, speaker_id, date, text, status in stored:
            self.existing.setdefault((speaker_id, date, words(text)), (pk, status))

    def check(self, row: int, *, speaker: Official, date: datetime.date, text: str) -> None:
        """Raise DuplicateRow for a duplicate to skip; note a duplicate to keep."""
        key = (speaker.pk, date, words(text))
        if key in self.seen:
            repeated = f"row {self.seen[key]} of this file"
        elif key in self.existing:
            pk, status = self.existing[key]
            repeated = f"statement {pk} ({status}), already in the database"
        else:
            return
        message = f"same speaker, date and words as {repeated}: " + ("kept, as asked." if self.keep else "skipped.")
        if not self.keep:
            raise DuplicateRow(message)
        self.flagged.append(RowError(row, "", message))

    def imported(self, row: int, statement: Statement) -> None:
        self.seen.setdefault((statement.speaker_id, statement.date, words(statement.text)), row)


def _full_clean(instance, columns: dict[str, str]) -> None:
    """Model validation, reported against the CSV column that holds the field."""
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise RowProblem(columns.get(field_name, ""), " ".join(messages)) from None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(MULTI_VALUE_SEPARATOR.strip()) if part.strip()]


def _import_row(
    raw: dict[str, str],
    *,
    row: int,
    resolver: Resolver,
    duplicates: Duplicates,
    status: str,
    user: AbstractBaseUser | None,
) -> Statement:
    # Text is kept exactly as written (round trips are exact); names, codes and dates are trimmed.
    cells = {name: value if name in TEXT_COLUMNS else value.strip() for name, value in raw.items()}
    for column in REQUIRED_COLUMNS:
        if not cells.get(column, "").strip():
            raise RowProblem(column, f"{column} is required.")
    precision = _choice("date_precision", cells.get("date_precision", ""), DatePrecision, "")
    date, precision = parse_date(cells["date"], precision)
    speaker_country = cells.get("speaker_country_code") or cells.get("speaker_country", "")
    speaker = resolver.official("speaker", cells["speaker"], country_code=speaker_country)
    # Before the rest is resolved, so that a skipped row creates no topic or source.
    duplicates.check(row, speaker=speaker, date=date, text=cells["text"])
    topics = [resolver.topic(name) for name in _split(cells.get("topics", ""))]
    countries = [resolver.country("countries", name) for name in _split(cells.get("countries", ""))]
    mentioned = [
        resolver.official("officials_mentioned", name) for name in _split(cells.get("officials_mentioned", ""))
    ]
    source = resolver.source(cells)
    if status != Status.DRAFT and source is None:
        raise RowProblem("source_title", "A published statement needs a source (outlet, source_title, source_date).")
    statement = Statement(
        speaker=speaker,
        date=date,
        date_precision=precision,
        kind=_choice("kind", cells.get("kind", ""), Kind, Kind.DIRECT),
        text=cells["text"],
        original_text=cells.get("original_text", ""),
        original_language=cells.get("original_language", ""),
        source=source,
        status=status,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
        created_by=user,
        updated_by=user,
    )
    _full_clean(
        statement,
        {"text": "text", "date": "date", "original_text": "original_text", "original_language": "original_language"},
    )
    statement._history_user = user
    statement.save()
    statement.topics.set(topics)
    statement.countries.set(countries)
    statement.mentioned_officials.set(mentioned)
    return statement


def _creation_order(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    """Rows in the order to create them: by the exported `id` when every row has one, else file order.

    The timeline orders statements of the same date by id, so new ids must keep the old ids' order for an
    export → import → export round trip to list same-day statements in the same order.
    """
    if rows and all(cells.get("id", "").isdigit() for _, cells in rows):
        return sorted(rows, key=lambda item: int(item[1]["id"]))
    return rows


def import_statements(
    *,
    file: bytes | BinaryIO,
    create_missing: bool = False,
    dry_run: bool = False,
    publish: bool = False,
    keep_duplicates: bool = False,
    user: AbstractBaseUser | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportResult:
    """Import every row of a CSV file in the export's format, or none: any error rolls the whole file back.

    Duplicate rows are skipped (and listed in `duplicates`) unless `keep_duplicates`."""
    result = ImportResult(dry_run=dry_run, keep_duplicates=keep_duplicates)
    data = _read(file, max_bytes)
    if data is None:
        result.file_error = f"The file is larger than the limit of {_size(max_bytes)}; split it into smaller files."
        return result
    try:
        text = _decode(data)
    except ValueError as error:
        result.file_error = str(error)
        return result
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        result.file_error = f"The header row is not valid CSV: {error}."
        return result
    if not any(header):
        result.file_error = "The file is empty: the first row must name the columns."
        return result
    result.file_error = _check_header(header)
    if result.file_error:
        return result

    rows: list[tuple[int, dict[str, str]]] = []
    row_number = 1
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.errors.append(RowError(row_number, "", f"Not valid CSV: {error}."))
            break  # the reader cannot recover its position after a broken quote
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets leave blank rows at the end
        result.rows += 1
        if row[0].startswith(ERROR_MARKER):
            result.errors.append(RowError(row_number, "", "This export is incomplete (it ends with an error row)."))
        elif len(row) != len(header):
            result.errors.append(RowError(row_number, "", f"{len(row)} cells, but the header has {len(header)}."))
        else:
            rows.append((row_number, {name: unneutralise(cell) for name, cell in zip(header, row, strict=True)}))
    if result.rows == 0 and not result.errors:
        result.file_error = "The file has a header but no rows."
        return result

    status = Status.PUBLISHED if publish else Status.DRAFT
    ordered = _creation_order(rows)
    with transaction.atomic():
        resolver = Resolver(create_missing=create_missing)
        duplicates = Duplicates(resolver=resolver, keep=keep_duplicates)
        for start in range(0, len(ordered), DUPLICATE_CHECK_BATCH):
            batch = ordered[start : start + DUPLICATE_CHECK_BATCH]
            duplicates.load(batch)
            for row_number, cells in batch:
                resolver.start_row()
                try:
                    # A savepoint per row: a database error in one row must not hide the errors in the rows after it.
                    with transaction.atomic():
                        statement = _import_row(
                            cells, row=row_number, resolver=resolver, duplicates=duplicates, status=status, user=user
                        )
                    duplicates.imported(row_number, statement)
                    result.statements += 1
                except DuplicateRow as duplicate:
                    resolver.forget_row()
                    result.duplicates.append(RowError(row_number, "", str(duplicate)))
                    result.skipped += 1
                except RowProblem as problem:
                    resolver.forget_row()
                    result.errors.append(RowError(row_number, problem.column, problem.message))
                except DatabaseError as error:
                    resolver.forget_row()
                    result.errors.append(RowError(row_number, "", f"The database refused this row: {error}"))
        result.errors.sort(key=lambda error: error.row)
        result.duplicates = sorted(result.duplicates + duplicates.flagged, key=lambda duplicate: duplicate.row)
        result.created = {kind: names for kind, names in resolver.created.items() if names}
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result
