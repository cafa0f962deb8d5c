"""Measure the CSV export's memory at 10k and 100k statements: it should stay flat, because the export streams.

Usage: .venv/bin/python scripts/measure_export_memory.py [--sizes 10000 100000] [--database-url URL]

Without --database-url it works in a throwaway SQLite file, so no real database is touched; with it, give an empty
scratch database (statements are added to reach each size). The statements come from
statements/sample_data/synthetic.py (labelled fictional officials and outlet). For each size a fresh process streams
/export.csv through the real view, reads the whole file and throws it away, twice:
1. without tracing, reporting the process's peak resident memory (max RSS: Python objects plus the database
   driver's C buffers) and how much it grew during the export;
2. with tracemalloc, reporting the peak of Python allocations during the export.

Figures are recorded in docs/csv.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def stream_export() -> dict:
    """Read the whole export once; return its size, row and query counts and the time taken."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from statements.views_export import export_csv

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        total_bytes = lines = 0
        for chunk in export_csv(RequestFactory().get("/export.csv")).streaming_content:
            total_bytes += len(chunk)
            lines += chunk.count(b"\r\n")  # synthetic text has no line breaks inside cells
    return {
        "rows": lines - 1,
        "mb": total_bytes / 1e6,
        "queries": len(queries),
        "seconds": time.perf_counter() - started,
    }


def measure() -> None:
    """In a fresh process: max RSS over an untraced export, then the tracemalloc peak of a traced one."""
    setup_django()
    from statements.models import Statement

    total = Statement.objects.count()  # also loads the models, the URLconf and a connection before measuring
    rss_before = max_rss_mb()
    result = stream_export()
    rss_after = max_rss_mb()
    tracemalloc.start()
    stream_export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result.update(statements=total, max_rss=rss_after, rss_growth=rss_after - rss_before, traced_peak=peak / 1e6)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", help="An empty scratch database instead of a throwaway SQLite file.")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child process's mode
    args = parser.parse_args()
    if args.measure:
        measure()
        return

    workdir = tempfile.TemporaryDirectory(prefix="export-memory-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir.name}/measure.sqlite3"
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from statements.models import Statement
    from statements.sample_data.synthetic import generate_statements

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    print("statements  exported  file MB  max RSS MB  RSS growth MB  traced peak MB  queries  seconds")
    for size in sorted(args.sizes):
        missing = size - Statement.objects.count()
        if missing > 0:
            generate_statements(count=missing, seed=1)
        connection.close()
        child = subprocess.run(
            [sys.executable, __file__, "--measure"], capture_output=True, text=True, check=True, env=os.environ
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{r['statements']:>10,} {r['rows']:>9,} {r['mb']:>8.1f} {r['max_rss']:>11.1f} {r['rss_growth']:>14.1f} "
            f"{r['traced_peak']:>15.1f} {r['queries']:>8} {r['seconds']:>8.1f}"
        )
    workdir.cleanup()


if __name__ == "__main__":
    main()
