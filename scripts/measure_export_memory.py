"""Measure the CSV export's peak Python memory at 10k and 100k statements: it should stay flat (it streams).

Usage: .venv/bin/python scripts/measure_export_memory.py [--sizes 10000 100000] [--database-url URL]

Without --database-url it works in a throwaway SQLite file, so no real database is touched. The statements come
from statements/synthetic.py (labelled fictional officials and outlet). For each size the script streams
/export.csv through the real view and records the tracemalloc peak (Python objects) and the growth of the
process's resident memory (RSS+, which also counts the database driver's C buffers) while the file is consumed
and thrown away.
Figures are recorded in docs/csv.md.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Current resident memory of this process (Linux), which also counts C buffers tracemalloc cannot see."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_SIZE
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", help="Use this database instead of a throwaway SQLite file.")
    args = parser.parse_args()

    workdir = tempfile.TemporaryDirectory(prefix="export-memory-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir.name}/measure.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from statements.models import Statement
    from statements.synthetic import generate_statements
    from statements.views_export import export_csv

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"{'statements':>10} {'exported':>9} {'file MB':>8} {'peak MB':>8} {'RSS+ MB':>8} {'queries':>8} {'seconds':>8}"
    )
    for size in sorted(args.sizes):
        missing = size - Statement.objects.count()
        if missing > 0:
            generate_statements(count=missing, seed=1)
        request = RequestFactory().get("/export.csv")
        rss_before = rss_peak = rss_bytes()
        tracemalloc.start()
        tracemalloc.reset_peak()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = export_csv(request)
            total_bytes = rows = 0
            for number, chunk in enumerate(response.streaming_content):
                total_bytes += len(chunk)
                rows += chunk.count(b"\r\n")  # approximate: a cell may hold a line break (synthetic text does not)
                if number % 500 == 0:
                    rss_peak = max(rss_peak, rss_bytes())
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{Statement.objects.count():>10,} {rows - 1:>9,} {total_bytes / 1e6:>8.1f} {peak / 1e6:>8.1f} "
            f"{(rss_peak - rss_before) / 1e6:>8.1f} {len(queries):>8} {elapsed:>8.1f}"
        )
    workdir.cleanup()


if __name__ == "__main__":
    main()
