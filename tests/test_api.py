"""The JSON API: the timeline's filters and order, published statements only, clear 4xx errors, a valid schema."""

import base64
import datetime
import json
import re

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from rest_framework.request import Request

from statements.api.pagination import StatementCursorPagination
from statements.filters import StatementFilter
from statements.models import Report, Statement, StatementLink
from tests.factories import (
    OfficialFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
    country,
)
from tests.test_filters import BAD, CASES
from tests.timeline_data import DRAFT_TEXT, NOTE_TEXT, RETRACTED_TEXT, build_world, link_counting_queries

pytestmark = pytest.mark.django_db

# Queries for one page of statements: the statements (with speaker, country, source, outlet and role in one
# query), one prefetch each for topics, countries and officials mentioned, other reports (with their sources and
# outlets), codings (with their targets), links to earlier and links from later statements, and the capped count of
# the matches.
STATEMENT_PAGE_QUERIES = 9
# Officials: the page, then positions (with their countries).
OFFICIAL_PAGE_QUERIES = 3  # the officials, their positions, the counts kept by triggers
TOPIC_PAGE_QUERIES = 2  # the topics, the counts
COUNTRY_PAGE_QUERIES = 3  # the countries, the counts, the officials' countries (for speaker counts)
# Generated requests per API operation in the schema-driven fuzz test: bounded to keep the suite quick.
FUZZ_EXAMPLES = 25


def walk(client, url: str) -> list[dict]:
    """Every result, following `next` links from the first page to the last."""
    results, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        url, pages = body["next"], pages + 1
        assert pages < 100, "the cursor does not advance"
    return results


class TestFilterTable:
    """The timeline's table of query strings, each case against one world built for the class."""

    @pytest.mark.parametrize(("query", "expected"), CASES)
    def test_api_lists_the_same_statements_as_the_filter_in_the_same_order(self, class_world, client, query, expected):
        """For every filter in the timeline's table, the API's ids across cursor pages equal StatementFilter(...).qs."""
        world = class_world
        filtered = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert filtered.is_valid(), filtered.errors
        # The table is the timeline's: its `page` is a 400 here
        # (TestPageNumbers.test_a_page_number_is_a_400_saying_the_api_pages_by_cursor).
        api_query = QueryDict(query, mutable=True)
        api_query.pop("page", None)
        api_query["page_size"] = "2"
        results = walk(client, f"/api/statements/?{api_query.urlencode()}")
        assert [r["id"] for r in results] == [s.pk for s in filtered.qs]
        assert " ".join(world["labels"][r["id"]] for r in results) == expected


class TestRelevance:
    """Relevance paging, each case against one world built for the class."""

    @pytest.mark.parametrize(
        "query", ["q=syria&sort=relevance", "q=syria+OR+sanctions&sort=relevance", "q=talks&sort=relevance&kind=direct"]
    )
    def test_relevance_pages_follow_the_search_rank(self, class_world, client, query):
        """sort=relevance pages by the filter's search rank (then date and id), one row per page, with nothing lost."""
        filtered = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert filtered.is_valid(), filtered.errors
        expected = [s.pk for s in filtered.qs]
        assert len(expected) >= 2
        assert [r["id"] for r in walk(client, f"/api/statements/?{query}&page_size=1")] == expected


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_cursor_pages_follow_the_sort_with_many_statements_on_one_day(client, sort):
    """Ties on the date are paged by id without gaps or repeats, backwards as well as forwards."""
    speaker = OfficialFactory()
    for day in (11, 11, 11, 11, 11, 12, 12, 10):
        StatementFactory(speaker=speaker, date=f"2016-11-{day}")
    expected = StatementFilter(QueryDict(f"sort={sort}"), queryset=Statement.objects.published()).qs
    forward = walk(client, f"/api/statements/?sort={sort}&page_size=3")
    assert [r["id"] for r in forward] == [s.pk for s in expected]

    last_page = client.get(f"/api/statements/?sort={sort}&page_size=3")
    while last_page.json()["next"]:
        last_page = client.get(last_page.json()["next"])
    backward, url = [], last_page.json()["previous"]
    while url:
        page = client.get(url).json()
        backward = page["results"] + backward
        url = page["previous"]
    assert [r["id"] for r in backward + last_page.json()["results"]] == [s.pk for s in expected]


