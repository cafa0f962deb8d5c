"""The timeline page at /: what it lists and how, bad input, facets, chips, the chart, and its query count."""

import csv
import datetime
import io
import re
from collections import Counter

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from statements.filters import StatementFilter
from statements.models import DatePrecision, Kind, Statement, Status
from statements.timeline.chart import chart_from_counts, label_width
from statements.timeline.page import PAGE_SIZE
from tests.factories import OfficialFactory, StatementFactory, TopicFactory, country
from tests.once_per_class import once_per_class
from tests.timeline_data import (
    DRAFT_TEXT,
    NOTE_TEXT,
    RETRACTED_TEXT,
    build_world,
    draft_only_entities,
    link_counting_queries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def labels(response, world) -> str:
    return " ".join(world["labels"][s.pk] for s in response.context["page"].object_list)


class TestFilteredLists:
    """Filtered lists, every case on one world built for the class (tests/conftest.py)."""

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", "G E B A C D F"),
            ("?sort=oldest", "F D C A B E G"),
            ("?topic=middle-east&speaker_country=RU", "B C"),
            ("?date_from=2016-11&date_to=2016-11", "B A C"),
            ("?q=syria&outlet=reuters&kind=paraphrase", "E"),
        ],
    )
    def test_timeline_lists_the_filtered_statements(self, client, class_world, query, expected):
        """The page shows exactly what StatementFilter selects, in its order."""
        response = client.get("/" + query)
        assert response.status_code == 200
        assert labels(response, class_world) == expected


BAD_INPUT = [
    ("q=" + "x" * 201, "at most 200 characters"),
    ("speaker=nobody", "There is no official with the slug “nobody”"),
    ("speaker_country=XX", "There is no country with the ISO code “XX”"),
    ("country=" + "z" * 300, "There is no country with the ISO code"),
    ("topic=nope", "There is no topic with the slug “nope”"),
    ("date_from=%D9%A2%D9%A0%D9%A1%D9%A6", "Enter a date as YYYY"),
    ("topic=%3Cscript%3E", "There is no topic with the slug “&lt;script&gt;”"),
    ("date_from=2016-13-01", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_to=2016-02-30", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date_from=" + "2" * 5000, "at most 10 characters"),
    ("date_from=2017&date_to=2016-12-31", "The end date is before the start date."),
    ("kind=rumour", "Select a valid choice. rumour is not one of the available choices."),
    ("outlet=cnn", "There is no outlet with the slug “cnn”"),
    ("language=zz", "“zz” is not an ISO 639 language code"),
    ("sort=random", "Select a valid choice. random is not one of the available choices."),
]


class TestBadInput:
    """The table of bad input, every case on one world built for the class."""

    @pytest.mark.parametrize(("query", "message"), BAD_INPUT)
    def test_bad_filter_is_a_400_with_the_message_next_to_the_field(self, client, class_world, query, message):
        """Invalid input re-renders the form with the field's error and status 400, and lists no statements."""
        response = client.get("/?" + query)
        assert response.status_code == 400
        html = response.content.decode()
        field = query.split("&")[-1].split("=")[0]
        error = re.search(rf'<p class="field__error" id="err_{field}">(.*?)</p>', html, re.S)
        assert error and message in error.group(1)
        assert 'class="statement ' not in html
        assert "No statements are shown because a filter is not valid" in html


class TestPagesPastTheEnd:
    """Pages that do not exist, every case on one world built for the class."""

    @pytest.mark.parametrize("page", ["2", "999999999999999999999", "0", "-1", "abc", "1.5"])
    def test_page_past_the_end_is_a_404_with_a_link_to_page_one(self, client, class_world, page):
        """A page that does not exist is a 404 that keeps the filters and links to page 1."""
        response = client.get(f"/?topic=syria&page={page}")
        assert response.status_code == 404
        assert 'href="/?topic=syria"' in response.content.decode()
        assert "Go to page 1" in response.content.decode()


def test_pagination_keeps_the_filters(client, world):
    """With more than a page of results, the next-page link keeps every filter and the second page has the rest."""
    speaker = world["officials"]["lavrov"]
    for i in range(PAGE_SIZE + 3):
        StatementFactory(speaker=speaker, date=datetime.date(2014, 1, 1) + datetime.timedelta(days=i))
    response = client.get("/?speaker=sergey-lavrov&sort=oldest")
    html = response.content.decode()
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert 'href="?speaker=sergey-lavrov&amp;sort=oldest&amp;page=2"' in html
    second = client.get("/?speaker=sergey-lavrov&sort=oldest&page=2")
    assert len(second.context["page"].object_list) == PAGE_SIZE + 3 + 2 - PAGE_SIZE
    assert 'href="?speaker=sergey-lavrov&amp;sort=oldest&amp;page=1"' in second.content.decode()


