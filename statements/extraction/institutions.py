"""Institutions as speakers ("the Russian Foreign Ministry said", "the Kremlin said"), the documents they issue ("the
joint statement said") and the outlets that only report them ("the Nordpress news agency reported")."""

import re
from collections.abc import Callable

from .attribution import _first_np, _head, _last_np, _np_kind
from .dates import DATELINE_LEAD
from .names import NOT_NAME_WORDS, ROLE_NOUNS, bare, clean_tokens, looks_like_person, name_runs, normalise, strip_title
from .text import sentence_start
from .types import KnownOfficial, Speaker

# The word that makes a name an institution's, and the kind of Official proposed for it (the values of
# statements.models.OfficialKind; the analyst can change it on the page).
HEADS_BY_KIND = {
    "ministry": ("ministry", "department"),
    "embassy": ("embassy", "consulate", "mission"),
    "government": (
        "government", "kremlin", "cabinet", "presidency", "administration", "pentagon", "house", "parliament",
        "palace", "bank", "office", "agency", "bureau", "commission", "council", "committee", "board", "secretariat",
    ),
    "alliance": ("alliance",),
    "union": ("union",),
    "international": ("nations", "organization", "organisation", "fund"),
    "non_state": (
        "party", "campaign", "company", "corporation", "group", "movement", "institution", "institute", "foundation",
        "association",
    ),
}  # fmt: skip
INSTITUTION_HEADS = {head: kind for kind, heads in HEADS_BY_KIND.items() for head in heads}
# Words that make a speaker an outlet reporting, not a speaker: "the Nordpress news agency reported", "the paper".
OUTLET_HEADS = {
    "newspaper", "paper", "daily", "broadcaster", "channel", "network", "television", "tv", "radio", "magazine",
    "website", "outlet", "tabloid", "wire", "times", "post", "journal", "herald", "tribune", "gazette", "news",
    "telegraph",
}  # fmt: skip
PAPERS_THAT_ARE_DOCUMENTS = {"white", "position", "policy", "working", "research", "discussion", "green", "briefing"}
OUTLET_PHRASE = re.compile(r"\bnews\s+(?:agency|service|outlet|site|network|channel)\b", re.IGNORECASE)
# Cues by which an outlet tells what it found, not what someone said.
REPORT_CUES = {"reported", "reports", "reporting"}
# Nouns of documents an institution or a person issues: "the joint statement said", "the filing says".
DOCUMENT_HEADS = {
    "statement", "communique", "communiqué", "filing", "report", "letter", "declaration", "memo", "memorandum",
    "readout", "release", "resolution", "transcript", "document", "complaint", "lawsuit", "suit", "indictment",
    "ruling", "order", "note", "notice", "announcement", "study", "survey", "analysis", "paper", "post", "tweet",
    "email", "ad", "advert", "video", "website", "site", "decree", "petition", "motion", "brief", "opinion",
    "proclamation", "judgment", "judgement", "verdict",
}  # fmt: skip
# Verbs by which a document is issued: "NATO and Russia issued a joint statement", "a letter signed by …".
ISSUING = r"(?:issued|released|published|put\s+out|signed|filed|adopted|sent|posted|circulated|wrote|agreed|unveiled)"
DOCUMENT_WORDS = "|".join(sorted(DOCUMENT_HEADS, key=len, reverse=True))
# "a statement from the Kremlin", "a letter signed by Karl Brandt and Ana Pardo": the issuer named after it
_ISSUER_AFTER = re.compile(
    r"\s+(?:(?:issued|released|signed|published|sent|posted)\s+)?(?:from|by)\s+"
    r"((?:the\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of\s+|and\s+|for\s+)?(?:the\s+)?[A-Z][\w.&'’-]*)*)"
)
# Institutions named by one word.
SELF_NAMING = {"kremlin", "pentagon"}
SMALL = {"of", "the", "for", "and", "on", "&"}


def _words(mention: str) -> list[str]:
    return re.findall(r"[\w.&’'-]+", mention)


