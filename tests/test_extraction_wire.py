"""Conventions of wire copy and government statements, on invented texts (Nordland, Ruritania, Nordpress): the rules
found on the wire tuning set (tests/data/wire-train), each checked here on text of its own."""

import datetime

import pytest

from statements.extraction import extract
from statements.extraction.text import find_quotes

DAY = datetime.date(2019, 9, 30)


def speakers(text: str) -> list[str]:
    """The speaker's name of each proposal with quoted words, "" for speaker unknown."""
    proposals = extract(text, published=DAY).proposals
    return [p.speaker.name if p.speaker and p.speaker.is_person else "" for p in proposals if p.has_quote]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the surname written without the accents of the full name, and the other way round
        (
            "Ruritanian President Mehmet Yıldıroğlu spoke in Strelsau.\n\n"
            '"We will not be rushed on this," Yildiroglu said.',
            ["Mehmet Yıldıroğlu"],
        ),
        (
            'Nordland leader Karol Wisniewski spoke on Monday.\n\n"We will not be rushed on this," Wiśniewski said.',
            ["Karol Wisniewski"],
        ),
    ],
)
def test_a_surname_written_without_its_accents_completes_to_the_full_name(text, expected):
    """Wire copy writes "Erdoğan" and "Erdogan" in one article: both are the one person the article names in full."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        # the place after "of" is written elsewhere on its own
        (
            'President of Ruritania Mara Quill spoke on Monday. Ruritania is calm.\n\n"We will not be rushed," Quill '
            "said.",
            "Mara Quill",
            "",
        ),
        # ... or as its adjective
        (
            'The Ruritanian delegation left. President of Ruritania Mara Quill said, "We will not be rushed."',
            "Mara Quill",
            "President of Ruritania",
        ),
        # a place of two words; the title keeps it
        (
            'Port Nord voted on Monday. Chief Executive of Port Nord Ana Pardo said, "We will not be rushed."',
            "Ana Pardo",
            "Chief Executive of Port Nord",
        ),
        # "to" after a title word: an ambassador's country
        (
            'Nordland protested. US Ambassador to Nordland Lou Grayson said, "We will not be rushed."',
            "Lou Grayson",
            "US Ambassador to Nordland",
        ),
        # a name of three words after the place
        (
            'Ruritania protested. Foreign Minister of Ruritania Ana Maria Pardo said, "We will not be rushed."',
            "Ana Maria Pardo",
            "Foreign Minister of Ruritania",
        ),
        # a place written nowhere else, before a name the article also writes without it
        (
            "The speakers included First Minister of Ostmark Ana Pardo.\n\n"
            'Ana Pardo said the march was "the moment of maximum opportunity" for a new vote.',
            "Ana Pardo",
            "",
        ),
        # a first name before a shorter form of the name is no place
        (
            "Minister of Ostmark Ana Maria Pardo spoke on Monday. Ostmark is calm.\n\n"
            'Maria Pardo said the plan was "a museum piece nobody visits" at all.',
            "Ana Maria Pardo",
            "",
        ),
        # "from" after a title word: a senator's state
        (
            "Bernie Quill ends bid\n\nOn Wednesday, Senator from Ostmark Bernie Quill ended his bid.\n\n"
            'Quill said it was "a difficult and painful decision" to make.',
            "Bernie Quill",
            "",
        ),
    ],
)
def test_the_place_a_title_names_is_not_part_of_the_name(text, name, title):
    """ "President of Argentina Alberto Fernández", "Ambassador to Germany Richard Grenell": the place belongs to
    the title, so the name is the person's, and a later surname completes to it."""
    proposal = [p for p in extract(text, published=DAY).proposals if p.has_quote][-1]
    assert proposal.speaker.name == name
    assert proposal.speaker.title == title or not title


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ('Secretary of Commerce Karl Brandt said, "We will not be rushed."', "Karl Brandt", "Secretary of Commerce"),
        (
            'Director of National Intelligence Ana Pardo said, "We will not be rushed."',
            "Ana Pardo",
            "Director of National Intelligence",
        ),
        # "and" between two fields goes on with the title
        (
            'Secretary of Health and Human Services Lou Grayson said, "We will not be rushed."',
            "Lou Grayson",
            "Secretary of Health and Human Services",
        ),
        (
            '"We will not be rushed," said Ruritanian Minister for Trade and Industry Mara Quill.',
            "Mara Quill",
            "Ruritanian Minister for Trade and Industry",
        ),
        # a body after "the", or a field after "and", that is no portfolio word: a common first name starts the name
        ('Secretary of the Fleet Karl Brandt said, "We will not be rushed."', "Karl Brandt", "Secretary of the Fleet"),
        (
            '"We will not be rushed," said Commissioner of Food and Drugs Ana Pardo.',
            "Ana Pardo",
            "Commissioner of Food and Drugs",
        ),
        # ... and a portfolio's word after "the" before a first name no list has
        ('Secretary of the Navy Dorin Vashti said, "We will not be rushed."', "Dorin Vashti", "Secretary of the Navy"),
        # a post not yet taken up
        ('Ambassador-designate Karl Brandt said, "We will not be rushed."', "Karl Brandt", "Ambassador-designate"),
        ('Karl Brandt won the vote.\n\nPresident-elect Brandt said, "We will not be rushed."', "Karl Brandt", ""),
        # a plural title in "-ies" before two surnames
        (
            "Secretary of Commerce Karl Brandt met his Ruritanian counterpart.\n\nSecretaries Brandt and Quill "
            'spoke. "We will not be rushed," Secretary Brandt said.',
            "Karl Brandt",
            "",
        ),
    ],
)
def test_the_field_of_a_post_is_part_of_the_title(text, name, title):
    """ "Secretary of Commerce Gina Raimondo", "Director of National Intelligence Tulsi Gabbard": the department a
    post is "of" is the title's, never the first words of the holder's name."""
    proposal = [p for p in extract(text, published=DAY).proposals if p.has_quote][-1]
    assert proposal.speaker.name == name
    assert proposal.speaker.title == title or not title


