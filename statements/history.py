"""Change history: one entry per change, with who, why, and a readable old → new difference.

django-simple-history records a version of the row on every save and on every change of a many-to-many field, so
saving a statement with its topics and countries made three entries. Writes that change a row and its links
(the admin's change form, the article assistant, the demo data) hold the history while they save and record one
entry when done (`one_entry`, or `hold` then `record`), holding the links as they are then.

An entry says why it was made: `history_change_reason` (internal, for the curators) and, for statements, a
`public_note` kept apart from it, written by an Editor for readers when a public statement is corrected.

`describe()` turns two versions into the changes a person reads: long text as a word-level difference, choices by
their labels, links as the names added and removed.
"""

import contextlib
import dataclasses
import difflib
import re
from collections.abc import Iterator

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

# The HistoricalRecords of each tracked model, to record an entry by hand (simple-history keeps no reference).
_TRACKERS: dict[type[models.Model], "TrackedHistory"] = {}

CREATED, CHANGED, DELETED = "+", "~", "-"


class PublicNote(models.Model):
    """What a history entry of a statement adds: the note for readers about a correction (not the internal reason)."""

    public_note = models.TextField(
        "public correction note",
        blank=True,
        default="",
        help_text="For readers: what was corrected. Kept apart from the internal reason for the change.",
    )

    class Meta:
        abstract = True


class TrackedHistory(HistoricalRecords):
    """simple-history's HistoricalRecords with a reason of any length, and optionally a public correction note."""

    def __init__(self, *args, public_note: bool = False, **kwargs):
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        if public_note:
            kwargs["bases"] = (*kwargs.get("bases", ()), PublicNote)
        super().__init__(*args, **kwargs)

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is not self.cls:
            return
        _TRACKERS[sender] = self
        if PublicNote in self.bases:
            # simple-history's hook for extra fields on the history record.
            history_model = getattr(sender, self.manager_name).model
            pre_create_historical_record.connect(_copy_public_note, sender=history_model, weak=False)


def _copy_public_note(sender, instance, history_instance, **kwargs):
    history_instance.public_note = getattr(instance, "_public_note", "")


def hold(instance: models.Model) -> None:
    """Record nothing for this instance's saves and link changes until `record(instance, …)`."""
    instance.skip_history_when_saving = True


def record(
    instance: models.Model,
    *,
    created: bool,
    user=None,
    reason: str = "",
    public_note: str = "",
) -> None:
    """Record one history entry for the instance as it is now, links included, and stop holding its history.

    Nothing is recorded for a model without history (an outlet, a country), so callers need not tell them apart."""
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
    tracker = _TRACKERS.get(type(instance))
    if tracker is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    if user is not None:
        instance._history_user = user
    instance._change_reason = reason.strip()
    instance._public_note = public_note.strip()
    try:
        tracker.create_historical_record(instance, CREATED if created else CHANGED)
    finally:
        del instance._change_reason, instance._public_note


@contextlib.contextmanager
def one_entry(instance: models.Model, *, user=None, reason: str = "", public_note: str = "") -> Iterator[None]:
    """Everything saved in the block (the row, its links) becomes one history entry, made when the block ends."""
    created = instance.pk is None or instance._state.adding
    hold(instance)
    try:
        yield
    except BaseException:
        del instance.skip_history_when_saving
        raise
    record(instance, created=created, user=user, reason=reason, public_note=public_note)


# --- Reading the history -------------------------------------------------------------------------------------------

