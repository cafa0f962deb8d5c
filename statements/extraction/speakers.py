"""Who spoke: a mention next to a cue resolved to a known official, a full name from the article, or a description."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .attribution import CUE, INTRO_WORDS, SPEECH_CUE, Attribution, _first_np, _head, _np_kind
from .dates import skip_dateline
from .first_names import gender_of_first_name, gender_of_noun
from .institutions import REPORT_CUES, SET_WHEN_FOUND, InstitutionSpeakers, names_one, without_determiner
from .names import (
    CAPITALISED_NAME,
    HONORIFICS,
    NOT_NAME_WORDS,
    ORG_WORDS,
    ROLE_NOUNS,
    ArticlePeople,
    Person,
    bare,
    clean_tokens,
    ends_in_rank,
    folded,
    gender_of_honorific,
    gender_of_title,
    headline_spans,
    is_title,
    looks_like_person,
    name_runs,
    names_a_post,
    normalise,
    repair,
    strip_title,
    surname,
)
from .text import QUOTE_MARK, paragraphs, sentence_end, sentence_start
from .types import KnownOfficial, Speaker

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
# Relatives named by a noun that tells the gender (first_names.py): "The mother said" is read like "she said".
NEAR_RELATIVES = {"father", "husband", "son", "brother", "widower", "mother", "wife", "daughter", "sister", "widow"}
# Heads of descriptions that are not people: "the ministry said" is never a later "he".
NON_PERSON_HEADS = {
    "ministry", "government", "report", "statement", "study", "paper", "newspaper", "agency", "embassy", "white",
    "memo", "document", "readout", "letter", "website", "site", "channel", "station", "poll", "survey", "analysis",
    "filing", "lawsuit", "suit", "complaint", "indictment", "ruling", "order", "resolution", "declaration",
    "communique", "release", "transcript", "ad", "advert", "email", "tweet", "post", "video", "book", "article",
}  # fmt: skip


# Confidence of a person's name by how it was found, set to the share of such names right on PolNeAR train.
METHOD_CONFIDENCE = {"explicit": 0.95, "alias": 0.95, "surname": 0.9, "role": 0.6, "signed": 0.95}
# a description matched to a person only through the article's wording, and not "the" with a post or a calling
# ("the Kremlin spokesman") but "one district GOP leader", "the boy", "the pitch": right one time in five on train
ROLE_FROM_ARTICLE_CONFIDENCE = 0.45
# A pronoun or a follow-on quote: 0.9 right on train when nobody else could be meant, less 0.05 for every other
# compatible person named just before the antecedent (a rival, two at most) and for every one named between the
# antecedent and the quote (three at most).
ANTECEDENT_CONFIDENCE = 0.9
RIVAL_PENALTY = 0.05
BETWEEN_PENALTY = 0.05
# The antecedent further back than the paragraph before (more than two line breaks): a pronoun is as sure as a near
# one with at most one such person, rivals included (0.97 right on train), but with two or more it is right 0.40 of
# the time, and a follow-on quote that far from its speaker 0.54 of the time: "speaker unknown".
CROWDED_CONFIDENCE = 0.45
# A quote opening a paragraph after a paragraph of narration that does not lead into it (no colon, no reported speech
# at its end): the narration's subject is no more its speaker than anyone else, so it is "speaker unknown".
# So is a pronoun whose gender fits nobody named near it: the person of the other gender is not proposed.
UNINTRODUCED_CONFIDENCE = 0.3
RIVAL_WINDOW = 300  # characters before the antecedent in which another person competes with it
NAMED_WINDOW = 600  # characters before a pronoun in which a person of its gender named in any role may be meant
MAX_CANDIDATES = 4
# Not names: what a clause can start with that is not its subject ("Recently", "Democratic", "March").
MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
}  # fmt: skip


@dataclass
class Choice:
    """The antecedent picked for a pronoun or a follow-on quote, with what makes it doubtful."""

    speaker: Speaker
    distance: int  # characters back to it
    paragraphs: int  # paragraph breaks between it and the quote
    rivals: list[Speaker]  # other compatible people named just before it
    clash: bool  # no compatible person: the gender did not fit
    gender: str = ""  # the pronoun's: "m", "f" or "" (none, or a follow-on quote)
    between: int = 0  # other compatible people named between it and the quote
    unintroduced: bool = False  # a follow-on quote opening a paragraph after narration that does not lead into it


def description_confidence(speaker: Speaker) -> float:
    """A description is shown, not proposed as a person: "the ministry" stays, junk ("Recently", "Republican",
    "March") becomes "speaker unknown"."""
    words = speaker.name.split()
    if not words:
        return 0.0
    if len(words) == 1 and speaker.mention[:1].isupper():
        word = bare(words[0])
        if word in MONTHS or word in NOT_NAME_WORDS or word.endswith("ly") or _is_adjective(word):
            return 0.1
        return 0.55  # a lone capitalised word: a surname the article never expands, or an outlet
    return 0.6


def _is_adjective(word: str) -> bool:
    """ "Republican", "Democratic", "Norwegian", "Florida-based": a modifier, never a speaker on its own."""
    return word.endswith(("ic", "-based", "ican", "ian", "ese", "ish")) and not word.endswith("ics")


def _lone(speaker: Speaker) -> bool:
    """Only a surname-like word, not known to be a person."""
    return speaker.method == "description" and " " not in speaker.name and speaker.name[:1].isupper()


def _personal(speaker: Speaker, mention: str) -> bool:
    """Could a later "he" or "she" mean this speaker? A person's name, "the official", or a lone surname."""
    if speaker.is_person:
        return True
    if speaker.is_institution or speaker.method != "description":
        return speaker.method in {"role", "follow-on", "pronoun"}
    head = bare(speaker.name.split()[-1]) if speaker.name.split() else ""
    if head in ORG_WORDS or head in NON_PERSON_HEADS:
        return False
    if mention[:1].islower():
        return True
    return " " not in speaker.name and not speaker.name.endswith("s") and not speaker.name.isupper()


