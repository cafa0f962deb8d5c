"""Score the extractor against gold quotes: precision, recall and F1 of quote spans, and speaker accuracy."""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .extract import ABSTAIN_BELOW, extract
from .names import clean_tokens, looks_like_person, name_runs, normalise, strip_title
from .transcript import turns
from .types import Proposal

# Confidence bands for the calibration table: (lowest confidence, label).
BANDS = ((0.9, "0.9-1.0"), (0.75, "0.75-0.9"), (0.6, "0.6-0.75"), (0.0, "<0.6"))


def same_person(said: str, gold: str) -> bool:
    """Exact full name, up to case, accents, middle names and initials: "Hillary Rodham Clinton" = "Hillary
    Clinton", "Karl B. Brandt Jr." = "Karl Brandt"; a surname alone is not the full name. A name with two family
    names is the name without the second: "Melba Acosta Febo" = "Melba Acosta" (the gold's parser cuts it there)."""
    a, b = normalise(said).split(), normalise(gold).split()
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) > 1 and len(longer) == len(shorter) + 1 and longer[:-1] == shorter:
        return True
    return a == b or (len(a) > 1 and len(b) > 1 and a[0] == b[0] and a[-1] == b[-1])


def full_names(text: str) -> list[str]:
    """Every full name the article writes (two name words or more once titles are stripped), as written."""
    names = []
    for _start, _end, tokens in name_runs(text):
        rest = clean_tokens(strip_title(tokens)[1])
        if looks_like_person(rest):
            names.append(" ".join(rest))
    return names


def one_word_resolves_to(said: str, gold: str, names: Sequence[str]) -> bool:
    """A gold name of one word ("Regalado", "Jane") counts for a full name the article writes with that word as its
    first or last name when the article writes no other full name with that word: the one word can only mean it."""
    word, full = normalise(gold).split(), normalise(said).split()
    if len(word) != 1 or len(full) < 2 or word[0] not in (full[0], full[-1]):
        return False
    holders = [name for name in names if (words := normalise(name).split()) and word[0] in (words[0], words[-1])]
    return bool(holders) and all(same_person(name, said) for name in holders)


def same_surname(said: str, gold: str) -> bool:
    a, b = normalise(said).split(), normalise(gold).split()
    return bool(a and b) and (a[-1] == b[-1] or same_person(said, gold))


def band(confidence: float) -> str:
    return next(label for low, label in BANDS if confidence >= low)


