"""StatementFilter: query string → exactly the expected statements, in order; bad input is an error, never ignored."""

import re

import pytest
from django.db.models import Max
from django.http import QueryDict

from statements import planner
from statements.dates import parse_partial_date
from statements.filters import StatementFilter
from statements.models import Statement
from statements.positions.models import Coding
from statements.reports import REPORTS
from tests.timeline_data import build_world, draft_only_entities

ALL_NEWEST = "G E B A C D F"

CASES = [
    ("", ALL_NEWEST),
    ("sort=newest", ALL_NEWEST),
    ("sort=oldest", "F D C A B E G"),
    # q: every word must match somewhere (text, original text, speaker name or alias, source title)
    ("q=fortnight", "A"),
    ("q=FORTNIGHT", "A"),
    ("q=peskov", "B A"),
    ("q=dmitri", "B A"),
    ("q=Переговоры", "C"),
    ("q=syria+talks", "E D F"),
    ("q=syria", "E B D F"),
    ("q=washington+fortnight", "A"),
    ("q=nothing-matches-this", ""),
    ("q=++", ALL_NEWEST),
    # speaker, speaker_country (case-insensitive), country concerned
    ("speaker=dmitry-peskov", "B A"),
    ("speaker=dmitry-peskov&speaker=john-example", "E B A D"),
    ("speaker_country=us", "E D"),
    ("speaker_country=US&speaker_country=fr", "E D F"),
    ("country=SY", "B C F"),
    ("country=sy&country=fr", "B C F"),
    ("country=US", "B A"),
    # topic includes its sub-topics
    ("topic=syria", "B F"),
    ("topic=middle-east", "B C F"),
    ("topic=sanctions&topic=us-election-2016", "E A D F"),
    ("topic=arctic", ""),
    # dates: inclusive at day, month and year precision; stored date of a month/year statement is its first day
    ("date_from=2016-11-11", "G E B A"),
    ("date_to=2016-11-11", "B A C D F"),
    ("date_from=2016-11-11&date_to=2016-11-11", "B A"),
    ("date_from=2016-11&date_to=2016-11", "B A C"),
    ("date_to=2016-11", "B A C D F"),
    ("date_to=2016-10", "D F"),
    ("date_from=2016-12", "G E"),
    ("date_from=2016&date_to=2016", "E B A C D"),
    ("date_to=2015", "F"),
    ("date_from=2017", "G"),
    ("date_from=2016-01-01&date_to=2016-01-01", "D"),
    ("date_from=2015-06-30&date_to=2015-06-30", "F"),
    ("date_from=2015-07-01&date_to=2015-12-31", ""),
    ("date_from=2016-1&date_to=2016-01", "D"),  # a single-digit month is accepted
    # kind, outlet, language (said in or reported in)
    ("kind=paraphrase", "E B"),
    ("kind=direct", "G A C D F"),
    ("outlet=reuters", "E D F"),
    ("outlet=tass", "G B A C"),
    ("outlet=tass&outlet=reuters", ALL_NEWEST),
    ("language=ru", "C"),
    ("language=RU", "C"),
    ("language=fr", "F"),
    ("language=en", "G E B A D F"),
    # codings: target (a country code in any case, or an official's slug), stance (none is not 0), speech act
    ("target=us", "B A"),
    ("target=US", "B A"),
    ("target=ru", "E D"),
    ("target=us&target=ru", "E B A D"),
    ("target=anna-sample", "G"),
    ("target=sy&target=anna-sample", "G F"),
    ("target=fr", ""),
    ("stance=-2", "D"),
    ("stance=0", "A"),
    ("stance=none", "E"),
    ("stance=1", "B F"),
    ("act=threaten", "D"),
    ("act=comment", "E A"),
    ("target=ru&stance=-2", "D"),
    ("target=us&stance=-2", ""),  # only the draft threatens: never public
    ("target=us&act=criticise", ""),  # only the retracted statement
    ("target=us&stance=1&act=comment", ""),  # one coding must match all three: A is 0/comment, B +1/agree
    ("target=us&stance=1&act=agree&sort=oldest", "B"),
    ("target=&stance=&act=", ALL_NEWEST),
    # blank values from an unchosen <select> are ignored
    ("speaker=&topic=&country=&speaker_country=&outlet=&kind=&language=&date_from=&date_to=&sort=&q=", ALL_NEWEST),
    # combinations
    ("speaker=dmitry-peskov&kind=paraphrase", "B"),
    ("topic=sanctions&date_from=2016&sort=oldest", "A E"),
    ("q=syria&country=fr", "F"),
    ("topic=middle-east&speaker_country=ru&date_to=2016-11-10", "C"),
    ("outlet=reuters&kind=direct&language=en&sort=oldest", "F D"),
    ("page=3&unknown=ignored", ALL_NEWEST),
]


