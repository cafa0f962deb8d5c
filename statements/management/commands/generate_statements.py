"""Generate N clearly labelled synthetic statements (fictional officials and outlets) for demos and benchmarks.

Rows come from statements/sample_data/synthetic.py in bulk batches; numbering continues after the existing synthetic
statements, so running the command twice adds more rather than repeating. After the load the planner statistics are
refreshed (ANALYZE), because a table that grew from a few rows to a million otherwise gets the plans of an empty one.
"""

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from statements.sample_data.codings import code_synthetic_statements
from statements.sample_data.reports import report_synthetic_statements
from statements.sample_data.synthetic import generate_statements

MAX_COUNT = 10_000_000


def positive_int(value: str) -> int:
    """argparse type for --count and --batch-size: a whole number of at least 1, with a clear message otherwise."""
    # ArgumentTypeError: argparse turns it into a usage message (a CommandError when called from code).
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a whole number.") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is too small: give at least 1.")
    return number


def duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class Progress:
    """One progress line, redrawn in place on a terminal and printed once per batch otherwise (logs, tests)."""

    def __init__(self, stdout, *, redraw: bool, unit: str = "statements"):
        self.stdout = stdout
        self.redraw = redraw
        self.unit = unit
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {done:,}/{total:,} {self.unit}, {rate:,.0f}/s, {duration(elapsed)} elapsed"
        if done < total:
            line += f", about {duration(eta)} left"
        if self.redraw:
            self.stdout.write("\r" + line, ending="\n" if done >= total else "")
            self.stdout.flush()
        else:
            self.stdout.write(line)


class Command(BaseCommand):
    help = (
        "Add N synthetic statements (fictional officials and outlets, every row marked is_synthetic) in "
        "bulk batches, deterministically for a seed, then refresh the planner statistics (ANALYZE)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=positive_int, required=True, metavar="N", help="How many statements to add."
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed: the same seed gives the same rows (default 1).")
        parser.add_argument(
            "--batch-size", type=positive_int, default=5000, metavar="B", help="Rows per bulk insert (default 5000)."
        )
        parser.add_argument("--no-analyze", action="store_true", help="Skip ANALYZE after the load.")
        parser.add_argument(
            "--no-codings", action="store_true", help="Leave the new statements uncoded (see code_synthetic)."
        )
        parser.add_argument(
            "--no-reports",
            action="store_true",
            help="Give none of the new statements another report (see report_synthetic).",
        )

    def handle(self, *args, count: int, seed: int, batch_size: int, no_analyze: bool, **options):
        no_codings = options.get("no_codings", False)
        # Also checked here: call_command() passes keyword arguments without argparse's type check.
        for name, value in (("--count", count), ("--batch-size", batch_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise CommandError(f"{name} must be a whole number of at least 1, not {value!r}.")
        if count > MAX_COUNT:
            raise CommandError(f"--count {count:,} is more than this command makes at once ({MAX_COUNT:,}).")
        started = time.monotonic()
        redraw = options.get("stdout") is None and sys.stdout.isatty()
        self.stdout.write(f"Generating {count:,} synthetic statements (seed {seed}, batches of {batch_size:,})…")
        added = generate_statements(
            count=count, seed=seed, batch_size=batch_size, progress=Progress(self.stdout, redraw=redraw)
        )
        if not no_codings:
            self.stdout.write("Coding them (stance and speech act; code_synthetic)…")
            coded = code_synthetic_statements(
                seed=seed, batch_size=batch_size, progress=Progress(self.stdout, redraw=redraw, unit="statements coded")
            )
            self.stdout.write(f"Made {coded:,} synthetic codings.")
        if not options.get("no_reports", False):
            self.stdout.write("Giving some of them another report (report_synthetic)…")
            reported = report_synthetic_statements(
                seed=seed, batch_size=batch_size, progress=Progress(self.stdout, redraw=redraw, unit="statements")
            )
            self.stdout.write(f"Made {reported:,} synthetic other reports.")
        if not no_analyze:
            analyze_started = time.monotonic()
            analyze()
            self.stdout.write(
                f"Planner statistics refreshed (ANALYZE) in {duration(time.monotonic() - analyze_started)}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Added {added:,} synthetic statements in {duration(time.monotonic() - started)}.")
        )


def analyze() -> None:
    """Refresh the query planner's statistics for the whole database.

    On PostgreSQL VACUUM as well: it marks the freshly written pages all-visible, without which an index-only
    scan still visits the table for every row (the covering indexes of migration 0005 depend on it).
    """
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (a caller's atomic block, a test): ANALYZE alone then.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
