"""Is a quote verbatim in its source's text, and where: pure functions, no database.

Reporting changes how words are written without changing the words: the Unicode form (a ligature, a full-width
letter), spacing and line breaks, quote marks and apostrophes (curly, straight, or opening a paragraph again),
hyphens and dashes (with or without spaces around them), the capital of a quote's first word, and the punctuation
that joins a quote to "he said". All of these are normalised away on both sides before comparing. Nothing else is:
a different word, a translation or another transcript is not found.

An ellipsis (… or ...) or a bracketed insertion ([the President]) in a quote marks words the reporter left out or
added, so it splits the quote into segments, which must all appear in the source in the same order.

`locate()` returns where each segment stands as offsets into the ORIGINAL source text (Python string indices), so a
passage can be cut from the text as stored; `passage()` is the sentence or two around them, capped.
"""

import dataclasses
import re
import unicodedata

# Quote marks and apostrophes are left out: a reporter may nest 'single' quotes in "double" ones or the other way
# round, print a straight apostrophe for a curly one, and open each paragraph of a long quote with a quote mark
# again; none of that changes a word ("don't" and "dont" cannot be two different words).
QUOTE_MARKS = "\"'`´‘’‚‛“”„‟‹›«»′″ʹʺʼˮ＂＇「」『』"
DASHES = "-‐‑‒–—―−﹘﹣－"
DASH, SPACE = "-", " "

# An ellipsis ("…" becomes "..." under NFKC; ". . ." is how some styles print it) or a bracketed insertion.
SPLIT_RE = re.compile(r"\.\s*\.\s*\.|\[[^\]]*\]")
# What a segment may start or end with that the reporter, not the speaker, put there.
EDGE_PUNCTUATION = " .,;:!?-"

# The passage shown around a quote: from the start of the sentence holding it to the end of the sentence it ends
# in, but at most this many characters of context on either side (cut at a space) and at most PASSAGE_MAX in all.
CONTEXT_MAX = 240
PASSAGE_MAX = 1500
SENTENCE_END_RE = re.compile(r"[.!?…][\"'’”»)]*\s+|\n\s*\n")


@dataclasses.dataclass(frozen=True)
class Normalised:
    """Text as compared, with where each of its characters came from in the original: `starts[i]` and `ends[i]`
    bound the original characters that produced character i."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str):
    """(offset, characters) for each base character with the combining marks that follow it."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            yield start, text[start:index]
            start = index


