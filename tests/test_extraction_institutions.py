"""Institutions as speakers: recognised, matched to known institutions (never to a person), proposed as new
institutions; documents attributed to who issued them; outlets that report are not speakers. Invented countries,
institutions and people only."""

import datetime
import json

import pytest
from django.core.management import call_command

from statements.extraction import KnownOfficial, extract
from statements.extraction.db import known_officials
from statements.extraction.institutions import INSTITUTION_HEADS
from statements.models import Country, OfficialKind
from tests.factories import OfficialFactory

DAY = datetime.date(2024, 3, 3)
QUOTE = '"We will not accept any border change imposed by force,"'

RURITANIA = ("Ruritania", "Ruritanian", "Strelsau")
MINISTRY = KnownOfficial("Ruritanian Foreign Ministry", id=21, kind="ministry", country_aliases=RURITANIA)
GOVERNMENT = KnownOfficial(
    "Government of Ruritania", aliases=("Strelsau Palace",), id=22, kind="government", country_aliases=RURITANIA
)
ALLIANCE = KnownOfficial("Northern Alliance Organisation", aliases=("NAO",), id=23, kind="alliance")
NORDPETROL = KnownOfficial("Nordpetrol", id=24, kind="non_state")
# a person who shares words with the institutions: never matched to them, nor they to him
PERSON = KnownOfficial("Karl Brandt", aliases=("Brandt",), id=25, country_aliases=RURITANIA)
KNOWN = (MINISTRY, GOVERNMENT, ALLIANCE, NORDPETROL, PERSON)


def speakers(text: str, officials=()) -> list[tuple]:
    """(name, method, institution kind, official id, new?) of each proposal with quoted words."""
    found = []
    for proposal in extract(text, published=DAY, officials=officials).proposals:
        if proposal.has_quote:
            s = proposal.speaker
            found.append(s and (s.name, s.method, s.institution, s.official_id, s.is_new_official))
    return found


@pytest.mark.parametrize(
    "text, expected",
    [
        # named in full at the cue, not known: a new institution of the kind its head word says
        (f"{QUOTE} the Ruritanian Foreign Ministry said.", ("Ruritanian Foreign Ministry", "explicit", "ministry")),
        (f"{QUOTE} Ruritania's Foreign Ministry said in a statement.", ("Ruritania's Foreign Ministry", "explicit")),
        (f"{QUOTE} the Bank of Nordland said.", ("Bank of Nordland", "explicit", "government")),
        (f"{QUOTE} the Nordic Embassy said.", ("Nordic Embassy", "explicit", "embassy")),
        (f"The Nordland Department of State said: {QUOTE}", ("Nordland Department of State", "explicit", "ministry")),
        # "the ministry": the article's fuller mention before it
        (
            f"Ruritania's foreign ministry summoned the envoy. {QUOTE} the ministry said.",
            ("Ruritania's foreign ministry", "earlier", "ministry"),
        ),
    ],
)
def test_an_institution_named_at_the_cue_is_a_new_institution(text, expected):
    """An institution's name is proposed as a new official of an institution's kind, never as a person."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    speaker = proposal.speaker
    assert (speaker.name, speaker.method, speaker.institution)[: len(expected)] == expected
    assert speaker.is_new_official and speaker.is_institution and not speaker.is_person


@pytest.mark.parametrize(
    "text",
    [
        f"{QUOTE} a Foreign Ministry spokesperson said.",
        f"{QUOTE} Foreign Ministry spokesperson Lou Grayson said.",
        f"{QUOTE} Bank of Nordland Governor Lou Grayson said.",
        f"Its foreign ministry summoned the envoy. {QUOTE} the ministry said.",
        f"{QUOTE} the ministry said.",
    ],
)
def test_a_person_described_by_an_institution_is_no_institution(text):
    """A spokesperson of a ministry is a person (or a description), and "the ministry" with nothing named before
    stays a description: neither is proposed as an institution."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert proposal.speaker is None or not proposal.speaker.is_institution


