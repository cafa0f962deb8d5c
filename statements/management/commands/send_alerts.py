"""Send the email alerts that are due (docs/alerts.md): from cron or a systemd timer every few minutes, or --loop."""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from statements.alerts import sending

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send every alert digest that is due, each statement at most once per subscription; then exit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Run again and again, for a deployment without cron or timers."
        )
        parser.add_argument(
            "--sleep", type=float, default=300.0, help="With --loop, seconds between runs (default 300)."
        )

    def handle(self, *args, loop, sleep, verbosity, **options):
        if not loop:
            summary = self.run_once(verbosity)
            if not summary.ok:  # a non-zero exit: cron mails it, a systemd timer marks the unit failed
                raise CommandError(summary.stopped)
            return
        while True:
            # A connection the database dropped (a restart) is closed here and opened afresh by the run.
            close_old_connections()
            try:
                self.run_once(verbosity)
            except Exception:  # the loop outlives a run that failed (the database restarting, say)
                logger.exception("send_alerts: the run failed; the next one starts in %s seconds", sleep)
            time.sleep(sleep)

    def run_once(self, verbosity: int) -> sending.Summary:
        # Progress when run by hand, in a terminal; a cron log gets the summary line only.
        interactive = verbosity > 1 or (verbosity == 1 and self.stdout.isatty())
        summary = sending.run(progress=self.progress if interactive else None)
        if interactive:
            self.stdout.write("")
        self.stdout.write(summary.line())
        return summary

    def progress(self, done: int, total: int) -> None:
        self.stdout.write(f"\r{done}/{total} subscriptions", ending="")
        self.stdout.flush()
