"""Atom feeds: the timeline's filters over published statements, newest first, valid Atom, text always inert."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.http import QueryDict

from statements.feeds import FEED_SIZE
from statements.filters import StatementFilter
from statements.models import Coding, Statement
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, TopicFactory, country
from tests.test_filters import BAD, CASES
from tests.timeline_data import DRAFT_TEXT, NOTE_TEXT, RETRACTED_TEXT, build_world

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# The statements (with speaker, source, outlet and role) and one prefetch each for topics, countries and mentions.
FEED_QUERIES = 4


def fetch(client, query: str = ""):
    """The feed for a query string, checked to be well-formed Atom; returns the response and the parsed root."""
    response = client.get(f"/feed.atom?{query}" if query else "/feed.atom")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return response, root


def entry_links(root) -> list[str]:
    return [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in root.iter(f"{ATOM}entry")]


class TestFilterTable:
    """The timeline's table of query strings, each case against one world built for the class."""

    @pytest.mark.parametrize(("query", "expected"), CASES)
    def test_feed_lists_the_filtered_statements_newest_first(self, class_world, client, query, expected):
        """For every filter in the timeline's table the feed holds StatementFilter(...).qs, newest first, as valid
        Atom."""
        filtered = StatementFilter(QueryDict(query), queryset=Statement.objects.published()).qs.newest_first()
        response, root = fetch(client, query)
        assert entry_links(root) == [f"http://testserver/statements/{s.pk}/" for s in filtered]
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        assert len(parsed.entries) == len(filtered)


def test_feed_has_the_elements_atom_requires(client):
    """Feed id, title, updated and self link; every entry an id (unique), title, updated, link and author."""
    build_world()
    _, root = fetch(client, "topic=sanctions")
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/feed.atom?topic=sanctions"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/?topic=sanctions"
    entries = list(root.iter(f"{ATOM}entry"))
    assert len(entries) == 3
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        for path in ("id", "title", "updated", "author/{ns}name", "summary"):
            assert entry.find(f"{ATOM}{path.format(ns=ATOM)}").text, path


def test_entry_says_who_said_what_when_and_where(client):
    """Title "Speaker: excerpt", link the permalink, updated its last change, author the speaker, topics as tags."""
    world = build_world()
    a = world["statements"]["A"]
    _, root = fetch(client, "speaker=dmitry-peskov&kind=direct")
    [entry] = root.iter(f"{ATOM}entry")
    assert (
        entry.find(f"{ATOM}title").text
        == "Dmitry Peskov: No one expects that relationship will improve in a fortnight."
    )
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/statements/{a.pk}/"
    assert entry.find(f"{ATOM}id").text == f"http://testserver/statements/{a.pk}/"
    assert entry.find(f"{ATOM}updated").text == a.updated_at.isoformat()
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Dmitry Peskov"
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["Sanctions"]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == (
        "<p>No one expects that relationship will improve in a fortnight.</p>"
        "<p>— Dmitry Peskov, Press Secretary of the President of Russia, 11 November 2016. "
        "Source: TASS, “Kremlin on relations with Washington”.</p>"
        "<p>Coded: United States: neutral (comment).</p>"
    )


