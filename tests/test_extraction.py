"""The statement extractor: quotes, speakers, dates, suggestions and duplicates, on texts written for these tests
(fictional people) and on the seed article annotated in tests/data/seed-gold.json."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from statements.extraction import (
    KnownCountry,
    KnownOfficial,
    KnownPosition,
    KnownTopic,
    extract,
    find_duplicates,
    normalise,
)
from statements.extraction.db import extract_with_database
from statements.extraction.evaluate import same_person, score_article
from statements.extraction.names import ArticlePeople
from statements.extraction.types import Fragment, Proposal, Speaker
from statements.models import Country
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, TopicFactory

DAY = datetime.date(2016, 11, 11)
SEED = json.loads((Path(__file__).parent / "data" / "seed-gold.json").read_text(encoding="utf-8"))

# A fictional government for the tests: nobody here is a real person.
PETROV = KnownOfficial(
    "Ivan Petrov",
    aliases=("Ivan Petroff",),
    positions=(
        KnownPosition(
            "Press Secretary of the President",
            start=datetime.date(2012, 5, 1),
            country_aliases=("Ruritania", "Ruritanian", "Strelsau Palace"),
        ),
    ),
    id=7,
)
OLD_SPOKESMAN = KnownOfficial(
    "Boris Oldman",
    positions=(
        KnownPosition(
            "Press Secretary of the President",
            start=datetime.date(2000, 1, 1),
            end=datetime.date(2012, 4, 30),
            country_aliases=("Ruritania", "Ruritanian", "Strelsau Palace"),
        ),
    ),
    id=8,
)


def quotes(text: str, **kwargs) -> list:
    """The proposals that contain quoted words."""
    return [p for p in extract(text, published=DAY, **kwargs).proposals if p.has_quote]


def spoken(text: str, **kwargs) -> list[tuple[str, str]]:
    """(text, speaker name) of every proposal."""
    return [(p.text, p.speaker.name if p.speaker else "") for p in extract(text, published=DAY, **kwargs).proposals]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # both orders of a named attribution, straight and curly quotes
        (
            '"We will not be rushed on this," Anna Lindqvist said.',
            [("We will not be rushed on this,", "Anna Lindqvist")],
        ),
        (
            "Anna Lindqvist said: “We will not be rushed on this.”",
            [("We will not be rushed on this.", "Anna Lindqvist")],
        ),
        (
            "“We will not be rushed on this,” said Anna Lindqvist.",
            [("We will not be rushed on this,", "Anna Lindqvist")],
        ),
        # the addressee of "told" is not the speaker, in either order
        ('Anna Lindqvist told Radio Nord: "We will not be rushed."', [("We will not be rushed.", "Anna Lindqvist")]),
        ('"We will not be rushed," Anna Lindqvist told Radio Nord.', [("We will not be rushed,", "Anna Lindqvist")]),
        # the outlet that quotes is not the speaker
        (
            'Nordpress quoted Anna Lindqvist as saying: "We will not be rushed."',
            [("We will not be rushed.", "Anna Lindqvist")],
        ),
        (
            '"We will not be rushed," Anna Lindqvist said, according to Nordpress.',
            [("We will not be rushed,", "Anna Lindqvist")],
        ),
        # an appositive between the name and the cue
        (
            '"The talks are over," Karl Brandt, a former envoy to the region, said on Tuesday.',
            [("The talks are over,", "Karl Brandt")],
        ),
        # titles are stripped; a surname or "Mr." goes back to the full name in the article
        (
            'Foreign Minister Karl Brandt arrived late. "The talks are over," Mr. Brandt said.',
            [("The talks are over,", "Karl Brandt")],
        ),
        ('"We have a deal," said Secretary of State Mara Quill.', [("We have a deal,", "Mara Quill")]),
        # "I" and "we" inside the quote are not speakers
        (
            '"I said we would win, and we did," Anna Lindqvist said.',
            [("I said we would win, and we did,", "Anna Lindqvist")],
        ),
        # cues of boasting, exclaiming and putting it
        ('As Anna Lindqvist puts it, "We will not be rushed."', [("We will not be rushed.", "Anna Lindqvist")]),
        ('"We will not be rushed," Anna Lindqvist exclaimed.', [("We will not be rushed,", "Anna Lindqvist")]),
        ('"We will not be rushed," Anna Lindqvist trumpets.', [("We will not be rushed,", "Anna Lindqvist")]),
        # retorts, shouts and fuming
        ('"We will not be rushed," Anna Lindqvist shot back.', [("We will not be rushed,", "Anna Lindqvist")]),
        ('"We will not be rushed," Anna Lindqvist fumed.', [("We will not be rushed,", "Anna Lindqvist")]),
        ('"Will you be rushed?" Anna Lindqvist pressed.', [("Will you be rushed?", "Anna Lindqvist")]),
        # "a spokeswoman for X, <Name>" is the name; a website that quotes is not the speaker
        (
            '"We will not be rushed," a spokeswoman for the foreign ministry, Anna Lindqvist, said.',
            [("We will not be rushed,", "Anna Lindqvist")],
        ),
        (
            'The Nordpress website quoted Anna Lindqvist as saying: "We will not be rushed."',
            [("We will not be rushed.", "Anna Lindqvist")],
        ),
        # "…, X said, adding: '…'" after a sentence about others: the speaker is X, not the sentence's subject
        (
            'Karl Brandt and Ana Pardo will meet next week, Anna Lindqvist said, adding, "They need a good talk."',
            [("They need a good talk.", "Anna Lindqvist")],
        ),
        # a cue verb in the present tense before the name
        (
            '"We will not be rushed on this," agrees Lou Grayson, 30, of Strelsau.',
            [("We will not be rushed on this,", "Lou Grayson")],
        ),
        # a description whose appositive name lacks its closing comma
        (
            '"We will not be rushed on this," a former envoy, Lou Grayson told Nordpress.',
            [("We will not be rushed on this,", "Lou Grayson")],
        ),
        # a role in lower case, without an article, before the name after the quote
        (
            '"We will not be rushed on this," spokesman Lou Grayson said on Monday.',
            [("We will not be rushed on this,", "Lou Grayson")],
        ),
        (
            '"We will not be rushed on this," political scientist Lou Grayson told Nordpress.',
            [("We will not be rushed on this,", "Lou Grayson")],
        ),
    ],
)
def test_named_speaker(text, expected):
    """The speaker is the person named next to the cue, not the outlet, the addressee or a pronoun in the quote."""
    assert [(p.text, p.speaker.name) for p in quotes(text)] == expected


@pytest.mark.parametrize("speaker", ["the bank", "the joint statement", "the filing", "the ministry"])
def test_institutions_and_documents_are_never_a_person(speaker):
    """ "The bank said" after a person was named is the bank, not that person, and not proposed as an official."""
    (proposal,) = quotes(f'Karl Brandt spoke first. "We will not be rushed on this," {speaker} said.')
    assert proposal.speaker is not None and not proposal.speaker.is_person
    assert proposal.speaker.name != "Karl Brandt"


def test_split_quote_is_one_statement_in_two_fragments():
    """`"A," he said. "B."` is one statement whose two fragments are the two quoted stretches."""
    text = 'Anna Lindqvist spoke after the vote. "We are ready," she said. "But we are not in a hurry."'
    (proposal,) = quotes(text)
    assert [f.text for f in proposal.fragments] == ["We are ready,", "But we are not in a hurry."]
    assert all(text[f.start : f.end] == f.text for f in proposal.fragments)
    assert proposal.speaker.name == "Anna Lindqvist"
    assert proposal.kind == "direct"


@pytest.mark.parametrize(
    "space",
    [
        "\u00a0",  # a no-break space, as web pages write one after a full stop
        "\u202f",  # a narrow no-break space
        "\u2009",  # a thin space
    ],
)
def test_a_space_of_another_kind_reads_as_a_space(space):
    """`"A," she said.&nbsp;"B."` is still one statement in two fragments, and each fragment is the article's own text
    (before, the quote after such a space was lost)."""
    text = f'Anna Lindqvist spoke after the vote. "We are ready," she said.{space}"But we are{space}not in a hurry."'
    (proposal,) = quotes(text)
    assert [f.text for f in proposal.fragments] == ["We are ready,", f"But we are{space}not in a hurry."]
    assert all(text[f.start : f.end] == f.text for f in proposal.fragments)
    assert proposal.speaker.name == "Anna Lindqvist"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an opening mark typed where the quote closes, before the attribution
        ("Karl Brandt spoke. “It is unusual,“ said Karl Brandt, a lawyer.", ["It is unusual,"]),
        # ... and at the paragraph's end, with a space before it
        (
            "“We can read the polls,” Karl Brandt said. “They see that. “\n\nIt rained.",
            ["We can read the polls,", "They see that."],
        ),
        # a pull quote wrapped in two opening marks is still one quote
        ('Karl Brandt spoke.\n\n"“We will not win them all,” Brandt said before adding that he would try."', None),
    ],
)
def test_an_opening_mark_where_a_quote_closes_closes_it(text, expected):
    """'"It is unusual,“ said Brandt': a “ with no space before it, or with nothing after it in its paragraph, closes
    the open quote (before, it opened a new one, and the quote was lost or ran over the attribution)."""
    (proposal,) = quotes(text)
    assert proposal.speaker.name == "Karl Brandt"
    if expected is not None:
        assert [f.text.strip() for f in proposal.fragments] == expected
        assert proposal.kind == "direct"
    assert "said" not in proposal.text


def test_quote_interrupted_by_attribution_mid_sentence_is_one_statement():
    """`"A," she said, "b."` is one statement; `"A," he said. "B," she replied.` is two."""
    (proposal,) = quotes('Mara Quill spoke. "Nobody should doubt us," she said, "and nobody will."')
    assert [f.text for f in proposal.fragments] == ["Nobody should doubt us,", "and nobody will."]
    two = quotes('Karl Brandt met Anna Lindqvist. "We are ready," he said. "We are not," Ms. Lindqvist replied.')
    assert [p.speaker.name for p in two] == ["Karl Brandt", "Anna Lindqvist"]


def test_unnamed_speaker_keeps_a_description_and_later_references_find_it():
    """ "A senior Ruritanian diplomat … said" is proposed as a description; "the diplomat" later is the same one."""
    text = (
        "Karl Brandt left early. A senior Ruritanian diplomat, speaking on condition of anonymity, said the decision "
        'had been taken weeks ago. "It was only a matter of timing," the diplomat said.'
    )
    assert spoken(text) == [
        ("the decision had been taken weeks ago", "senior Ruritanian diplomat"),
        ("It was only a matter of timing,", "senior Ruritanian diplomat"),
    ]
    assert extract(text, published=DAY).new_official_names == []


def test_single_quotation_marks_when_an_article_has_no_double_ones():
    """British style ‘…’ quotes are read when there are no double marks; apostrophes do not end them."""
    text = "‘We gave it everything,’ Mara Quill said. ‘The other side didn’t move, and the leaders’ summit is off.’"
    (proposal,) = quotes(text)
    assert [f.text for f in proposal.fragments] == [
        "We gave it everything,",
        "The other side didn’t move, and the leaders’ summit is off.",
    ]
    assert proposal.speaker.name == "Mara Quill"


def test_quote_over_several_paragraphs():
    """A paragraph ending inside a quote and a next one opening with a quote mark continue one quotation."""
    text = (
        'Karl Brandt was blunt.\n\n"The first thing is money. We have none.\n\n'
        '"The second thing is time, and we have less of it," the minister said.'
    )
    (proposal,) = quotes(text)
    assert [f.text for f in proposal.fragments] == [
        "The first thing is money. We have none.",
        "The second thing is time, and we have less of it,",
    ]
    assert proposal.speaker.name == "Karl Brandt"


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a pronoun goes to the last named speaker
        ('"We are ready," Anna Lindqvist said.\n\n"Nobody else is," she added.', ["Anna Lindqvist"] * 2),
        # a quote with no attribution of its own continues the last speaker
        ('"We are ready," Karl Brandt said.\n\n"The others will have to explain themselves."', ["Karl Brandt"] * 2),
        # "she" skips a man named in between when we know who is who
        (
            'Anna Lindqvist met Karl Brandt. "We are ready," Mr. Brandt said. "We are not," she said.',
            ["Karl Brandt", "Anna Lindqvist"],
        ),
    ],
)
def test_pronouns_and_follow_on_quotes(text, speakers):
    """He/she and unattributed follow-on quotes belong to the last person named as speaker."""
    assert [p.speaker.name for p in quotes(text)] == speakers


@pytest.mark.parametrize(
    "text",
    [
        # the subject after several introductory phrases
        "Anna Lindqvist spoke first. At a rally in Strelsau, Nordland, on Thursday, Karl Brandt attacked the treaty. "
        '"We will not be rushed on this," he said.',
        # a relative clause after the comma: the subject is before it
        "Karl Brandt and Anna Lindqvist met on Monday. Lindqvist spoke first.\n\n"
        "But Brandt, who is running for the senate, added that the plan was sound.\n\n"
        '"We will not be rushed on this," he said.',
        # a person named after the speech verb spoke ("…, said Karl Brandt, a former envoy") ...
        "Anna Lindqvist spoke first. Voters want a plan and a budget, said Karl Brandt, a former envoy. "
        '"We will not be rushed on this," he said.',
        # "There," opens a sentence like any introductory phrase
        "Anna Lindqvist spoke first.\n\nThere, the party chairman Karl Brandt declined to name the delegates.\n\n"
        '"We will not be rushed on this," he said.',
        # a role noun between an adjective in capitals and the name ("Nordland front-runner Karl Brandt")
        "Anna Lindqvist spoke first.\n\nNordland front-runner Karl Brandt caused a stir when a voter asked.\n\n"
        '"We will not be rushed on this," he said.',
        # ... and so did a subject written after its verb
        "Anna Lindqvist spoke first.\n\nAcross town, knocking on doors, is Karl Brandt, a former envoy.\n\n"
        '"We will not be rushed on this," he said.',
        "Anna Lindqvist spoke first.\n\nYet there in the back of the hall was Karl Brandt.\n\n"
        '"We will not be rushed on this," he said.',
    ],
)
def test_a_pronoun_finds_the_subject_of_a_longer_sentence(text):
    """ "He" goes to the person a sentence was about, however many phrases come before its subject."""
    assert [p.speaker.name for p in quotes(text)] == ["Karl Brandt"]


def test_a_name_after_was_is_no_subject_when_a_speech_verb_comes_before():
    """ "The problem, she said, was Karl Brandt" is not written about Brandt: a later "she" is still Lindqvist."""
    text = (
        "Anna Lindqvist met Karl Brandt on Monday. The problem, she said, was Karl Brandt.\n\n"
        '"We will not be rushed on this," she said.'
    )
    assert [p.speaker.name for p in quotes(text)][-1] == "Anna Lindqvist"


@pytest.mark.parametrize(
    "opening",
    [
        "Asserting Brandt was wrong, the panel voted.",  # a gerund, with two Brandts in the article
        "Continued Brandt, in a letter read aloud: the plan continued to fail.",  # a verb in "-ed" also written lower
    ],
)
def test_an_opening_verb_before_a_shared_surname_is_nobody(opening):
    """A verb that opens a sentence before a surname two people share makes no third person of that surname."""
    text = f"Karl Brandt and his wife, Lena Brandt, spoke on Monday.\n\n{opening}\n\nTed Brandt, their son, left."
    assert sorted(person.name for person in ArticlePeople(text).people) == ["Karl Brandt", "Lena Brandt", "Ted Brandt"]


def test_a_sentence_opening_word_before_a_surname_is_no_first_name():
    """ "Regarding Brandt's plan, Anna Lindqvist said …": no person "Regarding Brandt", and Lindqvist is the subject
    a later "she" goes to."""
    text = (
        "Karl Brandt spoke on Monday. Regarding Brandt's plan, Anna Lindqvist said nothing.\n\n"
        '"We will not be rushed on this," she said. "Nor will we," Brandt said.'
    )
    assert [p.speaker.name for p in quotes(text)] == ["Anna Lindqvist", "Karl Brandt"]


def test_a_name_after_said_that_begins_the_reported_words_is_not_the_speaker():
    """ "Mara Quill, a senator, said Karl Brandt should be ready": Brandt is talked about, Quill speaks."""
    text = (
        "Anna Lindqvist spoke first. Mara Quill, a senator, said Karl Brandt should be ready. "
        '"We will not be rushed on this," she said.'
    )
    assert [p.speaker.name for p in quotes(text)] == ["Mara Quill"]


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a word before a full name the article also gives alone is not part of it: a description, a headline
        (
            "Billionaire Karl Brandt spoke on Monday.\n\n"
            '"We will not be rushed on this," Brandt said.\n\nKarl Brandt, a billionaire, left at noon.',
            ["Karl Brandt"],
        ),
        # two role nouns joined by a hyphen are a role, and the body before it goes with it
        (
            '"We will not be rushed on this," Nordland Dock Union Secretary-Treasurer Karl Brandt said.',
            ["Karl Brandt"],
        ),
        # a calling before the name is a role, also when the article never writes it in lower case
        (
            'Businessman Karl Brandt spoke on Monday.\n\n"We will not be rushed on this," Brandt said.',
            ["Karl Brandt"],
        ),
        (
            "Neither Anna Lindqvist nor her aides came.\n\n"
            '"We will not be rushed on this," Ms. Lindqvist said.\n\nAnna Lindqvist is a senator.',
            ["Anna Lindqvist"],
        ),
        (
            "Voters Are Cheering Mara Quill\n\n"
            '"We will not be rushed on this," Quill said.\n\nMara Quill spoke in the capital.',
            ["Mara Quill"],
        ),
        # nor a word after it: the headline's name is the text's name, and "Nordland" no person
        (
            "Mara Quill Wins Nordland’s Primary.\n\n"
            "Mara Quill defeated Karl Brandt on Tuesday.\nNordland’s primary was a closed one.\n"
            '"We will not be rushed on this," she said.',
            ["Mara Quill"],
        ),
        # ... but a first name stays, even before a surname of two words that the article also uses alone
        (
            "Enrique Mora Nieto spoke on Monday.\n\n"
            '"We will not be rushed on this," Mora Nieto said.\n\nThe talks went on.',
            ["Enrique Mora Nieto"],
        ),
        # a name that qualifies a role ("Brandt campaign chairman") is not the subject: the full name after it is
        (
            "Brandt consultant Mara Quill, a pollster, saw the shift. "
            '"We are seeing the shift in the suburbs now," she said.',
            ["Mara Quill"],
        ),
        (
            "Karl Brandt spoke first. But Brandt campaign chairman Lou Grayson said the appeal was wide. "
            '"We think the message will resonate everywhere," he said.',
            ["Lou Grayson"],
        ),
        # ... also when the role's noun is written as a title of the name
        ('"We will not be rushed on this," Brandt campaign Chairman Lou Grayson said.', ["Lou Grayson"]),
        # a person's role with a possessive, then the appositive name: the name ("Rep. Brandt's chief of staff, …")
        (
            'Karl Brandt spoke. "We will not be rushed on this," Nordland Rep. Karl Brandt’s chief of staff, '
            "Lou Grayson, told Nordpress.",
            ["Lou Grayson"],
        ),
        # an employer or a patron before a role and a full name: the person is the full name after the role
        (
            '"We will not be rushed on this," Nordbank Capital portfolio manager Ana Pardo said.',
            ["Ana Pardo"],
        ),
        ('"We will not be rushed on this," Nordland Action Forum’s Ana Pardo said.', ["Ana Pardo"]),
        # ... also when the employer and the title are long, all in capitals
        (
            '"We will not be rushed on this," said Nordland Rural Electric Cooperative Association’s Senior Vice '
            "President for Government Relations Ana Pardo.",
            ["Ana Pardo"],
        ),
        # ... also when the role is an executive's acronym, and the group's name has an ampersand
        ('"We will not be rushed on this," said Nordland Action CEO Ana Pardo.', ["Ana Pardo"]),
        ('"We will not be rushed on this," said Nordland Farmers & Growers Council CEO Ana Pardo.', ["Ana Pardo"]),
        (
            'Karl Brandt spoke. "We will not be rushed on this," Brandt\'s top foreign policy aide Lou Grayson said.',
            ["Lou Grayson"],
        ),
        # a verb written short at the start of a sentence ("Don't Nordlanders …") is no first name
        (
            'Karl Brandt spoke first. Don\'t Nordlanders deserve better?\n\n"We will not be rushed on this," he said.',
            ["Karl Brandt"],
        ),
        # a verb between two names is no role: the first name is still the subject
        (
            'Karl Brandt praised Lou Grayson on Monday. "We think the message will resonate," he said.',
            ["Karl Brandt"],
        ),
    ],
)
def test_the_person_is_the_name_not_the_words_around_it(text, speakers):
    """A full name keeps no word written before it, and a name used as a modifier ("Brandt campaign chairman Lou
    Grayson") does not take the place of the person it describes."""
    assert [p.speaker.name for p in quotes(text)] == speakers


def test_role_description_resolves_to_the_official_holding_that_post_on_the_date():
    """ "The Ruritanian spokesman" is whoever held the press secretary post on the article's date."""
    text = '"There will be no pause in the talks," the Ruritanian spokesman said.'
    (proposal,) = quotes(text, officials=[OLD_SPOKESMAN, PETROV])
    assert (proposal.speaker.name, proposal.speaker.official_id, proposal.speaker.method) == ("Ivan Petrov", 7, "role")
    early = extract(text, published=datetime.date(2010, 3, 1), officials=[OLD_SPOKESMAN, PETROV]).proposals
    assert early[0].speaker.name == "Boris Oldman"


@pytest.mark.parametrize(
    ("mention", "method"),
    [("Ivan Petrov", "explicit"), ("Ivan Petroff", "alias"), ("Petrov", "surname"), ("Mr. Petrov", "surname")],
)
def test_known_official_by_name_alias_or_surname(mention, method):
    """Known officials are matched by full name, alias or surname, and keep their id."""
    (proposal,) = quotes(f'"There will be no pause in the talks," {mention} said.', officials=[PETROV])
    assert (proposal.speaker.name, proposal.speaker.official_id, proposal.speaker.method) == ("Ivan Petrov", 7, method)
    assert not proposal.speaker.is_new_official


def test_unknown_speaker_is_proposed_as_a_new_official():
    """A person who matches no known official comes back as a full name to create."""
    text = 'Defence Minister Karl Brandt spoke on Monday. "We are ready," Brandt said.'
    result = extract(text, published=DAY, officials=[PETROV])
    (proposal,) = [p for p in result.proposals if p.has_quote]
    assert (proposal.speaker.name, proposal.speaker.is_new_official) == ("Karl Brandt", True)
    assert result.new_official_names == ["Karl Brandt"]


@pytest.mark.parametrize(
    "text",
    [
        'Relations after the so-called "reset" were poor.',
        'The minister gave an interview to "Morning Show" on Monday.',
        'The plan, a "bad idea" by most accounts, was dropped.',
        # "called" naming a thing is no speech
        'Karl Brandt was a spy. He moved people out of danger, a process called "exfiltration." He studied makeup.',
        'Ana Pardo was a singer. Her name imitated a song called "Day after Day," so it would fit on a sign.',
        # a title and an appositive saying what it names: a work, not words said
        '"The Art of Talks," a book by Ana Pardo, argues that talks fail.',
        '"The Art of Talks," the latest report by Ana Pardo, said talks fail.',
        'Critics liked "Long Road Home," a 2019 film by Karl Brandt, which won a prize.',
        # a title inside a sentence, with its speaker after it: still a title
        'On Nordland Radio\'s "Morning Show," Karl Brandt said he would run.',
        # a wording inside a sentence of narration: no speaker goes on talking
        'Karl Brandt spoke. The government tried to add the question, "Is this person a citizen of Nordland?", to the '
        "census.",
    ],
)
def test_scare_quotes_and_titles_are_not_statements(text):
    """Short quoted words with no attribution cue of their own are not proposed as quotes, nor is a name after "a
    process called", "a song called", nor a title followed by what it names ("…," a book by …)."""
    assert quotes(text) == []


@pytest.mark.parametrize(
    ("sentence", "kind", "content"),
    [
        # reported content after the cue, and the quote ends it: a partial quote
        (
            'Brandt said that if the talks failed, "I would have walked out."',
            "paraphrase",
            'if the talks failed, "I would have walked out."',
        ),
        (
            'Brandt says no matter what the council decides, "the treaty stands and we will keep it."',
            "paraphrase",
            'no matter what the council decides, "the treaty stands and we will keep it."',
        ),
        # the sentence goes on after the quote in lower case: the quote is part of what it reports
        (
            'Asked why, Brandt said, "We have three weeks to go" until the vote.',
            "paraphrase",
            '"We have three weeks to go" until the vote',
        ),
        ('Brandt said, "We have three weeks to go," he added.', "direct", None),
        # a speech verb further away reports a quote of one or two words too
        (
            'Brandt says the movement sweeping the country and its towns appeals to the "bad angels" of our nature.',
            "paraphrase",
            'the movement sweeping the country and its towns appeals to the "bad angels" of our nature',
        ),
        # a quote opening in lower case after a comma with no cue before it goes on with its sentence
        (
            'The party, attended by hundreds every year, "allows us to get our message out," said Brandt.',
            "paraphrase",
            'The party, attended by hundreds every year, "allows us to get our message out,"',
        ),
        ('"We will keep it," said Brandt, "and nobody will take it from us."', "direct", None),
        # a quote right after such a paraphrase's attribution is its second fragment
        (
            'In his country, "baseball and politics are the national sport," he says. "So let me know if a job opens."',
            "paraphrase",
            'In his country, "baseball and politics are the national sport," So let me know if a job opens.',
        ),
        # only when and where it was said: a whole quote
        ('Brandt said on Monday in an interview with Nordpress, "We will keep the treaty."', "direct", None),
        ('Brandt told reporters that, "We will keep the treaty."', "direct", None),
        ('Brandt said, "as far as I know, nothing has changed."', "direct", None),
    ],
)
def test_a_quote_that_ends_reported_content_is_a_partial_quote(sentence, kind, content):
    """'Brandt said that if the talks failed, "I would …"': the comma before the quote does not make it a whole quote
    when reported content comes between the cue and the quote."""
    (proposal,) = quotes(f"Karl Brandt spoke in Strelsau on Monday. {sentence}")
    assert (proposal.kind, proposal.speaker.name) == (kind, "Karl Brandt")
    if content is not None:
        assert proposal.text == content


@pytest.mark.parametrize(
    ("text", "said", "speaker"),
    [
        ('Karl Brandt was asked who would win. "Denver," he answered.', "Denver,", "Karl Brandt"),
        (
            'Ana Pardo came to see the parade. "Safety," said Pardo, a nurse. "Safety for everybody."',
            "Safety,",
            "Ana Pardo",
        ),
        ('Karl Brandt shook his head. "Never!" Brandt shouted.', "Never!", "Karl Brandt"),
        ('Karl Brandt rose. "Judge," Brandt said, "I have never seen this in thirty years."', "Judge,", "Karl Brandt"),
    ],
)
def test_a_short_quote_with_a_cue_after_it_is_words_said(text, said, speaker):
    """'"Denver," he answered.': a short quote in capitals that opens its sentence and ends in a comma, a question or
    an exclamation mark, with a cue of its own after it, is no title (before, it was dropped as one)."""
    (proposal,) = quotes(text)
    assert proposal.fragments[0].text == said
    assert proposal.kind == "direct"
    assert proposal.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Anna Lindqvist said that Nordland would answer any new sanctions in kind.",
            "Nordland would answer any new sanctions in kind",
            "Anna Lindqvist",
        ),
        (
            "STRELSAU, March 3 (Nordpress) - Ruritania will not extend the river treaty, Karl Brandt said on Tuesday.",
            "Ruritania will not extend the river treaty",
            "Karl Brandt",
        ),
        (
            "Nordland's foreign secretary, Mara Quill, said on Monday that the talks had failed.",
            "the talks had failed",
            "Mara Quill",
        ),
        ("Asked about the talks, Mara Quill said they had failed.", "they had failed", "Mara Quill"),
        (
            "The talks had failed, Nordland's foreign secretary Mara Quill told the Nordland Herald on Monday.",
            "The talks had failed",
            "Mara Quill",
        ),
        (
            "Nordland will keep working with its neighbours on the river treaty, Anna Lindqvist told Radio Nord.",
            "Nordland will keep working with its neighbours on the river treaty",
            "Anna Lindqvist",
        ),
        # a lead sentence whose attribution is followed by more
        (
            "STRELSAU, March 3 (Nordpress) - Nordland will not sign the river treaty, Foreign Minister Karl Brandt "
            "said on Thursday, adding that talks could resume next year.",
            "Nordland will not sign the river treaty",
            "Karl Brandt",
        ),
    ],
)
def test_reported_speech_is_a_paraphrase(text, content, speaker):
    """Reported speech without quotation marks is proposed as a paraphrase of the reported content."""
    (proposal,) = extract(text, published=DAY).proposals
    assert (proposal.kind, proposal.text, proposal.speaker.name, proposal.has_quote) == (
        "paraphrase",
        content,
        speaker,
        False,
    )


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            'Karl Brandt said the treaty was "a museum piece nobody visits any more."',
            'the treaty was "a museum piece nobody visits any more."',
            "Karl Brandt",
        ),
        (
            'Karl Brandt dismissed the treaty as "a museum piece nobody visits."',
            'the treaty as "a museum piece nobody visits."',
            "Karl Brandt",
        ),
        (
            'A Ruritanian official responded by saying Nordland should be "careful not to stir up problems."',
            'Nordland should be "careful not to stir up problems."',
            "Ruritanian official",
        ),
    ],
)
def test_partly_quoted_reported_speech_is_a_paraphrase_with_quoted_words(text, content, speaker):
    """A quote inside a sentence gives the reported content around it, with the subject as speaker."""
    (proposal,) = extract(text, published=DAY).proposals
    assert (proposal.kind, proposal.has_quote, proposal.speaker.name) == ("paraphrase", True, speaker)
    assert proposal.text.rstrip('."') == content.rstrip('."')


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            'Karl Brandt spoke first. "It seems extremely unlikely" that the bill can pass, said Lou Grayson, a former'
            " envoy to the region.",
            "Lou Grayson",
        ),
        ('Karl Brandt spoke first. "We are horrified" by the shooting at the club, Ana Pardo said.', "Ana Pardo"),
        (
            'Karl Brandt spoke first. "The most impressive aspect is resilience," like the recent volatility of'
            " markets, said Ana Pardo, an economist.",
            "Ana Pardo",
        ),
    ],
)
def test_a_quote_whose_sentence_goes_on_to_its_speaker_is_theirs(text, speaker):
    """'"…" that the bill can pass, said Lou Grayson': the words after the quote are the speaker's paraphrase, and the
    name at the end of the sentence is the speaker, not the person named before."""
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.kind, p.speaker.name) for p in proposals] == [("paraphrase", speaker)]