def test_a_label_with_a_date_in_brackets_names_its_quote():
    """A release listing what officials said, each paragraph opening "Name (date): “…”": the label is the speaker,
    whatever its title (a post's body in capitals, a first name of two capitals), not the one named above."""
    text = (
        "Ruritania struck on Monday.\n\n"
        "Prime Minister Karl Brandt (March 1): “We will not be rushed by anyone at all.”\n\n"
        "Vice President JD Quill (March 2): “Whatever happens, it is incidental to the objective.”\n\n"
        "Under Secretary of War for Policy Lou Grayson (March 3): “I can lay out the objectives once again.”\n\n"
        "Chairman of the Joint Chiefs of Staff General Ana Pardo (as prepared): “The operation had clear aims.”"
    )
    assert speakers(text) == ["Karl Brandt", "JD Quill", "Lou Grayson", "Ana Pardo"]


@pytest.mark.parametrize(
    "post",
    [
        "Director of the Office of Management and Budget",
        "Administrator of the Nordland Environmental Protection Agency",
        "Ambassador to the United Nations",
        "Administrator of the Nordland Agency for International Development",
        # a role noun that is no title word ends a post too
        "Founder of the Nordland Agency for International Development",
    ],
)
def test_a_body_s_name_of_several_runs_between_a_post_and_a_name(post):
    """ "Director of the Office of Management and Budget Karl Brandt": "the", "of" and "and" inside the body's name
    do not end the speaker's noun phrase, and the body's last word is not the name's first."""
    before = f'{post} Karl Brandt said, "We will not be rushed by anyone."'
    after = f'"We will not be rushed by anyone," said {post} Karl Brandt.'
    assert speakers(before) == speakers(after) == ["Karl Brandt"]


def test_a_title_of_an_institution_with_no_name_after_it_is_no_person():
    """ "The chairman of the Nordland Joint Staff" names no one: a later "he" is still the last person named."""
    text = (
        'Karl Brandt spoke first. "We will not be rushed," Brandt said.\n\n'
        "The chairman of the Nordland Joint Staff asked Brandt that question.\n\n"
        '"Nor will we," he said.'
    )
    assert speakers(text) == ["Karl Brandt", "Karl Brandt"]


def test_a_surname_with_a_joined_particle_is_one_name():
    """ "Abdel Karim el-Nouri": the lower-case "el-" is part of the surname, which a later "el-Nouri" or "Nouri"
    completes to; "al-Hamad" after a first name is a full name."""
    text = (
        "Ruritanian President Abdel Karim el-Nouri spoke on Monday.\n\n"
        '"We will not be rushed," el-Nouri said. "Nor will we," Nouri said.\n\n'
        '"It is done," Bashar al-Hamad told Nordpress.'
    )
    assert speakers(text) == ["Abdel Karim el-Nouri", "Abdel Karim el-Nouri", "Bashar al-Hamad"]


@pytest.mark.parametrize(
    "text",
    [
        'Nordland committee member Karl Brandt of Ostmark said on Twitter, "We will not be rushed on this."',
        'Legislator Karl Brandt spoke to reporters. "We will not be rushed on this," Brandt said.',
    ],
)
def test_a_member_or_a_legislator_before_a_name_is_a_role(text):
    """ "Republican committee member Doug Collins", "Legislator Tanya Chan": the role word is no part of the name."""
    assert speakers(text) == ["Karl Brandt"]


def test_an_abbreviation_in_brackets_inside_a_title_is_no_break():
    """ "Member of Parliament (MP) Yvette Cooper of the Labour Party added": the bracket belongs to the title."""
    text = 'Member of Parliament (MP) Ana Pardo of the Nordland Labour Party added, "We will not be rushed on this."'
    assert speakers(text) == ["Ana Pardo"]


@pytest.mark.parametrize(
    "text",
    [
        '"We will not be rushed on this," according to a tweet on Monday by Foreign Minister Karl Brandt.',
        'According to a statement from Foreign Minister Karl Brandt, "we will not be rushed on this."',
        'Nordland will wait. According to Foreign Minister Karl Brandt, "we will not be rushed on this."',
    ],
)
def test_according_to_a_document_by_someone_is_that_person(text):
    """ "according to a tweet by X", "according to a statement from X": the author speaks, not the document."""
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    "text",
    [
        # a name in apposition after "the president of" a body written in capitals
        'The president of the Nordland League for Human Rights, Karl Brandt, said, "We are for the freedom to dress."',
        # whom one speaks to, in an introductory phrase, is not the subject
        "Speaking to Nordpress Agence, the president of the Nordland League for Human Rights, Karl Brandt, said, "
        '"We are for the freedom to dress."',
        # the body's word in lower case, and its name spelt out in brackets
        "Lou Grayson of the drivers' union spoke first. The general secretary of the NRT union (Nordland Union of "
        'Rail and Sea Workers), Karl Brandt, said the measure was "nowhere near enough for us."',
        # a long description of an employer and a role before the name, with no article
        "Lou Grayson spoke first. Train drivers' trade union Nordlef general secretary Karl Brandt commented, "
        '"We are for the freedom to dress."',
    ],
)
def test_the_name_after_the_head_of_a_named_body_is_the_speaker(text):
    """ "the president of the Tunisian League for the Defence of Human Rights, Jamel Msallem, said": Msallem."""
    assert speakers(text) == ["Karl Brandt"]


