"""Full-text search tables and the triggers that keep them in sync (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from django.db import migrations

from statements import search


def create(apps, schema_editor):
    search.create_schema(schema_editor)


def drop(apps, schema_editor):
    search.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("statements", "0003_roles")]

    operations = [migrations.RunPython(create, drop)]
