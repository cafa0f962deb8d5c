"""Which person a "he" or "she" after a quote means (statements/extraction/speakers.py)."""

import datetime

import pytest

from statements.extraction import KnownOfficial, extract

DAY = datetime.date(2016, 11, 11)


def speakers(text: str) -> list[str]:
    """The speaker of every proposal with quoted words, "" when unknown."""
    proposals = extract(text, published=DAY).proposals
    return [p.speaker.name if p.speaker else "" for p in proposals if p.has_quote]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a common first name says "she": the man named last is skipped
        (
            "Sarah Lindqvist chaired the meeting. Walter Brandt objected to the plan.\n\n"
            '"We will go ahead anyway," she said.',
            ["Sarah Lindqvist"],
        ),
        # and "he"
        (
            "Walter Brandt chaired the meeting. Sarah Lindqvist objected to the plan.\n\n"
            '"We will go ahead anyway," he said.',
            ["Walter Brandt"],
        ),
        # a name given to both says nothing: the last person named is taken, as before
        (
            "Sarah Lindqvist chaired the meeting. Jordan Brandt objected to the plan.\n\n"
            '"We will go ahead anyway," she said.',
            ["Jordan Brandt"],
        ),
        # a family name written first is no first name ("Kim" is a Korean family name as well)
        (
            "Sarah Lindqvist chaired the meeting. Kim Dae-ho objected to the plan.\n\n"
            '"We will go ahead anyway," he said.',
            ["Kim Dae-ho"],
        ),
        # a surname shared by a woman and a man: "she" after the surname is the woman
        (
            "Susan Quill and her husband, Paul Quill, run the farm.\n\n"
            'Quill said the harvest was late. "We lost a month to the rain," she said.',
            ["Susan Quill"],
        ),
        # also when the surname was read as someone whose first name says nothing
        (
            "Susan Quill and her son, Ty Quill, run the farm.\n\n"
            'Quill said the harvest was late. "We lost a month to the rain," she said.',
            ["Susan Quill"],
        ),
    ],
)
def test_gender_from_first_names(text, expected):
    """A pronoun skips a person whose common first name is of the other gender, and a shared surname goes to the
    namesake of the pronoun's gender."""
    assert speakers(text) == expected