def test_a_cleric_s_title_and_calling():
    """ "archbishop Monsenor Jorge Eduardo Scheinig … the archbishop said": the title is no first name, and the
    calling found later goes back to him."""
    text = (
        "The plan was criticised by archbishop Monsignor Karl Brandt.\n\n"
        'Calling it a mistake, the archbishop said "We need to pray for the ministers."'
    )
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    "attribution",
    ['On the live television he said, "', 'In Strelsau on Monday he told Nordpress: "'],
)
def test_a_pronoun_after_an_introduction_without_its_comma(attribution):
    """ "On the live television he said, …": the pronoun is the subject, not a description "On … he"."""
    text = f'Karl Brandt spoke on Monday.\n\n{attribution}We will not be rushed on this."'
    assert speakers(text) == ["Karl Brandt"]


def test_an_aside_between_dashes_is_no_part_of_the_attribution():
    """ "Speaker Karl Brandt commented on the matter — which Nordpress noted as unusual — "…"": Brandt speaks, and the
    verb inside the aside is not the cue."""
    text = (
        "House Speaker Karl Brandt commented on the matter — which Nordpress noted as an unusual move by a "
        'Speaker — "However it is dressed up, the purpose is plain."'
    )
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Foreign Minister Karl Brandt issued a statement: "We will not be rushed on this."', ["Karl Brandt"]),
        ('The palace released the following statement from Karl Brandt: "We will not be rushed."', ["Karl Brandt"]),
        # an institution's statement is not given to the person named before it
        (
            'Karl Brandt spoke on Monday.\n\nThe Nordland foreign ministry issued a statement: "We wait."',
            [""],
        ),
    ],
)
def test_a_statement_introduced_by_its_issuer(text, expected):
    """ "X issued a statement: "…"", "the following statement from X: "…"": X is the speaker, not the last person
    named (the quote used to continue the previous speaker)."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'Karl Brandt spoke. Brandt was quoted by Nordpress as saying, "We will not be rushed on this."',
        'Karl Brandt spoke. "We will not be rushed on this," Brandt was quoted as saying by Nordpress.',
        'Nordpress quoted Karl Brandt as saying: "We will not be rushed on this."',
        # after the quote: the passive with the outlet before "as saying", and an outlet of several words
        'Karl Brandt spoke. "We will not be rushed on this," Brandt was quoted by Nordpress as saying.',
        'Lou Grayson spoke. "We will not be rushed on this," the Nordpress news agency quoted Karl Brandt as saying.',
        # "cited … as saying" is the same convention
        'Lou Grayson spoke. "We will not be rushed on this," the agency cited Karl Brandt as saying.',
        'Lou Grayson spoke. Nordpress cited Karl Brandt as saying: "We will not be rushed on this."',
        'Lou Grayson spoke. Karl Brandt, quoted by Nordpress as saying: "We will not be rushed on this."',
        # the person quoted as a pronoun, or with an appositive
        'Karl Brandt spoke. "We will not be rushed on this," the agency quoted him as saying.',
        'Lou Grayson spoke. Nordpress quoted Karl Brandt, the envoy, as saying: "We will not be rushed on this."',
    ],
)
def test_quoted_as_saying_names_the_person_quoted_not_the_outlet(text):
    """ "X was quoted by Nordpress as saying", "Nordpress quoted X as saying": X speaks."""
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a post before the lone name elsewhere, in capitals or not
        (
            'President Yildiroglu spoke.\n\n"We will not be rushed on this," Yildiroglu said.',
            ["Yildiroglu"],
        ),
        ('Ruritanian president Yildiroglu spoke.\n\n"We will not be rushed on this," Yildiroglu said.', ["Yildiroglu"]),
        # no post anywhere: a lone capitalised word may be an outlet or a place, and stays unknown
        ('Yildiroglu was busy on Wednesday.\n\n"We will not be rushed on this," Yildiroglu said.', [""]),
        # an organisation after a post is no person
        ('The White House spoke.\n\n"We will not be rushed on this," House said.', [""]),
    ],
)
def test_a_lone_name_written_after_a_post_is_a_person(text, expected):
    """ "Erdoğan said" where the article writes "President Erdoğan" and never a first name: the name is proposed."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    "opening",
    [
        "STRELSAU, Oct 9 (Nordpress) - Ruritanian President Mehmet Yildiroglu said the army would stay.",
        "STRELSAU (Nordpress) — Ruritanian President Mehmet Yildiroglu said the army would stay.",
        "By Lou Grayson\n\nSTRELSAU (Nordpress) — Ruritanian President Mehmet Yildiroglu said the army would stay.",
        "Lou Grayson | Nordpress\n\nSTRELSAU, Oct 9 (Nordpress) - Ruritanian President Mehmet Yildiroglu spoke on.",
    ],
)
def test_datelines_and_bylines_are_not_the_subject(opening):
    """ "STRELSAU (Nordpress) — President X said …": X is the subject a later "he" goes to; the byline's writer
    is never the antecedent."""
    text = f'{opening}\n\n"We will not be rushed on this," he said.'
    assert speakers(text) == ["Mehmet Yildiroglu"]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "According to Dr. Karl Brandt, formerly the director of the Nordland Centre, the outbreak is "
            '"unprecedented in our time."',
            'the outbreak is "unprecedented in our time."',
        ),
        (
            'Karl Brandt spoke on Monday. According to him, the raid was done with "help from inside the kingdom".',
            'the raid was done with "help from inside the kingdom"',
        ),
    ],
)
def test_according_to_someone_then_the_reported_words(text, content):
    """ "According to X, <content with quoted words>": a paraphrase by X of what follows X's noun phrase."""
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert (proposal.text, proposal.speaker.name) == (content, "Karl Brandt")