@pytest.mark.parametrize(
    "text",
    [
        'Karl Brandt spoke. In his memoir, "A Time for Truth," published in 2015, Lou Grayson described his youth.',
        'Karl Brandt spoke. Her book "The Art of Talks," out in May, sold well, Lou Grayson said.',
    ],
)
def test_a_title_is_not_the_quote_of_the_person_named_later_in_its_sentence(text):
    """A book's title is no quote of the person named at the end of the sentence it is in."""
    assert [p for p in extract(text, published=DAY).proposals if p.has_quote] == []


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("NEW YORK, November 11. /TASS/. Talks went on.", datetime.date(2016, 11, 12), datetime.date(2016, 11, 11)),
        ("MOSCOW, December 30. /TASS/. Talks went on.", datetime.date(2017, 1, 2), datetime.date(2016, 12, 30)),
        ("Talks went on all night.", datetime.date(2016, 11, 12), datetime.date(2016, 11, 12)),
        # a transcript's own date line under its heading, with its year; never one after the publication
        (
            "THE WHITE HOUSE\n\nPRESS BRIEFING\n\nMarch 3, 2026\n\nMS. GRAYSON: Good afternoon.",
            datetime.date(2026, 3, 5),
            datetime.date(2026, 3, 3),
        ),
        ("Tuesday, March 3, 2026\n\nTalks went on.", datetime.date(2026, 3, 5), datetime.date(2026, 3, 3)),
        ("March 9, 2026\n\nTalks went on.", datetime.date(2026, 3, 5), datetime.date(2026, 3, 5)),
        ("Talks went on until March 3, 2026.", datetime.date(2026, 3, 5), datetime.date(2026, 3, 5)),
    ],
)
def test_dateline_takes_its_year_from_the_publication_date(text, published, expected):
    """A dateline without a year gets the publication year (the previous one across New Year); else the pub date."""
    assert extract(text, published=published).date == expected


