"""Briefing transcripts (statements/extraction/transcript.py): each official's turn is one statement by the speaker
its label names. The people are fictional."""

import datetime

import pytest

from statements.extraction import KnownOfficial, KnownPosition, extract
from statements.extraction.evaluate import score_article
from statements.extraction.transcript import label_mention

DAY = datetime.date(2024, 3, 5)
BRIEFING = """Press Briefing by Spokesperson Mara Quill and Deputy Minister Karl Brandt

MS. QUILL: Good afternoon, everybody. I have two things at the top.

First, the talks in Strelsau resumed this morning, and we expect them to continue through Thursday.

Q Will the minister attend?

MS. QUILL: He will not. I'll let Karl speak to that.

MR. BRANDT: Thanks, Mara. We have said from the start that this is "a process, not an event," and that remains true.

QUESTION: Is the offer still on the table?

MR. BRANDT: It is.

MODERATOR: Last question.
"""


def turns_of(text: str, **kwargs) -> list[tuple[str, str]]:
    """(speaker, statement) for every proposal with quoted words or a turn."""
    proposals = extract(text, published=DAY, **kwargs).proposals
    return [(p.speaker.name if p.speaker else "", p.text) for p in proposals if p.has_quote]


def test_each_official_turn_is_a_statement_by_the_full_name_the_transcript_gives():
    """Reporters' and the moderator's turns are left out; an official's turn runs over its paragraphs."""
    assert turns_of(BRIEFING) == [
        (
            "Mara Quill",
            "Good afternoon, everybody. I have two things at the top. First, the talks in Strelsau resumed this "
            "morning, and we expect them to continue through Thursday.",
        ),
        ("Mara Quill", "He will not. I'll let Karl speak to that."),
        (
            "Karl Brandt",
            'Thanks, Mara. We have said from the start that this is "a process, not an event," and that remains true.',
        ),
        ("Karl Brandt", "It is."),
    ]


def test_a_turn_that_is_only_a_stage_direction_is_no_statement():
    """ "(Points to himself.)" or "(Laughter.)" alone: nothing is said, so nothing is proposed."""
    text = (
        "Remarks by Secretary Anna Lindqvist and Minister Karl Brandt\n\n"
        "SECRETARY LINDQVIST: Okay, I'll go.\n\n"
        "MINISTER BRANDT: (Points to himself.)\n\n"
        "SECRETARY LINDQVIST: (Laughs.) You go this time.\n\n"
        "MINISTER BRANDT: (As interpreted.)\n\n"
        "We will not accept this.\n"
    )
    assert turns_of(text) == [
        ("Anna Lindqvist", "Okay, I'll go."),
        ("Anna Lindqvist", "(Laughs.) You go this time."),
        ("Karl Brandt", "We will not accept this."),
    ]


def test_a_turn_has_one_fragment_per_paragraph_without_its_label():
    """The fragments are the words spoken, so the verbatim check finds them in the pasted text."""
    first = extract(BRIEFING, published=DAY).proposals[0]
    assert [f.text for f in first.fragments] == [
        "Good afternoon, everybody. I have two things at the top.",
        "First, the talks in Strelsau resumed this morning, and we expect them to continue through Thursday.",
    ]
    assert all(BRIEFING[f.start : f.end] == f.text for f in first.fragments)
    assert (first.kind, first.speaker.mention, first.speaker.confidence) == ("direct", "Ms. Quill", 0.9)


def test_a_labelled_turn_resolves_to_a_known_official():
    """ "SECRETARY LINDQVIST:" is the known official with that surname."""
    text = (
        "Remarks by Secretary Anna Lindqvist\n\n"
        "SECRETARY LINDQVIST: We will not accept this.\n\n"
        "Q Why not?\n\n"
        "SECRETARY LINDQVIST: Because it breaks the treaty.\n"
    )
    proposals = extract(text, published=DAY, officials=[KnownOfficial("Anna Lindqvist", id=4)]).proposals
    assert [(p.text, p.speaker.official_id) for p in proposals] == [
        ("We will not accept this.", 4),
        ("Because it breaks the treaty.", 4),
    ]


# A president known to the database, from 2020: whom "THE PRESIDENT:" means with officials loaded.
RASK = KnownOfficial(
    "Ivo Rask",
    positions=(
        KnownPosition("President of Ruritania", start=datetime.date(2020, 1, 1), country_aliases=("Ruritania",)),
    ),
    id=9,
)