@pytest.mark.parametrize(
    ("attribution", "expected"),
    [
        ('"We will not be rushed on this," said a protester who gave her name only as Katya.', "Katya"),
        ('"We will not be rushed on this," said a protester using the pseudonym Katya.', "Katya"),
        ('"We will not be rushed on this," said a man who asked to be identified by his first name, Ali.', "Ali"),
        ('"We will not be rushed on this," said a student, identified only as Lee.', "Lee"),
        ('A student, identified only as Lee, said: "We will not be rushed on this."', "Lee"),
        ('A protester who gave her name only as Katya said: "We will not be rushed on this."', "Katya"),
        ('"We will not be rushed on this," said Katya, a protester who declined to give her surname.', "Katya"),
        ('"We will not be rushed on this," said a nurse who gave only her first name, Katya.', "Katya"),
        ('"We will not be rushed on this," said a woman who identified herself only as Katya.', "Katya"),
        ('"We will not be rushed on this," said a fighter who goes by the name Abu Katya.', "Abu Katya"),
        ('"We will not be rushed on this," said a trader who asked to be identified only as Ms. Katya.', "Katya"),
        # no name given: nobody, not the person named before
        ('"We will not be rushed on this," said a resident who did not want to be named.', ""),
    ],
)
def test_a_name_given_instead_of_a_full_one_is_the_speaker(attribution, expected):
    """ "a protester who gave her name only as Katya": the name as given is the speaker, not a description and not
    the person last named; a later "she" is Katya too."""
    text = f'Lou Grayson spoke on Monday.\n\n{attribution}\n\n"Nor will we," she added.'
    assert speakers(text) == [expected, expected]


@pytest.mark.parametrize(
    "attribution",
    [
        '"We will not be rushed on this," Ruritania\'s al-Hamad said.',
        'Ruritania\'s al-Hamad told Nordpress: "We will not be rushed on this."',
    ],
)
def test_a_place_s_possessive_before_a_surname_with_its_particle(attribution):
    """ "Syria's al-Assad said": the surname is the speaker, not the country; it completes to the full name."""
    text = f"Ruritanian President Bashar al-Hamad spoke on Monday.\n\n{attribution}"
    assert speakers(text) == ["Bashar al-Hamad"]


@pytest.mark.parametrize(
    "attribution",
    [
        "said the Nordland State Department's spokesman, Karl Brandt.",
        "said the UK's Foreign Secretary, Karl Brandt.",
        "said Ruritania's foreign minister, Karl Brandt, on Monday.",
        "according to the ministry's spokesman, Karl Brandt.",
        # a body's name with a comma of its own before the possessive
        "said University of Nordland, Strelsau's chancellor, Karl Brandt.",
    ],
)
def test_a_description_s_appositive_name_after_an_inverted_cue(attribution):
    """ "…," said the UK's Foreign Secretary, Dominic Raab: the name, not the description (which went to the person
    last named, or stayed a description)."""
    text = f'Lou Grayson spoke on Monday.\n\n"We will not be rushed on this," {attribution}'
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    ("attribution", "expected"),
    [
        ('In words attributed to Karl Brandt, "we will not be rushed on this."', "Karl Brandt"),
        ('Remarks attributed to Karl Brandt were read out: "We will not be rushed on this."', "Karl Brandt"),
        # the institution a statement is attributed to, never the person named before
        ('"We will not be rushed on this," said a statement attributed to the Nordland foreign ministry.', ""),
    ],
)
def test_words_attributed_to_someone_are_theirs(attribution, expected):
    """ "words attributed to X", "a statement attributed to the ministry": X speaks, not the person last named."""
    text = f"Lou Grayson spoke on Monday. {attribution}"
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "attribution",
    [
        '"We know better than they do," state Sen. Karl Brandt (D) said about halfway through.',
        '"We know better than they do," retired Gen. Karl Brandt said.',
    ],
)
def test_a_word_before_a_title_opens_the_name_after_a_quote(attribution):
    """ "…," state Sen. Jason Holsman (D) said: "state" before a title opens the speaker's name (before, a lower-case
    word after the quote meant the sentence went on)."""
    assert speakers(f"Lou Grayson spoke first. {attribution}") == ["Karl Brandt"]


def test_the_one_who_asks_says_the_quote_after_a_passive_asked_by():
    """ "Sanders was asked by host Bill Maher, who …, "…"": the host asks the question, not Sanders (a cue in the
    host's relative clause gave it to the subject)."""
    text = (
        "Karl Brandt ran for office. Brandt was asked by host Lou Grayson, who backs Brandt but has dismissed the "
        'story, "Now, you said you were tired of hearing about it, has it not moved?"\n\nBrandt responded, "It has."'
    )
    assert speakers(text) == ["Lou Grayson", "Karl Brandt"]


def test_the_one_asked_who_answers_in_the_same_sentence_says_the_quote():
    """ "Brandt was asked by Lou Grayson about the plan and replied, "…"": the answer is Brandt's, not the asker's."""
    text = 'Karl Brandt was asked by Lou Grayson about the plan and replied, "It will be ready in May."'
    assert speakers(text) == ["Karl Brandt"]


def test_a_person_s_appositive_ending_in_a_body_s_name_stays_the_person_s():
    """ "said Robert McDonough, a senior executive at Carrier's parent company, United Technologies": the
    company at the end of the appositive is no speaker."""
    text = (
        '"We have to look around the corner," said Karl Brandt, a senior executive at Nordair\'s parent company, '
        "United Turbines."
    )
    assert speakers(text) == ["Karl Brandt"]


