"""Speaker turns in a briefing transcript: "MR. KIRBY: …", "SECRETARY BLINKEN: …", "THE PRESIDENT: …".

A government transcript writes no quotation marks: each paragraph that opens with a speaker's label in capitals
starts that speaker's turn, which runs over the following paragraphs until the next label. An official's turn is
one statement; a reporter's ("Q", "QUESTION:") and a moderator's or staff member's are not. A background call's
"SENIOR ADMINISTRATION OFFICIAL:" is an official whom the transcript does not name: the turn is proposed with no
name."""

import re
from dataclasses import dataclass

from .attribution import Attribution
from .text import paragraphs

# Capital letters, accented ones too: "PRESIDENT LÓPEZ OBRADOR", "GENERAL SECRETARY TRỌNG"
CAPITALS = "A-Z" + "".join(c for c in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper())
# A name in capitals: "KIRBY", "JEAN-PIERRE", "O'BRIEN", "THOMAS-GREENFIELD", up to three words ("DE LA CRUZ").
_NAME = rf"(?:\s[{CAPITALS}][{CAPITALS}'’-]*[{CAPITALS}]){{1,3}}"
_HONORIFIC = r"(?:MR|MS|MRS|DR|MX)\.?"
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
SMALL_WORDS = {"Of", "For", "And", "On"}  # "SECRETARY OF STATE BLINKEN" -> "Secretary of State Blinken"
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
        word.lower() if word in SMALL_WORDS or index == 0 and word == "The" else word
        for index, word in enumerate(words)
    )


def turns(text: str) -> list[Turn]:
    """The officials' turns of a transcript, in order; none when the text has fewer than two official labels."""
    found: list[Turn] = []
    current: Turn | None = None
    for para in paragraphs(text):
        label = OFFICIAL_LABEL.match(text, para.start, para.end)
        unnamed = None if label else UNNAMED_LABEL.match(text, para.start, para.end)
        if label or unnamed:
            if label:
                mention = label_mention(label.group(1))
            else:
                label = unnamed
                mention = "a " + label.group(1).lower()  # "a senior administration official": no one is named
            kind = "description" if mention.startswith(("the ", "a ")) else "name"
            attribution = Attribution("", mention, para.start, para.start, label.end(), kind)
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