def test_the_president_is_the_known_official_holding_that_post_on_the_date():
    """ "THE PRESIDENT:" names nobody; with known officials it is whoever was president that day."""
    text = "Remarks by the President\n\nTHE PRESIDENT: We will win.\n\nQ Sir?\n\nTHE PRESIDENT: Thank you all.\n"
    assert {p.speaker.name for p in extract(text, published=DAY).proposals} == {"President"}
    assert {p.speaker.official_id for p in extract(text, published=DAY, officials=[RASK]).proposals} == {9}


@pytest.mark.parametrize(
    "text",
    [
        # one label-like line in a news story is not a transcript
        'MR. BRANDT: A LIFE IN POLITICS\n\nKarl Brandt said on Tuesday that "the talks are over for now".\n',
        # a headline with a colon, then prose
        "BREAKING: Talks resume\n\nThe talks resumed in Strelsau on Tuesday, officials said.\n",
    ],
)
def test_text_that_is_not_a_transcript_gets_no_turns(text):
    """Fewer than two official labels: the text is read as news."""
    assert all(p.speaker is None or p.speaker.mention != "Mr. Brandt" for p in extract(text, published=DAY).proposals)
    assert [p.fragments[0].start for p in extract(text, published=DAY).proposals if p.text.startswith("A LIFE")] == []


@pytest.mark.parametrize(
    "label, mention",
    [
        ("MR. KIRBY", "Mr. Kirby"),
        ("MS. JEAN-PIERRE", "Ms. Jean-Pierre"),
        ("SECRETARY OF STATE BLINKEN", "Secretary of State Blinken"),
        ("AMBASSADOR THOMAS-GREENFIELD", "Ambassador Thomas-Greenfield"),
        ("THE PRESIDENT", "the President"),
    ],
)
def test_a_label_is_read_as_running_text_writes_it(label, mention):
    """The label becomes the mention the speaker is resolved from (and the page shows)."""
    assert label_mention(label) == mention


NEWS = 'Talks resume\n\nThe talks resumed on Monday. "Nothing is agreed," an aide was overheard telling a colleague.\n'


@pytest.mark.parametrize(
    "text, gold, false_turns, false_quotes",
    [
        # a news article's false quote is no false turn
        (NEWS, [], 0, 1),
        # a transcript whose gold leaves Mr. Brandt's turns out: his proposed turns are false turns and false quotes
        (BRIEFING, "quill", 2, 2),
    ],
    ids=["news", "transcript"],
)
def test_the_scorer_charges_a_false_turn_only_for_a_proposed_turn(text, gold, false_turns, false_quotes):
    """The evaluation's turn precision counts proposed turns that are none, not every unmatched proposal."""
    proposals = extract(text, published=DAY).proposals
    quotes = [
        {"type": "turn", "quote_spans": [[p.start, p.end]], "speaker": "Mara Quill"}
        for p in proposals
        if gold == "quill" and p.speaker and p.speaker.name == "Mara Quill"
    ]
    scores = score_article(quotes, proposals, ["direct", "turn"], text)
    assert (scores["turn"].false_positives, scores["direct"].false_positives) == (false_turns, false_quotes)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name in accented capitals is a label like any other
        (
            "Remarks by President Ana Núñez and Minister Karl Brandt\n\n"
            "PRESIDENT NÚÑEZ: (As interpreted.) We agreed on the border.\n\n"
            "MINISTER BRANDT: We did.\n",
            [("Ana Núñez", "(As interpreted.) We agreed on the border."), ("Karl Brandt", "We did.")],
        ),
        # the closing time is the transcript's, not the last speaker's words
        (
            "Remarks by Secretary Anna Lindqvist\n\n"
            "SECRETARY LINDQVIST: We will not accept this.\n\n"
            "Q Why not?\n\n"
            "SECRETARY LINDQVIST: Because it breaks the treaty.\n\n"
            "7:17 P.M. EDT\n",
            [("Anna Lindqvist", "We will not accept this."), ("Anna Lindqvist", "Because it breaks the treaty.")],
        ),
    ],
)
def test_turns_end_where_the_speaker_stops(text, expected):
    """Each official's turn is proposed, and only the words the official spoke."""
    assert turns_of(text) == expected


