"""Print the statements the extractor proposes for an article file, as JSON."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements.extraction.db import extract_with_database


class Command(BaseCommand):
    help = "Propose statements (quotes, paraphrases, speakers, date, countries, topics) for an article; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A UTF-8 text file with the article.")
        parser.add_argument("--date", help="Publication date, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except (UnicodeDecodeError, IsADirectoryError) as error:
            raise CommandError(f"{path} is not a UTF-8 text file.") from error
        published = datetime.date.today()
        if options["date"]:
            try:
                published = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date must look like 2016-11-11, not {options['date']!r}.") from error
        result = extract_with_database(text, published=published)
        self.stdout.write(json.dumps(result.as_data(), ensure_ascii=False, indent=2))
