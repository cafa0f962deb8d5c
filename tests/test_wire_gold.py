"""The wire and briefing evaluation set (tests/data/wire/wire-gold.jsonl) and the wire tuning set
(tests/data/wire-train/wire-train-gold.jsonl): each gold is well formed and the scorer reads it. Scores are reported by
`make eval-extract`, never asserted here."""

import datetime
import re
import urllib.parse
from pathlib import Path

import pytest

from statements.extraction.evaluate import evaluate, load_jsonl

DATA = Path(__file__).parent / "data"
# each set: its texts and how many it should hold (a small varied set, not a corpus)
SETS = {
    "evaluation": (load_jsonl(DATA / "wire" / "wire-gold.jsonl"), range(15, 91)),
    "tuning": (load_jsonl(DATA / "wire-train" / "wire-train-gold.jsonl"), range(15, 131)),
}
ARTICLES = [article for texts, _sizes in SETS.values() for article in texts]
TYPES = ("direct", "mixed", "turn")
KINDS = ("person", "institution", "unresolved")
OPENING, CLOSING = '"“', '"”'
SINGLE_QUOTED = re.compile(r"(?<!\w)['‘]\w[^'’\n]*\w['’](?!\w)")  # 'heightened alert', not an apostrophe
TURN_LABEL = re.compile(r"(?:^|\n\n)[A-Z][A-ZÀ-ÞḀ-ỿ. -]+: $")  # "PRESIDENT LÓPEZ OBRADOR: "
WORDS_AT_MOST = 1500
IDS = [article["id"] for article in ARTICLES]


@pytest.mark.parametrize("name", SETS)
def test_each_set_is_small_and_no_text_is_in_both(name):
    """The evaluation set holds 15-90 texts and the tuning set 15-130; every id is unique, and no source is in both,
    so tuning never sees an evaluation text."""
    texts, sizes = SETS[name]
    assert len(texts) in sizes
    assert len(set(IDS)) == len(IDS)
    other = {key for n, (t, _s) in SETS.items() if n != name for a in t for key in _source_keys(a)}
    assert not other & {key for a in texts for key in _source_keys(a)}


def _source_keys(article: dict) -> set[str]:
    """A text's title and its URL however it is escaped ("%27" or "'")."""
    return {article["title"].casefold(), urllib.parse.unquote(article["source_url"]).casefold()}


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_each_text_says_where_it_came_from_and_under_what_licence(article):
    """Source URL, licence, retrieval note and publication date are recorded; the text stays a reasonable length."""
    assert article["source_url"].startswith("https://")
    assert article["licence"] and article["retrieved"] and article["publisher"] and article["title"]
    datetime.date.fromisoformat(article["date"])
    assert article["text"].startswith(article["title"])
    assert len(article["text"].split()) <= WORDS_AT_MOST


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
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


@pytest.mark.parametrize("article", ARTICLES, ids=IDS)
def test_quote_marks_and_turn_labels_sit_where_the_type_says(article):
    """A direct fragment is exactly what stands between a pair of quotation marks; a mixed one contains quoted words,
    in double marks or single ('heightened alert'); a turn follows its speaker's label ("MR. KIRBY: ") or is a later
    paragraph of that turn."""
    text = article["text"]
    for quote in article["quotes"]:
        for start, end in quote["quote_spans"]:
            if quote["type"] == "direct":
                assert text[start - 1] in OPENING and text[end] in CLOSING, text[start:end]
            elif quote["type"] == "mixed":
                fragment = text[start:end]
                assert any(mark in fragment for mark in OPENING + CLOSING) or SINGLE_QUOTED.search(fragment), fragment
            else:
                assert TURN_LABEL.search(text[:start]) or text[start - 2 : start] == "\n\n", text[start:end]


@pytest.mark.parametrize("name", SETS)
def test_the_scorer_reads_every_gold_fragment(name):
    """`make eval-extract` scores each set: every gold fragment is counted once, whatever the extractor finds."""
    texts, _sizes = SETS[name]
    totals = evaluate(texts, TYPES)
    for kind in TYPES:
        fragments = sum(len(q["quote_spans"]) for a in texts for q in a["quotes"] if q["type"] == kind)
        assert totals[kind].gold == fragments
        assert 0 <= totals[kind].found <= fragments