def test_an_unnamed_official_is_proposed_with_no_name():
    """A background call's "SENIOR ADMINISTRATION OFFICIAL:" speaks, but the transcript names nobody: the turns are
    proposed, and no person is given for them; the moderator's turn is not proposed."""
    text = (
        "Background Press Call by Senior Administration Officials on the Strelsau Talks\n\n"
        "MODERATOR: Thanks, everyone. This call is on background.\n\n"
        "SENIOR ADMINISTRATION OFFICIAL: The talks resumed this morning.\n\n"
        "They will continue through Thursday.\n\n"
        "Q Will the minister attend?\n\n"
        "SENIOR ADMINISTRATION OFFICIAL #2: He will not.\n"
    )
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.text, p.speaker is not None and p.speaker.is_person) for p in proposals] == [
        ("The talks resumed this morning. They will continue through Thursday.", False),
        ("He will not.", False),
    ]


@pytest.mark.parametrize(
    "title, question, speakers",
    [
        # a reporter's "Q" before the secretary's name is no initial: not "Q Secretary Brandt"
        (
            "Press Briefing by Press Secretary Anna Lindqvist and Secretary of Energy Karl Brandt",
            "Q Secretary Brandt, will you go?",
            ["Anna Lindqvist", "Karl Brandt"],
        ),
        # the page never gives his first name but writes "Brandt" in running text: the label names a person
        (
            "Press Briefing by Press Secretary Anna Lindqvist",
            "Q Secretary Brandt, will you go?",
            ["Anna Lindqvist", "Brandt"],
        ),
        # a surname written only in the label may be the page's slip: left unknown, not proposed as a person
        ("Press Briefing by Press Secretary Anna Lindqvist", "Q Will you go?", ["Anna Lindqvist", ""]),
    ],
)
def test_a_post_and_surname_label_is_the_person_the_page_names(title, question, speakers):
    """ "SECRETARY BRANDT:" in a briefing whose title does not name him: the reporter's "Q" is never part of the
    name, and the label's surname is a person when the page writes it elsewhere."""
    text = f"{title}\n\nMS. LINDQVIST: Good afternoon.\n\n{question}\n\nSECRETARY BRANDT: We will not accept this.\n"
    proposals = extract(text, published=DAY).proposals
    assert [p.speaker.name if p.speaker and p.speaker.is_person else "" for p in proposals] == speakers


@pytest.mark.parametrize(
    "title, labels, speakers",
    [
        # the title's long post runs into the name: the name starts at the first name
        (
            "Press Briefing by Press Secretary Anna Lindqvist and Council Coordinator for Strategic Communications "
            "Karl Brandt",
            ("MS. LINDQVIST", "MR. BRANDT"),
            ["Anna Lindqvist", "Karl Brandt"],
        ),
        # no first name anywhere: the name the title writes after a post, up to the title's next word
        (
            "Remarks by Vice President Lindqvist and Prime Minister Brandt of Ruritania Before Bilateral Meeting",
            ("VICE PRESIDENT LINDQVIST", "PRIME MINISTER BRANDT"),
            ["Lindqvist", "Brandt"],
        ),
        # "THE PRESIDENT" is the president the title names, never "Rask Before Marine One Departure"
        ("Remarks by President Rask Before Marine One Departure", ("THE PRESIDENT", "THE PRESIDENT"), ["Rask"] * 2),
        # a post in the label that the title does not give ("Administrator") is no part of the name
        (
            "Press Briefing by Press Secretary Anna Lindqvist and Climate Adviser Karl Brandt",
            ("MS. LINDQVIST", "ADMINISTRATOR BRANDT"),
            ["Anna Lindqvist", "Karl Brandt"],
        ),
    ],
)
def test_the_speaker_of_a_turn_is_named_as_the_page_title_names_them(title, labels, speakers):
    """A briefing page's title names its speakers in title case: the name is the person's, not the title's words
    around it."""
    text = f"{title}\n\n{labels[0]}: We will not accept this.\n\nQ Why not?\n\n{labels[1]}: It breaks the treaty.\n"
    proposals = extract(text, published=DAY).proposals
    assert [p.speaker.name if p.speaker and p.speaker.is_person else "" for p in proposals] == speakers


