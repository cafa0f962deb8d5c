"""What changed in a statement while the public could see it: its corrections, read from the history.

A correction is a change to what a permalink shows (the words, speaker, date, source, kind, original words, topics,
countries or officials mentioned) between two versions the public saw: made while published, or while back in draft
and then published again. Internal fields (the analyst note, who saved it) and the retraction (which has its own
notice) are not corrections. Each correction carries the public note an Editor wrote for readers; the internal
reason for the change stays internal.

The date of the last correction is the version a citation names (statements/citations.py).
"""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef
from django.utils import dateformat, timezone

from . import history
from .models import Statement, Status

# What a permalink shows of a statement, in the order a correction names them.
PUBLIC_FIELDS = [
    "text",
    "kind",
    "speaker",
    "date",
    "date_precision",
    "source",
    "original_text",
    "original_language",
    "topics",
    "countries",
    "mentioned_officials",
]
# date_precision is part of the date a reader sees.
SAME_AS = {"date_precision": "date"}
PUBLIC = {Status.PUBLISHED, Status.RETRACTED}
# The changes feed reads this many recent public versions per entry it lists, to find statements with corrections.
CANDIDATES_PER_ENTRY = 10


@dataclasses.dataclass(frozen=True)
class Correction:
    """One public correction: when, what it changed (field labels, as readers know them) and the Editor's note."""

    on: datetime.date
    changed: list[str]
    note: str
    at: datetime.datetime | None = None  # the moment, to order corrections of several statements (the feed)

    @property
    def what(self) -> str:
        """What it changed, as the permalink's line says it: "Text, topics"."""
        return ", ".join(self.changed)


@dataclasses.dataclass(frozen=True)
class Revisions:
    first_public: datetime.date | None
    corrections: list[Correction]
    retracted_at: datetime.datetime | None = None  # when it was retracted, if it is now

    @property
    def version(self) -> datetime.date | None:
        """The date of the version shown: its last correction, else when it was first made public."""
        return self.corrections[-1].on if self.corrections else self.first_public


def _links(record, name: str) -> set:
    field = Statement._meta.get_field(name)
    target = field.m2m_reverse_field_name()
    return {getattr(row, f"{target}_id") for row in getattr(record, f"{name}_links")}


def _value(record, name: str):
    if Statement._meta.get_field(name).many_to_many:
        return _links(record, name)
    return getattr(record, Statement._meta.get_field(name).attname)


def _label(name: str) -> str:
    return str(Statement._meta.get_field(SAME_AS.get(name, name)).verbose_name)


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def revisions(statement: Statement) -> Revisions:
    """The statement's public corrections, oldest first, in four queries (its history, and its links per kind)."""
    return _revisions(history.with_links(statement.history.order_by("history_date", "history_id")))


def revisions_of(statement_ids: list[int]) -> dict[int, Revisions]:
    """The revisions of several statements, in four queries however many (the changes feed)."""
    records = history.with_links(
        Statement.history.filter(id__in=statement_ids).order_by("id", "history_date", "history_id")
    )
    by_statement: dict[int, list] = {}
    for record in records:
        by_statement.setdefault(record.id, []).append(record)
    return {pk: _revisions(rows) for pk, rows in by_statement.items()}


def _revisions(records) -> Revisions:
    first_public, last_public, notes, corrections, retracted_at = None, None, [], [], None
    for record in records:
        if record.public_note.strip():
            notes.append(record.public_note.strip())
        if record.status not in PUBLIC:
            retracted_at = None
            continue
        if record.status == Status.RETRACTED and (last_public is None or last_public.status != Status.RETRACTED):
            retracted_at = record.history_date
        elif record.status != Status.RETRACTED:
            retracted_at = None
        if last_public is None:
            first_public, notes = _day(record.history_date), []
        else:
            changed = [name for name in PUBLIC_FIELDS if _value(record, name) != _value(last_public, name)]
            labels = list(dict.fromkeys(_label(name) for name in changed))
            if labels:
                corrections.append(Correction(_day(record.history_date), labels, " ".join(notes), record.history_date))
                notes = []
        last_public = record
    return Revisions(first_public, corrections, retracted_at)


@dataclasses.dataclass(frozen=True)
class PublicChange:
    """A correction or a retraction of a public statement, as the changes feed lists it (/changes.atom)."""

    statement: Statement
    at: datetime.datetime
    kind: str  # "correction" or "retraction"
    line: str  # "Corrected on 7 December 2026: Text, topics." or "Retracted on 7 December 2026."
    note: str  # the Editor's public note, or the retraction's reason: never the internal reason
    anchor: str  # unique per statement: "correction-2", "retraction"


def _on(moment: datetime.date) -> str:
    return dateformat.format(moment, "j F Y")


def latest_changes(limit: int) -> list[PublicChange]:
    """The newest corrections and retractions of statements public now (never a draft), newest first.

    Read from the history: the newest public versions that follow an earlier public version of the same statement
    (a correction or a retraction can only be one of those), the statements they belong to, and their revisions
    (four queries however many); a few more statements than entries are read, as a version may change nothing a
    reader sees (the analyst note)."""
    versions = Statement.history.model.objects
    earlier = versions.filter(id=OuterRef("id"), status__in=PUBLIC, history_date__lt=OuterRef("history_date"))
    public_now = Statement.objects.public().filter(pk=OuterRef("id"))
    recent = (
        versions.filter(Exists(earlier), Exists(public_now), status__in=PUBLIC)
        .order_by("-history_date", "-history_id")
        .values_list("id", flat=True)[: limit * CANDIDATES_PER_ENTRY]
    )
    ids = list(dict.fromkeys(recent))[: limit * 2]
    statements = Statement.objects.public().for_lists().in_bulk(ids)
    found = []
    for pk, revised in revisions_of(ids).items():
        statement = statements.get(pk)
        if statement is None:  # withdrawn to draft since the versions were read
            continue
        for number, correction in enumerate(revised.corrections, start=1):
            line = f"Corrected on {_on(correction.on)}: {correction.what}."
            found.append(
                PublicChange(statement, correction.at, "correction", line, correction.note, f"correction-{number}")
            )
        if statement.status == Status.RETRACTED and revised.retracted_at is not None:
            line = f"Retracted on {_on(_day(revised.retracted_at))}."
            found.append(
                PublicChange(
                    statement, revised.retracted_at, "retraction", line, statement.retraction_reason, "retraction"
                )
            )
    found.sort(key=lambda change: (change.at, change.statement.pk), reverse=True)
    return found[:limit]
