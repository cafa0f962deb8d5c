"""People in an article: spotting names, stripping titles, and resolving surnames and descriptions to full names."""

import re
import unicodedata
from dataclasses import dataclass, field

from .cues import CUE_WORDS
from .first_names import gender_of_first_name, gender_of_noun, sex_in

# Words that come before a name as a title or role ("Secretary of State Mara Quill", "Rear Admiral Lin Tao").
TITLE_WORDS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "president", "vice",
    "prime", "minister", "secretary", "general", "senator", "sen", "rep", "representative", "congressman",
    "congresswoman", "assemblyman", "assemblywoman", "assemblymember", "gov", "governor", "mayor", "chancellor",
    "king", "queen", "prince", "princess", "emperor",
    "admiral", "adm", "rear", "gen", "col", "colonel", "lt", "lieutenant", "capt", "captain", "sgt", "sergeant",
    "maj", "major", "marshal", "commander", "cmdr", "ambassador", "spokesman", "spokeswoman", "spokesperson",
    "chairman", "chairwoman", "chair", "director", "judge", "justice", "speaker", "leader", "foreign", "defence",
    "defense", "state", "chief", "deputy", "senior", "pope", "premier", "press", "attorney", "treasury", "finance",
    "interior", "economy", "trade", "rabbi", "sheikh", "emir", "crown", "former", "acting", "first",
    "secretary-general", "undersecretary", "under", "assistant", "envoy", "special", "high", "commissioner",
    "executive", "officer", "head", "candidate", "nominee", "presidential", "democratic", "republican", "sec",
    "house", "majority", "minority", "whip", "sens", "reps", "gens", "messrs", "the", "of", "for", "and",
    "kremlin", "white", "pentagon", "department", "ministry", "affairs", "national", "security", "adviser",
    "advisor", "opposition", "party", "parliament", "member", "mp", "u.s", "us", "un", "u.n", "eu", "nato",
    "democrat", "independent", "labour", "conservative", "liberal", "socialist", "communist",
    "archbishop", "cardinal", "monsignor", "monsenor", "monseñor", "imam", "ayatollah", "patriarch", "administrator",
    "taoiseach",
}  # fmt: skip
ABBREVIATED_TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "adm", "lt", "col", "capt", "sgt", "maj",
    "cmdr", "prof", "sec", "sens", "reps", "gens", "rev"}  # fmt: skip
TITLE_EXPANSIONS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "adm": "admiral",
    "sec": "secretary", "lt": "lieutenant", "col": "colonel", "capt": "captain", "prof": "professor",
    "rev": "reverend"}  # fmt: skip
