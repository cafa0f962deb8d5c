"""The wire and briefing evaluation set (tests/data/wire/wire-gold.jsonl): the gold is well formed and the scorer reads
it. Scores are reported by `make eval-extract`, never asserted here."""

import datetime
import re
from pathlib import Path

import pytest

from statements.extraction.evaluate import evaluate, load_jsonl

WIRE = load_jsonl(Path(__file__).parent / "data" / "wire" / "wire-gold.jsonl")
TYPES = ("direct", "mixed", "turn")
KINDS = ("person", "institution", "unresolved")
OPENING, CLOSING = '"“', '"”'
TURN_LABEL = re.compile(r"(?:^|\n\n)[A-Z][A-Z. -]+: $")
WORDS_AT_MOST = 1500
IDS = [article["id"] for article in WIRE]


def test_the_set_has_ten_to_fifteen_texts_with_unique_ids():
    """A small varied set: 10-15 texts, each id once."""
    assert 10 <= len(WIRE) <= 15
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("article", WIRE, ids=IDS)
def test_each_text_says_where_it_came_from_and_under_what_licence(article):
    """Source URL, licence, retrieval note and publication date are recorded; the text stays a reasonable length."""
    assert article["source_url"].startswith("https://")
    assert article["licence"] and article["retrieved"] and article["publisher"] and article["title"]
    datetime.date.fromisoformat(article["date"])
    assert article["text"].startswith(article["title"])
    assert len(article["text"].split()) <= WORDS_AT_MOST


@pytest.mark.parametrize("article", WIRE, ids=IDS)
def test_every_gold_span_is_in_the_text_and_matches_the_quote(article):
    """Spans are in range, in order and disjoint, the recorded quote is the text at its spans, and each speaker is a
    name, an institution's name, or left unresolved."""
    text, previous_end = article["text"], 0
    for quote in article["quotes"]:
        assert quote["type"] in TYPES and quote["speaker_kind"] in KINDS
        assert bool(quote["speaker"]) == (quote["speaker_kind"] == "person")
        assert bool(quote.get("institution")) == (quote["speaker_kind"] == "institution")
        for start, end in quote["quote_spans"]:
            assert previous_end <= start < end <= len(text)
            assert text[start:end] == text[start:end].strip()
            previous_end = end
        assert " ".join(text[start:end] for start, end in quote["quote_spans"]) == quote["quote"]


@pytest.mark.parametrize("article", WIRE, ids=IDS)
def test_quote_marks_and_turn_labels_sit_where_the_type_says(article):
    """A direct fragment is exactly what stands between a pair of quotation marks; a mixed one contains quoted words;
    a turn follows its speaker's label ("MR. KIRBY: ") or is a later paragraph of that turn."""
    text = article["text"]
    for quote in article["quotes"]:
        for start, end in quote["quote_spans"]:
            if quote["type"] == "direct":
                assert text[start - 1] in OPENING and text[end] in CLOSING, text[start:end]
            elif quote["type"] == "mixed":
                assert any(mark in text[start:end] for mark in OPENING + CLOSING), text[start:end]
            else:
                assert TURN_LABEL.search(text[:start]) or text[start - 2 : start] == "\n\n", text[start:end]


def test_the_scorer_reads_every_gold_fragment():
    """`make eval-extract` scores the set: every gold fragment is counted once, whatever the extractor finds."""
    totals = evaluate(WIRE, TYPES)
    for kind in TYPES:
        fragments = sum(len(q["quote_spans"]) for a in WIRE for q in a["quotes"] if q["type"] == kind)
        assert totals[kind].gold == fragments
        assert 0 <= totals[kind].found <= fragments
