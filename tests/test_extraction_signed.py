"""Quotes signed after them: a credit line under a quote paragraph names its speaker (invented articles)."""

import datetime

import pytest

from statements.extraction import extract

DAY = datetime.date(2016, 11, 11)


def speakers(text: str) -> list[tuple[str, str]]:
    """(speaker name or "", method) of every direct proposal; for a speaker unknown, ("?", first candidate)."""
    return [
        (p.speaker.name, p.speaker.method) if p.speaker else ("?", (p.candidates or [""])[0])
        for p in extract(text, published=DAY).proposals
        if p.kind == "direct"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a readers' forum: each answer is its own reader's, not the one above's
        (
            "We asked voters in Strelsau what matters to them.\n\n"
            '"We need a bridge over the river, not more promises from the capital."\n\n'
            "— Ana Pardo, 34, Strelsau\n\n"
            '"The schools are what matter to my family and to my neighbours."\n\n'
            "— Karl Brandt, retired teacher\n\n"
            '"Nobody here has seen a minister since the last election."\n\n'
            "Lou Grayson, farmer, Ostrava",
            [("Ana Pardo", "signed"), ("Karl Brandt", "signed"), ("Lou Grayson", "signed")],
        ),
        # the signature at the end of the quote's own paragraph, after a dash; an age in brackets
        (
            "We asked voters in Strelsau what matters to them.\n\n"
            '"We need a bridge over the river, not more promises from the capital." — Ana Pardo, 34, Strelsau\n\n'
            '"The schools are what matter to my family and to my neighbours." — Karl Brandt (71), retired teacher',
            [("Ana Pardo", "signed"), ("Karl Brandt", "signed")],
        ),
        # the dash may be a horizontal bar, as some outlets write it
        (
            "We asked readers what they make of the plan.\n"
            "“We need a bridge over the river, not more promises from the capital.” ― Ana Pardo, Strelsau\n"
            "“The schools are what matter to my family and to my neighbours.” ― Karl Brandt",
            [("Ana Pardo", "signed"), ("Karl Brandt", "signed")],
        ),
        # after a whole sentence, a name and a description end the paragraph without a dash; a relative clause is part
        # of the description
        (
            "We asked voters in Strelsau what matters to them.\n\n"
            '"We need a bridge over the river, not more promises." Ana Pardo, 34, a nurse from Strelsau\n\n'
            '"The schools are what matter to my family." Karl Brandt, 71, who says he has never missed a vote',
            [("Ana Pardo", "signed"), ("Karl Brandt", "signed")],
        ),
        # a statement signed below, with a title split from the name
        (
            "The ministry published a statement on Monday.\n\n"
            '"We will not accept any outside interference in this matter."\n\n'
            "– Foreign Secretary Mara Quill",
            [("Mara Quill", "signed")],
        ),
        # a fact-check of a debate: a lone surname signs when the article gives the full name
        (
            "Karl Brandt and Mara Quill met in the second debate.\n\n"
            '"Almost all new income is going to the top one percent."\n\n'
            "- Brandt.\n\n"
            "The senator is relying on an outdated figure.",
            [("Karl Brandt", "signed")],
        ),
        # a description after the name may hold a participle: it is not a verb of the line's own
        (
            "The convention hall emptied after midnight.\n\n"
            '"Great speech. She is tested. She is ready. She never quits."\n\n'
            "-Senator Karl Brandt, writing after the speech.",
            [("Karl Brandt", "signed")],
        ),
        # a quote paragraph right under a credit line is not the signer's: it is unsigned, so unknown, with the
        # signer offered as a candidate
        (
            "We asked voters in Strelsau what matters to them.\n\n"
            '"We need a bridge over the river, not more promises from the capital."\n\n'
            "— Ana Pardo, 34, Strelsau\n\n"
            '"The schools are what matter to my family and to my neighbours."',
            [("Ana Pardo", "signed"), ("?", "Ana Pardo")],
        ),
    ],
)
def test_a_credit_line_under_a_quote_names_its_speaker(text, expected):
    """A quote paragraph with no attribution of its own, followed by a line that is only a name (after a dash, or
    with a description after a comma), is that person's."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name and a verb is narration: the quote goes on with the speaker before it
        (
            '"We are ready for the vote," Karl Brandt said.\n\n'
            '"The others will have to explain themselves to the voters."\n\n'
            "Quill disagreed.",
            [("Karl Brandt", "explicit"), ("Karl Brandt", "follow-on")],
        ),
        # so is a name with an appositive and a verb
        (
            '"We are ready for the vote," Karl Brandt said.\n\n'
            '"The others will have to explain themselves to the voters."\n\n'
            "Mara Quill, the envoy, disagreed.",
            [("Karl Brandt", "explicit"), ("Karl Brandt", "follow-on")],
        ),
        # in the quote's own paragraph a name without a dash ends the sentence the quote began
        (
            '"We are ready for the vote," Karl Brandt said.\n\n'
            '"Nobody in the capital has ever wanted to go after" Mara Quill, the envoy.',
            [("Karl Brandt", "explicit"), ("Karl Brandt", "follow-on")],
        ),
        # a verb after a relative clause is still the line's own
        (
            '"We are ready for the vote," Karl Brandt said.\n\n'
            '"The others will have to explain themselves to the voters."\n\n'
            "Mara Quill, the envoy who was there, disagreed.",
            [("Karl Brandt", "explicit"), ("Karl Brandt", "follow-on")],
        ),
        # a byline is the writer's name, not the speaker's
        (
            "Brandt wins the vote\n\n"
            '"We are ready for the vote and for whatever comes after it."\n\n'
            "By Mara Quill, Nordpress\n\n"
            "The vote was held on Tuesday.",
            [("?", "")],
        ),
        # a heading over the next section (a name alone, no dash, no description) signs nothing
        (
            '"We are ready for the vote," Karl Brandt said.\n\n'
            '"The others will have to explain themselves to the voters."\n\n'
            "Mara Quill.\n\n"
            "The senator has led the committee since 2009.",
            [("Karl Brandt", "explicit"), ("Karl Brandt", "follow-on")],
        ),
        # a quote that has its own attribution keeps it: the line under it is a live blog's author
        (
            'Brandt spoke in Strelsau.\n\n"We are ready for the vote," Karl Brandt said of the treaty.\n\n— Mara Quill',
            [("Karl Brandt", "explicit")],
        ),
        # a headline that is a quotation is not signed by the line under it
        (
            '"We will never give up the valley and its farms"\n\n— Mara Quill, Nordpress\n\nThe vote was held.',
            [("?", "")],
        ),
        # a lone word the article never gives after a first name is a photo agency or a place, not a signer
        (
            '"We will never give up the valley," Karl Brandt said.\n\n'
            '"Our farms have been here for three hundred years."\n\n'
            "- Reuters.",
            [("Karl Brandt", "explicit"), ("Karl Brandt", "follow-on")],
        ),
    ],
)
def test_a_line_that_is_not_a_credit_line_signs_nothing(text, expected):
    """Narration naming someone, a byline, a heading or a headline is not taken for a credit line."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a release lists its supporters under headings: each quote is its heading's, not the one above's, and a
        # group's heading makes its quote nobody's in particular
        (
            "The Senate confirmed Ana Pardo as envoy on Monday.\n\n"
            "Strelsau Farmers & Growers Union\n\n"
            '"We look forward to working with the envoy on the new trade rules."\n\n'
            "Senator Karl Brandt (R-Ruritania), Chairman of the Foreign Affairs Committee\n\n"
            '"Ana Pardo is the right person for this post and will serve the country well."\n\n'
            "Former Envoy Mara Quill, Ministry of Trade, 2001-2009\n\n"
            '"She has worked on these treaties for twenty years and knows every one of them."\n\n'
            "###",
            [("?", ""), ("Karl Brandt", "signed"), ("Mara Quill", "signed")],
        ),
        # the first heading over a quote with its own attribution: the headings below still head their quotes
        (
            "The Senate confirmed Ana Pardo as envoy on Monday.\n\n"
            "Strelsau Farmers Union\n\n"
            '"We look forward to working with the envoy," said union president Lou Grayson.\n\n'
            "Senator Karl Brandt (R-Ruritania)\n\n"
            '"Ana Pardo is the right person for this post and will serve the country well."\n\n'
            "Senator Mara Quill\n\n"
            '"She has worked on these treaties for twenty years and knows every one of them."',
            [("Lou Grayson", "explicit"), ("Karl Brandt", "signed"), ("Mara Quill", "signed")],
        ),
        # a readout's headings end in a colon, give a surname after a post and a place, or a long title with
        # "and"; a colon leads into the quote below, so it heads it even under a quote that went on from the one
        # above
        (
            "Governors and companies issued the following statements:\n\n"
            "Governor Brandt of Ostmark:\n\n"
            '"We are keeping Ostmark warm this winter," said Governor Karl Brandt. "The help is real."\n\n'
            "Governor Quill of Nordland:\n\n"
            '"It cannot be overstated what a lifeline this plan has been to people across Nordland."\n\n'
            "Nordgas President and CEO Ana M. Pardo:\n\n"
            '"Nordgas supports the call to action, and we offer programmes for customers who need them."\n\n'
            "Strelsau Heating Cooperative President and CEO Lou Grayson\n\n"
            '"As the largest heat provider in the region, we strongly support the programme."',
            [
                ("Karl Brandt", "explicit"),
                ("Quill", "signed"),
                ("Ana M. Pardo", "signed"),
                ("Lou Grayson", "signed"),
            ],
        ),
        # a heading with a colon and a post in capitals after a comma; narration ending in a colon still leads in
        (
            'Ana Pardo spoke first. "We are ready," she said.\n\n'
            "Karl Brandt, President and CEO, Nordgas:\n\n"
            '"We will not be rushed by anyone at all."\n\n'
            "Senator Lou Grayson (R-Ostmark), Chairman of the Committee:\n\n"
            '"The committee will meet again in the spring."\n\n'
            "Mara Quill, a retired envoy, saw it otherwise:\n\n"
            '"The committee has waited far too long already."',
            [
                ("Ana Pardo", "pronoun"),
                ("Karl Brandt", "signed"),
                ("Lou Grayson", "signed"),
                ("Mara Quill", "follow-on"),
            ],
        ),
        # a statement's title names who makes it: the quotation under it is that person's
        (
            "Statement from Foreign Secretary Mara Quill\n\n"
            '"Tonight Ruritania took action alone. We were not involved, and our first duty is to our citizens."',
            [("Mara Quill", "signed")],
        ),
        # ... but not a title naming two people, nor a headline that is not a statement's
        (
            "Statement from Secretary Quill and Envoy Brandt on the Call\n\n"
            '"Today the two leaders had a long and productive call about the border."',
            [("?", "")],
        ),
        (
            'Mara Quill Wins the Vote\n\n"Today the two leaders had a long and productive call about the border."',
            [("?", "")],
        ),
    ],
)
def test_a_heading_over_a_quote_names_its_speaker(text, expected):
    """A line that is only a name (with a description after a comma, or a party in brackets) right above a quote
    paragraph with no attribution of its own heads it, as releases list supporters; a credit line under a quote that
    has none is still that quote's signature."""
    assert speakers(text) == expected


def test_a_signed_speaker_is_as_sure_as_a_named_one():
    """A signed quote's speaker carries the confidence of an explicit name and says how it was found."""
    text = (
        "We asked voters in Strelsau what matters to them.\n\n"
        '"We need a bridge over the river, not more promises from the capital."\n\n'
        "— Ana Pardo, 34, Strelsau"
    )
    (proposal,) = extract(text, published=DAY).proposals
    assert (proposal.speaker.mention, proposal.speaker.confidence, proposal.speaker.is_new_official) == (
        "Ana Pardo",
        0.95,
        True,
    )