# A company's or a group's chief, written as an acronym: "Nordland Action CEO Ana Pardo".
EXECUTIVE_ACRONYMS = {"ceo", "cfo", "coo", "cto"}


def _role_between(before: str, words: str) -> bool:
    """What joins an employer, a patron or a place to a person: "DoubleLine Capital portfolio manager Bonnie Baha",
    "Clinton's top foreign policy aide Jake Sullivan", "American Action Forum's Douglas Holtz-Eakin", "Port Nord
    director of Amnesty International Man-kei Tam" (the role's complement written before the name)."""
    tokens = words.split()
    if before.rstrip().endswith(("'s", "’s")):
        # "Saudi Arabia's Crown Prince Mohammed bin Salman": a place's or a body's possessive before a titled name
        return not tokens or (len(tokens) <= 6 and all(t.islower() for t in tokens) and names_a_post(tokens[-1]))
    if tokens[:1] == ["&"]:  # "Nordland Farmers & Growers Council CEO Ana Pardo": the employer's name goes on
        tokens = tokens[1:]
        while len(tokens) > 1 and tokens[0][:1].isupper() and bare(tokens[0]) not in EXECUTIVE_ACRONYMS:
            tokens = tokens[1:]
        words = " ".join(tokens)
    role = re.split(r"\s(?:of|at|for)\s", f" {words} ")[0].split()
    # an executive's acronym is written in capitals: "Nordland Action CEO Ana Pardo"
    lower = all(t.islower() or bare(t) in EXECUTIVE_ACRONYMS for t in tokens)
    return 0 < len(role) <= 4 and len(tokens) <= 8 and lower and bare(role[-1]) in ROLE_NOUNS | EXECUTIVE_ACRONYMS


def _complement_before_titled(before: str, title: list[str]) -> bool:
    """ "Chairman of the Joint Chiefs of Staff General Ana Pardo": capitals after a post's "of" name its body, and the
    person is the name after the next title written in capitals."""
    return (
        bool(title)
        and title[-1][:1].isupper()
        and names_a_post(title[-1])
        and bool(re.search(r"\b(?:of|for)(?:\s+the)?\s*$", before))
    )


def _role_before_appositive(text: str, start: int, end: int) -> list[str]:
    """ "Turkey's foreign minister, Mevlüt Çavuşoğlu, said", "said the UK's Foreign Secretary, Karl Brandt.": the place
    and the role set off before the name at text[start:end], when the name is in apposition to them (a comma or the
    clause's end follows it); [] when there are none."""
    if not re.search(r",\s*$", text[max(0, start - 3) : start]) or not re.match(r"\s*(?:[,.;]|$)", text[end:]):
        return []
    words = text[max(0, start - 120) : start].rstrip(" ,").split()
    role: list[str] = []
    while words and len(role) < 6:
        word = words.pop()
        if not re.fullmatch(r"[\w'’.-]+", word) or bare(word) in NOT_NAME_WORDS or CUE.fullmatch(word):
            break  # "…," said | the | "On Monday," | a quotation mark
        role.insert(0, word)
    if not role or not names_a_post(role[-1]):
        return []
    return role


# Posts whose complement is a place or a body, not an employer: "the ambassador to Nordland", "the envoy of …".
_POSTS_OF_A_PLACE = {"ambassador", "envoy", "minister", "secretary", "president", "governor", "consul", "commissioner"}


def _works_for(mention: str, run: tuple[int, int, list[str]]) -> bool:
    """ "a spokesman for Karl Brandt", "an aide to Brandt", "Karl Brandt's lawyer": the name is of whom the speaker
    works for or belongs to, and the speaker is someone the mention does not name."""
    before = mention[: run[0]].split()
    # (not a post's place: "the ambassador to Nordland Karl Brandt"; nor a body's name run into the person's:
    # "director of Amnesty International Man-kei Tam")
    if (
        len(before) >= 2
        and bare(before[0]) in {"a", "an", "the", "one"}
        and before[-1] in {"for", "to", "of", "with"}
        and before[-2].islower()
        and bare(before[-2]) not in _POSTS_OF_A_PLACE
        and looks_like_person(clean_tokens(strip_title(run[2])[1]))
        and not mention[run[1] :].strip()
    ):
        return True
    possessive = bool(run[2]) and re.search(r"(?:'s|’s)$", run[2][-1]) is not None
    return possessive and re.match(r"\s+[a-z]", mention[run[1] :]) is not None