# Nouns naming a post or a calling, which end a title before a full name.
ROLE_NOUNS = {
    "secretary", "minister", "spokesman", "spokeswoman", "spokesperson", "director", "chairman", "chairwoman",
    "governor", "senator", "senators", "representative", "congressman", "congresswoman", "assemblyman",
    "assemblywoman", "assemblymember", "mayor", "ambassador", "administrator",
    "pastor", "reverend", "rev", "bishop", "professor", "commissioner", "adviser", "advisor", "strategist",
    "pollster", "analyst", "economist", "chief", "general", "admiral", "judge", "attorney", "comedian", "actor",
    "actress", "host", "anchor", "columnist", "author", "founder", "president", "leader", "candidate", "nominee",
    "consultant", "aide", "manager", "lawyer", "editor", "sheriff", "recorder", "advocate", "whip", "counsel",
    "filmmaker", "treasurer", "freeholder", "lawmaker", "delegate", "activist", "historian", "scholar", "researcher",
    "expert", "producer", "writer", "journalist", "reporter", "commentator", "correspondent", "prosecutor",
    "officer", "official", "staff", "ally", "constituent", "speechwriter", "donor", "supporter", "confidant",
    "surrogate", "front-runner", "frontrunner", "scientist", "pundit", "lobbyist", "organizer", "organiser", "blogger",
    "legislator", "member", "archbishop", "cardinal", "imam", "cleric", "priest", "rabbi", "billionaire",
    "businessman", "businesswoman", "tycoon", "mogul", "magnate",
}  # fmt: skip
# Nouns for a relative or a friend: "Brandt's wife Jonna Brandt said" is Jonna Brandt, the possessor is not the subject.
RELATION_NOUNS = {
    "wife", "husband", "widow", "widower", "spouse", "partner", "fiancee", "fiancée", "fiance", "fiancé", "son",
    "daughter", "father", "mother", "brother", "sister", "stepson", "stepdaughter", "stepfather", "stepmother",
    "grandson", "granddaughter", "grandfather", "grandmother", "uncle", "aunt", "nephew", "niece", "cousin",
    "friend", "girlfriend", "boyfriend",
}  # fmt: skip
# Posts and honorifics that only a person holds: a lone name after one is a person's ("President Erdoğan").
PERSON_POSTS = {
    "mr", "mrs", "ms", "dr", "sir", "dame", "president", "minister", "chancellor", "premier", "senator", "governor",
    "mayor", "ambassador", "spokesman", "spokeswoman", "spokesperson", "king", "queen", "prince", "princess",
    "emperor", "pope", "sheikh", "emir", "ayatollah", "imam", "archbishop", "cardinal", "general", "admiral",
    "secretary-general", "envoy", "commissioner", "chairman", "chairwoman", "leader",
}  # fmt: skip
# Words that name an organisation or a place, and yet are a first name when they start a person's name ("Bill
# Clinton", not "the farm bill").
FIRST_NAME_ORG_WORDS = {"bill"}
# First words of place names, never of a person's ("New Hampshire", "San Diego", "Los Angeles").
PLACE_FIRST_WORDS = {"new", "san", "santa", "los", "las", "fort"}
# The fields a government post is "of" or "for", written after the title and before the holder's name: "Secretary of
# Commerce Gina Raimondo", "Director of National Intelligence Tulsi Gabbard", "Secretary of Health and Human Services
# Xavier Becerra". Never the holder's name: the complement goes into the title.
PORTFOLIO_WORDS = {
    "commerce", "intelligence", "health", "human", "services", "labor", "labour", "energy", "education",
    "transportation", "transport", "agriculture", "justice", "defense", "defence", "homeland", "security", "veterans",
    "housing", "urban", "development", "interior", "treasury", "finance", "trade", "industry", "culture", "tourism",
    "environment", "science", "technology", "innovation", "communications", "information", "immigration",
    "infrastructure", "economy", "affairs", "staff", "policy", "management", "budget", "operations", "investigation",
    "protocol", "welfare", "employment", "pensions", "home", "foreign", "state", "war", "navy", "army",
    "air", "force", "naval", "public", "works", "planning", "research", "sport", "sports", "youth", "women", "family",
    "families", "children", "agency", "administration", "emergency", "resources", "natural",
    "fisheries", "food", "water", "climate", "mines", "mining", "petroleum", "oil", "gas", "power", "digital",
    "relations", "cooperation", "integration", "legislative", "strategic", "global", "cyber",
}  # fmt: skip
# Title words that end a title when a person's name follows them inside a run of capitalised words.
NAMED_TITLE_WORDS = TITLE_WORDS - {"the", "of", "for", "and", "u.s", "us", "un", "u.n", "eu", "nato", "first", "high"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "sen", "rep", "gov", "gen", "adm", "prof", "president"}
FEMALE_HONORIFICS = {"mrs", "ms", "miss", "dame", "lady"}
MALE_HONORIFICS = {"mr", "sir", "lord"}
# Title words whose plural with an "s" is another word or a name ("Firsts", "Chiefs", "Houses", "States").
PLURAL_NOT_TITLES = {
    "the", "of", "for", "and", "u.s", "us", "un", "u.n", "eu", "first", "house", "chief", "state", "national", "high",
}  # fmt: skip
PARTICLES = {"de", "da", "del", "della", "van", "von", "der", "den", "du", "dos", "bin", "ibn", "al", "la", "le", "y"}
# An Arabic article or patronymic joined to the surname by a hyphen, in lower case: "el-Sisi", "al-Assad".
JOINED_PARTICLE = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az|bin|ibn|abu|bint)-[A-Z]")
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# Capitalised words that start sentences or name things other than people.
NOT_NAME_WORDS = {
    "the", "a", "an", "but", "and", "or", "in", "on", "at", "as", "when", "while", "after", "before", "since", "this",
    "that", "these", "those", "it", "he", "she", "they", "we", "i", "if", "for", "from", "with", "without", "under",
    "over", "by", "to", "then", "still", "yet", "so", "also", "asked", "even", "last", "next", "earlier", "later",
    "meanwhile", "however", "although", "though", "because", "despite", "during", "among", "according", "both",
    "each", "many", "some", "most", "other", "such", "what", "why", "how", "who", "where", "our", "his", "her",
    "their", "its", "my", "your", "there", "here", "now", "today", "yesterday", "not", "no", "only", "just", "like",
    "unlike", "one", "two", "three", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "speaking", "all", "any", "more", "do", "does", "did", "is", "are", "was", "were", "will", "would",
    "can", "could", "should", "let", "ever", "never", "instead", "indeed", "thus", "therefore", "yes", "well",
    "actually", "nonetheless", "unfortunately", "abstract", "photo", "read", "see", "said", "says", "besides",
    "amid", "following", "first", "second", "third", "finally", "whether", "until", "unless", "neither", "either",
    "nor",
}  # fmt: skip
ORG_WORDS = {
    "institute", "institution", "center", "centre", "university", "council", "house", "ministry", "department",
    "party", "committee", "commission", "agency", "office", "bank", "fund", "foundation", "association", "union",
    "organization", "organisation", "times", "post", "news", "journal", "network", "corporation", "company",
    "group", "forces", "army", "navy", "force", "sea", "ocean", "river", "city", "states", "street", "republic",
    "kingdom", "federation", "nations", "assembly", "parliament", "congress", "senate", "court", "church", "league",
    "club", "media", "television", "radio", "service", "watch", "program", "programme", "project", "initiative",
    "summit", "conference", "treaty", "agreement", "act", "bill", "plan", "administration", "government",
    "airport", "island", "islands", "peninsula", "gulf", "east", "west", "north", "south", "today", "security",
    "affairs", "relations", "studies", "policy", "international", "global", "world", "daily", "herald", "tribune",
    "magazine", "review", "square", "hall", "region", "province", "county", "valley", "mountains", "press", "air",
    "guard", "command", "fleet", "academy", "school", "college", "hospital", "museum", "ltd", "inc", "corp",
    "brigade", "show", "division", "bureau", "secretariat", "cabinet", "embassy", "consulate", "party's", "america",
    "hill", "capitol", "palace", "castle", "bridge", "harbor", "harbour", "port", "station", "park", "road",
    # a party's members or a campaign's following: "Nevada Democrats", "Team Trump", "the Trump Train"
    "democrats", "republicans", "team", "train",
}  # fmt: skip
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
# A name given instead of a full one, after the person's description: "a protester who gave her name only as Katya",
# "using the pseudonym Katya", "who asked to be identified by his first name, Ali", "a student, identified only as
# Lee". The name as given is the speaker (group "name"), not a description and not the person last named.
_HIS = r"(?:his|her|their)\s+(?:first\s+|given\s+)?name"
GIVEN_NAME = re.compile(
    r"\s*,?\s*(?:"
    rf"(?:who\s+)?(?:would\s+)?(?:only\s+)?(?:gave|gives|giving|give)\s+(?:only\s+)?{_HIS}(?:\s+only)?(?:\s+as|,)"
    rf"|(?:who\s+)?(?:asked|wished|wanted|asking|wishing)\s+to\s+be\s+(?:identified|named|called|known)\s+"
    rf"(?:only\s+)?(?:by\s+{_HIS},?|as)"
    rf"|(?:identified|named|known)\s+only\s+(?:by\s+{_HIS},?|as)"
    r"|(?:who\s+)?identified\s+(?:himself|herself|themselves)\s+(?:only\s+)?as"
    r"|(?:using|under|giving|who\s+gave|who\s+used)\s+the\s+(?:pseudonym|alias|nom\s+de\s+guerre|name)"
    r"|(?:who\s+)?(?:goes|went)\s+by(?:\s+the\s+name)?"
    r")\s+(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\b"
)
# ... or before it: "Katya, a protester who declined to give her surname", "Ali, 24, who would not give his last name"
NAME_WITHOUT_SURNAME = re.compile(
    r"\b(?P<name>[A-Z][\w'’-]+),[^.;:\"“”]{0,80}?\b(?:declined|refused|did\s+not\s+want|would\s+not|asked\s+not)\s+"
    r"(?:to\s+)?(?:give|share|provide|use|be\s+identified\s+by)\s+(?:his|her|their)\s+(?:surname|(?:last|family|full)\s+name)"
)
# An honour or a rank written after a person's name, ending it: "Judge Durham Hall QC said", "Ana Pardo MP"
POST_NOMINAL = re.compile(r"\s+(?:QC|KC|MP|MEP|MSP|OBE|MBE|CBE|KBE)(?![\w-])(?!\s+[A-Z])")

