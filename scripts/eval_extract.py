"""Score the statement extractor: `make eval-extract` (add -v for every miss, --train to score the tuned-on parts
only, --every=N to score every Nth PolNeAR article only, --by-method for the accuracy of each kind of speaker).

Scores the seed article, the wire and briefing set and the wire tuning set, whose texts and gold are in
tests/data. Reads its other corpora at run time and never copies them: the PolNeAR sample from ../shared/data, and
the PolNeAR repository from the directory in the POLNEAR_DIR environment variable; each is skipped, with a message,
when it is not there. PolNeAR's `dev` part is reported by default; `--train` scores `train`, the part the rules are
tuned on, and leaves out the wire and briefing set, which is not tuned on, so that a tuning run never prints it.
Its `test` part is never read.

`--by-method` scores the tuned-on parts only (the wire tuning set and PolNeAR train) with every speaker named, none
left unknown, and prints the accuracy of direct quotes' names by how each was found and the confidence that gives:
what the confidences are set from.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from statements.extraction.evaluate import Score, evaluate, load_jsonl  # noqa: E402
from statements.extraction.polnear import load_cached  # noqa: E402

SEED_GOLD = ROOT / "tests" / "data" / "seed-gold.json"
WIRE_GOLD = ROOT / "tests" / "data" / "wire" / "wire-gold.jsonl"
WIRE_TRAIN_GOLD = ROOT / "tests" / "data" / "wire-train" / "wire-train-gold.jsonl"
POLNEAR_SAMPLE = ROOT.parent / "shared" / "data" / "polnear-dev" / "articles.jsonl"
TYPES = ["direct", "mixed"]
WIRE_TYPES = [*TYPES, "turn"]  # a transcript's speaker turn ("MR. KIRBY: ..."): see tests/data/wire/README.md


def report(title: str, totals: dict[str, Score], outlets: dict[str, dict[str, Score]] | None = None) -> None:
    print(f"  {title}")
    rows = [("ALL", totals)] + sorted((outlets or {}).items())
    for name, scores in rows:
        for kind in TYPES:
            print(f"  {name:12} {kind:7} {scores[kind].line()}")
            print(f"  {'':12} {'':7} {scores[kind].speaker_line()}")
    for kind in TYPES:
        print(f"  calibration {kind:7} (accuracy when named, by confidence) {totals[kind].calibration_line()}")


def summary_of(label: str, totals: dict[str, Score]) -> str:
    direct = totals["direct"]
    return (
        f"{label} direct F1 {direct.f1:.3f} right {direct.share(direct.speakers_right):.3f} "
        f"wrong {direct.share(direct.speakers_wrong):.3f} blank {direct.share(direct.speakers_blank):.3f} "
        f"named-accuracy {direct.named_accuracy:.3f} (strict: wrong "
        f"{direct.share(direct.speakers_wrong + direct.one_word_right):.3f} named-accuracy "
        f"{direct.strict_named_accuracy:.3f}); mixed F1 {totals['mixed'].f1:.3f}"
    )


def turns_of(totals: dict[str, Score]) -> str:
    turns = totals["turn"]
    return f"; turns {turns.found} of {turns.gold} found, {turns.false_positives} proposed that are none"


def scored_set(articles: list[dict], types: list[str], unit: str, verbose: bool) -> dict[str, Score]:
    """A small set scored per text, then its totals."""
    totals = evaluate(articles, types, verbose=verbose)
    print(f"  {len(articles)} {unit}")
    for kind, score in totals.items():
        print(f"  TOTAL {kind:10} {score.line()}")
        print(f"        {'':10} {score.speaker_line()}")
    return totals


def by_method(every: int) -> None:
    """Accuracy when named by method and confidence, with abstention off, on the tuned-on parts."""
    sets = [("wire tuning set", load_jsonl(WIRE_TRAIN_GOLD))]
    polnear = os.environ.get("POLNEAR_DIR", "")
    if polnear and (Path(polnear) / "data" / "train").is_dir():
        sets.append(("PolNeAR train", load_cached(Path(polnear), "train")[::every]))
    for title, articles in sets:
        totals = evaluate(articles, TYPES, per_article=False, abstain_below=0.0)
        print(f"== {title}: direct quotes' names by how they were found, none left unknown")
        for line in totals["direct"].method_lines():
            print(f"  {line}")


def main() -> int:
    args = sys.argv[1:]
    every = int(next((a.split("=")[1] for a in args if a.startswith("--every=")), "1"))
    if "--by-method" in args:
        by_method(every)
        return 0
    verbose = "-v" in args
    compartment = "train" if "--train" in args else "dev"
    summary = []
    seed = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    print("== seed article (tests/data/seed-gold.json): direct quotes and paraphrases")
    totals = evaluate([seed], ["direct", "paraphrase"], verbose=verbose, with_paraphrases=True)
    for kind, score in totals.items():
        print(f"  TOTAL {kind:10} {score.line()}")
    summary.append(f"seed direct F1 {totals['direct'].f1:.3f} speaker {totals['direct'].speaker_accuracy:.3f}")

    if compartment == "dev":
        print(f"== wire and briefing set ({WIRE_GOLD.relative_to(ROOT)}): news, statements, a briefing transcript")
        totals = scored_set(load_jsonl(WIRE_GOLD), WIRE_TYPES, "texts", verbose)
        summary.append(summary_of("wire set", totals) + turns_of(totals))
    print(f"== wire tuning set, tuned on ({WIRE_TRAIN_GOLD.relative_to(ROOT)}): news, statements, transcripts")
    totals = scored_set(load_jsonl(WIRE_TRAIN_GOLD), WIRE_TYPES, "texts", verbose)
    summary.append(summary_of("wire tuning set", totals) + turns_of(totals))

    print(f"== PolNeAR development sample ({POLNEAR_SAMPLE.parent})")
    if not POLNEAR_SAMPLE.exists():
        print("  skipped: the sample is not there (it lives outside the repository, in ../shared/data)")
        summary.append("PolNeAR sample skipped")
    else:
        totals = scored_set(load_jsonl(POLNEAR_SAMPLE), TYPES, "articles", verbose)
        summary.append(summary_of("PolNeAR sample", totals))

    polnear = os.environ.get("POLNEAR_DIR", "")
    print(f"== PolNeAR {compartment} (the repository networkdynamics/PolNeAR, from POLNEAR_DIR)")
    if not polnear or not (Path(polnear) / "data" / compartment).is_dir():
        print("  skipped: set POLNEAR_DIR to a local copy of the PolNeAR repository to score it")
        summary.append(f"PolNeAR {compartment} skipped")
    else:
        articles = load_cached(Path(polnear), compartment)
        articles = articles[::every]  # --every=4: a quarter of the articles, for quick tuning runs
        outlets: dict[str, dict[str, Score]] = {}
        started = time.perf_counter()
        totals = evaluate(articles, TYPES, verbose=verbose, per_article=False, by_outlet=outlets)
        elapsed = time.perf_counter() - started
        report(f"{len(articles)} articles, extracted in {elapsed:.1f} s", totals, outlets)
        summary.append(summary_of(f"PolNeAR {compartment}", totals))
    print("SUMMARY: " + "; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
