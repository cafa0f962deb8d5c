"""Score the extractor against gold quotes: precision, recall and F1 of quote spans, and speaker accuracy."""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .extract import extract
from .names import normalise
from .types import Proposal


@dataclass
class Score:
    """Counts for one gold type (direct or mixed) over one or many articles."""

    gold: int = 0  # gold fragments
    found: int = 0  # gold fragments matched by a proposal
    proposed_hits: int = 0  # proposals whose best gold fragment is of this type
    false_positives: int = 0  # proposals that match no gold fragment at all (charged to every type)
    speakers: int = 0  # matched gold fragments with a gold speaker
    speakers_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("gold", "found", "proposed_hits", "false_positives", "speakers", "speakers_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @property
    def precision(self) -> float:
        total = self.proposed_hits + self.false_positives
        return self.proposed_hits / total if total else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_right / self.speakers if self.speakers else 1.0

    def line(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"speaker {self.speaker_accuracy:.3f} ({self.speakers_right}/{self.speakers})  "
            f"gold {self.gold}  found {self.found}  false+ {self.false_positives}"
        )


def _overlap(proposal: Proposal, start: int, end: int) -> int:
    return sum(max(0, min(end, f.end) - max(start, f.start)) for f in proposal.fragments)


def score_article(gold: Sequence[dict], proposals: Sequence[Proposal], types: Sequence[str]) -> dict[str, Score]:
    """A proposal matches a gold fragment when their spans overlap by at least half of the gold fragment."""
    scores = {kind: Score() for kind in types}
    fragments = [
        (start, end, quote["type"], quote.get("speaker"))
        for quote in gold
        if quote["type"] in scores
        for start, end in quote["quote_spans"]
    ]
    for start, end, kind, speaker in fragments:
        score = scores[kind]
        score.gold += 1
        matches = [(p, _overlap(p, start, end)) for p in proposals]
        matches = [(p, size) for p, size in matches if size * 2 >= end - start]
        if not matches:
            score.misses.append(f"missed {kind} [{start}:{end}] ({speaker})")
            continue
        score.found += 1
        if speaker:
            best = max(matches, key=lambda pair: pair[1])[0]
            score.speakers += 1
            said = best.speaker.name if best.speaker else ""
            if normalise(said) == normalise(speaker):
                score.speakers_right += 1
            else:
                score.misses.append(f"speaker {kind} [{start}:{end}]: {said or '-'} instead of {speaker}")
    for proposal in proposals:
        hits = [
            (_overlap(proposal, start, end), kind)
            for start, end, kind, _speaker in fragments
            if _overlap(proposal, start, end) * 2 >= end - start
        ]
        if hits:
            scores[max(hits)[1]].proposed_hits += 1
        elif any(_overlap(proposal, s, e) for s, e, _k, _sp in fragments):
            for score in scores.values():
                score.false_positives += 1
                score.misses.append(f"partial overlap only: proposal [{proposal.start}:{proposal.end}]")
        else:
            for score in scores.values():
                score.false_positives += 1
                score.misses.append(f"false+ [{proposal.start}:{proposal.end}] ({proposal.kind})")
    return scores


def evaluate(
    articles: Sequence[dict], types: Sequence[str], verbose: bool = False, with_paraphrases: bool = False
) -> dict[str, Score]:
    """Run the extractor on each article (no known officials: names come from the text) and print per-article lines."""
    totals = {kind: Score() for kind in types}
    for article in articles:
        published = datetime.date.fromisoformat(article["date"])
        result = extract(article["text"], published=published)
        # PolNeAR's `quotes` are the quoted attributions: paraphrases without quotation marks are scored elsewhere
        proposals = [p for p in result.proposals if p.has_quote or with_paraphrases]
        scores = score_article(article["quotes"], proposals, types)
        for kind in types:
            totals[kind].add(scores[kind])
            if scores[kind].gold or scores[kind].false_positives:
                print(f"  {article['id'][:60]:60}  {kind:10} {scores[kind].line()}")
                if verbose:
                    for miss in scores[kind].misses:
                        print(f"      {miss}")
    return totals


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