WORD_RE = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The new text as runs of ("same" | "del" | "ins", text), compared word by word, whole (nothing cut).

    Within a changed stretch all deletions come before all insertions, and a lone space or word between two changes
    joins them, so a rewritten phrase reads as one deletion and one insertion rather than alternating words."""
    old_tokens, new_tokens = WORD_RE.findall(old), WORD_RE.findall(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(old_tokens[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("del", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            runs.append(("ins", "".join(new_tokens[j1:j2])))
    # A space, or one word, left alone between two changes belongs to both: "<del>and we will</del><ins>but we
    # are ready to</ins>" reads better than "<del>and</del><ins>but</ins> we <del>will</del><ins>are ready to</ins>".
    for index in range(1, len(runs) - 1):
        op, text = runs[index]
        between = runs[index - 1][0] != "same" and runs[index + 1][0] != "same"
        if op == "same" and between and len(WORD_RE.findall(text.strip())) <= 1:
            runs[index] = ("both", text)
    merged: list[tuple[str, str]] = []
    deleted, inserted = [], []
    for op, text in runs:
        if op == "same":
            merged.extend(_flush(deleted, inserted))
            merged.append(("same", text))
            continue
        if op in ("del", "both"):
            deleted.append(text)
        if op in ("ins", "both"):
            inserted.append(text)
    merged.extend(_flush(deleted, inserted))
    return merged


def _flush(deleted: list[str], inserted: list[str]) -> list[tuple[str, str]]:
    runs = [(op, "".join(parts)) for op, parts in (("del", deleted), ("ins", inserted)) if parts]
    deleted.clear()
    inserted.clear()
    return runs


@dataclasses.dataclass
class Change:
    """One field's change between two versions, ready to show."""

    field: str
    label: str
    kind: str  # "text" (word diff in `words`), "value" (old → new) or "links" (`added`, `removed`)
    old: str = ""
    new: str = ""
    words: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    added: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)


def _display(record, field: models.Field) -> str:
    """A field's value in a version as a person reads it: a choice's label, a linked record's name, a date."""
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        try:
            related = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            related = None
        return str(related) if related is not None else f"{field.related_model._meta.verbose_name} #{value} (deleted)"
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField):
        return formats.localize(timezone.localtime(value))
    if isinstance(field, models.DateField):
        return formats.date_format(value, "j F Y")
    return str(value)


def with_links(queryset):
    """History records with the links of each (topics, countries…) and what they name, one query per kind of link.

    simple-history's `record.topics` is a manager that queries on each use; the rows are prefetched through the link
    tables' foreign key to their record instead, into `<field>_links`, which `link_names` reads."""
    history_model = queryset.model
    prefetches = []
    for field in history_model._history_m2m_fields:
        rows = getattr(history_model, field.name).model
        accessor = rows._meta.get_field("history").remote_field.get_accessor_name()
        named = rows.objects.select_related(field.m2m_reverse_field_name())
        prefetches.append(models.Prefetch(accessor, queryset=named, to_attr=f"{field.name}_links"))
    return queryset.prefetch_related(*prefetches)


def link_names(record, name: str) -> list[str]:
    """The sorted names of a version's links in the many-to-many field `name` (prefetched by `with_links`)."""
    field = record.instance_type._meta.get_field(name)
    target = field.m2m_reverse_field_name()
    rows = getattr(record, f"{name}_links", None)
    if rows is None:
        rows = getattr(record, name).all()
    return sorted((str(getattr(row, target)) for row in rows), key=str.casefold)


def shown_fields(record) -> list[models.Field]:
    """The fields a person edits: ids and record-keeping (created and updated by and at) are not edited."""
    concrete = [field for field in record.tracked_fields if field.editable and not field.primary_key]
    return concrete + list(record._history_m2m_fields)


def describe(record, previous=None) -> list[Change]:
    """What a version changed from the previous one (for the first version: what it was created with)."""
    changes = []
    for field in shown_fields(record):
        label = str(capfirst(field.verbose_name))
        if field.many_to_many:
            new = link_names(record, field.name)
            old = link_names(previous, field.name) if previous is not None else []
            added = [name for name in new if name not in old]
            removed = [name for name in old if name not in new]
            if added or removed:
                changes.append(Change(field.name, label, "links", added=added, removed=removed))
            continue
        if previous is None and isinstance(field, models.BooleanField) and not getattr(record, field.attname):
            continue  # what a record was created with, without every flag it does not have
        new_value = _display(record, field)
        old_value = _display(previous, field) if previous is not None else ""
        if old_value == new_value:
            continue
        if isinstance(field, models.TextField) and previous is not None and old_value and new_value:
            words = word_diff(old_value, new_value)
            changes.append(Change(field.name, label, "text", old_value, new_value, words=words))
        else:
            changes.append(Change(field.name, label, "value", old_value, new_value))
    return changes
