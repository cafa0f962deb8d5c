"""Change history: one entry per change, with who, why, and a readable old → new difference.

django-simple-history records a version of the row on every save and on every change of a many-to-many field, so
saving a statement with its topics and countries made three entries. Writes that change a row and its links
(the admin's change form, the article assistant, the demo data) hold the history while they save and record one
entry when done (`one_entry`, or `hold` then `record`), holding the links as they are then.

An entry says why it was made: `history_change_reason` (internal, for the curators) and, for statements, a
`public_note` kept apart from it, written by an Editor for readers when a public statement is corrected.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import models
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