def normalise(text: str) -> Normalised:
    """NFKC, case-folded, one space for any run of whitespace, no quote marks, one dash without spaces around it."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for offset, cluster in _clusters(text):
        end = offset + len(cluster)
        for char in unicodedata.normalize("NFKC", cluster).casefold():
            if char.isspace():
                if not out or out[-1] in (SPACE, DASH):
                    continue  # leading, repeated, or after a dash
                char = SPACE
            elif char in QUOTE_MARKS:
                continue
            elif char in DASHES:
                char = DASH
                if out and out[-1] == SPACE:  # "word — word" and "word—word" are the same
                    out.pop(), starts.pop(), ends.pop()
            out.append(char)
            starts.append(offset)
            ends.append(end)
    while out and out[-1] == SPACE:
        out.pop(), starts.pop(), ends.pop()
    return Normalised("".join(out), tuple(starts), tuple(ends))


def segments(quote: str) -> list[str]:
    """The normalised pieces of a quote that must appear in order: split at ellipses and [insertions], without the
    punctuation and quote marks at their edges."""
    pieces = SPLIT_RE.split(normalise(quote).text)
    return [piece for piece in (p.strip(EDGE_PUNCTUATION) for p in pieces) if piece]


def _word_edge(text: str, index: int) -> bool:
    """True when `index` is not inside a word: a segment must not start or end in the middle of one."""
    return index <= 0 or index >= len(text) or not (text[index - 1].isalnum() and text[index].isalnum())


def _occurrences(haystack: str, needle: str, start: int):
    index = haystack.find(needle, start)
    while index != -1:
        if _word_edge(haystack, index) and _word_edge(haystack, index + len(needle)):
            yield index
        index = haystack.find(needle, index + 1)


def _in_order(haystack: str, pieces: list[str], first: int) -> list[tuple[int, int]] | None:
    """The spans of `pieces` placed in order, the first at `first`, each of the others at its earliest place."""
    spans = [(first, first + len(pieces[0]))]
    for piece in pieces[1:]:
        found = next(_occurrences(haystack, piece, spans[-1][1]), None)
        if found is None:
            return None
        spans.append((found, found + len(piece)))
    return spans


def locate(quote: str, source: str) -> list[tuple[int, int]] | None:
    """Where the quote's segments stand in `source`, as (start, end) offsets into it, or None when not found.

    When the quote is found more than once, the tightest placement wins (then the first)."""
    pieces = segments(quote)
    if not pieces or not source:
        return None
    haystack = normalise(source)
    best = None
    for first in _occurrences(haystack.text, pieces[0], 0):
        spans = _in_order(haystack.text, pieces, first)
        if spans is None:
            break  # a later start cannot place what an earlier one could not
        if best is None or spans[-1][1] - spans[0][0] < best[-1][1] - best[0][0]:
            best = spans
    if best is None:
        return None
    return [haystack.original_span(start, end) for start, end in best]


def passage(source: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The bounds of the passage around found spans: their sentences, with at most CONTEXT_MAX characters of context
    on either side and PASSAGE_MAX in all (a quote spliced from far apart shows around its first segment)."""
    start, end = spans[0][0], spans[-1][1]
    if end - start > PASSAGE_MAX - 2 * CONTEXT_MAX:
        end = spans[0][1]
    before = source[max(0, start - CONTEXT_MAX) : start]
    sentence_starts = [m.end() for m in SENTENCE_END_RE.finditer(before)]
    if sentence_starts:
        begin = start - len(before) + sentence_starts[-1]
    elif start <= CONTEXT_MAX:
        begin = 0
    else:
        space = before.find(" ")
        begin = start - len(before) + (space + 1 if space != -1 else 0)
    after = source[end : end + CONTEXT_MAX]
    sentence_end = SENTENCE_END_RE.search(after)
    if sentence_end:
        finish = end + sentence_end.start() + len(sentence_end.group().rstrip())
    elif end + CONTEXT_MAX >= len(source):
        finish = len(source)
    else:
        space = after.rfind(" ")
        finish = end + (space if space != -1 else len(after))
    return begin, min(finish, begin + PASSAGE_MAX)


def marked(text: str, offset: int, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """A passage starting at `offset` in its source as runs of (text, is part of the quote), to highlight."""
    runs, position = [], 0
    for start, end in spans:
        start, end = max(start - offset, position), min(end - offset, len(text))
        if start >= end:
            continue
        if start > position:
            runs.append((text[position:start], False))
        runs.append((text[start:end], True))
        position = end
    if position < len(text):
        runs.append((text[position:], False))
    return runs


@dataclasses.dataclass(frozen=True)
class Found:
    """A quote found in a source: its segments' spans and the passage to show around them."""

    spans: list[tuple[int, int]]
    passage: tuple[int, int]


def find(quote: str, source: str) -> Found | None:
    """The quote's place in `source` and the passage around it, or None when it is not there verbatim."""
    spans = locate(quote, source)
    return Found(spans, passage(source, spans)) if spans else None


def encode_spans(spans: list[tuple[int, int]]) -> str:
    """Spans as stored on a statement: "12:80,95:140"."""
    return ",".join(f"{start}:{end}" for start, end in spans)


def decode_spans(value: str) -> list[tuple[int, int]]:
    return [(int(start), int(end)) for start, end in (pair.split(":") for pair in value.split(",") if pair)]
