"""Institutions as speakers: recognised, matched to known institutions (never to a person), proposed as new
institutions; documents attributed to who issued them; outlets that report are not speakers. The review page offers
new institutions and saves them as such. Invented countries, institutions and people only."""

import datetime
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command

from statements.extraction import KnownOfficial, extract
from statements.extraction.db import extract_with_database, known_officials
from statements.extraction.institutions import INSTITUTION_HEADS, institution_name
from statements.models import Country, Official, OfficialKind, Source, Statement
from tests.admin_helpers import user_with_role
from tests.browser import screenshot, serious_violations
from tests.factories import OfficialFactory
from tests.test_extraction_admin import review_in_browser, save_data

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
        # a release's list of reactions, "Name: “…”": the label before the colon is the speaker, not the person before
        (
            f"Karl Brandt welcomed the plan.\n\nNordland Ministry of Foreign Affairs: {QUOTE}",
            ("Nordland Ministry of Foreign Affairs", "explicit", "ministry"),
        ),
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
    "mention, expected",
    [
        ("the Kremlin", ("Kremlin", "government")),
        ("the Strelsau Institute for Peace Studies", ("Strelsau Institute for Peace Studies", "non_state")),
        ("the Nordland Elections Board", ("Nordland Elections Board", "government")),
        ("the Department of Health and Social Care", ("Department of Health and Social Care", "ministry")),
        ("STRELSAU ― The Quill administration", ("Quill administration", "government")),  # after a dateline
        ("NORTH STRELSAU — Karl Brandt’s campaign", ("Karl Brandt’s campaign", "non_state")),
        ("Bank of Nordland CEO Lou Grayson", None),  # a person
        ("Council", None),  # one word, not a name
        ("Karl Brandt and the Foreign Ministry", None),  # two speakers
        ("the Foreign Ministry and the Bank of Nordland", None),
        ("Staff for the Nordland Committee", None),  # people working for it
        ("Upper Nordland. Although the company", None),  # two sentences
        ("a ministry", None),
    ],
)
def test_what_names_an_institution(mention, expected):
    """A proper name with an institution's head noun, alone and whole, is an institution of the kind it says."""
    assert institution_name(mention) == expected


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