@dataclass
class Score:
    """Counts for one gold type (direct or mixed) over one or many articles."""

    gold: int = 0  # gold fragments
    found: int = 0  # gold fragments matched by a proposal
    proposed_hits: int = 0  # proposals whose best gold fragment is of this type
    false_positives: int = 0  # proposals that match no gold fragment (charged to every type but `turn`; see below)
    speakers: int = 0  # matched gold fragments with a resolved gold speaker (a person's name)
    speakers_right: int = 0  # named right (full name, or a one-word gold name the article resolves to it)
    one_word_right: int = 0  # ... of which right only by that one-word rule (wrong under the strict scoring)
    speakers_wrong: int = 0  # a name given, and it is not the gold one
    speakers_blank: int = 0  # no name given ("speaker unknown", or nobody found)
    surnames_right: int = 0
    institutions: int = 0  # matched gold fragments spoken by an institution or a document
    institutions_as_person: int = 0  # ... given a person's name
    bands: dict[str, list[int]] = field(default_factory=dict)  # band -> [named, right]
    methods: dict[tuple[str, float], list[int]] = field(default_factory=dict)  # (method, confidence) -> [named, right]
    misses: list[str] = field(default_factory=list)

    COUNTS = (
        "gold", "found", "proposed_hits", "false_positives", "speakers", "speakers_right", "one_word_right",
        "speakers_wrong",
        "speakers_blank", "surnames_right", "institutions", "institutions_as_person",
    )  # fmt: skip

    def add(self, other: "Score") -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in ((self.bands, other.bands), (self.methods, other.methods)):
            for key, (named, right) in theirs.items():
                counts = mine.setdefault(key, [0, 0])
                counts[0] += named
                counts[1] += right
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

    def share(self, count: int) -> float:
        return count / self.speakers if self.speakers else 0.0

    @property
    def speaker_accuracy(self) -> float:
        """Named right over all matched quotes with a resolved gold speaker (a blank counts against it)."""
        return self.speakers_right / self.speakers if self.speakers else 1.0

    @property
    def named_accuracy(self) -> float:
        """Accuracy when a name is given: right / (right + wrong)."""
        named = self.speakers_right + self.speakers_wrong
        return self.speakers_right / named if named else 1.0

    @property
    def surname_accuracy(self) -> float:
        named = self.speakers_right + self.speakers_wrong
        return self.surnames_right / named if named else 1.0

    @property
    def strict_named_accuracy(self) -> float:
        """Accuracy when named without the one-word rule: a one-word gold name is right only for exactly that word."""
        named = self.speakers_right + self.speakers_wrong
        return (self.speakers_right - self.one_word_right) / named if named else 1.0

    def line(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"speaker {self.speaker_accuracy:.3f} ({self.speakers_right}/{self.speakers})  "
            f"gold {self.gold}  found {self.found}  false+ {self.false_positives}"
        )

    def speaker_line(self) -> str:
        return (
            f"right {self.share(self.speakers_right):.3f}  wrong {self.share(self.speakers_wrong):.3f}  "
            f"blank {self.share(self.speakers_blank):.3f}  named-accuracy {self.named_accuracy:.3f}  "
            f"surname {self.surname_accuracy:.3f}  (of {self.speakers}; institutions given a person "
            f"{self.institutions_as_person}/{self.institutions}); strict (no one-word rule): wrong "
            f"{self.share(self.speakers_wrong + self.one_word_right):.3f}  named-accuracy "
            f"{self.strict_named_accuracy:.3f}"
        )

    def calibration_line(self) -> str:
        parts = []
        for _low, label in BANDS:
            named, right = self.bands.get(label, [0, 0])
            if named:
                parts.append(f"{label}: {right / named:.3f} ({right}/{named})")
        return "  ".join(parts) or "no names given"

    def method_lines(self) -> list[str]:
        """Accuracy when named by how the speaker was found and the confidence that gives, one line each."""
        return [
            f"{method:10} {confidence:.2f}  named {named:5}  accuracy {right / named:.3f}"
            + ("  (speaker unknown)" if confidence < ABSTAIN_BELOW else "")
            for (method, confidence), (named, right) in sorted(self.methods.items())
        ]


def _overlap(proposal: Proposal, start: int, end: int) -> int:
    return sum(max(0, min(end, f.end) - max(start, f.start)) for f in proposal.fragments)


