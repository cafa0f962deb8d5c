"""/changes.atom: corrections and retractions of public statements, newest first, in the permalink's words, with the
public note and never the internal reason; never a draft."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils.html import strip_tags

from statements import history
from statements.models import Kind, Statement, Status
from tests.factories import StatementFactory, TopicFactory
from tests.test_citations import backdate_creation, correct

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# The recent versions, the statements (with speaker, source, outlet), and their versions with the links of each kind.
FEED_QUERIES = 6
INTERNAL = "Internal: the analyst misread the transcript"


def parsed_feed(client):
    response = client.get("/changes.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    ET.fromstring(response.content)  # well-formed XML
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return response, feed


def retract(statement, *, on: datetime.date, reason: str):
    statement = Statement.objects.get(pk=statement.pk)
    with history.one_entry(statement, reason=INTERNAL):
        statement.status = Status.RETRACTED
        statement.retraction_reason = reason
        statement.save()
    moment = datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)
    statement.history.filter(history_id=statement.history.latest().history_id).update(history_date=moment)


CASES = [
    (
        {"text": "Corrected words."},
        "Corrected on 3 December 2026: text.",
    ),
    (
        {"text": "Corrected words.", "kind": Kind.PARAPHRASE},
        "Corrected on 3 December 2026: text, kind.",
    ),
    (
        {"date": datetime.date(2016, 11, 10)},
        "Corrected on 3 December 2026: date.",
    ),
]


@pytest.mark.parametrize(("changes", "line"), CASES)
def test_a_correction_is_an_entry_in_the_permalinks_words_with_the_public_note(client, changes, line):
    """The entry says what the permalink says, with the note for readers, and never the internal reason."""
    statement = StatementFactory()
    backdate_creation(statement, datetime.date(2026, 11, 20))
    correct(statement, on=datetime.date(2026, 12, 3), reason=INTERNAL, note="The quote was cut short.", **changes)
    response, feed = parsed_feed(client)
    [entry] = feed.entries
    assert entry.link == f"http://testserver/statements/{statement.pk}/"
    assert entry.title.startswith("Corrected: ")
    assert line in entry.summary and "The quote was cut short." in entry.summary
    assert INTERNAL not in response.content.decode()
    permalink = " ".join(strip_tags(client.get(statement.get_absolute_url()).content.decode()).split())
    assert f"{line} The quote was cut short." in permalink


def test_corrections_and_retractions_newest_first_drafts_never(client):
    """Two corrections of one statement are two entries with their own ids; a retraction says why; a statement now
    in draft is in no entry, nor is an edit made before the first publication."""
    corrected = StatementFactory(text="First words.")
    backdate_creation(corrected, datetime.date(2026, 11, 1))
    correct(corrected, on=datetime.date(2026, 11, 10), note="First fix.", text="Second words.")
    correct(corrected, on=datetime.date(2026, 12, 5), note="Second fix.", topics=[TopicFactory()])
    retracted = StatementFactory()
    backdate_creation(retracted, datetime.date(2026, 11, 1))
    retract(retracted, on=datetime.date(2026, 12, 1), reason="The outlet withdrew the report.")
    drafted = StatementFactory(text="Now a draft nobody may see.")
    backdate_creation(drafted, datetime.date(2026, 11, 1))
    correct(drafted, on=datetime.date(2026, 12, 6), note="Fixed.", text="A draft's corrected words.")
    Statement.objects.filter(pk=drafted.pk).update(status=Status.DRAFT)
    never_public = StatementFactory(status=Status.DRAFT, text="Never published.")
    correct(never_public, on=datetime.date(2026, 12, 6), text="Never published, edited.")

    response, feed = parsed_feed(client)
    summaries = [entry.summary for entry in feed.entries]
    assert [entry.link.rsplit("/", 2)[-2] for entry in feed.entries] == [
        str(corrected.pk),
        str(retracted.pk),
        str(corrected.pk),
    ]
    assert "Corrected on 5 December 2026: topics." in summaries[0] and "Second fix." in summaries[0]
    assert "Retracted on 1 December 2026." in summaries[1] and "The outlet withdrew the report." in summaries[1]
    assert "Corrected on 10 November 2026: text." in summaries[2] and "First fix." in summaries[2]
    assert len({entry.id for entry in feed.entries}) == 3
    body = response.content.decode()
    assert "draft" not in body.lower() and "Never published" not in body and INTERNAL not in body


def test_the_feed_costs_the_same_queries_however_many_entries(client, django_assert_num_queries):
    for day in range(1, 6):
        statement = StatementFactory()
        backdate_creation(statement, datetime.date(2026, 11, 1))
        correct(statement, on=datetime.date(2026, 12, day), text=f"Corrected on day {day}.", topics=[TopicFactory()])
    with django_assert_num_queries(FEED_QUERIES):
        _, feed = parsed_feed(client)
    assert len(feed.entries) == 5


def test_the_about_page_links_the_changes_feed(client):
    html = client.get("/about/").content.decode()
    assert 'href="/changes.atom"' in html
