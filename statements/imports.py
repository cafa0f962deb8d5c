"""CSV import of statements in the export's column format: all rows or none, with a per-row error report.

`import_statements(...)` is used by the `import_statements` management command and can be used by an admin form:
it never raises for bad input, it returns an ImportResult whose `file_error` / `errors` say what is wrong.

A row with the same speaker, date and words (whitespace aside) as an earlier row of the file or a statement already
in the database is a duplicate: named in `duplicates`, and skipped unless `keep_duplicates` (docs/csv.md). A file
imported twice, or a row pasted three times, would otherwise make identical statements silently. A row repeating a
stored statement's words from another outlet is offered as another report of it (`add_as_reports`), which adds the
row's source to that statement rather than making a second one (docs/trust.md#other-reports).
"""

import contextlib
import csv
import datetime
import functools
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import slugify

from . import bulk_insert, denormalised
from .dates import DateError, DateSpan, parse_partial_date
from .exports import COLUMN_NAMES, ERROR_MARKER, LINK_COLUMNS, MULTI_VALUE_SEPARATOR, unneutralise
from .models import (
    Coding,
    Country,
    DatePrecision,
    Kind,
    Medium,
    Official,
    Outlet,
    Report,
    Source,
    Statement,
    StatementLink,
    Status,
    Topic,
    language_code,
)
from .positions.codebook import NO_STANCE, SpeechAct, Stance, refusals
from .positions.models import LinkKind

# Larger files are refused before parsing; split them. At 50 MB a 100,000-row file in the export's format (about
# 26 MB) is one file, and its bytes and decoded text stay a small part of the import's memory budget (200 MB).
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# A row is refused without these; every other export column is optional.
REQUIRED_COLUMNS = ("date", "speaker", "text")
# Export columns that the import does not read: they are derived (role from positions) or belong to this database.
IGNORED_COLUMNS = ("id", "permalink", "speaker_role", "updated_at")
# Kept exactly as written, spaces and line breaks included; every other cell is trimmed.
TEXT_COLUMNS = ("text", "original_text")
# Rows read, checked and written together: their names are looked up, their duplicates checked against the database
# and their statements, links and history inserted a batch at a time, so a 100,000-row file costs a few hundred
# queries rather than dozens per row.
DUPLICATE_CHECK_BATCH = 1_000
# Names looked up per query (SQLite limits how deep a WHERE clause of ORs may nest).
LOOKUP_CHUNK = 100
# What the history says of what an import creates, unless the caller names the file.
IMPORT_REASON = "Imported from a CSV file."
# The statements CSV's `codings` cell, one coding between each '; ': "United States: critical (criticise or accuse)",
# or "NATO: no stance" (statements/exports.py coding_summary). The target is everything before the last ": " that is
# followed by a stance in words.
STANCES_IN_WORDS = {stance.label.lower(): stance.value for stance in Stance} | {NO_STANCE.lower(): None}
CODING_IN_WORDS = re.compile(
    r"(?P<target>.+): (?P<stance>"
    + "|".join(re.escape(words) for words in sorted(STANCES_IN_WORDS, key=len, reverse=True))
    + r")(?: \((?P<act>.+)\))?",
    re.IGNORECASE,
)
# Longer than any target's name with a stance and speech act: refused before the pattern is tried, which keeps the
# pattern's backtracking bounded whatever a hostile cell holds.
MAX_CODING_CHARS = 400
# The statements CSV's `other_reports` cell, one report between each '; ': "2016-11-11 | TASS | Title | URL"
# (statements/exports.py other_reports_summary). The outlet ends at the first " | ", the title at the last; a report
# starts with its date, so a '; ' inside a title does not split it.
OTHER_REPORT_IN_WORDS = re.compile(
    r"(?P<source_date>\d{4}-\d{2}-\d{2}) \| (?P<outlet>.+?) \| (?P<source_title>.*) \|(?: (?P<source_url>\S*))?"
)
OTHER_REPORTS_SPLIT = re.compile(r";\s*(?=\d{4}-\d{2}-\d{2} \| )")
OTHER_DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


# The links file beside a statements file (its export's links CSV): the columns read; the others are ignored.
LINK_COLUMN_NAMES = tuple(column.name for column in LINK_COLUMNS)
LINK_REQUIRED_COLUMNS = ("statement_id", "kind", "linked_id")
LINKS_FILE = "links file"


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str
    file: str = ""  # "" for the statements file; LINKS_FILE for the links file beside it

    def __str__(self):
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{self.file}, {where}: {self.message}" if self.file else f"{where}: {self.message}"


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
    add_as_reports: bool = False
    reports: int = 0  # rows added as another report of a stored statement (or that would be)
    report_offers: int = 0  # duplicates that could be added as another report, when not asked to
    links: int = 0  # links imported from the links file (or that would be)
    links_skipped: list[RowError] = field(default_factory=list)  # links to a statement not imported from this file
    # The exported id of each statement imported, to the new statement: (its id, date, precision, speaker's id).
    imported: dict[int, tuple[int, datetime.date, str, int]] = field(default_factory=dict, repr=False)

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


def _other_reports(cell: str) -> list[dict[str, str]]:
    """The sources of an `other_reports` cell, each as the source columns of a row would name it; RowProblem for a
    report not written as the export writes it."""
    found = []
    for value in OTHER_REPORTS_SPLIT.split(cell.strip()) if cell.strip() else []:
        match = OTHER_REPORT_IN_WORDS.fullmatch(value.strip())
        if match is None:
            raise RowProblem(
                "other_reports", f"“{value.strip()[:200]}” is not a report as 'YYYY-MM-DD | outlet | title | URL'."
            )
        found.append({name: (text or "").strip() for name, text in match.groupdict().items()})
    return found


def _read(file: bytes | BinaryIO, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it is larger than max_bytes (reads at most one byte more)."""
    data = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _decode(data: bytes) -> io.TextIOBase:
    """The file as UTF-8 text without a byte-order mark, read in pieces; ValueError with a helpful message otherwise.

    The whole file is decoded once to check it, then read through a stream: a StringIO of a 26 MB file holds four
    bytes a character (about 100 MB), the stream a few kilobytes."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start} is not UTF-8). "
            "Save it as “CSV UTF-8” (Excel) or re-export it from Statement Tracker."
        ) from None
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


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


