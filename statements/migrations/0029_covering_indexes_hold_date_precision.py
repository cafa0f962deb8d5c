"""The three covering indexes the timeline walks also hold each statement's date precision (docs/performance.md).

The timeline's first matches (planner.first_matches) follow a first-of-the-month date with its precision ("2016-11-01
month"). Without the column in the index walked, that precision was read from each such row by its id, a lookup per
match; with it the walk reads the index alone. The three indexes are rebuilt, which reads the whole table once per
index (docs/performance.md#covering-indexes says how long that takes at a million statements); reversing rebuilds
them without the column.
"""

from django.db import migrations, models

from statements import denormalised

TABLE = denormalised.STATEMENT_TABLE
LINKS = "topics_cache, countries_cache"
OLD = f"status, date DESC, id DESC, speaker_id, kind, original_language, {LINKS}, outlet_cache, source_language_cache"
NEW = f"{OLD}, date_precision"
SPEAKER = [
    "speaker",
    "status",
    "-date",
    "-id",
    "kind",
    "source",
    "original_language",
    "topics_cache",
    "countries_cache",
]
OUTLET = [
    "outlet_cache",
    "status",
    "-date",
    "-id",
    "speaker",
    "kind",
    "original_language",
    "topics_cache",
    "countries_cache",
]


def cover(columns: str) -> str:
    return f"CREATE INDEX statement_status_date_cover ON {TABLE} ({columns})"


INDEXES = ["statement_status_date_cover", "statement_speaker_date_cover", "statement_outlet_date_cover"]


def analyze(apps, schema_editor):
    """SQLite forgets an index's statistics when it is dropped, and without them its planner walks the wrong index
    for some filters (an empty topic): the rebuilt indexes are measured again. PostgreSQL keeps its statistics per
    table, not per index."""
    if schema_editor.connection.vendor == "sqlite":
        for name in INDEXES:
            schema_editor.execute(f"ANALYZE {name}")


def rebuilt(name: str, fields: list[str]) -> list:
    return [
        migrations.RemoveIndex(model_name="statement", name=name),
        migrations.AddIndex(model_name="statement", index=models.Index(fields=[*fields, "date_precision"], name=name)),
    ]


class Migration(migrations.Migration):
    dependencies = [("statements", "0028_faster_search_document")]

    operations = [
        migrations.RunSQL(
            sql=["DROP INDEX statement_status_date_cover", cover(NEW)],
            reverse_sql=["DROP INDEX statement_status_date_cover", cover(OLD)],
        ),
        *rebuilt("statement_speaker_date_cover", SPEAKER),
        *rebuilt("statement_outlet_date_cover", OUTLET),
        migrations.RunPython(analyze, analyze),
    ]