@pytest.mark.django_db
class TestCases:
    """The table of query strings, each case reading one world built for the class (tests/conftest.py)."""

    @pytest.mark.parametrize(("query", "expected"), CASES)
    def test_filter_returns_exactly_the_expected_statements(self, class_world, query, expected):
        """Each query string selects exactly these published statements, in this order."""
        world = class_world
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert f.is_valid(), f.errors
        assert " ".join(world["labels"][s.pk] for s in f.qs) == expected

    @pytest.mark.parametrize(("query", "expected"), CASES)
    def test_a_filter_matches_what_all_its_conditions_match(self, class_world, query, expected):
        """The filter's conditions, each read on its own, match together exactly what the filter matches: what a
        send_alerts run relies on to read a condition once for every filter that has it."""
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert matched_by_conditions(query) == {s.pk for s in f.qs}

    def test_filters_read_with_the_names_of_many_are_each_the_filter_alone(self, class_world):
        """Read with the names every case uses, read once for all (`read_names`, as a send_alerts run reads them),
        each filter, valid or not, cleans, says itself in words and matches as it does alone: the same objects, in
        the same order."""
        queries = [query for query, _ in CASES] + [query for query, _, _ in BAD] + ["speaker=nobody&outlet=tass"]
        known = StatementFilter.read_names([QueryDict(query) for query in queries])
        for query in queries:
            alone = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
            [together] = StatementFilter.read_together(
                [QueryDict(query)], queryset=Statement.objects.published(), known=known
            )
            assert together.is_valid() == alone.is_valid(), query
            assert together.errors == alone.errors, query
            if alone.is_valid():
                assert together.in_words() == alone.in_words(), query
                assert list(together.qs) == list(alone.qs), query


def matched_by_conditions(query: str) -> set[int] | None:
    """The statements every condition of the filter matches (StatementFilter.conditions); None when one is invalid."""
    found = set(Statement.objects.published().values_list("pk", flat=True))
    for condition in StatementFilter.conditions(QueryDict(query)):
        f = StatementFilter(QueryDict(condition), queryset=Statement.objects.published())
        if not f.is_valid():
            return None
        found &= {s.pk for s in f.qs}
    return found


