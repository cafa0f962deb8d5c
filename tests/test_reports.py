"""CSV reports: aggregate tables of the timeline's filtered set, with names, neutralised cells and no drafts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from statements.models import Status
from tests.factories import OfficialFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db


def report(client, name: str, query: str = "") -> list[list[str]]:
    """The report's rows, header first."""
    response = client.get(f"{reverse('statements:report_csv', kwargs={'name': name})}?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"), newline="")))


@pytest.fixture
def statements():
    """Five published statements over two months and a draft that must not be counted."""
    ru, sy = country("RU"), country("SY")
    anna = OfficialFactory(name="Anna Fictiva", slug="anna-fictiva", country=ru)
    boris = OfficialFactory(name="Boris Exempel", slug="boris-exempel", country=None)
    syria, sanctions = TopicFactory(name="Syria", slug="syria"), TopicFactory(name="Sanctions", slug="sanctions")
    nov, dec = datetime.date(2016, 11, 11), datetime.date(2016, 12, 2)
    StatementFactory(speaker=anna, date=nov, topics=[syria, sanctions], countries=[ru, sy])
    StatementFactory(speaker=anna, date=nov, topics=[syria], countries=[sy])
    StatementFactory(speaker=anna, date=dec, topics=[sanctions], countries=[ru])
    StatementFactory(speaker=boris, date=dec, topics=[syria])
    StatementFactory(speaker=boris, date=datetime.date(2016, 12, 20))
    StatementFactory(speaker=boris, date=dec, topics=[syria], countries=[sy], status=Status.DRAFT, source=None)


def test_month_topic_counts_each_statement_once_per_topic(client, statements):
    """One row per month and topic, oldest first; statements without a topic are counted under (none), last."""
    assert report(client, "month-topic") == [
        ["month", "topic", "statements"],
        ["2016-11", "Sanctions", "1"],
        ["2016-11", "Syria", "2"],
        ["2016-12", "Sanctions", "1"],
        ["2016-12", "Syria", "1"],
        ["2016-12", "(none)", "1"],
    ]


def test_speakers_report(client, statements):
    """One row per speaker with names (not ids), most statements first, with the first and last date."""
    assert report(client, "speakers") == [
        ["speaker", "speaker_country_code", "speaker_country", "statements", "first_date", "last_date"],
        ["Anna Fictiva", "RU", "Russia", "3", "2016-11-11", "2016-12-02"],
        ["Boris Exempel", "", "", "2", "2016-12-02", "2016-12-20"],
    ]


def test_countries_report(client, statements):
    """One row per country concerned, most statements first."""
    assert report(client, "countries") == [
        ["country_code", "country", "statements"],
        ["RU", "Russia", "2"],
        ["SY", "Syria", "2"],
        ["", "(none)", "2"],
    ]


@pytest.mark.parametrize(
    "name, query, expected",
    [
        ("speakers", "speaker=boris-exempel", [["Boris Exempel", "", "", "2", "2016-12-02", "2016-12-20"]]),
        ("speakers", "date_from=2016-12&speaker=anna-fictiva",
         [["Anna Fictiva", "RU", "Russia", "1", "2016-12-02", "2016-12-02"]]),
        # Filtering on a topic counts every topic of the matching statements, not only the filtered one.
        ("month-topic", "topic=sanctions",
         [["2016-11", "Sanctions", "1"], ["2016-11", "Syria", "1"], ["2016-12", "Sanctions", "1"]]),
        ("countries", "country=RU", [["RU", "Russia", "2"], ["SY", "Syria", "1"]]),
        ("countries", "q=nothing-matches-this", []),
    ],
)  # fmt: skip
def test_reports_cover_exactly_the_filtered_set(client, statements, name, query, expected):
    """A report takes the timeline's query string and aggregates only the statements it selects."""
    assert report(client, name, query)[1:] == expected


def test_report_cells_are_neutralised(client):
    """A speaker or topic name that a spreadsheet would run as a formula gets a leading quote."""
    StatementFactory(speaker=OfficialFactory(name="=cmd|' /C calc'!A0", slug="evil"), topics=[TopicFactory(name="+1")])
    assert report(client, "speakers")[1][0] == "'=cmd|' /C calc'!A0"
    assert report(client, "month-topic")[1][1] == "'+1"


def test_unknown_report_is_a_404(client):
    """Only the documented reports exist."""
    assert client.get(reverse("statements:report_csv", kwargs={"name": "salaries"})).status_code == 404


def test_report_with_an_invalid_filter_is_a_400(client):
    """A bad filter gets a plain-text 400, not an empty report."""
    response = client.get(reverse("statements:report_csv", kwargs={"name": "speakers"}) + "?date_to=yesterday")
    assert response.status_code == 400
    assert "date_to:" in response.content.decode()


def test_report_filename_and_bom(client, statements):
    """Reports share the export's filename scheme and byte-order-mark option."""
    response = client.get(reverse("statements:report_csv", kwargs={"name": "countries"}) + "?country=SY&bom=1")
    assert response["Content-Disposition"].startswith('attachment; filename="report-countries_country-sy_')
    assert b"".join(response.streaming_content).startswith(b'\xef\xbb\xbf"country_code"')
