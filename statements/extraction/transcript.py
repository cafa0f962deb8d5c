"""Speaker turns in a briefing transcript: "MR. KIRBY: …", "SECRETARY BLINKEN: …", "THE PRESIDENT: …".

A government transcript writes no quotation marks: each paragraph that opens with a speaker's label in capitals
starts that speaker's turn, which runs over the following paragraphs until the next label. An official's turn is
one statement; a reporter's ("Q", "QUESTION:") and a moderator's or staff member's are not. A background call's
"SENIOR ADMINISTRATION OFFICIAL:" is an official whom the transcript does not name: the turn is proposed with no
name."""

import re
from dataclasses import dataclass

from .attribution import Attribution
from .names import (
    HEADLINE_PREPOSITIONS,
    SMALL_WORDS,
    bare,
    clean_tokens,
    could_be_surname,
    headline_name,
    looks_like_person,
)
from .text import paragraphs

# Capital letters, accented ones too: "PRESIDENT LÓPEZ OBRADOR", "GENERAL SECRETARY TRỌNG"
CAPITALS = "A-Z" + "".join(c for c in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper())
# A name in capitals: "KIRBY", "JEAN-PIERRE", "O'BRIEN", "THOMAS-GREENFIELD", up to three words ("DE LA CRUZ").
_NAME = rf"(?:\s[{CAPITALS}][{CAPITALS}'’-]*[{CAPITALS}]){{1,3}}"
_HONORIFIC = r"(?:MR|MS|MRS|DR|MX)\.?"
# The posts a label may open with. Not read from names.TITLE_WORDS, though each word here is one: that list also
# holds the small words, bodies and modifiers written around a title ("of", "the", "Kremlin", "House", "former"),
# which would make "THE HOUSE:" or "THE KREMLIN:" a post's label, and it lacks "SECOND GENTLEMAN".
_POST = (
    r"(?:(?:DEPUTY|UNDER|ASSISTANT|VICE|PRIME|FOREIGN|DEFENSE|DEFENCE|STATE|LIEUTENANT)\s)?"
    r"(?:SECRETARY|AMBASSADOR|ADMIRAL|ADM\.|GENERAL|GEN\.|SENATOR|SEN\.|GOVERNOR|GOV\.|MINISTER|PRESIDENT|"
    r"CHANCELLOR|COLONEL|COL\.|CAPTAIN|CAPT\.|SPOKESPERSON|SPOKESMAN|SPOKESWOMAN|ADMINISTRATOR|DIRECTOR|CHAIR|"
    r"CHAIRMAN|CHAIRWOMAN|MAYOR|REPRESENTATIVE|REP\.|CONGRESSMAN|CONGRESSWOMAN|SPEAKER|LEADER|JUDGE|TAOISEACH|"
    r"SECOND\sGENTLEMAN|FIRST\sLADY)"
)
# An official: an honorific or a post and a name, or "THE PRESIDENT", "THE SECRETARY"; then a colon.
OFFICIAL_LABEL = re.compile(rf"((?:{_HONORIFIC}|{_POST}){_NAME}|THE\s{_POST}):[ \t]*")
# An official the transcript does not name: "SENIOR ADMINISTRATION OFFICIAL:", "SENIOR STATE DEPARTMENT OFFICIAL 2:"
UNNAMED_LABEL = re.compile(r"((?:[A-Z]+\s){1,3}OFFICIAL)(?:\s#?\d)?:[ \t]*")
# Any other speaker label ends the turn before it: a reporter ("Q", "Q:", "QUESTION:"), "STAFF:", "MODERATOR:",
# and the closing "END 3:14 P.M. EDT".
OTHER_LABEL = re.compile(rf"(?:Q[:.]?\s|QUESTION:|[{CAPITALS}][{CAPITALS} .'’-]{{1,40}}:\s|END\b)")
# The closing time alone ("7:17 P.M. EDT") ends the last turn too: it is the transcript's, not the speaker's words
TIME_ONLY = re.compile(r"\d{1,2}:\d\d\s*[AP]\.?M\.?(?:\s+[A-Z]{2,4})?", re.IGNORECASE)
NOTE_ONLY = re.compile(r"(?:\([^()]*\)\s*)+")  # "(Laughter.)", "(As interpreted.)", "(Points to himself.)"
LABEL_SMALL_WORDS = {"Of", "For", "And", "On"}  # "SECRETARY OF STATE BLINKEN" -> "Secretary of State Blinken"
# Words before a post that make it another one: "former President Rask" is not the president.
NOT_THE_POST = {"former", "late", "ex", "vice", "deputy"}
# Two official turns make a transcript: one label-like line in a news story does not.
MIN_TURNS = 2


@dataclass
class Turn:
    """One official's turn: the attribution is the label; one fragment per paragraph, the label left out."""

    attribution: Attribution
    fragments: list[tuple[int, int]]