def test_a_shorter_name_is_the_fuller_one_the_article_gave_before():
    """ "the Foreign Ministry" after "Nordland's Foreign Ministry" is Nordland's, not the one known ministry of
    another country, and not a third institution."""
    nordic = KnownOfficial("Nordic Foreign Ministry", id=28, kind="ministry", country_aliases=("Nordland", "Nordic"))
    text = f"Nordland's Foreign Ministry summoned the envoy on Monday. {QUOTE} the Foreign Ministry said."
    assert speakers(text, (MINISTRY, nordic)) == [("Nordic Foreign Ministry", "earlier", "ministry", 28, False)]
    assert speakers(text, (MINISTRY,)) == [("Nordland's Foreign Ministry", "earlier", "ministry", None, True)]


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
        (
            "Nordland and Ruritania signed a declaration on Friday.\n\n" + f"{QUOTE} the communique said.",
            None,
            None,
            ["Nordland", "Ruritania"],
        ),
        (
            # "a statement from X said:" names X next to the cue, as "according to a statement from X" does
            f"Karl Brandt met the envoy. A statement from the Ruritanian Foreign Ministry said: {QUOTE.rstrip(',')}",
            "Ruritanian Foreign Ministry",
            "explicit",
            [],
        ),
        (f"Karl Brandt met the envoy.\n\n{QUOTE} the communique said.", "communique", "description", []),
        (
            f"The Nordland Defence Ministry published a white paper. {QUOTE} the white paper said.",
            "Nordland Defence Ministry",
            "document",
            [],
        ),
        (f"Karl Brandt met the envoy. {QUOTE} a letter from the Nordic Legion said.", "Nordic Legion", "document", []),
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
        f"Karl Brandt met the envoy. {QUOTE} the Strelsau Times said in an editorial.",
        f"Karl Brandt met the envoy. {QUOTE} the Strelsau Times editorial board wrote.",
        # a list of reactions: a paper's name before the colon, with the article its name opens with
        f"Karl Brandt welcomed the plan.\n\nLe Monde: {QUOTE}",
        f"Karl Brandt welcomed the plan.\n\nDie Welt: {QUOTE}",
        f"Karl Brandt welcomed the plan.\n\nThe Strelsau Times: {QUOTE}",
    ],
)
def test_an_outlet_reporting_is_not_the_speaker(text):
    """An agency or a paper reporting is no statement by an official: shown as an outlet, never proposed, never the
    person named before."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert proposal.speaker.method == "outlet"
    assert not proposal.speaker.is_person and not proposal.speaker.is_new_official


def test_a_surname_opening_with_an_article_is_a_person_s_when_the_article_names_them():
    """ "Le Monde" is a paper, but "Le Pen" after "Ana Le Pen" is her surname."""
    text = f"Ana Le Pen spoke in Strelsau on Monday.\n\n{QUOTE} Le Pen said."
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert (proposal.speaker.name, proposal.speaker.is_person) == ("Ana Le Pen", True)


def test_an_outlet_quoting_someone_gives_that_person():
    """ "Nordpress quoted Brandt as saying" is Brandt, as before."""
    text = 'Nordpress quoted Karl Brandt as saying: "We will not accept any border change imposed by force."'
    assert speakers(text) == [("Karl Brandt", "explicit", "", None, True)]


def test_an_institution_is_never_the_antecedent_of_he():
    """ "he said" after an institution spoke is the last person, not the institution."""
    text = f'Karl Brandt arrived on Monday. {QUOTE} the Ruritanian Foreign Ministry said. "It is late," he said.'
    assert [s[0] for s in speakers(text)] == ["Ruritanian Foreign Ministry", "Karl Brandt"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            f"The Ruritanian Foreign Ministry summoned the envoy. {QUOTE} it said.",
            ("Ruritanian Foreign Ministry", "pronoun", 0.8),
        ),
        (
            f"The Nordpress news agency reported the closure. {QUOTE} it said.",
            ("Nordpress news agency", "outlet", 0.55),
        ),
        (f"Karl Brandt spoke to reporters. {QUOTE} it said.", None),
    ],
)
def test_it_said_is_the_institution_that_spoke_last_never_a_person(text, expected):
    """ "…," it said is the institution (or outlet) that spoke just before, a little less sure; after a person it is
    nobody, not that person."""
    proposal = [p for p in extract(text, published=DAY).proposals if p.has_quote][-1]
    speaker = proposal.speaker
    assert (speaker and (speaker.name, speaker.method, speaker.confidence)) == expected


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


# --- The review page --------------------------------------------------------------------------------------

URL = "/admin/statements/statement/from-article/"
# An article written for these tests: a ministry named in full, then "the ministry", then a person.
MINISTRY_ARTICLE = """Ruritania closed its northern border on Monday.

"We will not accept any border change imposed by force," the Ruritanian Foreign Ministry said in a statement.

"Nobody in Strelsau wants a quarrel with its neighbours," the ministry said.

