"""`/api/statements/?updated_since=…`: the changes feed a mirror follows (statements/changes.py), one keyset page at a
time, statements as the list shows them and tombstones for those withdrawn."""

from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response

from .. import changes
from .pagination import StatementCursorPagination
from .serializers import StatementSerializer

INVALID_CURSOR = StatementCursorPagination.invalid_cursor_message

UPDATED_SINCE_DOCS = OpenApiParameter(
    changes.PARAMETER,
    OpenApiTypes.DATETIME,
    description="For mirrors: instead of the timeline's list, every change after this moment (ISO 8601, e.g. "
    f"{changes.EXAMPLE}; UTC when no offset is given), oldest first: published statements whose content changed, "
    'with "changed_at", and tombstones {"id", "tombstone": true, "withdrawn_at"} for statements that left the '
    'published set. Cannot be combined with filters or sort. Follow "next" (always given) now and later.',
)


def changes_response(request, *, statements) -> Response:
    """One page of changes, or a 400 naming what is wrong with the parameters, or a 404 for a cursor not ours."""
    form = changes.ChangesForm(request.query_params)
    if not form.is_valid():
        raise BadRequest({name: list(messages) for name, messages in form.errors.items()})
    if refused := changes.with_filters(request.query_params):
        raise BadRequest({changes.PARAMETER: [refused]})
    after = None
    if cursor := request.query_params.get("cursor"):
        try:
            after = changes.Position.decode(cursor)
        except ValueError:
            raise NotFound(INVALID_CURSOR) from None
    size = StatementCursorPagination().get_page_size(request)
    found = changes.page(
        form.cleaned_data[changes.PARAMETER],
        after,
        size=size,
        read=lambda ids: {s.pk: s for s in statements.using(changes.DATABASE).filter(pk__in=ids).order_by()},
    )
    # One serializer for the page's statements, as the list has: building one per statement costs more than the rest.
    live = [change for change in found.changes if not change.withdrawn]
    shown = StatementSerializer([change.statement for change in live], many=True, context={"request": request}).data
    statements_shown = {change.statement_id: data for change, data in zip(live, shown, strict=True)}
    results = [
        {"id": change.statement_id, "tombstone": True, "withdrawn_at": change.changed_at}
        if change.withdrawn
        else {**statements_shown[change.statement_id], "tombstone": False, "changed_at": change.changed_at}
        for change in found.changes
    ]
    return Response({"next": next_link(request, found.end), "more": found.more, "results": results})


def next_link(request, end: changes.Position | None) -> str:
    """The same request from where this page ended: always given, as new changes may come later."""
    query = [(name, value) for name, values in request.query_params.lists() if name != "cursor" for value in values]
    if end is not None:
        query.append(("cursor", end.encode()))
    return request.build_absolute_uri(request.path + "?" + urlencode(query))
