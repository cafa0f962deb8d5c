"""The statements and sources changelists at scale: a bounded count, no query reading every row, indexed search."""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.admin import scale
from statements.models import Source, Statement, Status
from tests.admin_helpers import admin_url
from tests.factories import OfficialFactory, OutletFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db


def listed(client, query: dict) -> list[str]:
    response = client.get(admin_url(Statement, "changelist"), query)
    assert response.status_code == 200
    return [statement.text for statement in response.context["cl"].result_list]


def test_count_stops_at_the_cap_and_says_so(admin_client, monkeypatch):
    """Past the cap the list says "N+" instead of counting every row; below it the count is exact."""
    monkeypatch.setattr(scale, "COUNT_CAP", 3)
    StatementFactory.create_batch(5)
    response = admin_client.get(admin_url(Statement, "changelist"))
    assert response.context["cl"].result_count == 4  # counted up to the cap + 1, then stopped
    assert "3+ statements" in response.content.decode()
    monkeypatch.setattr(admin.site._registry[Statement], "list_per_page", 2)
    response = admin_client.get(admin_url(Statement, "changelist"))
    assert "Select all 3+ statements" in response.content.decode()
    response = admin_client.get(admin_url(Statement, "changelist"), {"status__exact": "draft"})
    assert "0 statements" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?topics__id__exact={topic}", "?countries__id__exact={country}", "?q=words"])
def test_no_changelist_query_reads_every_statement_for_filters(admin_client, query):
    """No SELECT DISTINCT (date hierarchy, m2m and related-only filters) and no unbounded COUNT of statements."""
    topic, russia = TopicFactory(), country("RU")
    StatementFactory.create_batch(3, topics=[topic], countries=[russia], text="some words")
    url = admin_url(Statement, "changelist") + query.format(topic=topic.pk, country=russia.pk)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
    sqls = [query["sql"].upper() for query in queries.captured_queries]
    assert not [sql for sql in sqls if "DISTINCT" in sql]
    counts = [sql for sql in sqls if "COUNT(" in sql]
    assert counts and any("LIMIT 10001" in sql for sql in counts)  # the changelist's own count
    # and every other count bounded too (on SQLite, the words' matches counted to choose the query's shape)
    assert all(re.search(r"LIMIT \d+", sql) for sql in counts)


def test_year_filter_lists_the_years_with_statements(admin_client):
    """The year filter offers every year from the earliest to the latest statement, drafts included."""
    StatementFactory(date=datetime.date(2014, 5, 1), status=Status.DRAFT, text="old draft")
    StatementFactory(date=datetime.date(2016, 12, 31), text="late 2016")
    StatementFactory(date=datetime.date(2017, 1, 1), status=Status.RETRACTED, retraction_reason="x", text="2017")
    assert scale.statement_date_bounds() == (datetime.date(2014, 5, 1), datetime.date(2017, 1, 1))
    response = admin_client.get(admin_url(Statement, "changelist"))
    year_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "year")
    assert [value for value, _ in year_filter.lookup_choices] == ["2017", "2016", "2015", "2014"]
    assert listed(admin_client, {"year": "2016"}) == ["late 2016"]


def test_year_bounds_of_an_empty_table():
    """No statements: no years, and the query does not fail."""
    assert scale.statement_date_bounds() == (None, None)


@pytest.mark.parametrize("year", ["twenty", "99999", "-5", "9999"])
def test_a_bad_year_is_the_changelist_error_page(admin_client, year):
    """A year that is not one sends the list to its "?e=1" error page, never a 500."""
    StatementFactory()
    response = admin_client.get(admin_url(Statement, "changelist"), {"year": year})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Peskov", ["by Peskov"]),
        ("dmitri", ["by Peskov"]),  # an alias
        ("sergey-lavrov", ["by Lavrov"]),  # a slug
        ("nobody", []),
    ],
)
def test_speaker_filter_is_typed_not_listed(admin_client, value, expected):
    """The speaker filter matches a name, an alias or a slug typed into its box."""
    StatementFactory(text="by Peskov", speaker=OfficialFactory(name="Dmitry Peskov", aliases="Dmitri Peskov"))
    StatementFactory(text="by Lavrov", speaker=OfficialFactory(name="Sergey Lavrov"))
    assert listed(admin_client, {"speaker": value}) == expected


