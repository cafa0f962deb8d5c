"""The timeline's facets for codings (statements/timeline/coding_facets.py): targets, stances and speech acts of the
matches, counted apart from the page, each linking to the narrower filter; drafts never counted; bad input 400."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from statements.filters import StatementFilter
from statements.models import Coding, Statement, Status
from tests.factories import StatementFactory, country
from tests.test_timeline import TIMELINE_QUERIES
from tests.timeline_data import build_world

pytestmark = pytest.mark.django_db

URL = "/facets/codings/"
FRAGMENT = {"headers": {"X-Requested-With": "fetch"}}

HOSTILE, CRITICAL, NEUTRAL = "Hostile (−2)", "Critical (−1)", "Neutral (0)"
SUPPORTIVE, NONE = "Supportive (+1)", "No stance"
THREATEN = "Threaten (a conditional act by the speaker's side)"


@pytest.fixture
def world():
    return build_world()


def shown(response) -> dict[str, list[tuple[str, int]]]:
    return {title: [(e.label, e.count) for e in entries] for title, entries in response.context["facet_groups"]}


# Published codings of the world: A → US neutral comment, B → US supportive agree, D → RU hostile threaten, E → RU
# no stance comment, F → SY supportive offer, G → Anna Sample critical criticise. The draft's (US, hostile threaten)
# and the retracted statement's (US, critical criticise) never count.
FACETS = [
    (
        "",
        {
            "Coded toward": [("Russia", 2), ("United States", 2), ("Anna Sample", 1), ("Syria", 1)],
            "Stance": [(SUPPORTIVE, 2), (NEUTRAL, 1), (CRITICAL, 1), (HOSTILE, 1), (NONE, 1)],
            "Speech act": [
                ("Comment", 2),
                ("Agree or cooperate", 1),
                ("Criticise or accuse", 1),
                ("Offer or propose", 1),
                (THREATEN, 1),
            ],
        },
    ),
    (
        "stance=1",
        {
            "Coded toward": [("Syria", 1), ("United States", 1)],
            "Stance": [(SUPPORTIVE, 2)],
            "Speech act": [("Agree or cooperate", 1), ("Offer or propose", 1)],
        },
    ),
    (
        "target=ru",
        {
            "Coded toward": [("Russia", 2)],
            "Stance": [(HOSTILE, 1), (NONE, 1)],
            "Speech act": [("Comment", 1), (THREATEN, 1)],
        },
    ),
    (
        "target=us&target=anna-sample&act=comment",
        {"Coded toward": [("United States", 1)], "Stance": [(NEUTRAL, 1)], "Speech act": [("Comment", 1)]},
    ),
    (
        "speaker=john-example",
        {
            "Coded toward": [("Russia", 2)],
            "Stance": [(HOSTILE, 1), (NONE, 1)],
            "Speech act": [("Comment", 1), (THREATEN, 1)],
        },
    ),
    ("topic=arctic", {"Coded toward": [], "Stance": [], "Speech act": []}),
]


@pytest.mark.parametrize(("query", "expected"), FACETS, ids=[query or "all" for query, _ in FACETS])
def test_coding_facets_count_the_matches_codings(client, world, query, expected):
    """Each facet counts the published matches with a coding matching the coding filters and its value."""
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert shown(response) == expected


@pytest.mark.parametrize(("query", "expected"), FACETS[:5], ids=[query or "all" for query, _ in FACETS[:5]])
def test_each_link_gives_what_its_count_says(client, world, query, expected):
    """Following an entry that is not chosen lists exactly as many statements as its count (the matches are not
    capped), and keeps the other filters."""
    for _, entries in client.get(f"{URL}?{query}").context["facet_groups"]:
        for entry in entries:
            path, _, linked = entry.url.partition("?")
            assert path == "/"
            params = QueryDict(linked)
            for name, values in QueryDict(query).lists():
                assert set(values) <= set(params.getlist(name)) or name in ("stance", "act")
            if not entry.active:
                matched = StatementFilter(params, queryset=Statement.objects.published()).qs.count()
                assert matched == entry.count, entry.url


CHOSEN = [
    ("target=ru", "Coded toward", "Russia"),
    ("target=RU", "Coded toward", "Russia"),
    ("stance=1", "Stance", SUPPORTIVE),
    ("stance=none", "Stance", NONE),
    ("act=comment", "Speech act", "Comment"),
]


@pytest.mark.parametrize(("query", "title", "label"), CHOSEN)
def test_chosen_values_are_marked(client, world, query, title, label):
    """The value the filter chose is marked and not a link."""
    groups = dict(client.get(f"{URL}?{query}").context["facet_groups"])
    assert [e.label for e in groups[title] if e.active] == [label]
    html = client.get(f"{URL}?{query}", **FRAGMENT).content.decode()
    assert f'<span class="facet--active" aria-current="true">{label}</span>' in html


def test_an_entry_adds_a_target_or_sets_a_stance_or_act(client, world):
    """A target is added to those chosen; a stance or act replaces the chosen one, other filters kept."""
    groups = dict(client.get(f"{URL}?speaker=john-example&stance=-2").context["facet_groups"])
    link = parse_qs(urlsplit(groups["Coded toward"][0].url).query)
    assert link == {"speaker": ["john-example"], "stance": ["-2"], "target": ["ru"]}
    groups = dict(client.get(f"{URL}?speaker=john-example").context["facet_groups"])
    hostile = next(e for e in groups["Stance"] if e.label == HOSTILE)
    assert parse_qs(urlsplit(hostile.url).query) == {"speaker": ["john-example"], "stance": ["-2"]}


def test_drafts_never_count(client, world):
    """A draft coded toward a country adds nothing; published, it counts."""
    draft = StatementFactory(status=Status.DRAFT, speaker=world["statements"]["A"].speaker)
    Coding.objects.create(statement=draft, target_country=country("FR"), stance=-1, act="warn")
    response = client.get(URL)
    assert "France" not in [label for label, _ in shown(response)["Coded toward"]]
    assert "Warn (predicting harm)" not in [label for label, _ in shown(response)["Speech act"]]
    Statement.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    assert ("France", 1) in shown(client.get(URL))["Coded toward"]


def test_a_statement_counts_once_per_stance_and_act_however_many_codings_have_it(client, world):
    """Coded toward two targets with the same stance and act, a statement counts once under that stance and act,
    and under each target."""
    a = world["statements"]["A"]
    Coding.objects.create(statement=a, target_country=country("RU"), stance=0, act="comment")
    facets = shown(client.get(f"{URL}?speaker=dmitry-peskov"))
    assert facets["Stance"] == [(SUPPORTIVE, 1), (NEUTRAL, 1)]
    assert facets["Speech act"] == [("Agree or cooperate", 1), ("Comment", 1)]
    assert facets["Coded toward"] == [("United States", 2), ("Russia", 1)]


@pytest.fixture
def count_limit_of_3(monkeypatch):
    monkeypatch.setattr("statements.timeline.coding_facets.COUNT_CAP", 3)


def test_above_the_limit_they_count_the_first_matches_and_say_so(client, world, count_limit_of_3):
    """Above the limit the counts are of the first matches in the timeline's order (G, E, B), as the page says."""
    response = client.get(URL, **FRAGMENT)
    assert shown(response)["Coded toward"] == [("Anna Sample", 1), ("Russia", 1), ("United States", 1)]
    assert "the first 3 matching statements in this order" in response.content.decode()
    response = client.get(f"{URL}?target=sy", **FRAGMENT)
    assert "among the 1 matching statements" in response.content.decode()


