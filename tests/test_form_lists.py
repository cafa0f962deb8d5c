"""The timeline form's option lists: only values with published statements, each with its count, the chosen ones
kept whatever their count, and a long list marked for narrowing by typing."""

import html
import re

import pytest

from statements.models import Status
from statements.timeline.form import NARROW_FROM
from tests.factories import OfficialFactory, StatementFactory

pytestmark = pytest.mark.django_db


def fields(client, query: str = "") -> dict[str, dict]:
    response = client.get("/" + query)
    assert response.status_code == 200
    return {field["name"]: field for field in response.context["fields"]}


def listed(field: dict) -> list[tuple[str, str]]:
    """A list's options as (value, text), "any" left out."""
    if "option_tags" in field:
        found = re.findall(r'<option value="([^"]*)">([^<]*)</option>', field["option_tags"])
        return [(html.unescape(value), html.unescape(text)) for value, text in found]
    return [(value, text) for value, text in field["options"] if value]


# (list, its options on the labelled world: published statements only, sub-topics counted in their parent once)
LISTS = [
    (
        "speaker",
        [
            ("anna-sample", "Anna Sample (1)"),
            ("dmitry-peskov", "Dmitry Peskov (2)"),
            ("john-example", "John Example (2)"),
            ("sergey-lavrov", "Sergey Lavrov (2)"),
        ],
    ),
    ("speaker_country", [("fr", "France (1)"), ("ru", "Russia (4)"), ("us", "United States (2)")]),
    (
        "topic",
        [
            ("us-election-2016", "2016 US presidential election (1)"),
            ("middle-east", "Middle East (3)"),
            ("syria", "\u2014 Syria (2)"),
            ("sanctions", "Sanctions (3)"),
        ],
    ),
    ("country", [("fr", "France (1)"), ("ru", "Russia (3)"), ("sy", "Syria (3)"), ("us", "United States (2)")]),
    ("outlet", [("reuters", "Reuters (3)"), ("tass", "TASS (4)")]),
    ("language", [("en", "English \u2013 en (6)"), ("fr", "French \u2013 fr (1)"), ("ru", "Russian \u2013 ru (1)")]),
    # Countries, then officials and institutions; the draft's and the retracted statement's codings count nowhere.
    (
        "target",
        [("ru", "Russia (2)"), ("sy", "Syria (1)"), ("us", "United States (2)"), ("anna-sample", "Anna Sample (1)")],
    ),
    ("sort", [("newest", "Newest first"), ("oldest", "Oldest first")]),
]


# (query, list, the chosen values as shown, the options left in the list)
CHOSEN = [
    ("?country=de", "country", [("de", "Germany (0)")], ["fr", "ru", "sy", "us"]),
    ("?country=SY&country=fr", "country", [("sy", "Syria (3)"), ("fr", "France (1)")], ["ru", "us"]),
    ("?topic=arctic", "topic", [("arctic", "Arctic (0)")], ["us-election-2016", "middle-east", "syria", "sanctions"]),
    ("?topic=syria", "topic", [("syria", "Syria (2)")], ["us-election-2016", "middle-east", "sanctions"]),
    ("?speaker_country=cn", "speaker_country", [("cn", "China (0)")], ["fr", "ru", "us"]),
    ("?target=FR", "target", [("fr", "France (0)")], ["ru", "sy", "us", "anna-sample"]),
    ("?target=us", "target", [("us", "United States (2)")], ["ru", "sy", "anna-sample"]),
    ("?speaker=retracted-only", "speaker", [("retracted-only", "Rita Retracted (0)")], None),
]


@pytest.mark.django_db
class TestOnTheLabelledWorld:
    """Every list read on one labelled world built for the class (tests/conftest.py)."""

    @pytest.mark.parametrize(("name", "expected"), LISTS)
    def test_each_list_shows_what_has_published_statements_with_counts(self, client, class_world, name, expected):
        """Drafts, retracted statements and values nobody published (Arctic, 245 countries) are not listed."""
        assert listed(fields(client)[name]) == expected

    @pytest.mark.parametrize(("query", "name", "chosen", "left"), CHOSEN)
    def test_a_chosen_value_stays_with_its_count_even_at_zero(self, client, class_world, query, name, chosen, left):
        """A chosen value is a checkbox labelled with its count, 0 included, and leaves the list it came from."""
        retracted_only = OfficialFactory(name="Rita Retracted", slug="retracted-only")
        StatementFactory(speaker=retracted_only, status=Status.RETRACTED, retraction_reason="Misattributed.")
        field = fields(client, query)[name]
        assert field["chosen"] == chosen
        if left is not None:
            assert [value for value, _ in listed(field)] == left

    @pytest.mark.parametrize(("query", "selected"), [("?language=de", "German \u2013 de (0)"), ("?language=RU", None)])
    def test_a_chosen_language_stays_selectable_even_at_zero(self, client, class_world, query, selected):
        """A select keeps its chosen value as an option, or the form would fall back to "any" on the next submit."""
        response = client.get("/" + query)
        page = response.content.decode()
        select = re.search(r'<select id="id_language".*?</select>', page, re.S).group(0)
        chosen = re.findall(r'<option value="([^"]*)" selected>([^<]*)</option>', select)
        if selected:
            assert [(value, html.unescape(text)) for value, text in chosen] == [("de", selected)]
        else:
            assert [(value, html.unescape(text)) for value, text in chosen] == [("ru", "Russian \u2013 ru (1)")]

    def test_an_unknown_language_is_an_error_not_an_option(self, client, class_world):
        response = client.get("/?language=zz")
        assert response.status_code == 400
        field = {field["name"]: field for field in response.context["fields"]}["language"]
        assert field["errors"] and "zz" not in [value for value, _ in field["options"]]

    def test_long_lists_are_marked_for_narrowing_by_typing(self, client, class_world):
        """Lists longer than NARROW_FROM get the box that narrows them (data-narrow); short ones stay plain selects."""
        for i in range(NARROW_FROM + 1):
            StatementFactory(speaker=OfficialFactory(name=f"Extra Official {i:02}"))
        page = client.get("/").content.decode()
        assert re.search(r'<select id="id_speaker" name="speaker" data-narrow="Official">', page)
        # one outlet per statement
        assert re.search(r'<select id="id_outlet" name="outlet" data-narrow="Outlet">', page)
        assert re.search(r'<select id="id_country" name="country">', page)  # four countries
        assert '<script src="/static/js/narrow-options.js" defer></script>' in page

    def test_a_value_the_filter_does_not_know_is_shown_as_typed_without_a_count(self, client, class_world):
        """`?country=zz` is the filter's error (400); its checkbox reads as typed, not as a country with 0
        statements."""
        response = client.get("/?country=zz&country=fr")
        assert response.status_code == 400
        field = {field["name"]: field for field in response.context["fields"]}["country"]
        assert field["chosen"] == [("zz", "zz"), ("fr", "France (1)")]


def test_an_institution_that_never_speaks_is_listed_as_a_target_only(client):
    """An official or institution coded toward, but no speaker of a published statement, is in the target list with
    its count, and not in the official list."""
    from statements.models import Coding

    nato = OfficialFactory(name="NATO", slug="nato", kind="alliance")
    statement = StatementFactory()
    Coding.objects.create(statement=statement, target_official=nato, stance=-1, act="criticise")
    lists = fields(client)
    assert ("nato", "NATO (1)") in listed(lists["target"])
    assert "nato" not in [value for value, _ in listed(lists["speaker"])]
