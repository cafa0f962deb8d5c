"""Follow-on quotes: a quotation with no attribution of its own, and who is speaking in it (invented articles)."""

import datetime

import pytest

from statements.extraction import extract

DAY = datetime.date(2016, 11, 11)


def speakers(text: str) -> list[tuple[str, str, list[str]]]:
    """(speaker name or "", method, candidates) of every proposal with quoted words."""
    return [
        (p.speaker.name if p.speaker else "", p.speaker.method if p.speaker else "", p.candidates)
        for p in extract(text, published=DAY).proposals
        if p.has_quote
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quote paragraph after the speaker's own quote paragraph goes on with that speaker
        (
            '"We are ready for the vote," Karl Brandt said.\n\n"The others will have to explain themselves."',
            [("Karl Brandt", "explicit", []), ("Karl Brandt", "follow-on", [])],
        ),
        # narration ending with a colon leads into the quote paragraph: its subject is the speaker
        (
            '"We are ready for the vote," Karl Brandt said.\n\nAnna Lindqvist, a retired envoy, saw it otherwise:'
            '\n\n"Nobody in the capital believes a word of this plan."',
            [("Karl Brandt", "explicit", []), ("Anna Lindqvist", "follow-on", [])],
        ),
        # so does reported speech ending the narration, with a cue verb or a verb and "that" (paragraphs one to a line)
        (
            '"We are ready for the vote," Karl Brandt said.\nAnna Lindqvist argued the treaty was dead.'
            '\n"Nobody in the capital believes a word of this plan."',
            [("Karl Brandt", "explicit", []), ("Anna Lindqvist", "follow-on", [])],
        ),
        (
            '"We are ready for the vote," Karl Brandt said.\nAnna Lindqvist was quick to add that the treaty was dead.'
            '\n"Nobody in the capital believes a word of this plan."',
            [("Karl Brandt", "explicit", []), ("Anna Lindqvist", "follow-on", [])],
        ),
        # inside a paragraph, the sentence that introduces the quote names its speaker
        (
            "Anna Lindqvist spoke first. Later Karl Brandt had a simple message for the delegates: "
            '"Nobody leaves this room before we agree."',
            [("Karl Brandt", "follow-on", [])],
        ),
    ],
)
def test_a_follow_on_quote_continues_the_speaker_that_leads_into_it(text, expected):
    """A quote with no attribution of its own belongs to the last speaker, or to the subject of the narration
    that leads into it with a colon."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # narration about someone else ends with a full stop: it does not introduce the quote that follows
        '"We are ready for the vote," Karl Brandt said.\n\nIn the end, Anna Lindqvist voted for the treaty.'
        '\n\n"I will look into it. I do not know the status, but I will look into it."',
        # a line of narration that names nobody, between a quote and a bare one (paragraphs one to a line)
        '"We are ready for the vote," Karl Brandt said.\nThe hall emptied slowly after midnight.'
        '\n"I will look into it. I do not know the status, but I will look into it."',
    ],
)
def test_a_quote_after_narration_that_does_not_introduce_it_is_speaker_unknown(text):
    """A quote paragraph after narration not ending with a colon is "speaker unknown", with the likely people."""
    first, follow_on = speakers(text)
    assert first == ("Karl Brandt", "explicit", [])
    assert follow_on[:2] == ("", "")
    assert "Karl Brandt" in follow_on[2]


FOLLOW_ON = '\n\n"Nobody will leave this room before we agree."'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the paragraph before names someone else only as whom the speaker spoke to, wrote to or spoke of
        ('"We are ready," Karl Brandt told Anna Lindqvist.' + FOLLOW_ON, "Karl Brandt"),
        ('"We are ready," Karl Brandt said in a letter to Prime Minister Anna Lindqvist.' + FOLLOW_ON, "Karl Brandt"),
        ('"We are ready," Karl Brandt said.\n\n"It is late," Brandt said of Anna Lindqvist, the minister.' + FOLLOW_ON,
         "Karl Brandt"),
        # narration whose subject is the speaker, with another person as its object, leading in with a colon
        ('"We are ready," Karl Brandt said.\n\nBrandt praised Anna Lindqvist, who won the vote, and said:' + FOLLOW_ON,
         "Karl Brandt"),
        # but a paragraph whose quote is someone else's: the follow-on is hers
        ('"We are ready," Karl Brandt said.\n\n"It is late," Anna Lindqvist said.' + FOLLOW_ON, "Anna Lindqvist"),
    ],
)  # fmt: skip
def test_a_person_named_only_as_an_object_does_not_take_the_follow_on(text, expected):
    """Only a speaker or a sentence's subject can go on talking: a person named as an object, an addressee or a
    topic in the paragraph before is never the speaker of the follow-on quote."""
    assert speakers(text)[-1][:2] == (expected, "follow-on")


@pytest.mark.parametrize(
    ("between", "expected"),
    [
        ('"We are ready," Karl Brandt said.', ("Karl Brandt", 0.9)),
        ('"We are ready," Karl Brandt said after meeting Lou Grayson.', ("Karl Brandt", 0.85)),
        ('"We are ready," Karl Brandt said after meeting Walter Quill, Lou Grayson and Hans Berger.',
         ("Karl Brandt", 0.75)),
        # the speaker further back than the paragraph before: speaker unknown, with him among the candidates
        ('"We are ready," Karl Brandt said.\n\nTalks resumed at dawn. Then came his last word:',
         ("", None)),
    ],
)  # fmt: skip
def test_a_follow_on_quote_is_less_sure_for_every_person_named_since_its_speaker(between, expected):
    """A follow-on quote's confidence falls, as a pronoun's does, with every other person named since the speaker,
    and it is "speaker unknown" when the speaker last spoke paragraphs back."""
    _first, follow_on = [p for p in extract(between + FOLLOW_ON, published=DAY).proposals if p.has_quote]
    speaker = follow_on.speaker
    assert ((speaker.name, speaker.confidence) if speaker else ("", None)) == expected
    assert speaker is not None or "Karl Brandt" in follow_on.candidates


ITEMS = [
    "Our farms will feed the whole region again within five years.",
    "The border is open to trade, and it will stay open to trade.",
    "We have cut the price of bread in every province of the country.",
    "Nobody in this government will accept a deal that hurts our workers.",
    "The ports will handle twice as much grain by the end of next year.",
]


def listed(lead: str, items: list[str], after: str = "") -> str:
    """A release: a lead-in paragraph, then the items as paragraphs that are only a quotation (and a link's word)."""
    return lead + "\n\n" + "\n\n".join(f"\u201c{item}\u201d{after}" for item in items)


@pytest.mark.parametrize(
    "text",
    [
        # a lead-in naming the speaker and ending with a colon
        listed("President Karl Brandt outlined his plan for Ruritania's farms:", ITEMS),
        listed("President Karl Brandt outlined his plan for Ruritania's farms:", ITEMS, " (Watch)"),
        # the lead-in is the speaker's quote paragraph with a cue of its own
        listed('"We are ready," President Karl Brandt told the assembly in Strelsau.', ITEMS),
        # a title naming the speaker, and a lead-in that reports speech
        listed(
            "BRANDT: Ruritania Will Feed the Region\n\nThis morning, President Karl Brandt joined news programmes to "
            "discuss the harvest, declaring the days of shortage over.",
            ITEMS,
            " (Watch)",
        ),
    ],
)
def test_a_list_of_quote_paragraphs_goes_on_with_its_speaker(text):
    """Quote paragraphs one after another, each only a quotation, are all the speaker's who leads into the first,
    however long the list."""
    found = [name for name, _method, _candidates in speakers(text)]
    assert found[-len(ITEMS) :] == ["Karl Brandt"] * len(ITEMS)


@pytest.mark.parametrize(
    "text",
    [
        # narration inside the list breaks it: the quotes after it are the usual follow-on quotes, far from the name
        listed("President Karl Brandt outlined his plan for Ruritania's farms:", ITEMS[:2])
        + "\n\nThe plan was debated for hours.\n\nAnna Lindqvist was in the hall.\n\n"
        + "\n\n".join(f"\u201c{item}\u201d" for item in ITEMS[2:]),
        # a label names only its own item's speaker
        listed("President Karl Brandt outlined his plan for Ruritania's farms:", ITEMS[:2])
        + "\n\nAnna Lindqvist, a retired envoy: \u201cThe plan will not survive the winter.\u201d\n\n"
        + "\n\n".join(f"\u201c{item}\u201d" for item in ITEMS[2:]),
    ],
)
def test_a_list_stops_at_a_paragraph_that_is_not_only_a_quotation(text):
    found = [name for name, _method, _candidates in speakers(text)]
    assert found[:2] == ["Karl Brandt", "Karl Brandt"]
    assert "Karl Brandt" not in found[-2:]
