"""What the article assistant proposes to code each extracted statement with (docs/codebook.md#proposals-from-the-
article-assistant): a speech act from the cue table (statements/extraction/cues.py) and a target from the countries
and officials the statement names. Proposals only: the analyst confirms or changes each, and nothing is coded unless
confirmed. A proposal never breaks the codebook's consistency rules: the stance is left to the analyst, except
where the rules allow one only (declining to comment takes no stance)."""

from dataclasses import dataclass, field

from statements.extraction.suggestions import propose_target
from statements.extraction.types import Extraction, KnownCountry, KnownOfficial
from statements.models import Official

from .codebook import SpeechAct, Stance, refusals


def only_stance(act: str) -> tuple[bool, int | None]:
    """(True, the stance) when the codebook's rules leave the act a single stance (declining to comment: none);
    (False, None) when the analyst has a choice to make."""
    allowed = [stance for stance in (None, *Stance.values) if not refusals(act, stance)]
    return (True, allowed[0]) if len(allowed) == 1 else (False, None)


@dataclass(frozen=True)
class ProposedCoding:
    """A coding proposed for one extracted statement: each part may be missing (nothing named, no cue)."""

    country_id: int | None = None
    official_id: int | None = None
    act: str = ""
    stance_given: bool = False  # the rules allow the act one stance only: `stance` (None: No stance)
    stance: int | None = None
    also_named: list[str] = field(default_factory=list)  # the other countries and officials named, to choose from
    cue: str = ""

    @property
    def is_empty(self) -> bool:
        return self.country_id is None and self.official_id is None and not self.act


def propose_codings(extraction: Extraction) -> list[ProposedCoding]:
    """One ProposedCoding per proposal of the extraction, in order. The speaker's own side is the one they spoke for
    on the statements' date (Official.side_on): one query per distinct known speaker, plus one for them all."""
    speaker_ids = {p.speaker.official_id for p in extraction.proposals if p.speaker and p.speaker.official_id}
    speakers = Official.objects.select_related("country").in_bulk(speaker_ids) if speaker_ids else {}
    sides = {pk: official.side_on(extraction.date) for pk, official in speakers.items()}
    proposed = []
    for proposal in extraction.proposals:
        speaker_id = proposal.speaker.official_id if proposal.speaker else None
        side = sides.get(speaker_id)
        own_country = side.country.code if side and side.country else ""
        own = {pk for pk in (speaker_id, side.institution.pk if side and side.institution else None) if pk}
        target = propose_target(proposal.targets, own_country=own_country, own=own)
        act = proposal.act if proposal.act in SpeechAct.values else ""
        stance_given, stance = only_stance(act) if act else (False, None)
        if refusals(act, stance):  # never propose a contradiction (only_stance keeps to the rules already)
            act, stance_given, stance = "", False, None
        proposed.append(
            ProposedCoding(
                country_id=target.id if isinstance(target, KnownCountry) else None,
                official_id=target.id if isinstance(target, KnownOfficial) else None,
                act=act,
                stance_given=stance_given,
                stance=stance,
                also_named=[other.name for other in proposal.targets if other is not target],
                cue=proposal.cue,
            )
        )
    return proposed
