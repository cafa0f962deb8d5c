"""Cursor pagination: stable pages over a growing table, in the same order as the timeline."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import FloatField, Q
from django.db.models.functions import Cast
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering
from rest_framework.response import Response

from ..planner import COUNT_CAP

PAGE_NUMBER_MESSAGE = (
    'The API pages by cursor, not by page number: follow the "next" link of each response '
    '("page_size" sets how many results a page holds).'
)
POSITION_SEPARATOR = "~"  # cannot occur in a date, an id or a slug
MAX_POSITION_LENGTH = 300


class KeysetCursorPagination(CursorPagination):
    """Cursor pages of 50 (up to 200 with `page_size`) that resume after the last row's values of *every*
    ordering field, e.g. (date, id).

    DRF's own cursor keeps only the first field (the date) and skips rows sharing it with an offset that it caps at
    1,000; thousands of statements can share a date (a year-precision date is 1 January), so that would loop.
    Here the position holds the whole ordering, which is unique, so the offset is always 0.
    A cursor the API did not make is a 404, never a 500; a `page` number (the timeline's paging) is a 400.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("slug",)

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's method with one change: the position filter covers the whole ordering (see `after`).
        if "page" in request.query_params:
            # Ignoring it would hand back the first page, and carry `page` into every `next` link.
            raise BadRequest({"page": [PAGE_NUMBER_MESSAGE]})
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        queryset, self.ordering = self.exact_floats(queryset, self.ordering)
        self.cursor = self.decode_cursor(request)
        offset, reverse, current_position = self.cursor or (0, False, None)

        queryset = queryset.order_by(*(_reverse_ordering(self.ordering) if reverse else self.ordering))
        if current_position is not None:
            queryset = queryset.filter(self.after(queryset, current_position, reverse))

        results = list(queryset[offset : offset + self.page_size + 1])
        self.page = results[: self.page_size]
        has_following_position = len(results) > len(self.page)
        following_position = (
            self._get_position_from_instance(results[-1], self.ordering) if has_following_position else None
        )
        if reverse:
            self.page = list(reversed(self.page))
            self.has_next = current_position is not None or offset > 0
            self.has_previous = has_following_position
            self.next_position, self.previous_position = current_position, following_position
        else:
            self.has_next = has_following_position
            self.has_previous = current_position is not None or offset > 0
            self.next_position, self.previous_position = following_position, current_position
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page

    @staticmethod
    def exact_floats(queryset, ordering):
        """Page on float annotations (a search rank) cast to double precision.

        PostgreSQL's ts_rank is a `real`: it reads back as a rounded decimal (0.2) that is not equal in SQL to the
        value it came from (0.2::real is 0.200000003 as a double), so a cursor could not find its row again.
        The cast value round-trips exactly and sorts the same.
        """
        exact = []
        for field in ordering:
            name = field.lstrip("-")
            annotation = queryset.query.annotations.get(name)
            if annotation is not None and isinstance(annotation.output_field, FloatField):
                queryset = queryset.annotate(**{f"{name}_exact": Cast(name, FloatField())})
                field = f"{field}_exact"
            exact.append(field)
        return queryset, tuple(exact)

    def _get_position_from_instance(self, instance, ordering) -> str:
        return POSITION_SEPARATOR.join(str(getattr(instance, field.lstrip("-"))) for field in ordering)

    def after(self, queryset, position: str, reverse: bool) -> Q:
        """Rows after the position in the query's direction: (a, b) > (x, y) is a > x, or a = x and b > y."""
        values = self.position_values(queryset, position)
        condition, equal_so_far = Q(), Q()
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            lookup = "lt" if field.startswith("-") != reverse else "gt"
            condition |= equal_so_far & Q(**{f"{name}__{lookup}": value})
            equal_so_far &= Q(**{name: value})
        return condition

    def position_values(self, queryset, position: str) -> list:
        """The position's value for each ordering field, checked against the field: anything else is a 404."""
        parts = position.split(POSITION_SEPARATOR)
        if len(position) > MAX_POSITION_LENGTH or len(parts) != len(self.ordering):
            raise NotFound(self.invalid_cursor_message)
        try:
            return [self.field(queryset, f.lstrip("-")).to_python(v) for f, v in zip(self.ordering, parts, strict=True)]
        except (FieldDoesNotExist, ValidationError):
            raise NotFound(self.invalid_cursor_message) from None

    @staticmethod
    def field(queryset, name: str):
        """A model field, or the output field of an annotation (such as a search rank) that the rows are ordered by."""
        if name in queryset.query.annotations:
            return queryset.query.annotations[name].output_field
        return queryset.model._meta.get_field(name)

    def decode_cursor(self, request) -> Cursor | None:
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.offset:
            # This pagination never makes an offset (positions are unique), so one in a cursor is hand-made.
            raise NotFound(self.invalid_cursor_message)
        return cursor


class StatementCursorPagination(KeysetCursorPagination):
    """Pages in the order StatementFilter gave the rows (its `sort`), so the API lists statements as the timeline."""

    ordering = ("-date", "-id")

    def get_ordering(self, request, queryset, view):
        # Read the order from the filtered queryset rather than re-deriving it from `sort`: whatever orders the
        # filter offers (newest, oldest, relevance…), the pages follow it. The filter has validated `sort` already.
        ordering = tuple(queryset.query.order_by)
        if not ordering or not all(isinstance(field, str) for field in ordering):
            return self.ordering
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            ordering += ("-id",)  # a keyset needs a unique last field
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        self.count, self.count_capped = capped_count(queryset)  # of every match, not only those after the cursor
        return page

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        """A page of the list, or with `updated_since` a page of changes (statements/api/changes.py)."""
        return {"oneOf": [self.list_page_schema(schema), changes_page_schema(schema["items"])]}

    def list_page_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "count_capped", "next", "previous", "results"]
        paginated["properties"] = {
            "count": {
                "type": "integer",
                "minimum": 0,
                "maximum": COUNT_CAP,
                "description": f"Statements matching the filters (all pages), counted up to {COUNT_CAP:,}.",
            },
            "count_capped": {
                "type": "boolean",
                "description": f"True when more than {COUNT_CAP:,} statements match: read the count as "
                f'"{COUNT_CAP:,}+", as the timeline shows it.',
            },
            **paginated["properties"],
        }
        return paginated


