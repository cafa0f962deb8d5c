"""The speaker index covers what the timeline reads and filters on (docs/performance.md).

A speaker filter walked (speaker, status, date) and visited the table for every statement to test its kind and
read its topics, then sorted the speaker's statements by id within each date: 31 ms for a common speaker at a
million statements on SQLite, 84 ms with a year and `kind=paraphrase`. With id, kind, source, language and the
link copies in the index the walk reads the index alone, in order, and stops after the newest matches.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0007_link_caches"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                fields=[
                    "speaker",
                    "status",
                    "-date",
                    "-id",
                    "kind",
                    "source",
                    "original_language",
                    "topics_cache",
                    "countries_cache",
                ],
                name="statement_speaker_date_cover",
            ),
        ),
        migrations.RemoveIndex(model_name="statement", name="statement_speaker_date"),
    ]