def _unique_slugs(model, names: list[str], taken: set[str]) -> list[str]:
    """A free slug for each name, the database's taken slugs read in one query (not one per name)."""
    bases = [slugify(name)[:190] or model._meta.model_name for name in names]
    stored: set[str] = set()
    for chunk in _chunks(sorted(set(bases)), LOOKUP_CHUNK):
        query = Q()
        for base in chunk:
            query |= Q(slug=base) | Q(slug__startswith=f"{base}-")
        stored.update(model.objects.filter(query).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken or slug in stored:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_date(value: str, precision: str) -> tuple[datetime.date, str]:
    """YYYY-MM-DD, YYYY-MM or YYYY → (date, precision); a shorter form implies month or year precision. Read as
    the admin's date box reads it (statements/dates.py), with the reason for a refusal."""
    try:
        span = parse_partial_date(value)
    except DateError as error:
        raise RowProblem("date", _not_a_date(error, "YYYY-MM-DD (or YYYY-MM, YYYY)")) from None
    return span.first, precision or span.precision


def parse_day(column: str, value: str) -> datetime.date:
    """A full YYYY-MM-DD date."""
    try:
        span = parse_partial_date(value)
    except DateError as error:
        raise RowProblem(column, _not_a_date(error, "YYYY-MM-DD", day=True)) from None
    if span.precision != DatePrecision.DAY:
        raise RowProblem(column, f"“{value}” gives no day; write YYYY-MM-DD.")
    return span.first


def _not_a_date(error: DateError, forms: str, *, day: bool = False) -> str:
    """Why, as the admin's date box says it: "“2016-02-30” is not a date: February 2016 has 29 days.", or
    "“Nov 2016” is not a date; write 2016-11." (a suggestion only if it gives what the column needs)."""
    if error.reason:
        return f"“{error.value}” is not a date: {error.reason}."
    suggestion = error.suggestion if error.suggestion and (not day or len(error.suggestion) == 10) else ""
    return f"“{error.value}” is not a date; write {suggestion or forms}."


def _choice(column: str, value: str, choices, default: str) -> str:
    """A TextChoices value from its value or its label, any case."""
    if not value:
        return default
    found = _choice_values(choices).get(value.lower())
    if found is None:
        raise RowProblem(column, f"“{value}” is not one of: {', '.join(choices.values)}.")
    return found


@functools.cache
def _choice_values(choices) -> dict[str, str]:
    """Each value and lower-case label of a TextChoices to its value, the first choice winning: made once, not for
    each of a file's rows (`choices.choices` builds a new list each time it is read)."""
    values: dict[str, str] = {}
    for choice_value, label in choices.choices:
        values.setdefault(choice_value, choice_value)
        values.setdefault(label.lower(), choice_value)
    return values


class Resolver:
    """Finds (or, when allowed, creates) the officials, topics, countries, outlets and sources named in a file.

    Names are looked up a batch of rows at a time (`prefetch`), a few queries per batch whatever its size; what is
    missing is made as unsaved objects and written together by `flush`, before the statements that use them.
    """

    def __init__(self, *, create_missing: bool, user: AbstractBaseUser | None = None, reason: str = IMPORT_REASON):
        self.create_missing = create_missing
        self.user = user
        self.reason = reason
        self.created: dict[str, list[str]] = {"officials": [], "topics": [], "outlets": [], "sources": []}
        self.cache: dict[tuple, object] = {}  # key -> the object, or the RowProblem every row naming it gets
        self.pending: dict[str, list] = {"officials": [], "topics": [], "outlets": [], "sources": []}
        # Keys of objects made for the current row: when the row fails, they are forgotten (and never written).
        self.row_keys: list[tuple[tuple, str, str]] = []
        self.slugs: set[str] = set()
        self.countries = {}
        for country in Country.objects.all():
            self.countries[country.code.lower()] = country
            self.countries[country.name.lower()] = country
        for country in Country.objects.exclude(aliases=""):
            for alias in country.alias_list:  # "Syrian Arab Republic"; a code or name elsewhere wins
                self.countries.setdefault(alias.lower(), country)

    # --- Looking names up, a batch at a time -------------------------------------------------------------------

    def prefetch(self, batch: list[dict[str, str]]) -> None:
        """Read every official, topic, outlet and source the batch's rows name and the cache lacks."""
        officials, topics, outlets, urls, sources = set(), set(), set(), set(), set()
        for cells in batch:
            for name in [cells.get("speaker", "").strip(), *_split(cells.get("officials_mentioned", ""))]:
                if name and ("official", name.lower()) not in self.cache:
                    officials.add(name)
            for target in _coding_targets(cells.get("codings", "")):
                if target.lower() not in self.countries and ("official", target.lower()) not in self.cache:
                    officials.add(target)
            topics.update(name for name in _split(cells.get("topics", "")) if ("topic", name.lower()) not in self.cache)
            named = [cells]
            with contextlib.suppress(RowProblem):  # reported when the row is read
                named += _other_reports(cells.get("other_reports", ""))
            for source_cells in named:
                outlet, title, url = (
                    source_cells.get("outlet", "").strip(),
                    source_cells.get("source_title", ""),
                    source_cells.get("source_url", ""),
                )
                url, title, day = url.strip(), title.strip(), source_cells.get("source_date", "").strip()
                if outlet and ("outlet", outlet.lower()) not in self.cache:
                    outlets.add(outlet)
                if url and ("source", url) not in self.cache:
                    urls.add(url)
                if outlet and title and day and ("source", outlet.lower(), title, day) not in self.cache:
                    with contextlib.suppress(RowProblem):  # reported when the row is read
                        sources.add((outlet, title, parse_day("source_date", day)))
        self._prefetch_officials(sorted(officials))
        self._prefetch_topics(sorted(topics))
        self._prefetch_outlets(sorted(outlets))
        self.stored_sources: dict[tuple, Source] = {}
        for chunk in _chunks(sorted(urls), LOOKUP_CHUNK):
            for source in Source.objects.filter(url__in=chunk).select_related("outlet"):
                self.stored_sources.setdefault(("url", source.url), source)
        for chunk in _chunks(sorted(sources), LOOKUP_CHUNK):
            # Titles on dates (the source_date_title index), the outlet compared here: a Q per source cost more
            # Python to build than the query took.
            wanted = {(outlet.lower(), title, day) for outlet, title, day in chunk}
            found = Source.objects.filter(
                published_on__in={day for _, _, day in chunk}, title__in={title for _, title, _ in chunk}
            ).select_related("outlet")
            for source in found:  # in the model's order: the first match wins
                key = (source.outlet.name.lower(), source.title, source.published_on)
                if key in wanted:
                    self.stored_sources.setdefault(("key", *key), source)

    def _prefetch_officials(self, names: list[str]) -> None:
        for chunk in _chunks(names, LOOKUP_CHUNK):
            query = Q()
            for name in chunk:
                query |= Q(name__iexact=name) | Q(slug=name) | Q(slug=slugify(name)) | Q(aliases__icontains=name)
            candidates = list(Official.objects.filter(query))
            for name in chunk:
                self.cache[("official", name.lower())] = self._match_official(name, candidates)

    def _match_official(self, name: str, candidates: list[Official]) -> Official | RowProblem | None:
        lowered = name.lower()
        matches = [
            official
            for official in candidates
            if lowered in {official.name.lower(), official.slug}
            or lowered in {alias.lower() for alias in official.alias_list}
        ]
        matches = [official for official in matches if official.name.lower() == lowered] or matches
        if len(matches) > 1:
            found = ", ".join(f"{official.name} ({official.slug})" for official in matches)
            return RowProblem("", f"“{name}” matches several officials: {found}. Use the slug.")
        return matches[0] if matches else None

    def _prefetch_topics(self, names: list[str]) -> None:
        for chunk in _chunks(names, LOOKUP_CHUNK):
            query = Q()
            for name in chunk:
                query |= Q(name__iexact=name) | Q(slug=name)
            candidates = list(Topic.objects.filter(query))
            for name in chunk:
                matches = [topic for topic in candidates if name.lower() == topic.name.lower() or name == topic.slug]
                if len(matches) > 1:
                    found = ", ".join(topic.slug for topic in matches)
                    self.cache[("topic", name.lower())] = RowProblem(
                        "topics", f"“{name}” matches several topics: {found}."
                    )
                else:
                    self.cache[("topic", name.lower())] = matches[0] if matches else None

    def _prefetch_outlets(self, names: list[str]) -> None:
        for chunk in _chunks(names, LOOKUP_CHUNK):
            query = Q()
            for name in chunk:
                query |= Q(name__iexact=name) | Q(slug=name)
            candidates = list(Outlet.objects.filter(query))  # in the model's order: the first match wins
            for name in chunk:
                matches = [
                    outlet for outlet in candidates if name.lower() == outlet.name.lower() or name == outlet.slug
                ]
                self.cache[("outlet", name.lower())] = matches[0] if matches else None

    # --- Resolving one row's names ---------------------------------------------------------------------------

    def _found(self, key: tuple, column: str):
        found = self.cache.get(key)
        if isinstance(found, RowProblem):
            raise RowProblem(column, found.message)
        return found

    def _make(self, key: tuple, kind: str, name: str, instance):
        self.cache[key] = instance
        self.created[kind].append(name)
        self.pending[kind].append(instance)
        self.row_keys.append((key, kind, name))
        return instance

    def start_row(self) -> None:
        self.row_keys = []

    def forget_row(self) -> None:
        """The row failed: what it made is dropped (not written, not reported as created)."""
        for key, kind, name in self.row_keys:
            instance = self.cache.pop(key, None)
            self.created[kind].remove(name)
            if instance is not None and instance.pk is None:
                self.pending[kind] = [pending for pending in self.pending[kind] if pending is not instance]
        self.row_keys = []

    def country(self, column: str, value: str) -> Country:
        country = self.countries.get(value.lower())
        if country is None:
            raise RowProblem(column, f"Unknown country “{value}”: give an ISO code (RU), a name or an alias.")
        return country

    def official(self, column: str, name: str, *, country_code: str = "") -> Official:
        key = ("official", name.lower())
        official = self._found(key, column)
        if official is None:
            if not self.create_missing:
                raise RowProblem(column, f"Unknown official “{name}” (no name, alias or slug matches); add it first.")
            country = self.country("speaker_country_code", country_code) if country_code else None
            return self._make(key, "officials", name, Official(name=name, country=country))
        if country_code and official.country_id is None and name in self.created["officials"]:
            # Made earlier in this file as a mentioned official (no country column there); now we know it.
            official.country = self.country("speaker_country_code", country_code)
            if official.pk is not None:
                official.save(update_fields=["country"])
        return official

    def coding(self, value: str) -> "_Coding":
        """One coding of a `codings` cell: its target (a country by name, code or alias, else an official or
        institution), its stance and its speech act, consistent with the codebook's rules."""
        found = CODING_IN_WORDS.fullmatch(value) if len(value) <= MAX_CODING_CHARS else None
        if found is None:
            raise RowProblem(
                "codings",
                f"“{value}” is not a coding: write “target: stance (speech act)”, e.g. “United States: critical "
                f"(criticise or accuse)”, with a stance among: {', '.join(STANCES_IN_WORDS)}.",
            )
        name = found["target"].strip()
        target = self.countries.get(name.lower()) or self.official("codings", name)
        stance = STANCES_IN_WORDS[found["stance"].lower()]
        act = _choice("codings", found["act"] or "", SpeechAct, "")
        problems = refusals(act, stance)
        if problems:
            raise RowProblem("codings", f"“{value}”: {problems[0]}")
        return _Coding(target, stance, act)

    def topic(self, name: str) -> Topic:
        key = ("topic", name.lower())
        topic = self._found(key, "topics")
        if topic is None:
            if not self.create_missing:
                raise RowProblem("topics", f"Unknown topic “{name}” (no name or slug matches); add it first.")
            return self._make(key, "topics", name, Topic(name=name))
        return topic

    def outlet(self, name: str) -> Outlet:
        key = ("outlet", name.lower())
        outlet = self._found(key, "outlet")
        if outlet is None:
            if not self.create_missing:
                raise RowProblem("outlet", f"Unknown outlet “{name}”; add it first.")
            return self._make(key, "outlets", name, Outlet(name=name))
        return outlet

    def source(self, cells: dict[str, str]) -> Source | None:
        """The source by URL, else by outlet + title + date; None when the row names no source at all."""
        outlet_name, title, url = cells.get("outlet", ""), cells.get("source_title", ""), cells.get("source_url", "")
        date_text, medium = cells.get("source_date", ""), cells.get("medium", "")
        if not (outlet_name or title or url or date_text):
            return None
        key = ("source", url) if url else ("source", outlet_name.lower(), title, date_text)
        if key in self.cache:
            return self.cache[key]
        if url and ("url", url) in self.stored_sources:
            self.cache[key] = self.stored_sources[("url", url)]
            return self.cache[key]
        for column, value in (("outlet", outlet_name), ("source_title", title), ("source_date", date_text)):
            if not value:
                raise RowProblem(column, f"{column} is needed to identify the source (or give a known source_url).")
        published_on = parse_day("source_date", date_text)
        stored = self.stored_sources.get(("key", outlet_name.lower(), title, published_on))
        if stored is not None:
            self.cache[key] = stored
            return stored
        if not self.create_missing:
            raise RowProblem("source_title", f"Unknown source “{title}” ({outlet_name}, {date_text}); add it first.")
        source = Source(
            outlet=self.outlet(outlet_name),
            title=title,
            url=url,
            published_on=published_on,
            medium=_choice("medium", medium, Medium, Medium.ARTICLE),
        )
        source.language = language_code(source.language)
        # The outlet may not be written yet; the URL's uniqueness was checked by looking it up above.
        _full_clean(source, {"title": "source_title", "url": "source_url", "medium": "medium"}, exclude=["outlet"])
        return self._make(key, "sources", title, source)

    def flush(self) -> None:
        """Write what the batch's rows made, a bulk insert per model (with its history), before their statements."""
        for kind, model in (("outlets", Outlet), ("officials", Official), ("topics", Topic)):
            made = [instance for instance in self.pending[kind] if instance.pk is None]
            for instance, slug in zip(made, _unique_slugs(model, [i.name for i in made], self.slugs), strict=True):
                instance.slug = slug
            _bulk_create_with_history(model, made, user=self.user, reason=self.reason)
            self.pending[kind] = []
        made = [source for source in self.pending["sources"] if source.pk is None]
        for source in made:
            source.outlet = source.outlet  # assigned again: the outlet has its id now
        _bulk_create_with_history(Source, made, user=self.user, reason=self.reason)
        self.pending["sources"] = []


def _bulk_create_with_history(model, instances: list, *, user: AbstractBaseUser | None, reason: str) -> None:
    """Insert the instances (each gets its id) and, for a model with history, their creation records, as plain rows
    (statements/bulk_insert.py) like the statements': `bulk_create` and simple-history's `bulk_history_create` built
    two model instances a row and passed every value through the SQL compiler: a sixth of the import's time in a
    profile of 5,000 rows (a source per five rows)."""
    if not instances:
        return
    table = bulk_insert.Table(model)
    values = [{attname: getattr(instance, attname) for attname in table.attnames} for instance in instances]
    ids = table.insert([table.row(value) for value in values], returning=True)
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
    if getattr(model, "history", None) is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = bulk_insert.Table(model.history.model)
    record = {
        "history_date": timezone.now(),
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
    }
    history.insert([history.row({**value, **record, "id": pk}) for value, pk in zip(values, ids, strict=True)])


def words_digest(text: str) -> bytes:
    """What duplicates share: the words of a text, every run of whitespace (line breaks included) as one space.

    Held as a 16-byte BLAKE2 digest of them, for every row of a file: 100,000 texts would otherwise be held twice."""
    return hashlib.blake2b(" ".join(text.split()).encode(), digest_size=16).digest()


# A speaker's statements on some dates, every status (so the (speaker, status, date) index is sought, not scanned).
_STORED_STATEMENTS = (
    'SELECT "statements_statement"."id", "statements_statement"."speaker_id", "statements_statement"."date", '
    '"statements_statement"."text", "statements_statement"."status", "statements_statement"."source_id", '
    '"statements_statement"."outlet_cache" FROM "statements_statement" '
    'WHERE "statements_statement"."speaker_id" = %s '
    f'AND "statements_statement"."status" IN ({", ".join(["%s"] * len(Status.values))}) '
    'AND "statements_statement"."date" IN ({dates})'
)


@dataclass(frozen=True)
class Stored:
    """A statement already in the database that a row repeats."""

    pk: int
    status: str
    source_id: int | None
    outlet_id: int | None


class Duplicates:
    """Finds rows with the same speaker, date and words as an earlier row of the file or an existing statement."""

    def __init__(self, *, keep: bool, add_as_reports: bool = False):
        self.keep = keep
        self.add_as_reports = add_as_reports
        self.seen: dict[tuple, int] = {}  # key -> the row imported with it
        self.existing: dict[tuple, Stored] = {}  # key -> a statement already stored
        self.reported: set[tuple[int, object]] = set()  # (statement id, source id or new source) of its other reports
        self.flagged: list[RowError] = []  # duplicates kept, as asked
        self.offered = 0  # duplicates that could be added as another report

    def load(self, rows: list[tuple[Official, datetime.date]]) -> None:
        """Read the stored statements the batch's rows (speaker, date) could repeat: by speaker, on the rows' dates.

        One query per hundred speakers: a SELECT per speaker, joined with UNION ALL, each a seek in the (speaker,
        status, date) index for every status, where a single OR of speakers made SQLite read the whole table. Written
        as SQL: building a hundred querysets a batch cost more than the query. Of statements with the same speaker,
        date and words, the first (lowest id) is named."""
        dates: dict[int, set[datetime.date]] = {}
        for official, date in rows:
            dates.setdefault(official.pk, set()).add(date)
        self.existing = {}
        adapt = connection.ops.adapt_datefield_value
        for chunk in _chunks(sorted(dates), LOOKUP_CHUNK):
            selects, params = [], []
            for speaker_id in chunk:
                days = sorted(dates[speaker_id])
                selects.append(_STORED_STATEMENTS.format(dates=", ".join(["%s"] * len(days))))
                params += [speaker_id, *Status.values, *(adapt(day) for day in days)]
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(selects), params)
                for pk, speaker_id, date, text, status, source_id, outlet_id in cursor.fetchall():
                    key = (speaker_id, date, words_digest(text))
                    if key not in self.existing or pk < self.existing[key].pk:
                        self.existing[key] = Stored(pk, status, source_id, outlet_id)
        # Their other reports: a row from a source already reporting the statement is only a duplicate.
        stored_ids = [stored.pk for stored in self.existing.values()]
        for chunk in _chunks(stored_ids, LOOKUP_CHUNK * 10):
            self.reported.update(Report.objects.filter(statement__in=chunk).values_list("statement_id", "source_id"))

    def repeated(self, *, speaker: Official, date: datetime.date, text: str) -> Stored | None:
        """The stored statement a row repeats, unless it repeats an earlier row of the file (that is never a report)."""
        key = (speaker.pk, date, words_digest(text))
        return None if key in self.seen else self.existing.get(key)

    def another_report(self, stored: Stored, source: Source | None) -> bool:
        """Whether the row's source is another outlet's report of the stored statement, not listed on it yet."""
        if source is None or source.pk is not None and source.pk == stored.source_id:
            return False
        if source.outlet.pk is not None and source.outlet.pk == stored.outlet_id:
            return False
        return (stored.pk, source.pk if source.pk is not None else id(source)) not in self.reported

    def add_report(self, stored: Stored, source: Source) -> None:
        self.reported.add((stored.pk, source.pk if source.pk is not None else id(source)))

    def check(self, row: int, *, speaker: Official, date: datetime.date, text: str, offer: str = "") -> None:
        """Raise DuplicateRow for a duplicate to skip; note a duplicate to keep. `offer`: how else it could go."""
        key = (speaker.pk, date, words_digest(text))
        if key in self.seen:
            repeated = f"row {self.seen[key]} of this file"
        elif key in self.existing:
            stored = self.existing[key]
            repeated = f"statement {stored.pk} ({stored.status}), already in the database"
        else:
            return
        message = f"same speaker, date and words as {repeated}{offer}: " + (
            "kept, as asked." if self.keep else "skipped."
        )
        if not self.keep:
            raise DuplicateRow(message)
        self.flagged.append(RowError(row, "", message))

    def imported(self, row: int, *, speaker: Official, date: datetime.date, text: str) -> None:
        self.seen.setdefault((speaker.pk, date, words_digest(text)), row)


