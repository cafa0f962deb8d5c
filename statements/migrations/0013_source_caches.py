"""Each statement's outlet and report language copied from its source onto its row, kept exact by triggers
(statements/denormalised.py), and indexes that read them (docs/performance.md#denormalised-columns).

The columns are added with ALTER TABLE on both databases, as in 0007: Django's own AddField would rebuild the SQLite
table, dropping the full-text triggers and the indexes made with RunSQL. The copies are filled for the existing
statements before the triggers are created. The timeline's covering index is rebuilt with the copies in place of
`source_id`, which no filter reads from it any more, and two indexes are added: one walked in date order for an
outlet (like the speaker's), one listing a language's statements.
"""

from django.db import migrations, models

from statements import denormalised

TABLE = denormalised.STATEMENT_TABLE
# The copies this migration introduced: it creates and drops their triggers only (0007 made the links').
COPIES = ["outlet_cache", "source_language_cache"]
LINKS = "topics_cache, countries_cache"
OLD = f"status, date DESC, id DESC, speaker_id, kind, source_id, original_language, {LINKS}"
NEW = f"status, date DESC, id DESC, speaker_id, kind, original_language, {LINKS}, outlet_cache, source_language_cache"


def add_column(name: str, field, sql_type: str):
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddField(model_name="statement", name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                sql=f"ALTER TABLE {TABLE} ADD COLUMN {name} {sql_type}",
                reverse_sql=f"ALTER TABLE {TABLE} DROP COLUMN {name}",
            )
        ],
    )


def create(apps, schema_editor):
    denormalised.create_schema(schema_editor, only=COPIES)


def drop(apps, schema_editor):
    denormalised.drop_schema(schema_editor, only=COPIES)


def cover(columns: str) -> str:
    return f"CREATE INDEX statement_status_date_cover ON {TABLE} ({columns})"


class Migration(migrations.Migration):
    dependencies = [("statements", "0012_source_date_index")]

    operations = [
        add_column("outlet_cache", models.IntegerField(editable=False, null=True), "integer NULL"),
        add_column(
            "source_language_cache",
            models.CharField(default="", editable=False, max_length=8),
            "varchar(8) NOT NULL DEFAULT ''",
        ),
        migrations.RunPython(create, drop),
        migrations.RunSQL(
            sql=["DROP INDEX statement_status_date_cover", cover(NEW)],
            reverse_sql=["DROP INDEX statement_status_date_cover", cover(OLD)],
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                fields=[
                    "outlet_cache",
                    "status",
                    "-date",
                    "-id",
                    "speaker",
                    "kind",
                    "original_language",
                    "topics_cache",
                    "countries_cache",
                ],
                name="statement_outlet_date_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["source_language_cache"], name="statement_source_language"),
        ),
    ]
