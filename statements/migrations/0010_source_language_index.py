"""An index on the sources' language: the timeline's filter form lists the languages on every request, and
PostgreSQL reads them from this index one probe per language (SourceManager.languages) instead of reading every
source. SQLite skips through the same index for its DISTINCT."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0009_search_document_on_the_row"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["language"], name="source_language"),
        ),
    ]
