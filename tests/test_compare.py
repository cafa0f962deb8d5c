"""The compare page (issue 21, point 7): series in the query string, counts and mean stances per period against a
hand-counted world, dates known only to the month or year, drafts, links to the statements behind each point,
downloads, bad input and query counts."""

import csv
import datetime
import io
import json
from collections import Counter
from urllib.parse import quote

import pytest
from django.http import QueryDict

from statements.compare.series import Comparison, volume
from statements.filters import StatementFilter
from statements.models import Coding, DatePrecision, Statement, Status
from tests.factories import OfficialFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db

RU_US = "speaker_country=ru&target=us"
US_RU = "speaker_country=us&target=ru"


def url(*series: str, path: str = "/compare/", **extra: str) -> str:
    parts = [f"s{i}={quote(query, safe='')}" for i, query in enumerate(series, start=1)]
    parts += [f"{name}={value}" for name, value in extra.items()]
    return path + "?" + "&".join(parts)


def coded(speaker, date, stance, *, target="US", precision=DatePrecision.DAY, status=Status.PUBLISHED, act=""):
    reason = "Misattributed." if status == Status.RETRACTED else ""
    statement = StatementFactory(
        speaker=speaker, date=date, date_precision=precision, status=status, retraction_reason=reason
    )
    act = act or ("comment" if stance is not None else "decline")
    Coding.objects.create(statement=statement, target_country=country(target), stance=stance, act=act)
    return statement


@pytest.fixture
def world():
    """Russia toward the United States and back, counted by hand in ORACLE."""
    lavrov = OfficialFactory(name="Sergey Lavrov", country=country("RU"))
    kerry = OfficialFactory(name="John Kerry", country=country("US"))
    d = datetime.date
    # Russia → United States, November 2016: -1, -2, 0 on days and -1 known only to the month (stored on the 1st);
    # one coded with no stance (declined to comment): a statement, not a coded stance; a draft coded -2: nothing.
    for day, stance in [(3, -1), (20, -2), (25, 0)]:
        coded(lavrov, d(2016, 11, day), stance)
    coded(lavrov, d(2016, 11, 1), -1, precision=DatePrecision.MONTH)
    coded(lavrov, d(2016, 11, 9), None)
    coded(lavrov, d(2016, 11, 9), -2, status=Status.DRAFT)
    # December: one coded -2 (below the minimum: no mean). January 2017: nothing. 2017 known only to the year: +1.
    coded(lavrov, d(2016, 12, 30), -2)
    coded(lavrov, d(2017, 1, 1), 1, precision=DatePrecision.YEAR)
    # Russia, not coded toward the United States: counted by "all" and by the speaker's country alone.
    StatementFactory(speaker=lavrov, date=d(2017, 2, 14))
    # United States → Russia, February 2017: +1, +2, +1 (mean 1.33); a retracted one coded -2: nothing.
    for day, stance in [(1, 1), (2, 2), (3, 1)]:
        coded(kerry, d(2017, 2, day), stance, target="RU")
    coded(kerry, d(2017, 2, 4), -2, target="RU", status=Status.RETRACTED)
    return {"lavrov": lavrov, "kerry": kerry}


# Per period: (statements, coded with a stance, mean shown) for each series; None: the series names no target.
ORACLE = {
    "November 2016": [(5, 4, -1.0), (0, 0, None), (5, None, None)],
    "December 2016": [(1, 1, None), (0, 0, None), (1, None, None)],
    "January 2017": [(0, 0, None), (0, 0, None), (0, None, None)],
    "February 2017": [(0, 0, None), (3, 3, 1.33), (4, None, None)],
    "2017 (known only to the year)": [(1, 1, None), (0, 0, None), (1, None, None)],
}


