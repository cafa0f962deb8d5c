"""Quotes signed after them: a credit line under a quote paragraph ("— Ana Pardo, 34, Strelsau") names its speaker.

Readers' forums, "we asked voters" pieces, fact-checks of a debate and statements put the speaker's name after the
quotation, on a line of its own. The line is only a name, maybe after a dash and maybe followed by a comma and a
description (an age, a place, a role), and has no verb: "Brandt disagreed." is narration, not a credit line.
Government releases put it above instead, a heading over each supporter's quote ("Senator Karl Brandt (R-Ruritania)").
"""

import re

from .attribution import CUE, Attribution, _Unit
from .cues import OBJECT_WORDS
from .names import (
    CAPITALISED_BODY_WORD,
    PARTICLES,
    PERSON_POSTS,
    TITLE_WORDS,
    bare,
    clean_tokens,
    looks_like_person,
    strip_title,
)
from .text import QUOTE_MARK, Paragraph

# any dash: Huffington Post and Politico write theirs as a horizontal bar ("absurd ― and dangerous ―")
_DASH = re.compile(r"(?:--|[-‐‑‒–—―])\s*")
# the small words a heading's title may hold: "Secretary of State", "President and CEO"
_TITLE_JOINER = re.compile(r"(?:of|and)\b")
_NAME_TOKEN = re.compile(r"[A-Z][\w.'’-]*|(?:" + "|".join(sorted(PARTICLES)) + r")\b")
# what makes a description a clause: an auxiliary, or a comma part that is a lone verb ("Karl Brandt, the envoy,
# disagreed.")
# a relative clause belongs to the description ("a nurse who says she has never voted"): its verbs are not the line's
_RELATIVE = re.compile(r"\b(?:who|whose|whom|which|that)\b.*")  # within one comma part
_AUXILIARY = re.compile(r"\b(?:is|was|are|were|has|have|had|will|would|can|could|did|does|do|says|said)\b")
_LONE_VERB = re.compile(r"[a-z]+(?:ed|s)")
MAX_NAME_WORDS = 6
MAX_HEADING_WORDS = 10  # a heading's title may be long: "Vermont Gas President and CEO Ana M. Pardo"
MAX_DESCRIPTION_WORDS = 16


def signature(text: str, paras: list[Paragraph], unit: _Unit) -> Attribution | None:
    """The credit line right under a quotation that fills its paragraph (the quote's last one), or after a dash at
    the end of that paragraph ("…" — Ana Pardo), as an attribution. The article's first paragraph is its headline,
    never a signed quote."""
    first, last = unit.first, unit.last
    if first.paragraph == 0 or last.continues:
        return None
    opening, closing = paras[first.paragraph], paras[last.paragraph]
    if text[opening.start : first.open_mark].strip():
        return None  # narration before the quote: its attribution, if any, is there
    tail = text[last.close_end : closing.end]
    if tail.strip(" .,;!?"):
        # in the same paragraph after a dash, or after a whole sentence: "…" Osama bin Laden, the al-Qaida leader.
        # ends a sentence the quote began
        start = last.close_end + len(tail) - len(tail.lstrip())
        whole = text[last.start : last.end].rstrip()[-1:] in {".", "!", "?"}
        return credit_line(text, Paragraph(start, closing.end), dash_only=not whole)
    if last.paragraph + 1 >= len(paras):
        return None
    return credit_line(text, paras[last.paragraph + 1])


# a statement's title, followed by the name of who makes it
_STATEMENT_TITLE = re.compile(r"Statement (?:from|by|of) ")
# the words a group's name holds besides its capitalised ones: "Farmers & Growers Union", "Chamber of Commerce"
_GROUP_WORD = re.compile(r"(?:&|of|and|for|on|the)\b|&")


# a post written in capitals after a heading's name and its comma: " Chairman of the Board", " CEO, Nordgas"
_CAPITALISED_POST = re.compile(
    rf"\s*{CAPITALISED_BODY_WORD}(?:,?\s+(?:{CAPITALISED_BODY_WORD}|of|the|and|for|on|&))*\s*"
)


