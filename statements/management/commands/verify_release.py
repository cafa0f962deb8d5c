"""`python manage.py verify_release DIR [--manifest-sha256 HASH]`: check a downloaded release (docs/releases.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements.releases import MANIFEST, verify


class Command(BaseCommand):
    help = (
        "Check a downloaded release folder against its manifest: every file present, unchanged, and nothing added. "
        "With --manifest-sha256 (the hash shown on /data/), the manifest itself is checked too."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The release's folder, with its manifest.json.")
        parser.add_argument(
            "--manifest-sha256", metavar="HASH", help="The SHA-256 of manifest.json published on the site's /data/."
        )

    def handle(self, *args, folder, manifest_sha256, **options):
        problems = verify(folder, manifest_sha256=manifest_sha256)
        if problems:
            raise CommandError(
                f"{folder} is not the release as published:\n" + "\n".join(f"- {problem}" for problem in problems)
            )
        self.stdout.write(self.style.SUCCESS(f"{folder}: every file matches {MANIFEST}."))
        if manifest_sha256 is None:
            self.stdout.write(
                f"The manifest itself was not checked: pass --manifest-sha256 with the hash of {MANIFEST} shown on "
                "the site's /data/ page."
            )
        else:
            self.stdout.write(f"{MANIFEST} matches the published SHA-256.")