def test_counts_and_means_per_month_match_the_hand_count(client, world):
    response = client.get(url(RU_US, US_RU, "all"))
    assert response.status_code == 200
    data = json.loads(client.get(url(RU_US, US_RU, "all", path="/compare.json")).content)
    assert data["step"] == "month"
    assert data["periods"] == ["2016-11", "2016-12", "2017-01", "2017-02"]
    found = {}
    for series in data["series"]:
        for point in series["points"]:
            found.setdefault(point["label"], []).append(
                (point["statements"], point["coded_with_stance"], point["mean_stance"])
            )
    assert found == ORACLE
    assert [s["statements"] for s in data["series"]] == [7, 3, 11]
    assert [s["filter"] for s in data["series"]] == [
        "Statements by officials of Russia toward United States",
        "Statements by officials of United States toward Russia",
        "all statements",
    ]


def test_the_table_reads_without_the_chart(client, world):
    html = client.get(url(RU_US, US_RU)).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert '<th scope="row">November 2016</th>' in table
    assert "−1.00 (4)" in table  # the mean and the coded statements behind it
    assert "– (1)" in table  # December: one coded statement, below the minimum, no mean
    assert "+1.33 (3)" in table
    assert '<th scope="row">2017 (known only to the year)</th>' in table


def test_every_point_links_to_the_same_statements_on_the_timeline(client, world):
    data = json.loads(client.get(url(RU_US, US_RU, "all", path="/compare.json")).content)
    checked = 0
    for series in data["series"]:
        for point in series["points"]:
            if not point["statements"] or "known only" in point["label"]:
                continue  # a year's link also lists that year's dated statements: the timeline has no precision
            link = point["statements_url"].removeprefix("http://testserver")
            assert client.get(link).context["page"].paginator.count == point["statements"], link
            checked += 1
    assert checked == 6


@pytest.mark.parametrize(
    "dates, step, expected",
    [
        pytest.param([(2016, 1, "day"), (2020, 12, "day")], "", "month", id="60 months: months"),
        pytest.param([(2016, 1, "day"), (2021, 1, "day")], "", "year", id="61 months: years"),
        pytest.param([(2016, 1, "day"), (2016, 3, "day")], "year", "year", id="years when asked"),
        pytest.param([(2010, 1, "day"), (2020, 1, "day")], "month", "month", id="months when asked"),
        pytest.param(
            [(2016, 5, "day"), (2016, 1, "year"), (2017, 1, "year")], "", "year", id="most known only to the year"
        ),
    ],
)
def test_months_by_default_and_years_for_long_spans(client, dates, step, expected):
    speaker = OfficialFactory()
    for year, month, precision in dates:
        StatementFactory(speaker=speaker, date=datetime.date(year, month, 1), date_precision=precision)
    extra = {"step": step} if step else {}
    data = json.loads(client.get(url("all", path="/compare.json", **extra)).content)
    assert data["step"] == expected
    points = data["series"][0]["points"]
    assert sum(point["statements"] for point in points) == len(dates)


def test_by_years_a_statement_known_only_to_the_month_or_year_is_in_its_year(client):
    speaker = OfficialFactory()
    StatementFactory(speaker=speaker, date=datetime.date(2016, 1, 1), date_precision=DatePrecision.YEAR)
    StatementFactory(speaker=speaker, date=datetime.date(2017, 3, 1), date_precision=DatePrecision.MONTH)
    data = json.loads(client.get(url("all", path="/compare.json", step="year")).content)
    assert [(p["period"], p["statements"]) for p in data["series"][0]["points"]] == [("2016", 1), ("2017", 1)]


def test_no_mean_below_three_coded_statements(client):
    speaker = OfficialFactory()
    for stance in (-2, -1):
        coded(speaker, datetime.date(2016, 11, 11), stance)
    data = json.loads(client.get(url("target=us", path="/compare.json")).content)
    assert data["series"][0]["points"][0] | {"statements_url": ""} == {
        "period": "2016-11",
        "label": "November 2016",
        "statements": 2,
        "coded_with_stance": 2,
        "mean_stance": None,
        "statements_url": "",
    }
    coded(speaker, datetime.date(2016, 11, 12), 0)
    data = json.loads(client.get(url("target=us", path="/compare.json")).content)
    assert data["series"][0]["points"][0]["mean_stance"] == -1.0