def head_word(mention: str) -> str:
    """The noun that says what a phrase names: "the Bank of Nordland" -> "bank", "Staff for the Committee" ->
    "staff", "Russia's Foreign Ministry" -> "ministry"."""
    words = _words(mention)
    lowered = [w.lower() for w in words]
    for joint in ("of", "for"):
        if joint in lowered[1:]:
            words = words[: lowered.index(joint, 1)]
            lowered = lowered[: len(words)]
    return bare(words[-1]) if words else ""


def institution_name(mention: str) -> tuple[str, str] | None:
    """(name, kind) when the words name an institution: a proper name whose head is an institution's word ("the
    Russian Foreign Ministry", "Russia's foreign ministry", "the Bank of Nordland", "the Kremlin", "the Brandt
    campaign"); None for a person, a role ("a Foreign Ministry spokesperson") or a common noun ("the ministry")."""
    if re.search(r"[a-z]{2}\.\s", mention):
        return None  # "Middle East. Although the company": two sentences
    lead = DATELINE_LEAD.match(mention)
    mention = mention[lead.end() :] if lead else mention  # "STRELSAU ― The Quill administration"
    words = _words(mention)
    if not words or words[0].lower() in {"a", "an"}:
        return None  # "a ministry official", "an embassy": nobody in particular
    while words and words[0].lower() == "the":
        words = words[1:]
    if len(words) < 2 and not (words and bare(words[0]) in SELF_NAMING):
        return None  # "Council", "Administration": a word, not a name ("the Kremlin" is one)
    lowered = [w.lower() for w in words]
    joined = lowered.index("and") if "and" in lowered else None
    if (
        joined is not None
        and not ("of" in lowered and lowered.index("of") < joined)  # "Department of Health and Social Care"
        and ("the" in lowered[joined:] or institution_name(" ".join(words[:joined])))
    ):
        return None  # "Brandt and the State Department", "the ministry and the bank": two speakers
    head = head_word(" ".join(words))
    kind = INSTITUTION_HEADS.get(head)
    if kind is None:
        return None
    if bare(words[-1]) in ROLE_NOUNS and "of" not in lowered:
        return None  # "Foreign Ministry spokesperson"
    if _ends_with_a_person(" ".join(words)):
        return None  # "Bank of Nordland Governor Karl Brandt", "Bank of Nordland governor Karl Brandt"
    # a proper name: its first word has a capital ("Russia's foreign ministry", "White House") and is no pronoun
    # or function word ("Its foreign ministry")
    if not words[0][:1].isupper() or bare(words[0]) in NOT_NAME_WORDS:
        return None
    name = " ".join(words).rstrip(".,")
    return name, kind


def _ends_with_a_person(phrase: str) -> bool:
    """A person's name after the institution's: "Bank of Nordland Governor Karl Brandt", "Bank of Nordland CEO Karl
    Brandt" (but "Department of Health and Social Care" is no person, nor is "Nordland Elections Board")."""
    runs = name_runs(phrase)
    if not runs or runs[-1][1] < len(phrase.rstrip(".,")):
        return False
    start, _, tokens = runs[-1]
    title, rest = strip_title(tokens)
    if not looks_like_person(clean_tokens(rest)):
        return False
    if title:
        return True
    before = re.search(r"(\S+)\s+$", phrase[:start])
    # the whole name is one run ("Nordland Elections Board"), or the run completes "of …" / "and …"
    return before is not None and before.group(1).lower() not in {"of", "and", "for", "the", "&"}


def is_outlet(mention: str) -> bool:
    """ "the Nordpress news agency", "the newspaper", "state television": an outlet, which reports what others say."""
    head = head_word(mention)
    if head in {"board", "desk", "editors", "staff"}:  # "the Nordland Times editorial board"
        return any(bare(word) in OUTLET_HEADS for word in _words(mention))
    if head in OUTLET_HEADS & DOCUMENT_HEADS:
        # "the Post", "the paper" report; "a Facebook post", "the white paper" are documents
        words = _words(mention)
        before = bare(words[-2]) if len(words) > 1 else ""
        return words[-1][:1].isupper() if head == "post" else before not in PAPERS_THAT_ARE_DOCUMENTS
    return bool(OUTLET_PHRASE.search(mention)) or head in OUTLET_HEADS


