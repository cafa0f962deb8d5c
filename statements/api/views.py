"""Read-only API views: thin generic views over the same published-only QuerySet and StatementFilter as the timeline."""

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .. import changes
from ..filters import Control, PublicFilter, StatementFilter
from ..models import Country, Official, OptionCount, Position, Statement, Topic
from .changes import UPDATED_SINCE_DOCS, changes_response
from .pagination import KeysetCursorPagination, StatementCursorPagination
from .serializers import (
    CountrySerializer,
    OfficialSerializer,
    StatementDetailSerializer,
    StatementSerializer,
    TopicSerializer,
)

NOT_FOUND = OpenApiResponse(
    inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="No such object, or a cursor that the API did not make.",
)
# statements/middleware.py refuses a control character in the address before any view: every endpoint can answer it.
CONTROL_CHARACTER = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": False,
}
BAD_REQUEST = OpenApiResponse(
    CONTROL_CHARACTER,
    description="The address holds a control character (a NUL, say), which no valid request has.",
)
INVALID_FILTER = OpenApiResponse(
    {
        "oneOf": [
            {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            CONTROL_CHARACTER,
        ]
    },
    description="A filter value is not valid: a list of messages for each parameter in error. Or, as on every "
    'endpoint, the address holds a control character: {"detail": …}.',
)

# drf-spectacular cannot infer the type of a filter that works through a `method` (it warns, and `check --deploy`
# fails on its warnings): say that each of these is a string; the repeatable ones become arrays of strings.
for _filter in StatementFilter.base_filters.values():
    if _filter.method:
        extend_schema_field(OpenApiTypes.STR)(_filter)


def filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The API's description of every public filter, from the registry (statements/filters.py)."""
    parameters = []
    for name, f in filterset_class.base_filters.items():
        if not isinstance(f, PublicFilter):
            continue
        public = f.public
        if public.control == Control.REPEATABLE:
            parameters.append(
                OpenApiParameter(name, str, many=True, explode=True, style="form", description=public.api)
            )
            continue
        choices = [value for value, _ in f.extra.get("choices", [])] or None
        pattern = public.api_pattern or None
        parameters.append(OpenApiParameter(name, str, enum=choices, pattern=pattern, description=public.api))
    return parameters


STATEMENT_FILTER_DOCS = filter_parameters(StatementFilter)


@extend_schema(
    parameters=[*STATEMENT_FILTER_DOCS, UPDATED_SINCE_DOCS],
    responses={200: StatementSerializer(many=True), 400: INVALID_FILTER, 404: NOT_FOUND},
)
class StatementList(generics.ListAPIView):
    """Published statements, narrowed by the timeline's filters and in the timeline's order; with `updated_since`,
    every change since then instead, for mirrors."""

    serializer_class = StatementSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementFilter
    pagination_class = StatementCursorPagination

    def get_queryset(self) -> QuerySet:
        return Statement.objects.published().for_api()

    def list(self, request, *args, **kwargs):
        if changes.PARAMETER in request.query_params:
            return changes_response(request, statements=self.get_queryset())
        return super().list(request, *args, **kwargs)


@extend_schema(responses={200: StatementDetailSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
class StatementDetail(generics.RetrieveAPIView):
    """One statement. Retracted ones still resolve, with their status and the reason; drafts are 404."""

    serializer_class = StatementDetailSerializer

    def get_queryset(self) -> QuerySet:
        return Statement.objects.public().for_api()


class CountsFromRollup:
    """Counts of published statements read once per request from the rollup the triggers keep
    (docs/option-counts.md) and handed to the serializer: counting them per row took seconds a page at a million."""

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "counts": OptionCount.objects.counts()}


def officials() -> QuerySet:
    """Officials the public can see (Official.objects.public(): not draft-only ones), with what the API shows. Their
    statement counts come from the counts kept by triggers (docs/option-counts.md), read once per request: counting
    each official's statements took seconds a page at a million."""
    positions = Position.objects.select_related("country")
    return (
        Official.objects.public().select_related("country").prefetch_related(Prefetch("positions", queryset=positions))
    )


@extend_schema(responses={200: OfficialSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class OfficialList(CountsFromRollup, generics.ListAPIView):
    """Public officials in slug order, with the positions they held and their number of published statements."""

    serializer_class = OfficialSerializer
    pagination_class = KeysetCursorPagination
    filter_backends = []

    def get_queryset(self) -> QuerySet:
        return officials()


@extend_schema(responses={200: OfficialSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
class OfficialDetail(CountsFromRollup, generics.RetrieveAPIView):
    serializer_class = OfficialSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return officials()


def topics() -> QuerySet:
    return Topic.objects.select_related("parent")


@extend_schema(responses={200: TopicSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class TopicList(CountsFromRollup, generics.ListAPIView):
    """Topics in slug order, each with its parent's slug and its number of published statements."""

    serializer_class = TopicSerializer
    pagination_class = KeysetCursorPagination
    filter_backends = []

    def get_queryset(self) -> QuerySet:
        return topics()


@extend_schema(responses={200: TopicSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
class TopicDetail(CountsFromRollup, generics.RetrieveAPIView):
    serializer_class = TopicSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return topics()


def countries() -> QuerySet:
    return Country.objects.all()


@extend_schema(responses={200: CountrySerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class CountryList(CountsFromRollup, generics.ListAPIView):
    """All ISO countries in name order, with counts of published statements about them and by their officials."""

    serializer_class = CountrySerializer
    pagination_class = KeysetCursorPagination
    filter_backends = []

    def get_queryset(self) -> QuerySet:
        return countries()


@extend_schema(responses={200: CountrySerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
class CountryDetail(CountsFromRollup, generics.RetrieveAPIView):
    """One country by ISO code, in any case (ru or RU)."""

    serializer_class = CountrySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        return countries()

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request, format=None):
    """The entry point of the browsable API: one link per collection."""
    return Response(
        {
            "statements": reverse("api:statement-list", request=request, format=format),
            "officials": reverse("api:official-list", request=request, format=format),
            "topics": reverse("api:topic-list", request=request, format=format),
            "countries": reverse("api:country-list", request=request, format=format),
            "schema": reverse("api-schema", request=request, format=format),
            "docs": reverse("api-docs", request=request, format=format),
        }
    )
