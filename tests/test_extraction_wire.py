"""Conventions of wire copy and government statements, on invented texts (Nordland, Ruritania, Nordpress): the rules
found on the wire tuning set (tests/data/wire-train), each checked here on text of its own."""

import datetime

import pytest

from statements.extraction import extract

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