def test_countries_and_topics_are_suggested_by_whole_case_aware_words():
    """Aliases match as whole words, as written when they have capitals: "US" is not "us", "sanction" not in
    "sanctioned"."""
    countries = [KnownCountry("United States", ("US", "Washington"), code="US"), KnownCountry("Russia", ("Moscow",))]
    topics = [KnownTopic("Sanctions", ("sanction",)), KnownTopic("Syria", ("Aleppo",))]
    text = '"Let us talk to Washington about Aleppo, not about who was sanctioned," Ivan Petrov said.'
    (proposal,) = quotes(text, countries=countries, topics=topics)
    assert [c.name for c in proposal.countries] == ["United States"]
    assert [t.name for t in proposal.topics] == ["Syria"]


@pytest.mark.parametrize(
    ("phrase", "suggested"),
    [
        ("Norwegian territory", ["Norway"]),
        ("the Russian side", ["Russia"]),
        ("Chinese and Turkish diplomats", ["China", "Turkey"]),
        ("the German position", ["Germany"]),
        ("the Indiana primary", []),  # an adjective is a country's stem and a usual ending, nothing longer
        ("a Russianist's view", []),
    ],
)
def test_countries_are_suggested_by_their_adjective(phrase, suggested):
    """A country named by its adjective ("Norwegian territory") is suggested like one named outright."""
    countries = [KnownCountry(name) for name in ("Norway", "Russia", "China", "Turkey", "Germany", "India")]
    (proposal,) = quotes(f'"We will talk about {phrase} first," Anna Lindqvist said.', countries=countries)
    assert [c.name for c in proposal.countries] == suggested


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # the quote's comma before "he said" ends a sentence when the next fragment starts one
        (
            '"We are ready for a negotiation," Anna Lindqvist said. "We will not wait for ever."',
            "We are ready for a negotiation. We will not wait for ever.",
        ),
        # and disappears inside a sentence
        ('"The plan," Anna Lindqvist said, "is dead."', "The plan is dead."),
        # a fragment ending in its own full stop is kept as it is
        ('"We are ready." Anna Lindqvist said. "We will not wait."', "We are ready. We will not wait."),
    ],
)
def test_fragments_join_into_one_readable_statement(text, statement):
    """Two quoted stretches of one statement read as the speaker's words, not "…negotiation, We will…"."""
    assert [p.text for p in quotes(text)] == [statement]


