"""Code the synthetic statements with synthetic stances and speech acts (statements/sample_data/codings.py): on a
database that holds them already, idempotent, in bulk batches with progress shown."""

import sys
import time

from django.core.management.base import BaseCommand

from statements.sample_data.codings import code_synthetic_statements

from .generate_statements import Progress, analyze, duration, positive_int


class Command(BaseCommand):
    help = (
        "Code the synthetic statements not coded yet (most of them, one coding each; one pair of countries "
        "hardens in 2020), in bulk batches; running it again codes nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Seed: the same seed gives the same codings.")
        parser.add_argument(
            "--batch-size", type=positive_int, default=5000, metavar="B", help="Statements per batch (default 5000)."
        )
        parser.add_argument("--no-analyze", action="store_true", help="Skip ANALYZE after coding.")

    def handle(self, *args, seed: int, batch_size: int, no_analyze: bool, **options):
        started = time.monotonic()
        redraw = options.get("stdout") is None and sys.stdout.isatty()
        self.stdout.write(f"Coding the synthetic statements not coded yet (seed {seed})…")
        made = code_synthetic_statements(
            seed=seed, batch_size=batch_size, progress=Progress(self.stdout, redraw=redraw)
        )
        if made and not no_analyze:
            analyze()
        self.stdout.write(
            self.style.SUCCESS(f"Made {made:,} synthetic codings in {duration(time.monotonic() - started)}.")
        )