def label_mention(label: str) -> str:
    """ "MS. JEAN-PIERRE" -> "Ms. Jean-Pierre", "THE PRESIDENT" -> "the President": written as in running text."""
    words = [re.sub(rf"[{CAPITALS}]+", lambda m: m.group().capitalize(), word) for word in label.split()]
    return " ".join(
        word.lower() if word in LABEL_SMALL_WORDS or index == 0 and word == "The" else word
        for index, word in enumerate(words)
    )


def _names_after(post: str, text: str, start: int, end: int) -> list[str]:
    """The names written right after `post` between `start` and `end`: "Biden" for "President" in "Remarks by
    President Biden Before Marine One Departure", "Joe Biden" in "… said President Joe Biden". Not after a longer post
    ("Vice President Harris", "Former President Rask", "former president Rask"); "U.S. President Rask" is the
    post's."""
    found = []
    words = rf"(?:[^\S\n]+[{CAPITALS}][\w'’.-]*){{1,4}}"  # on the post's line
    for match in re.finditer(rf"(?<![\w-]){re.escape(post)}({words})", text[start:end]):
        before = text[start : start + match.start()].rsplit("\n", 1)[-1].split()
        word = before[-1] if before else ""
        if bare(word) in NOT_THE_POST or (
            word[:1].isupper() and not word.endswith(".") and bare(word) not in SMALL_WORDS
        ):
            continue  # "Vice President Harris", "former President Rask": someone else's post
        tokens = match.group(1).split()
        # "… beside President Ivo Rask. Brandt said": a full stop after a word (not an initial) ends the name
        stop = next((i for i, t in enumerate(tokens) if t.endswith(".") and len(bare(t)) > 1), len(tokens))
        tokens = headline_name(clean_tokens(tokens[: stop + 1]))
        # "Remarks by President Biden And Prime Minister …": a title-case title's small words end the name
        cut = next((i for i, t in enumerate(tokens) if bare(t) in SMALL_WORDS | HEADLINE_PREPOSITIONS), len(tokens))
        tokens = tokens[:cut]
        if looks_like_person(tokens) or (len(tokens) == 1 and could_be_surname(tokens[0])):
            found.append(" ".join(tokens))
    return found


def post_holder(label: str, text: str, head_end: int) -> str:
    """Who "THE PRESIDENT:" is: the one person the page's first lines (its title, before any turn) name with that
    post, as they write it ("Remarks by President Biden …" -> "Biden"), or the full name the page writes after the
    post ("President Joe Biden"); never a namesake the page names otherwise ("Hunter Biden"). "" when the first
    lines name nobody, or two people, with that post."""
    post = label_mention(label).removeprefix("the ")
    named = _names_after(post, text, 0, head_end)
    name = min(named, key=len, default="")
    if not name or any(other != name and not other.endswith(" " + name) for other in named):
        return ""
    fuller = {full for full in _names_after(post, text, 0, len(text)) if full.endswith(" " + name)}
    return fuller.pop() if len(fuller) == 1 else name


def turns(text: str) -> list[Turn]:
    """The officials' turns of a transcript, in order; none when the text has fewer than two official labels."""
    found: list[Turn] = []
    current: Turn | None = None
    head_end = None  # the page's first lines end at the first turn, an official's or anyone else's
    holders: dict[str, str] = {}  # "THE PRESIDENT" -> "Biden", read once per label
    for para in paragraphs(text):
        label = OFFICIAL_LABEL.match(text, para.start, para.end)
        unnamed = None if label else UNNAMED_LABEL.match(text, para.start, para.end)
        if head_end is None and (label or unnamed or OTHER_LABEL.match(text, para.start, para.end)):
            head_end = para.start
        if label or unnamed:
            holder = ""
            if label:
                mention = label_mention(label.group(1))
                if mention.startswith("the ") and label.group(1) not in holders:
                    # "THE PRESIDENT": whoever the page names with that post
                    holders[label.group(1)] = post_holder(label.group(1), text, head_end)
                holder = holders.get(label.group(1), "")
            else:
                label = unnamed
                mention = "a " + label.group(1).lower()  # "a senior administration official": no one is named
            kind = "post" if mention.startswith("the ") else "description" if mention.startswith("a ") else "name"
            attribution = Attribution(
                "", mention, para.start, para.start, label.end(), kind, holder=holder, transcript_label=kind == "name"
            )
            current = Turn(attribution, [])
            found.append(current)
            if label.end() < para.end:
                current.fragments.append((label.end(), para.end))
        elif OTHER_LABEL.match(text, para.start, para.end) or TIME_ONLY.fullmatch(text, para.start, para.end):
            current = None
        elif current is not None:
            current.fragments.append((para.start, para.end))
    for turn in found:
        # "PRESIDENT DUDA: (Points to himself.)": a stage direction or an interpreter's note alone says nothing
        turn.fragments = [(start, end) for start, end in turn.fragments if not NOTE_ONLY.fullmatch(text, start, end)]
    found = [turn for turn in found if turn.fragments]
    return found if len(found) >= MIN_TURNS else []