def _full_clean(instance, columns: dict[str, str], *, exclude: list[str] | None = None) -> None:
    """Model validation, in Python only, reported against the CSV column that holds the field.

    The database's constraints are not queried row by row (Django checks each with a query): the import checks
    the same rules itself (choices, a source to publish, non-empty text, URLs looked up), and the database
    enforces them at the insert."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise RowProblem(columns.get(field_name, ""), " ".join(messages)) from None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(MULTI_VALUE_SEPARATOR.strip()) if part.strip()]


@dataclass
class _Row:
    """One row read and resolved, not yet written."""

    number: int
    cells: dict[str, str]
    date: datetime.date | None = None
    precision: str = ""
    speaker: Official | None = None
    kind: str = ""
    source: Source | None = None
    topics: list[Topic] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    mentioned: list[Official] = field(default_factory=list)
    codings: list["_Coding"] = field(default_factory=list)
    reports: list[Source] = field(default_factory=list)  # its other reports (the `other_reports` column)
    report_of: Stored | None = None  # added as another report of this stored statement, not made a statement


@dataclass(frozen=True)
class _Coding:
    """One coding read from a row's `codings` cell."""

    target: Country | Official
    stance: int | None
    act: str


def _coding_targets(cell: str) -> list[str]:
    """The target names of a `codings` cell, for looking officials up a batch at a time (malformed parts are
    reported when the row is read)."""
    parts = [value for value in _split(cell) if len(value) <= MAX_CODING_CHARS]
    return [found["target"].strip() for value in parts if (found := CODING_IN_WORDS.fullmatch(value))]


