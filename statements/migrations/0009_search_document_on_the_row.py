"""PostgreSQL: the full-text document moves from its own table onto the statement's row (statements/search.py).

With the document on the row, an index in date order can carry it, so a common word is tested while walking that
index and the walk stops after the newest matches a page needs, instead of listing and sorting every match
(docs/performance.md). The documents are computed again for the statements already there: at a million
statements this takes a few minutes. SQLite keeps its FTS5 table: nothing changes there.
"""

import importlib

from django.db import migrations

from statements import search

table_migration = importlib.import_module("statements.migrations.0004_full_text_search")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table_migration.run(schema_editor, table_migration.POSTGRES_TABLE_DROP)
        search.create_schema(schema_editor)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search.drop_schema(schema_editor)
        table_migration.run(schema_editor, table_migration.POSTGRES_TABLE_CREATE)


class Migration(migrations.Migration):
    dependencies = [("statements", "0008_speaker_index_covers")]

    operations = [migrations.RunPython(forward, backward)]
