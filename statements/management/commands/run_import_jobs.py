"""Run the import jobs queued by the admin's CSV upload (docs/operations.md)."""

import time

from django.core.management.base import BaseCommand

from statements import import_jobs


class Command(BaseCommand):
    help = "Import the CSV files queued in the admin, oldest first: each all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the queued jobs, then exit (for cron).")
        parser.add_argument(
            "--sleep", type=float, default=5.0, help="Seconds to wait when no job is queued (default 5)."
        )

    def handle(self, *args, once, sleep, **options):
        while True:
            while (job := import_jobs.claim()) is not None:
                again = f" again, attempt {job.attempts} of {import_jobs.MAX_ATTEMPTS}" if job.attempts > 1 else ""
                self.stdout.write(f"Job {job.pk} ({job.filename}): running{again}…")
                job = import_jobs.run(job)
                self.stdout.write(f"Job {job.pk}: {job.get_state_display().lower()}. {job.summary}")
            if once:
                return
            time.sleep(sleep)