def test_items_are_grouped_under_year_month_and_day_headings(client, world):
    """Day-precision statements sit under their day, month-precision under the month, year-precision under the year."""
    html = client.get("/").content.decode()
    headings = re.findall(r'<h([234]) class="(?:year|month|day)__heading[^"]*"[^>]*>([^<]+)</h', html)
    assert headings == [
        ("2", "2017"),
        ("3", "January 2017"),
        ("4", "Sunday 1 January 2017"),
        ("2", "2016"),
        ("3", "December 2016"),
        ("4", "Thursday 1 December 2016"),
        ("3", "November 2016"),
        ("4", "Friday 11 November 2016"),
        ("4", "November 2016, day not known"),
        ("3", "2016, month not known"),
        ("2", "2015"),
        ("3", "June 2015"),
        ("4", "Tuesday 30 June 2015"),
    ]


def test_item_shows_speaker_role_country_topics_outlet_and_permalink(client, world):
    """An item names the speaker with the role held that day and country, and links topics, source and permalink."""
    a = world["statements"]["A"]
    html = client.get("/?speaker=dmitry-peskov&kind=direct").content.decode()
    assert '<a href="/officials/dmitry-peskov/">Dmitry Peskov</a>' in html
    assert "Press Secretary of the President of Russia" in html
    assert "(Russia)" in html
    assert '<a href="/topics/sanctions/">Sanctions</a>' in html
    assert f'<a href="{a.source.url}" rel="noopener">TASS</a>' in html
    assert f'href="/statements/{a.pk}/"' in html


@pytest.mark.parametrize("page", ["/?speaker={slug}", "/officials/{slug}/", "/topics/{topic}/"])
def test_item_lists_its_topics_as_linked_now_in_name_order(client, page):
    """Each item names its topics from the statement's copy of its links: a link removed or a topic renamed shows
    at once, and a statement without topics has no topic list."""
    speaker = OfficialFactory()
    zeta, alpha, dropped = (TopicFactory(name=name) for name in ("Zeta talks", "Alpha accord", "Dropped topic"))
    linked = StatementFactory(speaker=speaker, topics=[zeta, dropped, alpha], text="Linked statement.")
    StatementFactory(speaker=speaker, topics=[], date=datetime.date(2015, 1, 1), text="Statement without topics.")
    linked.topics.remove(dropped)
    alpha.name = "Alpha accords"
    alpha.save()
    html = client.get(page.format(slug=speaker.slug, topic=zeta.slug)).content.decode()
    items = {re.search(r"“(.*?)”", item).group(1): item for item in re.findall(r"<article.*?</article>", html, re.S)}
    topics = re.findall(r'<li><a href="/topics/([^/]+)/">([^<]+)</a></li>', items["Linked statement."])
    assert topics == [(alpha.slug, "Alpha accords"), (zeta.slug, "Zeta talks")]
    if "topics" not in page:  # a topic's page lists only the statements on it
        assert 'aria-label="Topics"' not in items["Statement without topics."]


def test_filter_form_lists_what_is_true_now(client):
    """The filter form's lists are kept between requests (timeline.form.option_tags) but never out of date: a renamed
    topic, a new topic's first statement, an official's first published statement and new counts show on the next
    request."""

    def options(html, name):
        select = re.search(rf'<select id="id_{name}" name="{name}".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="([^"]+)">([^<]+)</option>', select)

    topic = TopicFactory(name="Arms control")
    StatementFactory(topics=[topic])
    newcomer = OfficialFactory(name="Nina Newcomer")
    first = client.get("/").content.decode()
    assert (topic.slug, "Arms control (1)") in options(first, "topic")
    assert newcomer.slug not in dict(options(first, "speaker"))

    topic.name = "Arms control talks"
    topic.save()
    added = TopicFactory(name="Water rights")
    StatementFactory(speaker=newcomer, topics=[added, topic])
    second = client.get("/").content.decode()
    assert (topic.slug, "Arms control talks (2)") in options(second, "topic")
    assert (topic.slug, "Arms control (1)") not in options(second, "topic")
    assert (added.slug, "Water rights (1)") in options(second, "topic")
    assert (newcomer.slug, "Nina Newcomer (1)") in options(second, "speaker")