def _read_speaker(row: _Row, *, resolver: Resolver) -> None:
    """The row's checks up to its speaker (who may have to be created before the duplicate check)."""
    cells = row.cells
    for column in REQUIRED_COLUMNS:
        if not cells.get(column, "").strip():
            raise RowProblem(column, f"{column} is required.")
    precision = _choice("date_precision", cells.get("date_precision", ""), DatePrecision, "")
    row.date, row.precision = parse_date(cells["date"], precision)
    # As Statement.clean: a month or year is stored as its first day.
    if row.precision == DatePrecision.MONTH:
        row.date = row.date.replace(day=1)
    elif row.precision == DatePrecision.YEAR:
        row.date = row.date.replace(month=1, day=1)
    speaker_country = cells.get("speaker_country_code") or cells.get("speaker_country", "")
    row.speaker = resolver.official("speaker", cells["speaker"], country_code=speaker_country)


def _read_rest(row: _Row, *, resolver: Resolver, duplicates: Duplicates, status: str) -> None:
    """The rest of the row's checks, in Python: what Statement.full_clean would refuse, without a model per row.

    Required text, dates and choices are checked as they are read; the field validators (lengths) run here; the
    database enforces its constraints at the insert."""
    cells = row.cells
    offer = ""
    stored = duplicates.repeated(speaker=row.speaker, date=row.date, text=cells["text"])
    if stored is not None:
        # The source first, to tell another outlet's report of the statement (forgotten if the row is skipped).
        source = resolver.source(cells)
        if duplicates.another_report(stored, source):
            if duplicates.add_as_reports:
                duplicates.add_report(stored, source)
                row.source, row.report_of = source, stored
                return
            duplicates.offered += 1
            offer = f", from another outlet ({source.outlet.name}), so it can be added as another report of it"
    # Before the rest is resolved, so that a skipped row creates no topic or source.
    duplicates.check(row.number, speaker=row.speaker, date=row.date, text=cells["text"], offer=offer)
    row.topics = [resolver.topic(name) for name in _split(cells.get("topics", ""))]
    row.countries = [resolver.country("countries", name) for name in _split(cells.get("countries", ""))]
    row.mentioned = [
        resolver.official("officials_mentioned", name) for name in _split(cells.get("officials_mentioned", ""))
    ]
    row.codings = [resolver.coding(value) for value in _split(cells.get("codings", ""))]
    targets = [coding.target for coding in row.codings]
    repeated = next((target for number, target in enumerate(targets) if target in targets[:number]), None)
    if repeated is not None:
        raise RowProblem("codings", f"{repeated} is coded twice: a statement has one coding toward each target.")
    row.source = resolver.source(cells)
    if status != Status.DRAFT and row.source is None:
        raise RowProblem("source_title", "A published statement needs a source (outlet, source_title, source_date).")
    for report_cells in _other_reports(cells.get("other_reports", "")):
        try:
            source = resolver.source(report_cells)
        except RowProblem as problem:
            where = f"{report_cells['source_date']} | {report_cells['outlet']}"
            raise RowProblem("other_reports", f"{where}: {problem.message}") from None
        if source is row.source:
            raise RowProblem("other_reports", "The source is listed again as another report; list other sources only.")
        if any(source is listed for listed in row.reports):
            raise RowProblem("other_reports", f"“{source.title}” is listed twice as another report.")
        row.reports.append(source)
    row.kind = _choice("kind", cells.get("kind", ""), Kind, Kind.DIRECT)
    language = language_code(cells.get("original_language", ""))
    if language:
        try:
            ORIGINAL_LANGUAGE.run_validators(language)
        except ValidationError as error:
            raise RowProblem("original_language", " ".join(error.messages)) from None
    cells["original_language"] = language


