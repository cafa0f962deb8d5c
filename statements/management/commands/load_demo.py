"""Load the demo data: the seed TASS article curated by hand, plus optional synthetic statements."""

from django.core.management.base import BaseCommand, CommandError

from statements.models import Statement
from statements.sample_data.codings import code_synthetic_statements, double_code_sample
from statements.sample_data.demo import load_demo
from statements.sample_data.reports import report_synthetic_statements
from statements.sample_data.synthetic import generate_statements


class Command(BaseCommand):
    help = (
        "Load the seed article (TASS, 11 November 2016) curated by hand; safe to run again. With --synthetic N, "
        "top up to N clearly labelled synthetic statements by fictional officials, coded, with a double-coded sample."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--synthetic",
            type=int,
            default=0,
            metavar="N",
            help="Make sure there are at least N synthetic statements (adds only the missing ones).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed for the synthetic statements (default 1).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per bulk insert (default 5000).")

    def handle(self, *args, synthetic: int, seed: int, batch_size: int, **options):
        if synthetic < 0:
            raise CommandError("--synthetic must be 0 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        tally = load_demo()
        self.stdout.write(f"Seed article: {tally.summary()}.")
        if synthetic:
            existing = Statement.objects.filter(is_synthetic=True).count()
            missing = synthetic - existing
            if missing <= 0:
                self.stdout.write(f"Synthetic statements: {existing} already there, none added.")
            else:
                added = generate_statements(
                    count=missing,
                    seed=seed,
                    batch_size=batch_size,
                    progress=lambda done, total: self.stdout.write(f"  {done}/{total} synthetic statements"),
                )
                self.stdout.write(f"Synthetic statements: added {added}, now {existing + added}.")
            coded = code_synthetic_statements(seed=seed, batch_size=batch_size)
            self.stdout.write(f"Synthetic codings: added {coded}.")
            reported = report_synthetic_statements(seed=seed, batch_size=batch_size)
            self.stdout.write(f"Synthetic other reports: added {reported}.")
            doubled = double_code_sample(seed=seed)
            self.stdout.write(f"Double-coded sample (for the agreement report): {doubled} statements coded again.")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
