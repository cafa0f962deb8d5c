"""Import statements from a CSV file in the export's column format: every row or none."""

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from statements.imports import MAX_IMPORT_BYTES, import_statements
from statements.management.commands.generate_statements import Progress, duration


class Command(BaseCommand):
    help = (
        "Import statements from a UTF-8 CSV file with the export's columns (see docs/csv.md). "
        "Nothing is written if any row has an error; imported statements are drafts unless --publish is given; rows "
        "repeating another row or an existing statement (same speaker, date and words) are skipped unless "
        "--keep-duplicates is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create officials, topics, outlets and sources that do not exist yet (otherwise each is an error).",
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the imported statements (each needs a source)."
        )
        parser.add_argument(
            "--keep-duplicates",
            action="store_true",
            help="Import rows with the same speaker, date and words as another row or an existing statement "
            "(otherwise they are listed and skipped).",
        )
        parser.add_argument(
            "--add-as-reports",
            action="store_true",
            help="A row repeating an existing statement's words from another outlet adds its source to that statement "
            "as another report (otherwise it is listed and skipped as a duplicate).",
        )
        parser.add_argument(
            "--links",
            metavar="LINKS_FILE",
            help="The links CSV exported with the statements file (/export-links.csv with the same filters): link the "
            "imported statements as they were linked, by the ids in the file's id column.",
        )

    def handle(
        self,
        *args,
        file,
        dry_run,
        create_missing,
        publish,
        keep_duplicates,
        add_as_reports=False,
        links=None,
        **options,
    ):
        # The progress line goes to stderr, so that stdout stays the report (duplicates, what was created, the count).
        redraw = options.get("stderr") is None and sys.stderr.isatty()
        progress = Progress(self.stderr, redraw=redraw, unit="rows")
        started = time.monotonic()
        try:
            with open(file, "rb") as handle, open(links or os.devnull, "rb") as links_handle:
                result = import_statements(
                    file=handle,
                    dry_run=dry_run,
                    create_missing=create_missing,
                    publish=publish,
                    keep_duplicates=keep_duplicates,
                    add_as_reports=add_as_reports,
                    reason=f"Imported from {os.path.basename(file)} with manage.py import_statements.",
                    progress=progress,
                    links=links_handle if links else None,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}.") from None
        if not result.ok:
            for message in result.messages():
                self.stderr.write(message)
            problems = len(result.errors) or 1
            raise CommandError(
                f"Nothing was imported from {file}: {problems} problem{pluralize(problems)}. "
                f"(Files may be up to {MAX_IMPORT_BYTES // (1024 * 1024)} MB, UTF-8, comma-separated.)"
            )
        for duplicate in result.duplicates:
            self.stdout.write(str(duplicate))
        for kind, names in result.created.items():
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(f"{verb} {kind} ({len(names)}): {', '.join(names)}")  # "sources (1)", not "1 sources"
        seconds = max(time.monotonic() - started, 1e-6)
        rows = f"{result.rows:,} row{pluralize(result.rows)}"
        self.stdout.write(f"Read {rows} in {duration(seconds)} ({result.rows / seconds:,.0f} rows/s).")
        status = "published" if publish else "draft"
        statements = f"{result.statements} {status} statement{pluralize(result.statements)}"
        if dry_run:
            self.stdout.write(f"Dry run: {statements} would be imported; nothing written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {statements} from {file}."))
        if result.reports:
            verb = "Would add" if dry_run else "Added"
            self.stdout.write(
                f"{verb} {result.reports} other report{pluralize(result.reports)} to existing statements."
            )
        if result.skipped:
            verb = "Would skip" if dry_run else "Skipped"
            self.stdout.write(f"{verb} {result.skipped} duplicate row{pluralize(result.skipped)}.")
        if links:
            for skipped in result.links_skipped:
                self.stdout.write(str(skipped))
            verb = "Would link" if dry_run else "Linked"
            skipped = len(result.links_skipped)
            self.stdout.write(
                f"{verb} {result.links} pair{pluralize(result.links)} of statements from {links}"
                + (f"; skipped {skipped} link{pluralize(skipped)} to statements not in the file." if skipped else ".")
            )