# The articles that open many European papers' names: "Le Monde", "El País", "La Repubblica", "Die Welt".
PAPER_ARTICLES = {"le", "la", "les", "el", "il", "lo", "die", "der", "das"}


def _paper_with_article(mention: str) -> bool:
    """ "Le Monde", "Die Welt": an article and one capitalised word, a paper's name (unless the article gives a
    person that name in full, see _ends_a_name)."""
    words = mention.split()
    return len(words) == 2 and words[0] in {a.capitalize() for a in PAPER_ARTICLES} and words[1][:1].isupper()


def is_document(mention: str) -> bool:
    """ "the joint statement", "a letter", "NATO's statement"."""
    words = _words(mention)
    return (
        bool(words)
        and (words[0].lower() in {"the", "this", "that", "its", "their", "a", "an"} or bool(possessor(mention)))
        and (head_word(mention) in DOCUMENT_HEADS)
    )


def possessor(mention: str) -> str:
    """ "NATO's statement" -> "NATO", "the ministry's statement" -> "the ministry"; "" without one."""
    match = re.match(r"(.+?)(?:'s|’s|s'|s’)\s", mention)
    return match.group(1) if match else ""


def issuer_after(text: str, end: int) -> str:
    """ "a statement from the Kremlin" -> "the Kremlin" (the words right after the document's mention at `end`)."""
    match = _ISSUER_AFTER.match(text, end)
    return match.group(1) if match else ""


def split_issuers(phrase: str) -> list[str]:
    """ "NATO and Russia" -> ["NATO", "Russia"]; "Nordland, Ruritania and Vesperia" -> three."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", phrase)
    return [part.strip() for part in parts if part.strip()]


def same_institution(mention: str, official_name: str, country_words: tuple[str, ...]) -> bool:
    """ "Russia's Foreign Ministry" or "the Foreign Ministry" of Russia = the official "Russian Foreign Ministry":
    the words left when the country's name, aliases and their possessives are taken out are the same, and the
    mention names that country or none."""
    country = {normalise(word) for word in country_words if word}
    mention_words = _without_country(mention, country)
    return bool(mention_words) and mention_words == _without_country(official_name, country)


def _without_country(phrase: str, country: set[str]) -> list[str]:
    words = normalise(phrase.replace("’s", "").replace("'s", "")).split()
    return [w for w in words if w not in country and w not in SMALL]


_BEFORE_HEAD = re.compile(r"((?:[A-Z][\w.&-]*(?:['’]s)?\s+)+(?:(?!(?:the|a|an|and|or)\s)[a-z]+\s+)?)$")
_AFTER_HEAD = re.compile(r"\s+of\s+(?:the\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*")


def fuller_mentions(text: str, head: str, end: int) -> list[tuple[int, str, str]]:
    """The institutions the article named before `end` with this head word, as (offset, name, kind): "the ministry"
    is one of them ("Russia's foreign ministry", "the Bank of Nordland")."""
    found = []
    for match in re.finditer(rf"\b{re.escape(head)}\b", text[:end], re.IGNORECASE):
        before = _BEFORE_HEAD.search(text[max(0, match.start() - 80) : match.start()])
        after = _AFTER_HEAD.match(text, match.end())
        phrase = (before.group(1) if before else "") + match.group() + (after.group() if after else "")
        institution = institution_name(phrase)
        if institution is not None:
            found.append((match.start() - (len(before.group(1)) if before else 0), *institution))
    return found


def _country_stem(word: str) -> str:
    return re.sub(r"(?:['’]s|s['’])$", "", word).lower()


def same_name(a: str, b: str) -> bool:
    """ "Ruritania's Foreign Ministry" and "the Ruritanian Foreign Ministry" are one institution; "Nordland's Foreign
    Ministry" is another: the same words, the first allowed to differ as a country's name and its adjective do."""
    first_a, *rest_a = normalise(a).split() or [""]
    first_b, *rest_b = normalise(b).split() or [""]
    if rest_a != rest_b:
        return False
    if first_a == first_b:
        return True
    stem_a, stem_b = _country_stem(first_a), _country_stem(first_b)
    shorter, longer = sorted((stem_a, stem_b), key=len)
    return len(shorter) >= 4 and longer.startswith(shorter[:-1])


