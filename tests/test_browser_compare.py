"""The compare page in Debian's Chromium at desktop and phone widths: the form, the charts, the table readable
without the chart, links from a point to its statements, and axe-core's accessibility checks."""

import datetime
import re

import pytest

from statements.models import Coding, DatePrecision
from tests.browser import screenshot, serious_violations
from tests.factories import OfficialFactory, StatementFactory, country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COMPARISON = "/compare/?s1=speaker_country%3Dru%26target%3Dus&s2=speaker_country%3Dus%26target%3Dru&s3=all"


@pytest.fixture
def world():
    """Two years of Russia → United States hardening, and the United States → Russia answering."""
    lavrov = OfficialFactory(name="Sergey Lavrov", country=country("RU"))
    kerry = OfficialFactory(name="John Kerry", country=country("US"))
    for month in range(1, 13):
        for day, stance in [(3, 0 if month < 7 else -1), (10, -1 if month < 7 else -2), (17, 0)]:
            statement = StatementFactory(speaker=lavrov, date=datetime.date(2016, month, day))
            Coding.objects.create(statement=statement, target_country=country("US"), stance=stance, act="comment")
        if month % 2:
            statement = StatementFactory(speaker=kerry, date=datetime.date(2016, month, 5))
            Coding.objects.create(statement=statement, target_country=country("RU"), stance=-1, act="criticise")
    StatementFactory(speaker=lavrov, date=datetime.date(2016, 1, 1), date_precision=DatePrecision.YEAR)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_comparison_reads_at_desktop_and_phone_widths(live_server, page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + COMPARISON)
    assert page.get_by_role("heading", name="Compare", exact=True).is_visible()
    assert page.get_by_role("img", name=re.compile("Statements per month")).is_visible()
    assert page.get_by_role("img", name=re.compile("Mean stance toward the target")).is_visible()
    table = page.get_by_role("table")
    assert table.get_by_role("row", name=re.compile("^July 2016")).is_visible() or width < 600
    # The table alone says it: the period, the counts, the mean and the coded statements behind it.
    row = table.get_by_role("row", name=re.compile("^July 2016"))
    assert row.get_by_role("cell").all_inner_texts() == ["3", "−1.00 (3)", "1", "−1.00 (1)".replace("−1.00", "–"), "4"]
    assert serious_violations(page) == []
    screenshot(page, f"compare-{width}", widths=(width,))


def test_a_point_in_the_table_opens_its_statements(live_server, page, world):
    page.goto(live_server.url + COMPARISON)
    page.get_by_role("row", name=re.compile("^July 2016")).get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"date_from=2016-07"))
    assert page.get_by_text("3 statements match these filters").is_visible()


def test_a_bad_series_is_shown_by_its_box(live_server, page, world):
    page.goto(live_server.url + "/compare/")
    page.get_by_label("Series 1").fill("target=us")
    page.get_by_label("Series 2").fill("target=zz")
    page.get_by_role("button", name="Compare").click()
    assert page.get_by_label("Series 2").get_attribute("aria-invalid") == "true"
    assert page.locator("#err_s2").inner_text().startswith("Coded toward: There is no country")
    assert serious_violations(page) == []
    page.get_by_label("Series 2").fill("")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/compare/\?s1=target%3Dus$"))
    assert page.get_by_role("img", name=re.compile("Mean stance")).is_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_relations_page_reads_at_desktop_and_phone_widths(live_server, page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/countries/ru/")
    page.get_by_role("link", name="Russia and United States").click()
    page.wait_for_url(re.compile(r"/relations/ru-us/$"))
    assert page.get_by_role("heading", name="Russia → United States").is_visible()
    assert page.get_by_role("img", name=re.compile("Mean stance")).is_visible()
    row = page.get_by_role("table").get_by_role("row", name=re.compile("^July 2016"))
    assert row.get_by_role("cell").all_inner_texts() == ["3", "−1.00 (3)", "1", "– (1)"]
    assert serious_violations(page) == []
    screenshot(page, f"relations-{width}", widths=(width,))
