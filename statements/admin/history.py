"""History pages for the admins of tracked models: who changed what, when, with old and new values."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


def require_key(field, value: str) -> None:
    """404 for an id its key field cannot hold: simple-history would pass "abc" to the query and fail with a 500."""
    try:
        field.to_python(value)
    except ValidationError:
        raise Http404(f"No record with the id {value!r}.") from None


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history list with per-field diffs (m2m included), without the "revert" form.

    Reverting would bypass the role rules (it saves an old version, status included, through a form that does
    not apply them) and does not restore m2m fields, so history is for reading; undo a change by editing.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        require_key(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only: edit the record to undo a change.")
        require_key(self.model._meta.pk, unquote(object_id))
        require_key(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