QUOTE_BY_SHE = '\n\n"We will go ahead anyway," she said.'
QUOTE_BY_HE = '\n\n"We will go ahead anyway," he said.'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a noun for a man heading the appositive: the nearer person is a "he", so "she" is the woman before him
        ("Lou Grayson chaired the meeting. Robin Ames, a spokesman for the ministry, objected." + QUOTE_BY_SHE,
         ["Lou Grayson"]),
        # the noun right before the name: "her husband, Lou Ames," is a man
        ("Robin Ames chaired the meeting. Her husband, Lou Ames, objected to the plan." + QUOTE_BY_SHE,
         ["Robin Ames"]),
        ("Robin Ames chaired the meeting. Spokeswoman Lou Grayson objected to the plan." + QUOTE_BY_HE,
         ["Robin Ames"]),
        # an appositive after an age: "the first woman to …"
        ("Lou Grayson chaired the meeting. Robin Ames, 54, the first woman to lead the council, objected."
         + QUOTE_BY_HE, ["Lou Grayson"]),
        # an honorific on a later mention by surname
        ("Lou Grayson chaired the meeting. Robin Ames objected to the plan. Mr. Ames left early." + QUOTE_BY_SHE,
         ["Lou Grayson"]),
        # a noun in a clause about someone else says nothing of the name: "whose wife" is not Robin Ames
        ("Lou Grayson chaired the meeting. Robin Ames, whose wife is a judge, objected." + QUOTE_BY_HE,
         ["Robin Ames"]),
        # first names common in international news: "Jacinda" is a "she", "Mevlüt" and "Sergei" are a "he"
        ("Jacinda Quill chaired the meeting. Mevlüt Brandt objected to the plan." + QUOTE_BY_SHE, ["Jacinda Quill"]),
        ("Sergei Brandt chaired the meeting. Kaja Quill objected to the plan." + QUOTE_BY_HE, ["Sergei Brandt"]),
    ],
)  # fmt: skip
def test_gender_from_the_article(text, expected):
    """What the article writes next to a name (an honorific, a noun for a man or a woman, a first name) tells a
    "he" from a "she", so the pronoun skips the person of the other sex."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the one woman named, as an object: "she" is not the man who is the subject
        ("Karl Brandt met Anna Lindqvist in Strelsau on Monday." + QUOTE_BY_SHE, "Anna Lindqvist"),
        # also when a subject of the other gender comes between
        ("Anna Lindqvist met Karl Brandt in Strelsau. Lindqvist left without a word." + QUOTE_BY_HE, "Karl Brandt"),
    ],
)
def test_a_pronoun_no_subject_fits_goes_to_the_one_person_of_its_gender_named_near(text, expected):
    """When no speaker or subject before a pronoun is of its gender, the one person of that gender named near it in
    any role is meant."""
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        # two women named as objects: gender cannot tell which
        ("Karl Brandt met Anna Lindqvist and Sarah Quill on Monday." + QUOTE_BY_SHE, {"Anna Lindqvist", "Sarah Quill"}),
        # no woman at all: the men are not proposed for "she"
        ("Karl Brandt spoke first. Walter Quill objected to the plan." + QUOTE_BY_SHE, {"Karl Brandt", "Walter Quill"}),
    ],
)
def test_a_pronoun_that_fits_nobody_is_speaker_unknown(text, candidates):
    """ "Speaker unknown", with the people named as candidates, rather than a person of the other gender."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert proposal.speaker is None
    assert candidates <= set(proposal.candidates)


@pytest.mark.parametrize(
    "text",
    [
        # a relative clause inside the introductory phrase
        "Walter Brandt spoke first.\n\nAt the club, where members pay a fee to join, Karl Lindqvist, its president, "
        'blamed the weather.\n\n"It was a bad year," he said.',
        # a place with its own comma ends the introductory phrase
        "Walter Brandt spoke first.\n\nSpeaking at a town hall in Salem, Nordland, Karl Lindqvist went after "
        'Brandt.\n\n"It was a bad year," he said.',
        # a short adverbial in lower case opens the sentence
        "Walter Brandt spoke first.\n\nTwo days later, Karl Lindqvist blamed the weather.\n\n"
        '"It was a bad year," he said.',
    ],
)
def test_the_subject_after_an_introductory_phrase(text):
    """ "He" goes to the subject after an introductory phrase that holds a clause, a place or a time."""
    assert speakers(text) == ["Karl Lindqvist"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a second speaker later in the sentence, after "while"
        (
            'Karl Brandt said the storm was "a disaster" while Interior Minister Walter Quill wrote he had sent '
            'help.\n\nHe tweeted, "The army is on its way to the coast."',
            ["Karl Brandt", "Walter Quill"],
        ),
        # a speaker at the end of the sentence, after its subject
        (
            "Karl Brandt spoke first.\n\nThe plan is not only cheap, it is also the best one Walter Quill argues."
            '\n\n"Nobody else has a plan that works," he says.',
            ["Walter Quill"],
        ),
        # "According to Quill," opening a sentence
        (
            "Karl Brandt opened the hearing on Monday.\n\nAccording to Walter Quill, many farmers never apply for "
            'the grant. "They think the forms are too long for them," he told the committee.',
            ["Walter Quill"],
        ),
        # one of several subjects of the verb is not its speaker more than the others
        (
            "Karl Brandt spoke first.\n\nInstead, Brandt, Jordan Pardo and Nordpress' Walter Quill argued that the "
            'plan was naive.\n\n"It cannot be paid for," he said.',
            ["Karl Brandt"],
        ),
    ],
)
def test_a_person_said_to_speak_later_in_a_sentence_is_the_next_he(text, expected):
    """The latest person the narration says spoke, not only the subject at the start of the sentence, is the
    antecedent of the next "he"."""
    assert speakers(text) == expected


