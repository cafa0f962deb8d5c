"""The extractor: article text in, proposed statements out. Rules only; see docs/extraction.md for the conventions."""

import datetime
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .names import (
    FEMALE_HONORIFICS,
    HONORIFICS,
    MALE_HONORIFICS,
    ORG_WORDS,
    PRONOUNS,
    ArticlePeople,
    bare,
    clean_tokens,
    looks_like_person,
    name_runs,
    normalise,
    repair,
    strip_title,
    surname,
)
from .text import QuoteSpan, is_sentence_end, paragraphs, sentence_end
from .types import KnownOfficial, Proposal, Speaker

CUE_WORDS = [
    "said", "says", "say", "told", "tells", "added", "adds", "went on", "continued", "continues", "stressed",
    "stresses", "noted", "notes", "explained", "explains", "wrote", "writes", "asked", "asks", "declared", "insisted",
    "insists", "warned", "warns", "argued", "argues", "recalled", "remarked", "replied", "responded", "answered",
    "acknowledged", "admitted", "announced", "observed", "complained", "suggested", "stated", "claimed", "claims",
    "commented", "urged", "joked", "conceded", "countered", "predicted", "cautioned", "emphasized", "emphasised",
    "underlined", "pointed out", "tweeted", "posted", "reiterated", "assured", "maintained", "contended",
    "concluded", "vowed", "pledged", "promised", "agreed", "charged", "alleged", "quipped", "mused", "lamented",
    "boasted", "wondered", "testified", "told reporters", "according to", "was quoted as saying", "quoted",
    "saying", "adding", "noting", "declaring", "warning", "explaining", "calling", "called", "described",
    "wrote on", "said in", "complains", "recalls", "explained", "acknowledges", "stresses", "emphasizes",
    "arguing", "insisting", "claiming", "suggesting", "stressing", "asserting", "asserted", "telling",
    "accusing", "accused", "dismissed", "dismissing", "labeled", "labelled", "branded", "denounced",
]  # fmt: skip
CUE = re.compile(r"(?<![\w-])(" + "|".join(sorted({re.escape(c) for c in CUE_WORDS}, key=len, reverse=True)) + r")\b")
# Verbs that introduce speech strongly enough to make a paraphrase ("Peskov said that ...").
SPEECH_CUE = re.compile(
    r"\b(said|says|told|added|stressed|noted|warned|insisted|announced|explained|argued|claimed|went on|"
    r"emphasi[sz]ed|reiterated|declared|acknowledged|admitted|stated|assured|predicted|recalled)\b"
)
ADVERBS = {
    "also", "later", "then", "again", "once", "previously", "repeatedly", "recently", "further", "has", "have",
    "had", "was", "were", "is", "would", "will", "subsequently", "quickly", "flatly", "simply", "publicly",
    "privately", "bluntly", "often", "frequently", "earlier", "himself", "herself", "reportedly", "already",
    "yesterday", "today", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday", "sunday", "last",
    "week", "on", "not", "just", "elsewhere", "sharply", "angrily", "told", "it",
}  # fmt: skip
INTRO_WORDS = {
    "in", "at", "on", "during", "as", "after", "before", "when", "while", "speaking", "asked", "but", "and", "yet",
    "still", "later", "earlier", "meanwhile", "however", "for", "writing", "addressing", "responding", "since",
    "separately", "also", "instead", "then", "so", "now", "last", "this", "that", "besides", "despite", "amid",
    "following", "under", "with", "without", "among", "although", "though", "if", "because", "once", "unlike",
    "like", "first", "second", "finally", "by", "from", "to", "of", "over", "through", "within", "whether",
}  # fmt: skip
# A role word on the left maps to words a position title may use instead.
ROLE_SYNONYMS = {
    "spokesman": {"spokesman", "spokesperson", "spokeswoman", "press", "secretary"},
    "spokeswoman": {"spokesman", "spokesperson", "spokeswoman", "press", "secretary"},
    "spokesperson": {"spokesman", "spokesperson", "spokeswoman", "press", "secretary"},
    "leader": {"president", "prime", "minister", "chancellor", "leader", "head", "premier"},
    "chief": {"head", "chief", "director", "secretary-general", "president", "chairman"},
    "diplomat": {"foreign", "minister", "ambassador", "secretary", "envoy"},
    "top": set(),
    "current": set(),
    "former": set(),
}
MONTHS = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|"
    "Nov(?:ember)?|Dec(?:ember)?"
)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’\-]+(?:,\s*[A-Z][A-Za-z .]+?)?)\s*(?:,|\()\s*(?P<month>"
    + MONTHS
    + r")\.?\s+(?P<day>\d{1,2})"
)
PLACE_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z .'’\-]{2,}(?:,\s*[A-Z][A-Za-z .]+?)?)\s*(?:-|—|–|\(|/)")
MIN_QUOTE_WORDS = 4
# Lower-case words that can open the clause after a quote and still name its speaker ("the official said").
POST_STARTERS = {"the", "a", "an", "he", "she", "they", "his", "her", "their", "its", "one", "former", "both"}
# Heads of descriptions that are not people: "the ministry said" is never a later "he".
NON_PERSON_HEADS = {
    "ministry", "government", "report", "statement", "study", "paper", "newspaper", "agency", "embassy", "white",
    "memo", "document", "readout", "letter", "website", "site", "channel", "station", "poll", "survey", "analysis",
}  # fmt: skip


@dataclass
class Attribution:
    cue: str
    mention: str
    mention_start: int
    start: int  # the attribution clause in the text
    end: int
    kind: str  # "name" | "pronoun" | "description"


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
    return "name" if name_runs(phrase) else "description"


def _trim_np(phrase: str) -> str:
    """Cut a noun phrase at an appositive, a relative clause or an adverbial: "Brandt, who ..." -> "Brandt"."""
    phrase = re.split(r",|\(|--|—|–|;|:|\bwho\b|\bwhich\b|\bwhose\b|\bthat\b", phrase, maxsplit=1)[0]
    phrase = re.split(
        r"\s+(?:in|on|at|during|after|before|from|to|with|about|of the|last|yesterday|today|earlier|later|when)\s",
        " " + phrase + " ",
        maxsplit=1,
    )[0]
    return phrase.strip(" ,.")


def _first_np(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The subject at the start of a clause, after an introductory phrase ("In a statement, Peskov, ...")."""
    segment = text[start:end]
    offset = 0
    first_word = re.match(r"\s*([A-Za-z]+)", segment)
    intro = first_word and (first_word.group(1).lower() in INTRO_WORDS or first_word.group(1).endswith("ing"))
    if intro and "," in segment:
        comma = segment.index(",")
        candidate = segment[comma + 1 :]
        # "As Karl B. Brandt, a former envoy, noted": the introduction holds the subject itself
        if any(looks_like_person(clean_tokens(strip_title(run[2])[1])) for run in name_runs(segment[:comma])):
            candidate = ""
        if candidate.strip():
            offset = comma + 1
            segment = candidate
    lead = len(segment) - len(segment.lstrip(" ,"))
    phrase = _trim_np(segment)
    if not phrase or word_count(phrase) > 12:
        return None
    # "The leader of the league, Karl Brandt, warned": the appositive name says more than the description
    appositive = re.match(r"\s*,\s*([^,]+?)\s*,", segment[lead + len(phrase) :])
    if appositive and _np_kind(phrase) == "description":
        runs = name_runs(appositive.group(1))
        if runs and runs[0][0] == 0 and looks_like_person(clean_tokens(strip_title(runs[0][2])[1])):
            return appositive.group(1), start + offset + lead + len(phrase) + appositive.start(1)
    return phrase, start + offset + lead


def _last_np(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The subject right before a cue: "As for the budget, he" -> "he"; "Palace press secretary Anna Lindqvist"."""
    segment = text[start:end]
    # drop auxiliaries and adverbs between subject and verb ("Peskov has also said")
    words = list(re.finditer(r"\S+", segment))
    while words and bare(words[-1].group()) in ADVERBS | {"has", "had", "also"}:
        words.pop()
    if not words:
        return None
    stop = words[-1].end()
    segment = segment[:stop]
    if segment.rstrip().endswith((",", "--", "—", "–", ")")):
        return _first_np(text, start, start + stop)
    # the subject starts after the last clause boundary
    boundary = max(
        [m.end() for m in re.finditer(r",|;|:|--|—|–|\b(?:that|but|while|as|when|which|who|whom)\b", segment)] or [0]
    )
    phrase_start = boundary
    while phrase_start < len(segment) and segment[phrase_start] in " ,":
        phrase_start += 1
    phrase = segment[phrase_start:].strip()
    if not phrase or re.fullmatch(r"(?:and|but|or|then)", phrase):
        # "Lindqvist, 58, said it was early days but added, '…'": the subject is the sentence's
        return _first_np(text, start, start + stop)
    if word_count(phrase) > 12:
        # a long description with a relative clause: the subject is where the clause starts
        first = _first_np(text, start, start + stop)
        return first
    return _trim_np(phrase) or phrase, start + phrase_start


def _np_after(text: str, start: int, end: int) -> tuple[str, int] | None:
    segment = text[start:end]
    lead = len(segment) - len(segment.lstrip(" ,"))
    phrase = _trim_np(segment)
    if not phrase or word_count(phrase) > 12:
        return None
    return phrase, start + lead


def _has_sentence_end(segment: str) -> bool:
    return any(is_sentence_end(segment, m.start()) for m in re.finditer(r"[.!?](?=\s)", segment))


def post_attribution(text: str, start: int, limit: int) -> Attribution | None:
    """`"…," Peskov said.` / `"…," said Peskov, the Kremlin spokesman.` / `"…," he added.`"""
    clause = text[start:limit]
    lead = re.match(r"[\s,—–\-]*", clause).end()
    body = clause[lead:]
    if not body or body[0] in "\"“”'‘":
        return None
    quoted = re.match(r"(\w+(?:\s+\w+)?)\s+quoted\s+(.+?)\s+as\s+saying", body)
    if quoted:
        np_start = start + lead + quoted.start(2)
        return _attribution("quoted", quoted.group(2), np_start, start, limit)
    cue = CUE.search(body)
    if not cue:
        return None
    first = re.match(r"[A-Za-z]+", body)
    if first and cue.start() > 0 and first.group().islower() and first.group() not in POST_STARTERS:
        return None  # "… to the valley and leaving it …": the sentence goes on, no speaker follows the quote
    before = body[: cue.start()]
    if not before.strip():
        # cue first: "said Peskov"
        found = _np_after(text, start + lead + cue.end(), limit)
        if not found:
            return None
        return _attribution(cue.group(1), found[0], found[1], start, limit)
    if word_count(before) > 30 or _has_sentence_end(before) or before.lstrip()[0:1].isdigit():
        return None
    if cue.group(1) == "according to":
        found = _np_after(text, start + lead + cue.end(), limit)
        return _attribution("according to", found[0], found[1], start, limit) if found else None
    if before.rstrip().endswith((",", "--", "—", "–", ")")):
        found = _first_np(text, start + lead, start + lead + cue.start())
    else:
        found = _last_np(text, start + lead, start + lead + cue.start())
        # the subject must be the start of the clause, not something inside another clause
        if found and text[start + lead : found[1]].strip(" ,") and not before.rstrip().endswith(","):
            head = text[start + lead : found[1]]
            if word_count(head) > 0 and not re.fullmatch(r"[\s,]*", head):
                found = _first_np(text, start + lead, start + lead + cue.start())
    if not found:
        return None
    return _attribution(cue.group(1), found[0], found[1], start, limit)


def pre_attribution(text: str, floor: int, quote_open: int) -> Attribution | None:
    """`Peskov said: "…"` / `he told CNN, "…"` / `According to Peskov, "…"`."""
    clause = text[floor:quote_open]
    quoted = re.search(r"\bquoted\s+(.+?)\s+as\s+saying\b", clause)
    if quoted and word_count(clause[quoted.end() :]) <= 3:
        # "TASS quoted Peskov as saying: '…'": the outlet is not the speaker
        return _attribution("quoted", quoted.group(1), floor + quoted.start(1), floor, quote_open)
    cues = list(CUE.finditer(clause))
    if not cues:
        return None
    cue = cues[-1]
    tail = clause[cue.end() :]
    if word_count(tail) > 10 or _has_sentence_end(tail):
        return None
    if cue.group(1) == "according to":
        found = _np_after(text, floor + cue.end(), quote_open)
        return _attribution("according to", found[0], found[1], floor, quote_open) if found else None
    if cue.group(1) in {"saying", "adding", "noting", "declaring", "warning", "explaining", "calling", "called"}:
        # "…, adding: '…'" — the subject is the clause's subject
        found = _first_np(text, floor, floor + cue.start())
    else:
        found = _last_np(text, floor, floor + cue.start())
    if not found:
        return None
    return _attribution(cue.group(1), found[0], found[1], floor, quote_open)


LEADING_CONJUNCTIONS = {"and", "but", "although", "though", "while", "as", "so", "yet", "then", "because", "if"}
AUXILIARIES = {
    "has", "have", "had", "is", "was", "were", "are", "will", "would", "can", "could", "may", "might", "must",
    "should", "did", "does", "do", "responded", "replied",
}  # fmt: skip


def _head(phrase: str, at: int) -> tuple[str, int]:
    """Keep only the noun phrase of a longer clause: "he argued against …" -> "he", "Brandt has long said" ->
    "Brandt", "a Ruritanian official responded by" -> "a Ruritanian official"."""
    words = list(re.finditer(r"\S+", phrase))
    while len(words) > 1 and words[0].group().lower() in LEADING_CONJUNCTIONS:
        words.pop(0)
    if not words:
        return phrase, at
    offset = words[0].start()
    if bare(words[0].group()) in PRONOUNS:
        return words[0].group(), at + offset
    rest = phrase[offset:]
    runs = name_runs(rest)
    if runs and runs[0][0] == 0 and rest[runs[0][1] :].lstrip().startswith("and "):
        return rest[: runs[0][1]], at + offset  # "Brandt and other leaders": the first person named
    for index, word in enumerate(words[1:], start=1):
        token = word.group()
        if token[:1].islower() and (
            bare(token) in AUXILIARIES or CUE.fullmatch(bare(token)) or (index >= 2 and token.endswith("ed"))
        ):
            return phrase[offset : words[index - 1].end()], at + offset
    return rest, at + offset


def _attribution(cue: str, phrase: str, at: int, start: int, end: int) -> Attribution | None:
    phrase, at = _head(phrase, at)
    kind = _np_kind(phrase)
    if not kind:
        return None
    if kind == "pronoun" and bare(phrase) in {"i", "we", "you", "it"}:
        return None  # "I said" outside a quote is the writer; "it said" is usually a document
    return Attribution(cue, phrase, at, start, end, kind)


# ---------------------------------------------------------------- resolving who spoke


def _lone(speaker: Speaker) -> bool:
    """Only a surname-like word, not known to be a person."""
    return speaker.method == "description" and " " not in speaker.name and speaker.name[:1].isupper()


def _personal(speaker: Speaker, mention: str) -> bool:
    """Could a later "he" or "she" mean this speaker? A person's name, "the official", or a lone surname."""
    if speaker.is_new_official or speaker.official_id is not None:
        return True
    if speaker.method != "description":
        return speaker.method in {"role", "follow-on", "pronoun"}
    head = bare(speaker.name.split()[-1]) if speaker.name.split() else ""
    if head in ORG_WORDS or head in NON_PERSON_HEADS:
        return False
    if mention[:1].islower():
        return True
    return " " not in speaker.name and not speaker.name.endswith("s") and not speaker.name.isupper()


class SpeakerResolver:
    """Turns a mention next to a cue into a full name, a known official or a description."""

    def __init__(self, text: str, date: datetime.date, officials: Sequence[KnownOfficial]):
        self.text = text
        self.people = ArticlePeople(text)
        self.date = date
        self.officials = list(officials)
        self.genders: dict[str, str] = {}  # normalised name -> "m"/"f", learnt from resolved pronouns
        self.history: list[tuple[int, Speaker]] = []  # (offset, speaker) of every personal attribution so far
        self.last_by_gender: dict[str, Speaker] = {}
        self.descriptions: list[tuple[int, str, Speaker]] = []  # (offset, "Ruritanian official", speaker)
        self.spoken: list[Speaker] = []
        self._by_name: dict[str, KnownOfficial] = {}
        surnames: dict[str, list[KnownOfficial]] = {}
        for official in self.officials:
            for name in (official.name, *official.aliases):
                self._by_name.setdefault(normalise(name), official)
                surnames.setdefault(surname(name.split()), []).append(official)
        self._by_surname = {key: found[0] for key, found in surnames.items() if len({o.name for o in found}) == 1}
        self.subjects = self._subjects(text)

    def _known(self, name: str) -> tuple[KnownOfficial, str] | None:
        official = self._by_name.get(normalise(name))
        if official:
            return official, "explicit" if normalise(official.name) == normalise(name) else "alias"
        tokens = name.split()
        if len(tokens) == 1 and surname(tokens) in self._by_surname:
            return self._by_surname[surname(tokens)], "surname"
        return None

    def _from_official(self, official: KnownOfficial, mention: str, method: str) -> Speaker:
        return Speaker(official.name, mention, method, official_id=official.id)

    def _subjects(self, text: str) -> list[tuple[int, Speaker]]:
        """People named as the subject of a sentence: "Mr. Brandt was more cheerful…" makes Brandt the next "he"."""
        found = []
        quote_marks = re.compile(r"''|[\"“”„«»]")
        for para in paragraphs(text):
            position = para.start
            inside = False
            while position < para.end:
                end = sentence_end(text, position, para.end)
                if end <= position:
                    break
                marks = len(quote_marks.findall(text, position, end))
                if not inside and not quote_marks.match(text, position):
                    np = _first_np(text, position, min(end, position + 120))
                    if np and re.match(r"(?:a|an)\s", np[0], re.IGNORECASE) and SPEECH_CUE.search(text, np[1], end):
                        # "A senior diplomat, speaking on condition of anonymity, said …": a later "the diplomat"
                        core = " ".join(np[0].split()[1:])
                        self.descriptions.append((np[1], core, Speaker(core, np[0], "description")))
                    if np and _np_kind(np[0]) == "name":
                        speaker = self._name(np[0], np[1])
                        if speaker and (speaker.is_new_official or speaker.official_id is not None):
                            found.append((np[1], speaker))
                inside = inside != (marks % 2 == 1)
                position = end
                while position < para.end and text[position].isspace():
                    position += 1
        return found

    def salient(self, at: int, gender: str = "", lone_names: bool = True) -> Speaker | None:
        """The person a "he" or "the Russian leader" most likely means: the latest speaker or sentence subject.
        A lone capitalised word as speaker ("Brandt", but also "Nordpress") counts when `lone_names` is set or when
        it spoke in the last sentence or two."""
        candidates = [(pos, sp) for pos, sp in self.subjects if pos < at]
        # a lone word that spoke just before ("… Brandt said. He added …") is still a fair antecedent
        candidates += [
            (pos, sp) for pos, sp in self.history if pos < at and (lone_names or not _lone(sp) or at - pos < 150)
        ]
        candidates.sort(key=lambda pair: pair[0], reverse=True)
        for _pos, speaker in candidates:
            known = self._gender(speaker, "")
            if not gender or not known or known == gender:
                return speaker
        return candidates[0][1] if candidates else None

    def resolve(self, attribution: Attribution) -> Speaker | None:
        mention, at = attribution.mention, attribution.mention_start
        if attribution.kind == "pronoun":
            return self._pronoun(mention, at)
        speaker = self._name(mention, at) if attribution.kind == "name" else self._description(mention, at)
        if speaker:
            self.remember(speaker, mention, at)
        return speaker

    def remember(self, speaker: Speaker, mention: str = "", at: int = -1) -> None:
        if not _personal(speaker, mention):
            return  # "Russians" or "the ministry" said something: a later "he" is still about the last person
        self.history.append((at, speaker))
        self.spoken.append(speaker)
        gender = self._gender(speaker, mention)
        if gender:
            self.last_by_gender[gender] = speaker

    def _gender(self, speaker: Speaker, mention: str) -> str:
        first = bare(mention.split()[0]) if mention.split() else ""
        if first in FEMALE_HONORIFICS:
            return "f"
        if first in MALE_HONORIFICS:
            return "m"
        if normalise(speaker.name) in self.genders:
            return self.genders[normalise(speaker.name)]
        for person in self.people.people:
            if normalise(person.name) == normalise(speaker.name):
                return person.gender
        return ""

    def _pronoun(self, mention: str, at: int) -> Speaker | None:
        word = bare(mention)
        gender = {"he": "m", "she": "f"}.get(word, "")
        chosen = self.salient(at, gender, lone_names=False)
        if chosen is None:
            return None
        if gender and not self._gender(chosen, ""):
            self.genders[normalise(chosen.name)] = gender  # "he said" told us: a later "she" is someone else
        return Speaker(chosen.name, mention, "pronoun", chosen.official_id, chosen.is_new_official)

    def _name(self, mention: str, at: int) -> Speaker | None:
        runs = name_runs(mention)
        if not runs:
            return self._description(mention, at)
        # "Kremlin spokesman Dmitry Peskov": the person is the run that looks like a name, else the last run
        split = [strip_title(run[2]) for run in runs]
        candidates = [(title, clean_tokens(tokens)) for title, tokens in split]
        people = [pair for pair in candidates if looks_like_person(pair[1])]
        title, tokens = people[0] if people else candidates[-1]
        honorific = any(bare(word) in HONORIFICS for word in title)
        # "Foreign Minister Karl Brandt and Anna Lindqvist": keep the first person only
        name = " ".join(tokens)
        known = self._known(name)
        if known:
            return self._from_official(known[0], mention, known[1])
        person = self.people.find(name, at)
        full = person.name if person else name
        known = self._known(full)
        if known:
            return self._from_official(known[0], mention, "surname")
        method = "surname" if person and person.name != name else "explicit"
        # "Mr. Brandt" is a person even when the article never gives his first name
        is_person = looks_like_person(full.split()) or (honorific and full[:1].isupper())
        full = repair(full)
        return Speaker(full, mention, method if is_person else "description", is_new_official=is_person)

    def _description(self, mention: str, at: int) -> Speaker | None:
        words = re.findall(r"[A-Za-z\-’']+", mention)
        article = words[0].lower() if words else ""
        core = " ".join(w for w in words if w.lower() not in {"the", "a", "an"})
        if not core:
            return None
        official = self._official_by_role(core)
        if official:
            return self._from_official(official, mention, "role")
        head = core.split()[-1].lower()
        if article == "the" and (head in ORG_WORDS or head in NON_PERSON_HEADS):
            # "the ministry": name it as the article did earlier ("Ruritania's foreign ministry"), never as a person
            earlier = list(
                re.finditer(r"\b[A-Z][\w.]*(?:'s|’s)?\s+(?:[a-z]+\s+){0,2}" + re.escape(head) + r"\b", self.text[:at])
            )
            name = earlier[-1].group() if earlier else core
            return Speaker(name, mention, "description")
        if article != "a" and article != "an":
            for position, description, speaker in sorted(self.descriptions, key=lambda d: d[0], reverse=True):
                if position < at and description.split()[-1].lower() == head:
                    return Speaker(speaker.name, mention, "description", speaker.official_id)
            person = self.people.by_description(core, at, prefer={s.name for s in self.spoken})
            if person:
                known = self._known(person.name)
                if known:
                    return self._from_official(known[0], mention, "role")
                return Speaker(person.name, mention, "role", is_new_official=True)
            chosen = self.salient(at) if article == "the" else None
            if chosen is not None:
                return Speaker(chosen.name, mention, "role", chosen.official_id, chosen.is_new_official)
        speaker = Speaker(core, mention, "description")
        self.descriptions.append((at, core, speaker))
        return speaker

    def _official_by_role(self, description: str) -> KnownOfficial | None:
        words = [w.lower() for w in re.findall(r"[A-Za-z\-]+", description)]
        words = [w for w in words if ROLE_SYNONYMS.get(w, {w}) and w not in {"of", "the"}]
        if not words:
            return None
        matches = []
        for official in self.officials:
            for position in official.positions:
                if not position.held_on(self.date):
                    continue
                vocabulary = set(re.findall(r"[a-z\-]+", f"{position.title} {position.organisation}".lower()))
                for alias in position.country_aliases:
                    vocabulary |= set(re.findall(r"[a-z\-]+", alias.lower()))
                if all(w in vocabulary or ROLE_SYNONYMS.get(w, set()) & vocabulary for w in words):
                    matches.append(official)
                    break
        return matches[0] if len({o.name for o in matches}) == 1 else None


# ---------------------------------------------------------------- the article date


def article_date(text: str, published: datetime.date) -> tuple[datetime.date, str]:
    """A dateline's day and month with the year of publication ("NEW YORK, November 11. /TASS/"), else the
    publication date. A dateline in December for a January publication belongs to the previous year."""
    for para in paragraphs(text)[:8]:
        line = text[para.start : para.end]
        match = DATELINE.match(line)
        if match:
            month = _month_number(match.group("month"))
            day = int(match.group("day"))
            try:
                date = datetime.date(published.year, month, day)
            except ValueError:
                continue
            if date > published + datetime.timedelta(days=2):
                date = date.replace(year=published.year - 1)
            return date, line[: match.end()].strip()
        match = PLACE_DATELINE.match(line)
        if match and len(match.group("place").split()) <= 4:
            return published, match.group("place").strip()
    return published, ""


def _month_number(word: str) -> int:
    names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return names.index(word[:3].lower()) + 1


# ---------------------------------------------------------------- countries, topics, duplicates


def _term_pattern(term: str) -> re.Pattern | None:
    term = term.strip()
    if not term:
        return None
    # Case-aware: "US" or "Kremlin" must match as written; an all-lower-case keyword ("sanctions") matches any case.
    flags = re.IGNORECASE if term == term.lower() else 0
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", flags)


def term_matcher(items: Iterable, terms_of) -> list[tuple[object, list[re.Pattern]]]:
    """Compile each item's name and aliases/keywords once per article."""
    compiled = []
    for item in items:
        patterns = [pattern for term in terms_of(item) if (pattern := _term_pattern(term))]
        if patterns:
            compiled.append((item, patterns))
    return compiled


def suggest(text: str, matcher: list[tuple[object, list[re.Pattern]]]) -> list:
    """Items whose name or aliases/keywords occur in the text as whole words."""
    return [item for item, patterns in matcher if any(pattern.search(text) for pattern in patterns)]


def find_duplicates(
    proposals: Sequence[Proposal], existing: Sequence[tuple[str, str]], threshold: float = 0.9
) -> list[Proposal]:
    """Mark proposals whose text is near-identical to an existing (speaker name, text) pair of the same speaker."""
    prepared = [(normalise(speaker), _words(text), text) for speaker, text in existing]
    for proposal in proposals:
        if proposal.speaker is None:
            continue
        name = normalise(proposal.speaker.name)
        words = _words(proposal.text)
        for index, (speaker, other_words, _text) in enumerate(prepared):
            if speaker != name:
                continue
            if similarity(words, other_words) >= threshold:
                proposal.duplicate_of = index
                break
    return [p for p in proposals if p.duplicate_of is not None]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def similarity(a: list[str], b: list[str]) -> float:
    """Token-level difflib ratio, or containment when one text is a shortened version of the other."""
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    matcher = difflib.SequenceMatcher(None, shorter, longer, autojunk=False)
    contained = sum(block.size for block in matcher.get_matching_blocks()) / len(shorter)
    return max(ratio, contained if len(shorter) >= 8 else 0.0)
