"""Low-level text scanning: paragraphs, sentence ends and quotation marks, all by character offsets."""

import re
from dataclasses import dataclass

# "''" is how some archives (NYT via LexisNexis) write a double quotation mark; single quotes are left alone because
# they are mostly apostrophes or quotes nested inside a quote.
QUOTE_MARK = re.compile(r"''|[\"“”„«»]")
# British style: single quotation marks, used only when an article has no double ones at all.
SINGLE_QUOTE_MARK = re.compile(r"[‘’]")
OPENING = {"“", "„", "«", "‘"}
CLOSING = {"”", "»", "’"}
OPEN_BEFORE = set(" \t\n([{—–-/:")
CLOSE_AFTER = set(" \t\n.,;:!?)]}—–-'’")

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "adm", "lt", "col", "capt", "sgt", "st", "jr", "sr", "prof",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "no", "inc", "corp", "co", "vs", "messrs",
    "rev", "ft", "mt", "gens", "sens", "reps", "cmdr", "maj", "pres", "vol", "approx", "dept", "e.g", "i.e",
}  # fmt: skip


@dataclass
class Paragraph:
    start: int
    end: int  # exclusive, trailing whitespace removed


@dataclass
class QuoteSpan:
    """The content of one pair of quotation marks (marks excluded) inside one paragraph."""

    start: int
    end: int
    open_mark: int  # offset of the opening mark
    close_end: int  # offset just after the closing mark (== end when the quote runs on into the next paragraph)
    paragraph: int
    continues: bool = False  # no closing mark: the quote runs on into the next paragraph
    parent: "QuoteSpan | None" = None  # the fragment this one continues, in the previous paragraph


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines: wire copy puts one paragraph per line (or per blank-line-separated block)."""
    result = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            result.append(Paragraph(start, end))
    return result


def _opens(text: str, at: int, mark: str, length: int) -> bool:
    before = text[at - 1] if at > 0 else " "
    after = text[at + length] if at + length < len(text) else " "
    return (before in OPEN_BEFORE or before.isspace()) and not after.isspace()


def _closes(text: str, at: int, mark: str, length: int) -> bool:
    before = text[at - 1] if at > 0 else " "
    after = text[at + length] if at + length < len(text) else " "
    return not before.isspace() and (after in CLOSE_AFTER or after.isspace())


def find_quotes(text: str) -> list[QuoteSpan]:
    """Pair quotation marks paragraph by paragraph; a quote left open at a paragraph's end that is followed by a
    paragraph opening with a quotation mark continues there (the English multi-paragraph convention)."""
    paras = paragraphs(text)
    marks = QUOTE_MARK if QUOTE_MARK.search(text) else SINGLE_QUOTE_MARK
    spans: list[QuoteSpan] = []
    carried: QuoteSpan | None = None  # a quote left open in the previous paragraph
    for index, para in enumerate(paras):
        open_at: int | None = None
        open_len = 0
        pending_parent: QuoteSpan | None = None
        first_mark = True
        stray: int | None = None  # a closing mark with no quote open, after the paragraph's quotes
        for match in marks.finditer(text, para.start, para.end):
            at, mark = match.start(), match.group()
            length = len(mark)
            if mark == "’" and not _closes(text, at, mark, length):
                continue  # an apostrophe: "don’t", "Peskov’s"
            if mark == "’" and re.match(r"s’ [a-z]", text[at - 1 : at + 3]) and "’" in text[at + 1 : para.end]:
                continue  # a plural possessive ("the leaders’ summit") while a later mark can close the quote
            can_open = mark in OPENING or (mark not in CLOSING and _opens(text, at, mark, length))
            can_close = mark in CLOSING or (mark not in OPENING and _closes(text, at, mark, length))
            if (
                mark == "“"
                and open_at is not None
                and text[open_at + open_len : at].strip()
                and not _opens(text, at, mark, length)
            ):
                # an opening mark written where a quote closes: '"It's unusual,“ said Brandt', 'that. “' at the
                # paragraph's end, and German „…“
                can_open, can_close = False, True
            if open_at is None and mark == "”" and not can_open:
                stray = at
            if open_at is None:
                if can_open or (not can_close and mark not in CLOSING):
                    open_at, open_len = at, length
                    if first_mark and carried is not None and not text[para.start : at].strip():
                        pending_parent = carried
                    else:
                        pending_parent = None
                    carried = None
            elif can_close or not can_open:
                span = QuoteSpan(open_at + open_len, at, open_at, at + length, index)
                span.parent = pending_parent
                spans.append(span)
                open_at, pending_parent = None, None
            else:
                # Two openers in a row: the first was a stray mark; start again from the second.
                open_at, open_len = at, length
                pending_parent = None
            first_mark = False
        carried = None
        if open_at is None and stray is not None:
            _nested_in_one(text, spans, index, stray, para.end)
        if open_at is not None:
            span = QuoteSpan(open_at + open_len, para.end, open_at, para.end, index, continues=True)
            span.parent = pending_parent
            spans.append(span)
            nxt = paras[index + 1] if index + 1 < len(paras) else None
            if nxt is not None and marks.match(text, nxt.start):
                carried = span
            else:
                span.continues = False  # an unclosed quote: it ends with its paragraph
        if first_mark:
            carried = None
    return spans


# a quote's source note in a list of reactions: "[Tweet, 10/18/23]", "(Remarks, May 2)"
SOURCE_NOTE = r"(?:\[[^\[\]\n]{1,60}\]|\([^()\n]{1,60}\))"
# what may follow a quote that ends an entry: its source note, nothing else
_ENTRY_END = re.compile(rf"\s*{SOURCE_NOTE}?\s*")


def _nested_in_one(text: str, spans: list[QuoteSpan], index: int, stray: int, end: int) -> None:
    """'Lou Grayson, an envoy: “A.” Now there is room “to b” – Spoke to Nordpress.” [Tweet]': an entry whose quote
    opens after the label's colon and closes with a mark that closes nothing, at the entry's end, is one quotation
    with its own quotes written in the same marks (nested double marks): the spans of the paragraph become one."""
    own = [span for span in spans if span.paragraph == index]
    if not own or own[-1].close_end > stray or not _ENTRY_END.fullmatch(text, stray + 1, end):
        return
    first = own[0]
    line_start = text.rfind("\n", 0, first.open_mark) + 1
    if not text[line_start : first.open_mark].rstrip().endswith(":") or first.parent is not None:
        return
    del spans[len(spans) - len(own) :]
    spans.append(QuoteSpan(first.start, stray, first.open_mark, stray + 1, index))


def is_sentence_end(text: str, at: int) -> bool:
    """Is the '.', '!' or '?' at `at` the end of a sentence (not "Mr." or "U.S." or an initial)?"""
    char = text[at]
    if char in "!?":
        return True
    if char != ".":
        return False
    match = re.search(r"([A-Za-z.]+)$", text[max(0, at - 12) : at])
    word = match.group(1) if match else ""
    if word.lower().rstrip(".") in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "Mara J. Quill"
    if "." in word and len(word.replace(".", "")) <= 3:
        # "U.S." ends a sentence only when a capitalised word follows and it is not a name
        nxt = text[at + 1 : at + 3]
        return nxt.startswith("\n")
    return True


def sentence_start(text: str, at: int, floor: int) -> int:
    """Where the sentence containing offset `at` starts (not before `floor`)."""
    index = at - 1
    while index >= floor:
        char = text[index]
        if char == "\n":
            return index + 1
        if char in ".!?" and index + 1 < len(text) and text[index + 1] in " \"”'’" and is_sentence_end(text, index):
            # skip closing quote marks after the full stop
            start = index + 1
            while start < at and text[start] in "\"”'’":
                start += 1
            return start
        index -= 1
    return floor


def sentence_end(text: str, at: int, ceiling: int) -> int:
    """Offset just after the sentence that contains `at` (not after `ceiling`)."""
    index = at
    while index < ceiling:
        char = text[index]
        if char == "\n":
            return index
        if char in ".!?" and is_sentence_end(text, index):
            nxt = index + 1
            while nxt < ceiling and text[nxt] in "\"”'’":
                nxt += 1
            if nxt >= ceiling or text[nxt].isspace():
                return nxt
        index += 1
    return ceiling