# A verb and "that": reported content, even with a verb the cue table lacks ("Brandt was quick to add that …",
# "Brandt speculated that …"), leads into the quote paragraph that follows.
_REPORTED = re.compile(r"\b(?:[a-z]+ed|[a-z]{3,}s|add|say)\s+that\s")
# A name of one to four capitalised words that ends at a comma, a bracket or the sentence's end.
_NAME_BEFORE_BREAK = re.compile(rf"{CAPITALISED_NAME}(?=\s*(?:[,;(]|\.?$))")
# who or where an introductory phrase is about, before its own comma ("At the club, where …, Brandt said")
RELATIVE_WORDS = {"where", "when", "which", "who", "whose"}
_CAPITALS_BEFORE_COMMA = re.compile(r"([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)\s*,")
# a short phrase in lower case before the first comma: an adverbial, not the subject ("Just a few months ago, …",
# "Two days later, …")
_ADVERBIAL = re.compile(r"[A-Z][a-z]*(?:\s+[a-z0-9][\w-]*){1,5},\s+")
_PRONOUN_AFTER_APPOSITIVE = re.compile(r"[A-Z][^,.;:]{0,60},[^,.;:]{1,60},\s+(?:he|she|they|we|I)\b")
# "is"/"was" after a comma or after "there …": a verb before its subject (the name that follows); not after "he
# said," ("The problem, he said, was Brandt": the subject is before)
_INVERTED = re.compile(r"(?:(?<!said)(?<!says),\s*|\bthere\b[^,.;:“”\"]{0,40}?\s)(?:is|was)\s+(?=[A-Z])")
# A person said to speak later in a sentence than its subject: "Duda said …, while Interior Minister Lou Brandt
# wrote he had …", "… the most able candidate, Grayson argues." (the latest speaker is the next "he")
_NAME_BEFORE_SPEECH = re.compile(
    rf"(?<![\w’'.-])({CAPITALISED_NAME})\s+(?:also\s+)?"
    r"(?:said|says|wrote|writes|told|tells|added|adds|argued|argues|noted|notes|tweeted)\b"
)
# "Matthews, Alex Seitz-Wald and Reuters' Ana Pardo argued": the last of several subjects, after "and"
_LAST_OF_A_LIST = re.compile(r"(?<!,)\s(?:and|or|&)\s+(?:[A-Z][\w.-]*[’']s?\s+)?$")
# "According to Brandt, …" opening a sentence: Brandt is what the sentence reports, and the next "he"
_ACCORDING_TO = re.compile(rf"[Aa]ccording\s+to\s+({CAPITALISED_NAME})\s*,")


# A byline: "By Lou Grayson", "By Lou Grayson and Ana Pardo, Nordpress", "Lou Grayson | Nordpress".
_BYLINE_NAMES = r"[A-Z][\w.’'-]*(?:\s+(?:and\s+)?[A-Z][\w.’'-]*){1,6}"
BYLINE = re.compile(rf"By\s+{_BYLINE_NAMES}(?:\s*,\s*[A-Z][\w ]{{1,40}})?|{_BYLINE_NAMES}\s*\|\s*[A-Z][\w ]{{1,40}}")