def test_a_pronoun_subject_after_an_appositive_name_is_not_that_name():
    """ "Along with her husband, Jordan Brandt, a banker, she gave …": the sentence is about her."""
    text = (
        "Sarah Brandt spoke at the dinner.\n\nAlong with her husband, Jordan Brandt, a banker, she has given to many "
        'candidates.\n\n"I feel bad to say it," she said.'
    )
    assert speakers(text) == ["Sarah Brandt"]


def test_the_namesake_is_the_known_official():
    """With officials loaded, the namesake a "she" goes to is matched to the Official, as a name would be."""
    officials = [KnownOfficial("Susan Quill", id=11), KnownOfficial("Paul Quill", id=12)]
    text = (
        "Susan Quill and her husband, Paul Quill, run the farm.\n\n"
        'Quill said the harvest was late. "We lost a month to the rain," she said.'
    )
    proposal = [p for p in extract(text, published=DAY, officials=officials).proposals if p.has_quote][0]
    assert (proposal.speaker.name, proposal.speaker.official_id) == ("Susan Quill", 11)


@pytest.mark.parametrize(
    "sentence",
    [
        # a verb in the past or the present, then a title with a place: the title's person is the object
        "Karl Brandt met Australian Prime Minister Walter Quill in Strelsau on Monday.",
        "Karl Brandt meets Australian Prime Minister Walter Quill in Strelsau on Monday.",
        "Karl Brandt saw Prime Minister Walter Quill on Monday.",
        "Karl Brandt rang Prime Minister Walter Quill on Monday.",
        "Karl Brandt urges Prime Minister Walter Quill to act.",
        "Karl Brandt criticises French President Walter Quill over the deal.",
        "Karl Brandt thanks Prime Minister Walter Quill for his help.",
        "Karl Brandt greets President Walter Quill.",
        "Karl Brandt hosts U.S. Secretary of State Walter Quill.",
        "Karl Brandt met Russia's Foreign Minister Walter Quill.",
        # a title in lower case, and a subject written by its surname alone
        "Karl Brandt arrived on Sunday. Brandt welcomed defence secretary Walter Quill to the capital.",
        # a subject with a title of its own
        "Nordland's Foreign Minister Karl Brandt met Prime Minister Walter Quill in Strelsau.",
    ],
)
def test_the_person_after_a_verb_is_not_the_subject(sentence):
    """ "Ardern met Australian Prime Minister Scott Morrison": the sentence is about Ardern, so a later "he said"
    and the quote that follows it are Ardern's, not Morrison's."""
    text = sentence + ' "We will go ahead anyway," he said.\n\n"We have the votes."'
    assert speakers(text) == ["Karl Brandt", "Karl Brandt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the verb before the titled object is the cue's subject's too
        ('Karl Brandt met Prime Minister Walter Quill on Monday and said: "We will go ahead anyway."', "Karl Brandt"),
        ('Karl Brandt welcomes Prime Minister Walter Quill and says: "We will go ahead anyway."', "Karl Brandt"),
        # a noun before a role still qualifies it, also one ending in -s: the person after the role is the subject
        (
            "Karl Brandt spoke first. Brandt communications director Walter Quill met reporters."
            ' "We will go ahead anyway," he said.',
            "Walter Quill",
        ),
        (
            "Karl Brandt spoke first. Brandt press secretary Walter Quill met reporters."
            ' "We will go ahead anyway," he said.',
            "Walter Quill",
        ),
        (
            "Karl Brandt spoke first. Brandt transition team member Walter Quill met reporters."
            ' "We will go ahead anyway," he said.',
            "Walter Quill",
        ),
    ],
)
def test_a_verb_ends_the_subject_and_a_noun_qualifies_a_role(text, expected):
    """A verb after a name ends the subject ("Brandt met Prime Minister Quill"), where a noun before a role is part
    of it ("Brandt communications director Quill")."""
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # two women named as objects: they, not the man the "she" does not fit, are offered first
        ("Karl Brandt met Anna Lindqvist and Sarah Quill on Monday." + QUOTE_BY_SHE, {"Anna Lindqvist", "Sarah Quill"}),
        ("Ana Pardo met Prime Minister Walter Quill and Karl Grayson." + QUOTE_BY_HE, {"Walter Quill", "Karl Grayson"}),
        # no one of the pronoun's gender: the people named, nearest first
        ("Karl Brandt spoke first. Walter Quill objected to the plan." + QUOTE_BY_SHE, {"Walter Quill"}),
    ],
)
def test_the_candidates_of_a_pronoun_that_fits_nobody_are_of_its_gender_first(text, first):
    """When "she" fits no subject and several women are named, the analyst is offered the women first."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert proposal.speaker is None
    assert set(proposal.candidates[: len(first)]) == first


PRAISED = "Karl Brandt praised {} for their work."
LATER = "\n\nNo agreement was reached by midnight."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # nobody else could be meant
        ("Karl Brandt spoke to reporters in Strelsau." + QUOTE_BY_HE, ("Karl Brandt", 0.9)),
        # each other man named between the antecedent and "he" makes it less sure ...
        (PRAISED.format("Lou Grayson") + QUOTE_BY_HE, ("Karl Brandt", 0.85)),
        (PRAISED.format("Walter Quill and Lou Grayson") + QUOTE_BY_HE, ("Karl Brandt", 0.8)),
        (PRAISED.format("Walter Quill, Lou Grayson and Hans Berger") + QUOTE_BY_HE, ("Karl Brandt", 0.75)),
        # ... women do not count for "he"
        (PRAISED.format("Anna Lindqvist, Sarah Quill and Lou Grayson") + QUOTE_BY_HE, ("Karl Brandt", 0.85)),
        # the antecedent paragraphs back costs nothing with one other man named ...
        (PRAISED.format("Lou Grayson") + LATER + QUOTE_BY_HE, ("Karl Brandt", 0.85)),
        # ... but with two it is speaker unknown
        (PRAISED.format("Walter Quill and Lou Grayson") + LATER + QUOTE_BY_HE, ("", None)),
        # a name at the cue is never left unknown, however many people were named before it
        (
            PRAISED.format("Walter Quill, Lou Grayson and Hans Berger")
            + LATER
            + '\n\n"We will go ahead anyway," Anna Lindqvist said.',
            ("Anna Lindqvist", 0.95),
        ),
    ],
)
def test_a_pronoun_is_less_sure_for_every_person_named_since_its_antecedent(text, expected):
    """A pronoun's confidence is the share right on PolNeAR train for its kind: 0.9 when nobody else could be meant,
    0.05 less for every other person of its gender named since the antecedent, and "speaker unknown" (with the people
    as candidates) when two were and the antecedent is paragraphs back."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    speaker = proposal.speaker
    assert ((speaker.name, speaker.confidence) if speaker else ("", None)) == expected
    assert speaker is not None or "Karl Brandt" in proposal.candidates


@pytest.mark.parametrize(
    ("abstain_below", "expected"),
    [
        (0.5, ""),  # the default: two men named since an antecedent paragraphs back, so "speaker unknown"
        (0.0, "Karl Brandt"),  # none abstains: how a kind of speaker fares is measured this way (--by-method)
    ],
)
def test_the_abstention_threshold_can_be_lowered_to_measure_every_guess(abstain_below, expected):
    text = PRAISED.format("Walter Quill and Lou Grayson") + LATER + QUOTE_BY_HE
    (proposal,) = [p for p in extract(text, published=DAY, abstain_below=abstain_below).proposals if p.has_quote]
    assert (proposal.speaker.name if proposal.speaker else "") == expected
