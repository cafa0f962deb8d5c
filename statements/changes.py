"""`?updated_since=`: what changed in the published set since a moment, in (changed-at, id) order, for mirrors.

The API (`/api/statements/?updated_since=…`) and the CSV export (`/export.csv?updated_since=…`) read the change log
(statements/change_log.py) here: published statements whose public content changed after the moment, and
tombstones (id and when it was withdrawn, no content) for statements that left the published set. Drafts never
appear: a draft never published has no row in the log.

Pages are keyset pages: a position is the last row's (changed_at, statement id), and the next page starts strictly
after it, so a page never repeats or skips a row whatever changes in between; a statement changed again after it was
listed is listed again, at its new place, which is what a mirror wants.

A row may be stamped before it is committed (a long import), so a reader must not pass a stamp that an open
transaction may still commit behind it: on PostgreSQL a page ends before the start of the oldest transaction that is
writing (`horizon`), so what it lists is final. SQLite has one writer at a time, so its stamps are committed in
order and every committed stamp is final.
"""

import base64
import binascii
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateTimeField, Func, Q, QuerySet

from .filters import StatementFilter
from .models import StatementChange

PARAMETER = "updated_since"
# Changes are read from the primary, log and statements alike: a replica may lag behind it, and a page read there
# could pass stamps whose rows it has not yet received, or list a stamp with the content from before it.
DATABASE = DEFAULT_DB_ALIAS
EXAMPLE = "2026-12-07T09:30:00Z"


def parse_moment(value: str) -> datetime.datetime:
    """An ISO 8601 date, or date and time, with or without an offset (UTC when none), as an aware datetime."""
    text = value.strip()
    try:
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):  # OverflowError: a moment in year 1 or 9999 that UTC moves out of range
        raise ValidationError(
            "“%(value)s” is not an ISO 8601 date and time, e.g. %(example)s or 2026-12-07.",
            code="invalid",
            params={"value": value, "example": EXAMPLE},
        ) from None


class MomentField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if "\x00" in value:
            raise ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        return parse_moment(value)


class ChangesForm(forms.Form):
    """The parameter both surfaces take; a missing or malformed moment is an error with its message."""

    updated_since = MomentField(
        max_length=64,
        error_messages={"required": f"Give a moment in ISO 8601, e.g. updated_since={EXAMPLE}."},
    )


def with_filters(query) -> str:
    """The message refusing `updated_since` with the timeline's filters or order, or "" when it stands alone: the
    changes are every change, oldest first, and a tombstone has no content a filter could test."""
    named = sorted(name for name in query if name in StatementFilter.base_filters)
    if not named:
        return ""
    return (
        f"updated_since lists every change, oldest first, and cannot be combined with {', '.join(named)}: leave "
        "those out and keep what you need from the statements listed."
    )


class Moment(Func):
    """A moment as a query parameter, in the form the stored stamps compare with: on SQLite the text Django writes
    (to the millisecond, as the triggers stamp), elsewhere the datetime itself."""

    output_field = DateTimeField()

    def __init__(self, value: datetime.datetime):
        super().__init__()
        self.value = value

    def as_sql(self, compiler, connection, **extra_context):
        return "%s", [self.value]

    def as_sqlite(self, compiler, connection, **extra_context):
        utc = self.value.astimezone(datetime.UTC)
        return "%s", [utc.replace(tzinfo=None).isoformat(" ", "milliseconds") + "000"]


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last row's stamp and statement id. Opaque to clients (a cursor)."""

    changed_at: datetime.datetime
    statement_id: int

    def encode(self) -> str:
        text = f"{self.changed_at.isoformat()}~{self.statement_id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        """A cursor this module made; anything else raises ValueError."""
        if len(cursor) > 100:
            raise ValueError(cursor)
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            moment, _, pk = text.partition("~")
            changed_at = datetime.datetime.fromisoformat(moment)
            if changed_at.tzinfo is None or not pk.isascii() or not pk.isdigit() or int(pk) >= 2**63:
                raise ValueError(cursor)
            return cls(changed_at, int(pk))
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(cursor) from error


@dataclass
class Change:
    """One row of a changes page: a published statement as it is now (`statement`), or a tombstone."""

    statement_id: int
    changed_at: datetime.datetime
    withdrawn: bool
    statement: object = None  # what the reader made of it: a Statement, or the CSV's cells

    @property
    def position(self) -> Position:
        return Position(self.changed_at, self.statement_id)


def horizon(using: str = DATABASE) -> datetime.datetime | None:
    """The earliest stamp a transaction still open may yet commit, or None when every committed stamp is final.

    PostgreSQL: the start of the oldest other transaction of this database that has written (it may stamp rows any
    time after it began; a stamp is only taken once its transaction has an id, statements/change_log.py), else the
    time now. This needs the database role to see the other sessions, as it does when they are its own."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LEAST(clock_timestamp(), MIN(xact_start)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0]


def log_after(since: datetime.datetime, after: Position | None, *, until: datetime.datetime | None) -> QuerySet:
    """The log's rows after the moment (and after the position, when following pages), oldest first, before `until`.

    The bound on changed_at alone (>=) repeats what the keyset implies, so the database starts its index scan there."""
    rows = StatementChange.objects.using(DATABASE).filter(changed_at__gt=Moment(since))
    if after is not None:
        at = Moment(after.changed_at)
        rows = rows.filter(Q(changed_at__gt=at) | Q(changed_at=at, statement_id__gt=after.statement_id))
        rows = rows.filter(changed_at__gte=at)
    if until is not None:
        rows = rows.filter(changed_at__lt=Moment(until))
    return rows.in_order()


@dataclass
class Page:
    changes: list[Change]
    end: Position | None  # the last row read, where the next page starts (None: where this one started)
    more: bool  # whether more rows follow already


# Reads the published statements among some ids as the caller shows them: {id: statement (or row of cells)}.
Reader = Callable[[list[int]], dict]


def page(since: datetime.datetime, after: Position | None, *, size: int, read: Reader) -> Page:
    """Up to `size` changes after the position, each published one with what `read` makes of its statement."""
    rows = list(log_after(since, after, until=horizon())[: size + 1])
    more = len(rows) > size
    changes = [Change(row.statement_id, row.changed_at, row.withdrawn) for row in rows[:size]]
    wanted = [change.statement_id for change in changes if not change.withdrawn]
    found = read(wanted) if wanted else {}
    listed = []
    for change in changes:
        if not change.withdrawn:
            change.statement = found.get(change.statement_id)
            if change.statement is None:
                # Withdrawn since the log was read: its tombstone comes later, stamped after this page's end.
                continue
        listed.append(change)
    end = changes[-1].position if changes else after
    return Page(listed, end, more)


def all_changes(since: datetime.datetime, *, batch: int, read: Reader) -> Iterator[Change]:
    """Every change after the moment, a keyset page at a time (the CSV export): no OFFSET, no long-held cursor."""
    after = None
    while True:
        found = page(since, after, size=batch, read=read)
        yield from found.changes
        if not found.more:
            return
        after = found.end
