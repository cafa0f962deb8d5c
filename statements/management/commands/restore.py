"""`python manage.py restore INPUT`: restore a backup into an empty database and verify every table's checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from statements.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore INPUT (made by `backup`) into the database, then check every table's row count and checksum "
        "against INPUT.manifest.json. Refuses a database that already has tables unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="The backup file; its manifest must sit beside it.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Which database to restore into.")
        parser.add_argument("--force", action="store_true", help="Replace everything in a non-empty database.")

    def handle(self, *args, input, database, force, **options):
        try:
            manifest = restore_backup(connection=connections[database], backup=input, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest['tables'])} tables ({rows} rows) from {input}; every checksum matches."
            )
        )