"Our patience is not endless, and the deadline stands firm," Karl Brandt told Radio Nord.
"""


def step_one(**changes) -> dict:
    data = {
        "text": MINISTRY_ARTICLE,
        "url": "https://news.example.org/border",
        "new_outlet": "Nordpress",
        "title": "Ruritania closes its border",
        "published_on": "2024-03-04",
        "language": "en",
        "medium": "article",
        "extract": "Find the statements",
    }
    return {**data, **changes}


@pytest.fixture
def analyst(client):
    user = user_with_role("Analyst")
    client.force_login(user)
    return user


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Source, Official, Statement)}


@pytest.mark.django_db
def test_the_review_page_offers_to_create_the_institution(client, analyst):
    """A ministry named in full is offered as a new institution of kind ministry, ticked; "the ministry" is the same
    institution but waits for the analyst; the person stays a person."""
    rows = client.post(URL, step_one()).context["rows"]
    assert [
        (row.form.initial["new_speaker"], row.form.initial["new_speaker_kind"], row.form.initial["include"])
        for row in rows
    ] == [
        ("Ruritanian Foreign Ministry", "ministry", True),
        ("Ruritanian Foreign Ministry", "ministry", False),
        ("Karl Brandt", "person", True),
    ]
    assert rows[0].speaker_note == (
        "Speaker found as “the Ruritanian Foreign Ministry” (named), an institution not among the officials yet: "
        "create institution “Ruritanian Foreign Ministry” (ministry); cue “said in”."
    )
    assert "completed from the article’s earlier mention" in rows[1].speaker_note


@pytest.mark.django_db
def test_saving_creates_the_institution_once_as_an_institution(client, analyst):
    """Saving creates the ministry once, as an institution of the kind chosen and of the country its name names,
    and the person as a person."""
    ruritania = Country.objects.create(name="Ruritania", code="XR")
    step2 = client.post(URL, step_one())
    assert [row.form.initial["new_speaker_country"] for row in step2.context["rows"]] == [ruritania.pk] * 2 + [None]
    response = client.post(URL, save_data(step2, {1: {"include": True}}))
    assert response.status_code == 302
    found = {name: (kind, country) for name, kind, country in Official.objects.values_list("name", "kind", "country")}
    assert found == {
        "Ruritanian Foreign Ministry": (OfficialKind.MINISTRY, ruritania.pk),
        "Karl Brandt": (OfficialKind.PERSON, None),
    }
    ministry = Official.objects.get(name="Ruritanian Foreign Ministry")
    assert ministry.statements.count() == 2 and ministry.history.get().history_user == analyst
    assert messages_of(response)[0].endswith(
        "and 3 draft statements; 1 new official (Karl Brandt); 1 new institution (Ruritanian Foreign Ministry); "
        "new outlet Nordpress."
    )


@pytest.mark.django_db
def test_a_known_institution_is_preselected_and_a_known_person_is_not_offered_for_it(client, analyst):
    """A recorded ministry is chosen on its rows; a person recorded with a similar name is not."""
    ministry = OfficialFactory(name="Ruritanian Foreign Ministry", kind=OfficialKind.MINISTRY)
    OfficialFactory(name="Foreign Ministry")  # a person's record: never the speaker of a ministry's statement
    rows = client.post(URL, step_one()).context["rows"]
    assert [(row.form.initial["speaker"], row.form.initial["new_speaker"]) for row in rows] == [
        (ministry.pk, ""),
        (ministry.pk, ""),
        (None, "Karl Brandt"),
    ]
    assert rows[0].form.initial["include"] and rows[1].form.initial["include"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows, message",
    [
        ({0: {"new_speaker_kind": "planet"}}, "Select a valid choice"),
        ({1: {"include": True, "new_speaker_kind": "person"}}, "is a new ministry in an earlier row"),
        ({0: {"new_speaker_country": "999999"}}, "Select a valid choice"),
        ({0: {"new_speaker": "", "speaker": None}}, "Choose who said it"),
    ],
)
def test_an_invalid_institution_row_writes_nothing(client, analyst, rows, message):
    """A kind that does not exist, or one name as an institution and a person, is an error; nothing is written."""
    step2 = client.post(URL, step_one())
    before = _counts()
    response = client.post(URL, save_data(step2, rows))
    assert response.status_code == 200
    assert message in response.content.decode() + " ".join(messages_of(response))
    assert _counts() == before


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_review_page_offers_and_saves_an_institution_in_the_browser(live_server, page):
    """In the browser: the ministry's row says "create institution" with Ministry and Ruritania chosen, and saving
    creates it."""
    ruritania = Country.objects.create(name="Ruritania", code="XR")
    user_with_role("Analyst")
    review_in_browser(
        page,
        live_server,
        MINISTRY_ARTICLE,
        "https://news.example.org/border",
        "Ruritania closes its border",
        "2024-03-04",
    )

    assert page.locator("#id_p-0-new_speaker").input_value() == "Ruritanian Foreign Ministry"
    assert page.locator("#id_p-0-new_speaker_kind option:checked").inner_text() == OfficialKind.MINISTRY.label
    assert page.locator("#id_p-0-new_speaker_country option:checked").inner_text() == "Ruritania"
    assert page.locator("#id_p-2-new_speaker_kind option:checked").inner_text() == "Person"
    assert page.get_by_text("create institution “Ruritanian Foreign Ministry” (ministry)").first.is_visible()
    screenshot(page, "from-article-institution")
    violations = serious_violations(page, exclude=[".breadcrumbs", ".select2-container"])
    assert not violations, "\n".join(violations)
    page.get_by_role("button", name="Save the ticked statements as drafts").click()
    page.wait_for_url(re.compile(r"source__id__exact="))
    assert page.get_by_text("1 new institution (Ruritanian Foreign Ministry)").is_visible()
    ministry = Official.objects.get(name="Ruritanian Foreign Ministry")
    assert (ministry.kind, ministry.country) == (OfficialKind.MINISTRY, ruritania)


@pytest.mark.parametrize(
    "text, kind, speaker",
    [
        (
            "STRELSAU, March 3 (Nordpress) - Ruritania's Foreign Ministry said on Thursday that the border would stay "
            "closed for a month.",
            "paraphrase",
            "Ruritania's Foreign Ministry",
        ),
        (
            "STRELSAU, March 3 (Nordpress) - Karl Brandt said on Thursday that the border would stay closed.",
            "paraphrase",
            "Karl Brandt",
        ),
        ('NORTH STRELSAU — "The border will stay closed for a month," Karl Brandt said.', "direct", "Karl Brandt"),
    ],
)
def test_a_wire_dateline_is_not_the_lead_sentences_subject(text, kind, speaker):
    """Wire copy's "PLACE, Month Day (Agency) - " or "PLACE — " before the lead sentence is neither its subject nor
    what introduces its quote."""
    (proposal,) = extract(text, published=DAY).proposals
    assert (proposal.kind, proposal.speaker.name) == (kind, speaker)
    assert not proposal.text.startswith(("STRELSAU", "NORTH"))


# Wire copy about a ministry's decision, written for these tests: what analysts paste most.
WIRE_ARTICLE = """STRELSAU, March 3 (Nordpress) - Ruritania's Foreign Ministry said on Thursday that it would \
close the northern border for a month.

