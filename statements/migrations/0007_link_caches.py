"""Each statement's topic and country ids copied onto its row, kept exact by triggers
(statements/denormalised.py).

The columns are added with ALTER TABLE on both databases: Django's own AddField rebuilds an SQLite table for a
NOT NULL column, which would drop the full-text triggers and the indexes made with RunSQL. The copies are filled
for the existing statements before the triggers are created, and the timeline's covering index is rebuilt with
them, so a walk of the date index reads a statement's links without visiting the link tables.
"""

from django.db import migrations, models

from statements import denormalised

TABLE = denormalised.STATEMENT_TABLE
# The copies this migration introduced: it creates and drops their triggers only (0013 adds the source's).
COPIES = ["topics_cache", "countries_cache"]
OLD = "status, date DESC, id DESC, speaker_id, kind, source_id, original_language"
NEW = f"{OLD}, topics_cache, countries_cache"


def add_column(name: str):
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AddField(
                model_name="statement",
                name=name,
                field=models.TextField(default=denormalised.EMPTY_SET, editable=False),
            )
        ],
        database_operations=[
            migrations.RunSQL(
                sql=f"ALTER TABLE {TABLE} ADD COLUMN {name} text NOT NULL DEFAULT '{denormalised.EMPTY_SET}'",
                reverse_sql=f"ALTER TABLE {TABLE} DROP COLUMN {name}",
            )
        ],
    )


def create(apps, schema_editor):
    denormalised.create_schema(schema_editor, only=COPIES)


def drop(apps, schema_editor):
    denormalised.drop_schema(schema_editor, only=COPIES)


def index(columns: str) -> str:
    return f"CREATE INDEX statement_status_date_cover ON {TABLE} ({columns})"


class Migration(migrations.Migration):
    dependencies = [("statements", "0006_wider_timeline_index")]

    operations = [
        add_column("topics_cache"),
        add_column("countries_cache"),
        migrations.RunPython(create, drop),
        migrations.RunSQL(
            sql=["DROP INDEX statement_status_date_cover", index(NEW)],
            reverse_sql=["DROP INDEX statement_status_date_cover", index(OLD)],
        ),
    ]