def test_role_is_the_one_held_on_the_statement_date(client, world):
    """John Example was Spokesperson until mid-2016 and Ambassador after: each statement shows its own."""
    html = client.get("/?speaker=john-example").content.decode()
    items = re.findall(r'<article class="statement.*?</article>', html, re.S)
    assert len(items) == 2
    assert "Ambassador" in items[0] and "Sanctions remain in place." in items[0]
    assert "Spokesperson" in items[1] and "We will hold them accountable." in items[1]


def test_direct_quote_and_paraphrase_look_different(client, world):
    """A direct quote is a blockquote in quotation marks; a paraphrase is labelled and italic."""
    html = client.get("/?speaker=dmitry-peskov").content.decode()
    assert '<blockquote class="statement__quote"><p>“No one expects that relationship will improve' in html
    assert (
        '<span class="kind-label">Paraphrase</span> <i>Russia will continue working with the United States on Syria.'
        in html
    )


def test_statement_text_is_escaped(client, world):
    """Text from statements is escaped, never run."""
    StatementFactory(text='<script>alert("x")</script>', speaker=world["officials"]["anna"])
    html = client.get("/?speaker=anna-sample").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_active_filters_are_removable_chips(client, world):
    """Each active value is a chip whose link removes only that value."""
    html = client.get("/?topic=syria&topic=sanctions&speaker_country=ru&date_from=2016").content.decode()
    assert (
        'href="?topic=sanctions&amp;speaker_country=ru&amp;date_from=2016" aria-label="Remove filter Topic: Syria"'
        in html
    )
    assert (
        'href="?topic=syria&amp;speaker_country=ru&amp;date_from=2016" aria-label="Remove filter Topic: Sanctions"'
        in html
    )
    without_russia = 'href="?topic=syria&amp;topic=sanctions&amp;date_from=2016"'
    assert without_russia + ' aria-label="Remove filter Speaker&#x27;s country: Russia"' in html
    assert 'aria-label="Remove filter Date from: 2016"' in html


def test_officials_and_outlets_known_only_from_drafts_are_unknown_to_the_timeline(client, world):
    """Naming one in the filter is the 400 a slug nobody made gets, word for word, so probing slugs tells nothing;
    no chip, option or facet names them."""
    for parameter, slug, name in draft_only_entities(world):
        unknown = client.get(f"/?{parameter}=nobody-by-that-slug")
        response = client.get(f"/?{parameter}={slug}")
        assert response.status_code == unknown.status_code == 400
        html = response.content.decode()
        assert name not in html
        assert html.replace(slug, "nobody-by-that-slug") == unknown.content.decode()
        plain = client.get("/").content.decode()
        assert name not in plain and f'value="{slug}"' not in plain
    options = client.get("/").context["fields"]
    outlets = next(field for field in options if field["name"] == "outlet")["option_tags"]
    assert '<option value="tass">TASS (4)</option>' in outlets and "draft-only-outlet" not in outlets


def test_empty_result_has_a_clear_message(client, world):
    """No match says so and offers a way back."""
    html = client.get("/?q=nothing+matches+this").content.decode()
    assert "No statements match" in html
    assert "<strong>0</strong> statements" in html


def test_empty_result_says_which_filter_to_drop_and_what_it_would_give(client, world):
    """Each active value that, removed alone, would give statements is offered with how many, largest first."""
    html = client.get("/?speaker=dmitry-peskov&topic=syria&date_from=2030").content.decode()
    assert "No statements match" in html
    suggestions = re.findall(r'<li><a href="([^"]*)">without ([^<]*)</a> — ([0-9,+]+) statements?</li>', html)
    wider = StatementFilter(QueryDict("speaker=dmitry-peskov&topic=syria"), queryset=Statement.objects.published())
    peskov_on_syria = wider.qs.count()
    assert suggestions == [("?speaker=dmitry-peskov&amp;topic=syria", "Date from: 2030", str(peskov_on_syria))]


def test_facets_count_the_current_filter_and_add_to_it(client, world):
    """Facet counts are for the filtered set (published only), and each link adds its value to the filter."""
    response = client.get("/?speaker_country=ru")
    facets = response.context["facets"]
    assert [(e.label, e.count) for e in facets["topic"]] == [("Middle East", 1), ("Sanctions", 1), ("Syria", 1)]
    assert [(e.label, e.count) for e in facets["speaker"]] == [("Dmitry Peskov", 2), ("Sergey Lavrov", 2)]
    assert [(e.label, e.count) for e in facets["speaker_country"]] == [("Russia", 4)]
    assert [(e.label, e.count) for e in facets["date_from"]] == [("2017", 1), ("2016", 3)]
    syria = next(e for e in facets["topic"] if e.label == "Syria")
    assert syria.url == "?speaker_country=ru&topic=syria"
    assert facets["speaker_country"][0].active