def changes_page_schema(statement: dict) -> dict:
    """A page of `updated_since`: statements with when they changed, and tombstones with when they were withdrawn."""
    moment = {"type": "string", "format": "date-time"}
    changed = {
        "type": "object",
        "required": ["tombstone", "changed_at"],
        "properties": {"tombstone": {"type": "boolean", "enum": [False]}, "changed_at": moment},
    }
    tombstone = {
        "type": "object",
        "required": ["id", "tombstone", "withdrawn_at"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "tombstone": {"type": "boolean", "enum": [True]},
            "withdrawn_at": moment,
        },
    }
    return {
        "type": "object",
        "required": ["next", "more", "results"],
        "properties": {
            "next": {"type": "string", "format": "uri", "description": "This request from where the page ended."},
            "more": {"type": "boolean", "description": "Whether more changes follow already."},
            "results": {"type": "array", "items": {"oneOf": [{"allOf": [statement, changed]}, tombstone]}},
        },
    }


def capped_count(queryset) -> tuple[int, bool]:
    """The number of rows, counted up to the one count cap (planner.COUNT_CAP), and whether there are more.

    The same number as the timeline's count ("10,000+" past the limit). Counting a million matches would read
    them all; counting COUNT_CAP + 1 of them, in no order and by id only, is a LIMITed subquery the database
    stops early (as the admin's list does). The timeline reads its first matches' ids, speakers, months and topics
    in order (StatementQuerySet.first_matches) because it pages through them and counts facets; a count needs none.
    """
    counted = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP
