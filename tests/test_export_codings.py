"""The codings and links CSVs beside the statements CSV, and the statements CSV's summary of codings: the same
filters, only public statements, one registry of columns, the export's safeguards."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.http import QueryDict
from django.urls import reverse

from statements.downloads import EXPORT_SLOTS
from statements.exports import CODING_COLUMNS, LINK_COLUMNS
from statements.filters import StatementFilter
from statements.models import Coding, Statement, StatementLink, Status
from statements.positions.models import LinkKind
from tests.factories import OfficialFactory, StatementFactory, country
from tests.once_per_class import once_per_class
from tests.test_filters import BAD, CASES
from tests.timeline_data import build_world

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parent.parent / "docs" / "csv.md"
# One query for the whole file: the codings (or links) of the filtered statements, every cell written by the database.
TABLE_QUERIES = 1
DOWNLOADS = {"codings": "statements:export_codings_csv", "links": "statements:export_links_csv"}
# Links of the labelled world (tests/timeline_data.py): (later, kind, earlier); "draft" and "retracted" are never shown.
LINKS = [
    ("E", LinkKind.RESPONDS_TO, "A"),
    ("G", LinkKind.REITERATES, "F"),
    ("A", LinkKind.CONTRADICTS, "F"),
    ("draft", LinkKind.RESPONDS_TO, "F"),
    ("E", LinkKind.CLARIFIES, "retracted"),
]


def build_linked_world() -> dict:
    world = build_world()
    named = {**world["statements"], "draft": world["draft"], "retracted": world["retracted"]}
    for later, kind, earlier in LINKS:
        StatementLink.objects.create(statement=named[later], kind=kind, linked=named[earlier])
    world["named"] = named
    return world


linked_world = once_per_class(build_linked_world)


def download(client, table: str, query: str = "") -> tuple[object, list[dict[str, str]]]:
    response = client.get(f"{reverse(DOWNLOADS[table])}?{query}")
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.DictReader(io.StringIO(body, newline="")))


def labels_of(expected: str) -> set[str]:
    return set(expected.split())


class TestFilterTable:
    """For every query string of the timeline's table, the codings and links of exactly the statements it gives."""

    @pytest.mark.parametrize(("query", "expected"), CASES)
    def test_codings_csv_has_one_row_per_coding_of_the_filtered_statements(self, linked_world, client, query, expected):
        statements = StatementFilter(QueryDict(query), queryset=Statement.objects.published()).qs
        codings = Coding.objects.filter(statement__in=statements.values("pk")).order_by("statement_id", "id")
        _, rows = download(client, "codings", query)
        assert [(int(row["statement_id"]), row["target"], row["stance"], row["act"]) for row in rows] == [
            (c.statement_id, c.target.name, "" if c.stance is None else str(c.stance), c.act) for c in codings
        ]
        labels = {statement.pk: label for label, statement in linked_world["statements"].items()}
        assert {labels[int(row["statement_id"])] for row in rows} <= labels_of(expected)

    @pytest.mark.parametrize(("query", "expected"), CASES)
    def test_links_csv_has_the_links_from_or_to_the_filtered_statements_between_published_ones(
        self, linked_world, client, query, expected
    ):
        named = linked_world["named"]
        shown = labels_of(expected)
        wanted = sorted(
            (named[later].pk, kind.value, named[earlier].pk)
            for later, kind, earlier in LINKS
            if later not in ("draft", "retracted")
            and earlier not in ("draft", "retracted")
            and (later in shown or earlier in shown)
        )
        _, rows = download(client, "links", query)
        assert sorted((int(row["statement_id"]), row["kind"], int(row["linked_id"])) for row in rows) == wanted

    @pytest.mark.parametrize("table", DOWNLOADS)
    @pytest.mark.parametrize(("query", "field", "message"), BAD[:6])
    def test_invalid_filters_are_a_400_naming_the_problem(self, linked_world, client, table, query, field, message):
        response = client.get(f"{reverse(DOWNLOADS[table])}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "no CSV was made" in response.content.decode()


@pytest.fixture
def coded():
    """Two published statements, the later responding to the earlier, coded toward a country and an institution;
    a draft coded and linked, which must never show."""
    anna = OfficialFactory(name="Anna Fictiva", slug="anna-fictiva", country=country("RU"))
    nato = OfficialFactory(name="=Alliance", slug="alliance", country=None)
    earlier = StatementFactory(speaker=anna, date=datetime.date(2016, 11, 1), date_precision="month", text="Earlier.")
    later = StatementFactory(speaker=anna, date=datetime.date(2016, 12, 5), text="Later.")
    draft = StatementFactory(speaker=anna, date=datetime.date(2017, 1, 1), text="Draft.", status=Status.DRAFT)
    Coding.objects.create(statement=later, target_country=country("US"), stance=-1, act="criticise")
    Coding.objects.create(statement=later, target_official=nato, stance=None, act="")
    Coding.objects.create(statement=earlier, target_country=country("US"), stance=2, act="praise")
    Coding.objects.create(statement=draft, target_country=country("US"), stance=-2, act="threaten")
    StatementLink.objects.create(statement=later, kind=LinkKind.RESPONDS_TO, linked=earlier)
    StatementLink.objects.create(statement=draft, kind=LinkKind.REITERATES, linked=later)
    return {"earlier": earlier, "later": later, "draft": draft}


def test_a_coding_row_says_everything_in_numbers_and_words(client, coded):
    """Ids, permalink, date, speaker, target, stance as a number (never neutralised) and in words, speech act,
    when it was coded; a target name a spreadsheet would run is neutralised."""
    later = coded["later"]
    _, rows = download(client, "codings")
    coding = Coding.objects.get(statement=later, target_country__code="US")
    assert rows[1] == {
        "statement_id": str(later.pk),
        "target_type": "country",
        "target_country_code": "US",
        "target": "United States",
        "stance": "-1",
        "act": "criticise",
        "permalink": f"http://testserver/statements/{later.pk}/",
        "date": "2016-12-05",
        "date_precision": "day",
        "speaker": "Anna Fictiva",
        "target_slug": "",
        "stance_words": "critical",
        "act_words": "criticise or accuse",
        "coded_at": coding.coded_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if coding.coded_at else "",
    }
    institution = rows[2]
    assert (institution["target_type"], institution["target"], institution["target_slug"]) == (
        "official",
        "'=Alliance",
        "alliance",
    )
    assert (institution["stance"], institution["stance_words"], institution["act"], institution["act_words"]) == (
        "",
        "no stance",
        "",
        "",
    )
    assert [row["statement_id"] for row in rows] == [str(coded["earlier"].pk), str(later.pk), str(later.pk)]


def test_a_link_row_has_both_ends_ids_permalinks_and_dates_and_never_a_draft(client, coded):
    earlier, later = coded["earlier"], coded["later"]
    _, rows = download(client, "links")
    assert rows == [
        {
            "statement_id": str(later.pk),
            "kind": "responds_to",
            "linked_id": str(earlier.pk),
            "statement_permalink": f"http://testserver/statements/{later.pk}/",
            "statement_date": "2016-12-05",
            "linked_permalink": f"http://testserver/statements/{earlier.pk}/",
            "linked_date": "2016-11-01",
        }
    ]


def test_the_statements_csv_sums_up_each_statements_codings_in_words(client, coded):
    """The `codings` column: "target: stance (speech act)", sorted by target, '; '-separated; empty when not coded."""
    StatementFactory(text="Not coded.")
    response = client.get(reverse("statements:export_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    summary = {row["text"]: row["codings"] for row in rows}
    assert summary == {
        "Later.": "'=Alliance: no stance; United States: critical (criticise or accuse)",
        "Earlier.": "United States: strongly supportive (praise)",
        "Not coded.": "",
    }


@pytest.mark.parametrize(
    ("table", "columns"),
    [("codings", CODING_COLUMNS), ("links", LINK_COLUMNS)],
)
def test_header_is_the_registry_and_every_column_is_documented(client, coded, table, columns):
    response = client.get(reverse(DOWNLOADS[table]))
    first = b"".join(response.streaming_content).decode().splitlines()[0]
    assert first == ",".join(f'"{column.name}"' for column in columns)
    docs = DOCS.read_text()
    section = docs[docs.index(f"### The {table} CSV") :]
    assert [column.name for column in columns if f"| `{column.name}` |" not in section] == []


@pytest.mark.parametrize(
    ("table", "query", "summary"),
    [
        ("codings", "", "all"),
        ("codings", "speaker=anna-fictiva&bom=1", "speaker-anna-fictiva"),
        ("links", "target=us&stance=-1", "target-us_stance-1"),
    ],
)
def test_a_download_is_streamed_with_a_filename_saying_what_was_filtered(client, coded, table, query, summary):
    response = client.get(f"{reverse(DOWNLOADS[table])}?{query}")
    assert response.streaming
    match = re.fullmatch(
        rf'attachment; filename="{table}_(.*)_(\d{{8}}-\d{{4}})\.csv"', response["Content-Disposition"]
    )
    assert match and match[1] == summary, response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") == ("bom=1" in query)


@pytest.mark.parametrize("table", DOWNLOADS)
@pytest.mark.parametrize("statement_count", [2, 20])
def test_one_query_whatever_the_number_of_rows(client, django_assert_num_queries, table, statement_count):
    """The query count does not grow with the rows: one query, every cell (names, permalinks) written in it."""
    previous = None
    for day in range(1, statement_count + 1):
        statement = StatementFactory(date=datetime.date(2016, 1, day))
        Coding.objects.create(statement=statement, target_country=country("US"), stance=1, act="praise")
        if previous is not None:
            StatementLink.objects.create(statement=statement, kind=LinkKind.REITERATES, linked=previous)
        previous = statement
    with django_assert_num_queries(TABLE_QUERIES):
        _, rows = download(client, table)
    assert len(rows) == (statement_count if table == "codings" else statement_count - 1)


@pytest.mark.parametrize("table", DOWNLOADS)
def test_past_the_bound_a_download_is_a_503_and_gives_its_place_back(client, settings, coded, table):
    settings.EXPORT_MAX_CONCURRENT = 1
    assert EXPORT_SLOTS.take()
    try:
        refused = client.get(reverse(DOWNLOADS[table]))
        assert refused.status_code == 503
        assert refused["Retry-After"] == "30"
    finally:
        EXPORT_SLOTS.give_back()
    response = client.get(reverse(DOWNLOADS[table]))
    assert EXPORT_SLOTS.in_use == 1
    b"".join(response.streaming_content)
    response.close()
    assert EXPORT_SLOTS.in_use == 0


def test_the_timeline_links_the_codings_and_links_csvs_with_its_filters(client, coded):
    body = client.get("/?speaker=anna-fictiva").content.decode()
    assert 'href="/export-codings.csv?speaker=anna-fictiva"' in body
    assert 'href="/export-links.csv?speaker=anna-fictiva"' in body