"The decision is final and it is not directed against anyone," the ministry said in a statement.

Strelsau Palace said the president had approved the measure. "Security comes first," the palace said.

A Foreign Ministry spokeswoman, Lena Orlova, told reporters: "We have informed our neighbours in good time."

"The closure is a violation of our agreements," the Nordic Foreign Office said.

Nordland and Ruritania later issued a joint statement. "Both sides will keep talking," the joint statement said.

"Traffic at the crossing stopped at noon," the Nordpress news agency reported.
"""


@pytest.mark.django_db
def test_wire_copy_about_a_ministry_with_the_database():
    """Against the database: the ministry and the government are the recorded institutions (by the country's
    words), the spokeswoman the recorded person, the other ministry a new institution, the joint statement two
    candidates and the agency nobody."""
    ruritania = Country.objects.create(name="Ruritania", code="XR", aliases="Ruritanian\nStrelsau")
    ministry = OfficialFactory(name="Ruritanian Foreign Ministry", kind=OfficialKind.MINISTRY, country=ruritania)
    government = OfficialFactory(
        name="Government of Ruritania", aliases="Strelsau Palace", kind=OfficialKind.GOVERNMENT, country=ruritania
    )
    orlova = OfficialFactory(name="Lena Orlova", country=ruritania)
    extraction = extract_with_database(WIRE_ARTICLE, published=DAY)
    found = [
        (p.kind, p.speaker and (p.speaker.name, p.speaker.official_id, p.speaker.institution), p.candidates)
        for p in extraction.proposals
    ]
    assert found == [
        ("paraphrase", ("Ruritanian Foreign Ministry", ministry.pk, "ministry"), []),
        ("direct", ("Ruritanian Foreign Ministry", ministry.pk, "ministry"), []),
        ("paraphrase", ("Government of Ruritania", government.pk, "government"), []),
        ("direct", ("Government of Ruritania", government.pk, "government"), []),
        ("direct", ("Lena Orlova", orlova.pk, ""), []),
        ("direct", ("Nordic Foreign Office", None, "government"), []),
        ("direct", None, ["Nordland", "Government of Ruritania"]),
        ("direct", ("Nordpress news agency", None, ""), []),
    ]
    assert extraction.new_official_names == ["Nordic Foreign Office"]