def test_a_statement_attributed_to_an_institution_is_the_institution_s():
    text = 'Lou Grayson spoke.\n\n"We will not be rushed," said a statement attributed to the Nordland ministry.'
    (proposal,) = extract(text, published=DAY).proposals
    assert (proposal.speaker.name, proposal.speaker.is_institution) == ("Nordland ministry", True)


def test_words_attributed_to_him_are_the_person_last_named():
    text = 'Karl Brandt spoke on Monday. He shared a quote that a fan attributed to him: "We will not be rushed."'
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    "attribution",
    [
        '"We will not be rushed on this," the official said on condition of anonymity.',
        '"We will not be rushed on this," said the official, who was not authorised to speak publicly.',
        'The official, who declined to be named, told Nordpress: "We will not be rushed on this."',
    ],
)
def test_a_description_that_names_nobody_is_not_the_person_named_before(attribution):
    """ "…," the official said on condition of anonymity: speaker unknown, never the official named earlier."""
    text = f"Foreign Ministry official Karl Brandt spoke on Monday.\n\n{attribution}"
    assert speakers(text) == [""]


@pytest.mark.parametrize(
    "attribution",
    [
        '"We will not be rushed on this," Port Nord director of Amnesty International Man-kei Tam said.',
        '"We will not be rushed on this," Nordland director of Amnesty International Man-kei Tam said.',
        'Nordland head of the Nordic League Man-kei Tam told Nordpress: "We will not be rushed on this."',
    ],
)
def test_a_place_and_a_role_of_an_organisation_before_a_name(attribution):
    """ "Hong Kong director of Amnesty International Man-kei Tam said": the person, not the place nor the body (a
    given name with a lower-case tail after its hyphen is a name, not a modifier like "Ohio-raised")."""
    assert speakers(f"Lou Grayson spoke on Monday.\n\n{attribution}") == ["Man-kei Tam"]


@pytest.mark.parametrize(
    ("mention", "name", "title"),
    [
        ("Ruritanian Foreign Ministry spokeswoman Ana Pardo", "Ana Pardo", "Ruritanian Foreign Ministry spokeswoman"),
        ("Port Nord leader Ana Pardo", "Ana Pardo", "Port Nord leader"),
        ("Ruritania's deputy foreign minister Ana Pardo", "Ana Pardo", "Ruritania's deputy foreign minister"),
        ("the Nordland State Department's spokesman Ned Pardo", "Ned Pardo", "Nordland State Department's spokesman"),
        ("Nordland's Foreign Secretary Karl Brandt", "Karl Brandt", "Nordland's Foreign Secretary"),
        ("Ruritania's Supreme Leader Ali Karimi", "Ali Karimi", "Ruritania's Supreme Leader"),
        # a description of how the name was given is no title of it
        ("a protester using the pseudonym Katya", "Katya", ""),
        # the place and the role set off by commas before the name
        ("Turkey's foreign minister, Karl Brandt,", "Karl Brandt", "Turkey's foreign minister"),
        ("the UK's Foreign Secretary, Karl Brandt,", "Karl Brandt", "UK's Foreign Secretary"),
    ],
)
def test_a_place_and_a_role_before_a_name_are_its_title(mention, name, title):
    """ "Russian Foreign Ministry spokeswoman Maria Zakharova", "Hong Kong leader Carrie Lam": the person is the name,
    and the place and the role are the title, which the page offers as the post; the place is never the speaker."""
    (proposal,) = extract(f'"We will not be rushed on this," {mention} said.', published=DAY).proposals
    assert (proposal.speaker.name, proposal.speaker.title, proposal.speaker.is_person) == (name, title, True)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            '"We will not be rushed on this," said Ruritania\'s deputy foreign minister, Ana Pardo.',
            "Ruritania's deputy foreign minister",
        ),
        # a clause before the name, not an appositive: no title
        ('When she met the foreign minister, Ana Pardo said: "We will not be rushed on this."', ""),
        (
            '"We will not be rushed on this," said Ruritania\'s deputy foreign minister, Ana Pardo, on Monday.',
            "Ruritania's deputy foreign minister",
        ),
    ],
)
def test_a_role_set_off_before_an_appositive_name_is_its_title(text, title):
    """ "said the UK's Foreign Secretary, Dominic Raab": the role is the name's title only when the name stands in
    apposition to it (a comma or the clause's end after the name)."""
    (proposal,) = extract(text, published=DAY).proposals
    assert (proposal.speaker.name, proposal.speaker.title) == ("Ana Pardo", title)


@pytest.mark.parametrize(
    "after",
    [
        "The remarks were made by Karl Brandt on Monday.",
        "Karl Brandt made the remarks at a news conference in Strelsau.",
        "Foreign Minister Karl Brandt made the comments in Strelsau.",
    ],
)
def test_the_sentence_after_a_quote_that_says_whose_remarks_they_were(after):
    """ "…" The remarks were made by X: X spoke, not the person named before (the quote went on from Lou Grayson)."""
    text = f'Lou Grayson spoke on Monday.\n\n"We will not be rushed on this. We will wait." {after}'
    assert speakers(text) == ["Karl Brandt"]


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("Costa Nordia's Crown Prince Karl Brandt", "Karl Brandt"),
        ("Costa Nordia's Chief Executive Ana Pardo", "Ana Pardo"),
        ("Costa Nordia's Secretary-General Ana Pardo", "Ana Pardo"),
    ],
)
def test_a_place_s_possessive_before_a_titled_name_is_not_the_speaker(mention, name):
    """ "Saudi Arabia's Crown Prince Mohammed bin Salman said": the person, not the country (a place of two words
    looks like a person's name)."""
    assert speakers(f'"We will not be rushed on this," {mention} said.') == [name]