BAD = [
    ("q=" + "x" * 201, "q", "at most 200 characters"),
    ("speaker=nobody", "speaker", "There is no official with the slug “nobody”"),
    ("speaker=" + "s" * 5000, "speaker", "There is no official"),
    ("speaker=dmitry-peskov&speaker=x", "speaker", "There is no official with the slug “x”"),
    ("speaker=draft-only-person", "speaker", "There is no official with the slug “draft-only-person”"),
    ("speaker_country=XX", "speaker_country", "There is no country with the ISO code “XX”"),
    ("speaker_country=russia", "speaker_country", "There is no country"),
    ("country=zz", "country", "There is no country with the ISO code “ZZ”"),
    ("topic=nope", "topic", "There is no topic with the slug “nope”"),
    ("topic=" + "&topic=".join(f"t{i}" for i in range(51)), "topic", "at most 50"),
    ("outlet=cnn", "outlet", "There is no outlet with the slug “cnn”"),
    ("date_from=2016-13", "date_from", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_from=2016-02-30", "date_from", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_from=11/11/2016", "date_from", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_from=0000", "date_from", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_to=yesterday", "date_to", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_to=" + "9" * 300, "date_to", "at most 10 characters"),
    ("date_from=2017&date_to=2016", "date_to", "end date is before the start date"),
    ("date_from=2016-11-12&date_to=2016-11-11", "date_to", "end date is before the start date"),
    ("kind=rumour", "kind", "Select a valid choice"),
    ("language=xx", "language", "not an ISO 639 language code"),
    ("language=%25s", "language", "“%s” is not an ISO 639 language code"),  # a "%" is text, not a format
    ("language=english", "language", "at most 3 characters"),
    ("sort=random", "sort", "Select a valid choice"),
    ("target=xx", "target", "There is no country with the ISO code, or official or institution with the slug, “xx”"),
    ("target=us&target=nobody", "target", "or official or institution with the slug, “nobody”"),
    ("target=" + "&target=".join(f"t{i}" for i in range(51)), "target", "at most 50"),
    ("stance=3", "stance", "Select a valid choice"),
    ("stance=neutral", "stance", "Select a valid choice"),
    ("act=shout", "act", "Select a valid choice"),
]


@pytest.mark.django_db
class TestBadInput:
    """The table of bad input, against one world built for the class."""

    @pytest.mark.parametrize(("query", "field", "message"), BAD)
    def test_invalid_filter_is_an_error_and_selects_nothing(self, class_world, query, field, message):
        """Bad input gives a message on its field and an empty result, never everything."""
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert not f.is_valid()
        assert message in " ".join(f.errors[field])
        assert list(f.qs) == []

    @pytest.mark.parametrize(("query", "field", "message"), BAD)
    def test_a_filter_is_invalid_when_one_of_its_conditions_is(self, class_world, query, field, message):
        """Whatever makes a filter invalid makes one of its conditions invalid (the dates' order included)."""
        assert matched_by_conditions(query) is None


SURFACES = ["/", "/feed.atom", "/export.csv", *[f"/reports/{name}.csv" for name in REPORTS], "/api/statements/"]


@pytest.mark.django_db
def test_officials_and_outlets_known_only_from_drafts_are_unknown_on_every_surface(client):
    """The filter every surface shares answers a slug known only from drafts exactly as one nobody made (the
    timeline's page is checked in tests/test_timeline.py), so probing slugs reveals no draft."""
    world = build_world()
    for parameter, slug, name in draft_only_entities(world):
        for surface in SURFACES:
            unknown = client.get(f"{surface}?{parameter}=nobody-by-that-slug")
            response = client.get(f"{surface}?{parameter}={slug}")
            assert response.status_code == unknown.status_code == 400, (surface, slug)
            body = response.content.decode()
            assert name not in body, (surface, slug)
            assert body.replace(slug, "nobody-by-that-slug") == unknown.content.decode(), (surface, slug)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2016", "2016-01-01", "2016-12-31"),
        ("2016-02", "2016-02-01", "2016-02-29"),
        ("2015-02", "2015-02-01", "2015-02-28"),
        ("2016-11", "2016-11-01", "2016-11-30"),
        ("2016-11-11", "2016-11-11", "2016-11-11"),
    ],
)
def test_partial_date_covers_its_whole_period(text, first, last):
    """A year or month typed as a bound covers every day of that period."""
    span = parse_partial_date(text)
    assert (span.first.isoformat(), span.last.isoformat()) == (first, last)


@pytest.mark.django_db
def test_many_to_many_filters_use_a_subquery_not_a_join():
    """Topic and country filters read the through table in a subquery, so no DISTINCT is needed at scale."""
    build_world()
    f = StatementFilter(QueryDict("topic=syria&country=SY"), queryset=Statement.objects.published())
    sql = str(f.qs.query).upper()
    assert "DISTINCT" not in sql
    assert "JOIN" not in sql
    assert sql.count("IN (SELECT") == 2


