"""Cursor pagination: stable pages over a growing table, in the same order as the timeline."""

import datetime

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

# The timeline's `sort` values and the ordering each one means; the first field is the cursor's position.
STATEMENT_ORDERINGS = {
    "newest": ("-date", "-id"),
    "oldest": ("date", "id"),
}
DEFAULT_SORT = "newest"


class ApiCursorPagination(CursorPagination):
    """Cursor pages of 50 (up to 200 with `page_size`); a tampered cursor is a 404, never a 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("slug",)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            self.check_position(cursor.position)
        return cursor

    def check_position(self, position: str) -> None:
        """A hand-made cursor could carry any text; reject what the ordering field cannot hold."""
        if len(position) > 200:
            raise NotFound(self.invalid_cursor_message)


class StatementCursorPagination(ApiCursorPagination):
    """Orders by the filter's `sort` parameter, so API pages list statements exactly as the timeline does."""

    ordering = STATEMENT_ORDERINGS[DEFAULT_SORT]

    def get_ordering(self, request, queryset, view):
        # The filter has already validated `sort` (an invalid value is a 400 before pagination runs).
        return STATEMENT_ORDERINGS.get(request.query_params.get("sort") or DEFAULT_SORT, self.ordering)

    def check_position(self, position: str) -> None:
        try:
            datetime.date.fromisoformat(position)
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None
