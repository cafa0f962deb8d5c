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
