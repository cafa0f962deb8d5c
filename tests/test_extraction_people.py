"""Who a bare surname, a lone first name or a sentence's subject means (statements/extraction/names.py, speakers.py)."""

import datetime

import pytest

from statements.extraction import extract

DAY = datetime.date(2016, 11, 11)


def speakers(text: str) -> list[str]:
    """The speaker of every proposal with quoted words, "" when unknown."""
    proposals = extract(text, published=DAY).proposals
    return [p.speaker.name if p.speaker and p.speaker.is_person else "" for p in proposals if p.has_quote]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the father is written in full again just before his surname: he, not his son named in between
        (
            "Karl Brandt founded the firm in 1970.\n\nHis son, Erik Brandt, runs it now and plans to sell.\n\n"
            'Karl Brandt, 80, disagrees. "It is not for sale," Brandt said.',
            ["Karl Brandt"],
        ),
        # and the son when he is the one written in full last
        (
            "Karl Brandt founded the firm in 1970.\n\nHis son, Erik Brandt, runs it now and plans to sell.\n\n"
            '"It is time," Brandt said.',
            ["Erik Brandt"],
        ),
        # but the first introduced when the article wrote the surname alone for him before naming the other
        (
            "Karl Brandt founded the firm in 1970. Brandt still runs it.\n\n"
            'His son, Erik Brandt, wants to sell.\n\n"It is not for sale," Brandt said.',
            ["Karl Brandt"],
        ),
        # (a surname used as a modifier, "the Brandt family", is no such use)
        (
            "Karl Brandt founded the firm in 1970. The Brandt family still runs it.\n\n"
            'His son, Erik Brandt, wants to sell.\n\n"It is time," Brandt said.',
            ["Erik Brandt"],
        ),
        # an honorific's sex chooses between namesakes of both sexes
        (
            "Jane Brandt and Karl Brandt spoke at the rally.\n\n"
            'Mrs. Brandt echoed him, saying the plan "will fail the families of this city."',
            ["Jane Brandt"],
        ),
    ],
)
def test_surname_of_namesakes(text, expected):
    """A surname two people share is the one the article wrote in full last before it, not the first introduced,
    unless the article wrote it alone for the first before naming the second, or an honorific tells them apart."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a first name in apposition to a relation is the subject, and the later "she"
        (
            "Karl Brandt runs the farm.\n\n"
            'On Tuesday, his wife, Jane, called for an open process. "Shutting people out is not smart," she said.',
            ["Jane"],
        ),
        # also with an age after it
        (
            "Ana Pardo hoisted a sign. Her father, Brad, 39, worried that voters read too little.\n\n"
            '"People are afraid," he surmised.',
            ["Brad"],
        ),
        # a first name alone before an appositive ("then in college") after "And"
        (
            'Karl Brandt drank heavily. And Donald, then in college, did not approve.\n\n"I was too young," he said.',
            ["Donald"],
        ),
        # a first name alone at the cue: a person (a pseudonym, a first-name-only source)
        ('"We did try to warn them," Bob said.', ["Bob"]),
        # a lone word that is no first name is still no person
        ('"We did try to warn them," Nordpress said.', [""]),
        # an appositive that is no first name leaves the subject as it was
        (
            'Karl Brandt drank heavily. His brother, Lindqvist, did not approve.\n\n"I was too young," he said.',
            ["Karl Brandt"],
        ),
    ],
)
def test_lone_first_names(text, expected):
    """A common first name alone names a person: at the cue, and as a subject in apposition ("his wife, Jane,")."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # any agent noun between a place and the name: the name is the subject, and the later "he"
        (
            "Karl Brandt spoke first.\n\nJust a few months ago, Florida developer Lou Grayson expressed dismay at "
            'the thought. "It cannot happen," he told the paper.',
            ["Lou Grayson"],
        ),
        # "executive", "entrepreneur", "resident" are roles too, and "Concord", "Billionaire" no first names
        (
            '"It is time," said Idaho nutritional-supplement executive Lou Grayson, who backed the senator.',
            ["Lou Grayson"],
        ),
        ('"He is an embarrassment," said Concord resident Lou Grayson.', ["Lou Grayson"]),
        ('Billionaire entrepreneur Lou Grayson said, "I am proud of the party."', ["Lou Grayson"]),
        # a party's member after a word in lower case, as a committee's ranking member is written
        ('"They are sore losers," said Oversight ranking Democrat Lou Grayson (D-Md.).', ["Lou Grayson"]),
        # and a role with "co-"
        ('"Imagine them both on one stage," mused Blaze co-host Lou Grayson.', ["Lou Grayson"]),
        # a relative after the possessor: the relative is the speaker, and the later "she"
        (
            "Tony Brandt was a spy.\n\nBrandt's wife Jonna Brandt wrote a book. "
            '"He could be from a lot of countries," she said.',
            ["Jonna Brandt"],
        ),
        (
            "Tony Brandt was a spy.\n\nBrandt's wife Jonna Brandt, also a spy, said, "
            '"He could be from a lot of countries."',
            ["Jonna Brandt"],
        ),
        # a verb between two names is no role: the subject is still the first name
        (
            'Karl Brandt thanked Lou Grayson for the help.\n\n"It was a long night," he said.',
            ["Karl Brandt"],
        ),
    ],
)
def test_role_before_a_name(text, expected):
    """A name qualifying an agent noun ("Florida developer Lou Grayson") is not the subject: the full name after is."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a party's members named in an introductory clause are no person: the subject after it is
        (
            "Karl Brandt spoke first.\n\nAfter the meeting of Nordland Democrats ended in mayhem, Ana Pardo, the state "
            'party chairwoman, said she had received threats.\n\n"The campaign helped incite it," she said.',
            ["Ana Pardo"],
        ),
        # a campaign's following is no full name for the surname
        (
            'Karl Brandt spoke first.\n\nAre you on Team Brandt? Like the page.\n\nBrandt emphasized, "We will win."',
            ["Karl Brandt"],
        ),
        # a title in capitals with a pronoun in it is no person: the name after it is the subject
        (
            'Karl Brandt won.\n\nIn Just the Way You Are, Ana Pardo sings, "Do not go changing to try and please me."',
            ["Ana Pardo"],
        ),
    ],
)
def test_groups_are_no_people(text, expected):
    """ "Nevada Democrats", "Team Trump", "the Trump Train" name a following, "Way You Are" a song: never a
    person."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Karl Brandt spoke.\n\nOn Thursday, Brandt won his first endorsement from a colleague, from Lou Grayson, "
            'who declared in the spin room, "I am sending the signal that it is time to unite."',
            ["Lou Grayson"],
        ),
        (
            "Karl Brandt spoke.\n\nOn Thursday, Brandt won an endorsement from Lou Grayson, who declared: "
            '"I am sending the signal that it is time to unite."',
            ["Lou Grayson"],
        ),
        # a relative clause about no name leaves the sentence's subject
        (
            "Karl Brandt spoke.\n\nOn Thursday, Brandt won over the crowd, which cheered as he declared: "
            '"I am sending the signal that it is time to unite."',
            ["Karl Brandt"],
        ),
        # words in lower case between "who" and the cue
        (
            'Karl Brandt spoke.\n\nLou Beck, who has in the past described Brandt as "a pathological narcissistic '
            'sociopath," spoke next.',
            ["Lou Beck"],
        ),
        # but a name or a pronoun there is the relative clause's own subject
        (
            'Lou Grayson spoke.\n\nKarl Brandt, who Ana Pardo once described as "a pathological narcissistic '
            'sociopath," spoke next.',
            ["Ana Pardo"],
        ),
        (
            'Lou Grayson spoke.\n\nHe attacked the deal made by Karl Brandt, who he noted was "in his final year '
            'at last."',
            ["Lou Grayson"],
        ),
    ],
)
def test_cue_in_a_relative_clause(text, expected):
    """ "…, from Lou Grayson, who declared, '…'": the quote is the person the relative clause is about."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an inverted speech verb is no first name, even when the article never writes it in lower case
        (
            'Roger Brandt spoke.\n\n"There is evidence of fraud," Brandt said.\n\nContinued Brandt: "So I think it is '
            'a very real problem."',
            ["Roger Brandt", "Roger Brandt"],
        ),
        # a first name ending in "-ed" stays one
        ('Ted Brandt spoke.\n\n"There is evidence of fraud," Brandt said.', ["Ted Brandt"]),
        # a sentence-opening adverb is no first name either, but "Kelly" and "Sally" are
        (
            'Karl Brandt led the party. Interestingly Brandt, a wealthy man, became its voice.\n\n"We must be careful '
            'with initiatives," Brandt said.',
            ["Karl Brandt"],
        ),
        ('Kelly Brandt spoke.\n\n"There is evidence of fraud," Brandt said.', ["Kelly Brandt"]),
        ('Sally Brandt spoke.\n\n"There is evidence of fraud," Brandt said.', ["Sally Brandt"]),
    ],
)
def test_inverted_speech_verb(text, expected):
    """ "Continued Brandt:" is Brandt continuing, not a person called Continued Brandt."""
    assert speakers(text) == expected


def speaker_of(text: str, words: str) -> str:
    """The speaker of the proposal quoting `words`."""
    proposal = next(p for p in extract(text, published=DAY).proposals if words in p.text)
    return proposal.speaker.name if proposal.speaker else ""


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        # after a whole sentence, "Name said:" leads into the next quote: the one before goes on with its speaker
        (
            "Ana Pardo and her husband, Karl Brandt, pleaded for understanding.\n\n"
            '"We are refugees," Ms. Pardo said. "We are not terrorists." Mr. Brandt said: "The attack that happened '
            'today is the work of terrorists."',
            "We are not terrorists",
            "Ana Pardo",
        ),
        # after a comma the cue is the quote's own, as "…," Brandt said before adding: "…"
        (
            "Karl Brandt spoke.\n\n"
            '"If she gets to pick her judges, nothing you can do," Brandt said before adding: "Though the Second '
            'Amendment people, maybe there is, I do not know."',
            "nothing you can do",
            "Karl Brandt",
        ),
    ],
)
def test_cue_with_a_colon_between_quotes(text, words, expected):
    """A cue ending in a colon between two quotes introduces the second, unless the first ends in a comma."""
    assert speaker_of(text, words) == expected


def mixed(text: str) -> list[tuple[str, str]]:
    """Each paraphrase with quoted words: its text and its speaker."""
    proposals = extract(text, published=DAY).proposals
    return [(p.text, p.speaker.name if p.speaker else "") for p in proposals if p.kind == "paraphrase"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each sentence is its own statement, by its own subject
        (
            'Karl Brandt called the plan "unhinged." Lou Grayson called it "offensive and outlandish."',
            [('the plan "unhinged."', "Karl Brandt"), ('it "offensive and outlandish."', "Lou Grayson")],
        ),
        (
            'Karl Brandt said Ana Pardo "caused death." Lou Grayson called Pardo a "pathological liar."',
            [('Ana Pardo "caused death."', "Karl Brandt"), ('Pardo a "pathological liar."', "Lou Grayson")],
        ),
    ],
)
def test_sentence_ending_inside_a_quote(text, expected):
    """A partial quote ending in a full stop ends its sentence when the next sentence has a quote of its own."""
    assert mixed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Strelsau hopes to shed what Lou Grayson called "a perception problem."', ["Lou Grayson"]),
        ('Brandt guarded the docks in what Lou Grayson, the mayor, called "hand-to-hand combat."', ["Lou Grayson"]),
        (
            'Karl Brandt valued it at $2 billion, which Mr. Grayson called "a disgrace," blaming the council.',
            ["Lou Grayson"],
        ),
        ('Karl Brandt attacked the plan that Lou Grayson called "a gift to the city."', ["Lou Grayson"]),
        # a speech verb's "that" stays the reporter's, and so does a pronoun after a relative
        ('Karl Brandt claimed that Lou Grayson called it "a gift to the rich."', ["Karl Brandt"]),
        ('Karl Brandt attacked the plan, which he called "a disgrace to the city."', ["Karl Brandt"]),
    ],
)
def test_subject_of_called_in_a_relative_clause(text, expected):
    """ "what Gilbert called '…'": a name between a relative word and "called" is its speaker, not the sentence's
    subject (before, "called" was read as a participle of the sentence's subject)."""
    assert speakers("Karl Brandt runs the port. Lou Grayson is its mayor.\n\n" + text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Karl Brandt\'s remarks about the judge were "the textbook definition of racism," Mr. Grayson said.',
            ["Lou Grayson"],
        ),
        ('Brandt cannot say that "from his perspective," Grayson added.', ["Lou Grayson"]),
        # also when a participle of the same speaker goes on, with a quote of its own
        (
            'Brandt cannot say that "from his perspective," Grayson added, saying it should be "up to the council."',
            ["Lou Grayson", "Lou Grayson"],
        ),
        ('Brandt said the plan was "a disaster for the harbour," said Grayson.', ["Lou Grayson"]),
        # a participle after the quote has no subject of its own: the sentence's
        ('Brandt called the plan "a disaster for the harbour," adding that it would fail.', ["Karl Brandt"]),
    ],
)
def test_a_cue_right_after_a_partial_quote_takes_the_sentence(text, expected):
    """ "Trump's remarks were "…," Mr. Ryan said": a named speaker right after a partial quote, ending the sentence,
    reports the whole clause before it (before, the clause's own subject or noun of speech was the speaker)."""
    assert speakers("Karl Brandt runs the port. Lou Grayson is its mayor.\n\n" + text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Debt is crippling," said Will Doyle, a professor at the university.', ["Will Doyle"]),
        ('Will Doyle, a professor at the university, disagreed. "Debt is crippling," he said.', ["Will Doyle"]),
        # the modal before a name and a verb stays the modal
        ('Will Brandt win? "We do not know yet," said Ana Pardo.', ["Ana Pardo"]),
    ],
)
def test_will_as_a_first_name(text, expected):
    """ "Will Doyle, a professor" is a person whose first name is Will, not the modal before "Doyle"."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a Spanish name with two family names, then the first family name alone
        (
            "Ana Pardo Ruiz, the bank's president, spoke on Monday.\n\n"
            '"We cannot pay," Ms. Pardo said. "Not this year," she added.',
            ["Ana Pardo Ruiz", "Ana Pardo Ruiz"],
        ),
        # someone whose name ends with the word is that person, not the one with it in the middle
        (
            'Ana Pardo Ruiz and Luis Pardo met.\n\n"We cannot pay," Pardo said.',
            ["Luis Pardo"],
        ),
        # two people with the same first family name: neither (a lone surname, no speaker proposed)
        (
            'Ana Pardo Ruiz and Luis Pardo Gómez met.\n\n"We cannot pay," Pardo said.',
            [""],
        ),
        # a show named after a person is no person with two family names
        (
            'Lou Grayson appeared on the Karla Brandt Show on Monday.\n\n"It was fun," Brandt said.',
            [""],
        ),
    ],
)
def test_first_of_two_family_names(text, expected):
    """ "Ms. Pardo" is Ana Pardo Ruiz when nobody's name ends with Pardo and no other name has it before the last."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "and" before the second verb is no speaker: the sentence's subject is
        (
            'Lou Grayson spoke first.\n\nKarl Brandt also characterised the deaths as "crushing" and wrote '
            '"May God protect their parents and loved ones."',
            ["Karl Brandt", "Karl Brandt"],  # "characterised" is a cue too
        ),
        (
            'Lou Grayson spoke first.\n\nAna Pardo opposes "arbitrary pay freezes" and recalled the freeze: "I saw '
            'how difficult it was for the employees."',
            ["Ana Pardo", "Ana Pardo"],
        ),
        # the subject is the appositive name after a long description whose capitals name bodies
        (
            "Lou Grayson spoke first.\n\nThe then-manager of Nordhaven Publicity and Director of Ostmark Tourism "
            'Partnership, Karl Brandt, called it "a retrograde step" and said "An area like this cannot afford to '
            'lose such a hotel."',
            ["Karl Brandt", "Karl Brandt"],
        ),
        # a clause that opens with a verb, then "and" and the cue
        (
            'Ana Pardo spoke first.\n\nKarl Brandt gestured as if to stop the chant, then leaned in and boomed: "Let '
            'us defeat her in November."',
            ["Karl Brandt"],
        ),
        (
            "Ana Pardo spoke first.\n\nLou Grayson, a spokesman for Mrs. Pardo, called on the senator to take back "
            'his words and said he had reached a "new low in this race."',
            ["Lou Grayson"],
        ),
        # a clause that opens with a pronoun keeps it
        (
            "Karl Brandt spoke first.\n\nEight years ago, he supported Ana Pardo over Lou Grayson and said, "
            '"Lou Grayson has never done anything for us."',
            ["Karl Brandt"],
        ),
    ],
)
def test_a_second_verb_has_the_sentence_s_subject(text, expected):
    """ "Duda also characterised … and wrote "…"", "David Clay, called it "…" and said "…"": the verb after a quote
    and "and" has no subject of its own, so its speaker is the sentence's subject."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the participle's object is not its subject: the speaker is the sentence's subject
        (
            'Lou Grayson spoke first.\n\nKarl Brandt said in his live stream, "I do not make this decision lightly", '
            "calling it a hard day for everyone.",
            ["Karl Brandt"],
        ),
        (
            'Lou Grayson spoke first.\n\nKarl Brandt has hailed the vote as "fantastic and long overdue," telling '
            "reporters that he was pleased.",
            ["Karl Brandt"],
        ),
        # before the quote too, past introductory phrases of time and place
        (
            "Karl Brandt spoke first.\n\nHours later, Ana Pardo returned the compliment to Brandt, telling "
            'Nordpress, "Karl and I have been friends for a long time."',
            ["Ana Pardo"],
        ),
        (
            "Karl Brandt spoke first.\n\nAt a campaign event in Ames, Ostmark, on Sunday, Ana Pardo tried to "
            'expand on her statement, saying that the country should "be rallying our partners and allies."',
            ["Ana Pardo"],
        ),
    ],
)
def test_a_participle_after_a_quote_has_the_sentence_s_subject(text, expected):
    """ "Sanders said …, "…", calling it a …", "Trump has hailed the vote as "fantastic," telling reporters …": the
    words after the participle are its object, not the speaker."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative's noun tells the gender, like "he" and "she"
        (
            "Karl Brandt and Ana Brandt were sentenced on Monday.\n\n"
            'The father said "I love my children and I believe they love me."\n\n'
            'The mother said "I really look forward to the day I can see them again."',
            ["Karl Brandt", "Ana Brandt"],
        ),
        # no one of that gender named before: speaker unknown
        (
            'Karl Brandt was sentenced on Monday.\n\nThe mother said "I really look forward to the day I can see '
            'them again."',
            [""],
        ),
    ],
)
def test_a_relative_named_by_a_noun_is_read_like_a_pronoun(text, expected):
    """ "David and Louise Turpin" … "The father said" is David Turpin, "The mother said" Louise Turpin."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a surname that is also a title word, then "of" and a place: the name ends at the surname
        (
            'Ana Pardo spoke first.\n\n"We will not be rushed on this," said Representative Peter T. King of '
            "Ostmark, a member of the committee.",
            ["Peter T. King"],
        ),
        (
            'Ana Pardo spoke first.\n\n"We will not be rushed on this," said Senator Karl King of Ostmark.',
            ["Karl King"],
        ),
        # a place before a title that goes on with "of"
        (
            'Ana Pardo spoke first.\n\nOstmark Secretary of State Lou Grayson said the law "is supported '
            'overwhelmingly by the people of the state."',
            ["Lou Grayson"],
        ),
    ],
)
def test_a_surname_that_is_a_title_word(text, expected):
    """ "Representative Peter T. King of New York": "of" after "King" does not go on as a title's "Secretary of"."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Karl Brandt spoke first.\n\nAlarmed by the unrest in Ostmark, Senator Lou Grayson, the minority leader, "
            'said that Brandt faced a "test of leadership" over the protests.',
            ["Lou Grayson"],
        ),
        (
            "Karl Brandt spoke first.\n\nReached by phone on Tuesday, Lou Grayson told the paper he hopes "
            '"somebody else takes up the cause" against Brandt.',
            ["Lou Grayson"],
        ),
    ],
)
def test_an_introductory_participle_in_ed(text, expected):
    """ "Alarmed by the unrest in Nevada, Senator Harry Reid … said": a participle in "-ed" and a preposition open an
    introductory phrase, which is not the subject."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a subordinate clause before the cue has its own subject
        (
            "Ana Pardo spoke first.\n\nThe endorsement comes three days after Karl Brandt told the Nordland Post he "
            'was "not quite there yet" on the matter.',
            ["Karl Brandt"],
        ),
        (
            "Ana Pardo spoke first.\n\nHis move is notable because House Speaker Lou Grayson has said he is "
            '"not ready" to endorse Pardo.',
            ["Lou Grayson"],
        ),
        # an aside between spaced hyphens is no subject
        (
            "Ana Pardo spoke first.\n\nFor much of the long speech - with sleeves rolled up - Karl Brandt assured the "
            'crowd that Pardo was "made of the same stuff as the rest of us."',
            ["Karl Brandt"],
        ),
    ],
)
def test_a_subordinate_clause_or_an_aside_before_the_cue(text, expected):
    """ "The endorsement comes just three days after Trump told The Washington Post he was "…"": Trump."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a conjunction before a capital opens the subject, with an appositive participle after it
        (
            "Karl Brandt and Ana Pardo spoke first.\n\nBut Pardo, making it clear that security came first, stood "
            'beside Brandt and described the government as being "democratically elected in every way."',
            ["Ana Pardo"],
        ),
        # a conjunction before an introductory phrase in lower case still skips it
        (
            "Karl Brandt spoke first.\n\nBut in Ostmark, Ana Pardo described the government as being "
            '"democratically elected in every way."',
            ["Ana Pardo"],
        ),
        # a focusing adverb between the conjunction and the subject, with a participle after a comma
        (
            "Walter Quill spoke at the summit on Monday.\n\nBoth Karl Brandt and Lou Grayson gave assurances. And even "
            'Quill tried to help them off the hook, noting that he would demur too.\n\n"It is not my job to comment on '
            'candidates," he said.',
            ["Walter Quill"],
        ),
    ],
)
def test_a_conjunction_before_the_subject(text, expected):
    """ "But Obama, making it clear that …, described the government as being "…"": Obama, not the participle."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "in remarks" after the verb is a noun, so "He said" is the attribution
        (
            'Ana Pardo spoke first. According to Karl Brandt, a retired envoy, the treaty is "dead." He said, in '
            'remarks published by Nordpress on Monday, "nobody in the capital wants to sign it any more."',
            ["Karl Brandt", "Karl Brandt"],
        ),
        (
            "Ana Pardo spoke first. Karl Brandt spoke next.\n\nHe said, in his notes for the hearing, "
            '"nobody in the capital wants to sign it any more."',
            ["Karl Brandt"],
        ),
        # nor is a noun of speech written in the singular after "in"
        (
            'Karl Brandt, a former envoy, called it "unprecedented." He said, in an interview, "nobody in the capital '
            'wants to sign it any more."',
            ["Karl Brandt", "Karl Brandt"],
        ),
        (
            'Karl Brandt, a former envoy, called it "unprecedented." He said in a statement, "Nobody in the capital '
            'wants to sign it any more."',
            ["Karl Brandt", "Karl Brandt"],
        ),
        # the verb itself still attributes: "Brandt remarks, "…""
        (
            'Ana Pardo spoke first.\n\nKarl Brandt remarks, "Nobody in the capital wants to sign it any more."',
            ["Karl Brandt"],
        ),
    ],
)
def test_a_cue_word_after_a_preposition_or_a_determiner_is_a_noun(text, expected):
    """ "He said, in remarks published by CNN in February, "…"": "remarks" is no verb, and the speaker is "he"."""
    assert speakers(text) == expected


def test_a_title_case_headline_with_an_ordinal_is_a_headline():
    """ "U.S. Nominates Jim Yong Kim for 2nd Term at World Bank": the ordinal does not make the line running text, so
    "Nominates" is no first name and "Mr. Kim" is the man the text names."""
    text = (
        "Nordland Nominates Karl Brandt for 2nd Term at Ostmark Bank.\n\n"
        "The president on Thursday nominated Karl Brandt for a second term.\n\n"
        'Mr. Brandt said: "In order to do a real change, you have to put jobs at risk."'
    )
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an appositive ending in a time word keeps its closing comma: the subject is before it
        (
            "Karl Brandt leads the bank.\n\nMr. Brandt, who was traveling in Ostmark and Nordland this week, said in "
            'a recent issue of the Nordland Post: "In order to do a real change, you have to put jobs at risk."',
            ["Karl Brandt"],
        ),
        (
            "Lou Grayson spoke first.\n\nKarl Brandt, who attended the rally on Wednesday, said that "
            '"the mayor took advantage of the law to hurt the little people."',
            ["Karl Brandt"],
        ),
    ],
)
def test_an_appositive_ending_in_a_time_word(text, expected):
    """ "Mr. Kim, who was traveling in Europe and Africa this week, said in …": the adverb before the cue is the
    appositive's, after its comma, and is not dropped with the comma."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clause of its own after a whole quoted sentence, then the cue's subject: the subject after the comma
        (
            'Ana Pardo spoke first.\n\n"We will rebuild every street." Many homes were destroyed, Karl Brandt said.',
            "Karl Brandt",
        ),
        ('"We will rebuild every street." Many homes were destroyed, the court said.', "court"),
        # with no verb before the comma, the first words are still the subject ("Karl Brandt, the mayor said")
        ('Ana Pardo spoke first.\n\n"We will rebuild every street," Karl Brandt, the mayor said.', "Karl Brandt"),
    ],
)
def test_the_subject_of_the_last_clause_before_the_cue(text, expected):
    """'"…." Many homes were destroyed, the court said.': the court speaks, not "Many homes"."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert proposal.speaker.name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a run of capitalised posts joined by commas and "and", then the name: the name speaks
        (
            '"We welcome the plan," said Executive Vice President, Chief Policy Officer, and Head of Strategic '
            "Advocacy, Neil L. Bradley.",
            ["Neil L. Bradley"],
        ),
        ('"We welcome the plan," said Chief Executive, Board Director and Founder, Ana Pardo.', ["Ana Pardo"]),
        # a post, then the name's own appositive: still the name
        ('"We welcome the plan," said Ana Pardo, Chief Executive, Nordland Bank.', ["Ana Pardo"]),
        # a list of posts with their holders names several people: the last is no speaker of the quote
        (
            '"We welcome the plan," said Foreign Minister Karl Brandt, Defence Minister Ana Pardo, Lou Grayson and '
            "others.",
            ["Karl Brandt"],
        ),
    ],
)
def test_a_name_after_a_run_of_posts(text, expected):
    """ "…," said Executive Vice President, Chief Policy Officer, and Head of Strategic Advocacy, Neil L. Bradley:
    Bradley, not a blank."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We saw people running in every direction," said a spokesman for Karl Brandt.', [""]),
        ('A spokeswoman for Karl Brandt said: "We saw people running in every direction."', [""]),
        ('"We saw people running in every direction," an aide to Brandt said.', [""]),
        ('"We saw people running in every direction," Karl Brandt\'s lawyer said.', [""]),
        # the name is the speaker's when the possessive is a place's or a body's
        ('"We saw people running in every direction," said Nordland\'s Karl Brandt.', ["Karl Brandt"]),
    ],
)
def test_whom_the_speaker_works_for_is_not_the_speaker(text, expected):
    """ "a spokesman for Karl Brandt", "Karl Brandt's lawyer": the name is of whom the speaker works for, and the
    speaker is someone the mention does not name (a blank, not Brandt)."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The talks ended. Jane Roe, the deputy foreign minister of Ruritania said: "
            '"We will not accept the terms of this agreement."',
            ["Jane Roe"],
        ),
        (
            "The talks ended. Jane Roe, president and CEO of the Nordland Restaurant Association stated, "
            '"We will not accept the terms of this agreement."',
            ["Jane Roe"],
        ),
        (
            'The talks ended. On Monday, Jane Roe, deputy foreign minister said: "We will not accept the terms."',
            ["Jane Roe"],
        ),
        # a title with its person's name after the comma is the subject itself
        (
            "In talking about the plans of Karl Brandt, former Ruritanian envoy Jane Roe told Nordpress, "
            '"We will not accept the terms of this agreement."',
            ["Jane Roe"],
        ),
        # a place before the comma is no subject: the description stays one
        (
            'The talks ended. In Strelsau, the deputy foreign minister said: "We will not accept the terms."',
            [""],
        ),
    ],
)
def test_a_title_after_the_name_without_its_closing_comma(text, expected):
    """ "Ana Pardo, president and CEO of the Nordland Restaurant Association stated, '…'": the writer left out the
    title's closing comma, and the name before it is the subject, not the title (a blank) or a place in it."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("lead", "mention", "expected"),
    [
        ("Today Vice President Karl Brandt opened the dialogue.", "As the Vice President noted", "Karl Brandt"),
        ("Vice President Karl J. Brandt met Foreign Minister Lou Grayson.", "The Foreign Minister said", "Lou Grayson"),
        # "President" after "Vice" is another post: nobody holds "President" here
        ("Vice President Lou Grayson met the delegates.", "The President said", ""),
        ("President Karl Brandt and Vice President Lou Grayson met.", "The President said", "Karl Brandt"),
        # two people hold the post: neither is proposed
        ("Senator Karl Brandt met Senator Lou Grayson in Strelsau.", "The Senator said", ""),
    ],
)
def test_a_post_in_capitals_is_the_one_person_named_with_it(lead, mention, expected):
    """ "the Vice President" is whoever the text named before with exactly that post as a title, if only one."""
    text = f"{lead} {mention}, \u201cOur world is more interconnected than ever before, and we work together.\u201d"
    assert speakers(text) == [expected]