@pytest.mark.parametrize(
    ("mention", "name", "title"),
    [
        ("Texas Rep. Lou Grayson", "Lou Grayson", "Texas Rep."),
        ("Retired Lt. Gen. Mick Halvorsen", "Mick Halvorsen", "Retired Lt. Gen."),
        ("Sen. Ana Pardo", "Ana Pardo", "Sen."),
        ("Army Capt. Ana Pardo", "Ana Pardo", "Army Capt."),
        ("Florida-based Matt Ruiz", "Matt Ruiz", "Florida-based"),
        # any capitalised word with a lower-case tail is a modifier, not a first name
        ("Ohio-raised Matt Ruiz", "Matt Ruiz", "Ohio-raised"),
        ("Manhattan-made Mr. Ruiz", "Ruiz", "Manhattan-made Mr."),
        # ... while hyphenated names keep both halves
        ("Jean-Marie Ruiz", "Jean-Marie Ruiz", ""),
        ("Ana Pardo-Ruiz", "Ana Pardo-Ruiz", ""),
        ("Sen.\xa0Ana Pardo", "Ana Pardo", "Sen."),  # a no-break space after the title
        ("Ana Pardo", "Ana Pardo", ""),
        # a title word or a post inside a longer run of capitals, with a name after it
        ("Senate Intelligence Ranking Democrat Ana Pardo", "Ana Pardo", "Senate Intelligence Ranking Democrat"),
        ("City Council Speaker Ana Pardo-Ruiz", "Ana Pardo-Ruiz", "City Council Speaker"),
        ("Clark County Sheriff Lou Grayson", "Lou Grayson", "Clark County Sheriff"),
        # a plural title ("Democrats Ana Pardo and Lou Grayson") is a title too, not a first name
        ("Democrats Ana Pardo", "Ana Pardo", "Democrats"),
        ("Professors Lou Grayson", "Lou Grayson", "Professors"),
    ],
)
def test_titles_and_ranks_are_split_from_the_name(mention, name, title):
    """A title or rank before a name, with a state or service before it, goes to the title, not the name."""
    (proposal,) = quotes(f'"We will not be rushed on this," {mention} said.')
    assert (proposal.speaker.name, proposal.speaker.title) == (name, title)