ORIGINAL_LANGUAGE = Statement._meta.get_field("original_language")


def _write(rows: list[_Row], *, status: str, user: AbstractBaseUser | None, reason: str) -> list[int]:
    """Insert the batch's statements, their links and their creation records (with the links), a few queries.

    Rows go in as plain values (statements/bulk_insert.py): a model instance per row, link and record cost more
    than the inserts themselves."""
    now = timezone.now()
    user_id = user.pk if user is not None else None
    values = []
    for row in rows:
        source = row.source
        cells = row.cells
        values.append(
            {
                "speaker_id": row.speaker.pk,
                "date": row.date,
                "date_precision": row.precision,
                "text": cells["text"],
                "kind": row.kind,
                "original_text": cells.get("original_text", ""),
                "original_language": cells["original_language"],
                "source_id": source.pk if source is not None else None,
                # The links' copies, exact as inserted, so that the database's triggers leave the row alone
                # (statements/denormalised.py), as Statement.save would leave them for a statement without links.
                "topics_cache": denormalised.set_text(topic.pk for topic in row.topics),
                "countries_cache": denormalised.set_text(country.pk for country in row.countries),
                "outlet_cache": source.outlet_id if source is not None else None,
                "source_language_cache": source.language if source is not None else "",
                "status": status,
                "published_at": now if status == Status.PUBLISHED else None,
                "created_at": now,
                "updated_at": now,
                "created_by_id": user_id,
                "updated_by_id": user_id,
            }
        )
    statements = bulk_insert.Table(Statement)
    ids = statements.insert([statements.row(value) for value in values], returning=True)
    links = {}
    for name, attribute, target in LINKS:
        table = bulk_insert.Table(getattr(Statement, name).through)
        made = [
            (statement_id, pk)
            for row, statement_id in zip(rows, ids, strict=True)
            for pk in dict.fromkeys(item.pk for item in getattr(row, attribute))
        ]
        column = f"{target}_id"
        link_ids = table.insert([table.row({"statement_id": s, column: t}) for s, t in made], returning=True)
        links[name] = (made, link_ids, column)
    codings = bulk_insert.Table(Coding)
    coding_values = [
        {
            "statement_id": statement_id,
            "target_country_id": coding.target.pk if isinstance(coding.target, Country) else None,
            "target_official_id": coding.target.pk if isinstance(coding.target, Official) else None,
            "stance": coding.stance,
            "act": coding.act,
            "coded_by_id": user_id,
            "coded_at": now,
        }
        for row, statement_id in zip(rows, ids, strict=True)
        for coding in row.codings
    ]
    coding_ids = codings.insert([codings.row(value) for value in coding_values], returning=True)
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return ids  # history switched off
    # Each coding's creation record, as a coding saved in the admin has one.
    coding_history = bulk_insert.Table(Coding.history.model)
    coding_history.insert(
        [
            coding_history.row({**value, **record_of_import(now, reason, user_id), "id": pk})
            for value, pk in zip(coding_values, coding_ids, strict=True)
        ]
    )
    # One creation record per statement holding its links, as its history page shows them.
    history = bulk_insert.Table(Statement.history.model)
    record = record_of_import(now, reason, user_id)
    record_ids = history.insert(
        [history.row({**value, **record, "id": pk}) for value, pk in zip(values, ids, strict=True)], returning=True
    )
    record_of = dict(zip(ids, record_ids, strict=True))
    for name, (made, link_ids, column) in links.items():
        table = bulk_insert.Table(getattr(Statement.history.model, name).model)
        table.insert(
            [
                table.row({"id": link_id, "statement_id": s, column: t, "history_id": record_of[s]})
                for (s, t), link_id in zip(made, link_ids, strict=True)
            ]
        )
    return ids