def test_speaker_filter_box_keeps_the_other_filters(admin_client):
    """Typing a speaker keeps the status filter and search already chosen (as hidden fields)."""
    response = admin_client.get(admin_url(Statement, "changelist"), {"status__exact": "draft", "q": "x"})
    content = response.content.decode()
    assert '<input type="hidden" name="status__exact" value="draft">' in content
    assert '<input type="hidden" name="q" value="x">' in content


def test_search_uses_full_text_and_finds_drafts(admin_client):
    """Search reads the full-text index (stemmed words, speaker names), drafts included, not LIKE over columns."""
    StatementFactory(text="Sanctions are hurting everyone", status=Status.DRAFT)
    StatementFactory(text="Nothing to do with it", speaker=OfficialFactory(name="Maria Zakharova"))
    with CaptureQueriesContext(connection) as queries:
        assert listed(admin_client, {"q": "sanction"}) == ["Sanctions are hurting everyone"]
    assert not [query for query in queries.captured_queries if "LIKE" in query["sql"].upper()]
    assert listed(admin_client, {"q": "Zakharova"}) == ["Nothing to do with it"]


@pytest.mark.parametrize(
    "filter_name, expected", [("topics__id__exact", ["on Syria"]), ("countries__id__exact", ["in US"])]
)
def test_topic_and_country_filters(admin_client, filter_name, expected):
    """The topic and country filters keep Django's parameter names and list each statement once."""
    syria = TopicFactory(name="Syria")
    StatementFactory(text="on Syria", topics=[syria, TopicFactory()], countries=[country("RU"), country("FR")])
    StatementFactory(text="in US", countries=[country("US")])
    value = syria.pk if filter_name.startswith("topics") else country("US").pk
    assert listed(admin_client, {filter_name: value}) == expected
    response = admin_client.get(admin_url(Statement, "changelist"), {filter_name: "x"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_list_is_newest_recorded_first(admin_client):
    """The default order is by id, newest first (served by the primary key at any size); dates stay sortable."""
    StatementFactory(text="recorded first, said later", date=datetime.date(2020, 1, 1))
    StatementFactory(text="recorded second, said earlier", date=datetime.date(2010, 1, 1))
    assert listed(admin_client, {}) == ["recorded second, said earlier", "recorded first, said later"]
    assert listed(admin_client, {"o": "-1"}) == ["recorded first, said later", "recorded second, said earlier"]


def test_pages_are_read_ids_first_in_the_lists_order(admin_client, monkeypatch, django_assert_num_queries):
    """A multi-page list reads the page's ids, then those rows: same rows and order, one query more at any size."""
    monkeypatch.setattr(admin.site._registry[Statement], "list_per_page", 2)
    for day in range(1, 6):
        StatementFactory(text=f"day {day}", date=datetime.date(2020, 1, day))
    assert listed(admin_client, {}) == ["day 5", "day 4"]
    assert listed(admin_client, {"p": "2"}) == ["day 3", "day 2"]
    assert listed(admin_client, {"p": "2", "o": "1"}) == ["day 3", "day 4"]
    with django_assert_num_queries(9):  # the pinned 8, plus the page's ids
        admin_client.get(admin_url(Statement, "changelist"), {"p": "3"})


def test_a_search_is_run_for_the_pages_ids_not_again_for_its_rows(admin_client, monkeypatch):
    """The page's full rows are fetched by id: re-running a common word's search for them cost 200 ms at 1M."""
    monkeypatch.setattr(admin.site._registry[Statement], "list_per_page", 2)
    for day in range(1, 4):
        StatementFactory(text=f"glasnost {day}", date=datetime.date(2020, 1, day))
    StatementFactory(text="perestroika")
    with CaptureQueriesContext(connection) as queries:
        texts = listed(admin_client, {"q": "glasnost", "p": "2"})
    assert texts == ["glasnost 1"]
    text_column = f'"{Statement._meta.db_table}"."text"'
    rows_queries = [q["sql"] for q in queries.captured_queries if text_column in q["sql"].split(" FROM ")[0]]
    assert rows_queries, "the page's rows were fetched"
    assert not [sql for sql in rows_queries if "glasnost" in sql]


# --- Sources: a desk has hundreds of thousands (docs/admin.md) -------------------------------------------------------


def source_world():
    wire, herald = OutletFactory(name="Wire"), OutletFactory(name="Herald")
    for title, outlet, day in [
        ("Briefing on sanctions", wire, datetime.date(2016, 3, 1)),
        ("Talks on Syria", wire, datetime.date(2017, 5, 2)),
        ("Syria ceasefire holds", herald, datetime.date(2017, 8, 9)),
        ("Week in diplomacy", herald, datetime.date(2019, 1, 4)),
    ]:
        SourceFactory(title=title, outlet=outlet, published_on=day)
    return wire, herald


def listed_sources(client, query: str) -> list[str]:
    response = client.get(admin_url(Source, "changelist") + query)
    assert response.status_code == 200
    return [source.title for source in response.context["cl"].result_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Week in diplomacy", "Syria ceasefire holds", "Talks on Syria", "Briefing on sanctions"]),
        ("?q=syria", ["Syria ceasefire holds", "Talks on Syria"]),
        ("?q=herald", ["Week in diplomacy", "Syria ceasefire holds"]),  # the outlet's name
        ("?outlet__id__exact={wire}", ["Talks on Syria", "Briefing on sanctions"]),
        ("?year=2017", ["Syria ceasefire holds", "Talks on Syria"]),
        ("?year=2018", []),
        ("?year=2017&outlet__id__exact={herald}", ["Syria ceasefire holds"]),
    ],
)
def test_sources_list_newest_first_without_reading_every_source_for_its_filters(admin_client, query, expected):
    """Newest first; searched, by outlet and by year; no SELECT DISTINCT (the date hierarchy and a related-only
    outlet list read every source) and no unbounded COUNT."""
    wire, herald = source_world()
    with CaptureQueriesContext(connection) as queries:
        titles = listed_sources(admin_client, query.format(wire=wire.pk, herald=herald.pk))
    assert titles == expected
    sqls = [query["sql"].upper() for query in queries.captured_queries]
    assert not [sql for sql in sqls if "DISTINCT" in sql]
    assert all(re.search(r"LIMIT \d+", sql) for sql in sqls if "COUNT(" in sql)


def test_source_year_filter_offers_the_years_from_the_first_to_the_last_source(admin_client):
    """Every year from the oldest source to the newest, read from the ends of the date index; none when empty."""
    response = admin_client.get(admin_url(Source, "changelist"))
    year_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "year")
    assert year_filter.lookup_choices == []
    source_world()
    response = admin_client.get(admin_url(Source, "changelist"))
    year_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "year")
    assert [value for value, _ in year_filter.lookup_choices] == ["2019", "2018", "2017", "2016"]


@pytest.mark.parametrize("year", ["twenty", "99999"])
def test_a_bad_source_year_is_the_changelist_error_page(admin_client, year):
    source_world()
    response = admin_client.get(admin_url(Source, "changelist"), {"year": year})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_source_search_in_the_statement_form_is_one_query_for_its_page(admin_client, django_assert_max_num_queries):
    """The statement form's source box (autocomplete) names 20 sources by their outlets without a query each."""
    outlets = [OutletFactory(name=f"Outlet {n}") for n in range(20)]
    for n, outlet in enumerate(outlets):
        SourceFactory(title=f"Report on Syria {n}", outlet=outlet)
    url = "/admin/autocomplete/?app_label=statements&model_name=statement&field_name=source&term=syria"
    with django_assert_max_num_queries(5):  # session, user, capped count, page ids, the page's rows with outlets
        response = admin_client.get(url)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 20 and all("Outlet" in result["text"] for result in results)