@pytest.mark.parametrize(
    ("mention", "is_person"),
    [
        # a first name that is also a word ("a bill") or a particle ("al-") is still a first name
        ("Bill Grayson", True),
        ("Al Brandt", True),
        # the first word of a place name never starts a person's name
        ("New Strelsau", False),
        ("San Marco", False),
        # initials for a first name
        ("J.J. Grayson", True),
    ],
)
def test_first_names_that_are_also_words_and_places_that_look_like_names(mention, is_person):
    """ "Bill Grayson" and "Al Brandt" are people; "New Strelsau" is not."""
    (proposal,) = quotes(f'"We will not be rushed on this," {mention} said.')
    assert (proposal.speaker.name, proposal.speaker.is_person) == (mention, is_person)


@pytest.mark.parametrize(
    "headline",
    [
        "Voters Move Against Lou Grayson",
        # a number in the headline ("for 2nd Term") does not make it a sentence
        "Nordland Nominates Lou Grayson for 2nd Term at Central Bank.",
    ],
)
def test_a_title_case_headline_does_not_lengthen_a_name(headline):
    """In a headline every word is capitalised: "Voters Move Against Lou Grayson" is not a longer name for
    Grayson when the text gives "Lou Grayson"."""
    text = f'{headline}\n\n"We will not be rushed on this," Grayson said.\n\nLou Grayson spoke.'
    assert [p.speaker.name for p in quotes(text)] == ["Lou Grayson"]


