"""Admin CSV exports: the selected statements (an action) and the changelist's current filter and search (a view).

Both use the public export's column registry, neutralisation and streaming writer (statements/exports.py), so an
admin file has the same columns as /export.csv and imports back. Unlike the public export they include drafts and
retracted statements: the admin is staff-only. Filter the changelist by status first to export only some of them.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from statements.exports import COLUMN_NAMES, csv_lines, export_filename, statement_rows, utf8_chunks
from statements.models import Statement


def csv_download(request, statements: QuerySet[Statement], *, params) -> StreamingHttpResponse:
    """Stream `statements` in their order with the export's columns; the filename names `params` and the time."""
    # statement_rows() drops the admin queryset's prefetches itself: it reads tuples, names included.
    rows = statement_rows(statements, absolute_url=request.build_absolute_uri)
    filename = export_filename("statements-admin", params, now=timezone.now())
    response = StreamingHttpResponse(utf8_chunks(csv_lines(COLUMN_NAMES, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_changelist_view(model_admin, request):
    """The changelist's rows for this query string (filters, search, order), all of them, not one page."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        # The changelist itself redirects to "?e=1" here; a download can only say what is wrong.
        return HttpResponse(
            "These changelist filters are not valid, so no CSV was made. Go back to the list and filter again.\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    statements = changelist.get_queryset(request)
    params = [(name, value) for name, values in request.GET.lists() if name != "o" for value in values]
    return csv_download(request, statements, params=params)
