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

from django.utils import timezone

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


@dataclasses.dataclass(frozen=True)
class Correction:
    """One public correction: when, what it changed (field labels, as readers know them) and the Editor's note."""

    on: datetime.date
    changed: list[str]
    note: str


@dataclasses.dataclass(frozen=True)
class Revisions:
    first_public: datetime.date | None
    corrections: list[Correction]

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
    records = list(history.with_links(statement.history.order_by("history_date", "history_id")))
    first_public, last_public, notes, corrections = None, None, [], []
    for record in records:
        if record.public_note.strip():
            notes.append(record.public_note.strip())
        if record.status not in PUBLIC:
            continue
        if last_public is None:
            first_public, notes = _day(record.history_date), []
        else:
            changed = [name for name in PUBLIC_FIELDS if _value(record, name) != _value(last_public, name)]
            labels = list(dict.fromkeys(_label(name) for name in changed))
            if labels:
                corrections.append(Correction(_day(record.history_date), labels, " ".join(notes)))
                notes = []
        last_public = record
    return Revisions(first_public, corrections)