def _write_reports(reports: list[tuple[int, Source]]) -> None:
    """Insert other reports, (statement id, source): the database refuses one of the statement's primary source."""
    table = bulk_insert.Table(Report)
    now = timezone.now()
    table.insert(
        [
            table.row({"statement_id": pk, "source_id": source.pk, "text": "", "created_at": now})
            for pk, source in reports
        ]
    )


def record_of_import(now: datetime.datetime, reason: str, user_id: int | None) -> dict:
    """The history fields of a creation record made by the import."""
    return {"history_date": now, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}


# Many-to-many fields written by the import: (field, attribute of _Row, the link table's column for the target).
LINKS = (
    ("topics", "topics", "topic"),
    ("countries", "countries", "country"),
    ("mentioned_officials", "mentioned", "official"),
)


def _creation_order(rows: list[tuple[int, list[str]]], id_column: int | None) -> list[tuple[int, list[str]]]:
    """Rows in the order to create them: by the exported `id` when every row has one, else file order.

    The timeline orders statements of the same date by id, so new ids must keep the old ids' order for an
    export → import → export round trip to list same-day statements in the same order.
    """
    if rows and id_column is not None and all(cells[id_column].strip().isdigit() for _, cells in rows):
        return sorted(rows, key=lambda item: int(item[1][id_column].strip()))
    return rows