@pytest.mark.parametrize(
    ("text", "speakers", "candidates"),
    [
        # a named speaker next to the cue is proposed with confidence
        ('"We will not be rushed on this," Anna Lindqvist said.', ["Anna Lindqvist"], [[]]),
        # a quote of its own, paragraphs after its likely speaker and with two other people named since: unknown
        (
            '"We are ready," Karl Brandt said.\n\nAnna Lindqvist met Mara Quill in the capital.\n\n'
            "The meeting lasted an hour and nothing was agreed.\n\nThe weather was cold.\n\n"
            '"Nobody will be able to say we did not try."',
            ["Karl Brandt", ""],
            [[], ["Anna Lindqvist", "Karl Brandt", "Mara Quill"]],  # who spoke or was a subject, then the others
        ),
        # a word that is no name ("Recently", a month, an adjective) is not a speaker
        ('"We will not be rushed on this," Recently said.', [""], [[]]),
        # a description matched to a person only by the article's words, and not "the" with a post ...
        (
            "Karl Brandt, a district party leader, spoke first. "
            '"We will not be rushed on this," one district party leader said.',
            [""],
            [["Karl Brandt"]],
        ),
        # ... while "the district party leader" is proposed
        (
            "Karl Brandt, a district party leader, spoke first. "
            '"We will not be rushed on this," the district party leader said.',
            ["Karl Brandt"],
            [[]],
        ),
    ],
)
def test_a_doubtful_speaker_is_left_unknown_with_candidates(text, speakers, candidates):
    """Below the confidence threshold the proposal has no speaker ("speaker unknown") and lists whom it might be;
    a wrong name is worse than a blank."""
    found = quotes(text)
    assert [p.speaker.name if p.speaker else "" for p in found] == speakers
    assert [p.candidates for p in found] == candidates
    assert all(p.speaker.confidence >= 0.5 for p in found if p.speaker)


