"""A valid CSV file in the export's columns, N rows naming the synthetic officials, topics and outlets.

Used by `bench/run.py --import-rows N` and to profile the import. The rows name what
`generate_statements` creates (statements/sample_data/synthetic.py), so they import into a benchmark database with
`--create-missing` creating only their sources (one per five rows, as a desk's reports carry a few statements each).
Every row's words are distinct, so none is a duplicate; the rows are a pure function of (rows, seed).

    .venv/bin/python -m bench.import_file 5000 > /tmp/rows.csv
"""

import csv
import datetime
import io
import random
import sys

COLUMNS = [
    "date",
    "speaker",
    "kind",
    "text",
    "topics",
    "countries",
    "officials_mentioned",
    "outlet",
    "source_title",
    "source_date",
    "medium",
]
ROWS_PER_SOURCE = 5


def import_csv(rows: int, *, seed: int = 1) -> bytes:
    from statements.sample_data.synthetic import OTHER_COUNTRIES, OUTLETS, TOPIC_TEXT, fictional_officials

    rng = random.Random(seed)
    names = [official["name"] for official in fictional_officials()]
    topics = list(TOPIC_TEXT)
    outlets = [name + " (synthetic)" for name, *_ in OUTLETS]
    start = datetime.date(2016, 1, 1)
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(rows):
        source = n // ROWS_PER_SOURCE
        day = start + datetime.timedelta(days=(source * 7) % 3650)
        writer.writerow(
            [
                day.isoformat(),
                rng.choice(names),
                rng.choice(["direct", "paraphrase"]),
                f"Imported benchmark statement {n} (seed {seed}): we keep working on {rng.choice(topics)}.",
                "; ".join(sorted(set(rng.sample(topics, rng.randint(0, 2))))),
                "; ".join(sorted(set(rng.sample(OTHER_COUNTRIES, rng.randint(0, 2))))),
                "; ".join(sorted(set(rng.sample(names, rng.randint(0, 1))))),
                outlets[source % len(outlets)],
                f"Imported benchmark report {source} (seed {seed})",
                day.isoformat(),
                "article",
            ]
        )
    return out.getvalue().encode("utf-8")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    sys.stdout.buffer.write(import_csv(int(sys.argv[1]), seed=int(sys.argv[2]) if len(sys.argv) > 2 else 1))