def preferred_name(name: str, mentions: list[str]) -> str:
    """The article's own best form of an institution's name for a new official: written without a possessive
    ("Ruritanian Foreign Ministry" rather than "Ruritania's Foreign Ministry"), else the first."""
    same = [mention for mention in mentions if same_name(mention, name)] or [name]
    plain = [mention for mention in same if not re.search(r"['’]s\b|s['’]", mention)]
    return (plain or same)[0]


# Institutions: named in full at the cue (a known one, or one to create), completed from the article's fuller mention
# ("the ministry" -> "Russia's Foreign Ministry"; less when the article named several), or the issuer of a document
# ("the joint statement"); two issuers or more are "speaker unknown" with both as candidates.
KNOWN_INSTITUTION_CONFIDENCE = 0.95
NAMED_INSTITUTION_CONFIDENCE = 0.9
EARLIER_INSTITUTION_CONFIDENCE = 0.8
RIVAL_INSTITUTIONS_CONFIDENCE = 0.6
ISSUER_CONFIDENCE = 0.8
SEVERAL_ISSUERS_CONFIDENCE = 0.3
# An outlet reporting ("the Nordpress news agency reported") is shown, never proposed as the speaker.
OUTLET_CONFIDENCE = 0.55
# "it said" is the institution that spoke last, within this many characters, a little less sure.
IT_WINDOW = 600
IT_PENALTY = 0.1
# Methods whose confidence is set when the speaker is found.
SET_WHEN_FOUND = {"earlier", "document", "outlet"}


