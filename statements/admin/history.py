"""History pages for the admins of tracked models: who changed what, when, with old and new values."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history list with per-field diffs (m2m included), without the "revert" form.

    Reverting would bypass the role rules (it saves an old version, status included, through a form that does
    not apply them) and does not restore m2m fields, so history is for reading; undo a change by editing.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only: edit the record to undo a change.")
        return super().history_form_view(request, object_id, version_id, extra_context)