@pytest.mark.parametrize(
    "text",
    [
        '"We will not be rushed on this," Ruritania\'s ambassador to the United Nations, Ana Pardo, told the council.',
        '"We will not be rushed on this," said Ruritania\'s ambassador to the United Nations, Ana Pardo.',
        'Ruritania\'s ambassador to Nordland, Ana Pardo, said: "We will not be rushed on this."',
    ],
)
def test_a_possessive_role_to_a_named_body_then_the_appositive_name(text):
    """ "Russia's ambassador to the United Nations, Vassily Nebenzia, told": the name, not "Russia's ambassador"."""
    assert speakers(f"Lou Grayson spoke on Monday.\n\n{text}") == ["Ana Pardo"]


@pytest.mark.parametrize(
    "subject",
    [
        "A resident who did not want to be named",
        "A resident who asked not to be named",
        "The resident who declined to be named",
    ],
)
def test_a_description_before_its_relative_clause_is_the_subject(subject):
    """ "A resident who did not want to be named said: …": the speaker is the resident (no name, so unknown; and "she"
    after it is the resident too), not the relative clause's verb ("did") nor the person named before."""
    text = (
        f'Ana Pardo spoke on Monday.\n\n{subject} said: "We will not be rushed on this."\n\n"Nor will we," she added.'
    )
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.speaker.name if p.speaker else "", p.speaker.is_person if p.speaker else False) for p in proposals] == [
        ("resident", False),
        ("resident", False),
    ]


@pytest.mark.parametrize(
    ("sentence", "kind", "content"),
    [
        # a cue in British spelling, and participles and phrases that report speech
        ('Brandt characterised the talks as "a waste of everyone\'s time" on Monday.', "paraphrase", None),
        (
            'Brandt praised the deal, stating he was "proud to have the best negotiators" on his side.',
            "paraphrase",
            None,
        ),
        ('Brandt talked of the envoy\'s "countless discoveries in the field" at the dinner.', "paraphrase", None),
        (
            'Brandt underlined they keep channels open and that he would be "very happy if Ruritania were to '
            'reconsider its approach".',
            "paraphrase",
            None,
        ),
        (
            'Brandt went on to say the defendants had "no respect for the law at all" and would serve long terms.',
            "paraphrase",
            'the defendants had "no respect for the law at all" and would serve long terms',
        ),
        (
            'Brandt explained to Nordpress that the ship "may have turned its transponder off" for weeks.',
            "paraphrase",
            'the ship "may have turned its transponder off" for weeks',
        ),
        # a verb whose object is the quote: the quote is direct
        (
            'Brandt thanked "the police and the emergency services for their swift response".',
            "direct",
            "the police and the emergency services for their swift response",
        ),
        # "writing" and "tweeting" right before the quote, also after an earlier quote in the sentence
        (
            'Brandt shared the news online, writing "Feels great to support someone I believe in."',
            "direct",
            "Feels great to support someone I believe in.",
        ),
        (
            'Brandt posted a list called "Reading" on his page, tweeting "Here is what I read this year. Enjoy it."',
            "direct",
            "Here is what I read this year. Enjoy it.",
        ),
    ],
)
def test_more_verbs_report_speech(sentence, kind, content):
    """ "characterised", "stating", "talked of", "underlined", "went on to say", "explained to Nordpress that",
    "thanked "…"": each attributes its quote to the sentence's subject (each was a missed quotation on wire copy)."""
    text = f"Karl Brandt spoke in Strelsau on Monday. {sentence}"
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.kind, p.speaker.name) for p in proposals] == [(kind, "Karl Brandt")]
    if content is not None:
        assert proposals[0].text == content


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ('Brandt tweeted "We will win the war" and offered "condolences to the families of the dead."', ["direct"] * 2),
        ('Brandt wrote "We will win the war" and added "Nobody will be left behind."', ["direct"] * 2),
        # a participle after a quote: its subject is the one before the quote
        (
            'Brandt said on the radio, "I do not make this decision lightly", calling it a "difficult and painful '
            'decision". He left.',
            ["direct", "paraphrase"],
        ),
        # "thanked" or "offered" not right before the quote attributes nothing
        ('Brandt thanked him for "stepping up and taking action when nobody would."', []),
        ('Friends offered to vote for me and to work for my "campaign" when I wrote about it.', []),
        # "writing" not right before the quote is no cue
        ('Brandt was writing a book about the "lost years" of his life.', []),
    ],
)
def test_a_second_verb_of_the_subject_attributes_its_quote(sentence, kinds):
    """'Brandt tweeted "…" and offered "…"', '"…", calling it a "…"': both quotes are Brandt's (the second had "and"
    for its speaker; the participle was taken for an inverted "calling it a", and the first quote lost its "said")."""
    text = f"Karl Brandt spoke in Strelsau on Monday. {sentence}"
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.kind, p.speaker.name if p.speaker else "") for p in proposals] == [(k, "Karl Brandt") for k in kinds]


def test_words_reported_inside_another_s_reported_speech_are_the_reporter_s():
    """ "Quill claimed that Brandt had characterized as "truthful" …": Quill's claim is what the sentence reports, so
    the quote is hers (it was given to Brandt with full confidence)."""
    text = 'Mara Quill admitted she was wrong when she claimed that Karl Brandt had characterized as "truthful" it all.'
    assert [p.speaker.name for p in extract(text, published=DAY).proposals if p.has_quote] == ["Mara Quill"]