BAD = [
    ("target=zz-nobody", "target", "There is no country with the ISO code, or official or institution"),
    ("stance=7", "stance", "Select a valid choice"),
    ("act=shout", "act", "Select a valid choice"),
    ("date_from=2016-13", "date_from", ""),
    ("target=" + "x" * 10_000, "target", ""),
    ("speaker=nobody", "speaker", "There is no official"),
]


@pytest.mark.parametrize(("query", "field", "message"), BAD)
def test_bad_input_is_a_400_with_the_message(client, world, query, field, message):
    """An invalid filter gets a 400 that says why, on the page and in the fragment; never a 500."""
    for kwargs in ({}, FRAGMENT):
        response = client.get(f"{URL}?{query}", **kwargs)
        assert response.status_code == 400
        assert field in response.context["filter"].errors
        assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_the_page_and_the_fragment(client, world):
    """Without the script's header it is a page of its own, with a way back to the same statements; with it, only the
    counts, which the timeline puts in place of its link."""
    page = client.get(f"{URL}?speaker=john-example")
    assert "<html" in page.content.decode() and 'href="/?speaker=john-example"' in page.content.decode()
    fragment = client.get(f"{URL}?speaker=john-example", **FRAGMENT).content.decode()
    assert "<html" not in fragment and "<h3>Coded toward</h3>" in fragment
    assert "X-Requested-With" in page["Vary"]


def test_the_timeline_links_to_them_without_a_query_of_its_own(client, world, django_assert_num_queries):
    """The timeline links to the counts with its filters (and the script fetches them): the page's own queries are
    unchanged, and none reads the codings."""
    with django_assert_num_queries(TIMELINE_QUERIES) as queries:
        html = client.get("/").content.decode()
    assert 'data-coding-facets="/facets/codings/"' in html
    assert not any("statements_coding" in q["sql"] for q in queries.captured_queries)
    html = client.get("/?speaker=dmitry-peskov&date_from=2016").content.decode()
    assert 'href="/facets/codings/?speaker=dmitry-peskov&amp;date_from=2016"' in html


# The first matches 1; the codings 1; the targets named 1 (none when nothing is coded). A filter adds its own
# lookups (an official's slug: 1).
CODING_FACETS_QUERIES = 3


@pytest.mark.parametrize("extra", [0, 30])
def test_coding_facets_query_count_is_fixed(client, world, django_assert_num_queries, extra):
    """However many statements and codings match, the counts take the same queries."""
    for statement in StatementFactory.create_batch(extra, speaker=world["statements"]["A"].speaker):
        Coding.objects.create(statement=statement, target_country=country("SY"), stance=-1, act="criticise")
    with django_assert_num_queries(CODING_FACETS_QUERIES):
        client.get(URL, **FRAGMENT)
    with django_assert_num_queries(CODING_FACETS_QUERIES + 1):
        client.get(f"{URL}?speaker=dmitry-peskov", **FRAGMENT)
    with django_assert_num_queries(CODING_FACETS_QUERIES):  # C alone, not coded: nothing to name
        client.get(f"{URL}?speaker=sergey-lavrov&date_to=2016", **FRAGMENT)
    with django_assert_num_queries(1):  # no match: no codings to read
        client.get(f"{URL}?date_from=2030", **FRAGMENT)