def test_facets_leave_out_drafts_and_retractions(client, world):
    """Sanctions has a draft and a retracted statement too; the facet counts only the published ones."""
    facets = client.get("/").context["facets"]
    assert ("Sanctions", 3) in [(e.label, e.count) for e in facets["topic"]]
    assert "Arctic" not in [e.label for e in facets["topic"]]
    assert "Draft Only Person" not in [e.label for e in facets["speaker"]]
    assert [(e.label, e.count) for e in facets["date_from"]] == [("2017", 1), ("2016", 5), ("2015", 1)]


def test_facets_show_at_most_ten_entries(client, world):
    """Only the ten largest entries of a facet are listed."""
    for _ in range(12):
        StatementFactory(topics=[TopicFactory()], speaker=world["officials"]["anna"])
    facets = client.get("/").context["facets"]
    assert len(facets["topic"]) == 10
    assert facets["topic"][0].label == "Sanctions"


def test_volume_chart_is_an_accessible_svg_with_a_link_per_month(client, world):
    """The chart is an SVG image with a title and description, and a table with one link per month."""
    html = client.get("/?date_from=2016-06&date_to=2017-06").content.decode()
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">Statements per month</title>' in html
    assert "5 matching statements from June 2016 to June 2017" in html
    assert '<a href="?date_from=2016-11&amp;date_to=2016-11">November 2016</a></th><td>3</td>' in html
    assert '<a href="?date_from=2016-12&amp;date_to=2016-12">December 2016</a></th><td>1</td>' in html
    assert '<a href="?date_from=2017-01&amp;date_to=2017-01">January 2017</a></th><td>1</td>' in html
    assert ">Month, 2016–2017</text>" in html
    chart = client.get("/?date_from=2016-06&date_to=2017-06").context["chart"]
    assert [b.label for b in chart.bars][:2] == ["June 2016", "July 2016"] and chart.last.label == "June 2017"
    assert [(b.label, b.count) for b in chart.bars if b.count] == [
        ("November 2016", 3),
        ("December 2016", 1),
        ("January 2017", 1),
    ]


def test_volume_chart_counts_only_published(client, world):
    """Drafts and retractions (both in November 2016) are not in the chart."""
    chart = client.get("/").context["chart"]
    assert dict((b.label, b.count) for b in chart.bars)["November 2016"] == 3
    assert chart.total + sum(part.count for part in chart.not_drawn) == 7


def test_volume_chart_uses_years_for_long_spans(client, world):
    """More than five years of months become one bar per year."""
    StatementFactory(date=datetime.date(1990, 5, 5), speaker=world["officials"]["anna"])
    chart = client.get("/").context["chart"]
    assert chart.unit == "year"
    assert chart.bars[0].label == "1990" and chart.bars[-1].label == "2017"
    assert chart.bars[0].date_from == "1990" and chart.bars[0].date_to == "1990"
    assert chart.total == 8 and chart.not_drawn == []  # every date is known at least to its year


def test_a_one_month_filter_charts_days_and_says_what_it_cannot_place(client, world, django_assert_num_queries):
    """One month is drawn day by day; a statement known only to the month is not put on the 1st but counted apart,
    and the chart costs no query more."""
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = client.get("/?date_from=2016-11&date_to=2016-11")
    chart, html = response.context["chart"], response.content.decode()
    assert (chart.unit, len(chart.bars), chart.first.label, chart.last.label) == (
        "day",
        30,
        "1 November 2016",
        "30 November 2016",
    )
    assert [(b.label, b.count) for b in chart.bars if b.count] == [("11 November 2016", 2)]  # A and B; not C
    assert chart.bars[0].count == 0
    assert [(part.count, part.to) for part in chart.not_drawn] == [(1, "the month")]
    assert "Not drawn: 1 statement known only to the month, which no day can stand for; it is listed below." in html
    assert '<a href="?date_from=2016-11-11&amp;date_to=2016-11-11">11 November 2016</a></th><td>2</td>' in html
    assert ">Day, 2016</text>" in html and '<title id="chart-title">Statements per day</title>' in html


D = datetime.date.fromisoformat