@pytest.mark.parametrize("ending", ["?", ".", "!"])
def test_a_cue_after_a_whole_quote_with_its_own_cue_leads_into_the_next(ending):
    """'Brandt said, "… exempt?" Archbishop Lou Grayson said, "…"': two people's quotes, not one quote of Grayson's
    interrupted by his attribution (the first was given to Grayson)."""
    text = (
        f'Cardinal Karl Brandt said, "We have said for years that priests should follow rules{ending}" Archbishop '
        'Lou Grayson said, "People must know that bishops serve the people."'
    )
    assert speakers(text) == ["Karl Brandt", "Lou Grayson"]


def test_a_cue_written_right_before_a_quote_introduces_it_not_the_one_before():
    """'Brandt praised Pardo's "countless discoveries in the field." Director Lou Grayson said "…"': the sentence
    ended inside the quotation marks, and Grayson's cue belongs to his own quote (the first was given to him)."""
    text = (
        'Karl Brandt spoke on Monday. Brandt praised Ana Pardo\'s "countless discoveries in the field." Director '
        'Lou Grayson said "She has been a treasure for the whole of science."'
    )
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.text[:4], p.speaker.name if p.speaker else "") for p in proposals][-1] == ("She ", "Lou Grayson")
    assert all(p.speaker is None or p.speaker.name != "Lou Grayson" for p in proposals[:-1])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('The letter from Karl Brandt reads: "We will not be rushed on this matter."', ["Karl Brandt"]),
        ('The decree signed by Karl Brandt read "The crimes of the past offend us all."', ["Karl Brandt"]),
        # a document whose issuer is not named is not given to the person named last
        ('The opinion of the Court, released on Wednesday, read in part, "The oath of office is void."', [""]),
    ],
)
def test_a_document_s_text_after_read_is_its_issuer_s(sentence, expected):
    """ "The decree signed by X read "…"", "The opinion of the Court … read in part, "…"": the quote is the document's
    text, for its issuer (the first was missed, the second given to the person named before it)."""
    assert speakers(f"Karl Brandt was sworn in on Monday. {sentence}") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('The economy was "in a terrible state of decline," as Brandt put it, and nobody listened.', ["Karl Brandt"]),
        # a court's decision is no person, and not the person named before it
        ('For four days, traffic "ground to a halt" — as the Supreme Court decision put it — at the bridge.', [""]),
    ],
)
def test_an_aside_after_a_quote_names_who_said_it(sentence, expected):
    """'"…," as Brandt put it, and …', '"…" — as the Supreme Court decision put it — at …': the aside after the
    quote is its attribution (both quotes were missed: a lower-case word after a quote meant the sentence went on)."""
    assert speakers(f"Karl Brandt spoke on Monday. {sentence}") == expected


def test_a_partial_quote_s_clause_ends_at_a_semicolon_before_another_quote():
    """'Brandt called it an "interesting" case; Grayson said "…"': Brandt's paraphrase stops at the semicolon, so it
    does not run over Grayson's quote (the scorer matched it to Grayson's words, with Brandt's name)."""
    text = (
        'Karl Brandt and Lou Grayson spoke. Brandt called the disappearance a "very interesting and strange" case; '
        'Grayson said "It is a little hard to say what happened to the ship."'
    )
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.kind, p.speaker.name) for p in proposals] == [("paraphrase", "Karl Brandt"), ("direct", "Lou Grayson")]
    assert proposals[0].text == 'the disappearance a "very interesting and strange" case'


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            'Karl Brandt accuses the council of "leading from behind" and Lou Grayson says it is "losing the war on '
            'rats," as the two campaign.',
            [
                ("Karl Brandt", 'the council of "leading from behind"'),
                ("Lou Grayson", 'it is "losing the war on rats,"'),
            ],
        ),
        (
            'Brandt said he would make the harbour "glow in the dark," and Grayson vowed to "bomb the hell" out of '
            "rats.",
            [
                ("Karl Brandt", 'he would make the harbour "glow in the dark,"'),
                ("Lou Grayson", 'to "bomb the hell" out of'),
            ],
        ),
        # a second verb with no subject of its own is still the first one's
        (
            'Brandt called the plan "a disgrace" and said it would "ruin the harbour for good."',
            [("Karl Brandt", 'the plan "a disgrace" and said it would "ruin the harbour for good."')],
        ),
    ],
)
def test_a_clause_joined_by_and_with_a_named_subject_is_its_own_statement(sentence, expected):
    """'Brandt accuses … of "…" and Grayson says it is "…"': each partial quote is its own subject's (before, the
    first ran to the end of the sentence and took the second quote for its own)."""
    text = f"Karl Brandt runs the port. Lou Grayson is its mayor. {sentence}"
    proposals = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert [(p.speaker.name, p.text[: len(t)]) for p, (_, t) in zip(proposals, expected, strict=True)] == expected


