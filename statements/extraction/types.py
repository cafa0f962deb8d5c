"""Plain dataclasses going into and coming out of the extractor (no Django here, so the engine is unit-testable)."""

import dataclasses
import datetime
from dataclasses import dataclass, field

# Official.kind of a person; every other kind (statements.models.OfficialKind) is an institution.
PERSON = "person"


@dataclass(frozen=True)
class KnownPosition:
    """A post an official held: matched against role descriptions such as "the Kremlin spokesman"."""

    title: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    organisation: str = ""
    country_aliases: tuple[str, ...] = ()

    def held_on(self, date: datetime.date) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)


@dataclass(frozen=True)
class KnownOfficial:
    name: str
    aliases: tuple[str, ...] = ()
    positions: tuple[KnownPosition, ...] = ()
    id: int | None = None
    country: str = ""  # the ISO code of the official's own country, "" for none (the UN)
    kind: str = PERSON  # Official.kind: "person", or the kind of institution ("ministry", "alliance"…)
    country_aliases: tuple[str, ...] = ()  # its country's name and aliases ("Russia", "Russian", "Kremlin")

    @property
    def is_institution(self) -> bool:
        return self.kind != PERSON


@dataclass(frozen=True)
class KnownTopic:
    name: str
    keywords: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class KnownCountry:
    name: str
    aliases: tuple[str, ...] = ()
    code: str = ""
    id: int | None = None


@dataclass
class Fragment:
    """A stretch of the article, by character offsets: text == article[start:end]."""

    start: int
    end: int
    text: str


@dataclass
class Speaker:
    """Who said it, as resolved: a known official, a new name to propose, or only a description."""

    name: str  # full name ("Dmitry Peskov"), or a description when no name is known ("Ruritanian official")
    mention: str  # the words in the article ("he", "the Kremlin spokesman", "Peskov")
    method: str  # explicit | surname | alias | role | pronoun | follow-on | signed | description | unknown
    official_id: int | None = None
    is_new_official: bool = False  # a name that matches no known official: propose creating one
    confidence: float = 1.0  # how sure the extractor is (0-1); below ABSTAIN_BELOW the proposal has no speaker
    title: str = ""  # a title or rank written before the name ("Rep.", "Retired Lt. Gen.")
    # an institution (a known one, or one to create): its Official.kind ("ministry", "government"…), "" for a
    # person or a description
    institution: str = ""
    # a new institution's country: the one known country its name names ("Ruritanian Foreign Ministry"), by id
    country_id: int | None = None

    @property
    def is_person(self) -> bool:
        """A person's name (a known official or one to propose), not a description or an institution."""
        return (self.official_id is not None or self.is_new_official) and not self.institution

    @property
    def is_institution(self) -> bool:
        """An institution's name (a known institution official or one to propose), never a person."""
        return bool(self.institution)


@dataclass
class Proposal:
    """One proposed statement, ready for an admin form to show, edit and tick."""

    kind: str  # "direct" (everything quoted) or "paraphrase" (reported speech, maybe with quoted words)
    text: str
    fragments: list[Fragment]
    speaker: Speaker | None
    cue: str
    date: datetime.date
    act: str = ""  # the speech act the cue table proposes from the attribution (cues.py), "" when none
    has_quote: bool = True  # paraphrases with a partial quote ("called it 'a disaster'") are True as well
    countries: list[KnownCountry] = field(default_factory=list)
    topics: list[KnownTopic] = field(default_factory=list)
    duplicate_of: int | None = None  # index into the `existing` list given to the duplicate check
    candidates: list[str] = field(default_factory=list)  # "speaker unknown": the likeliest speakers, best first
    # The countries and officials the text names (by name or alias), in the order first named, the speaker left out:
    # the targets a coding of it may have (propose_target).
    targets: list["KnownCountry | KnownOfficial"] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.fragments[0].start

    @property
    def end(self) -> int:
        return self.fragments[-1].end


@dataclass
class Extraction:
    """Everything proposed for one article."""

    date: datetime.date
    dateline: str
    proposals: list[Proposal]

    @property
    def new_official_names(self) -> list[str]:
        """Names of speakers (people and institutions) the analyst may want to add as new Officials, in order of first
        appearance."""
        names: list[str] = []
        for proposal in self.proposals:
            if proposal.speaker and proposal.speaker.is_new_official and proposal.speaker.name not in names:
                names.append(proposal.speaker.name)
        return names

    def as_data(self) -> dict:
        """Plain JSON-ready data (dates as ISO strings), as the management command prints it."""

        def convert(value):
            if isinstance(value, datetime.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {key: convert(item) for key, item in value.items()}
            if isinstance(value, list | tuple):
                return [convert(item) for item in value]
            return value

        return {
            "date": self.date.isoformat(),
            "dateline": self.dateline,
            "new_officials": self.new_official_names,
            "proposals": [convert(dataclasses.asdict(proposal)) for proposal in self.proposals],
        }