# (a no-break space, \xa0, separates words: "Sen.\xa0Sanders" is two tokens)
TOKEN = re.compile(r"[^\W\d_](?:[\w'’.\-]|[\x80-\x9f\xa1-\xff\u0300-\u036f])*|--|[,()]")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# A capitalised word of a name, with its initials, apostrophes and hyphens ("Mr.", "O'Neill", "Seitz-Wald"), and a
# name of one to four of them: "Gilbert", "Mr. Trump", "Interior Minister Lou Brandt"
CAPITALISED_WORD = r"[A-Z][\w.’'-]*"
CAPITALISED_NAME = rf"{CAPITALISED_WORD}(?:\s+{CAPITALISED_WORD}){{0,3}}"
# A capitalised word of a body's name, which may hold "&": "Nordland", "AT&T"
CAPITALISED_BODY_WORD = r"[A-Z][\w.’'&-]*"
_CONTRACTION = re.compile(r"n['’]t$", re.IGNORECASE)


ADJECTIVE_ENDINGS = r"(?:ian|ean|an|ese|ish|egian|i)"


def adjective_pattern(name: str) -> re.Pattern | None:
    """The adjective of a one-word country name by the usual English endings: Russia -> Russian, China -> Chinese,
    Norway -> Norwegian, Turkey -> Turkish, Iran -> Iranian, Israel -> Israeli, Mexico -> Mexican, Germany ->
    German. (Forms that follow no rule, such as French or Dutch, belong in the country's aliases.)"""
    if not re.fullmatch(r"[A-Z][a-z]{3,}", name):
        return None
    endings = ADJECTIVE_ENDINGS
    if name.endswith(("ay", "ey")):
        stem = name[:-2]
    elif name.endswith("y"):
        stem, endings = name[:-1], ADJECTIVE_ENDINGS + "?"  # Germany -> German, Italy -> Italian
    elif name.endswith(("a", "e", "o")):
        stem = name[:-1]
    else:
        stem = name
    return re.compile(r"(?<![\w-])" + re.escape(stem) + endings + r"(?![\w-])")


def normalise(name: str) -> str:
    """Compare names: lower case, no accents or punctuation, no middle initials, suffixes or parentheses."""
    name = re.sub(r"\(.*?\)", " ", name)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(char for char in name if not unicodedata.combining(char)).lower()
    tokens = re.findall(r"[a-z0-9]+", name.replace("'", "").replace("’", ""))
    tokens = [t for t in tokens if len(t) > 1 and t not in {"jr", "sr", "ii", "iii", "the", "a", "an"}]
    return " ".join(tokens)


def repair(name: str) -> str:
    """Undo UTF-8 read as Latin-1 ("NÃºÃ±ez" -> "Núñez"), which pasted wire copy often has."""
    name = unicodedata.normalize("NFC", name)
    for _ in range(3):
        try:
            fixed = name.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return name
        if fixed == name:
            return name
        name = fixed
    return name


def bare(token: str) -> str:
    return _POSSESSIVE.sub("", token).rstrip(".,").lower()