def test_first_matches_give_the_precision_of_a_first_of_the_month(world):
    """A date on the 1st may stand for its month or year, so its precision follows it; other dates are days."""
    dates = Statement.objects.published().first_matches(100).dates
    assert sorted(dates) == [
        "2015-06-30",
        "2016-01-01 year",  # D
        "2016-11-01 month",  # C
        "2016-11-11",
        "2016-11-11",
        "2016-12-01 day",  # E
        "2017-01-01 day",  # G
    ]


@pytest.mark.parametrize(
    ("first", "last", "unit", "bars"),
    [
        ("2016-11-01", "2016-11-30", "day", 30),
        ("2016-11-11", "2016-11-11", "day", 1),
        ("2016-10-01", "2016-12-01", "day", 62),  # 62 days: the most a chart of days has
        ("2016-10-01", "2016-12-02", "week", 10),
        ("2016-06-01", "2016-11-30", "week", 27),  # 183 days: the most a chart of weeks covers
        ("2016-06-01", "2016-12-01", "month", 7),
        ("2014-01-01", "2018-12-31", "month", 60),  # five years: the most a chart of months covers
        ("2014-01-01", "2019-01-01", "year", 6),
    ],
)
def test_the_chart_step_follows_the_span(first, last, unit, bars):
    """Days up to about two months, weeks up to about six, months up to five years, years beyond."""
    chart = chart_from_counts({(D(first), "day"): 1, (D(last), "day"): 1})
    assert (chart.unit, len(chart.bars)) == (unit, bars)


@pytest.mark.parametrize(
    ("first", "last", "labels", "links", "axis"),
    [
        (
            "2016-11-03",
            "2016-11-30",
            ("3 November 2016", "30 November 2016"),
            ("2016-11-03", "2016-11-30"),
            "Day, 2016",
        ),
        # Weeks are named by their Monday; one cut by the filter's bounds links to the days inside them.
        (
            "2016-09-01",
            "2016-11-30",
            ("week of 29 Aug 2016", "week of 28 Nov 2016"),
            ("2016-09-01", "2016-11-30"),
            "Week (from Monday), 2016",
        ),
        ("2016-11-01", "2017-06-30", ("November 2016", "June 2017"), ("2016-11", "2017-06"), "Month, 2016–2017"),
        ("1990-05-01", "2017-01-01", ("1990", "2017"), ("1990", "2017"), "Year"),
    ],
)
def test_each_step_names_its_bars_as_people_write_them(first, last, labels, links, axis):
    """Bars read "3 November 2016", "week of 7 Nov 2016", "November 2016" or "2016", and link to just that period;
    the axis title says the step and the year."""
    chart = chart_from_counts({(D(first), "day"): 1, (D(last), "day"): 1}, first=D(first), last=D(last))
    assert (chart.first.label, chart.last.label) == labels
    assert (chart.first.date_from, chart.last.date_to) == links
    assert chart.axis_title == axis


@pytest.mark.parametrize(
    ("counts", "span", "unit", "drawn", "not_drawn"),
    [
        # A day chart cannot place a statement known only to the month: it is counted apart, not put on the 1st.
        ({("2016-11-11", "day"): 2, ("2016-11-01", "month"): 1}, ("2016-11-01", "2016-11-30"), "day", 2, [1, 0]),
        ({("2016-11-11", "day"): 2, ("2016-11-01", "month"): 1}, ("2016-09-01", "2016-11-30"), "week", 2, [1, 0]),
        # When such statements are the majority, the chart counts months instead, where all of them have a bar.
        ({("2016-11-11", "day"): 1, ("2016-11-01", "month"): 2}, ("2016-11-01", "2016-11-30"), "month", 3, [0, 0]),
        # A month chart cannot place one known only to the year.
        (
            {("2016-11-11", "day"): 2, ("2016-11-01", "month"): 1, ("2016-01-01", "year"): 1},
            ("2016-01-01", "2016-12-31"),
            "month",
            3,
            [0, 1],
        ),
        ({("2016-11-11", "day"): 1, ("2016-01-01", "year"): 3}, ("2016-01-01", "2016-12-31"), "year", 4, [0, 0]),
        # A year chart places every statement.
        ({("2010-03-01", "month"): 1, ("2016-01-01", "year"): 1}, (None, None), "year", 2, [0, 0]),
    ],
)
def test_statements_known_only_to_the_month_or_year_are_not_drawn_as_days(counts, span, unit, drawn, not_drawn):
    """A chart draws each statement only in a period its date is precise enough for, and counts the others."""
    counts = {(D(day), precision): n for (day, precision), n in counts.items()}
    chart = chart_from_counts(counts, first=span[0] and D(span[0]), last=span[1] and D(span[1]))
    assert (chart.unit, chart.total, sum(bar.count for bar in chart.bars)) == (unit, drawn, drawn)
    assert {part.to: part.count for part in chart.not_drawn} == {
        to: n for to, n in zip(["the month", "the year"], not_drawn, strict=True) if n
    }