def heading(text: str, paras: list[Paragraph], unit: _Unit, above_open: bool) -> tuple[bool, Attribution | None]:
    """A line that is only a name right above a quotation that fills its paragraph heads it, as releases list their
    supporters ("Senator Karl Brandt (R-Ruritania), Chairman of the Committee" over his quote): whether the quote is
    headed, and the person the heading names (None for a group's name: the quote is then nobody's in particular, and
    the line under it heads the next quote rather than signing this one). The line is no heading when it may be the
    credit line of a quote above it that has no attribution of its own (`above_open`): a list of signed quotes. Under
    the headline, only a statement's title heads: "Statement from Foreign Secretary Mara Quill"."""
    first = unit.first
    if text[paras[first.paragraph].start : first.open_mark].strip():
        return False, None
    if first.paragraph == 1:
        # under the headline: a statement's title names who makes it ("Statement from Foreign Secretary Mara Quill")
        title = _STATEMENT_TITLE.match(text, paras[0].start, paras[0].end)
        person = credit_line(text, Paragraph(title.end(), paras[0].end), heading=True) if title else None
        return person is not None, person
    if first.paragraph < 1:
        return False, None  # the headline itself
    line = paras[first.paragraph - 1]
    written = text[line.start : line.end].rstrip()
    if written.endswith(":"):
        # "National Grid President Karl Brandt:", "Governor Brandt of Nordland:": a name alone with its title heads
        # the quote (a colon leads into what follows: it signs no quote above); "Anna Lindqvist, a retired envoy, saw
        # it otherwise:" leads into it (follow-on)
        # (after a comma only a post in capitals: "Karl Brandt, President of Nordgas:")
        aside = written[:-1].partition(",")[2]
        person = (
            None
            if aside and not _CAPITALISED_POST.fullmatch(aside)
            else credit_line(text, Paragraph(line.start, line.start + len(written) - 1), heading=True)
        )
        return person is not None, person
    if above_open:
        return False, None  # under an unattributed quote the line may sign
    words = text[line.start : line.end].split(",")[0].split("(")[0].split()
    if not words or not all(w[:1].isupper() or _GROUP_WORD.fullmatch(w) for w in words):
        return False, None
    person = credit_line(text, line, heading=True)
    if person is None and len(words) > MAX_NAME_WORDS:
        return False, None
    return True, person


def credit_line(text: str, para: Paragraph, dash_only: bool = False, heading: bool = False) -> Attribution | None:
    """A paragraph that is only a person's name, after a dash or followed by a comma and a short description (or, as
    a heading, alone)."""
    line = text[para.start : para.end]
    if QUOTE_MARK.search(line):
        return None
    dash = _DASH.match(line)
    if dash_only and not dash:
        return None
    at = dash.end() if dash else 0
    tokens: list[str] = []
    end = at
    while len(tokens) < (MAX_HEADING_WORDS if heading else MAX_NAME_WORDS):
        # a heading's title may hold "of" and "and": "Secretary of State Mara Quill", "President and CEO Ana Pardo"
        match = _NAME_TOKEN.match(line, at) or (_TITLE_JOINER.match(line, at) if heading and tokens else None)
        if match is None:
            break
        tokens.append(match.group())
        end = match.end()
        at = end + len(line[end:]) - len(line[end:].lstrip(" "))
    rest = line[end:]
    if not tokens or tokens[0] == "By":
        return None  # "By Karl Brandt": a byline
    while tokens and tokens[-1] in {"of", "and"}:
        tokens.pop()
    if heading:
        # "Governor Brandt of Nordland": the place after a titled name is no part of it
        place = next(
            (i for i, t in enumerate(tokens) if t == "of" and i and bare(tokens[i - 1]) not in TITLE_WORDS), None
        )
        tokens = tokens[:place]
    aside = re.match(r"\s*\(([^()]{1,30})\)", rest)  # "Ana Pardo (34), Strelsau"
    if aside:
        rest = rest[aside.end() :]
    if not rest.startswith(",") and rest.strip(" ."):
        return None  # "Brandt disagreed.": a name and a verb
    after = rest[1:].strip().rstrip(".") if rest.startswith(",") else ""
    description = ", ".join(part for part in (aside.group(1) if aside else "", after) if part)
    if not dash and not description and not heading:
        return None  # "Donald Trump." alone: a heading over what follows, not a credit line
    if description and not _is_description(description):
        return None
    # "— Sanders" signs when the article gives the surname in full elsewhere: the speaker resolver decides
    title, person = strip_title(clean_tokens(tokens))
    # a heading may give a surname after a person's post alone ("Governor Brandt"): the resolver completes it
    posted = heading and len(person) == 1 and bool(title) and bare(title[-1]) in PERSON_POSTS
    if not (looks_like_person(person) or (dash and len(person) == 1) or posted):
        return None
    if heading and not dash and not description and not title:
        return None  # a heading that is a name alone may be a group's ("Nordland Wildlife Partners") or a section's
    start = para.start + (dash.end() if dash else 0)
    return Attribution("", " ".join(tokens).rstrip("."), start, para.start, para.end, "name")


def _is_description(description: str) -> bool:
    """ "34, Strelsau", "retired teacher", "tweeting after the speech", "a nurse who says she never voted": no clause
    of its own."""
    if len(description.split()) > MAX_DESCRIPTION_WORDS:
        return False
    for part in description.split(","):
        own = _RELATIVE.sub("", part).strip()
        cues = [m for m in CUE.finditer(own) if m.group(1) not in OBJECT_WORDS]  # "tweeting after the speech"
        if cues or _AUXILIARY.search(own) or _LONE_VERB.fullmatch(own):
            return False
    return True
