"""The filter registry (statements/filters.py): every public filter declares what each surface needs, and the form,
chips, titles and API description are built from the declarations, so a new filter is one declaration."""

import django_filters
import pytest
from django.http import QueryDict
from drf_spectacular.generators import SchemaGenerator

from statements.api.views import filter_parameters
from statements.filters import (
    Control,
    Public,
    PublicChoiceFilter,
    PublicFilter,
    StatementFilter,
)
from statements.models import Statement
from statements.option_counts import OptionCounts
from statements.timeline.form import FormLists, active_chips, form_fields
from tests.timeline_data import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", list(StatementFilter.base_filters))
def test_every_filter_declares_what_every_surface_needs(name):
    """A filter without its label, control, API description or words would be missing from some surface."""
    f = StatementFilter.base_filters[name]
    assert isinstance(f, PublicFilter), f"{name} is not declared with public=Public(...)"
    public = f.public
    assert f.label and public.api and isinstance(public.control, Control)
    if public.narrows:
        assert "{}" in public.words, f"{name}'s words must say where its values go"
    else:
        assert name == "sort", "only the order may stay out of chips and words"
    if public.control == Control.REPEATABLE:
        assert public.any_label and public.options, f"{name} needs its list and the label of 'any'"
    if public.options:
        assert callable(getattr(FormLists, public.options, None)), f"FormLists has no list {public.options!r}"


class Drafted(PublicChoiceFilter):
    """A filter added by a subclass, as a later feature would add one."""

    def filter(self, queryset, value):
        return queryset.filter(kind=value) if value else queryset


class WithExtraFilter(StatementFilter):
    manner = Drafted(
        label="Manner",
        choices=[("direct", "Spoken"), ("paraphrase", "Reported")],
        public=Public(Control.SELECT, api="How it was given.", words="given {}", any_label="Any manner"),
    )


def test_a_filter_added_to_a_subclass_reaches_the_form_chips_words_and_schema():
    """One declaration is enough: the form shows it, its chip reads, the title says it, the API documents it."""
    build_world()
    params = QueryDict("manner=paraphrase&speaker=dmitry-peskov")
    statement_filter = WithExtraFilter(params, queryset=Statement.objects.published())
    assert statement_filter.is_valid(), statement_filter.errors

    fields = {
        field["name"]: field
        for field in form_fields(statement_filter, FormLists(params, topics={}, speakers={}, counts=OptionCounts([])))
    }
    assert fields["manner"]["label"] == "Manner"
    assert fields["manner"]["options"] == [("", "Any manner"), ("direct", "Spoken"), ("paraphrase", "Reported")]
    assert fields["manner"]["value"] == "paraphrase"

    chips = [(chip.name, chip.label, chip.remove_url) for chip in active_chips(statement_filter)]
    assert ("Manner", "Reported", "?speaker=dmitry-peskov") in chips

    assert statement_filter.in_words() == "Statements by Dmitry Peskov given Reported"
    assert statement_filter.canonical_query() == "speaker=dmitry-peskov&manner=paraphrase"

    documented = {p.name: p for p in filter_parameters(WithExtraFilter)}
    assert documented["manner"].description == "How it was given."
    assert documented["manner"].enum == ["direct", "paraphrase"]


def test_the_published_schema_documents_every_filter():
    """The OpenAPI description of /api/statements/ has every filter with the registry's description."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p for p in schema["paths"]["/api/statements/"]["get"]["parameters"]}
    for name, f in StatementFilter.base_filters.items():
        assert parameters[name]["description"] == f.public.api
    assert parameters["speaker"]["schema"]["type"] == "array"
    assert parameters["kind"]["schema"]["enum"] == ["direct", "paraphrase"]


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("", ""),
        ("q=&speaker=dmitry-peskov&speaker_country=&country=&topic=", "speaker=dmitry-peskov"),
        ("topic=syria&speaker=dmitry-peskov", "speaker=dmitry-peskov&topic=syria"),
        ("country=RU&country=ru&country=sy", "country=ru&country=sy"),
        ("q=+syria+talks+&sort=newest", "q=syria+talks"),
        ("sort=oldest&page=3", "sort=oldest&page=3"),
        ("page=1&date_to=2017&date_from=2016-11", "date_from=2016-11&date_to=2017"),
        ("utm_source=mail&kind=direct", "kind=direct"),
        ("act=praise&target=US&target=us&stance=1", "target=us&stance=1&act=praise"),
    ],
)
def test_canonical_query_string(query, canonical):
    """One filter, one address: declaration order, no empty or repeated values, defaults and strays dropped."""
    assert StatementFilter(QueryDict(query)).canonical_query() == canonical


class TestInWords:
    """The filter in words, every case on one world built for the class."""

    @pytest.mark.parametrize(
        ("query", "words"),
        [
            ("", "all statements"),
            ("sort=oldest", "all statements"),
            ("kind=direct", "Direct quotes"),
            (
                "country=sy&topic=sanctions&speaker=dmitry-peskov",
                "Statements by Dmitry Peskov on Sanctions concerning Syria",
            ),
            ("date_to=2017&q=talks&date_from=2016-11", "Statements matching “talks” from November 2016 to 2017"),
            ("date_from=2016&date_to=2016&speaker=dmitry-peskov", "Statements by Dmitry Peskov in 2016"),
            (
                "act=criticise&stance=-1&target=anna-sample&target=US",
                "Statements toward Anna Sample, United States coded Critical (−1)"
                " with the speech act “Criticise or accuse”",
            ),
            ("stance=none", "Statements coded No stance"),
        ],
    )
    def test_filter_in_words_reads_who_what_how_when(self, class_world, query, words):
        """Whatever the parameters' order, the sentence says who, about what, how, then when."""
        statement_filter = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert statement_filter.is_valid(), statement_filter.errors
        assert statement_filter.in_words() == words


def test_filters_are_django_filter_filters():
    """The registry adds to django-filter's declarations; it does not replace them."""
    assert all(isinstance(f, django_filters.Filter) for f in StatementFilter.base_filters.values())
