"""Attribution clauses: the cue verb next to a quote or a report, and the noun phrase that names the speaker."""

import re
from dataclasses import dataclass

from .cues import CUE_WORDS, OBJECT_WORDS, SPEECH_WORDS, alternatives
from .first_names import gender_of_first_name
from .names import (
    CAPITALISED_BODY_WORD,
    CAPITALISED_NAME,
    CAPITALISED_WORD,
    GIVEN_NAME,
    JOINED_PARTICLE,
    ORG_WORDS,
    PRONOUNS,
    RELATION_NOUNS,
    ROLE_NOUNS,
    bare,
    clean_tokens,
    is_title,
    looks_like_person,
    name_runs,
    names_a_post,
    strip_title,
)
from .text import QUOTE_MARK, QuoteSpan, is_sentence_end, sentence_start

# "According to" opens a sentence as often as not; the other cue words must be written in lower case ("Said" is a name)
CUE = re.compile(r"(?<![\w-])((?i:according to)|" + alternatives(CUE_WORDS) + r")\b")
# Verbs that introduce speech strongly enough to make a paraphrase ("Peskov said that ...").
SPEECH_CUE = re.compile(r"\b(" + alternatives(SPEECH_WORDS) + r")\b")
ADVERBS = {
    "also", "later", "then", "again", "once", "previously", "repeatedly", "recently", "further", "has", "have",
    "had", "was", "were", "is", "would", "will", "subsequently", "quickly", "flatly", "simply", "publicly",
    "privately", "bluntly", "often", "frequently", "earlier", "himself", "herself", "reportedly", "already",
    "yesterday", "today", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday", "sunday", "last",
    "week", "on", "not", "just", "elsewhere", "sharply", "angrily", "told",
}  # fmt: skip
INTRO_WORDS = {
    "in", "at", "on", "during", "as", "after", "before", "when", "while", "speaking", "asked", "but", "and", "yet",
    "still", "later", "earlier", "meanwhile", "however", "for", "writing", "addressing", "responding", "since",
    "separately", "also", "instead", "then", "so", "now", "last", "this", "that", "besides", "despite", "amid",
    "following", "under", "with", "without", "among", "although", "though", "if", "because", "once", "unlike",
    "like", "first", "second", "finally", "by", "from", "to", "of", "over", "through", "within", "whether", "there",
    "here",
}  # fmt: skip
MIN_QUOTE_WORDS = 4
# Cues with the speaker after them: "according to Peskov", "in words attributed to Peskov".
SPEAKER_AFTER = {"according to", "attributed to"}
# Lower-case words that can open the clause after a quote and still name its speaker ("the official said").
POST_STARTERS = {"the", "a", "an", "he", "she", "it", "they", "his", "her", "their", "its", "one", "former", "both"}


@dataclass
class Attribution:
    cue: str
    mention: str
    mention_start: int
    start: int  # the attribution clause in the text
    end: int
    kind: str  # "name" | "pronoun" | "description" | "post" (a transcript's "THE PRESIDENT:")
    anonymous: bool = False  # a description that says it names nobody: "the official, speaking on condition of …"
    holder: str = ""  # a post's: the name the page gives its holder ("Biden" under "Remarks by President Biden …")
    transcript_label: bool = False  # a transcript's speaker label ("SECRETARY BRANDT:"), which always names a person


@dataclass
class _Unit:
    """One quotation: its fragments (several when it runs over paragraphs) and what surrounds it."""

    fragments: list[QuoteSpan]
    pre: Attribution | None = None
    post: Attribution | None = None
    embedded: bool = False  # inside a sentence, not introduced as speech: a partial quote

    @property
    def first(self) -> QuoteSpan:
        return self.fragments[0]

    @property
    def last(self) -> QuoteSpan:
        return self.fragments[-1]


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


# ---------------------------------------------------------------- noun phrases next to a cue


def _np_kind(phrase: str) -> str:
    words = phrase.split()
    if not words:
        return ""
    if len(words) == 1 and bare(words[0]) in PRONOUNS:
        return "pronoun"
    if words[0].lower() in {"the", "a", "an"} and words[-1][:1].islower():
        return "description"  # "the Kremlin spokesman", "a senior Ruritanian diplomat"
    runs = name_runs(phrase)
    last_is_lower = words[-1][:1].islower() and not JOINED_PARTICLE.match(words[-1])
    if last_is_lower and not any(looks_like_person(clean_tokens(strip_title(r[2])[1])) for r in runs):
        return "description"  # "Britain's foreign secretary"
    return "name" if runs else "description"


# the rest of a phrase that is only a body's name and a person's after it: capitals and the small words of a name
_NAMED_BODY_WORDS = re.compile(
    rf"\s*(?:(?:the|of|and|for|&)\s+)*{CAPITALISED_BODY_WORD}(?:\s+(?:{CAPITALISED_BODY_WORD}|of|and|for|the|&))*\s*"
)


def _trim_np(phrase: str) -> str:
    """Cut a noun phrase at an appositive, a relative clause or an adverbial: "Brandt, who ..." -> "Brandt"."""
    # (an abbreviation in brackets inside a title goes on to the name: "Member of Parliament (MP) Ana Pardo")
    phrase = re.split(
        r",|\((?![A-Z][A-Z.]*\)\s+[A-Z])|--|—|–|;|:|\bwho\b|\bwhich\b|\bwhose\b|\bthat\b", phrase, maxsplit=1
    )[0]
    padded = " " + phrase + " "
    for match in re.finditer(
        r"\s+(?:in|on|at|during|after|before|from|to|with|about|of the|last|yesterday|today|earlier|later|when)\s",
        padded,
    ):
        before = padded[: match.start()].split()
        # "Ambassador to Nordland Karl Brandt", "President of the Republic Ana Pardo": the title's complement, with
        # the person's name after it ("the chairman of the Joint Chiefs" names no one)
        runs = name_runs(padded, match.end())
        if (
            match.group().split()[0] in {"to", "of"}
            and before
            and names_a_post(before[-1])
            and runs
            and _NAMED_BODY_WORDS.fullmatch(padded, match.end())
            and looks_like_person(clean_tokens(strip_title(runs[-1][2])[1])[-2:])
            and (len(runs) > 1 or len(runs[0][2]) > 2)
        ):
            # (also a body's name of several runs: "Director of the Office of Management and Budget Karl Brandt",
            # "Ambassador to the United Nations Karl Brandt")
            continue
        padded = padded[: match.start()]
        break
    return padded.strip(" ,.")