def test_duplicate_check_flags_near_identical_text_of_the_same_speaker():
    """A proposal is a duplicate when the same speaker already has near-identical text (punctuation aside)."""
    text = '"We cannot afford a pause for a couple of months in Syria," Ivan Petrov said.'
    existing = [
        ("Boris Oldman", "We cannot afford a pause for a couple of months in Syria."),
        ("Ivan Petrov", "We cannot afford a pause for a couple of months, in Syria"),
    ]
    (proposal,) = quotes(text, existing=existing)
    assert proposal.duplicate_of == 1
    assert find_duplicates(quotes(text), [("Ivan Petrov", "Syria is a burning issue for all of us.")]) == []


def test_seed_article_against_hand_annotation():
    """Every Peskov quote and paraphrase in the seed article is found, attributed to Peskov, dated 2016-11-11."""
    result = extract(SEED["text"], published=datetime.date.fromisoformat(SEED["date"]))
    assert result.date == datetime.date(2016, 11, 11)
    scores = score_article(SEED["quotes"], result.proposals, ["direct", "paraphrase"])
    for score in scores.values():
        assert (score.precision, score.recall, score.speaker_accuracy) == (1.0, 1.0, 1.0), score.misses
    assert {p.speaker.name for p in result.proposals} == {"Dmitry Peskov"}


def test_seed_article_with_known_officials_attributes_everything_to_the_official():
    """Resolved against a known Peskov (the "Kremlin spokesman" by his post), every proposal carries his id."""
    peskov = KnownOfficial(
        "Dmitry Peskov",
        aliases=("Dmitri Peskov",),
        positions=(
            KnownPosition(
                "Press Secretary of the President of Russia",
                start=datetime.date(2012, 5, 22),
                country_aliases=("Russia", "Russian", "Moscow", "Kremlin"),
            ),
        ),
        id=1,
    )
    others = [KnownOfficial("Vladimir Putin", id=2), KnownOfficial("Donald Trump", id=3)]
    result = extract(SEED["text"], published=datetime.date(2016, 11, 11), officials=[*others, peskov])
    assert {(p.speaker.name, p.speaker.official_id) for p in result.proposals} == {("Dmitry Peskov", 1)}
    stressed = [p for p in result.proposals if p.cue == "stressed"]
    assert [(p.speaker.mention, p.speaker.method) for p in stressed] == [("the Kremlin spokesman", "role")]
    assert result.new_official_names == []


