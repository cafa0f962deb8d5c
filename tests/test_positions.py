"""Positions (issue 21): who speaks and for whom, codings of stance and speech act, typed links between statements."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from statements.models import OfficialKind, Statement
from tests.admin_helpers import admin_url
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, country

pytestmark = pytest.mark.django_db

ON = datetime.date(2016, 11, 11)


def un():
    return OfficialFactory(name="United Nations", kind=OfficialKind.INTERNATIONAL, country=None)


# --- The speaking side ---------------------------------------------------------------------------------------------

# Each case: the speaker (kind, own country), the posts held (country, speaks for the UN?, start, end), and the side
# the statement of 11 November 2016 speaks for (a country code, and whether for the UN).
SIDES = [
    pytest.param(OfficialKind.PERSON, "RU", [], ("RU", False), id="no post: the official's own country"),
    pytest.param(
        OfficialKind.PERSON, "RU", [("US", False, "2015-01-01", None)], ("US", False), id="the post's country"
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [("US", False, "2010-01-01", "2015-12-31")],
        ("RU", False),
        id="a post that ended before: the official's country",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [("US", False, "2017-01-20", None)],
        ("RU", False),
        id="a post taken after the date: the official's country",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [("US", False, "2010-01-01", None), ("GB", False, "2016-01-01", None)],
        ("GB", False),
        id="two posts held: the most recently started",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "PT",
        [(None, True, "2016-01-01", None)],
        (None, True),
        id="a UN Secretary-General speaks for the UN, not Portugal",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [(None, False, "2016-01-01", None)],
        ("RU", False),
        id="a post without a country: the official's country",
    ),
    pytest.param(OfficialKind.MINISTRY, "RU", [], ("RU", False), id="a ministry speaks for its country"),
    pytest.param(OfficialKind.INTERNATIONAL, None, [], (None, False), id="the UN itself: no country"),
]


def speaker_with_posts(kind, own, posts):
    speaker = OfficialFactory(kind=kind, country=country(own) if own else None)
    institution = un()
    for code, for_un, start, end in posts:
        PositionFactory(
            official=speaker,
            country=country(code) if code else None,
            speaks_for=institution if for_un else None,
            start_date=start,
            end_date=end,
        )
    return speaker, institution


@pytest.mark.parametrize(("kind", "own", "posts", "expected"), SIDES)
def test_the_speaking_side_is_the_post_held_on_the_date(kind, own, posts, expected):
    """The side is the country (or institution) the speaker represented that day, not where they come from."""
    speaker, institution = speaker_with_posts(kind, own, posts)
    statement = StatementFactory(speaker=speaker, date=ON)
    side = statement.speaking_side()
    code, for_un = expected
    assert (side.country.code if side.country else None) == code
    if kind == OfficialKind.PERSON:
        assert (side.institution == institution) is for_un
    else:
        assert side.institution == speaker  # an institution speaks for itself


@pytest.mark.parametrize(("kind", "own", "posts", "expected"), SIDES)
def test_the_speaking_country_in_sql_agrees_with_the_model(kind, own, posts, expected):
    """with_speaking_country() is the same rule as Official.side_on, so lists and counts agree with the permalink."""
    speaker, _ = speaker_with_posts(kind, own, posts)
    StatementFactory(speaker=speaker, date=ON)
    annotated = Statement.objects.with_speaking_country().get(speaker=speaker)
    code = expected[0]
    assert annotated.speaking_country_id == (country(code).pk if code else None)


def test_a_post_speaks_for_an_institution_not_a_person():
    """A post "speaking for" a person, or an institution's post speaking for itself, is refused with a message."""
    person = OfficialFactory()
    post = PositionFactory(official=OfficialFactory(), speaks_for=person)
    with pytest.raises(ValidationError, match="speaks for an institution, not for a person"):
        post.full_clean()
    institution = un()
    own = PositionFactory(official=institution, speaks_for=institution)
    with pytest.raises(ValidationError, match="speaks for itself"):
        own.full_clean()


def test_the_admin_lists_and_filters_officials_by_kind(admin_client):
    """Analysts see at a glance which speakers are institutions, and can list only those."""
    un()
    OfficialFactory(name="Dmitry Peskov")
    listing = admin_client.get(admin_url(OfficialFactory._meta.model, "changelist"), {"kind": "international"})
    html = listing.content.decode()
    assert "United Nations" in html and "Dmitry Peskov" not in html
    assert "International organisation (e.g. the UN)" in html
