"""Searching the timeline in Debian's Chromium: common spellings are found and marked as the statements write them."""

import datetime
import re

import pytest

from tests.browser import screenshot
from tests.factories import StatementFactory

# live_server needs real transactions; serialized_rollback puts the migration-loaded countries back after each test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_search_for_us_finds_the_country_as_written_and_not_the_pronoun(live_server, page):
    """Typing "U.S." finds "U.S." and "US" and marks each as written, and not "let us"; "Syria's" finds "Syria’s"."""
    day = datetime.date(2016, 11, 10)
    StatementFactory(text="The U.S. will have to answer for the strikes, and so will its allies.", date=day)
    StatementFactory(text="US troops stay in the region for now.", date=day - datetime.timedelta(days=1))
    StatementFactory(text="Let us talk about it calmly, without ultimatums.", date=day - datetime.timedelta(days=2))
    StatementFactory(text="Syria’s government must be part of the talks.", date=day - datetime.timedelta(days=3))
    page.goto(live_server.url + "/")
    page.get_by_label("Words").fill("U.S.")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=U\.S\."))
    assert page.get_by_text("2 statements match these filters").is_visible()
    assert page.locator(".statement mark").all_inner_texts() == ["U.S.", "US"]
    assert not page.get_by_text("Let us talk").is_visible()
    screenshot(page, "search-spellings", widths=(390, 1280))
    page.goto(live_server.url + "/?q=Syria%27s")
    assert page.locator(".statement mark").all_inner_texts() == ["Syria’s"]


def test_a_search_for_ceasefire_marks_every_spelling_and_pm_is_not_a_time(live_server, page):
    """Typing "ceasefire" finds and marks "cease-fire" and "ceasefire"; "PM" finds the prime minister, not "3 p.m."."""
    day = datetime.date(2016, 11, 10)
    StatementFactory(text="The cease-fire in Aleppo must hold, the PM said.", date=day)
    StatementFactory(text="A ceasefire is not a surrender.", date=day - datetime.timedelta(days=1))
    StatementFactory(text="The talks resume at 3 p.m. in Geneva.", date=day - datetime.timedelta(days=2))
    page.goto(live_server.url + "/")
    page.get_by_label("Words").fill("ceasefire")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=ceasefire"))
    assert page.get_by_text("2 statements match these filters").is_visible()
    assert page.locator(".statement mark").all_inner_texts() == ["cease-fire", "ceasefire"]
    screenshot(page, "search-compounds", widths=(390, 1280))
    page.goto(live_server.url + "/?q=PM")
    assert page.locator(".statement mark").all_inner_texts() == ["PM"]
    assert not page.get_by_text("3 p.m. in Geneva").is_visible()