def _cells(header: list[str], row: list[str]) -> dict[str, str]:
    # Text is kept exactly as written (round trips are exact); names, codes and dates are trimmed.
    cells = {name: unneutralise(cell) for name, cell in zip(header, row, strict=True)}
    return {name: value if name in TEXT_COLUMNS else value.strip() for name, value in cells.items()}


def import_statements(
    *,
    file: bytes | BinaryIO,
    create_missing: bool = False,
    dry_run: bool = False,
    publish: bool = False,
    keep_duplicates: bool = False,
    add_as_reports: bool = False,
    user: AbstractBaseUser | None = None,
    reason: str = IMPORT_REASON,
    max_bytes: int = MAX_IMPORT_BYTES,
    progress: Callable[[int, int], None] | None = None,
    links: bytes | BinaryIO | None = None,
) -> ImportResult:
    """Import every row of a CSV file in the export's format, or none: any error rolls the whole file back.

    Duplicate rows are skipped (and listed in `duplicates`) unless `keep_duplicates`; with `add_as_reports`, a row
    repeating a stored statement's words from another outlet adds its source to that statement as another report.
    `progress(done, total)` is called after each batch of rows. Every statement (and official, topic, source,
    coding) made has one creation entry in its history, links included, by `user`, saying `reason`. `links`, the
    links CSV exported with the file, links the imported statements as they were linked (`_import_links`), in the
    same all-or-nothing transaction."""
    result = ImportResult(dry_run=dry_run, keep_duplicates=keep_duplicates, add_as_reports=add_as_reports)
    data = _read(file, max_bytes)
    if data is None:
        result.file_error = f"The file is larger than the limit of {_size(max_bytes)}; split it into smaller files."
        return result
    try:
        reader = csv.reader(_decode(data), strict=True)
    except ValueError as error:
        result.file_error = str(error)
        return result
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

    # Rows are kept as the reader's lists (a dict per row would double the memory of a large file), and a value that
    # repeats (a speaker, a date, an outlet, a source) is held once: a third of the memory of 100,000 rows.
    rows: list[tuple[int, list[str]]] = []
    held: dict[str, str] = {}
    text_column = header.index("text")
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
            cells = f"{len(row)} cell{pluralize(len(row))}"
            result.errors.append(RowError(row_number, "", f"{cells}, but the header has {len(header)}."))
        elif "\x00" in "".join(row):
            # PostgreSQL refuses it in any text, even in a lookup, so the row is refused on both databases.
            column = next(name for name, cell in zip(header, row, strict=True) if "\x00" in cell)
            result.errors.append(RowError(row_number, column, "A NUL character (0x00) is not allowed in a cell."))
        else:
            rows.append(
                (row_number, [cell if i == text_column else held.setdefault(cell, cell) for i, cell in enumerate(row)])
            )
    del held, reader
    if result.rows == 0 and not result.errors:
        result.file_error = "The file has a header but no rows."
        return result

    status = Status.PUBLISHED if publish else Status.DRAFT
    ordered = _creation_order(rows, header.index("id") if "id" in header else None)
    del rows
    with transaction.atomic():
        resolver = Resolver(create_missing=create_missing, user=user, reason=reason)
        duplicates = Duplicates(keep=keep_duplicates, add_as_reports=add_as_reports)
        # Rows are taken from the end of the reversed list, so each batch's cells are let go once it is written.
        total, done = len(ordered), 0
        ordered.reverse()
        while ordered:
            taken = [ordered.pop() for _ in range(min(DUPLICATE_CHECK_BATCH, len(ordered)))]
            batch = [_Row(number, _cells(header, cells)) for number, cells in taken]
            del taken
            _import_batch(batch, resolver=resolver, duplicates=duplicates, status=status, user=user, result=result)
            done += len(batch)
            if progress:
                progress(done, total)
        if links is not None and result.ok:
            _import_links(links, result=result, header=header, user=user, reason=resolver.reason, max_bytes=max_bytes)
        result.errors.sort(key=lambda error: (error.file, error.row))
        result.duplicates = sorted(result.duplicates + duplicates.flagged, key=lambda duplicate: duplicate.row)
        result.report_offers = duplicates.offered
        result.created = {kind: names for kind, names in resolver.created.items() if names}
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