# "of the Nordland League for Human Rights", "to the United Nations": a description's complement naming an
# organisation or a place in capitals
# (also with an organisation's word in lower case and its name spelt out in brackets: "of the RMT union (National
# Union of Rail, Maritime and Transport Workers)")
_OF_A_NAMED_BODY = re.compile(
    r"\s+(?:of|for|at|to)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of|for|and|the|[A-Z][\w'’.-]*))*"
    rf"(?:\s+(?:{'|'.join(sorted(word for word in ORG_WORDS if word.isalpha()))})\b)?(?:\s*\([^()]{{1,80}}\))?"
)


def _names_person(tokens: list[str]) -> bool:
    """A full name, or a common first name alone: "his wife, Jane, said", "And Donald, then in college, did not"."""
    return looks_like_person(tokens) or (len(tokens) == 1 and gender_of_first_name(bare(tokens[0])) != "")


_PREPOSITION = re.compile(r"\s+(?:by|about|with|at|over|after|for|on|in|to)\s")
# Adverbs that may stand between a conjunction and the subject it opens: "And even Obama tried …"
_FOCUS_ADVERBS = {"even", "also", "still", "only", "now"}


def _first_np(text: str, start: int, end: int, *, speaker: bool = False) -> tuple[str, int] | None:
    """The subject at the start of a clause, after an introductory phrase ("In a statement, Peskov, ..."). For the
    `speaker` of a cue, a name in apposition after a description of a named body is the subject too."""
    segment = text[start:end]
    offset = 0
    first_word = re.match(r"\s*([A-Za-z]+)", segment)
    # "But Obama, making it clear that …, described": a conjunction before a capital opens the subject itself
    # ("And even Obama tried to help, noting …": also with a focusing adverb between)
    conjunction = first_word and re.match(
        rf"(?:But|And|Yet|So|Then)\s+(?:(?:{alternatives(_FOCUS_ADVERBS)})\s+)?[A-Z]", segment[first_word.start(1) :]
    )
    intro = (
        first_word
        and not conjunction
        and (
            first_word.group(1).lower() in INTRO_WORDS
            or first_word.group(1).endswith("ing")
            # "Alarmed by the unrest in Nevada, Senator Harry Reid … said": a participle in "-ed" and a preposition
            or (first_word.group(1).endswith("ed") and _PREPOSITION.match(segment, first_word.end()) is not None)
        )
    )
    if intro and "," in segment:
        comma = segment.index(",")
        candidate = segment[comma + 1 :]
        # "As Karl B. Brandt, a former envoy, noted": the introduction holds the subject itself
        # (the introductory word itself is no first name: "Regarding Brandt's plan, Lindqvist said")
        # ("Speaking to Agence France-Presse, …": whom one speaks to is not the subject)
        intro_names = [
            run
            for run in name_runs(segment, first_word.end(), comma)
            if not re.search(r"\b(?:to|with)\s+$", segment[: run[0]])
        ]
        if any(_names_person(clean_tokens(strip_title(run[2])[1])) for run in intro_names):
            candidate = ""
        # "But Williams, who is running, added": a relative clause after the comma, so the subject is before it
        if re.match(r"\s*(?:who|whose|which)\b", candidate):
            candidate = ""
        if candidate.strip():
            offset = comma + 1
            segment = candidate
    lead = len(segment) - len(segment.lstrip(" ,"))
    phrase = _trim_np(segment)
    if not phrase:
        return None
    # "The leader of the league, Karl Brandt, warned": the appositive name says more than the description, also
    # after the name of what it leads ("the president of the Nordland League for Human Rights, Karl Brandt, said")
    after = lead + len(phrase)
    # ("Russia's ambassador to the United Nations, Vassily Nebenzia, told": a possessive before a common noun)
    described = phrase[:1].islower() or phrase.split()[0] in {"The", "A", "An"} or phrase.split()[-1].islower()
    # a long description is no subject, but its appositive name is ("The then-manager of Barmouth Publicity and
    # Director of Mid Wales Tourism Partnership, David Clay, called it", thirteen words)
    too_long = word_count(phrase) > 12
    if too_long and not (described and speaker):
        return None
    # (only next to a cue: as the antecedent of a later pronoun it lost more right names than it gave)
    body = _OF_A_NAMED_BODY.match(segment, after) if described and speaker else None
    if body:
        after = body.end()
    appositive = re.match(r"\s*,\s*([^,]+?)\s*,", segment[after:])
    if not appositive:
        # "…," another friend, Lou Grayson told Nordpress: the writer left out the appositive's closing comma, and
        # the clause ends with the name
        appositive = re.match(r"\s*,\s*([^,]+?)\s*$", segment[after:])
        if appositive and [r[:2] for r in name_runs(appositive.group(1))] != [(0, len(appositive.group(1)))]:
            appositive = None
    if appositive and _np_kind(phrase) != "pronoun":
        runs = name_runs(appositive.group(1))
        phrase_runs = name_runs(phrase)
        # "Rep. Karl Brandt's chief of staff, Lou Grayson,": a phrase ending in a common noun is no person's name
        phrase_is_person = phrase.split()[-1][:1].isupper() and any(
            looks_like_person(clean_tokens(strip_title(r[2])[1])) for r in phrase_runs
        )
        # "The then-manager of Barmouth Publicity, David Clay,": after a description's common noun, capitals name a
        # body, and the appositive is the person
        words = phrase.split()
        common_head = phrase[:1].islower() or (described and len(words) > 1 and words[1][:1].islower())
        if (
            (not phrase_is_person or common_head)
            and runs
            and runs[0][0] == 0
            and _names_person(clean_tokens(strip_title(runs[0][2])[1]))
        ):
            return appositive.group(1), start + offset + after + appositive.start(1)
    return None if too_long else (phrase, start + offset + lead)