def test_a_series_with_a_stance_or_act_averages_only_the_codings_it_matches(client):
    speaker = OfficialFactory()
    statement = coded(speaker, datetime.date(2016, 11, 11), -2, act="threaten")
    Coding.objects.create(statement=statement, target_country=country("GB"), stance=2, act="praise")
    for stance in (-1, -1):
        coded(speaker, datetime.date(2016, 11, 12), stance, act="criticise")
    data = json.loads(client.get(url("target=us&target=gb", "target=us&act=criticise", path="/compare.json")).content)
    both, criticised = (series["points"][0] for series in data["series"])
    assert (both["statements"], both["coded_with_stance"], both["mean_stance"]) == (3, 4, -0.5)
    assert (criticised["statements"], criticised["coded_with_stance"], criticised["mean_stance"]) == (2, 2, None)


# --- The query string: canonical form, redirects, bad input ---------------------------------------------------------


@pytest.mark.parametrize(
    "query, canonical",
    [
        pytest.param("s1=target%3DUS", "s1=target%3Dus", id="a filter in its canonical form"),
        pytest.param("s3=target%3Dus", "s1=target%3Dus", id="renumbered from 1"),
        pytest.param("s1=&s2=all&s3=", "s1=all", id="empty boxes dropped"),
        pytest.param(
            "s1=" + quote("https://example.org/?target=us&sort=oldest&page=2&speaker_country=RU", safe=""),
            "s1=speaker_country%3Dru%26target%3Dus",
            id="a timeline address pasted whole",
        ),
        pytest.param("s1=all&utm_source=x", "s1=all", id="a parameter of no comparison dropped"),
        pytest.param("s2=all&s1=target%3Dus&step=year", None, id="already canonical: no redirect"),
    ],
)
def test_a_comparison_has_one_address(client, query, canonical):
    response = client.get("/compare/?" + query)
    if canonical is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == "/compare/?" + canonical
        assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "query, field, message",
    [
        pytest.param("s1=target%3Dzz", "s1", "There is no country with the ISO code, or official", id="unknown target"),
        pytest.param("s1=all&s2=stance%3D3", "s2", "Select a valid choice", id="stance outside the scale"),
        pytest.param(
            "s1=a%3D1&s2=all&s3=all&s4=all&s5=all", "__all__", "only 4 series, s1 to s4: not s5", id="a fifth series"
        ),
        pytest.param("s1=all&s2=all&s3=all&s4=all&s4=all", "__all__", "at most 4 series", id="five in four names"),
        pytest.param("s5=all", "__all__", "only 4 series, s1 to s4: not s5", id="a fifth series named"),
        pytest.param("s1=foo%3Dbar", "s1", "“foo” is not a filter", id="not a filter"),
        pytest.param("s1=nonsense", "s1", "“nonsense” is not a filter", id="not a query string"),
        pytest.param("s1=date_from%3D2017%26date_to%3D2016", "s1", "end date is before", id="dates reversed"),
        pytest.param("s1=all&step=week", "step", "not a step", id="unknown step"),
    ],
)
def test_bad_input_is_a_400_with_the_message_by_the_field(client, query, field, message):
    response = client.get("/compare/?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if field in ("s1", "s2"):
        error = html[html.index(f'id="err_{field}"') :]
        assert message in error[: error.index("</p>")]
    for path in ("/compare.csv", "/compare.json"):
        download = client.get(path + "?" + query)
        assert download.status_code == 400
        assert message in download.content.decode("unicode_escape" if path.endswith("json") else "utf-8")


def test_a_download_without_a_series_is_a_400(client):
    assert client.get("/compare.csv").status_code == 400
    assert client.get("/compare.json?x=1").status_code == 400


def test_the_page_without_series_shows_the_form(client):
    response = client.get("/compare/")
    assert response.status_code == 200
    assert 'name="s4"' in response.content.decode()


def test_the_parsed_comparison_round_trips():
    comparison = Comparison.parse(__import__("django.http").http.QueryDict("s1=target%3Dus&s2=all&step=year"))
    assert comparison.is_valid and comparison.clean
    assert comparison.canonical_query() == "s1=target%3Dus&s2=all&step=year"


# --- Downloads and query counts -------------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_series_and_period(client, world):
    response = client.get(url(RU_US, "all", path="/compare.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2 * 4 + 2  # four months each, and 2017 known only to the year each
    first = rows[0]
    assert first == {
        "series": "1",
        "filter": "Statements by officials of Russia toward United States",
        "period": "2016-11",
        "period_label": "November 2016",
        "statements": "5",
        "coded_with_stance": "4",
        "mean_stance": "-1.00",  # a number, not quoted against formulas
        "statements_url": "http://testserver/?speaker_country=ru&target=us&date_from=2016-11&date_to=2016-11",
    }
    assert rows[5]["coded_with_stance"] == "" and rows[5]["filter"] == "all statements"


def test_a_series_own_dates_bound_its_links(client):
    StatementFactory(date=datetime.date(2016, 11, 20))
    data = json.loads(client.get(url("date_from=2016-11-15", path="/compare.json")).content)
    point = data["series"][0]["points"][0]
    assert point["statements_url"].endswith("?date_from=2016-11-15&date_to=2016-11")


def test_four_series_cost_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    series = [RU_US, US_RU, "speaker=sergey-lavrov&target=us", "all"]
    # The targets', officials' and countries' look-ups, then per series one query of the rollup (two on PostgreSQL:
    # its pending changes too); a series it cannot sum: its count, and its codings' when it names a target.
    with django_assert_max_num_queries(13):
        assert client.get(url(*series)).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(url(*series, path="/compare.json")).status_code == 200


@pytest.mark.parametrize(
    "timeline, link",
    [
        pytest.param("/", "/compare/?s1=all", id="every statement"),
        pytest.param(
            "/?target=us&speaker_country=ru", "/compare/?s1=target%3Dus%26speaker_country%3Dru", id="a filter"
        ),
    ],
)
def test_the_timeline_links_to_the_comparison_of_its_filter(client, timeline, link):
    coded(OfficialFactory(), datetime.date(2016, 11, 11), -1)
    assert f'href="{link}"' in client.get(timeline).content.decode()


@pytest.mark.parametrize(
    "queryset",
    [
        pytest.param(
            lambda topics: StatementFilter(QueryDict("topic=syria"), queryset=Statement.objects.published()).qs,
            id="the filter: no join",
        ),
        pytest.param(
            lambda topics: Statement.objects.published().filter(topics__in=topics), id="a join: two rows a statement"
        ),
        pytest.param(lambda topics: Statement.objects.published().filter(topics__in=topics).distinct(), id="distinct"),
    ],
)
def test_volume_counts_each_statement_once_in_its_year_and_month(queryset):
    """Grouped as the filter's own query where it joins nothing, and through its ids where it does; the year and
    month read from the date's text on SQLite must be those Django's extract gives (January as 1, December as 12)."""
    syria, iran = TopicFactory(name="Syria", slug="syria"), TopicFactory(name="Iran", slug="iran")
    dates = [
        (datetime.date(2016, 1, 5), DatePrecision.DAY),
        (datetime.date(2016, 1, 1), DatePrecision.MONTH),
        (datetime.date(2016, 12, 31), DatePrecision.DAY),
        (datetime.date(2009, 1, 1), DatePrecision.YEAR),
    ]
    for date, precision in dates:
        StatementFactory(date=date, date_precision=precision, topics=[syria, iran])
    StatementFactory(date=datetime.date(2016, 1, 5), topics=[syria], status=Status.DRAFT)

    counted = volume(queryset([syria, iran]))

    assert counted == Counter({(2016, 1, "day"): 1, (2016, 1, "month"): 1, (2016, 12, "day"): 1, (2009, 1, "year"): 1})
