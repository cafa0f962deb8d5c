"""Each statement's codings copied onto its row as a set of codes, kept exact by triggers
(statements/denormalised.py), and a second covering index that holds the copy.

The column is added with ALTER TABLE on both databases: Django's own AddField rebuilds an SQLite table for a
NOT NULL column, which would drop the triggers and the indexes made with RunSQL (as in 0007). The copies are filled
for the existing statements before the triggers are created. The timeline's walk of the date index then tests a
target, stance or act on `codings_cache` in `statement_coded_cover`: the columns of `statement_status_date_cover`
(migration 0029) and the copy. That index is left as it is, so the unfiltered timeline keeps walking the narrower
one (docs/performance.md#coding-filters).
"""

from django.db import migrations, models

from statements import denormalised

TABLE = denormalised.STATEMENT_TABLE
COPIES = ["codings_cache"]
# statement_status_date_cover's columns (migration 0029), then the copy.
COVER = (
    "status, date DESC, id DESC, speaker_id, kind, original_language, topics_cache, countries_cache, outlet_cache,"
    " source_language_cache, date_precision, codings_cache"
)


def create(apps, schema_editor):
    denormalised.create_schema(schema_editor, only=COPIES)


def drop(apps, schema_editor):
    denormalised.drop_schema(schema_editor, only=COPIES)


def analyze(apps, schema_editor):
    """SQLite's planner weighs an index by its statistics: the new index is measured like the others (0029)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE statement_coded_cover")


class Migration(migrations.Migration):
    dependencies = [("statements", "0035_other_reports")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="statement",
                    name="codings_cache",
                    field=models.TextField(default=denormalised.EMPTY_SET, editable=False),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"ALTER TABLE {TABLE} ADD COLUMN codings_cache text NOT NULL DEFAULT '{denormalised.EMPTY_SET}'",
                    reverse_sql=f"ALTER TABLE {TABLE} DROP COLUMN codings_cache",
                )
            ],
        ),
        migrations.RunPython(create, drop),
        migrations.RunSQL(
            sql=f"CREATE INDEX statement_coded_cover ON {TABLE} ({COVER})",
            reverse_sql="DROP INDEX statement_coded_cover",
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