def test_cursor_pages_through_more_statements_on_one_date_than_an_offset_could_skip(client):
    """1,100 statements on one date (a year-precision date is 1 January) page through without loops or gaps."""
    source = SourceFactory()
    speaker = OfficialFactory()
    Statement.objects.bulk_create(
        Statement(speaker=speaker, source=source, date=datetime.date(2016, 1, 1), text=f"Said {i}.", status="published")
        for i in range(1100)
    )
    for sort in ("newest", "oldest"):
        expected = [s.pk for s in StatementFilter(QueryDict(f"sort={sort}"), queryset=Statement.objects.all()).qs]
        assert [r["id"] for r in walk(client, f"/api/statements/?sort={sort}&page_size=50")] == expected


def test_cursor_pages_by_a_computed_float_without_losing_rows(rf):
    """Ordering by a computed `real` (as PostgreSQL's search rank is) pages through every row exactly once."""
    for text in ("a", "bb", "bb", "ccc", "dddd", "dddd", "eeeee", "a"):
        StatementFactory(text=text)
    # A third of the text's length as a single-precision float: 1/3 reads back as 0.33333334, not equal to itself.
    score = RawSQL("CAST(LENGTH(statements_statement.text) AS REAL) / CAST(3 AS REAL)", [], output_field=FloatField())
    statements = Statement.objects.annotate(score=score).order_by("-score", "-date", "-id")
    url, seen = "/api/statements/?page_size=1", []
    while url:
        paginator = StatementCursorPagination()
        seen += [s.pk for s in paginator.paginate_queryset(statements, Request(rf.get(url)))]
        url = paginator.get_next_link()
        assert len(seen) <= 8, "the cursor does not advance"
    assert seen == [s.pk for s in statements]


def test_statement_has_names_and_links_not_just_ids(client):
    """A statement lists its speaker, role on the date, topics, countries and source by name, with absolute URLs."""
    world = build_world()
    a = world["statements"]["A"]
    result = next(r for r in walk(client, "/api/statements/?speaker=dmitry-peskov") if r["id"] == a.pk)
    assert result == {
        "id": a.pk,
        "url": f"http://testserver/statements/{a.pk}/",
        "api_url": f"http://testserver/api/statements/{a.pk}/",
        "date": "2016-11-11",
        "date_precision": "day",
        "speaker": {
            "name": "Dmitry Peskov",
            "slug": "dmitry-peskov",
            "url": "http://testserver/officials/dmitry-peskov/",
        },
        "speaker_role": "Press Secretary of the President of Russia",
        "speaker_country": {"code": "RU", "name": "Russia"},
        "kind": "direct",
        "text": "No one expects that relationship will improve in a fortnight.",
        "original_text": "",
        "original_language": "",
        "topics": [{"name": "Sanctions", "slug": "sanctions"}],
        "countries": [{"code": "RU", "name": "Russia"}, {"code": "US", "name": "United States"}],
        "officials_mentioned": [
            {"name": "John Example", "slug": "john-example", "url": "http://testserver/officials/john-example/"}
        ],
        "source": {
            "outlet": "TASS",
            "title": "Kremlin on relations with Washington",
            "url": a.source.url,
            "published_on": "2016-11-11",
            "medium": "article",
            "venue": "",
        },
        "other_reports": [],
        "updated_at": result["updated_at"],
        "codings": [
            {
                "target_type": "country",
                "target_country": {"code": "US", "name": "United States"},
                "target_official": None,
                "stance": 0,
                "stance_words": "Neutral (0)",
                "act": "comment",
                "act_words": "Comment",
                "coded_at": None,
            }
        ],
        "links": [],
    }
    assert result["updated_at"].startswith(a.updated_at.date().isoformat())