def score_article(
    gold: Sequence[dict], proposals: Sequence[Proposal], types: Sequence[str], text: str = ""
) -> dict[str, Score]:
    """A proposal matches a gold fragment when their spans overlap by at least half of the gold fragment. With the
    article's `text`, a one-word gold name also counts for the full name the article resolves it to."""
    scores = {kind: Score() for kind in types}
    names = full_names(text) if text else []
    fragments = [
        (start, end, quote["type"], quote.get("speaker"), quote.get("speaker_kind", "person"))
        for quote in gold
        if quote["type"] in scores
        for start, end in quote["quote_spans"]
    ]
    for start, end, kind, speaker, speaker_kind in fragments:
        score = scores[kind]
        score.gold += 1
        matches = [(p, _overlap(p, start, end)) for p in proposals]
        matches = [(p, size) for p, size in matches if size * 2 >= end - start]
        if not matches:
            score.misses.append(f"missed {kind} [{start}:{end}] ({speaker})")
            continue
        score.found += 1
        best = max(matches, key=lambda pair: pair[1])[0]
        # only a person's name counts as naming someone: a description ("the candidate") is left to the analyst
        said = best.speaker.name if best.speaker and best.speaker.is_person else ""
        if speaker_kind == "institution":
            score.institutions += 1
            if said:
                score.institutions_as_person += 1
                score.misses.append(f"speaker {kind} [{start}:{end}]: the person {said} for an institution")
        if not speaker:
            continue
        score.speakers += 1
        if not said:
            score.speakers_blank += 1
            score.misses.append(f"speaker {kind} [{start}:{end}]: blank instead of {speaker}")
            continue
        one_word = not same_person(said, speaker) and one_word_resolves_to(said, speaker, names)
        right = same_person(said, speaker) or one_word
        score.speakers_right += right
        score.one_word_right += one_word
        score.speakers_wrong += not right
        score.surnames_right += same_surname(said, speaker)
        for counts in (
            score.bands.setdefault(band(best.speaker.confidence), [0, 0]),
            score.methods.setdefault((best.speaker.method, best.speaker.confidence), [0, 0]),
        ):
            counts[0] += 1
            counts[1] += right
        if not right:
            score.misses.append(
                f"speaker {kind} [{start}:{end}]: {said} ({best.speaker.method} {best.speaker.confidence:.2f}) "
                f"instead of {speaker}"
            )
    # A proposal that matches nothing has no gold type: it is charged to direct and mixed alike, and to `turn` only
    # when it is a transcript turn, so that a news article's false quotes do not read as false turns.
    turn_starts = {turn.fragments[0][0] for turn in turns(text)} if "turn" in scores and text else set()
    for proposal in proposals:
        charged = [score for kind, score in scores.items() if kind != "turn" or proposal.start in turn_starts]
        hits = [
            (_overlap(proposal, start, end), kind)
            for start, end, kind, _speaker, _kind in fragments
            if _overlap(proposal, start, end) * 2 >= end - start
        ]
        if hits:
            scores[max(hits)[1]].proposed_hits += 1
        elif any(_overlap(proposal, s, e) for s, e, *_rest in fragments):
            for score in charged:
                score.false_positives += 1
                score.misses.append(f"partial overlap only: proposal [{proposal.start}:{proposal.end}]")
        else:
            for score in charged:
                score.false_positives += 1
                score.misses.append(f"false+ [{proposal.start}:{proposal.end}] ({proposal.kind})")
    return scores


def evaluate(
    articles: Sequence[dict],
    types: Sequence[str],
    verbose: bool = False,
    with_paraphrases: bool = False,
    per_article: bool = True,
    by_outlet: dict[str, dict[str, Score]] | None = None,
    abstain_below: float = ABSTAIN_BELOW,
) -> dict[str, Score]:
    """Run the extractor on each article (no known officials: names come from the text) and print per-article lines
    (or only the misses, with `verbose` and not `per_article`). Per-outlet totals go into `by_outlet` when given.
    `abstain_below` is passed to the extractor (0: every speaker is named, to measure each kind)."""
    totals = {kind: Score() for kind in types}
    for article in articles:
        published = datetime.date.fromisoformat(article["date"])
        result = extract(article["text"], published=published, abstain_below=abstain_below)
        # PolNeAR's `quotes` are the quoted attributions: paraphrases without quotation marks are scored elsewhere
        proposals = [p for p in result.proposals if p.has_quote or with_paraphrases]
        scores = score_article(article["quotes"], proposals, types, article["text"])
        outlet = (
            by_outlet.setdefault(article.get("publisher", ""), {k: Score() for k in types})
            if by_outlet is not None
            else None
        )
        for kind in types:
            totals[kind].add(scores[kind])
            if outlet is not None:
                outlet[kind].add(scores[kind])
            if scores[kind].gold or scores[kind].false_positives:
                if per_article:
                    print(f"  {article['id'][:60]:60}  {kind:10} {scores[kind].line()}")
                if verbose:
                    for miss in scores[kind].misses:
                        print(f"      {article['id'][:60]} {miss}" if not per_article else f"      {miss}")
    return totals


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