SHAPED = (
    "topic=",
    "country=",
    "q=",
    "outlet=",
    "language=",
    "target=",
    "stance=",
    "act=",
)  # the conditions whose query shape depends on how common they are
SHAPED_CASES = [(query, expected) for query, expected in CASES if any(name in query for name in SHAPED)]


# A word search tested while walking the date index: `+id IN (…)` on SQLite, the indexed document on PostgreSQL.
WALKED_WORDS = re.compile(
    r'\+"statements_statement"\."id" IN \(SELECT rowid|ts_match_vq\("statements_statement"\.search_document'
)
# A word search listed: `id IN (…)` on SQLite, `@@` that the GIN indexes answer on PostgreSQL.
LISTED_WORDS = re.compile(r'(?<!\+)"statements_statement"\."id" IN \(SELECT rowid|search_document @@')
LISTED_LINKS = 'IN (SELECT U0."statement_id"'  # a topic or country listed from its link table
# A topic or country tested on the statement's copy of its links.
CACHE_TEST = re.compile(r'(topics|countries)_cache"(::text)? LIKE')
# A target, stance or act: tested while walking on the statement's copy of its codings, or the statements of the
# matching codings listed.
WALKED_CODINGS = re.compile(r'"statements_statement"\."codings_cache" LIKE')
LISTED_CODINGS = re.compile(
    r'"statements_statement"\."id" IN \(SELECT \w+\."statement_id" AS "statement_id" FROM "statements_coding"'
)
# Several outlets or a language tested while walking, on the statement's copy of its source's (denormalised.py).
WALKED_SOURCES = re.compile(r'\(\(?\+?"statements_statement"\."(outlet_cache|source_language_cache)" IN')


@pytest.mark.django_db
class TestEitherQueryShape:
    """The shaped cases in both query shapes, on one world built for the class."""

    @pytest.mark.parametrize("shape", ["listed", "walked"])
    @pytest.mark.parametrize(("query", "expected"), SHAPED_CASES)
    def test_words_topic_and_country_filters_select_the_same_statements_in_either_query_shape(
        self, class_world, monkeypatch, shape, query, expected
    ):
        """Listing the matches or testing each statement on a walk (chosen by how common they are): the same rows."""
        world = class_world
        monkeypatch.setattr(planner, "is_common", lambda statements, count_up_to, **kwargs: shape == "walked")
        monkeypatch.setattr(planner, "coding_shape", lambda statements, ids: shape)
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert f.is_valid(), f.errors
        assert " ".join(world["labels"][s.pk] for s in f.qs) == expected
        data, sql = f.form.cleaned_data, str(f.qs.query)
        words_walked = shape == "walked" and data["q"] and data["sort"] != "relevance"
        assert bool(WALKED_WORDS.search(sql)) == bool(words_walked)
        assert bool(CACHE_TEST.search(sql)) == bool(shape == "walked" and (data["topic"] or data["country"]))
        # One outlet has one shape: a walk of its own index in date order, however common.
        several_outlets = len(data["outlet"] or []) > 1
        assert bool(WALKED_SOURCES.search(sql)) == bool(shape == "walked" and (several_outlets or data["language"]))
        assert "statements_source" not in sql  # the outlet and the language are read from the statement's own row
        coded = any(data[name] not in (None, "", []) for name in CODING_FILTERS)
        assert bool(WALKED_CODINGS.search(sql)) == (coded and shape == "walked"), sql
        assert bool(LISTED_CODINGS.search(sql)) == (coded and shape == "listed"), sql
        assert "EXISTS" not in sql  # never a correlated probe of the codings per statement walked


