"""Positions (issue 21): who speaks and for whom, codings of stance and speech act, typed links between statements."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from statements.models import Coding, OfficialKind, Statement
from statements.positions import codebook
from statements.positions.codebook import SpeechAct, Stance
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


# --- Codings -------------------------------------------------------------------------------------------------------


def coding(statement=None, *, target="US", stance=None, act=""):
    """A Coding (unsaved) toward a country code, an Official, or nothing at all (target=None)."""
    fields = {"statement": statement or StatementFactory(), "stance": stance, "act": act}
    if isinstance(target, str):
        fields["target_country"] = country(target)
    elif target is not None:
        fields["target_official"] = target
    return Coding(**fields)


@pytest.mark.parametrize(
    ("stance", "act", "refused"),
    [
        (Stance.CRITICAL, SpeechAct.CRITICISE, ""),
        (Stance.HOSTILE, SpeechAct.THREATEN, ""),
        (Stance.SUPPORTIVE, SpeechAct.PRAISE, ""),
        (Stance.NEUTRAL, SpeechAct.PRAISE, ""),
        (None, SpeechAct.DECLINE, ""),
        (None, SpeechAct.PRAISE, ""),  # no stance is never a contradiction
        (Stance.NEUTRAL, "", ""),  # act not coded yet
        (Stance.HOSTILE, SpeechAct.PRAISE, "Praise or agreement cannot be hostile or critical"),
        (Stance.CRITICAL, SpeechAct.AGREE, "Praise or agreement cannot be hostile or critical"),
        (Stance.SUPPORTIVE, SpeechAct.THREATEN, "cannot be supportive of its target"),
        (Stance.STRONGLY_SUPPORTIVE, SpeechAct.CRITICISE, "cannot be supportive of its target"),
        (Stance.SUPPORTIVE, SpeechAct.REJECT, "cannot be supportive of its target"),
        (Stance.NEUTRAL, SpeechAct.DECLINE, "Declining to comment takes no stance"),
    ],
)
def test_the_codebook_refuses_contradictions(stance, act, refused):
    """Praise coded hostile or a threat coded supportive is refused with the rule's message, by the form's check
    and by the database alike; consistent codings save."""
    candidate = coding(stance=stance, act=act)
    if not refused:
        assert codebook.refusals(act, stance) == []
        candidate.full_clean()
        candidate.save()
        return
    with pytest.raises(ValidationError, match=refused):
        candidate.full_clean()
    assert any(refused in message for message in codebook.refusals(act, stance))
    with pytest.raises(IntegrityError), transaction.atomic():
        candidate.save()


@pytest.mark.parametrize(
    ("target", "stance", "message"),
    [
        (None, 0, "A coding has one target"),
        ("both", 0, "A coding has one target"),
        ("US", 3, "Value 3 is not a valid choice"),
        ("US", -3, "Value -3 is not a valid choice"),
    ],
)
def test_a_coding_has_one_target_and_a_stance_on_the_scale(target, stance, message):
    """No target, two targets or a stance off the scale are refused with a message, and by the database."""
    candidate = coding(target=None if target == "both" else target, stance=stance)
    if target == "both":
        candidate.target_country, candidate.target_official = country("US"), OfficialFactory()
    with pytest.raises(ValidationError, match=message):
        candidate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        candidate.save()


def test_one_coding_per_target_per_statement():
    """Two codings of one statement toward the same country are refused; toward another target, kept."""
    statement = StatementFactory()
    coding(statement, target="US", stance=-1, act=SpeechAct.CRITICISE).save()
    duplicate = coding(statement, target="US", stance=0, act=SpeechAct.COMMENT)
    with pytest.raises(ValidationError, match="already coded toward this country"):
        duplicate.full_clean()
    coding(statement, target=un(), stance=1, act=SpeechAct.PRAISE).full_clean()


@pytest.mark.parametrize(
    ("stance", "words"),
    [
        (-2, "Hostile (−2)"),
        (-1, "Critical (−1)"),
        (0, "Neutral (0)"),
        (2, "Strongly supportive (+2)"),
        (None, "No stance"),
    ],
)
def test_a_stance_reads_in_words(stance, words):
    """The scale is shown in words with its number; no stance reads as such, never as 0."""
    assert coding(stance=stance).stance_words == words


def test_codings_are_kept_in_history():
    """Each change to a coding is recorded with the values before it, so a re-coding can be traced."""
    first = coding(stance=-1, act=SpeechAct.CRITICISE)
    first.save()
    first.stance, first.act = -2, SpeechAct.THREATEN
    first.save()
    versions = list(first.history.order_by("history_id").values_list("stance", "act"))
    assert versions == [(-1, "criticise"), (-2, "threaten")]