SPANS = [
    ("2016-11-01", "2016-11-30"),
    ("2016-11-03", "2016-11-05"),
    ("2016-10-01", "2016-12-01"),
    ("2016-12-20", "2017-01-10"),
    ("2016-10-01", "2016-12-02"),
    ("2016-06-01", "2016-11-30"),
    ("2016-11-01", "2017-02-28"),
    ("2016-01-01", "2016-12-31"),
    ("2016-11-01", "2017-06-30"),
    ("2014-03-01", "2018-12-31"),
    ("2016-02-01", "2020-12-31"),
    ("2014-03-01", "2019-04-01"),
    ("1990-05-01", "2017-01-01"),
    ("1900-01-01", "2026-12-31"),
]


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_volume_chart_axis_labels_do_not_overlap(first, last):
    """At the phone's label size, no axis label overlaps another or runs past the chart's right edge."""
    chart = chart_from_counts({(D(first), "day"): 1, (D(last), "day"): 2})
    labelled = [bar for bar in chart.bars if bar.tick]
    assert len(labelled) >= min(2, len(chart.bars))
    assert all(bar.tick_x + label_width(bar.tick) <= chart.width for bar in labelled)
    assert all(b.tick_x - a.tick_x >= label_width(a.tick) for a, b in zip(labelled, labelled[1:], strict=False))


@pytest.mark.parametrize(
    ("first", "last", "precision", "ticks"),
    [
        ("2016-11-01", "2016-11-30", "day", ["1 Nov", "7 Nov", "14 Nov", "21 Nov", "28 Nov"]),  # first day, Mondays
        ("2016-09-01", "2016-11-30", "day", ["29 Aug", "26 Sep", "24 Oct", "21 Nov"]),  # weeks by their Monday
        (
            "2016-01-01",
            "2016-12-31",
            "day",
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        ),
        (
            "2016-11-01",
            "2017-06-30",
            "day",
            ["Nov", "Dec", "2017", "Feb", "Mar", "Apr", "May", "Jun"],
        ),  # January: its year
        # Statements known only to the month are drawn in months: a few are named with their year.
        ("2016-11-01", "2016-11-01", "month", ["Nov 2016"]),
        ("2016-11-01", "2017-02-01", "month", ["Nov 2016", "Dec 2016", "Jan 2017", "Feb 2017"]),
        ("1990-05-01", "2017-01-01", "day", ["1990", "1995", "2000", "2005", "2010", "2015"]),
    ],
)
def test_axis_labels_say_the_period_as_people_do(first, last, precision, ticks):
    """Days as "7 Nov" on Mondays, weeks by their Monday, months by name (a few with their year), years every five."""
    chart = chart_from_counts({(D(first), precision): 1, (D(last), precision): 2})
    assert [bar.tick for bar in chart.bars if bar.tick] == ticks


def test_timeline_never_shows_drafts_retractions_or_notes(client, world):
    """Drafts, retracted statements and analyst notes are absent from the timeline and its count."""
    html = client.get("/?speaker=dmitry-peskov").content.decode()
    assert DRAFT_TEXT not in html
    assert RETRACTED_TEXT not in html
    assert NOTE_TEXT not in html
    assert "<strong>2</strong> statements" in html


def test_timeline_only_accepts_get(client, world):
    """The timeline is read-only."""
    assert client.post("/").status_code == 405


def add_statements(n: int):
    """More statements on several topics and countries, to show the query count does not grow with rows."""
    topics = [TopicFactory(), TopicFactory()]
    speakers = [OfficialFactory(country=country("DE")), OfficialFactory(country=country("CN"))]
    for i in range(n):
        StatementFactory(
            speaker=speakers[i % 2],
            date=datetime.date(2010, 1, 1) + datetime.timedelta(days=40 * i),
            date_precision=[DatePrecision.DAY, DatePrecision.MONTH][i % 2],
            kind=[Kind.DIRECT, Kind.PARAPHRASE][i % 2],
            topics=topics,
            countries=[country("DE"), country("CN")],
            mentioned_officials=speakers,
        )
    StatementFactory(status=Status.DRAFT, text=DRAFT_TEXT)