CODING_FILTERS = ("target", "stance", "act")
CODED_CASES = [(query, expected) for query, expected in CASES if re.search(r"\b(target|stance|act)=[^&]", query)]

# (the walk threshold, given as the world's matching codings `n` plus an offset, shape): a condition is listed below
# the threshold, walked from it on.
CODING_SHAPES = [(+1, "listed"), (0, "walked"), (-1, "walked")]


@pytest.mark.django_db
class TestCodingShapes:
    @pytest.mark.parametrize(("threshold", "shape"), CODING_SHAPES)
    def test_a_coding_condition_is_listed_or_walked_by_how_many_statements_it_matches(
        self, class_world, monkeypatch, threshold, shape
    ):
        ids = Coding.objects.order_by().values("statement_id")
        n = ids.count()
        monkeypatch.setattr(planner, "list_threshold", lambda statements: (n + threshold, 1000))
        assert planner.coding_shape(Statement.objects.all(), ids) == shape

    @pytest.mark.parametrize(("query", "expected"), CODED_CASES)
    def test_a_query_another_index_drives_probes_each_statements_codings_and_finds_the_same(
        self, class_world, query, expected
    ):
        """The relations page asks for the probed shape (an EXISTS per statement): the filter's rows, no others."""
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert f.is_valid(), f.errors
        conditions = f.coding_conditions()
        probed = Statement.objects.published().coded(**conditions, shape="probed").newest_first()
        assert "EXISTS" in str(probed.query)
        ordered = " ".join(class_world["labels"][s.pk] for s in probed)
        assert sorted(ordered.split()) == sorted(expected.split())


# (reads, query, links walked, words walked). `reads` is how many newest matches a list needs; a condition matching
# at least √reads statements is "common" here.
# Links: sanctions 5, Syria 3, RU 5, SY 4, FR 2; the word "syria" matches 4 published statements.
SHAPE_DECISIONS = [
    (10_000, "topic=sanctions", 0, 0),  # threshold 100: nothing is common in a small database
    (16, "topic=sanctions", 1, 0),  # threshold 4
    (16, "topic=syria", 0, 0),
    (16, "country=ru", 1, 0),
    (16, "topic=sanctions&country=fr", 1, 0),  # FR is rare: listed, so it drives the query
    (16, "topic=sanctions&country=sy", 2, 0),
    (16, "q=syria", 0, 1),
    (16, "q=syria&sort=relevance", 0, 0),  # relevance order ranks every match anyway: listed
    (16, "q=syria&topic=syria", 0, 1),
]


@pytest.mark.django_db
class TestShapeDecisions:
    """The planner's choices between listing and walking, on one world built for the class."""

    @pytest.mark.parametrize(("reads", "query", "links_walked", "words_walked"), SHAPE_DECISIONS)
    def test_common_conditions_are_tested_while_walking_the_date_index(
        self, class_world, monkeypatch, reads, query, links_walked, words_walked
    ):
        """A rare condition is listed; a common one is tested on a walk of the date index: a link on the statement's
        copy of its links, a word by `+id IN (…)` on SQLite and on the index's copy of the document on PostgreSQL."""
        # The table's size is estimated from its largest id, which PostgreSQL's sequences keep raising from one world
        # to the next: LIST_VS_WALK set to it makes the threshold √reads on every database.
        size = Statement.objects.aggregate(largest=Max("pk"))["largest"]
        monkeypatch.setattr("statements.planner.COUNT_CAP", reads)
        monkeypatch.setattr("statements.planner.LIST_VS_WALK", {"sqlite": size, "postgresql": size})
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        sql = str(f.qs.query)
        assert len(WALKED_WORDS.findall(sql)) == words_walked, sql
        assert len(LISTED_WORDS.findall(sql)) == int("q=" in query) - words_walked, sql
        assert len(CACHE_TEST.findall(sql)) == links_walked, sql
        links = query.count("topic=") + query.count("country=")
        assert sql.count(LISTED_LINKS) == links - links_walked, sql