def test_normalised_names_ignore_case_accents_initials_and_descriptions():
    """Speaker names compare without accents, middle initials, suffixes or a parenthesised note."""
    assert normalise("Karl B. Brandt Jr.") == normalise("karl brandt")
    assert normalise("José Núñez") == normalise("Jose Nunez")
    assert normalise("Ruritanian official (unnamed)") == normalise("a Ruritanian official")


ONE_WORD_ARTICLE = (
    "Mara Quill met Karl Brandt and Lena Brandt. Tomas Ferro arrived later; Ferro's aide, Tomas Vell, stayed home."
)


@pytest.mark.parametrize(
    "said, gold, right",
    [
        ("Mara Quill", "Quill", True),  # the only full name with that surname
        ("Mara Quill", "Mara", True),  # a first name alone, the only Mara
        ("Karl Brandt", "Brandt", False),  # two Brandts: the one word could mean either
        ("Tomas Ferro", "Tomas", False),  # two men called Tomas
        ("Tomas Ferro", "Ferro", True),
        ("Mara Quill", "Brandt", False),  # another person's surname
        ("Mara Quill", "Mara Quill", True),
        ("Quill", "Mara Quill", False),  # a surname said is still not the full name
        ("Ivo Quill", "Quill", False),  # a full name the article never writes
    ],
)
def test_a_one_word_gold_name_counts_for_the_full_name_it_can_only_mean(said, gold, right):
    """The scorer accepts a full name for a one-word gold name only when the article gives nobody else that word."""
    gold_quotes = [{"type": "direct", "quote_spans": [[0, 10]], "speaker": gold}]
    speaker = Speaker(name=said, mention=said, method="explicit", is_new_official=True)
    fragment = Fragment(0, 10, ONE_WORD_ARTICLE[:10])
    proposal = Proposal(kind="direct", text=fragment.text, fragments=[fragment], speaker=speaker, cue="said", date=DAY)
    (score,) = score_article(gold_quotes, [proposal], ["direct"], ONE_WORD_ARTICLE).values()
    assert (score.speakers_right, score.speakers_wrong) == ((1, 0) if right else (0, 1))
    assert score.strict_named_accuracy == (1.0 if right and gold == said else 0.0)


@pytest.mark.parametrize(
    "said, gold, same",
    [
        ("Ana Pardo Ruiz", "Ana Pardo", True),  # the gold cuts a second family name
        ("Ana Pardo", "Ana Pardo Ruiz", True),
        ("Ana Pardo Ruiz", "Ana Ruiz", True),  # first and last name, as before
        ("Ana Pardo Ruiz", "Ana Gómez", False),
        ("Ana Pardo Ruiz", "Pardo", False),  # a surname alone is still not the full name
        ("Ana Pardo Ruiz Gómez", "Ana Pardo", False),  # more than one word cut
    ],
)
def test_a_name_is_the_same_without_its_second_family_name(said, gold, same):
    """The scorer takes "Melba Acosta Febo" for a gold "Melba Acosta": one person, the second family name cut."""
    assert same_person(said, gold) is same


def test_a_long_article_yields_every_quote():
    """A 2,000-word article gives every quote and paraphrase in it (its speed is a `make bench` figure)."""
    paragraph = (
        'Anna Lindqvist spoke at length. "We are ready to talk about the river treaty and the border," she said. '
        "Karl Brandt said that the talks would resume next month in the capital.\n\n"
    )
    text = paragraph * 70
    assert len(text.split()) >= 2000
    result = extract(text, published=DAY)
    assert len(result.proposals) == 140


@pytest.mark.django_db
def test_command_prints_json_resolved_against_the_database(tmp_path, capsys):
    """`extract_statements FILE --date` prints JSON proposals with speakers resolved to officials in the database."""
    official = OfficialFactory(name="Ivan Petrov")
    PositionFactory(official=official, title="Press Secretary of the President", start_date=datetime.date(2012, 1, 1))
    TopicFactory(name="River treaty", keywords="river\ntreaty")
    StatementFactory(speaker=official, text="The river treaty is not up for discussion.")
    article = tmp_path / "article.txt"
    article.write_text('"The river treaty is not up for discussion," Petrov said.', encoding="utf-8")
    call_command("extract_statements", str(article), "--date", "2016-11-11")
    data = json.loads(capsys.readouterr().out)
    (proposal,) = data["proposals"]
    assert proposal["speaker"]["official_id"] == official.pk
    assert proposal["date"] == "2016-11-11"
    assert [t["name"] for t in proposal["topics"]] == ["River treaty"]
    assert proposal["duplicate_of"] == 0


@pytest.mark.django_db
def test_database_adapter_resolves_a_role_through_the_position_and_its_country_aliases():
    """ "The Kremlin spokesman" finds the official whose position (in a country with alias Kremlin) fits the date."""
    russia = Country.objects.get(code="RU")
    russia.aliases = "Kremlin\nRussian"
    russia.save()
    official = OfficialFactory(name="Ivan Petrov")
    PositionFactory(
        official=official,
        title="Press Secretary of the President",
        organisation="Presidential Executive Office",
        country=russia,
        start_date=datetime.date(2012, 5, 1),
    )
    result = extract_with_database(
        '"There will be no pause in the talks," the Kremlin spokesman said.', published=datetime.date(2016, 11, 11)
    )
    (proposal,) = result.proposals
    assert (proposal.speaker.official_id, proposal.speaker.method) == (official.pk, "role")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["missing.txt"], "No such file"), (["{article}", "--date", "11/11/2016"], "--date must look like")],
)
def test_command_rejects_bad_input_with_a_clear_message(tmp_path, arguments, message):
    """A missing file or a malformed date is a CommandError with a message, not a traceback."""
    article = tmp_path / "article.txt"
    article.write_text("Nothing to see.", encoding="utf-8")
    arguments = [a.format(article=article) if a != "missing.txt" else str(tmp_path / a) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("extract_statements", *arguments)
