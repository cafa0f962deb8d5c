"""Permalinks, entity pages and index pages: content, retractions, drafts, and fixed query counts."""

import datetime
import re

import pytest

from statements.models import Status
from statements.timeline.page import PAGE_SIZE
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, TopicFactory, country
from tests.timeline_data import DRAFT_TEXT, NOTE_TEXT, RETRACTED_TEXT, build_world, link_counting_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_permalink_shows_everything_about_the_statement(client, world):
    """Full text, original text, source link, date with precision, role then, topics, countries, mentions."""
    c = world["statements"]["C"]
    html = client.get(c.get_absolute_url()).content.decode()
    assert "“Talks on the ceasefire continue.”" in html
    assert '<blockquote class="statement__original" lang="ru"><p>Переговоры о прекращении огня продолжаются.' in html
    assert f'<a href="{c.source.url}" rel="noopener">Lavrov interview</a>' in html
    assert 'November 2016 <span class="muted">(known to the month)</span>' in html
    assert "Minister of Foreign Affairs" in html
    assert '<a href="/topics/middle-east/">Middle East</a>' in html
    assert '<a href="/countries/sy/">Syria</a>' in html
    a_html = client.get(world["statements"]["A"].get_absolute_url()).content.decode()
    assert "Officials mentioned" in a_html and '<a href="/officials/john-example/">John Example</a>' in a_html


def test_permalink_never_shows_the_analyst_note(client, world):
    """The analyst note is internal."""
    html = client.get(world["statements"]["A"].get_absolute_url()).content.decode()
    assert NOTE_TEXT not in html


def test_permalink_lists_the_speakers_other_published_statements_on_the_same_topics(client, world):
    """Related statements share the speaker and a topic; drafts and retractions are not among them."""
    peskov, sanctions = world["officials"]["peskov"], world["topics"]["sanctions"]
    other = StatementFactory(speaker=peskov, topics=[sanctions], text="Sanctions are counterproductive.")
    StatementFactory(speaker=peskov, topics=[TopicFactory()], text="Unrelated topic.")
    response = client.get(world["statements"]["A"].get_absolute_url())
    assert response.context["related"] == [other]