def without_determiner(mention: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", mention, flags=re.IGNORECASE)


def names_one(mention: str) -> bool:
    """ "the Times", "Politico", "the paper": something definite, not "An average of 10 percent" or "This"."""
    first = mention.split()[0] if mention.split() else ""
    return first.lower() == "the" or (first[:1].isupper() and bare(first) not in NOT_NAME_WORDS)


def _last_match(pattern: str, text: str) -> re.Match | None:
    matches = list(re.finditer(pattern, text))
    return matches[-1] if matches else None


class InstitutionSpeakers:
    """The part of SpeakerResolver (speakers.py) that reads institutions, documents and outlets. It uses the
    resolver's `text`, `institutions` (the known officials that are not people), `issuers` and `_name`."""

    text: str
    institutions: list[KnownOfficial]
    issuers: list[str]
    last_institution: tuple[int, Speaker] | None
    _name: Callable[[str, int], Speaker | None]

    def _not_a_person(self, mention: str, at: int) -> Speaker | None:
        """An outlet, a document or an institution, before the mention is read as a person's name or role."""
        if is_outlet(mention) or (_paper_with_article(mention) and not self._ends_a_name(mention)):
            return self._outlet(without_determiner(mention), mention)
        if is_document(mention):
            return self._document(mention, at)
        return self._institution(mention, at)

    def _ends_a_name(self, mention: str) -> bool:
        """ "Marine Le Pen" in the article: "Le Pen" is her surname, not a newspaper."""
        before = re.finditer(r"([A-Z][\w’'-]*)\s+" + re.escape(mention) + r"\b", self.text)
        return any(bare(m.group(1)) not in NOT_NAME_WORDS for m in before)

    def _it(self, mention: str, at: int) -> Speaker | None:
        """ "…," it said: the institution (or outlet) that spoke last, not far back; nobody when there is none, and
        never a person."""
        previous = self._previous_sentence_start(at)
        last = self.last_institution[1] if self.last_institution else None
        if self.last_institution is None or self.last_institution[0] < previous:
            # "The Foreign Ministry summoned the envoy. '…,' it said": the subject of the sentence before
            subject = _first_np(self.text, previous, sentence_start(self.text, at, previous))
            subject = _head(*subject) if subject else None
            found = None
            if subject and is_outlet(subject[0]):
                found = self._outlet(without_determiner(subject[0]), subject[0])
            elif subject:
                found = self._institution(*subject)
            if found is not None:
                last = found
            elif self.last_institution is None or at - self.last_institution[0] > IT_WINDOW:
                return None
        if last is None:
            return None
        return Speaker(
            last.name,
            mention,
            "pronoun" if last.is_institution else last.method,
            official_id=last.official_id,
            is_new_official=last.is_new_official,
            confidence=round(last.confidence - IT_PENALTY, 2) if last.is_institution else last.confidence,
            institution=last.institution,
        )

    def _outlet(self, name: str, mention: str) -> Speaker:
        # a report by an agency or a paper is not a statement by an official: shown, never proposed as the speaker
        return Speaker(name, mention, "outlet", confidence=OUTLET_CONFIDENCE)

    def _known_institution(self, name: str, *, exact: bool = False) -> tuple[KnownOfficial, str] | None:
        """The known institution an institution's name means: by name or alias ("the Kremlin", "NATO"), and unless
        `exact`, by the same words but its country's ("Russia's Foreign Ministry" = "Russian Foreign Ministry"), or
        a country's name or alias ("Moscow said") for the one government of that country."""
        key = normalise(name)
        if not key:
            return None
        for official in self.institutions:
            if key == normalise(official.name):
                return official, "explicit"
            if any(key == normalise(alias) for alias in official.aliases):
                return official, "alias"
        if exact:
            return None
        same = [o for o in self.institutions if same_institution(name, o.name, o.country_aliases)]
        if len(same) == 1:
            return same[0], "alias"
        governments = [
            o for o in self.institutions if o.kind == "government" and key in {normalise(w) for w in o.country_aliases}
        ]
        if len(governments) == 1:
            return governments[0], "alias"
        return None

    def _institution(self, mention: str, at: int) -> Speaker | None:
        """ "the Russian Foreign Ministry", "the Kremlin", "NATO" (when known), "the ministry" (completed to the
        article's fuller mention); None when the mention is no institution."""
        if re.match(r"(?:a|an)\s", mention, re.IGNORECASE):
            return None  # "a Foreign Ministry spokesperson", "an embassy official": a person described
        known = self._known_institution(mention, exact=True)
        named = institution_name(mention)
        method, confidence = "explicit", NAMED_INSTITUTION_CONFIDENCE
        words = mention.split()
        common = named is None and len(words) > 1 and words[0].lower() == "the" and " ".join(words[1:]).islower()
        if known is None and (named is not None or common):
            # "the ministry", "the Foreign Ministry": the institution the article named in full before
            fuller = self._fuller(named[0] if named else " ".join(words[1:]), at, any_with_head=common)
            if fuller is not None:
                named, method, confidence = fuller
            elif common:
                return None
        known = known or self._known_institution(named[0] if named else mention)
        if known:
            official, found = known
            return Speaker(
                official.name,
                mention,
                method if method == "earlier" else found,
                official_id=official.id,
                confidence=confidence if method == "earlier" else KNOWN_INSTITUTION_CONFIDENCE,
                institution=official.kind,
            )
        if named is None:
            return None
        name, kind = named
        if is_outlet(name):
            return self._outlet(name, mention)  # "the editorial board" of "the Nordland Times"
        # one new official per institution, however the article writes it ("Ruritania's Foreign Ministry")
        mentions = [found for _, found, _ in fuller_mentions(self.text, head_word(name), len(self.text))]
        name = preferred_name(name, mentions)
        return Speaker(name, mention, method, is_new_official=True, confidence=confidence, institution=kind)

    def _fuller(self, name: str, at: int, *, any_with_head: bool) -> tuple[tuple[str, str], str, float] | None:
        """The latest fuller mention before `at` of the institution `name` shortens: "Ruritania's Foreign Ministry"
        for "the Foreign Ministry" (ending in the same words) or, for a common noun ("the ministry"), any with the
        same head; less sure when the article named another institution that it could be."""
        earlier = fuller_mentions(self.text, head_word(name), at)
        if not any_with_head:
            tail = normalise(name).split()
            earlier = [e for e in earlier if len(normalise(e[1]).split()) > len(tail) > 0]
            earlier = [e for e in earlier if normalise(e[1]).split()[-len(tail) :] == tail]
        if not earlier:
            return None
        latest = earlier[-1][1:]
        rivals = [found for _, found, _ in earlier if not same_name(found, latest[0])]
        return latest, "earlier", RIVAL_INSTITUTIONS_CONFIDENCE if rivals else EARLIER_INSTITUTION_CONFIDENCE

    def _document(self, mention: str, at: int) -> Speaker | None:
        """ "the joint statement said": who issued it, when the mention ("NATO's statement", "a statement from the
        Kremlin"), its sentence or the one before names them; several issuers are candidates, not a speaker; else a
        description (never the person last named)."""
        owner = possessor(mention) or issuer_after(self.text, at + len(mention))
        phrases = split_issuers(owner) if owner else self._issuers_before(mention, at)
        issuers = [speaker for speaker in (self._issuer(phrase, at) for phrase in phrases) if speaker is not None]
        if not issuers:
            return None  # left to _description: "the joint statement" stays a description
        if len(issuers) > 1:
            self.issuers = [speaker.name for speaker in issuers]
            return Speaker(" and ".join(self.issuers), mention, "document", confidence=SEVERAL_ISSUERS_CONFIDENCE)
        issuer = issuers[0]
        confidence = ISSUER_CONFIDENCE if issuer.is_person or issuer.is_institution else 0.6
        return Speaker(
            issuer.name,
            mention,
            "document",
            official_id=issuer.official_id,
            is_new_official=issuer.is_new_official,
            confidence=confidence,
            title=issuer.title,
            institution=issuer.institution,
        )

    def _issuers_before(self, mention: str, at: int) -> list[str]:
        """Who issued the document, as the same sentence or the one before says: "NATO and Russia issued a joint
        statement", "a letter signed by Karl Brandt"."""
        start = self._previous_sentence_start(at)
        head = re.escape(head_word(mention))
        window = self.text[start:at]
        # the same document, or another word for it ("issued a joint statement … The communique said")
        document = rf"(?:{head}|{DOCUMENT_WORDS})"
        issuing = ISSUING + r"\s+(?:a|an|the|its|their|his|her)\s+(?:[\w-]+\s+){0,3}?" + document + r"\b"
        issued = _last_match(issuing, window)
        by = _last_match(document + r"\s+(?:\w+\s+){0,2}?" + ISSUING + r"\s+by\s+([^.;:!?\n]+)", window)
        if by is not None and (issued is None or by.start() > issued.start()):
            phrase = re.split(r",|\s+(?:on|in|at|last|this|after|before|that|which|who|to)\s", by.group(1))[0]
            return split_issuers(phrase.strip())
        if issued is None:
            return []
        verb = start + issued.start()
        subject = _last_np(self.text, sentence_start(self.text, verb, start), verb)
        if subject is None or _np_kind(subject[0]) == "pronoun":
            return []
        return split_issuers(subject[0])

    def _previous_sentence_start(self, at: int) -> int:
        start = sentence_start(self.text, at, self.text.rfind("\n", 0, at) + 1)
        end = start
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        if end == 0:
            return start
        return sentence_start(self.text, end - 1, self.text.rfind("\n", 0, end - 1) + 1)

    def _issuer(self, phrase: str, at: int) -> Speaker | None:
        speaker = self._institution(phrase, at)
        if speaker is not None:
            return speaker
        if re.match(r"the\s", phrase, re.IGNORECASE):
            # "a letter from the Nordic Legion": a name with "the" is an organisation's, never a person's
            return Speaker(without_determiner(phrase), phrase, "description")
        if _np_kind(phrase) == "name":
            return self._name(phrase, at)
        return None
