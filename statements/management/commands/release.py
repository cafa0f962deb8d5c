"""`python manage.py release`: write the next open-data release of everything published (docs/releases.md)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements.releases import ReleaseError, progress_line, releases_root, write_release


class Command(BaseCommand):
    help = (
        "Write the next numbered, dated release of the published statements (CSV, JSON Lines, codings, links, data "
        "dictionary, licence, citation, manifest) into RELEASES_ROOT. Never overwrites a release."
    )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(what: str, done: int, total: int) -> None:
            self.stdout.write(progress_line(what, done, total, started))
            self.stdout.flush()

        try:
            release = write_release(root=releases_root(), site_url=settings.SITE_URL, progress=progress)
        except (ReleaseError, OSError) as error:
            raise CommandError(f"No release was written: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {release.number} written to {release.path}: {release.counts['statements']:,} statements, "
                f"{release.total_bytes:,} bytes in {time.monotonic() - started:,.0f} s. "
                f"SHA-256 of its manifest: {release.manifest_sha256}"
            )
        )