# Form choices 5: the published statements' counts per value (speakers, topics, countries, outlets, languages),
# topics, officials, countries, outlets; the matches (count, page, facets, chart) 1; the page's rows 1. The
# facets and the rows' topics are named from the form's topics and officials, and every count is made from the
# matches. (The languages are named from the counts, which replaced their own query.)
TIMELINE_QUERIES = 7
# The filter adds one query per parameter that names things (to check they exist), plus the topic tree once; the
# topic and country filters also count their links to choose the query's shape (table size + one each).
FILTERED_TIMELINE_QUERIES = TIMELINE_QUERIES + 3 + 1 + link_counting_queries(2)


@pytest.mark.parametrize("extra", [0, 60])
def test_timeline_query_count_is_fixed(client, django_assert_num_queries, world, extra):
    """The timeline with facets and chart issues the same number of queries for 7 or 67 statements."""
    add_statements(extra)
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = client.get("/")
    assert response.context["page"].paginator.count == 7 + extra
    assert len(response.context["page"].object_list) == min(7 + extra, PAGE_SIZE)


@pytest.mark.parametrize("extra", [0, 60])
def test_filtered_timeline_query_count_is_fixed(client, django_assert_num_queries, world, extra):
    """With speaker, topic and country filters the count is still fixed, and uses no DISTINCT."""
    add_statements(extra)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?topic=middle-east&topic=sanctions&country=sy&speaker_country=ru&date_to=2030")
    assert response.status_code == 200
    assert len(queries) == FILTERED_TIMELINE_QUERIES
    statement_queries = [q["sql"] for q in queries.captured_queries if 'FROM "statements_statement"' in q["sql"]]
    assert statement_queries
    assert not any("DISTINCT" in sql for sql in statement_queries)


NASTY_VALUES = ["%00", "x" * 5000, "%F0%9F%98%80", "%27%3B+drop+table+statements_statement%3B--", "-1", "%FF%FE"]
PARAMETERS = [*StatementFilter.base_filters, "page"]


# One published statement for a class of tests that only read it.
one_statement = once_per_class(StatementFactory)


class TestNastyValues:
    """Every parameter with every nasty value, each case against one statement made for the class."""

    @pytest.mark.parametrize("value", NASTY_VALUES)
    @pytest.mark.parametrize("parameter", PARAMETERS)
    def test_no_parameter_value_causes_a_server_error(self, client, one_statement, parameter, value):
        """Whatever the value, the answer is 200, a 400 with a visible message, or (for page) a 404 — never a 5xx."""
        response = client.get(f"/?{parameter}={value}")
        assert response.status_code in (200, 400, 404)
        if response.status_code == 400 and value == "%00":
            # Refused before the filters see it (statements/middleware.py).
            assert "the address contains a control character (NUL)" in response.content.decode()
        elif response.status_code == 400:
            assert f'id="err_{parameter}"' in response.content.decode()
        if response.status_code == 404:
            assert parameter == "page"


@pytest.fixture
def count_limit_of_30(monkeypatch):
    """The timeline's count limit (10,000 in production) made small enough to cross in a test."""
    monkeypatch.setattr("statements.timeline.page.COUNT_CAP", 30)


def test_count_is_exact_up_to_the_limit(client, world, count_limit_of_30):
    """At or below the limit the count, facets and chart are exact and nothing says otherwise."""
    add_statements(23)  # 7 + 23 = 30 published: exactly the limit
    response = client.get("/")
    html = response.content.decode()
    assert "<strong>30</strong> statements" in html
    assert not response.context["page"].paginator.capped
    assert response.context["chart"].total == 30
    assert "Counts among the first" not in html


def test_count_above_the_limit_is_bounded_and_facets_say_what_they_count(client, world, count_limit_of_30):
    """Above the limit the page says "30+", and facets and chart count (and say they count) the first 30 only."""
    add_statements(40)
    response = client.get("/")
    html = response.content.decode()
    assert "<strong>30+</strong> statements" in html
    assert "Page 1 of 2+" in html
    assert response.context["chart"].total == 30
    assert sum(entry.count for entry in response.context["facets"]["speaker"]) == 30
    assert "Counts among the first" in html and "in this order only" in html


def build_world_and_forty_more() -> dict:
    world = build_world()
    add_statements(40)
    return world


world_and_forty_more = once_per_class(build_world_and_forty_more)