class SpeakerResolver(InstitutionSpeakers):
    """Turns a mention next to a cue into a full name, a known official or a description."""

    def __init__(self, text: str, date: datetime.date, officials: Sequence[KnownOfficial]):
        self.text = text
        self.people = ArticlePeople(text)
        self.date = date
        self.officials = [official for official in officials if not official.is_institution]
        self.institutions = [official for official in officials if official.is_institution]
        self.issuers: list[str] = []  # the several issuers of the last document resolved: candidates, not a speaker
        self.last_institution: tuple[int, Speaker] | None = None  # (offset, speaker): what a later "it said" means
        self.genders: dict[str, str] = {}  # normalised name -> "m"/"f", learnt from resolved pronouns
        self.history: list[tuple[int, Speaker]] = []  # (offset, speaker) of every personal attribution so far
        self.last_by_gender: dict[str, Speaker] = {}
        self.descriptions: list[tuple[int, str, Speaker]] = []  # (offset, "Ruritanian official", speaker)
        self.spoken: list[Speaker] = []
        self._by_name: dict[str, KnownOfficial] = {}  # people only: an institution is never a person
        surnames: dict[str, list[KnownOfficial]] = {}
        for official in self.officials:
            for name in (official.name, *official.aliases):
                self._by_name.setdefault(normalise(name), official)
                surnames.setdefault(surname(name.split()), []).append(official)
        self._by_surname = {key: found[0] for key, found in surnames.items() if len({o.name for o in found}) == 1}
        self.subjects = self._subjects(text)
        self.paragraphs = paragraphs(text)
        self.choice: Choice | None = None

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
        headlines = headline_spans(text)
        for para in paragraphs(text):
            if any(a <= para.start < b for a, b in headlines):
                continue  # "Schlafly's Final Column Explains Why She Sees Reagan-like Qualities In Trump"
            if BYLINE.fullmatch(text, para.start, para.end):
                continue  # "By Lou Grayson": the writer, not a sentence about him
            # "STRELSAU (Nordpress) — Ruritanian President Mehmet Yildiroglu said …": the subject is after the dateline
            position = skip_dateline(text, para.start, para.end)[0]
            inside = False
            while position < para.end:
                end = sentence_end(text, position, para.end)
                if end <= position:
                    break
                marks = len(QUOTE_MARK.findall(text, position, end))
                if not inside and not QUOTE_MARK.match(text, position):
                    np = _first_np(text, position, min(end, position + 120))
                    np = _head(*np) if np else None
                    if np and re.match(r"(?:a|an)\s", np[0], re.IGNORECASE) and SPEECH_CUE.search(text, np[1], end):
                        # "A senior diplomat, speaking on condition of anonymity, said …": a later "the diplomat"
                        core = " ".join(np[0].split()[1:])
                        self.descriptions.append((np[1], core, Speaker(core, np[0], "description")))
                    for at, speaker in self._sentence_people(text, position, end, np):
                        found.append((at, speaker))
                inside = inside != (marks % 2 == 1)
                position = end
                while position < para.end and text[position].isspace():
                    position += 1
        return found

    def _sentence_people(self, text: str, start: int, end: int, np: tuple[str, int] | None):
        """The person a sentence is about: its subject ("The Washington Post columnist Ruth Marcus has …", also
        after several introductory phrases: "At a rally in Portland, Maine, on Thursday, Trump said …"), and anyone
        named right after a speech verb ("…, said Alan Abramowitz, a demographer")."""
        subject = self._person(np)
        if subject is None and np is None:
            # a subject too long for a noun phrase next to a cue: its head is where the verb starts
            subject = self._person(_head(text[start : min(end, start + 120)], start))
        if subject is None:
            # introductory phrases, each ended by a comma: the subject starts after one of them
            commas = [m.end() for m in re.finditer(r",\s+", text[start : min(end, start + 200)])][:3]
            first = re.match(r"\s*([A-Za-z]+)", text[start:end])
            if first and (
                first.group(1).lower() in INTRO_WORDS
                or first.group(1).endswith("ing")
                or (commas and _ADVERBIAL.fullmatch(text, start, start + commas[0]))
            ):
                for comma in commas:
                    word = re.match(r"[A-Za-z]+", text[start + comma : end])
                    if word and word.group().islower():
                        if word.group() in INTRO_WORDS | RELATIVE_WORDS:
                            # "…, on Thursday, Karl Brandt said", "At the club, where …, Karl Brandt said": one
                            # more introductory phrase
                            continue
                        break  # "At 29, she still lives …": the subject is a pronoun or a common noun
                    place = _CAPITALS_BEFORE_COMMA.match(text, start + comma, end)
                    if place and self.people.find(place.group(1), start + comma) is None:
                        continue  # "Speaking in Salem, New Hampshire, Brandt said": a place ends the phrase
                    if _PRONOUN_AFTER_APPOSITIVE.match(text, start + comma, end):
                        break  # "Along with her husband, Karl Brandt, a banker, she gave …": the subject is she
                    subject = self._person(_head(text[start + comma : min(end, start + comma + 120)], start + comma))
                    if subject is not None:
                        break
        if subject is not None:
            yield subject
        according = _ACCORDING_TO.match(text, start, end)
        if subject is None and according:
            person = self._person((according.group(1), according.start(1)))
            if person is not None:
                yield person
        for said in _NAME_BEFORE_SPEECH.finditer(text, start, end):
            at = said.start(1)
            if (subject is not None and at <= subject[0]) or len(QUOTE_MARK.findall(text, start, at)) % 2:
                continue  # the subject itself, or words inside a quote
            if _LAST_OF_A_LIST.search(text, max(start, at - 40), at):
                continue  # "Matthews, Alex Seitz-Wald and Reuters' Ana Pardo argued": one of several subjects
            person = self._person((said.group(1), at))
            if person is not None:
                yield person
        # "Across town, knocking on doors, is Lou Grayson, …", "Yet there in the back was Grayson": the subject comes
        # after its verb, and the sentence is about that person as much as any subject before
        inverted = [start + verb.end() for verb in _INVERTED.finditer(text[start:end])]
        # "…, said Alan Abramowitz, a demographer" but not "…, said Hillary Clinton should be ready"
        spoke = [
            start + cue.end()
            for cue in re.finditer(r"[,’”\"']\s*(?:said|says|added|wrote)\s+(?=[A-Z])", text[start:end])
        ]
        for at in inverted + spoke:
            name = _NAME_BEFORE_BREAK.match(text[at:end])
            if name and _np_kind(name.group()) == "name":
                speaker = self._name(name.group().rstrip("."), at)
                if speaker and (speaker.is_new_official or speaker.official_id is not None):
                    yield at, speaker

    def _person(self, np: tuple[str, int] | None) -> tuple[int, Speaker] | None:
        if not np or _np_kind(np[0]) != "name":
            return None
        speaker = self._name(np[0], np[1])
        if speaker and (speaker.is_new_official or speaker.official_id is not None):
            return np[1], speaker
        return None

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
        self.choice = None
        for index, (pos, speaker) in enumerate(candidates):
            known = self._gender(speaker, "")
            if gender and known != gender:
                namesake = self._namesake(speaker, gender)
                if namesake is not None or known:
                    speaker, known = namesake, gender
            if speaker and (not gender or not known or known == gender):
                self._remember_choice(at, pos, speaker, candidates[index + 1 :], gender)
                return speaker
        # no speaker or subject of the pronoun's gender: "Brandt met Ana Pardo. … she said" is the one woman named
        # near it in any role; with none or several, "speaker unknown" (below)
        named = self._named_near(at, gender) if gender else []
        if len(named) == 1:
            self._remember_choice(at, named[0][0], named[0][1], [], gender)
            return named[0][1]
        if candidates:
            self._remember_choice(at, candidates[0][0], candidates[0][1], candidates[1:], gender, clash=True)
        return candidates[0][1] if candidates else None

    def _named_near(self, at: int, gender: str) -> list[tuple[int, Speaker]]:
        """The people of `gender` named in the NAMED_WINDOW characters before `at`, as a subject, an object or
        anything else, each with its latest mention (by the last word of the name)."""
        start = max(0, at - NAMED_WINDOW)
        found = []
        for person in self.people.people:
            last = person.name.split()[-1]
            mentions = list(re.finditer(rf"(?<![\w-]){re.escape(last)}(?![\w-])", self.text[start:at]))
            if person.gender != gender or not mentions:
                continue
            known = self._known(person.name)
            if known:
                speaker = self._from_official(known[0], person.name, known[1])
            else:
                speaker = Speaker(person.name, person.name, "explicit", is_new_official=True)
            found.append((start + mentions[-1].start(), speaker))
        return found

    def follow_on(self, at: int) -> Speaker | None:
        """Who goes on talking in a quote with no attribution of its own at `at`: the latest speaker or sentence
        subject, as for a pronoun, but doubtful when the quote opens a paragraph that the narration before it does not
        lead into ("Sanders voted for the bill." then a quote by someone else; not "He said:")."""
        speaker = self.salient(at)
        if self.choice is not None:
            self.choice.unintroduced = self._after_narration(at)
        return speaker

    def _after_narration(self, at: int) -> bool:
        """Does the quote at `at` open a paragraph after narration that does not lead into it? A paragraph with a quote
        leads in, and so does narration ending with a colon or ending with reported speech ("Carter said that …")."""
        index = next((i for i, para in enumerate(self.paragraphs) if para.start <= at <= para.end), None)
        if not index or self.text[self.paragraphs[index].start : at].strip():
            return False
        before = self.paragraphs[index - 1]
        previous = self.text[before.start : before.end]
        if QUOTE_MARK.search(previous) or previous.endswith(":"):
            return False
        # reported speech leads into the quote too: "Carter said that the U.S. would stay." then Carter's words
        last = self.text[sentence_start(self.text, before.end - 1, before.start) : before.end]
        return CUE.search(last) is None and _REPORTED.search(last) is None

    def _namesake(self, speaker: Speaker, gender: str) -> Speaker | None:
        """ "Clinton said …" taken for Bill Clinton (or "Woods" for Ty Woods, whose first name says nothing), then "she
        added": the article's one person of that surname and of the pronoun's gender, unless the mention gave the
        first name."""
        words = normalise(speaker.name).split()
        if len(words) < 2 or words[0] in normalise(speaker.mention).split():
            return None
        others = [
            person
            for person in self.people.people
            if normalise(person.name).split()[-1:] == words[-1:] and person.gender == gender
        ]
        if len({normalise(person.name) for person in others}) != 1:
            return None
        known = self._known(others[0].name)
        if known:
            return self._from_official(known[0], speaker.mention, speaker.method)
        return Speaker(others[0].name, speaker.mention, speaker.method, is_new_official=True)

    def _remember_choice(self, at, pos, speaker, older, gender, clash=False) -> None:
        """What the confidence needs: how far back the antecedent is, and who else was named near it."""
        rivals = []
        for other_pos, other in older:
            if pos - other_pos > RIVAL_WINDOW:
                break
            known = self._gender(other, "")
            seen = {normalise(r.name) for r in rivals} | {normalise(speaker.name)}
            if normalise(other.name) not in seen and (not gender or not known or known == gender):
                rivals.append(other)
        between = self._named_between(pos, at, gender, speaker)
        self.choice = Choice(
            speaker, at - pos, self._paragraphs_between(pos, at), rivals, clash, gender=gender, between=between
        )

    def _named_between(self, start: int, end: int, gender: str, speaker: Speaker) -> int:
        """How many people other than `speaker`, and not of the other gender, the text names in text[start:end] (by
        the last word of the name): "Brandt met Lou Grayson and Ana Pardo. … he said", meaning Brandt, has one,
        Grayson (Ana Pardo is a "she")."""
        others = {
            normalise(person.name)
            for person in self.people.people
            if normalise(person.name) != normalise(speaker.name)
            and (not gender or not person.gender or person.gender == gender)
            and re.search(rf"(?<![\w-]){re.escape(person.name.split()[-1])}(?![\w-])", self.text[start:end])
        }
        return len(others)

    def _paragraphs_between(self, start: int, end: int) -> int:
        return self.text.count("\n", max(start, 0), end)

    def candidates(self, at: int) -> list[str]:
        """The people an analyst may choose from when the speaker is unknown: recent speakers and subjects."""
        found = [(pos, sp) for pos, sp in [*self.subjects, *self.history] if pos < at and sp.is_person]
        names: list[str] = []
        for _pos, speaker in sorted(found, key=lambda pair: pair[0], reverse=True):
            if speaker.name not in names:
                names.append(speaker.name)
        # then anyone else named before it, the nearest first
        for person in sorted(self.people.people, key=lambda p: p.start, reverse=True):
            if person.start < at and person.name not in names:
                names.append(person.name)
        return names[:MAX_CANDIDATES]

    def gender_first(self, names: list[str]) -> list[str]:
        """When the pronoun just resolved fitted nobody ("Brandt met Ana Pardo and Sarah Quill. … she said"), the
        people of its gender come first among the candidates, before the person of the other gender it rejected.
        (People whose gender the article does not tell keep their place: many are no people, "Palo Alto".)"""
        choice = self.choice
        if choice is None or not choice.clash or not choice.gender:
            return names
        fitting = [name for name in names if self._name_gender(name) == choice.gender]
        return fitting + [name for name in names if name not in fitting]

    def confidence(self, speaker: Speaker) -> float:
        """How likely the speaker is right, from how it was found (measured on PolNeAR's train part)."""
        if speaker.is_institution or speaker.method in SET_WHEN_FOUND:
            return speaker.confidence
        if not speaker.is_person:
            return description_confidence(speaker)
        if speaker.method in {"pronoun", "follow-on"} and self.choice is not None:
            choice = self.choice
            rivals, between = min(len(choice.rivals), 2), min(choice.between, 3)
            base = ANTECEDENT_CONFIDENCE - RIVAL_PENALTY * rivals - BETWEEN_PENALTY * between
            if choice.paragraphs > 2 and (rivals + between >= 2 or speaker.method == "follow-on"):
                base = min(base, CROWDED_CONFIDENCE)
            if choice.unintroduced or choice.clash:
                base = min(base, UNINTRODUCED_CONFIDENCE)
            return round(max(base, 0.05), 2)
        if speaker.method == "role" and speaker.official_id is None:
            words = speaker.mention.split()
            if not (words and words[0].lower() == "the" and bare(words[-1]) in ROLE_NOUNS):
                return ROLE_FROM_ARTICLE_CONFIDENCE
        return METHOD_CONFIDENCE.get(speaker.method, 0.5)

    def resolve(self, attribution: Attribution) -> Speaker | None:
        mention, at = attribution.mention, attribution.mention_start
        self.issuers = []
        if attribution.kind == "pronoun" and bare(mention) == "it":
            return self._it(mention, at)  # "…," it said: the institution that spoke last, never a person
        if attribution.kind == "pronoun":
            return self._pronoun(mention, at)
        speaker = self._not_a_person(mention, at)
        if speaker is None:
            if attribution.kind == "name":
                speaker = self._post_named_before(mention, at) or self._name(mention, at)
                if (
                    attribution.transcript_label
                    and speaker
                    and speaker.method == "description"
                    and " " not in speaker.name
                    and re.search(rf"(?<![\w-]){re.escape(speaker.name)}(?![\w-])", self.text)
                ):
                    # "SECRETARY BRANDT:" in a transcript that never gives his first name but writes "Brandt" in
                    # running text ("Q Secretary Brandt, …"): the label names a person. A surname written only in
                    # labels may be the page's slip ("MAYORAKAS") and stays a description.
                    speaker = replace(speaker, method="explicit", is_new_official=True)
            elif attribution.kind == "post":
                speaker = self._post_holder(mention, attribution.holder)
            else:
                speaker = self._description(mention, at, anonymous=attribution.anonymous)
        if speaker and attribution.cue in REPORT_CUES and speaker.method == "description" and names_one(mention):
            speaker = self._outlet(without_determiner(mention), mention)  # "…," Politico reported
        if speaker and speaker.method == "description" and attribution.cue.endswith("ing"):
            # "Hours later, Trump returned the compliment, telling Reuters, "…"", "At an event in Ames, Iowa, on
            # Sunday, Mrs. Clinton …, saying …": a participle's speaker is its sentence's subject, found past
            # introductory phrases, not a place or a time before them
            speaker = self._subject_of_sentence(at) or speaker
        if speaker:
            self.remember(speaker, mention, at)
            if speaker.is_institution or speaker.method == "outlet":
                self.last_institution = (at, speaker)
        return speaker

    def _post_named_before(self, mention: str, at: int) -> Speaker | None:
        """ "As the Vice President noted, …": a post in capitals after "the" is the one person the text named before
        with exactly that post as a title ("Vice President Kamala Harris"; not "President" for a vice president);
        None when it names nobody or several so."""
        words = mention.split()
        if len(words) < 2 or words[0].lower() != "the" or not all(is_title(word) for word in words[1:]):
            return None
        holders = {}
        post = r"\s+".join(re.escape(word) for word in words[1:])
        titled_name = rf"(?<![\w.’'-]){post}\s+([A-Z](?:\.|[\w’'-]*)(?:\s+[A-Z](?:\.|[\w’'-]*)){{0,3}})"
        for titled in re.finditer(titled_name, self.text[:at]):
            before = self.text[max(0, titled.start() - 40) : titled.start()].split()
            if before and is_title(before[-1]):
                continue  # "Vice President Harris" holds no post "President"
            person = self.people.find(" ".join(strip_title(titled.group(1).split())[1]), titled.end())
            if person is not None:
                holders[normalise(person.name)] = person
        if len(holders) != 1:
            return None
        return self._by_role(next(iter(holders.values())), mention)

    def _by_role(self, person: Person, mention: str) -> Speaker:
        """The person a post or a description refers back to, as a role: a known official's entry when there is one."""
        known = self._known(person.name)
        if known:
            return self._from_official(known[0], mention, "role")
        return Speaker(person.name, mention, "role", is_new_official=True)

    def _subject_of_sentence(self, at: int) -> Speaker | None:
        """The person the sentence holding `at` is about, as a subject (the first one found in it), if any."""
        start = sentence_start(self.text, at, self.text.rfind("\n", 0, at) + 1)
        end = sentence_end(self.text, at, len(self.text))
        found = [speaker for position, speaker in self.subjects if start <= position < end]
        return found[0] if found else None

    def remember(self, speaker: Speaker, mention: str = "", at: int = -1) -> None:
        if not _personal(speaker, mention):
            return  # "Russians" or "the ministry" said something: a later "he" is still about the last person
        self.history.append((at, speaker))
        self.spoken.append(speaker)
        gender = self._gender(speaker, mention)
        if gender:
            self.last_by_gender[gender] = speaker

    def _gender(self, speaker: Speaker, mention: str) -> str:
        words = mention.split()
        return (gender_of_honorific(words[0]) if words else "") or self._name_gender(speaker.name)

    def _name_gender(self, name: str) -> str:
        """What the article says of the person's gender: a pronoun that went to them, an honorific, a first name."""
        if normalise(name) in self.genders:
            return self.genders[normalise(name)]
        for person in self.people.people:
            if normalise(person.name) == normalise(name):
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
        people = [
            index
            for index, pair in enumerate(candidates)
            if looks_like_person(pair[1]) and not ends_in_rank(runs[index][2])
        ]
        chosen = people[0] if people else len(candidates) - 1
        for later in people[1:]:
            # "DoubleLine Capital portfolio manager Bonnie Baha": a role between two names makes the first its modifier,
            # also when the role's noun is written as a title ("Brandt campaign Chairman Lou Grayson")
            between = mention[runs[chosen][1] : runs[later][0]] + " " + " ".join(candidates[later][0]).lower()
            if _role_between(mention[: runs[chosen][1]], between.strip()) or _complement_before_titled(
                mention[: runs[chosen][0]], candidates[later][0]
            ):
                chosen = later
        if _works_for(mention, runs[chosen]):
            return Speaker(without_determiner(mention), mention, "description")
        title, tokens = candidates[chosen]
        honorific = any(bare(word) in HONORIFICS for word in title)
        # "Ruritanian Foreign Ministry spokeswoman Ana Pardo", "Hong Kong leader Carrie Lam", "Nordland's Foreign
        # Secretary Karl Brandt": the place and the role written before the name are its title (offered as a post)
        before = mention[: runs[chosen][0]].split()
        while before and before[0].lower() in {"the", "a", "an", "his", "her", "their", "its"}:
            before = before[1:]
        # (not "a spokesman for Karl Brandt": a role of someone else; not "a protester using the pseudonym Katya")
        role = before + title
        clause = any((w.islower() and w.endswith("ing")) or bare(w) in {"who", "which", "that"} for w in before)
        if before and not clause and len(role) <= 8 and any(names_a_post(w) for w in role):
            title = role if bare(role[-1]) not in {"for", "of", "to", "at", "by", "with", "from"} else title
        if not before and not title:
            title = _role_before_appositive(self.text, at, at + len(mention))
        # "Foreign Minister Karl Brandt and Anna Lindqvist": keep the first person only
        name = " ".join(tokens)
        known = self._known(name)
        if known:
            return self._from_official(known[0], mention, known[1])
        person = self.people.find(name, at, gender_of_title(title))
        full = person.name if person else name
        known = self._known(full)
        if known:
            return self._from_official(known[0], mention, "surname")
        method = "surname" if person and person.name != name else "explicit"
        place = self.people.complements.get(normalise(name), [])
        if place:  # "Ambassador to Ruritania Mara Quill": the place is the title's, the name is written in full
            title, method = mention[: mention.rfind(full.split()[0])].split(), "explicit"
        # "Mr. Brandt" is a person even when the article never gives his first name
        is_person = looks_like_person(full.split()) or (honorific and full[:1].isupper())
        is_person = is_person or normalise(full) in self.people.honoured  # "Judge Durham Hall QC"
        # "Erdoğan said", the article never giving a first name but writing "President Erdoğan" elsewhere
        is_person = is_person or (" " not in full and folded(full) in self.people.titled)
        # "his wife, Jane,", "Bob said": a common first name alone is a person even when no surname follows
        is_person = is_person or (" " not in full and full[:1].isupper() and gender_of_first_name(bare(full)) != "")
        full = repair(full)
        return Speaker(
            full, mention, method if is_person else "description", is_new_official=is_person, title=" ".join(title)
        )

    def _description(self, mention: str, at: int, *, anonymous: bool = False) -> Speaker | None:
        """A description: an organisation's ("the ministry"), a person's the article named ("the Kremlin spokesman"),
        or a description kept as it is, which an `anonymous` one always is ("the official, who was not named")."""
        words = re.findall(r"[A-Za-z\-’']+", mention)
        article = words[0].lower() if words else ""
        core = " ".join(w for w in words if w.lower() not in {"the", "a", "an"})
        if not core:
            return None
        official = self._official_by_role(core)
        if official:
            return self._from_official(official, mention, "role")
        head = core.split()[-1].lower()
        # a gerund ("the filing", "the briefing") names a document or an event, never a person
        if article == "the" and (head in ORG_WORDS or head in NON_PERSON_HEADS or head.endswith("ing")):
            # "the ministry": name it as the article did earlier ("Ruritania's foreign ministry"), never as a person
            earlier = list(
                re.finditer(r"\b[A-Z][\w.]*(?:'s|’s)?\s+(?:[a-z]+\s+){0,2}" + re.escape(head) + r"\b", self.text[:at])
            )
            name = earlier[-1].group() if earlier else core
            return Speaker(name, mention, "description")
        if article == "the" and core.lower() in NEAR_RELATIVES:
            relative = self._relative(mention, at, gender_of_noun(core))
            if relative is not None:
                return relative
        if article != "a" and article != "an" and not anonymous:
            for position, description, speaker in sorted(self.descriptions, key=lambda d: d[0], reverse=True):
                if position < at and description.split()[-1].lower() == head:
                    return Speaker(speaker.name, mention, "description", speaker.official_id)
            person = self.people.by_description(core, at, prefer={s.name for s in self.spoken})
            if person:
                return self._by_role(person, mention)
            chosen = self.salient(at) if article == "the" else None
            if chosen is not None:
                return Speaker(chosen.name, mention, "role", chosen.official_id, chosen.is_new_official)
        speaker = Speaker(core, mention, "description")
        self.descriptions.append((at, core, speaker))
        return speaker

    def _post_holder(self, mention: str, name: str) -> Speaker:
        """ "THE PRESIDENT:" under "Remarks by President Biden …": the known official holding the post on the date,
        else the known official the page's name is, else that name as the page writes it ("Biden"), never completed
        to a namesake the text names in full ("Hunter Biden"); the post as a description when the page names
        nobody with it (not a person named with another post, "Vice President Harris")."""
        post = without_determiner(mention)
        official = self._official_by_role(post)
        if official:
            return self._from_official(official, mention, "role")
        if not name:
            return Speaker(post, mention, "description")
        known = self._known(name)
        if known:
            return self._from_official(known[0], mention, known[1])
        return Speaker(name, mention, "explicit", is_new_official=True, title=post)

    def _relative(self, mention: str, at: int, gender: str) -> Speaker | None:
        """ "The father said", "The mother said": a noun that tells the gender is read like "he" or "she" — the latest
        person of that gender who spoke or was a subject, or that person's namesake of that gender ("David Turpin" …
        "The mother said" is Louise Turpin), with a pronoun's confidence; None when no one fits."""
        chosen = self.salient(at, gender, lone_names=False)
        if chosen is None or self.choice is None or self.choice.clash:
            return None
        return Speaker(chosen.name, mention, "pronoun", chosen.official_id, chosen.is_new_official)

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