@pytest.mark.parametrize(
    ("label", "codings", "links"),
    [
        # (target, stance, act) of each coding; (direction, kind, words, the other end) of each public link.
        (
            "A",
            [("US", 0, "comment")],
            [("earlier", "contradicts", "Contradicts", "F"), ("later", "responds_to", "Answered by", "E")],
        ),
        ("E", [("RU", None, "comment")], [("earlier", "responds_to", "Responds to", "A")]),
        ("F", [("SY", 1, "offer")], [("later", "contradicts", "Contradicted by", "A")]),
        ("G", [("anna-sample", -1, "criticise")], []),
        ("retracted", [("US", -1, "criticise")], []),
    ],
)
def test_a_statement_carries_its_codings_and_its_links_to_public_statements_only(client, label, codings, links):
    """The detail and the list show the same codings and links; a link to or from a draft is never shown, and a
    link to a retracted statement shows on its detail only (a retracted statement is not listed)."""
    world = build_world()
    named = {**world["statements"], "draft": world["draft"], "retracted": world["retracted"]}
    for later, kind, earlier in [
        ("A", "contradicts", "F"),
        ("E", "responds_to", "A"),
        ("draft", "reiterates", "A"),
        ("G", "responds_to", "draft"),
    ]:
        StatementLink.objects.create(statement=named[later], kind=kind, linked=named[earlier])
    labels = {statement.pk: name for name, statement in named.items()}
    detail = client.get(f"/api/statements/{named[label].pk}/").json()
    shown = [
        (
            (c["target_country"] or {}).get("code") or c["target_official"]["slug"],
            c["stance"],
            c["act"],
        )
        for c in detail["codings"]
    ]
    assert shown == codings
    assert [(x["direction"], x["kind"], x["words"], labels[x["statement"]["id"]]) for x in detail["links"]] == links
    for link in detail["links"]:
        assert link["statement"]["url"] == f"http://testserver/statements/{link['statement']['id']}/"
    listed = {row["id"]: row for row in walk(client, "/api/statements/?page_size=200")}
    if label == "retracted":
        assert named[label].pk not in listed
    else:
        assert {k: listed[named[label].pk][k] for k in ("codings", "links")} == {
            k: detail[k] for k in ("codings", "links")
        }


def test_speaker_role_is_the_position_held_on_the_statement_date(client):
    """John Example was Spokesperson until mid-2016 and Ambassador after: each statement shows the right one."""
    world = build_world()
    roles = {r["id"]: r["speaker_role"] for r in walk(client, "/api/statements/?speaker=john-example")}
    assert roles == {world["statements"]["D"].pk: "Spokesperson", world["statements"]["E"].pk: "Ambassador"}