class TestFirstMatches:
    """The filter's first matches above the limit, every case on one world and 40 more statements built for the
    class."""

    @pytest.mark.parametrize("query", ["", "sort=oldest", "q=international", "q=international&sort=relevance"])
    def test_pages_facets_and_chart_are_the_first_matches_in_order(
        self, client, world_and_forty_more, count_limit_of_30, query
    ):
        """Above the limit, pages 1 and 2 are the filter's first 30 matches in its order, and the facets and the chart
        count exactly those 30: not the 31st, and not 30 others."""
        statement_filter = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        first = list(statement_filter.qs[:30])
        pages = [client.get(f"/?{query}&page={number}", follow=True).context for number in (1, 2)]
        assert [s.pk for context in pages for s in context["page"].object_list] == [s.pk for s in first]
        context = pages[0]
        assert context["sampled"] and context["chart"].total == 30
        assert {e.label: e.count for e in context["facets"]["date_from"]} == Counter(str(s.date.year) for s in first)
        assert {e.label: e.count for e in context["facets"]["speaker"]} == Counter(s.speaker.name for s in first)


def test_pages_stop_at_the_limit_with_a_way_further(client, world, count_limit_of_30):
    """The last page within the limit is served; the next is a 404 that says how to reach older statements."""
    add_statements(40)
    last = client.get("/?page=2")
    assert last.status_code == 200 and len(last.context["page"].object_list) == 5
    beyond = client.get("/?page=3")
    assert beyond.status_code == 404
    assert "narrow the filters" in beyond.content.decode()


def test_page_rows_keep_the_order_of_the_filter(client, world):
    """The page's rows, fetched by id after the ids, come back in the filter's order (oldest first here)."""
    add_statements(30)
    response = client.get("/?sort=oldest")
    dates = [(s.date, s.pk) for s in response.context["page"].object_list]
    assert dates == sorted(dates) and len(dates) == PAGE_SIZE


def test_download_links_carry_the_filters_but_not_the_page(client, world):
    """CSV, Excel CSV, reports, feed and JSON links repeat exactly the current filters, without the page number."""
    add_statements(60)  # more than a page of paraphrases: page 2 exists (page 1 would redirect to no page at all)
    response = client.get("/?sort=oldest&kind=paraphrase&page=2")
    html = response.content.decode()
    for link in [
        'href="/export.csv?sort=oldest&amp;kind=paraphrase"',
        'href="/export.csv?sort=oldest&amp;kind=paraphrase&amp;bom=1"',
        'href="/reports/speakers.csv?sort=oldest&amp;kind=paraphrase"',
        'href="/feed.atom?sort=oldest&amp;kind=paraphrase"',
        'href="/api/statements/?sort=oldest&amp;kind=paraphrase"',
    ]:
        assert link in html
    export = client.get("/export.csv?sort=oldest&kind=paraphrase")
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode())))
    assert len(rows) == response.context["page"].paginator.count > 0


def test_title_and_heading_say_the_filter_in_words(client, world):
    """A tab or bookmark of a filtered timeline says what it holds, from the same words as the feed's title."""
    html = client.get("/?speaker=dmitry-peskov&topic=syria&date_from=2016-11&date_to=2016-11").content.decode()
    words = "Statements by Dmitry Peskov on Syria in November 2016"
    assert f"<title>{words} – Statement Tracker</title>" in html
    assert f"<h1>{words}</h1>" in html
    unfiltered = client.get("/").content.decode()
    assert "<title>Timeline – Statement Tracker</title>" in unfiltered


class TestCanonicalRedirects:
    """Canonical redirects, every case on one world built for the class."""

    @pytest.mark.parametrize(
        ("query", "location"),
        [
            (
                "q=&speaker=dmitry-peskov&speaker_country=&country=&topic=&date_from=&date_to=&kind=&outlet=&language="
                "&sort=newest",
                "/?speaker=dmitry-peskov",
            ),
            ("q=&sort=newest", "/"),
            ("country=SY&country=sy&page=1", "/?country=sy"),
            ("topic=syria&utm_source=newsletter", "/?topic=syria"),
        ],
    )
    def test_a_submitted_form_redirects_to_the_canonical_address(self, client, class_world, query, location):
        """What people copy from the address bar is clean: no empty parameters, defaults or repeats."""
        response = client.get(f"/?{query}")
        assert response.status_code == 302
        assert response["Location"] == location
        assert client.get(location).status_code == 200


def test_a_canonical_address_in_another_order_is_served_as_typed(client, world):
    """The same filter in another parameter order is not redirected: links people made keep working unchanged."""
    assert client.get("/?topic=syria&speaker=dmitry-peskov").status_code == 200