@pytest.mark.parametrize(
    "mention, expected",
    [
        ("the Ruritanian Foreign Ministry", ("Ruritanian Foreign Ministry", "explicit", "ministry", 21, False)),
        ("Ruritania's Foreign Ministry", ("Ruritanian Foreign Ministry", "alias", "ministry", 21, False)),
        ("Strelsau Palace", ("Government of Ruritania", "alias", "government", 22, False)),
        ("Strelsau", ("Government of Ruritania", "alias", "government", 22, False)),  # its country's capital
        ("the NAO", ("Northern Alliance Organisation", "alias", "alliance", 23, False)),
        ("Nordpetrol", ("Nordpetrol", "explicit", "non_state", 24, False)),
    ],
)
def test_a_known_institution_is_matched_by_name_alias_or_country(mention, expected):
    """A known institution is found by its name, an alias, its name with the country written another way, or (a
    government) by its country's name or alias."""
    assert speakers(f"{QUOTE} {mention} said.", KNOWN) == [expected]


def test_the_ministry_is_completed_and_matched_to_the_known_institution():
    """ "the ministry" becomes the article's fuller mention, then the known institution it names."""
    text = f"The Ruritanian Foreign Ministry summoned the envoy on Monday.\n\n{QUOTE} the ministry said."
    assert speakers(text, KNOWN) == [("Ruritanian Foreign Ministry", "earlier", "ministry", 21, False)]


def test_an_institution_and_a_person_never_stand_for_each_other():
    """A person official is never given for an institution's mention, nor an institution for a person's."""
    brandt_ministry = KnownOfficial("Brandt Ministry", id=26, kind="ministry")
    person_named_like_a_ministry = KnownOfficial("Foreign Ministry", id=27)  # a person recorded by mistake
    text = f"{QUOTE} Karl Brandt said. {QUOTE} the Foreign Ministry said."
    assert speakers(text, (brandt_ministry, person_named_like_a_ministry)) == [
        ("Karl Brandt", "explicit", "", None, True),
        ("Foreign Ministry", "explicit", "ministry", None, True),
    ]


def test_one_institution_written_two_ways_is_one_new_official():
    """ "Ruritania's Foreign Ministry" and "the Ruritanian Foreign Ministry" in one article are one new institution,
    named as written without a possessive; another country's ministry is another."""
    text = (
        f"{QUOTE} Ruritania's Foreign Ministry said.\n\n"
        f"{QUOTE} the Ruritanian Foreign Ministry said.\n\n"
        f"{QUOTE} Nordland's Foreign Ministry said."
    )
    extraction = extract(text, published=DAY)
    assert extraction.new_official_names == ["Ruritanian Foreign Ministry", "Nordland's Foreign Ministry"]


def test_the_ministry_after_two_ministries_is_less_sure():
    """With two ministries named before, "the ministry" is the latest one but not ticked-sure."""
    text = (
        "Ruritania's Foreign Ministry and Nordland's Foreign Ministry met.\n\n"
        f"{QUOTE} the Ruritanian Foreign Ministry said. {QUOTE} the ministry said."
    )
    first, second = [p.speaker for p in extract(text, published=DAY).proposals if p.has_quote]
    assert first.confidence == 0.9
    assert second.name == "Ruritanian Foreign Ministry" and second.confidence == 0.6


