"""Each statement's topic and country ids copied onto its row, kept exact by triggers (statements/link_cache.py).

The columns are added with ALTER TABLE on both databases: Django's own AddField rebuilds an SQLite table for a
NOT NULL column, which would drop the full-text triggers and the indexes made with RunSQL. The copies are filled
for the existing statements before the triggers are created, and the timeline's covering index is rebuilt with
them, so a walk of the date index reads a statement's links without visiting the link tables.
"""

from django.db import migrations, models

from statements import link_cache

TABLE = link_cache.STATEMENT_TABLE
OLD = "status, date DESC, id DESC, speaker_id, kind, source_id, original_language"
NEW = f"{OLD}, topics_cache, countries_cache"


def add_column(name: str):
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AddField(
                model_name="statement",
                name=name,
                field=models.TextField(default=link_cache.EMPTY, editable=False),
            )
        ],
        database_operations=[
            migrations.RunSQL(
                sql=f"ALTER TABLE {TABLE} ADD COLUMN {name} text NOT NULL DEFAULT '{link_cache.EMPTY}'",
                reverse_sql=f"ALTER TABLE {TABLE} DROP COLUMN {name}",
            )
        ],
    )


def create(apps, schema_editor):
    link_cache.create_schema(schema_editor)


def drop(apps, schema_editor):
    link_cache.drop_schema(schema_editor)


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