@pytest.mark.parametrize(
    "label, mention",
    [
        ("ADMINISTRATOR LINDQVIST", "Administrator Lindqvist"),
        ("DIRECTOR LINDQVIST", "Director Lindqvist"),
        ("MAYOR LINDQVIST", "Mayor Lindqvist"),
        ("CONGRESSWOMAN LINDQVIST", "Congresswoman Lindqvist"),
        ("STATE REPRESENTATIVE LINDQVIST", "State Representative Lindqvist"),
        ("CHAIR LINDQVIST", "Chair Lindqvist"),
        ("LEADER LINDQVIST", "Leader Lindqvist"),
        ("TAOISEACH NÍ BHRIAIN", "Taoiseach Ní Bhriain"),
        ("GENERAL SECRETARY TRỌNG", "General Secretary Trọng"),
        ("LIEUTENANT GENERAL LINDQVIST", "Lieutenant General Lindqvist"),
        ("THE SECOND GENTLEMAN", "the Second Gentleman"),
    ],
)
def test_an_officials_post_in_a_label_makes_a_turn(label, mention):
    """Heads of agencies, mayors, members of a legislature and leaders of other countries speak in turns too; an
    audience member, an aide or a coach does not."""
    text = f"Remarks in Strelsau\n\n{label}: We will.\n\nQ Why?\n\n{label}: Because.\n\nAUDIENCE MEMBER: Thank you!\n"
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.speaker.mention, p.text) for p in proposals] == [(mention, "We will."), (mention, "Because.")]


@pytest.mark.parametrize(
    "head, labels, speakers",
    [
        # the text names the president's son in full: the president is still the one the title names, as written
        (
            "Remarks by President Rask Before Marine One Departure",
            ("THE PRESIDENT", "THE PRESIDENT"),
            ["Rask", "Rask"],
        ),
        # the page writes the president's full name after the post: that is the name, not a former president's
        (
            "Remarks by President Rask Before Marine One Departure\n\nPresident Ivo Rask spoke on the South Lawn, "
            "beside former President Edvard Rask.",
            ("THE PRESIDENT", "THE PRESIDENT"),
            ["Ivo Rask", "Ivo Rask"],
        ),
        # a title with two posts: each label is the person named with its own post, not with a longer one
        (
            "Remarks by Vice President Lindqvist and President Rask of Ruritania",
            ("THE VICE PRESIDENT", "THE PRESIDENT"),
            ["Lindqvist", "Rask"],
        ),
        (
            "Remarks by Vice President Lindqvist and Prime Minister Brandt",
            ("THE VICE PRESIDENT", "THE PRESIDENT"),
            ["Lindqvist", ""],
        ),
        (
            "Remarks by the President and First Lady Ana Rask at a Reception",
            ("THE PRESIDENT", "THE FIRST LADY"),
            ["", "Ana Rask"],
        ),
        # no name in the title, or two people with the post: the label stays a description
        ("Remarks by the President Before Marine One Departure", ("THE PRESIDENT", "THE PRESIDENT"), ["", ""]),
        ("Remarks by President Rask and President Núñez", ("THE PRESIDENT", "THE PRESIDENT"), ["", ""]),
    ],
    ids=["namesake", "full-name", "two-posts", "other-post", "first-lady", "no-name", "two-presidents"],
)
def test_the_holder_of_a_post_is_the_person_the_page_names_with_it(head, labels, speakers):
    """ "THE PRESIDENT:" is the person the page's title names with that post; the reporter's question about
    "Tomas Rask" does not make the president his namesake."""
    text = (
        f"{head}\n\n7:15 P.M. EDT\n\nQ Any reaction to the report on Tomas Rask's business dealings?\n\n"
        f"{labels[0]}: That's not true.\n\nQ Sir?\n\n{labels[1]}: We will see.\n"
    )
    proposals = extract(text, published=DAY).proposals
    assert [p.speaker.name if p.speaker and p.speaker.is_person else "" for p in proposals] == speakers


def test_the_holder_of_a_post_is_the_known_official_holding_it_on_the_date():
    """With known officials loaded, "THE PRESIDENT:" is the office-holder of the day, whatever the title says."""
    text = "Remarks by President Rask\n\nTHE PRESIDENT: We will win.\n\nQ Sir?\n\nTHE PRESIDENT: Thank you all.\n"
    proposals = extract(text, published=DAY, officials=[RASK]).proposals
    assert [(p.speaker.official_id, p.speaker.name) for p in proposals] == [(9, "Ivo Rask"), (9, "Ivo Rask")]