def test_a_quote_interrupted_by_its_attribution_without_commas_is_one_statement():
    """'"We stand ready" tweeted Brandt "to provide whatever help we can."': one statement of Brandt's in two
    fragments (the second, opening in lower case, was lost)."""
    text = 'Karl Brandt spoke. "We stand ready" tweeted Brandt "to provide whatever help we can to bring it to an end."'
    (proposal,) = [p for p in extract(text, published=DAY).proposals if p.has_quote]
    assert (proposal.kind, proposal.speaker.name, len(proposal.fragments)) == ("direct", "Karl Brandt", 2)
    assert proposal.text == "We stand ready to provide whatever help we can to bring it to an end."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title the lists lacked, after a lead-in in lower case
        (
            'Newly elected Assemblywoman Selena Quill said, "It is really exciting to be part of this majority."',
            "Selena Quill",
        ),
        # an agency's administrator, later named by surname
        (
            "NORSA Administrator Jim Brandt spoke after the launch.\n\n"
            '"I am breathing a sigh of relief," Brandt remarked of the flight.',
            "Jim Brandt",
        ),
        # a barrister's rank after the name: a person, though "Hall" could be a building
        ('Judge Karl Hall QC said the men "appear not to have shown any respect for the standards."', "Karl Hall"),
    ],
)
def test_a_title_or_an_honour_around_a_name_is_no_part_of_it(text, expected):
    """ "Newly elected Assemblywoman Selena Torres", "NASA Administrator Jim Bridenstine", "Judge Durham Hall QC":
    the title before and the honour after are not the person's name."""
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an ordinal opens the name of the speaker's body
        (
            'Karl Brandt spoke first.\n\n"We will continue searching until we find it," 1st Fleet Command\'s '
            "information head Ana Pardo told the Nordland Post.",
            ["Ana Pardo"],
        ),
        # a number opens no speaker: the sentence is about a count of people
        ('Karl Brandt spoke first.\n\n"We will continue searching until we find it," 20 sailors said.', [""]),
    ],
)
def test_an_ordinal_before_a_speaker_s_body(text, expected):
    """ "…," 1st Fleet Command's Navy Information Agency head Arba Agung told: the ordinal belongs to the body's
    name, so the quote is not a follow-on of the person named before."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one vowel transliterated two ways in one article
        (
            'Militia spokesperson Yahya Sarima said it had carried out the attack.\n\n"These attacks are our right," '
            "Sarime said.",
            ["Yahya Sarima"],
        ),
        # a letter more is another name, not a spelling
        ('Karl Brandson spoke first.\n\n"These attacks are our right," Brandtson said.', [""]),
        # the first letter is never a spelling either
        ('Karl Ostrand spoke first.\n\n"These attacks are our right," Astrand said.', [""]),
    ],
)
def test_a_surname_spelt_with_another_vowel_is_the_same_person(text, expected):
    """ "Houthi military spokesperson Yahya Sarea" … "Saree said": wire copy transliterates a name two ways."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Rev." is an abbreviated rank, not a sentence's end
        (
            'Karl Brandt spoke first.\n\nChristian Rev. Lou Penwell said the ruling was "a blow to every family in the '
            'state" on Monday.',
            ["Lou Penwell"],
        ),
        # a run ending in an abbreviated rank names a post, not a person
        (
            'Karl Brandt spoke first.\n\n"We will not be rushed on this," said former Ostmark Gov. and Nordland '
            "National Committee Chairman Ed Rendell.",
            ["Ed Rendell"],
        ),
    ],
)
def test_an_abbreviated_rank_is_no_part_of_a_name(text, expected):
    """ "Christian Rev. Derek Penwell", "former Pennsylvania Gov. and Democratic National Committee Chairman Ed
    Rendell": the person is the name after the rank."""
    assert speakers(text) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        'Today, I signed into law H.J. Res. 87, "Joint resolution providing for disapproval of the rule on trucks".',
        'Today, I have signed into law S. 1071, the "National Defense Authorization Act for Fiscal Year 2026".',
        'The House passed H.R. 4405, "A bill to require the release of the files held by the department," on Monday.',
    ],
)
def test_a_bill_s_title_after_its_number_is_no_quotation(sentence):
    """A signing statement quotes the titles of the bills it signs ("H.J. Res. 87, "Joint Resolution …""): the
    wording of a bill, not words someone said (they were proposed as the President's quotes)."""
    assert [p for p in extract(f"Karl Brandt spoke on Monday. {sentence}", published=DAY).proposals] == []


def quoted(text: str) -> list[tuple[str, str]]:
    """(speaker's name or "", quoted text) of each proposal with quoted words."""
    proposals = extract(text, published=DAY).proposals
    return [(p.speaker.name if p.speaker else "", p.text) for p in proposals if p.has_quote]


@pytest.mark.parametrize(
    "note",
    ["[Tweet, 10/18/23]", "(Remarks, 10/18/23)"],
)
def test_a_second_quote_after_a_source_note_is_the_entry_s_speaker(note):
    """A reactions list: a label, a quote and its source note, then another quote in the same entry."""
    text = (
        f"Ana Pardo, Nordland's foreign minister: \u201cWe thank the President for his visit today.\u201d {note} "
        f"\u201cIf there is one thing to take away from the visit, it is that Nordland stands with Ruritania.\u201d "
        f"{note}"
    )
    assert quoted(text) == [
        ("Ana Pardo", "We thank the President for his visit today."),
        ("Ana Pardo", "If there is one thing to take away from the visit, it is that Nordland stands with Ruritania."),
    ]


def test_a_quote_that_quotes_with_the_same_marks_is_one_quote():
    """An entry whose quote quotes others in double marks too, and closes with a mark that closes nothing, is one
    quotation from the label's colon to that mark."""
    inner = (
        "Brandt earned a lot of goodwill with his visit.\u201d Now the government has more room "
        "\u201cto shape public opinion before the vote\u201d \u2013 Spoke to Nordpress."
    )
    text = f"Lou Grayson, director of the Strelsau Institute: \u201c{inner}\u201d [Tweet, 10/18/23]"
    assert quoted(text) == [("Lou Grayson", inner)]


def test_a_stray_closing_mark_after_narration_joins_nothing():
    """Without a label's colon before the first quote, a stray closing mark leaves the quotes as they are."""
    text = "Lou Grayson said \u201cthe vote is lost\u201d and the party \u201cmust start again\u201d at once.\u201d"
    assert [text[span.start : span.end] for span in find_quotes(text)] == ["the vote is lost", "must start again"]
