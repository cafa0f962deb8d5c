"""CSV downloads of the timeline's filtered set: the full export and the aggregate reports."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import changes
from .downloads import EXPORT_SLOTS, HeldWhileStreaming, export_slot_or_503, give_up_on_stalled_clients
from .exports import (
    CHANGES_COLUMN_NAMES,
    CODING_COLUMNS,
    COLUMN_NAMES,
    LINK_COLUMNS,
    change_rows,
    codings_of,
    csv_lines,
    export_filename,
    links_of,
    number_cells,
    statement_rows,
    table_rows,
    utf8_chunks,
)
from .filters import StatementFilter
from .models import Statement
from .reports import REPORTS

# Query parameters that change the file, not the set of statements: left out of the filename.
NOT_FILTERS = {"bom", "page", "sort"}


def filtered_statements(request) -> tuple[StatementFilter, HttpResponse | None]:
    """The timeline's filter over published statements, or a 400 naming what is wrong with the query string."""
    filterset = StatementFilter(request.GET, queryset=Statement.objects.published(), request=request)
    if filterset.is_valid():
        return filterset, None
    lines = ["The filters in this link are not valid, so no CSV was made:"]
    for field, messages in filterset.errors.items():
        label = field if field != "__all__" else "filters"
        lines.extend(f"- {label}: {message}" for message in messages)
    return filterset, bad_request(lines)


def csv_response(request, *, prefix: str, header, rows, slots=None, numbers=()) -> StreamingHttpResponse:
    """Stream CSV with a filename that says what was filtered and when; `?bom=1` adds a byte-order mark for Excel.

    With `slots`, the export's place (taken by the caller) is held until the response is closed. `numbers` says
    which cells are numbers, left as they are (csv_lines)."""
    params = [(name, value) for name, values in request.GET.lists() if name not in NOT_FILTERS for value in values]
    filename = export_filename(prefix, params, now=timezone.now())
    chunks = utf8_chunks(csv_lines(header, rows, bom=request.GET.get("bom") == "1", numbers=numbers))
    give_up_on_stalled_clients(request)
    response = StreamingHttpResponse(
        chunks if slots is None else HeldWhileStreaming(chunks, slots), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bad_request(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


@require_safe
def export_csv(request):
    if changes.PARAMETER in request.GET:
        return export_changes(request)
    filterset, error = filtered_statements(request)
    if error:
        return error
    busy = export_slot_or_503()
    if busy:
        return busy
    rows = statement_rows(filterset.qs, absolute_url=request.build_absolute_uri)
    return csv_response(request, prefix="statements", header=COLUMN_NAMES, rows=rows, slots=EXPORT_SLOTS)


# The long-format downloads beside the statements CSV: what is read from the filtered statements, and its columns.
TABLES = {
    "codings": (codings_of, CODING_COLUMNS),
    "links": (links_of, LINK_COLUMNS),
}


@require_safe
def export_table_csv(request, table: str):
    """The codings (one row per coding) or the links (one row per link) of the statements the timeline's filters
    give, with the statements CSV's safeguards: the same 400, an export slot, streaming, neutralisation."""
    rows_of, columns = TABLES[table]
    filterset, error = filtered_statements(request)
    if error:
        return error
    busy = export_slot_or_503()
    if busy:
        return busy
    rows = table_rows(rows_of(filterset.qs), columns, absolute_url=request.build_absolute_uri)
    header = [column.name for column in columns]
    return csv_response(
        request, prefix=table, header=header, rows=rows, slots=EXPORT_SLOTS, numbers=number_cells(columns)
    )


def export_changes(request):
    """The changes since a moment, for mirrors (statements/changes.py): statements and tombstones, oldest first."""
    form = changes.ChangesForm(request.GET)
    refused = changes.with_filters(request.GET)
    if not form.is_valid() or refused:
        lines = ["This link's updated_since is not valid, so no CSV was made:"]
        lines += [f"- {message}" for messages in form.errors.values() for message in messages]
        return bad_request(lines + ([f"- {refused}"] if refused else []))
    busy = export_slot_or_503()
    if busy:
        return busy
    rows = change_rows(form.cleaned_data[changes.PARAMETER], absolute_url=request.build_absolute_uri)
    return csv_response(request, prefix="changes", header=CHANGES_COLUMN_NAMES, rows=rows, slots=EXPORT_SLOTS)


@require_safe
def report_csv(request, name):
    report = REPORTS.get(name)
    if report is None:
        raise Http404(f"There is no report called “{name}”; the reports are: {', '.join(REPORTS)}.")
    filterset, error = filtered_statements(request)
    if error:
        return error
    return csv_response(request, prefix=f"report-{report.name}", header=report.header, rows=report.rows(filterset.qs))