def test_drafts_and_internal_fields_are_never_in_the_api(client):
    """No draft, retracted statement, analyst note or author appears in any list or detail response."""
    world = build_world()
    urls = [
        "/api/statements/",
        "/api/statements/?page_size=200",
        "/api/statements/?speaker=dmitry-peskov",
        "/api/officials/",
        "/api/topics/",
        "/api/countries/?page_size=200",
        *(f"/api/statements/{s.pk}/" for s in world["statements"].values()),
        "/api/officials/dmitry-peskov/",
        "/api/topics/sanctions/",
        "/api/countries/ru/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (DRAFT_TEXT, NOTE_TEXT, RETRACTED_TEXT, "created_by", "updated_by", '"note"'):
            assert secret not in body, (url, secret)
    assert client.get(f"/api/statements/{world['draft'].pk}/").status_code == 404
    assert client.get("/api/officials/draft-only-person/").status_code == 404


def test_retracted_statement_detail_says_why_but_is_not_listed(client):
    """A retracted permalink keeps resolving with its status and reason; the lists leave it out."""
    world = build_world()
    retracted = world["retracted"]
    body = client.get(f"/api/statements/{retracted.pk}/").json()
    assert (body["status"], body["retraction_reason"]) == ("retracted", retracted.retraction_reason)
    assert body["text"] == RETRACTED_TEXT
    published = client.get(f"/api/statements/{world['statements']['A'].pk}/").json()
    assert (published["status"], published["retraction_reason"]) == ("published", "")
    assert retracted.pk not in {r["id"] for r in walk(client, "/api/statements/?speaker=dmitry-peskov")}


def test_markup_in_statement_text_stays_inert(client):
    """Text is JSON data served as application/json with nosniff; the browsable view escapes it."""
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    statement = StatementFactory(text=attack)
    response = client.get(f"/api/statements/{statement.pk}/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["text"] == attack
    for url in (f"/api/statements/{statement.pk}/", "/api/statements/?q=alert"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


class TestBadInput:
    """The timeline's table of bad input, each case against one world built for the class."""

    @pytest.mark.parametrize(("query", "field", "message"), BAD)
    def test_invalid_filter_is_a_400_with_the_errors_as_json(self, class_world, client, query, field, message):
        """Every bad value the timeline rejects is a 400 whose JSON names the field and says what is wrong."""
        response = client.get(f"/api/statements/?{query}")
        assert response.status_code == 400
        assert message in " ".join(response.json()[field])


def cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        "not-base64!",
        cursor("p=not-a-date"),
        cursor("p=2016-02-30"),
        cursor("p=2016-11-11&o=-1"),
        cursor("p=2016-11-11~1&o=3"),
        cursor("p=2016-11-11"),
        cursor("p=2016-11-11~x"),
        cursor("p=2016-11-11~1~2"),
        cursor("p=2016-11-11&o=x"),
        cursor("r=yes"),
        cursor("p=" + "9" * 5000),
        "%E2%98%83",
    ],
)
def test_a_tampered_cursor_is_a_404_not_a_500(client, value):
    """Cursors are opaque; one that was not made by the API gets 'Invalid cursor', never a server error."""
    StatementFactory()
    response = client.get(f"/api/statements/?cursor={value}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize("url", ["/api/officials/", "/api/topics/", "/api/countries/"])
def test_a_tampered_cursor_on_a_reference_list_is_a_404(client, url):
    """The reference lists page by slug; a junk cursor there is a 404 too."""
    response = client.get(f"{url}?cursor={cursor('p=' + 'x' * 500)}")
    assert response.status_code == 404


class TestPageSize:
    """page_size values, each case against one world built for the class."""

    @pytest.mark.parametrize(("value", "size"), [("0", 50), ("-3", 50), ("abc", 50), ("1", 1), ("999", 7)])
    def test_page_size_is_bounded_and_bad_values_fall_back_to_the_default(self, class_world, client, value, size):
        """`page_size` above the maximum is capped, and nonsense uses the default rather than failing."""
        results = client.get(f"/api/statements/?page_size={value}").json()["results"]
        assert len(results) == min(size, 7)


def test_officials_have_positions_and_counts_of_published_statements_only(client):
    """An official lists positions and counts only published statements; draft-only officials are not listed."""
    build_world()
    peskov = client.get("/api/officials/dmitry-peskov/").json()
    assert peskov["statement_count"] == 2  # plus a draft and a retraction, which do not count
    assert peskov["aliases"] == ["Dmitri Peskov"]
    assert peskov["country"] == {"code": "RU", "name": "Russia"}
    assert peskov["positions"] == [
        {
            "title": "Press Secretary of the President of Russia",
            "organisation": "Ministry of Foreign Affairs",
            "country": None,
            "start_date": "2012-05-22",
            "end_date": None,
        }
    ]
    assert peskov["statements_url"] == "http://testserver/api/statements/?speaker=dmitry-peskov"
    listed = walk(client, "/api/officials/?page_size=2")
    assert [o["slug"] for o in listed] == ["anna-sample", "dmitry-peskov", "john-example", "sergey-lavrov"]
    assert {o["slug"]: o["statement_count"] for o in listed}["john-example"] == 2


def test_an_official_only_mentioned_in_a_published_statement_is_public(client):
    """Someone named in a published statement has a public page, so the API lists them with no statements."""
    mentioned = OfficialFactory(name="Named Person", slug="named-person")
    StatementFactory(mentioned_officials=[mentioned])
    body = client.get("/api/officials/named-person/").json()
    assert (body["name"], body["statement_count"]) == ("Named Person", 0)


def test_topics_have_parent_slug_and_counts(client):
    """Topics carry their parent's slug and count only their own published statements."""
    build_world()
    topics = {t["slug"]: t for t in walk(client, "/api/topics/")}
    assert topics["syria"]["parent"] == "middle-east"
    assert topics["middle-east"]["parent"] is None
    assert {slug: t["statement_count"] for slug, t in topics.items()} == {
        "arctic": 0,
        "middle-east": 1,
        "sanctions": 3,
        "syria": 2,
        "us-election-2016": 1,
    }
    assert client.get("/api/topics/syria/").json()["statements_url"] == "http://testserver/api/statements/?topic=syria"


def test_countries_are_looked_up_by_code_in_any_case_with_counts(client):
    """A country by ISO code (ru or RU): statements concerning it and statements by its officials."""
    build_world()
    for code in ("ru", "RU"):
        body = client.get(f"/api/countries/{code}/").json()
        assert (body["code"], body["name"]) == ("RU", "Russia")
        assert (body["statement_count"], body["speaker_statement_count"]) == (
            3,
            4,
        )  # A B D concern Russia; A B C G are by Russians
    syria = client.get("/api/countries/SY/").json()
    assert (syria["statement_count"], syria["speaker_statement_count"]) == (3, 0)
    assert len(walk(client, "/api/countries/?page_size=200")) == 249


class TestUnknownObjects:
    """Unknown objects, each case against one world built for the class."""

    @pytest.mark.parametrize(
        "url",
        [
            "/api/statements/999999/",
            "/api/statements/abc/",
            "/api/officials/nobody/",
            "/api/topics/nothing/",
            "/api/countries/ZZ/",
            "/api/countries/russia/",
            "/api/statements/-1/",
            "/api/statements/99999999999999999999999/",
            "/api/officials/caf%C3%A9/",
            "/api/topics/%F0%9F%98%80/",
        ],
    )
    def test_unknown_objects_are_json_404s(self, class_world, client, url):
        """An unknown or malformed id, slug or code is a 404 in JSON, never a 500 or an HTML page."""
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}


class TestNulInFilters:
    """NUL characters in filters, each case against one world built for the class."""

    @pytest.mark.parametrize(
        "query",
        ["q=%00", "speaker=%00", "topic=a%00b", "country=%00%00", "outlet=%00", "language=%00", "date_from=%00"],
    )
    def test_nul_characters_in_filters_are_a_400(self, class_world, client, query):
        """A NUL character (which PostgreSQL cannot store or compare) is a clear 400 in JSON, never a database error."""
        response = client.get(f"/api/statements/?{query}")
        assert response.status_code == 400
        assert "control character (NUL)" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/statements/%00/", "/api/officials/%00/", "/api/countries/%00%00/"])
def test_a_nul_in_an_id_slug_or_code_is_a_400(client, url):
    """Refused before the lookup (tests/test_hostile.py has the rule on every surface), as JSON with a "detail"."""
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_the_api_is_read_only(client):
    """Writes are refused with 405 whoever asks."""
    statement = StatementFactory()
    assert client.post("/api/statements/", {"text": "x"}).status_code == 405
    assert client.put(f"/api/statements/{statement.pk}/", {"text": "x"}).status_code == 405
    assert client.delete(f"/api/statements/{statement.pk}/").status_code == 405
    assert client.delete("/api/officials/" + statement.speaker.slug + "/").status_code == 405


def make_statements(n: int) -> None:
    """n statements, each with its own speaker, position, source, two topics, two countries, a mention and two other
    reports."""
    topics = [TopicFactory(), TopicFactory()]
    countries = [country("RU"), country("US")]
    for _ in range(n):
        speaker = OfficialFactory()
        PositionFactory(official=speaker)
        statement = StatementFactory(
            speaker=speaker, topics=topics, countries=countries, mentioned_officials=[OfficialFactory()]
        )
        for wording in ("", "Other words entirely."):
            Report.objects.create(statement=statement, source=SourceFactory(), text=wording)


def test_statement_list_counts_the_matches_up_to_the_timelines_limit(client, monkeypatch):
    """`count` is every match's (not the page's), exact up to the timeline's limit; past it `count_capped` says so."""
    build_world()
    expected = StatementFilter(QueryDict("topic=middle-east"), queryset=Statement.objects.published()).qs.count()
    assert expected > 2
    first = client.get("/api/statements/?topic=middle-east&page_size=2").json()
    assert (first["count"], first["count_capped"], len(first["results"])) == (expected, False, 2)
    second = client.get(first["next"]).json()
    assert (second["count"], second["count_capped"]) == (expected, False)
    nothing = client.get("/api/statements/?q=nothing+matches+this").json()
    assert (nothing["count"], nothing["count_capped"], nothing["results"]) == (0, False, [])

    monkeypatch.setattr("statements.api.pagination.COUNT_CAP", expected - 1)
    capped = client.get("/api/statements/?topic=middle-east").json()
    assert (capped["count"], capped["count_capped"]) == (expected - 1, True)
    assert len(capped["results"]) == expected  # the cap is on counting only, never on the rows listed


class TestPageNumbers:
    """The timeline'\''s page numbers, each case against one world built for the class."""

    @pytest.mark.parametrize(
        "url", ["/api/statements/?page=999", "/api/statements/?topic=syria&page=2", "/api/topics/?page=1"]
    )
    def test_a_page_number_is_a_400_saying_the_api_pages_by_cursor(self, class_world, client, url):
        """`page` (the timeline's paging) is refused with a message, not ignored and carried into the `next` link."""
        response = client.get(url)
        assert response.status_code == 400
        assert 'follow the "next" link' in response.json()["page"][0]
        assert "by cursor" in response.json()["page"][0]


@pytest.mark.parametrize("n", [3, 30])
def test_statement_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    """A page of statements costs the same queries for 3 rows as for 30."""
    make_statements(n)
    with django_assert_num_queries(STATEMENT_PAGE_QUERIES):
        assert len(client.get("/api/statements/?page_size=100").json()["results"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_filtered_statement_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    """With filters the count grows by the filter's own lookups, never by rows: a second page too."""
    make_statements(n)
    query = "speaker_country=RU&country=US&date_from=2016&sort=oldest&page_size=2"
    # + speaker_country and country validation (and the country's links counted), and the first page's
    # cursor makes a second page
    expected = STATEMENT_PAGE_QUERIES + 2 + link_counting_queries(1)
    with django_assert_num_queries(expected):
        next_url = client.get(f"/api/statements/?{query}").json()["next"]
    with django_assert_num_queries(expected):
        assert len(client.get(next_url).json()["results"]) == min(n - 2, 2)


@pytest.mark.parametrize("n", [3, 30])
def test_reference_list_query_counts_do_not_grow_with_rows(client, django_assert_num_queries, n):
    """Officials, topics and countries pages cost a fixed number of queries."""
    make_statements(n)
    with django_assert_num_queries(OFFICIAL_PAGE_QUERIES):
        assert len(client.get("/api/officials/?page_size=200").json()["results"]) == 2 * n
    with django_assert_num_queries(TOPIC_PAGE_QUERIES):
        client.get("/api/topics/?page_size=200")
    with django_assert_num_queries(COUNTRY_PAGE_QUERIES):
        client.get("/api/countries/?page_size=200")


def test_openapi_schema_is_served_valid_and_documents_the_filters(client):
    """/api/schema/ is a valid OpenAPI 3 document listing every StatementFilter parameter on /api/statements/."""
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    parameters = {p["name"] for p in schema["paths"]["/api/statements/"]["get"]["parameters"]}
    assert set(StatementFilter.base_filters) <= parameters
    assert {"cursor", "page_size"} <= parameters
    listed = schema["paths"]["/api/statements/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    list_page, changes_page = schema["components"]["schemas"][listed["$ref"].rsplit("/", 1)[-1]]["oneOf"]
    page = list_page
    assert {"next", "more", "results"} <= set(changes_page["required"])  # with updated_since (tests/test_changes.py)
    assert {"count", "count_capped", "next", "previous", "results"} <= set(page["required"])
    assert page["properties"]["count"]["type"] == "integer"
    assert page["properties"]["count_capped"]["type"] == "boolean"
    assert set(schema["paths"]) >= {
        "/api/statements/",
        "/api/statements/{id}/",
        "/api/officials/",
        "/api/officials/{slug}/",
        "/api/topics/",
        "/api/topics/{slug}/",
        "/api/countries/",
        "/api/countries/{code}/",
    }
    assert not [path for path in schema["paths"] if not path.startswith("/api/")]
    json_schema = client.get("/api/schema/?format=json")
    assert json.loads(json_schema.content)["info"]["title"] == "Statement Tracker API"


def test_schema_generates_without_warnings(tmp_path):
    """drf-spectacular's warnings fail `check --deploy`, so the schema must build without any."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/statements/" in (tmp_path / "schema.yml").read_text()


def test_docs_page_renders_with_no_external_assets(client):
    """The Swagger UI page and its setup script load everything from this site: no CDN, nothing inline to run."""
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for external in ("cdn.", "unpkg", "jsdelivr", "googleapis", "http://", "https://"):
        assert external not in html
    assert "<script>" not in html  # every script has a src (a strict CSP can forbid inline scripts)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_api_root_links_every_collection(client):
    """The browsable entry point links every collection, the schema and the docs."""
    body = client.get("/api/", HTTP_ACCEPT="application/json").json()
    assert set(body) == {"statements", "officials", "topics", "countries", "schema", "docs"}
    assert body["statements"] == "http://testserver/api/statements/"


API_OPERATIONS = [
    "/api/statements/",
    "/api/statements/{id}/",
    "/api/officials/",
    "/api/officials/{slug}/",
    "/api/topics/",
    "/api/topics/{slug}/",
    "/api/countries/",
    "/api/countries/{code}/",
]


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, kept from closing the test's database connection after each request.

    Django's test client does the same: a request's end closes connections that are inside a transaction,
    and every test runs inside one.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("path", API_OPERATIONS)
def test_schema_driven_fuzzing_finds_no_server_error(wsgi_app, path):
    """Requests generated from the served schema (bounded) never get a 5xx, and every response matches the schema."""
    build_world()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    assert sorted(schema) == sorted(API_OPERATIONS)  # a new operation must join the list above

    @given(case=schema[path]["GET"].as_strategy())
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        # Schema-valid is not always acceptable: a well-formed slug may name no official (400 or 404, by design).
        case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])

    check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_docs_page_works_in_a_browser_with_nothing_from_outside(live_server, browser):
    """In Chromium, under the site's CSP, Swagger UI lists every operation and requests nothing from another host."""
    outside, errors = [], []
    context = browser.new_context()
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        re.compile(r"^(?!" + re.escape(live_server.url) + ")"),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    context.close()
    assert sorted(path.replace("\u200b", "") for path in operations) == sorted(API_OPERATIONS)
    assert outside == []
    assert errors == []
