"""Give some synthetic statements another report (statements/sample_data/reports.py): on a database that holds them
already, idempotent, in bulk batches with progress shown."""

import sys
import time

from django.core.management.base import BaseCommand

from statements.sample_data.reports import REPORTED_SHARE, report_synthetic_statements

from .generate_statements import Progress, analyze, duration, positive_int


class Command(BaseCommand):
    help = (
        f"Give about {REPORTED_SHARE:.0%} of the synthetic statements not looked at yet another report by a second "
        "fictional outlet, in bulk batches; running it again makes nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Seed: the same seed gives the same reports.")
        parser.add_argument(
            "--batch-size", type=positive_int, default=5000, metavar="B", help="Statements per batch (default 5000)."
        )
        parser.add_argument("--no-analyze", action="store_true", help="Skip ANALYZE after reporting.")

    def handle(self, *args, seed: int, batch_size: int, no_analyze: bool, **options):
        started = time.monotonic()
        redraw = options.get("stdout") is None and sys.stdout.isatty()
        self.stdout.write(f"Giving synthetic statements other reports (seed {seed})…")
        made = report_synthetic_statements(
            seed=seed, batch_size=batch_size, progress=Progress(self.stdout, redraw=redraw)
        )
        if made and not no_analyze:
            analyze()
        self.stdout.write(
            self.style.SUCCESS(f"Made {made:,} synthetic other reports in {duration(time.monotonic() - started)}.")
        )
