"""No lost updates in the admin: a change form saved after someone else changed the same record is refused.

The change form carries a hidden, signed "version": when it was loaded and a short hash of each field it shows,
many-to-many fields included (their ids, sorted), so a change to topics or countries is caught even though it does
not touch a column of the row. Saving locks the row first (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions, set in settings, already let one writer in at a time), reloads it, and compares: if any field the
form shows differs from what the form was loaded with, the save is refused with the fields' names, and who changed
them and when (from the history). Nothing is written; the user reloads the page to see the current version.
No migration is needed: the version is computed from the values themselves.
"""

import datetime
import hashlib

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import capfirst

VERSION_FIELD = "loaded_version"
SIGNING_SALT = "statements.admin.concurrency"


def _field_hash(value) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


def snapshot(instance, names) -> dict[str, str]:
    """A short hash of each named model field's current value (m2m: the sorted ids, read from the database)."""
    hashes = {}
    for field in instance._meta.get_fields():
        if field.name not in names or not getattr(field, "editable", False) or field.auto_created:
            continue
        if field.many_to_many:
            value = sorted(obj.pk for obj in field.value_from_object(instance))
        elif field.concrete:
            value = field.value_from_object(instance)
        else:
            continue
        hashes[field.name] = _field_hash(value)
    return hashes


class VersionedModelForm(forms.ModelForm):
    """A change form that refuses to save over changes made since it was loaded."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Model fields the form shows through another field (name → that field's name), checked with the fields shown.
    shown_by: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial[VERSION_FIELD] = signing.dumps(
                {"at": timezone.now().isoformat(), "fields": snapshot(self.instance, self._versioned())},
                salt=SIGNING_SALT,
                compress=True,
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            self._check_version(cleaned_data.get(VERSION_FIELD, ""))
        return cleaned_data

    def _versioned(self) -> list[str]:
        return [*self.fields, *(name for name, shown in self.shown_by.items() if shown in self.fields)]

    def _check_version(self, token: str) -> None:
        """Compare the values the form was loaded with against the row as it is now (locked by the admin)."""
        try:
            loaded = signing.loads(token, salt=SIGNING_SALT)
        except signing.BadSignature:
            raise ValidationError(
                "This form does not say which version of the record it was loaded from, so saving it could undo "
                "someone else's changes. Reload the page and make your changes again."
            ) from None
        current = snapshot(self.instance, self._versioned())
        changed = [name for name, digest in current.items() if loaded["fields"].get(name, digest) != digest]
        if not changed:
            return
        changed = list(dict.fromkeys(self.shown_by.get(name, name) for name in changed))
        labels = ", ".join(str(capfirst(self.fields[name].label or name)) for name in changed)
        raise ValidationError(
            f"Not saved: this {self.instance._meta.verbose_name} was changed by someone else after you opened it "
            f"({labels}){self._changed_by(loaded['at'])}. Your changes would overwrite theirs: reload the page to "
            "see the current version, then make your changes again (copy them first)."
        )

    def _changed_by(self, loaded_at: str) -> str:
        """ ", by alice at 25 Nov 2026 16:03" from the history, when the model keeps one."""
        history = getattr(self.instance, "history", None)
        if history is None:
            return ""
        since = datetime.datetime.fromisoformat(loaded_at)
        records = list(history.filter(history_date__gt=since).select_related("history_user").order_by("history_date"))
        if not records:
            return ""
        users = list(dict.fromkeys(str(record.history_user or "someone unknown") for record in records))
        when = localize(timezone.localtime(records[-1].history_date))
        return f", by {', '.join(users)}, last at {when}"


class OptimisticLockAdminMixin:
    """For a ModelAdmin: the versioned form, its hidden field, and the row locked while a POST is handled."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any(VERSION_FIELD in _flat(options["fields"]) for _, options in fieldsets):
            return fieldsets
        # A hidden field still has to be in a fieldset for the admin to render it: add it to the first.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_object(self, request, object_id, from_field=None):
        # changeform_view runs in a transaction: lock before reading, so the check and the save see the same row.
        if request.method == "POST" and from_field is None and transaction.get_connection().in_atomic_block:
            try:
                pk = self.model._meta.pk.to_python(object_id)
            except ValidationError:
                pk = None
            if pk is not None:
                database = router.db_for_write(self.model)
                list(self.model._default_manager.using(database).select_for_update().filter(pk=pk).values("pk"))
        return super().get_object(request, object_id, from_field)


def _flat(fields) -> list[str]:
    return [name for item in fields for name in (item if isinstance(item, list | tuple) else [item])]
