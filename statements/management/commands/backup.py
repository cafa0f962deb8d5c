"""`python manage.py backup OUTPUT`: back up the database, with a manifest of every table's row count and checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from statements.backups import BackupError, create_backup, manifest_path


class Command(BaseCommand):
    help = "Back up the database to OUTPUT (SQLite backup API or pg_dump) and write OUTPUT.manifest.json beside it."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="The backup file to write; it must not exist yet.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Which database to back up.")

    def handle(self, *args, output, database, **options):
        try:
            manifest = create_backup(connection=connections[database], output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) to {output}; "
                f"checksums in {manifest_path(output)}."
            )
        )