@pytest.mark.parametrize(
    "text, name, method, candidates",
    [
        (
            f"Nordland and Ruritania issued a joint statement on Friday.\n\n{QUOTE} the joint statement said.",
            None,
            None,
            ["Nordland", "Ruritania"],
        ),
        (
            f"The Ruritanian Foreign Ministry released a statement on Friday. {QUOTE} the statement said.",
            "Ruritanian Foreign Ministry",
            "document",
            [],
        ),
        (
            f"Karl Brandt met the envoy. A letter signed by Mara Quill was read out. {QUOTE} the letter said.",
            "Mara Quill",
            "document",
            [],
        ),
        (f"Karl Brandt met the envoy. {QUOTE} Nordpress's report said.", None, None, []),
        (f"Karl Brandt met the envoy.\n\n{QUOTE} the communique said.", "communique", "description", []),
    ],
)
def test_a_document_speaks_for_who_issued_it(text, name, method, candidates):
    """A document is its issuer when its sentence or the one before names one; two issuers are "speaker unknown"
    with both as candidates; otherwise a description, never the person named last."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    speaker = proposal.speaker
    if name is None:
        assert speaker is None or not speaker.is_person
    else:
        assert (speaker.name, speaker.method) == (name, method)
    assert proposal.candidates == candidates
    assert speaker is None or speaker.name != "Karl Brandt"


@pytest.mark.parametrize(
    "text",
    [
        f"Karl Brandt met the envoy. {QUOTE} the Nordpress news agency reported.",
        f"Karl Brandt met the envoy. {QUOTE} the newspaper said.",
        f"Karl Brandt met the envoy. {QUOTE} Nordpress reported.",
    ],
)
def test_an_outlet_reporting_is_not_the_speaker(text):
    """An agency or a paper reporting is no statement by an official: shown as an outlet, never proposed, never the
    person named before."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert proposal.speaker.method == "outlet"
    assert not proposal.speaker.is_person and not proposal.speaker.is_new_official


def test_an_outlet_quoting_someone_gives_that_person():
    """ "Nordpress quoted Brandt as saying" is Brandt, as before."""
    text = 'Nordpress quoted Karl Brandt as saying: "We will not accept any border change imposed by force."'
    assert speakers(text) == [("Karl Brandt", "explicit", "", None, True)]


def test_an_institution_is_never_the_antecedent_of_he():
    """ "he said" after an institution spoke is the last person, not the institution."""
    text = f'Karl Brandt arrived on Monday. {QUOTE} the Ruritanian Foreign Ministry said. "It is late," he said.'
    assert [s[0] for s in speakers(text)] == ["Ruritanian Foreign Ministry", "Karl Brandt"]


def test_institution_kinds_are_official_kinds():
    """Every kind the extractor proposes is a kind an Official can have, and none is a person."""
    assert set(INSTITUTION_HEADS.values()) <= set(OfficialKind.values) - {OfficialKind.PERSON}


@pytest.mark.django_db
def test_known_officials_carry_their_kind_and_country_words():
    """The database adapter gives each official its kind and its country's name and aliases."""
    ruritania = Country.objects.create(name="Ruritania", code="XR", aliases="Ruritanian\nStrelsau")
    OfficialFactory(name="Ruritanian Foreign Ministry", kind=OfficialKind.MINISTRY, country=ruritania)
    OfficialFactory(name="Karl Brandt")
    kinds = {o.name: (o.kind, o.country_aliases) for o in known_officials()}
    assert kinds["Ruritanian Foreign Ministry"] == ("ministry", ("Ruritania", "Ruritanian", "Strelsau"))
    assert kinds["Karl Brandt"][0] == "person"


@pytest.mark.django_db
def test_the_command_prints_the_institution(tmp_path, capsys):
    """`extract_statements` prints an institution speaker with its kind and lists it among the new officials."""
    article = tmp_path / "article.txt"
    article.write_text(f"{QUOTE} the Ruritanian Foreign Ministry said.", encoding="utf-8")
    call_command("extract_statements", str(article), "--date", "2024-03-03")
    data = json.loads(capsys.readouterr().out)
    assert data["new_officials"] == ["Ruritanian Foreign Ministry"]
    speaker = data["proposals"][0]["speaker"]
    assert (speaker["name"], speaker["institution"], speaker["is_new_official"]) == (
        "Ruritanian Foreign Ministry",
        "ministry",
        True,
    )