@pytest.mark.parametrize(
    ("codings", "line"),
    [
        ([], ""),
        ([("US", -1, "criticise")], "<p>Coded: United States: critical (criticise or accuse).</p>"),
        (
            [("<b>Bloc</b>", None, ""), ("SY", 2, "praise"), ("RU", -2, "warn")],
            "<p>Coded: &lt;b&gt;Bloc&lt;/b&gt;: no stance; Russia: hostile (warn (predicting harm)); "
            "Syria: strongly supportive (praise).</p>",
        ),
    ],
)
def test_an_entry_says_how_its_statement_is_coded(client, codings, line):
    """The codings in words, as the statements CSV's `codings` column writes them, escaped like the rest."""
    statement = StatementFactory(text="Words.")
    for target, stance, act in codings:
        where = (
            {"target_country": country(target)}
            if len(target) == 2
            else {"target_official": OfficialFactory(name=target)}
        )
        Coding.objects.create(statement=statement, stance=stance, act=act, **where)
    _, root = fetch(client)
    [entry] = root.iter(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary").text
    assert summary.endswith("</p>" + line)
    assert ("Coded:" in summary) == bool(codings)


def test_long_text_is_cut_in_the_title_but_whole_in_the_summary(client):
    """The title carries an excerpt; the summary the full text."""
    text = "Word " * 60
    StatementFactory(speaker=OfficialFactory(name="Anna Long"), text=text.strip())
    _, root = fetch(client)
    [entry] = root.iter(f"{ATOM}entry")
    title = entry.find(f"{ATOM}title").text
    assert title.startswith("Anna Long: Word Word") and title.endswith("…")
    assert len(title) < 100
    assert text.strip() in entry.find(f"{ATOM}summary").text


class TestTitles:
    """Feed titles, each case against one world built for the class."""

    @pytest.mark.parametrize(
        ("query", "title"),
        [
            ("", "Statement Tracker: all statements"),
            ("sort=oldest", "Statement Tracker: all statements"),
            ("speaker=dmitry-peskov", "Statement Tracker: Statements by Dmitry Peskov"),
            ("topic=syria&topic=sanctions", "Statement Tracker: Statements on Sanctions, Syria"),
            ("kind=paraphrase&country=sy", "Statement Tracker: Paraphrases concerning Syria"),
            (
                "speaker_country=us&outlet=reuters",
                "Statement Tracker: Statements by officials of United States reported by Reuters",
            ),
            ("q=syria+talks&language=en", "Statement Tracker: Statements matching “syria talks” in language “en”"),
            ("date_from=2016-11&date_to=2017", "Statement Tracker: Statements from November 2016 to 2017"),
            ("date_from=2016-11&date_to=2016-11", "Statement Tracker: Statements in November 2016"),
            ("date_from=2016-11-11", "Statement Tracker: Statements from 11 November 2016"),
        ],
    )
    def test_feed_title_describes_the_filters(self, class_world, client, query, title):
        """A subscriber can tell feeds apart: the title names the official, topic, dates and other filters."""
        _, root = fetch(client, query)
        assert root.find(f"{ATOM}title").text == title


def test_drafts_and_internal_fields_are_never_in_a_feed(client):
    """No draft, retracted statement or analyst note in any feed; a draft-only speaker's feed does not exist."""
    build_world()
    for query in ("", "speaker=dmitry-peskov", "topic=sanctions", "country=RU", "q=draft"):
        response, root = fetch(client, query)
        body = response.content.decode()
        for secret in (DRAFT_TEXT, NOTE_TEXT, RETRACTED_TEXT):
            assert secret not in body, (query, secret)
    draft_only = client.get("/feed.atom?speaker=draft-only-person")
    assert draft_only.status_code == 400  # as for a slug nobody made (tests/test_filters.py)
    for secret in (DRAFT_TEXT, NOTE_TEXT, RETRACTED_TEXT, "Draft Only Person"):
        assert secret not in draft_only.content.decode()


def test_markup_in_statement_text_stays_inert(client):
    """Script in a statement is plain text in the title and escaped HTML in the summary: nothing a reader would run."""
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)> & more'
    speaker = OfficialFactory(name="<b>Bold</b> Person")
    StatementFactory(speaker=speaker, text=attack)
    response, root = fetch(client)
    raw = response.content.decode()
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw
    [entry] = root.iter(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == f"<b>Bold</b> Person: {attack}"  # type="text": shown as typed
    summary = entry.find(f"{ATOM}summary").text  # type="html": the reader sees the characters, not markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; more" in summary
    assert "<script" not in summary and "<img" not in summary and "<b>" not in summary
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert parsed.entries[0].title == f"<b>Bold</b> Person: {attack}"
    assert "<script" not in parsed.entries[0].summary


class TestBadInput:
    """The timeline's table of bad input, each case against one world built for the class."""

    @pytest.mark.parametrize(("query", "field", "message"), BAD)
    def test_invalid_filter_is_a_400_with_a_plain_message(self, class_world, client, query, field, message):
        """Every bad value the timeline rejects gives a 400 in plain text naming the parameter and the problem."""
        response = client.get(f"/feed.atom?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        body = response.content.decode()
        assert body.startswith("This feed's filters are not valid.")
        assert f"{field}: " in body and message in body


def test_feed_holds_the_newest_fifty(client):
    """However many match, a feed carries the newest FEED_SIZE statements."""
    speaker = OfficialFactory()
    statements = [StatementFactory(speaker=speaker, date=f"2016-{m:02}-{d:02}") for m in (1, 2) for d in range(1, 29)]
    _, root = fetch(client)
    newest = sorted(statements, key=lambda s: (s.date, s.pk), reverse=True)[:FEED_SIZE]
    assert entry_links(root) == [f"http://testserver/statements/{s.pk}/" for s in newest]


def test_official_and_topic_feeds_are_the_filtered_feed(client):
    """An official's or a topic's page links /feed.atom?speaker=… or ?topic=… (sub-topics included)."""
    world = build_world()
    _, root = fetch(client, "speaker=sergey-lavrov")
    labels = world["labels"]
    assert [labels[int(link.rstrip("/").rsplit("/", 1)[1])] for link in entry_links(root)] == ["G", "C"]
    _, root = fetch(client, "topic=middle-east")
    assert [labels[int(link.rstrip("/").rsplit("/", 1)[1])] for link in entry_links(root)] == ["B", "C", "F"]


@pytest.mark.parametrize("n", [3, 30])
def test_feed_query_count_does_not_grow_with_entries(client, django_assert_num_queries, n):
    """A feed costs the same number of queries for 3 entries as for 30."""
    topics = [TopicFactory(), TopicFactory()]
    for _ in range(n):
        speaker = OfficialFactory()
        PositionFactory(official=speaker)
        StatementFactory(speaker=speaker, topics=topics, countries=[country("RU")])
    with django_assert_num_queries(FEED_QUERIES):
        _, root = fetch(client)
    assert len(entry_links(root)) == n


def test_control_characters_in_text_or_query_do_not_break_the_feed(client):
    """Characters XML cannot hold (here ESC) are dropped from the feed rather than turning it into a 500."""
    StatementFactory(text="Escape \x1b character and a form feed \x0c in the text.")
    response = client.get("/feed.atom", {"q": "escape\x1b"})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    assert "\x1b" not in response.content.decode()
