"""An index on the sources' publication date (newest first) and title, the admin list's order: with a desk's
hundreds of thousands of sources, the list, its source search and its year filter read this index instead of
sorting or scanning every source (statements/admin/scale.py, docs/admin.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0011_language_codes_lower_case"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["-published_on", "title"], name="source_date_title"),
        ),
    ]