# Where a clause before a cue may start: punctuation, a relative or a conjunction, and a subordinating conjunction
# before a capital ("The endorsement comes three days after Trump told the Post …": Trump)
_CLAUSE_BOUNDARY = re.compile(
    r",|;|:|--|—|–|\s-\s|\b(?:that|but|while|as|when|which|who|whom)\b"
    r"|\b(?:after|before|since|because|until|although|though)(?=\s+[A-Z])"
)
# A name (maybe with an appositive between commas) after a relative word, right before its verb: "what Gilbert",
# "which Mr. Trump", "that Rush Limbaugh, for one,"
_RELATIVE_SUBJECT = re.compile(rf"\b(?:what|which|that|whom)\s+({CAPITALISED_NAME}(?:\s*,[^,;:]{{1,80}},)?)")
# Words that open a noun phrase in lower case: "the spokesman and", "a senior official then"
_NOUN_STARTERS = {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "one", "another", "some", "both"}


def _last_np(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The subject right before a cue: "As for the budget, he" -> "he"; "Palace press secretary Anna Lindqvist"."""
    segment = text[start:end]
    # drop auxiliaries and adverbs between subject and verb ("Peskov has also said")
    words = list(re.finditer(r"\S+", segment))
    # (not past a comma: "Mr. Kim, who was traveling … this week, said" keeps its appositive's closing comma)
    while words and bare(words[-1].group()) in ADVERBS | {"has", "had", "also"} and not words[-1].group().endswith(","):
        words.pop()
    if not words:
        return None
    stop = words[-1].end()
    segment = segment[:stop]
    if segment.rstrip().endswith((",", "--", "—", "–", ")")):
        return _first_np(text, start, start + stop, speaker=True)
    relative = re.search(r",\s*who(?:\s+(?!(?:he|she|they|we|i|you|it)\b)[a-z]+){0,5}$", segment)
    runs = name_runs(text, start, start + relative.start()) if relative else []
    if runs and runs[-1][1] == start + relative.start():
        # "… an endorsement from Lou Grayson, who declared, '…'", "Beck, who has in the past described Trump as
        # '…'": the person the relative clause is about (not "Brandt, who Pardo described as '…'" or "Obama, who he
        # noted was '…'")
        return text[runs[-1][0] : runs[-1][1]], runs[-1][0]
    # the subject starts after the last clause boundary
    boundaries = list(_CLAUSE_BOUNDARY.finditer(segment))
    boundary = boundaries[-1].end() if boundaries else 0
    phrase_start = boundary
    while phrase_start < len(segment) and segment[phrase_start] in " ,":
        phrase_start += 1
    phrase = segment[phrase_start:].strip()
    if boundaries and boundaries[-1].group() == "who" and phrase[:1].islower():
        # "A resident who did not want to be named said": the subject is before its relative clause
        subject = _last_np(text, start, start + boundaries[-1].start())
        if subject:
            return subject
    if not phrase or re.fullmatch(r"(?:and|but|or|then)", phrase):
        # "Lindqvist, 58, said it was early days but added, '…'": the subject is the sentence's
        return _first_np(text, start, start + stop, speaker=True)
    words = phrase.split()
    opens_with_verb = words[0].islower() and words[0] not in _NOUN_STARTERS and bare(words[0]) not in PRONOUNS
    if len(words) > 1 and words[-1] in {"and", "then"} and opens_with_verb:
        # "Trump gestured …, then leaned in and boomed: '…'": a verb after "and" whose clause opens with another verb
        # has the sentence's subject
        return _first_np(text, start, start + stop, speaker=True)
    if len(words) > 1 and words[-1].lower() in {"he", "she", "they"} and words[0].lower() in INTRO_WORDS:
        # "On the live television he said", "In Strelsau on Monday she told": an introduction without its comma
        return words[-1], start + phrase_start + phrase.rindex(words[-1])
    if word_count(phrase) > 12:
        # a long description with a relative clause: the subject is where the clause starts
        first = _first_np(text, start, start + stop, speaker=True)
        return first
    if boundaries and boundaries[-1].group() == "," and _lower_case_post(phrase):
        # "Ana Pardo, president and CEO of the Nordland Restaurant Association stated, '…'": a title after the name
        # whose closing comma the writer left out; the name before it is the subject
        first = _first_np(text, start, start + stop, speaker=True)
        if (
            first
            and first[1] + len(first[0]) == start + boundaries[-1].start()
            and _names_person(clean_tokens(strip_title(first[0].split())[1]))
        ):
            return first
    return _trim_np(phrase) or phrase, start + phrase_start


def _lower_case_post(phrase: str) -> bool:
    """ "president and CEO of the Nordland Restaurant Association", "the deputy foreign minister of Ruritania": a
    description in lower case whose words before any "of" hold a role or a title and no verb, naming no person."""
    words = re.split(r"\s(?:of|for|at)\s", f" {phrase} ", maxsplit=1)[0].split()
    if not words or not phrase[:1].islower():
        return False
    if any(looks_like_person(clean_tokens(strip_title(run[2])[1])) for run in name_runs(phrase)):
        return False  # "former UN Ambassador John Bolton": a title and its person's name
    if any(bare(w) in AUXILIARIES or CUE.fullmatch(w) or w.endswith(("ed", "ing")) for w in words):
        return False
    return any(names_a_post(w) for w in words if bare(w) not in {"the", "a", "an"})


# Nouns for what someone said: "a statement by …", "remarks attributed to …", "the remarks were made by …"
_REMARKS = r"(?:remarks|comments|words|statement)"
# "according to a tweet on Monday by Mara Quill", "according to a statement from the ministry": the document's
# author or issuer is the speaker
_DOCUMENT_BY = re.compile(
    rf"\s*(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+){{0,2}}?(?:{_REMARKS}|tweet|post|letter|message|release|"
    r"readout|transcript|memo|email|report)s?\b[^.;:\"“”]{0,40}?\s(?:by|from|attributed\s+to)\s+"
)


# A passive "asked by" before a quote: "Sanders was asked by host Bill Maher, …, "…"" (the asker is the speaker)
_ASKED_BY = re.compile(r"\b(?:was|were|is|are|been|being)\s+asked\s+by\s+")
# ... unless the one asked answers in the same sentence: "Brandt was asked by Lou Grayson … and replied, '…'"
_ANSWERED = re.compile(rf"\b(?:and|but|then)\s+(?:\w+ly\s+)?{CUE.pattern}")


# "said Nordland Rural Electric Cooperative Association’s Senior Vice President for Government Relations Lou Finkel":
# an employer and a title in capitals may run longer than other noun phrases after a cue
MAX_TITLED_NP_WORDS = 16


def _capitalised_run(phrase: str) -> bool:
    """Every word capitalised but "of", "for", "and", "the": an employer's name, a title and a name."""
    return all(w[:1].isupper() or w in {"of", "for", "and", "the"} for w in phrase.split())


_POSSESSIVE_ROLE_NAME = re.compile(
    r"^\s*(?:the\s+)?([A-Z][^,;:]*),\s*[A-Z][^,;:]*[’']s\s+(?:[a-z-]+\s+){0,2}[a-z-]+\s*,\s*"
    rf"({CAPITALISED_WORD}(?:\s+{CAPITALISED_WORD}){{1,3}})\s*[.,]?\s*$"
)


def _np_after(text: str, start: int, end: int) -> tuple[str, int] | None:
    document = _DOCUMENT_BY.match(text, start, end)
    if document:
        start = document.end()
    segment = text[start:end]
    lead = len(segment) - len(segment.lstrip(" ,"))
    phrase = _trim_np(segment)
    if not phrase or word_count(phrase) > (MAX_TITLED_NP_WORDS if _capitalised_run(phrase) else 12):
        return None
    posts_then_name = _name_after_posts(segment)
    if posts_then_name:
        return posts_then_name[0], start + posts_then_name[1]
    # "…," said University of Nordland, Strelsau's chancellor, Pradeep Khosla: a possessive role's name at the end,
    # after a body's name with a comma of its own
    role_name = _POSSESSIVE_ROLE_NAME.match(segment)
    if (
        role_name
        and not any(_names_person(clean_tokens(strip_title(run[2])[1])) for run in name_runs(role_name.group(1)))
        and _names_person(clean_tokens(strip_title(role_name.group(2).split())[1]))
    ):
        return role_name.group(2), start + role_name.start(2)
    # "…," said the Nordland State Department's spokesman, Karl Brandt: a description's appositive name
    appositive = _first_np(text, start, end, speaker=True)
    if appositive and appositive[1] > start + lead + len(phrase):
        return appositive
    return phrase, start + lead


def _clause_then_subject(before: str, subject: str) -> bool:
    """'"…." Many homes were destroyed, the court said.': a clause of its own (with a verb: "were destroyed"), then
    the cue's subject after the last comma, which is the speaker, not the sentence's first words."""
    clause, comma, last = before.rpartition(",")
    return bool(comma) and last.strip() == subject and any(bare(w) in AUXILIARIES for w in clause.split())


def _is_post(piece: str) -> bool:
    """ "Chief Policy Officer", "Head of Strategic Advocacy": capitalised words ending in a title or a role, or with
    one before "of" or "for" (not "Foreign Minister Karl Brandt", a post and a name)."""
    words = piece.split()
    if not words or not all(w[:1].isupper() or w in {"of", "for", "the", "and", "&"} for w in words):
        return False
    post = [names_a_post(w) for w in words]
    return post[-1] or any(post[i] and words[i + 1] in {"of", "for"} for i in range(len(words) - 1))


def _name_after_posts(segment: str) -> tuple[str, int] | None:
    """ "…," said Executive Vice President, Chief Policy Officer, and Head of Strategic Advocacy, Neil L. Bradley:
    the name after a run of capitalised posts joined by commas and "and" is the speaker (the name, and where it starts
    in the segment)."""
    pieces = segment.split(",")
    at = 0
    for index, piece in enumerate(pieces):
        if index >= 2:
            name = re.match(r"\s*([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)", piece)
            words = name.group(1).split() if name else []
            if words and words[-1].endswith(".") and len(words[-1]) > 2:
                words[-1] = words[-1][:-1]  # the sentence's full stop, not an initial's
            if words and not _is_post(" ".join(words)) and looks_like_person(clean_tokens(words)):
                return " ".join(words), at + name.start(1)
        if not _is_post(re.sub(r"^\s*and\s+", "", piece).strip()):
            return None
        at += len(piece) + 1
    return None


def _has_sentence_end(segment: str) -> bool:
    return any(is_sentence_end(segment, m.start()) for m in re.finditer(r"[.!?](?=\s)", segment))


_ROLE_THEN_NAME = re.compile(r"((?:[a-z][\w'’-]*,?\s+){1,4})([A-Z][^,;:()]*?)\s*")
_NOT_ROLE_WORDS = INTRO_WORDS | {"and", "or", "nor", "is", "are", "was", "were", "has", "have", "had", "said", "says"}


def _role_then_name(before: str) -> bool:
    """ "…," political scientist Lou Grayson told …: a quote's speaker after a role in lower case, with no article
    ("spokesman Lou Grayson", "election law expert Lou Grayson"), as opposed to a sentence that goes on."""
    match = _ROLE_THEN_NAME.fullmatch(before)
    if not match or any(word in _NOT_ROLE_WORDS for word in re.findall(r"[\w'’-]+", match.group(1))):
        return False
    return looks_like_person(clean_tokens(strip_title(match.group(2).split())[1]))


# '… traffic "ground to a halt" — as the court's decision put it — at the bridge': an aside after the quote that
# names who said it
_AS_X_PUT_IT = re.compile(
    r"\s*(?:,|—|–|--)?\s*as\s+([^,—–\"“”]{2,60}?)\s+(put it|puts it|said|says|noted|wrote|described it)"
    r"\s*(?:,|—|–|--|$)"
)


# "TASS quoted Peskov as saying", "Nordpress cited Brandt as saying": the person quoted (its last group), not the
# outlet; "was quoted by" is a passive, whose subject is the person
_QUOTED_AS_SAYING = r"(?:quoted|cited)\s+(?!by\s)(.+?)\s+as\s+saying"


def post_attribution(text: str, start: int, limit: int) -> Attribution | None:
    """`"…," Peskov said.` / `"…," said Peskov, the Kremlin spokesman.` / `"…," he added.`"""
    return _given_name(text, _post_attribution(text, start, limit))


_BEFORE_TITLES = {"state", "retired", "acting", "incoming", "outgoing", "freshman", "veteran", "longtime", "then"}


def _before_a_title(body: str) -> bool:
    """ "state Sen. Karl Brandt (D) said", "retired Gen. Lou Grayson said": a lower-case word before a title and a
    name opens the speaker's noun phrase."""
    words = body.split()
    return len(words) >= 3 and words[0] in _BEFORE_TITLES and is_title(words[1]) and words[2][:1].isupper()


def _post_attribution(text: str, start: int, limit: int) -> Attribution | None:
    clause = text[start:limit]
    lead = re.match(r"[\s,—–\-]*", clause).end()
    body = clause[lead:]
    if not body or body[0] in "\"“”'‘":
        return None
    # "…," Nordpress quoted Brandt as saying / the Nordpress news agency cited Brandt as saying (the outlet is no
    # speaker); in the passive ("Brandt was quoted by Nordpress as saying") the cue below finds the subject
    quoted = re.match(r"((?:[\w'’.-]+\s+){1,5}?)" + _QUOTED_AS_SAYING, body)
    if quoted and not re.search(r"\b(?:was|were|is|are|been)\s+$", quoted.group(1)):
        np_start = start + lead + quoted.start(2)
        return _attribution("quoted", _trim_np(quoted.group(2)), np_start, start, limit)
    aside = _AS_X_PUT_IT.match(clause)
    if aside:
        return _attribution(aside.group(2).lower(), aside.group(1), start + aside.start(1), start, limit)
    # (a verb whose object is the quote attributes no quote before it: "…," Brandt thanked the crews)
    cue = next((m for m in CUE.finditer(body) if m.group(1).lower() not in OBJECT_WORDS), None)
    if not cue:
        return None
    first = re.match(r"[A-Za-z]+", body)
    before = body[: cue.start()]
    if (
        first
        and cue.start() > 0
        and first.group().islower()
        and first.group() not in POST_STARTERS
        and not _before_a_title(body)
        and not JOINED_PARTICLE.match(body)
        and not _role_then_name(before)
    ):
        return None  # "… to the valley and leaving it …": the sentence goes on, no speaker follows the quote
    if not before.strip():
        if cue.group(1).lower().endswith("ing"):
            # 'Trump has hailed the vote as "fantastic," telling reporters …': what follows a participle is its
            # object; the speaker is the subject of the sentence the quote is in, when it does not open with the quote
            sentence = sentence_start(text, start - 1, text.rfind("\n", 0, start) + 1)
            opens = QUOTE_MARK.match(text[sentence:start].lstrip())
            found = None if opens else _first_np(text, sentence, start, speaker=True)
            if found:
                return _attribution(cue.group(1).lower(), found[0], found[1], start, limit)
            return None  # '"…", calling it a disgrace': a participle is never inverted
        # cue first: "said Peskov"
        found = _np_after(text, start + lead + cue.end(), limit)
        if not found:
            return None
        return _attribution(cue.group(1).lower(), found[0], found[1], start, limit)
    # a number opens no speaker ("…," 20 people said), but an ordinal in a body's name does ("…," 1st Fleet
    # Command's information head Arba Agung told …)
    if word_count(before) > 30 or _has_sentence_end(before) or re.match(r"\s*\d(?!\d*(?:st|nd|rd|th)\s+[A-Z])", before):
        return None
    if cue.group(1).lower() in SPEAKER_AFTER:
        found = _np_after(text, start + lead + cue.end(), limit)
        return _attribution(cue.group(1).lower(), found[0], found[1], start, limit) if found else None
    if before.rstrip().endswith((",", "--", "—", "–", ")")):
        found = _first_np(text, start + lead, start + lead + cue.start(), speaker=True)
    else:
        found = _last_np(text, start + lead, start + lead + cue.start())
        # the subject must be the start of the clause, not something inside another clause
        if found and text[start + lead : found[1]].strip(" ,") and not before.rstrip().endswith(","):
            head = text[start + lead : found[1]]
            own_clause = _clause_then_subject(before, found[0])  # "Many homes were destroyed, the court said"
            if word_count(head) > 0 and not re.fullmatch(r"[\s,]*", head) and not own_clause:
                found = _first_np(text, start + lead, start + lead + cue.start(), speaker=True)
    if not found:
        return None
    return _attribution(cue.group(1).lower(), found[0], found[1], start, limit)


# The sentence after a quote that says whose words they were: "The remarks were made by Karl Brandt on Monday.",
# "Brandt made the remarks at a news conference."
_REMARKS_BY = re.compile(
    rf"\s*(?:The|These|Those|His|Her|Their|Such)\s+{_REMARKS}\s+(?:were|was)\s+(?:made|delivered|given|written|posted)"
    r"\s+by\s+"
)
_MADE_REMARKS = re.compile(rf"\s+(?:made|delivered|gave)\s+(?:the|these|those|his|her|their)\s+{_REMARKS}\b")


def remarks_after(text: str, start: int, end: int) -> Attribution | None:
    """`"…" The remarks were made by Karl Brandt on Monday.` / `"…" Brandt made the remarks in Strelsau.`: the
    sentence text[start:end] right after a quote that ends a sentence names its speaker."""
    by = _REMARKS_BY.match(text, start, end)
    if by:
        found = _np_after(text, by.end(), end)
        return _attribution("remarks", found[0], found[1], start, end) if found else None
    made = _MADE_REMARKS.search(text, start, end)
    if made and word_count(text[start : made.start()]) <= 8:
        found = _first_np(text, start, made.start())
        return _attribution("remarks", found[0], found[1], start, end) if found else None
    return None


# A statement introduced by its issuer: "the following statement from the king: "…"", "The ministry issued a
# statement: "…"", "Brandt released a statement which said, "…"".
_STATEMENT_FROM = re.compile(r"\bstatements?\s+(?:from|by)\s+([^,:;]{1,60}?)\s*[:,]\s*$")
_ISSUED_STATEMENT = re.compile(
    r"\s(?:issued|released|published|put out)\s+(?:a|an|the following|this|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
    r"statements?\b(?:,?\s*(?:which|that)\s+(?:said|read|reads|says))?\s*[:,]?\s*$"
)
# A cue word in -s after a preposition or a determiner is a noun: "He said, in remarks published by CNN, "…"",
# "in his notes", "the claims" (not a verb whose subject is before it)
_NOUN_BEFORE = re.compile(r"\b(?:in|of|the|his|her|their|its|these|those|such|with|from|during|whose)\s+$", re.I)
_ASIDE = re.compile(r"\s(?:—|–|--)\s[^—–\"“”]{1,120}?\s(?:—|–|--)(?=\s)")


def pre_attribution(text: str, floor: int, quote_open: int, sentence: int | None = None) -> Attribution | None:
    """`Peskov said: "…"` / `he told CNN, "…"` / `According to Peskov, "…"`. `sentence` is where the sentence starts
    when an earlier quote in it sets the floor."""
    return _given_name(text, _pre_attribution(text, floor, quote_open, sentence))


def _pre_attribution(text: str, floor: int, quote_open: int, sentence: int | None = None) -> Attribution | None:
    # an aside between dashes is no part of the attribution: "Bercow commented on the matter — which the BBC noted
    # as unusual — "…"" (blanked out, so that offsets stay those of the text)
    clause = _ASIDE.sub(lambda aside: " " * len(aside.group()), text[floor:quote_open])
    quoted = re.search(r"\b" + _QUOTED_AS_SAYING + r"\b", clause)
    passive = re.search(r"\s(?:was|were|is|has been)\s+(?:quoted|cited)\s+(?:by\s+.+?\s+)?as\s+saying\b", clause)
    if passive and word_count(clause[passive.end() :]) <= 3:
        # "Brandt was quoted by Nordpress as saying: '…'": the subject of the passive, not the outlet
        found = _last_np(text, floor, floor + passive.start())
        return _attribution("quoted", found[0], found[1], floor, quote_open) if found else None
    if quoted and word_count(clause[quoted.end() :]) <= 3:
        # "TASS quoted Peskov as saying: '…'", "TASS cited Peskov as saying": the outlet is not the speaker
        return _attribution("quoted", _trim_np(quoted.group(1)), floor + quoted.start(1), floor, quote_open)
    asked = _ASKED_BY.search(clause)
    if asked and not _has_sentence_end(clause[asked.end() :]) and not _ANSWERED.search(clause, asked.end()):
        # "Sanders was asked by host Bill Maher, who …, '…'": the one who asks says the quote
        found = _np_after(text, floor + asked.end(), quote_open)
        return _attribution("asked", found[0], found[1], floor, quote_open) if found else None
    issued = _STATEMENT_FROM.search(clause) or _ISSUED_STATEMENT.search(clause)
    if issued and not CUE.search(clause, issued.end()):
        if issued.re is _STATEMENT_FROM:
            found = _np_after(text, floor + issued.start(1), floor + issued.end(1))
        else:
            found = _last_np(text, floor, floor + issued.start())
        return _attribution("statement", found[0], found[1], floor, quote_open) if found else None
    # a verb whose object is the quote must come right before it: 'Brandt offered "condolences …"', not 'Brandt
    # offered to help, calling it "…"'
    cues = [
        m
        for m in CUE.finditer(clause)
        if (m.group(1).lower() not in OBJECT_WORDS or not clause[m.end() :].strip())
        and not (m.group(1).endswith("s") and _NOUN_BEFORE.search(clause, 0, m.start()))
    ]
    if not cues:
        return None
    cue = cues[-1]
    tail = clause[cue.end() :]
    if word_count(tail) > 10 or _has_sentence_end(tail):
        return None
    if cue.group(1).lower() in SPEAKER_AFTER:
        found = _np_after(text, floor + cue.end(), quote_open)
        return _attribution(cue.group(1).lower(), found[0], found[1], floor, quote_open) if found else None
    participles = {
        "saying", "adding", "noting", "declaring", "warning", "explaining", "calling", "called", "writing", "tweeting",
    }  # fmt: skip
    earlier = cues[-2] if len(cues) > 1 else None
    relative = _RELATIVE_SUBJECT.search(clause, 0, cue.start())
    # (not a speech verb's "that": "Quill claimed that Brandt called it '…'" is Quill's, below)
    reporting = relative and any(m.end() == len(clause[: relative.start()].rstrip()) for m in CUE.finditer(clause))
    if (
        cue.group(1).lower() == "called"
        and relative
        and not reporting
        and relative.end() == len(clause[: cue.start()].rstrip())
    ):
        # "shedding what Gilbert called '…'", "at $2 billion, which Mr. Trump called '…'", "charges that Rush
        # Limbaugh, for one, called '…'": a name between a relative and "called" is its subject, not a participle's
        found = _first_np(text, floor + relative.start(1), floor + cue.start(), speaker=True)
        return _attribution("called", found[0], found[1], floor, quote_open) if found else None
    if (
        cue.group(1).lower() in participles
        and earlier is not None
        and earlier.group(1) not in participles
        and "," in clause[: earlier.start()]
        and clause[earlier.end() : cue.start()].rstrip().endswith(",")
        and word_count(clause[earlier.end() : cue.start()]) <= 4
    ):
        # "Ryan and Lee will meet next week, Brandt said, adding: '…'" — the subject of the speech verb before it
        found = _last_np(text, floor, floor + earlier.start())
    elif cue.group(1).lower() in participles:
        # "…, adding: '…'" — the subject is the clause's subject
        found = _first_np(text, floor, floor + cue.start(), speaker=True)
        if not found and sentence is not None and sentence < floor:
            # 'Brandt posted a class called "Perception" on his page, writing "…"': the subject before the first quote
            first_quote = QUOTE_MARK.search(text, sentence, floor)
            found = _first_np(text, sentence, first_quote.start() if first_quote else floor, speaker=True)
    else:
        found = _last_np(text, floor, floor + cue.start())
        reported = [m for m in SPEECH_CUE.finditer(clause, 0, cue.start()) if re.match(r"\s+that\s", clause[m.end() :])]
        if (
            found
            and reported
            and floor + reported[-1].end() < found[1]
            and not re.search(r"[,;:]", text[floor + reported[-1].end() : found[1]])
        ):
            # "Quill claimed that Brandt had called it "…"": the words are reported by the speaker of the sentence
            cue = reported[-1]
            found = _last_np(text, floor, floor + cue.start())
    if found and sentence is not None and sentence < floor and re.fullmatch(r"(?:and|but|then)", found[0]):
        # 'Brandt called it "a retrograde step" and said "…"': the second verb has no subject of its own, so it is the
        # sentence's subject, before the earlier quote
        found = _first_np(text, sentence, floor, speaker=True) or found
    if not found:
        return None
    return _attribution(cue.group(1).lower(), found[0], found[1], floor, quote_open)


# Words by which a description says that it names nobody: "the official said on condition of anonymity", "the woman,
# who did not want to be named", "an aide who was not authorised to speak publicly".
ANONYMOUS = re.compile(
    r"\b(?:on\s+(?:the\s+)?condition\s+of\s+anonymity|anonymously|(?:did\s+not|didn't|does\s+not|would\s+not)\s+"
    r"(?:want\s+to\s+)?be\s+(?:named|identified)|(?:declined|refused|asked\s+not|wished\s+not)\s+to\s+be\s+"
    r"(?:named|identified)|not\s+authori[sz]ed\s+to\s+(?:speak|talk|comment))\b"
)


def _given_name(text: str, attribution: Attribution | None) -> Attribution | None:
    """ "…," said a protester who gave her name only as Katya: the name given, not the description, is the speaker;
    "…," the official said on condition of anonymity: the description, never the person it might otherwise mean."""
    if attribution is None or attribution.kind != "description":
        return attribution
    given = GIVEN_NAME.match(text, attribution.mention_start + len(attribution.mention))
    if given is None:
        attribution.anonymous = ANONYMOUS.search(text, attribution.start, attribution.end) is not None
        return attribution
    name = given.group("name")
    return Attribution(attribution.cue, name, given.start("name"), attribution.start, attribution.end, "name")


LEADING_CONJUNCTIONS = {"and", "but", "although", "though", "while", "as", "so", "yet", "then", "because", "if"}
AUXILIARIES = {
    "has", "have", "had", "is", "was", "were", "are", "will", "would", "can", "could", "may", "might", "must",
    "should", "did", "does", "do", "responded", "replied",
}  # fmt: skip


# Posts held "to" a place or a body: "Ambassador to the United Nations", "Envoy to Nordland".
_PLACE_POSTS = {"ambassador", "envoy", "adviser", "advisor", "assistant", "counselor", "counsellor", "emissary"}


def _head(phrase: str, at: int) -> tuple[str, int]:
    """Keep only the noun phrase of a longer clause: "he argued against …" -> "he", "Brandt has long said" ->
    "Brandt", "a Ruritanian official responded by" -> "a Ruritanian official"."""
    words = list(re.finditer(r"\S+", phrase))
    while len(words) > 1 and words[0].group().lower() in LEADING_CONJUNCTIONS:
        words.pop(0)
        if len(words) > 1 and words[0].group() in _FOCUS_ADVERBS and words[1].group()[:1].isupper():
            words.pop(0)  # "And even Obama tried …"
    if not words:
        return phrase, at
    offset = words[0].start()
    if bare(words[0].group()) in PRONOUNS:
        return words[0].group(), at + offset
    rest = phrase[offset:]
    runs = name_runs(rest)
    if runs and runs[0][0] == 0:
        following = re.match(r"\s+([a-z][\w-]*)", rest[runs[0][1] :])
        # ("Ruritania's al-Hamad said": a surname with its particle follows, not a verb)
        verb = following and not JOINED_PARTICLE.match(following.group(1)) and not is_title(following.group(1))
        # ("Ambassador to the United Nations Karl Brandt": a post's "to", no verb)
        verb = verb and not (following.group(1) == "to" and bare(runs[0][2][-1]) in _PLACE_POSTS)
        if verb and not _modifies_role(rest, runs) and not _employer_and_role_before_name(rest, runs):
            return rest[: runs[0][1]], at + offset  # "Brandt intimated …", "Brandt and other leaders": the name
    for index, word in enumerate(words[1:], start=1):
        token = word.group()
        # "Russia's Foreign Minister Sergei Lavrov met …": a verb right after a name and its title (not "an email
        # sent by Brandt", "The rise of Bannon gave Beck …")
        verb_after_name = (
            _is_listed_verb(bare(token))
            and words[index - 1].group()[:1].isupper()
            and all(w.group()[:1].isupper() or w.group() in {"of", "the"} for w in words[:index])
        )
        if token[:1].islower() and (
            bare(token) in AUXILIARIES
            or bare(token) in ADVERBS
            or CUE.fullmatch(bare(token))
            or (index >= 2 and token.endswith("ed"))
            or verb_after_name
        ):
            return phrase[offset : words[index - 1].end()], at + offset
    return rest, at + offset


def _modifies_role(phrase: str, runs: list[tuple[int, int, list[str]]]) -> bool:
    """ "Obama consultant Cornell Belcher", "Trump campaign chairman Paul Manafort": the first name qualifies a role
    noun, and the full name after the role is the person."""
    if len(runs) < 2:
        return False
    # the role's noun may be written as a title of the name after it: "Trump campaign Chairman Paul Manafort"
    between = phrase[runs[0][1] : runs[1][0]].split() + [word.lower() for word in strip_title(runs[1][2])[0]]
    return (
        0 < len(between) <= 4
        and not (_is_finite_verb(bare(between[0])) and not _adverb(phrase[runs[0][0] : runs[0][1]]))
        and all(word.islower() for word in between)
        and _is_role_noun(bare(between[-1]))
        and looks_like_person(clean_tokens(strip_title(runs[1][2])[1]))
    )


def _employer_and_role_before_name(phrase: str, runs: list[tuple[int, int, list[str]]]) -> bool:
    """ "Train drivers' trade union Aslef general secretary Mick Whelan" before a cue: a long description of an
    employer and a role in lower case ends in the full name of the subject. The words between the first capital and
    the name hold no verb (no auxiliary, no cue, nothing in "-ed", "-ing" or "-s": "Frank quotes former Carter adviser
    Alfred Kahn:" is Frank's sentence)."""
    last = runs[-1]
    if len(runs) < 2 or phrase[last[1] :].strip():
        return False
    title, name = strip_title(last[2])
    between = phrase[runs[0][1] : last[0]].split() + [word.lower() for word in title]
    lower = [word for word in between if word[:1].islower()]  # "drivers'" is a possessive, "quotes" a verb
    return (
        0 < len(between) <= 8
        and bool(lower)
        and _is_role_noun(bare(lower[-1]))
        and between[-1][:1].islower()
        and not any(word in AUXILIARIES or word.endswith(("ed", "ing", "s")) or CUE.fullmatch(word) for word in lower)
        and looks_like_person(clean_tokens(name))
    )


# Verbs of diplomacy and politics whose object is often a person with a title ("Ardern met Australian Prime Minister
# Scott Morrison"); their forms in -s are verbs ("hosts", "urges"), and other words in -s are often a role's modifier
# ("communications director", "news chief").
_TRANSITIVE_VERBS = {
    "accept", "accuse", "appoint", "ask", "attack", "back", "blame", "brief", "call", "challenge", "choose",
    "condemn", "congratulate", "criticise", "criticize", "defeat", "defend", "dismiss", "embrace", "endorse", "face",
    "fire", "follow", "greet", "hail", "host", "hug", "invite", "join", "laud", "lead", "meet", "name", "nominate",
    "oppose", "phone", "pick", "praise", "press", "receive", "reject", "replace", "rebuke", "sack", "see", "send",
    "slam", "snub", "succeed", "summon", "support", "telephone", "tell", "thank", "urge", "visit", "warn", "welcome",
}  # fmt: skip
# Their past tenses that do not end in -ed (those that do are told by their ending).
_IRREGULAR_PASTS = {"brought", "chose", "gave", "held", "led", "met", "rang", "saw", "sent", "told", "took", "won"}


def _is_finite_verb(word: str) -> bool:
    """ "met", "hosted", "hosts": a verb after its subject, which ends the subject's noun phrase ("Karl Brandt met
    Prime Minister Lou Grayson" is about Brandt), where a noun before a role would qualify it ("campaign chairman")."""
    return (len(word) > 4 and word.endswith("ed") and not word.endswith("eed")) or _is_listed_verb(word)


def _adverb(run: str) -> bool:
    """ "Newly" in "Newly elected Assemblywoman Selena Quill": an adverb makes the participle after it a modifier."""
    return run.lower().endswith("ly") and " " not in run


def _is_listed_verb(word: str) -> bool:
    """A past tense or an -s form of one of the verbs above: "met", "chose", "hosts", "urges", "criticises"."""
    if word in _IRREGULAR_PASTS:
        return True
    stems = {word[:-1], word[:-2], word[:-3] + "y"} if word.endswith("s") and not word.endswith("ss") else set()
    return bool(stems & _TRANSITIVE_VERBS)


# Words with an agent noun's ending that are no noun: "Clinton over Bernie Sanders", "Trump after Ted Cruz".
_NOT_AGENT_NOUNS = {
    "after", "over", "under", "never", "ever", "rather", "either", "neither", "whether", "together", "later", "other",
    "another", "whatever", "however", "former", "latter", "for", "nor", "or", "per", "major", "minor", "prior",
}  # fmt: skip


# Nouns for what a person is that are neither a role (ROLE_NOUNS, which titles and posts are read from) nor an agent
# noun: "Strelsau resident Ana Pardo", "Strelsau native Karl Brandt", "committee ranking Democrat Lou Grayson".
_PERSON_NOUNS = {
    "executive", "entrepreneur", "resident", "student", "native", "veteran", "democrat", "republican", "ceo",
}  # fmt: skip


def _is_role_noun(word: str) -> bool:
    """A role ("consultant", "aide"), any agent noun ("Florida developer Mel Sembler", "Ohio investor Ana Pardo"), a
    relative ("Brandt's wife Jonna Brandt") or another noun for a person ("Strelsau native Ana Pardo"), also after
    "co-" or "ex-" ("Nordland Radio co-host Karl Brandt")."""
    word = re.sub(r"^(?:co|ex)-", "", word)
    return (
        word in ROLE_NOUNS
        or word in RELATION_NOUNS
        or word in _PERSON_NOUNS
        or (len(word) > 4 and word.endswith(("er", "or", "ist")) and word not in _NOT_AGENT_NOUNS)
    )


def _attribution(cue: str, phrase: str, at: int, start: int, end: int) -> Attribution | None:
    if cue in SPEAKER_AFTER or cue == "quoted":
        # "According to him, …", "TASS quoted her as saying": the speaker as the object
        phrase = {"him": "he", "her": "she", "them": "they"}.get(phrase.lower(), phrase)
    headed, head_at = _head(phrase, at)
    # "Karl Brandt's lawyer said": a role after a possessive is the speaker, not the possessor (speakers.py)
    role = re.match(r"\s+([a-z][\w-]*)\b", phrase[head_at - at + len(headed) :])
    if re.search(r"(?:'s|’s)$", headed) and role and _is_role_noun(bare(role.group(1))):
        headed = phrase[head_at - at : head_at - at + len(headed) + role.end()]
    phrase, at = headed, head_at
    kind = _np_kind(phrase)
    if not kind:
        return None
    if kind == "pronoun" and bare(phrase) in {"i", "we", "you"}:
        return None  # "I said" outside a quote is the writer ("it said" is an institution's, speakers.py)
    return Attribution(cue, phrase, at, start, end, kind)
