"""Score the statement extractor: `make eval-extract` (add -v for every miss). Reads PolNeAR from ../shared at run
time and never copies it; skips it when it is not there."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from statements.extraction.evaluate import evaluate, load_jsonl  # noqa: E402

SEED_GOLD = ROOT / "tests" / "data" / "seed-gold.json"
POLNEAR = ROOT.parent / "shared" / "data" / "polnear-dev" / "articles.jsonl"


def main() -> int:
    verbose = "-v" in sys.argv[1:]
    summary = []
    seed = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    print("== seed article (tests/data/seed-gold.json): direct quotes and paraphrases")
    totals = evaluate([seed], ["direct", "paraphrase"], verbose=verbose, with_paraphrases=True)
    for kind, score in totals.items():
        print(f"  TOTAL {kind:10} {score.line()}")
    summary.append(f"seed direct F1 {totals['direct'].f1:.3f} speaker {totals['direct'].speaker_accuracy:.3f}")

    print(f"== PolNeAR development sample ({POLNEAR.parent})")
    if not POLNEAR.exists():
        print("  skipped: the sample is not there (it lives outside the repository, in ../shared/data)")
        summary.append("PolNeAR skipped")
    else:
        articles = load_jsonl(POLNEAR)
        totals = evaluate(articles, ["direct", "mixed"], verbose=verbose)
        print(f"  {len(articles)} articles")
        for kind, score in totals.items():
            print(f"  TOTAL {kind:10} {score.line()}")
        direct, mixed = totals["direct"], totals["mixed"]
        summary.append(
            f"PolNeAR direct F1 {direct.f1:.3f} speaker {direct.speaker_accuracy:.3f}; "
            f"mixed F1 {mixed.f1:.3f} speaker {mixed.speaker_accuracy:.3f}"
        )
    print("SUMMARY: " + "; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
