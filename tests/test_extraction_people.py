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
    ],
)
def test_surname_of_namesakes(text, expected):
    """A surname two people share is the one the article wrote in full last before it, not the first introduced."""
    assert speakers(text) == expected