def test_retracted_permalink_resolves_and_says_why(client, world):
    """A retracted statement keeps its permalink (200) with a clear notice and the reason."""
    response = client.get(world["retracted"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Retracted:</strong> Misattributed: the words were the interviewer&#x27;s." in html
    assert RETRACTED_TEXT in html


def test_draft_permalink_is_a_404(client, world):
    """A draft has no public page."""
    assert client.get(world["draft"].get_absolute_url()).status_code == 404


def test_official_page_shows_positions_and_timeline(client, world):
    """The official page lists positions held and their published statements only."""
    response = client.get("/officials/john-example/")
    html = response.content.decode()
    assert "Spokesperson" in html and "Ambassador" in html
    assert "1 July 2016 – present" in html
    assert [s.pk for s in response.context["page"].object_list] == [
        world["statements"]["E"].pk,
        world["statements"]["D"].pk,
    ]
    assert 'href="/?speaker=john-example"' in html


def test_topic_page_includes_sub_topics(client, world):
    """A topic page lists its sub-topics and includes their statements."""
    response = client.get("/topics/middle-east/")
    html = response.content.decode()
    assert '<a href="/topics/syria/">Syria</a>' in html
    labels = [world["labels"][s.pk] for s in response.context["page"].object_list]
    assert labels == ["B", "C", "F"]
    assert "Part of" in client.get("/topics/syria/").content.decode()


def test_country_page_lists_its_officials_and_statements_concerning_it(client, world):
    """A country page lists its officials with published statements and the statements concerning it."""
    response = client.get("/countries/fr/")
    html = response.content.decode()
    assert '<a href="/officials/anna-sample/">Anna Sample</a>' in html
    assert "Draft Only Person" not in html
    assert [world["labels"][s.pk] for s in response.context["page"].object_list] == ["F"]
    assert client.get("/countries/FR/").status_code == 200


class TestUnknownEntities:
    """Unknown entities, every case on one world built for the class (tests/conftest.py)."""

    @pytest.mark.parametrize(
        "url",
        ["/officials/nobody/", "/topics/nothing/", "/countries/xx/", "/countries/toolong/", "/statements/999999/"],
    )
    def test_unknown_entities_are_404(self, client, class_world, url):
        """Unknown slugs, codes and ids are a 404, not an error."""
        assert client.get(url).status_code == 404


def test_an_official_known_only_from_drafts_has_no_page(client, world):
    """Speaking in, or being mentioned in, drafts only gives no page: the same 404 as a slug nobody made."""
    mentioned = OfficialFactory(name="Mentioned In Draft Only", slug="mentioned-in-draft-only")
    world["draft"].mentioned_officials.add(mentioned)
    unknown = client.get("/officials/nobody-by-that-slug/")
    assert unknown.status_code == 404
    for slug, name in [("draft-only-person", "Draft Only Person"), (mentioned.slug, mentioned.name)]:
        response = client.get(f"/officials/{slug}/")
        assert response.status_code == 404, slug
        assert name not in response.content.decode()
        assert response.content == unknown.content


def test_every_official_a_public_statement_names_has_a_page(client, world):
    """A permalink's links never 404: an official only mentioned in a published statement, or the speaker of a
    statement since retracted, keeps a page."""
    mentioned = OfficialFactory(name="Mentioned Person", slug="mentioned-person")
    world["statements"]["G"].mentioned_officials.add(mentioned)
    retracted_speaker = OfficialFactory(name="Retracted Speaker", slug="retracted-speaker")
    StatementFactory(speaker=retracted_speaker, status=Status.RETRACTED, retraction_reason="Misquoted.")
    for official in (mentioned, retracted_speaker):
        response = client.get(official.get_absolute_url())
        assert response.status_code == 200, official.slug
        assert official.name in response.content.decode()


class TestMissingPages:
    """The site's own 404 page, every case on one world built for the class."""

    @pytest.mark.parametrize("url", ["/statements/999999/", "/officials/nobody/", "/no-such-page/", "draft"])
    def test_a_missing_page_is_the_sites_own_404_page(self, client, class_world, url):
        """The designed 404 (templates/404.html) with the site's header and ways on, not Django's bare "Not Found"."""
        response = client.get(class_world["draft"].get_absolute_url() if url == "draft" else url)
        assert response.status_code == 404
        assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
        html = response.content.decode()
        assert "<h1>There is nothing at this address</h1>" in html
        assert 'href="/officials/"' in html and 'class="site-header"' in html


def test_a_server_error_is_the_sites_own_500_page(rf):
    """Django renders 500.html without a request context: the designed page must not need one."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_entity_page_past_the_end_is_a_404_with_a_link_to_page_one(client, world):
    """Entity pages paginate like the timeline."""
    response = client.get("/officials/dmitry-peskov/?page=5")
    assert response.status_code == 404
    assert 'href="/officials/dmitry-peskov/"' in response.content.decode()


def test_index_pages_count_published_statements_only(client, world):
    """Officials, topics and countries are listed with counts of published statements (drafts and retractions out)."""
    officials = client.get("/officials/").content.decode()
    assert re.search(r"Dmitry Peskov</a>.*?<span class=\"count\">2<", officials)
    assert "Draft Only Person" not in officials
    topics = client.get("/topics/").content.decode()
    assert re.search(r"Sanctions</a> <span class=\"count\">3<", topics)
    assert re.search(r"Arctic</a> <span class=\"count\">0<", topics)
    assert topics.index("Middle East") < topics.index(">Syria<")
    countries = client.get("/countries/").content.decode()
    assert re.search(r"Russia</a> <span class=\"count\">3<", countries)
    assert re.search(r"France</a> <span class=\"count\">1<", countries)


def public_urls(world) -> list[str]:
    """Every public page the fixture has: timeline (plain and filtered), entity pages, indexes and permalinks."""
    urls = [
        "/",
        "/?sort=oldest",
        "/?topic=sanctions",
        "/?speaker=dmitry-peskov",
        "/?country=fr&country=us",
        "/?date_from=2016-11-11&date_to=2016-11-11",
        "/?q=draft",
        "/?q=never+be+public",
        "/officials/",
        "/topics/",
        "/countries/",
        "/topics/arctic/",
        world["retracted"].get_absolute_url(),
    ]
    urls += [s.get_absolute_url() for s in world["statements"].values()]
    urls += [o.get_absolute_url() for key, o in world["officials"].items() if key != "ghost"]  # a draft's only
    urls += [t.get_absolute_url() for t in world["topics"].values()]
    urls += [country(code).get_absolute_url() for code in ["RU", "US", "SY", "FR"]]
    return urls


def test_no_public_page_shows_a_draft_or_a_note(client, world):
    """Walking every public URL: a draft's text and an analyst note never appear."""
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert DRAFT_TEXT not in html, url
        assert NOTE_TEXT not in html, url


def add_statements(world, n: int):
    """More published statements on every entity page of the fixture (and one more draft)."""
    peskov, syria = world["officials"]["peskov"], world["topics"]["syria"]
    for i in range(n):
        StatementFactory(
            speaker=peskov,
            date=datetime.date(2015, 1, 1) + datetime.timedelta(days=i),
            topics=[syria, world["topics"]["sanctions"]],
            countries=[country("SY"), country("RU")],
            mentioned_officials=[world["officials"]["lavrov"]],
        )
    PositionFactory(official=peskov, title="Deputy Press Secretary", start_date="2000-01-01", end_date="2012-05-21")
    StatementFactory(speaker=peskov, status=Status.DRAFT, text=DRAFT_TEXT)


# Named constants, so a change in a page's query count is a visible, reviewed decision.
# A many-to-many filter first counts its links to choose its query's shape (link_counting_queries).
# The permalink: statement with speaker, source and passage, 3 prefetches and its other reports, related statements,
# its codings, its links both ways; then its history and the history's links of 3 kinds (its public corrections and
# the version its citation names: statements/revisions.py).
PERMALINK_QUERIES = 8 + link_counting_queries(1) + 4
OFFICIAL_QUERIES = 5  # official, positions, the matches' ids (count and page), rows, their topics
TOPIC_QUERIES = 6 + link_counting_queries(
    1
)  # topic, children, topic tree, the matches' ids (count and page), rows, their topics
COUNTRY_QUERIES = 6 + link_counting_queries(
    1
)  # country, officials, its relations' countries, the matches' ids (count and page), rows, their topics
INDEX_QUERIES = 2  # the counts kept by triggers (statements_optioncount), the officials, topics or countries


@pytest.mark.parametrize("extra", [0, PAGE_SIZE + 10])
def test_entity_page_query_counts_are_fixed(client, django_assert_num_queries, world, extra):
    """Permalink, official, topic, country and index pages issue the same number of queries at two data sizes."""
    add_statements(world, extra)
    pages = [
        (world["statements"]["A"].get_absolute_url(), PERMALINK_QUERIES),
        ("/officials/dmitry-peskov/", OFFICIAL_QUERIES),
        ("/topics/middle-east/", TOPIC_QUERIES),
        ("/countries/sy/", COUNTRY_QUERIES),
        ("/officials/", INDEX_QUERIES),
        ("/topics/", INDEX_QUERIES),
        ("/countries/", INDEX_QUERIES),
    ]
    for url, expected in pages:
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


class TestFeedLinks:
    """Feed links of entity pages, every case on one world built for the class."""

    @pytest.mark.parametrize(
        "path, feed",
        [
            ("/officials/dmitry-peskov/", "/feed.atom?speaker=dmitry-peskov"),
            ("/topics/middle-east/", "/feed.atom?topic=middle-east"),
            ("/countries/sy/", "/feed.atom?country=sy"),
        ],
    )
    def test_entity_pages_link_their_atom_feed(self, client, class_world, path, feed):
        """Official, topic and country pages advertise (autodiscovery) and link a feed of the same statements."""
        html = client.get(path).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert f'href="{feed}"' in html
        assert client.get(feed).status_code == 200