def _import_batch(
    batch: list[_Row], *, resolver: Resolver, duplicates: Duplicates, status: str, user, result: ImportResult
) -> None:
    """Resolve, check and write one batch of rows: its names in a few queries, its statements in bulk."""

    def fail(row: _Row, problem: Exception) -> None:
        resolver.forget_row()
        if isinstance(problem, DuplicateRow):
            result.duplicates.append(RowError(row.number, "", str(problem)))
            result.skipped += 1
        else:
            result.errors.append(RowError(row.number, problem.column, problem.message))

    resolver.prefetch([row.cells for row in batch])
    # Speakers first: one made for this file must be written before the duplicate check reads its id.
    read = []
    for row in batch:
        resolver.start_row()
        try:
            _read_speaker(row, resolver=resolver)
            read.append(row)
        except RowProblem as problem:
            fail(row, problem)
    resolver.flush()
    duplicates.load([(row.speaker, row.date) for row in read])
    resolved = []
    for row in read:
        resolver.start_row()
        try:
            _read_rest(row, resolver=resolver, duplicates=duplicates, status=status)
            resolved.append(row)
            duplicates.imported(row.number, speaker=row.speaker, date=row.date, text=row.cells["text"])
        except (RowProblem, DuplicateRow) as problem:
            fail(row, problem)
    # Written even when the file already failed (the whole import is rolled back then), as a dry run writes: the
    # database's own checks of what the rows made are part of the report.
    resolver.flush()
    checked = [row for row in resolved if row.report_of is None]
    reports = [row for row in resolved if row.report_of is not None]
    result.reports += len(reports)
    if not result.ok or not resolved:
        return  # nothing will be written; the rest of the file is still checked
    try:
        # A savepoint: a refusal by the database is reported, and the rows after it are still checked.
        with transaction.atomic():
            ids = _write(checked, status=status, user=user, reason=resolver.reason) if checked else []
            _write_reports(
                [(pk, source) for row, pk in zip(checked, ids, strict=True) for source in row.reports]
                + [(row.report_of.pk, row.source) for row in reports]
            )
    except DatabaseError as error:
        first, last = min(row.number for row in resolved), max(row.number for row in resolved)
        result.errors.append(RowError(first, "", f"The database refused a row among rows {first}–{last}: {error}"))
    else:
        for row, pk in zip(checked, ids, strict=True):
            exported = row.cells.get("id", "")
            if exported.isdigit():
                result.imported[int(exported)] = (pk, row.date, row.precision, row.speaker.pk)
    result.statements += len(checked)


def _import_links(
    file: bytes | BinaryIO, *, result: ImportResult, header: list[str], user, reason: str, max_bytes: int
) -> None:
    """Link the statements just imported as the links file says, by the ids they had in the database that exported
    them (the statements file's `id` column). A link whose ends were not both imported from this file (a statement
    outside the export's filters, or a duplicate row skipped) is listed in `links_skipped`, not an error. Every
    other problem is an error in `result.errors`, and nothing is written."""

    def problem(row: int, column: str, message: str) -> None:
        result.errors.append(RowError(row, column, message, file=LINKS_FILE))

    data = _read(file, max_bytes)
    if data is None:
        result.file_error = f"The links file is larger than the limit of {_size(max_bytes)}."
        return
    if "id" not in header:
        result.file_error = "Links are imported by the statements' ids: the statements file needs its id column."
        return
    try:
        reader = csv.reader(_decode(data), strict=True)
        names = [name.strip() for name in next(reader, [])]
    except (ValueError, csv.Error) as error:
        result.file_error = f"The links file cannot be read: {error}"
        return
    unknown = [name for name in names if name not in LINK_COLUMN_NAMES]
    missing = [name for name in LINK_REQUIRED_COLUMNS if name not in names]
    if unknown or missing:
        result.file_error = (
            f"The links file's columns are not the links CSV's: {'unknown ' + ', '.join(unknown) if unknown else ''}"
            f"{'; ' if unknown and missing else ''}{'missing ' + ', '.join(missing) if missing else ''}."
        )
        return
    later_at, kind_at, earlier_at = (names.index(name) for name in LINK_REQUIRED_COLUMNS)
    made: dict[tuple[int, int, str], int] = {}
    number = 1
    try:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(names):
                problem(number, "", f"{len(cells)} cells, but the header has {len(names)}.")
                continue
            later_id, kind, earlier_id = (unneutralise(cells[at]).strip() for at in (later_at, kind_at, earlier_at))
            try:
                kind = _choice("kind", kind, LinkKind, "")
                if not kind:
                    raise RowProblem("kind", "kind is required.")
                for column, value in (("statement_id", later_id), ("linked_id", earlier_id)):
                    if not value.isdigit():
                        raise RowProblem(column, f"“{value}” is not a statement's id.")
            except RowProblem as error:
                problem(number, error.column, error.message)
                continue
            later, earlier = result.imported.get(int(later_id)), result.imported.get(int(earlier_id))
            if later is None or earlier is None:
                absent = later_id if later is None else earlier_id
                result.links_skipped.append(
                    RowError(number, "", f"statement {absent} was not imported from this file: skipped.", LINKS_FILE)
                )
                continue
            if later[0] == earlier[0]:
                problem(number, "linked_id", "A statement cannot be linked to itself.")
            elif not DateSpan.of(earlier[1], earlier[2]).last < DateSpan.of(later[1], later[2]).first:
                problem(
                    number, "linked_id", f"A statement links only to an earlier one: {earlier_id} is not dated before."
                )
            elif kind == LinkKind.CORRECTS and earlier[3] != later[3]:
                problem(number, "kind", "“Corrects” is for the speaker's own earlier words: these are two speakers'.")
            elif (later[0], earlier[0], kind) in made:
                problem(number, "", f"The same link as row {made[(later[0], earlier[0], kind)]}.")
            else:
                made[(later[0], earlier[0], kind)] = number
    except csv.Error as error:
        problem(number, "", f"Not valid CSV: {error}.")
    if not result.ok or not made:
        return
    table = bulk_insert.Table(StatementLink)
    values = [{"statement_id": s, "linked_id": t, "kind": kind} for s, t, kind in made]
    ids = table.insert([table.row(value) for value in values], returning=True)
    result.links = len(ids)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        history = bulk_insert.Table(StatementLink.history.model)
        record = record_of_import(timezone.now(), reason, user.pk if user is not None else None)
        history.insert([history.row({**value, **record, "id": pk}) for value, pk in zip(values, ids, strict=True)])


def rows_with_errors(data: bytes, errors: list[RowError]) -> tuple[list[str], list[list[str]]]:
    """The file's header plus "errors", and each row that has an error with its cells (as imported) and its errors.

    For the preview's download: a file an analyst can fix in a spreadsheet, every row with what is wrong with it."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(f"{error.column}: {error.message}" if error.column else error.message)
    reader = csv.reader(_decode(data), strict=True)
    header = [name.strip() for name in next(reader, [])]
    rows, number = [], 1
    try:
        for cells in reader:
            number += 1
            if number in by_row:
                rows.append([unneutralise(cell) for cell in cells] + ["; ".join(by_row.pop(number))])
    except csv.Error:
        pass  # the rest of the file cannot be read: its errors are listed below, without cells
    for _, messages in sorted(by_row.items()):
        rows.append([""] * len(header) + ["; ".join(messages)])
    return [*header, "errors"], rows
