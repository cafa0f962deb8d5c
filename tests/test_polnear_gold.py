"""PolNeAR's gold speaker (statements/extraction/polnear.py) on tiny invented articles with hand-made CoreNLP tokens,
dependencies and coreference chains: nothing from the corpus is used here."""

import re

import pytest

from statements.extraction.polnear import Article, Token, read_corenlp

PEOPLE = {"Ted", "Heidi", "Cruz", "Bernie", "Sanders", "Charlie", "Rose"}


def article(text: str, chain: tuple = (), relations: dict | None = None) -> Article:
    """Tokens by words, one sentence per full stop; the names above are tagged PERSON. `chain` lists one coreference
    chain's mentions as (words, sentence); `relations` gives (word, sentence) a dependency relation."""
    tokens, sentence, index = [], 1, 0
    for match in re.finditer(r"[A-Za-z]+|'s|'|[.,]", text):
        index += 1
        word = match.group()
        ner = "PERSON" if word in PEOPLE else "O"
        relation = (relations or {}).get((word, sentence), "")
        tokens.append(Token(sentence, index, match.start(), match.end(), word, ner, relation))
        if word == ".":
            sentence, index = sentence + 1, 0
    mentions = []
    for words, number in chain:
        in_sentence = [t for t in tokens if t.sentence == number]
        size = len(words.split())
        first = next(i for i in range(len(in_sentence)) if [t.word for t in in_sentence[i : i + size]] == words.split())
        begin, head = in_sentence[first].index, in_sentence[first + size - 1].index
        mentions.append((number, begin, head + 1, head))
    return Article(text, tokens, [mentions] if mentions else [])


def gold_of(text: str, source: str, chain: tuple = (), relations: dict | None = None) -> tuple[str, str, str]:
    at = text.rindex(source)
    gold = article(text, chain, relations).speaker([(at, at + len(source))])
    return gold.name, gold.kind, gold.method


@pytest.mark.parametrize(
    ("text", "source", "name", "kind", "method"),
    [
        # a surname completes to the article's only full name with it
        ("Ted Cruz spoke. Cruz said so.", "Cruz", "Ted Cruz", "person", "source"),
        # two people share the surname: a bare "Cruz" is no full name, so it is left out of the speaker scores
        ("Ted Cruz and Heidi Cruz spoke. Cruz said so.", "Cruz", "", "unresolved", "ambiguous"),
        # a full name in the span is resolved even when another person shares the surname
        ("Ted Cruz and Heidi Cruz spoke. Heidi Cruz said so.", "Heidi Cruz", "Heidi Cruz", "person", "source"),
    ],
)
def test_gold_speaker_is_a_full_name_or_unresolved(text, source, name, kind, method):
    assert gold_of(text, source) == (name, kind, method)


@pytest.mark.parametrize(
    ("text", "source", "chain", "relations", "expected"),
    [
        # a pronoun takes the name of its chain
        ("Charlie Rose spoke. He said so.", "He", [("Charlie Rose", 1), ("He", 2)], {}, "Charlie Rose"),
        # so does a description
        (
            "Bernie Sanders spoke. The senator said so.",
            "The senator",
            [("Bernie Sanders", 1), ("The senator", 2)],
            {},
            "Bernie Sanders",
        ),
        # a plural pronoun, or a pronoun and others, is a group: one person's name does not name it
        ("Charlie Rose spoke. They said so.", "They", [("Charlie Rose", 1), ("They", 2)], {}, "group"),
        (
            "Charlie Rose spoke. He and others said so.",
            "He and others",
            [("Charlie Rose", 1), ("He", 2)],
            {},
            "group",
        ),
        # "Sanders' campaign" is the campaign, not Sanders
        (
            "Bernie Sanders spoke. Sanders' campaign said so.",
            "Sanders' campaign",
            [("Bernie Sanders", 1), ("Sanders", 2)],
            {("Sanders", 2): "nmod:poss"},
            "modifier",
        ),
        # a chain named only inside someone's quotation took the name from their words
        ('Ted Cruz spoke. "Ask Bernie," he said.', "he", [("Bernie", 2), ("he", 2)], {}, "quoted"),
        # … but a name outside quotation marks is trusted
        (
            'Bernie Sanders spoke. "Ask Bernie," he said.',
            "he",
            [("Bernie Sanders", 1), ("Bernie", 2), ("he", 2)],
            {},
            "Bernie Sanders",
        ),
        # the pronoun's nearest name is an object: the one who speaks is more often the subject
        (
            "Sanders complained to Charlie Rose. He said so.",
            "He",
            [("Charlie Rose", 1), ("He", 2)],
            {("Rose", 1): "nmod"},
            "object",
        ),
        # … a subject is trusted
        (
            "Charlie Rose complained to Sanders. He said so.",
            "He",
            [("Charlie Rose", 1), ("He", 2)],
            {("Rose", 1): "nsubj"},
            "Charlie Rose",
        ),
        # … and an object inside a quotation is not the nearest name
        (
            'Charlie Rose spoke. Sanders said "ask Rose" today. He said so.',
            "He",
            [("Charlie Rose", 1), ("Rose", 2), ("He", 3)],
            {("Rose", 1): "nsubj", ("Rose", 2): "dobj"},
            "Charlie Rose",
        ),
    ],
)
def test_gold_through_a_chain_is_kept_only_when_the_text_does_not_doubt_it(text, source, chain, relations, expected):
    """A chain's name is the gold unless the source is a group or the name qualifies what speaks, is only quoted, or
    is an object (then the gold is unresolved)."""
    name, kind, method = gold_of(text, source, tuple(chain), relations)
    if expected in {"group", "modifier", "quoted", "object"}:
        assert (name, kind, method) == ("", "unresolved", expected)
    else:
        assert (name, kind, method) == (expected, "person", "coref")


def test_corenlp_reader_keeps_each_tokens_basic_dependency(tmp_path):
    """The object and modifier rules read the basic dependencies, not the collapsed ones listed after them."""
    token = (
        '<token id="{i}"><word>{w}</word><CharacterOffsetBegin>{a}</CharacterOffsetBegin>'
        "<CharacterOffsetEnd>{b}</CharacterOffsetEnd><NER>{n}</NER></token>"
    )
    dep = '<dep type="{r}"><governor idx="{g}">x</governor><dependent idx="{d}">y</dependent></dep>'
    xml = (
        '<root><sentences><sentence id="1"><tokens>'
        + token.format(i=1, w="Rose", a=0, b=4, n="PERSON")
        + token.format(i=2, w="spoke", a=5, b=10, n="O")
        + '</tokens><dependencies type="basic-dependencies">'
        + dep.format(r="nsubj", g=2, d=1)
        + dep.format(r="root", g=0, d=2)
        + '</dependencies><dependencies type="collapsed-dependencies">'
        + dep.format(r="dobj", g=2, d=1)
        + "</dependencies></sentence></sentences></root>"
    )
    path = tmp_path / "article.txt.xml"
    path.write_text(xml.replace("><", ">\n<"), encoding="utf-8")
    tokens, chains = read_corenlp(path)
    assert [(t.word, t.ner, t.relation) for t in tokens] == [("Rose", "PERSON", "nsubj"), ("spoke", "O", "root")]
    assert chains == []
