"""PolNeAR's gold speaker (statements/extraction/polnear.py) on tiny invented articles with hand-made CoreNLP tokens:
nothing from the corpus is used here."""

import re

import pytest

from statements.extraction.polnear import Article, Token

PEOPLE = {"Ted", "Heidi", "Cruz"}


def article(text: str) -> Article:
    """Tokens by whitespace, one sentence per full stop; the names above are tagged PERSON."""
    tokens, sentence, index = [], 1, 0
    for match in re.finditer(r"[A-Za-z]+|[.,]", text):
        index += 1
        word = match.group()
        tokens.append(Token(sentence, index, match.start(), match.end(), word, "PERSON" if word in PEOPLE else "O"))
        if word == ".":
            sentence, index = sentence + 1, 0
    return Article(text, tokens, [])


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
    at = text.rindex(source)
    gold = article(text).speaker([(at, at + len(source))])
    assert (gold.name, gold.kind, gold.method) == (name, kind, method)
