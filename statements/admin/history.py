"""History pages for the admins of tracked models: one entry per save, who, when, why, and what changed, readably.

A save in the admin is one history entry, links and inlines included (statements/history.py), with the optional
reason typed on the form; for a public statement an Editor may also write a public correction note, kept apart from
the internal reason. The history page shows each entry's whole difference: long text word by word, choices by their
labels, links as names added and removed (docs/admin.md#history).
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from statements import history

REASON_MAX_LENGTH = 1000


def require_key(field, value: str) -> None:
    """404 for an id its key field cannot hold: simple-history would pass "abc" to the query and fail with a 500."""
    try:
        field.to_python(value)
    except ValidationError:
        raise Http404(f"No record with the id {value!r}.") from None


class ChangeReasonFields(forms.Form):
    """The change form's "why": stored on the history entry the save makes, never on the record itself."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Optional. Internal: shown in the history to curators, never to the public.",
    )


class PublicNoteFields(ChangeReasonFields):
    """For Editors changing a public statement: a note for readers about the correction, apart from the reason."""

    public_note = forms.CharField(
        label="Public correction note",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Optional. For readers, when this corrects a public statement: what was corrected and why "
        "(e.g. “The quote was attributed to the wrong speaker.”). Kept with this change in the history, apart "
        "from the internal reason.",
    )


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history list made readable, one entry per save with its reason, without the "revert" form.

    Reverting would bypass the role rules (it saves an old version, status included, through a form that does
    not apply them) and does not restore m2m fields, so history is for reading; undo a change by editing.
    """

    object_history_list_template = "simple_history/object_history_list.html"
    # Related records named in the history's differences beyond the tracked foreign keys themselves.
    history_select_related: list[str] = []

    # --- The change form: why, and one history entry per save ---------------------------------------------------

    def offers_public_note(self, request, obj) -> bool:
        """Whether the form asks for a public correction note (statements override this)."""
        return False

    def _asks_why(self, request, obj) -> bool:
        if getattr(request, "viewing_old_version", False):
            return False  # an old version's read-only page
        return self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._asks_why(request, obj):
            return fieldsets
        names = ["change_reason", *(["public_note"] if self.offers_public_note(request, obj) else [])]
        return [*fieldsets, ("This change", {"fields": names})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._asks_why(request, obj):
            fields = PublicNoteFields if self.offers_public_note(request, obj) else ChangeReasonFields
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (fields, base), {})
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        # The row, its many-to-many fields and inlines are saved in steps; save_related records them as one entry.
        history.hold(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cleaned = form.cleaned_data
        history.record(
            form.instance,
            created=not change,
            user=request.user,
            reason=cleaned.get("change_reason", ""),
            public_note=cleaned.get("public_note", ""),
        )

    # --- The history page ---------------------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        require_key(self.model._meta.pk, unquote(object_id))
        history_model = self.model.history.model
        columns = []
        for name in self.get_history_list_display(request):
            label = getattr(getattr(self, name, None), "short_description", None)
            columns.append((name, label or history_model._meta.get_field(name).verbose_name))
        context = {
            "history_columns": columns,
            "has_public_notes": any(field.name == "public_note" for field in history_model._meta.fields),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only: edit the record to undo a change.")
        require_key(self.model._meta.pk, unquote(object_id))
        require_key(self.model.history.model._meta.pk, version_id)
        request.viewing_old_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """The entries with what their differences name, in a fixed number of queries however many there are."""
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return history.with_links(queryset.select_related(*self.history_select_related))

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Give each entry on the page `readable_changes`: its difference from the entry before it."""
        records = list(historical_records)
        if not records:
            return
        before_page = None
        oldest = records[-1]
        if oldest.history_type != history.CREATED:
            # The entry before the page's oldest (on the next page, or a record made before history was kept).
            earlier = Q(history_date__lt=oldest.history_date) | Q(
                history_date=oldest.history_date, history_id__lt=oldest.history_id
            )
            pk_name = self.model._meta.pk.attname
            queryset = self.get_history_queryset(request, self.model.history, pk_name, getattr(oldest, pk_name))
            before_page = queryset.filter(earlier).order_by("-history_date", "-history_id").first()
        for record, previous in zip(records, [*records[1:], before_page], strict=True):
            if record.history_type == history.CREATED:
                previous = None
            record.readable_changes = history.describe(record, previous)