# Letters with no accent to take off, which English copy writes as the plain letter ("Wałęsa" as "Walesa").
PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def folded(token: str) -> str:
    """ "Erdoğan" and "Erdogan", "Kaczyński" and "Kaczynski": wire copy writes a name with and without its accents."""
    decomposed = unicodedata.normalize("NFKD", bare(token).translate(PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _is_acronym(token: str) -> bool:
    letters = token.replace(".", "").replace("-", "")
    return len(letters) >= 2 and letters.isupper()


# "Will Doyle, a professor": the modal is a first name when one capitalised word and a comma or a full stop follow
_WILL_BEFORE_SURNAME = re.compile(r"\s+[A-Z][\w'’-]+(?:,|\.(?:\s|$))")


def _first_name_will(text: str, word: str, at: int, end: int) -> bool:
    return word == "will" and _WILL_BEFORE_SURNAME.match(text, at, end) is not None


def name_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalised tokens (with initials, particles and "of" inside titles): candidate names with offsets."""
    end = len(text) if end is None else end
    runs: list[tuple[int, int, list[str]]] = []
    current: list[re.Match] = []

    def flush():
        while current and (bare(current[-1].group()) in PARTICLES or bare(current[-1].group()) in {"of", "and", "for"}):
            current.pop()
        if current:
            runs.append((current[0].start(), current[-1].end(), [m.group() for m in current]))
        current.clear()

    for match in TOKEN.finditer(text, start, end):
        token = match.group()
        gap = text[current[-1].end() : match.start()] if current else " "
        if current and (gap.strip() or "\n" in gap):
            flush()
        word = bare(token)
        if _CONTRACTION.search(token):
            flush()  # "Don't Nordlanders deserve better?": a verb written short is never part of a name
        elif token == "Q" and (match.start() == 0 or text[match.start() - 1] == "\n"):
            flush()  # "Q Secretary Brandt, will you go?": a transcript's reporter, not an initial
        elif (
            is_capitalised(token)
            and not (word in NOT_NAME_WORDS and not current and not _first_name_will(text, word, match.end(), end))
            and not _is_acronym(token)
        ):
            current.append(match)
            if token.endswith(".") and len(word) > 1 and word not in ABBREVIATED_TITLES and word not in SUFFIXES:
                flush()  # "… met Karl Brandt. Lindqvist said": a sentence ends here
            if _POSSESSIVE.search(token) and not token.endswith("."):
                flush()  # "Brandt's campaign": the name stops at the possessive
        elif _is_acronym(token) and token.endswith(".") and current:
            current.append(match)  # "Karl B. Brandt Jr." keeps its initials; "U.S." breaks only a fresh run
        elif (
            re.fullmatch(r"[A-Z]{2}", token)
            and word not in TITLE_WORDS
            and current
            and bare(current[-1].group()) in NAMED_TITLE_WORDS
            and _NEXT_WORD.match(text, match.end(), end)
        ):
            current.append(match)  # "Vice President JD Quill": two capitals for a first name after a post
        elif re.fullmatch(r"(?:[A-Z]\.){2,3}", token) and word not in TITLE_WORDS:
            flush()
            current.append(match)  # "J.J. MacNab": initials for a first name start a run
        elif current and (word in PARTICLES or (word == "of" and _title_goes_on([m.group() for m in current]))):
            current.append(match)
        elif (
            current
            and word in {"and", "for"}
            and _portfolio_goes_on([m.group() for m in current], word, text, match.end())
        ):
            # "Secretary of Health and Human Services Xavier Becerra", "Minister for Trade Mara Quill": one title
            current.append(match)
        elif JOINED_PARTICLE.match(token):
            current.append(match)  # "Abdel Fattah el-Sisi": the surname's particle is part of the name
            if _POSSESSIVE.search(token):
                flush()
        else:
            flush()
    flush()
    return runs


def _title_goes_on(tokens: list[str]) -> bool:
    """ "Secretary of State", "Montana Secretary of State": "of" after a title word goes on with the title, but not
    after a surname that is one, behind a first name or an initial ("Representative Peter T. King of New York")."""
    if bare(tokens[-1]) not in TITLE_WORDS:
        return False
    before = tokens[-2] if len(tokens) > 1 else ""
    return not (re.fullmatch(r"[A-Z]\.", before) or (before and gender_of_first_name(bare(before))))


_NEXT_WORD = re.compile(r"[ \t]+([A-Z][a-z]+)\b")


def _portfolio_goes_on(tokens: list[str], word: str, text: str, at: int) -> bool:
    """ "Minister for Trade", "Secretary of Health and Human Services", "Under Secretary of War for Policy": "for"
    after a title word, and "and" or "for" after a field of a post's "of" or "for", go on with the title when a field
    follows."""
    following = _NEXT_WORD.match(text, at)
    if following is None or following.group(1).lower() not in PORTFOLIO_WORDS:
        return False
    if word == "for" and _title_goes_on(tokens):
        return True
    return bare(tokens[-1]) in PORTFOLIO_WORDS and any(bare(token) in {"of", "for"} for token in tokens[:-1])


def _portfolio_before(tokens: list[str], index: int) -> bool:
    """A field of the post written after its title's "of" or "for" and before the holder's full name ("Secretary of
    Commerce Gina Raimondo", "Director of National Intelligence Tulsi Gabbard")."""
    if bare(tokens[index]) not in PORTFOLIO_WORDS or not any(bare(token) in {"of", "for"} for token in tokens[:index]):
        return False
    name = index + 1
    while name < len(tokens) and (bare(tokens[name]) in PORTFOLIO_WORDS or bare(tokens[name]) in {"and", "for", "of"}):
        name += 1  # "Health and Human Services", "War for Policy": the fields go on to the name
    return len(tokens) - name >= 2 and looks_like_person(tokens[name:])


def gender_of_honorific(token: str) -> str:
    """ "f" for "Ms." or "Dame", "m" for "Mr." or "Sir", "" for any other word."""
    return sex_in(bare(token), FEMALE_HONORIFICS, MALE_HONORIFICS)


def gender_of_title(title: list[str]) -> str:
    """The sex the first honorific of a title tells ("Mrs. Clinton" -> "f"), "" when it has none."""
    return next(filter(None, map(gender_of_honorific, title)), "")


# A post named but not taken up yet: "President-elect Trump", "Ambassador-designate Quill" (a title all the same,
# though no post is held yet: the admin offers none)
NOT_YET_HELD = ("-designate", "-elect")
_NOT_YET_HELD = re.compile(rf"(?:{'|'.join(NOT_YET_HELD)})$")


def is_title(token: str) -> bool:
    word = _NOT_YET_HELD.sub("", bare(token))
    if word in ABBREVIATED_TITLES:
        return token.endswith(".") or word in {"mr", "mrs", "ms", "dr"}
    # a plural title before one name ("Senators Quill and Brandt", "Professors Pardo and Ruiz") is a title too
    # ("Secretaries Raimondo and Clouthier" too)
    singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else ""
    return word in TITLE_WORDS or singular in TITLE_WORDS - PLURAL_NOT_TITLES


def names_a_post(word: str) -> bool:
    """A role noun or a title word: "spokeswoman", "minister", "Secretary", "Prince"."""
    return bare(word) in ROLE_NOUNS or is_title(word)


def strip_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "Secretary of State Mara J. Quill" into (["Secretary", "of", "State"], ["Mara", "J.", "Quill"])."""
    cut = 0
    for index, token in enumerate(tokens[:-1]):
        if is_title(token) or (_is_demonym(token) and is_title(tokens[index + 1])) or _portfolio_before(tokens, index):
            cut = index + 1
        else:
            break
    # "Texas Rep. Lou Grayson", "Retired Lt. Gen. Mick Bednarek", "Army Capt. Ana Pardo": whatever comes before an
    # abbreviated rank is part of the title ("Texas-based Matt Ruiz" likewise), and so is whatever comes before a
    # role noun followed by a first name and a surname ("Agriculture Secretary Tom Vilsack", "Pastor Kevin Swanson")
    for index, token in enumerate(tokens[:-1]):
        if (
            index >= cut
            and (
                (token.endswith(".") and bare(token) in ABBREVIATED_TITLES - {"mr", "mrs", "ms", "dr"})
                or token.lower().endswith(("-based", "-born"))
                # "Manhattan-made", "Ohio-raised": a modifier (but "Man-kei", "Jae-in" are given names)
                or re.fullmatch(r"[A-Z][\w’']*-(?:[a-z]*(?:ed|en)|" + _MODIFIER_TAILS + ")", token)
                or (_is_role(bare(token)) and len(tokens) - index > 2)
                # "Senate Intelligence Ranking Democrat Dianne Feinstein", "City Council Speaker Melissa Mark-Viverito":
                # a title word inside the run, with a person's name after it
                or (
                    bare(token) in NAMED_TITLE_WORDS
                    and len(tokens) - index > 2
                    and looks_like_person(tokens[index + 1 :])
                )
                # "director of Amnesty International Man-kei Tam": an organisation's name that ends in its word ("Port
                # Nord" starts with it: "Chief Executive of Port Nord Ana Pardo" is a place written elsewhere), then a
                # person's
                or (
                    bare(token) in ORG_WORDS
                    and index > cut
                    and len(tokens) - index > 2
                    and looks_like_person(tokens[index + 1 :])
                )
            )
        ):
            cut = index + 1
            while cut < len(tokens) - 1 and is_title(tokens[cut]):
                cut += 1
    return tokens[:cut], tokens[cut:]


# The lower-case tails of a place's modifier that are no participle ("Los Angeles-area", "Ohio-born").
_MODIFIER_TAILS = "area|made|born|bred|grown|run|built|led|style|era|like|wide|native|type|friendly"


_ROLE_NOT_YET_HELD = re.compile(rf"(?:{'|'.join(NOT_YET_HELD)}|-nominee)$")


def _is_role(word: str) -> bool:
    """A role noun, or two joined by a hyphen ("secretary-treasurer")."""
    # "Ambassador-designate", "Governor-elect" (NOT_YET_HELD), "Ambassador-nominee": the post's role all the same
    # ("-nominee" is taken off here only: is_title() and the admin's post do not read it)
    word = _ROLE_NOT_YET_HELD.sub("", word)
    return word in ROLE_NOUNS or ("-" in word and all(part in ROLE_NOUNS | TITLE_WORDS for part in word.split("-")))


def _is_demonym(token: str) -> bool:
    """ "Russian", "Ruritanian", "Japanese", "Saudi": only ever stripped when a title word follows."""
    return bool(re.search(r"(?:an|ese|ish|i)$", bare(token))) and len(bare(token)) > 3


def ends_in_rank(tokens: list[str]) -> bool:
    """ "Pennsylvania Gov." in "former Pennsylvania Gov. and … Chairman Ed Rendell": a run that ends in an abbreviated
    rank names a post, not a person."""
    return bool(tokens) and tokens[-1].endswith(".") and bare(tokens[-1]) in ABBREVIATED_TITLES


def clean_tokens(tokens: list[str]) -> list[str]:
    """Drop possessives and a sentence's full stop, keep initials and "Jr."."""
    cleaned = [_POSSESSIVE.sub("", t) if not t.endswith(".") else t for t in tokens]
    cleaned = [t.rstrip(",") for t in cleaned if t.rstrip(",")]
    if cleaned and cleaned[-1].endswith(".") and len(bare(cleaned[-1])) > 1 and bare(cleaned[-1]) not in SUFFIXES:
        cleaned[-1] = cleaned[-1].rstrip(".")
    return cleaned


# Pronouns that are never part of a name (not "I", an initial with its full stop dropped)
_PRONOUNS = {"you", "we", "they", "your", "our", "their", "me", "my"}


def looks_like_person(tokens: list[str]) -> bool:
    """Two or more name-like tokens, none of them an organisation or place word."""
    words = [bare(t) for t in tokens]
    if any(w in ORG_WORDS and not (index == 0 and w in FIRST_NAME_ORG_WORDS) for index, w in enumerate(words)):
        return False
    if any(w in _PRONOUNS for w in words):
        return False  # a title in capitals: "Just the Way You Are"
    if words and words[0] in PLACE_FIRST_WORDS:
        return False
    if any(not is_capitalised(t) and bare(t) not in PARTICLES and not JOINED_PARTICLE.match(t) for t in tokens):
        return False
    # a particle written with a capital at the start is a first name ("Al Gore"), not "al" in "Ayman al-Zawahiri"
    real = [
        w
        for index, (t, w) in enumerate(zip(tokens, words, strict=True))
        if (w not in PARTICLES or (index == 0 and is_capitalised(t))) and len(w.rstrip(".")) > 1
    ]
    return len(real) >= 2


def surname(tokens: list[str]) -> str:
    words = [t for t in tokens if bare(t) not in SUFFIXES]
    return bare(words[-1]) if words else ""


SMALL_WORDS = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "by", "or", "with", "as", "vs"}
# Longer prepositions, which a title-case headline capitalises: a name stops before them ("Remarks by President
# Biden Before Marine One Departure")
HEADLINE_PREPOSITIONS = {
    "before", "after", "during", "against", "with", "without", "from", "into", "over", "under", "between", "about",
    "amid", "ahead", "upon", "toward", "towards", "through", "across", "following", "regarding", "en",
}  # fmt: skip


def headline_spans(text: str) -> list[tuple[int, int]]:
    """Lines of four words or more with every word but the small ones capitalised: a title-case headline, whose
    capitals say nothing about names."""
    found = []
    for line in re.finditer(r"[^\n]+", text):
        words = re.findall(r"(?<!\w)[^\W\d_][\w'’.-]*", line.group())  # not the "nd" of "2nd"
        if len(words) >= 4 and all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words):
            found.append((line.start(), line.end()))
    return found


def could_be_surname(word: str) -> bool:
    """A lone capitalised word that may be a person's surname ("Erdoğan"): no organisation's or place's word, no
    acronym, three letters or more."""
    return not (bare(word) in ORG_WORDS or bare(word) in NOT_NAME_WORDS or _is_acronym(word) or len(bare(word)) < 3)


def headline_name(tokens: list[str]) -> list[str]:
    """The name in a run of a title-case headline's capitalised words: up to a capitalised preposition ("Biden Before
    Marine One Departure" -> Biden), and from a common first name when the run opens with words that are none
    ("Strategic Communications John Kirby", the end of "Coordinator for Strategic Communications John Kirby")."""
    cut = next((i for i, t in enumerate(tokens) if i and bare(t) in HEADLINE_PREPOSITIONS), len(tokens))
    tokens = tokens[:cut]
    if tokens and not gender_of_first_name(bare(tokens[0])):
        first = next((i for i, t in enumerate(tokens[1:-1], 1) if gender_of_first_name(bare(t))), 0)
        tokens = tokens[first:]
    return tokens


# Speech verbs in the past tense, capitalised when a writer inverts them ("Continued Stone: …", "Added Brandt")
_CUE_VERBS = {word for word in CUE_WORDS if word.endswith("ed") and " " not in word}


@dataclass
class Person:
    name: str  # the fullest form seen ("Karl B. Brandt Jr.")
    start: int
    end: int
    context: str  # role words around the first full mention ("Kremlin spokesman"), lower case
    gender: str = ""  # "m" / "f" when an honorific, a common first name or a pronoun told us
    seen: list[int] = field(default_factory=list)  # where each full mention starts


# An appositive after a name, after an age if one is given: "Karl Brandt, 54, a spokesman for …", "Jane, his wife,";
# it opens in lower case or with a possessor ("Karl Brandt, Anna's husband"), not with another name or a clause.
_APPOSITIVE = re.compile(r"\s*,\s*(?:\d+\s*,\s*)?((?:[a-z][\w-]*|[A-Z][\w-]*(?:'s|’s))(?:\s+[\w’'-]+){0,6})")
# Words that end an appositive's head noun ("the first woman to lead …", "the wife of …"); a relative word opening it
# ("who", "whose wife") leaves no head.
APPOSITIVE_ENDS = ["of", "to", "for", "at", "in", "on", "from", "with", "by", "and", "or", "since", "who", "whose",
    "which", "that", "whom"]  # fmt: skip


# Endings of adverbs that may open a sentence before a surname, and of no first name ("Sally", "Kelly" end otherwise)
_ADVERB_ENDINGS = ("ingly", "edly", "ously", "ately", "ently", "antly", "ably", "ibly", "ically", "ively", "fully")


def _name_start(person: Person) -> str:
    """A name's first three letters, which two spellings of one name share ("Hilary" and "Hillary Clinton")."""
    return folded(person.name)[:3].lower()


class ArticlePeople:
    """Full names mentioned in one article, for resolving "Peskov", "Mr. Lin" or "the Kremlin spokesman"."""

    def __init__(self, text: str):
        self.text = text
        self.people: list[Person] = []
        self.prefixed: dict[str, Person] = {}  # normalised "Billionaire Donald Trump" -> Donald Trump
        # "erdogan": a lone name the article writes after a post ("President Erdoğan"), or gives as the only name
        # it has ("a protester who gave her name only as Katya")
        given = [*GIVEN_NAME.finditer(text), *NAME_WITHOUT_SURNAME.finditer(text)]
        self.titled: set[str] = {folded(match.group("name")) for match in given}
        self.complements: dict[str, list[str]] = {}  # normalised "Argentina Alberto Fernández" -> ["Argentina"]
        self.honoured: set[str] = set()  # normalised "durham hall": a name after a title and before "QC"
        headlines = headline_spans(text)
        in_headlines = []
        for start, end, tokens in name_runs(text):
            if any(a <= start < b for a, b in headlines):
                in_headlines.append((start, end, tokens))
                continue
            title, rest = strip_title(tokens)
            rest = clean_tokens(rest)
            place = self._title_complement(title, rest, start)
            if place:
                self._add(" ".join(rest[place:]), start, end, title + rest[:place])
                self.prefixed[normalise(" ".join(rest))] = self.find(" ".join(rest[place:]), end)
                self.complements[normalise(" ".join(rest))] = rest[:place]
            elif looks_like_person(rest) and not ends_in_rank(tokens):
                self._add(" ".join(rest), start, end, title)
            elif title and len(rest) >= 2 and all(map(is_capitalised, rest)) and POST_NOMINAL.match(text, end):
                # "Judge Durham Hall QC": a person, though "Hall" could name a building
                self.honoured.add(normalise(" ".join(rest)))
                self._add(" ".join(rest), start, end, title)
            elif len(rest) == 1 and self._titled(title, rest[0], start):
                self.titled.add(folded(rest[0]))
            if len(rest) == 1:
                # "Ms. Ardern", "spokeswoman Pardo": a later mention by surname says what the full one did not
                person = self.find(rest[0], end)
                if person and not person.gender:
                    person.gender = self._gender_at(title, start, end)
        # In a title-case headline every word is capitalised ("Maher Tells Guest Muslim Violence", "Move Against
        # Hillary Clinton"): a name there counts only for a surname the text below never gives in full.
        known = {surname(person.name.split()) for person in self.people}
        full = [normalise(person.name) for person in self.people]
        for start, end, tokens in in_headlines:
            title, rest = strip_title(tokens)
            rest = headline_name(clean_tokens(rest))
            if len(rest) == 1 and self._titled(title, rest[0], start):
                self.titled.add(folded(rest[0]))  # "Remarks by Prime Minister Sunak of the United Kingdom"
            # "Hillary Clinton Wins Delaware": a name the text gives in full, with the headline's next words
            words = f" {normalise(' '.join(rest))} "
            if any(f" {name} " in words for name in full):
                continue
            if looks_like_person(rest) and surname(rest) not in known:
                self._add(" ".join(rest), start, end, title)
        self._drop_prefixed()

    def _titled(self, title: list[str], word: str, start: int) -> bool:
        """A lone capitalised word written after a post or an honorific, in capitals or not ("President Erdoğan",
        "Turkish president Erdoğan", "Foreign Minister Lavrov"): a person's name, though no first name is given."""
        if not could_be_surname(word):
            return False
        before = re.search(r"([a-z]+)\s+$", self.text[max(0, start - 30) : start])
        post = bare(title[-1]) if title else (before.group(1) if before else "")
        return post in PERSON_POSTS

    def _title_complement(self, title: list[str], rest: list[str], start: int) -> int:
        """How many words of a name run are the place or body a title names ("President of Argentina Alberto
        Fernández", "Chief Executive of Hong Kong Carrie Lam", "Ambassador to Nordland Karl Brandt", "Senator from
        Vermont Bernie Sanders"): after a title ending in "of", "for", "to" or "from", the first words that the
        article also writes elsewhere without the rest of the name, or a country whose adjective it writes
        ("Ukrainian"), or the words before a name of two words or more that the article also writes without them
        ("Nicola Sturgeon said" beside "First Minister of Scotland Nicola Sturgeon"); 0 when there are none."""
        ends_in_complement = bool(title) and bare(title[-1]) in {"of", "for"}
        before = re.search(r"([\w.]+)\s+(?:of|for|to|from)\s+$", self.text[max(0, start - 40) : start])
        # "Secretary of the Navy Karl Brandt", "Commissioner of Food and Drugs Karl Brandt", "Director of the Office
        # of Management and Budget Karl Brandt": the complement goes on past "the" or "and"; there and right after
        # the title's "of", a portfolio's words ("Commerce", "Health and Human Services") are the complement, and so,
        # after "the" or "and", are the words before a common first name that follows a word that is none (not right
        # after "of": "Governor of West Virginia Jim Justice", where a place is a first name too)
        run_on = self._after_complement(start)
        if run_on or ends_in_complement or (before and is_title(before.group(1))):
            for count in range(1, len(rest) - 1):
                if not looks_like_person(rest[count:]):
                    continue
                if all(bare(word) in PORTFOLIO_WORDS | {"and"} for word in rest[:count]):
                    return count
                if (
                    run_on
                    and gender_of_first_name(bare(rest[count]))
                    and not gender_of_first_name(bare(rest[count - 1]))
                ):
                    return count
        if not (ends_in_complement or (before and is_title(before.group(1)))):
            return 0
        for count in range(1, len(rest) - 1):
            if not looks_like_person(rest[count:]):
                continue
            words = r"\s+".join(re.escape(word) for word in rest[:count])
            elsewhere = rf"(?<![\w'’-]){words}(?![\w-])(?!\s+{re.escape(rest[count])})"
            adjective = adjective_pattern(rest[0]) if count == 1 else None
            if (
                re.search(elsewhere, self.text)
                or (adjective and adjective.search(self.text))
                or self._written_without(rest[count - 1], rest[count:])
            ):
                return count
        return 0

    def _after_complement(self, start: int) -> bool:
        """Is the run at `start` the end of a title's complement that "the" or "and" broke off: capitals and small
        words back to a title word or a role noun and its "of", "for" or "to", on the same line?"""
        words = self.text[max(0, self.text.rfind("\n", 0, start) + 1, start - 100) : start].split()
        if not words or words[-1] not in {"the", "and", "of", "for"}:
            return False
        while len(words) >= 2 and (words[-1] in {"the", "and", "of", "for", "to", "&"} or words[-1][:1].isupper()):
            if words[-1] in {"of", "for", "to"} and (is_title(words[-2]) or _is_role(bare(words[-2]))):
                return True
            words.pop()
        return False

    def _written_without(self, word: str, name: list[str]) -> bool:
        """Does the article write this full name somewhere with another word than `word` before it? (Never when
        `word` is a common first name: "Ana Maria Pardo" is not "Maria Pardo" with a place.)"""
        if gender_of_first_name(bare(word)):
            return False
        pattern = r"(?<![\w'’-])" + r"\s+".join(re.escape(token) for token in name) + r"(?![\w-])"
        return any(
            not re.search(rf"(?<![\w'’-]){re.escape(word)}\s+$", self.text[max(0, found.start() - 60) : found.start()])
            for found in re.finditer(pattern, self.text)
        )

    def _drop_prefixed(self) -> None:
        """A run that ends with another full name is that person with words before it that are no name, because
        the article also writes them in lower case: "Billionaire Donald Trump" (… the billionaire …), a title-case
        headline "Voters Are Cheering Mara Quill". "Enrique Peña Nieto" keeps its first name."""
        keys = {normalise(person.name): person for person in self.people}
        for person in list(self.people):
            words = normalise(person.name).split()
            for cut in range(1, len(words) - 1):
                shorter = keys.get(" ".join(words[cut:]))
                if shorter is not None and any(self._common_word(word) for word in words[:cut]):
                    self.prefixed[normalise(person.name)] = shorter
                    shorter.start = min(shorter.start, person.start)
                    shorter.context += " " + person.context
                    shorter.gender = shorter.gender or person.gender
                    shorter.seen = sorted(shorter.seen + person.seen)
                    self.people.remove(person)
                    break
        # "Regarding Trump's rhetoric, …", "Another Clinton aide …": a sentence-opening word that is no first name
        # (a gerund, a function word) before the surname of the one person the article names with it
        # ("Continued Brandt" too: a word ending in "-ed" that the article also writes in lower case or a speech verb,
        # not "Ted");
        # with two such people ("Asserting Clinton" beside two Clintons) it is neither, and no person either
        for person in list(self.people):
            words = normalise(person.name).split()
            if len(words) != 2 or not (
                words[0].endswith("ing")
                or words[0].endswith(_ADVERB_ENDINGS)  # "Interestingly Blocher, a wealthy industrialist, …"
                or words[0] in NOT_NAME_WORDS | {"another"}
                or (words[0].endswith("ed") and (self._lower_case_word(words[0]) or words[0] in _CUE_VERBS))
            ):
                continue
            others = [p for p in self.people if p is not person and normalise(p.name).split()[-1] == words[1]]
            if len(others) == 1:
                self.prefixed[normalise(person.name)] = others[0]
            if others:
                self.people.remove(person)

    def _add(self, name: str, start: int, end: int, title: list[str]) -> None:
        before = self._clause_before(start)
        after = self.text[end : end + 120]
        appositive = re.match(r"\s*,\s*([^,.;]*)", after)
        context = " ".join(TITLE_EXPANSIONS.get(bare(t), t.lower()) for t in title)
        context += " " + " ".join(before.lower().split()[-4:])
        if appositive:
            context += " " + appositive.group(1).lower()
        # what this mention says of the person's sex, else the first name's ("Carly Fiorina" is a later "she")
        gender = self._gender_at(title, start, end) or gender_of_first_name(bare(name.split()[0]))
        for person in self.people:
            if normalise(person.name) == normalise(name):
                person.context += " " + context
                person.seen.append(start)
                person.gender = person.gender or gender
                return
        self.people.append(Person(name, start, end, context, gender, [start]))

    def _clause_before(self, start: int) -> str:
        """The text right before a mention at `start`, back to the last line break, full stop, semicolon or colon,
        and 60 characters at most ("Kremlin spokesman", "his wife,": what may tell a role or a sex)."""
        return re.split(r"[\n.;:]", self.text[max(0, start - 60) : start])[-1]

    def _gender_at(self, title: list[str], start: int, end: int) -> str:
        """What the words around one mention of a name say of the person's sex: an honorific ("Ms. Pardo", "Sir
        Karl"), or a noun for a person of one sex in the title ("Congresswoman Ana Pardo"), right before the name
        ("spokeswoman Ana Pardo", "his wife, Jane,") or heading its appositive ("Karl Brandt, 54, the first man to
        …"). "" when they say nothing."""
        honorific = gender_of_title(title)
        if honorific:
            return honorific
        words = list(title)
        before = self._clause_before(start).split()
        if before and not _POSSESSIVE.search(before[-1]):
            words.append(before[-1])
        appositive = _APPOSITIVE.match(self.text, end)
        if appositive:
            head = re.split(r"\s+(?:" + "|".join(APPOSITIVE_ENDS) + r")\b", " " + appositive.group(1))[0].split()
            words += head[-1:]
        for word in words:
            gender = gender_of_noun(bare(word))
            if gender:
                return gender
        return ""

    def _lower_case_word(self, word: str) -> bool:
        return re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", self.text) is not None

    def _common_word(self, word: str) -> bool:
        return word in NOT_NAME_WORDS or self._lower_case_word(word)

    def find(self, mention: str, at: int, gender: str = "") -> Person | None:
        """The person a surname or partial name refers to: the fullest earlier mention, else a later one; of
        namesakes, one of the `gender` an honorific gave ("Mrs. Clinton" beside Bill and Hillary Clinton)."""
        tokens = [folded(t) for t in mention.split() if bare(t) not in SUFFIXES]
        if not tokens:
            return None
        if normalise(mention) in self.prefixed:
            return self.prefixed[normalise(mention)]
        candidates = []
        for person in self.people:
            words = [folded(t) for t in person.name.split() if bare(t) not in SUFFIXES]
            if words[-len(tokens) :] == tokens or normalise(person.name) == normalise(mention):
                score = 2
            elif (
                len(tokens) == 1
                and JOINED_PARTICLE.match(person.name.split()[-1])
                and words[-1].endswith("-" + tokens[0])
            ):
                score = 2  # "Sisi" or "El-Sisi" for Abdel Fattah el-Sisi
            elif words[: len(tokens)] == tokens and len(tokens) == 1:
                score = 1  # family name first: "Mr. Lin" for Lin Tao
            elif len(tokens) == 1 and len(words) >= 3 and words[-2] == tokens[0]:
                score = 0  # the first of two family names: "Ms. Acosta" for Melba Acosta Febo
            else:
                continue
            # of two namesakes ("Eric Trump", "Donald Trump"), the one written in full last before the mention
            latest = max((s for s in person.seen if s < at), default=person.start)
            candidates.append((person.start < at, score, len(words), -abs(at - latest), person))
        # a first family name counts only when no one's name ends with the mention (the Spanish and Portuguese
        # convention: "Melba Acosta Febo" is "Ms. Acosta")
        if any(c[1] > 0 for c in candidates):
            candidates = [c for c in candidates if c[1] > 0]
        elif len(candidates) > 1:
            return None
        if not candidates:
            return self._spelt_otherwise(tokens)
        if gender and any(c[4].gender in {gender, ""} for c in candidates):
            candidates = [c for c in candidates if c[4].gender in {gender, ""}]
        established = self._established(tokens, [c[4] for c in candidates if c[1] == 2], at)
        if established is not None:
            return established
        return max(candidates, key=lambda c: c[:4])[4]

    def _established(self, tokens: list[str], namesakes: list[Person], at: int) -> Person | None:
        """Of namesakes ("Bernie Sanders", later "his wife, Jane Sanders"), the one the article introduced first
        when it already wrote the surname alone for that one before naming the other: the writer keeps the surname
        for the first and names the other in full."""
        # (not two spellings of one name: "Alan Grayson" and "Alan Mark Grayson", "Hilary" and "Hillary Clinton")
        if len(tokens) != 1 or len({_name_start(person) for person in namesakes}) < 2:
            return None
        first = min(namesakes, key=lambda person: person.start)
        second = min(person.start for person in namesakes if person is not first)
        if second >= at:
            return None
        word = first.name.split()[-1]
        given = {re.escape(person.name[: person.name.rfind(word)].strip()) for person in namesakes} - {""}
        before = rf"(?:{'|'.join(given)})\s+$" if given else None
        for found in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?![\w-])", self.text):
            if found.start() >= second:
                break
            # neither a namesake's full name nor a name used as a modifier ("the Bush family", "the Trump campaign")
            ahead = self.text[max(0, found.start() - 40) : found.start()]
            if re.search(r"(?<![\w'’-])the\s+$", ahead, re.I) or (before and re.search(before, ahead, re.I)):
                continue
            same = [person for person in namesakes if _name_start(person) == _name_start(first)]
            return max(same, key=lambda person: len(person.name.split()))  # its fullest spelling
        return None

    def _spelt_otherwise(self, tokens: list[str]) -> Person | None:
        """ "Saree said" beside "Yahya Sarea": wire copy transliterates a name two ways in one article. A surname of
        five letters or more that nobody has is the one person whose surname differs from it in one vowel only (not
        the first letter)."""
        if len(tokens) != 1 or len(tokens[0]) < 5:
            return None
        word, vowels = tokens[0], set("aeiouy")
        found = []
        for person in self.people:
            other = folded(person.name.split()[-1])
            differ = [i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b]
            if (
                len(other) == len(word)
                and len(differ) == 1
                and differ[0] > 0
                and {word[differ[0]], other[differ[0]]} <= vowels
            ):
                found.append(person)
        return found[0] if len(found) == 1 else None

    def by_description(self, description: str, at: int, prefer: set[str] = frozenset()) -> Person | None:
        """The person an earlier mention described with the same role words ("Kremlin spokesman Dmitry Peskov")."""
        words = [w for w in re.findall(r"[a-z\-]+", description.lower()) if w not in {"the", "a", "an", "of"}]
        if not words:
            return None
        head = words[-1]
        best, best_key = None, (0,)
        for person in self.people:
            if person.start >= at:
                continue
            context_words = set(re.findall(r"[a-z\-]+", person.context))
            score = sum(1 for w in words if w in context_words) + (1 if head in context_words else 0)
            key = (score, person.name in prefer, person.start)
            if score >= 2 and key > best_key:
                best, best_key = person, key
        return best
