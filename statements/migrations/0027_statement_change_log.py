"""The change log that `?updated_since=` reads (statements/change_log.py): one row per statement the public has
seen, with when it last changed and whether it has been withdrawn, and the triggers that keep it.

A new table, so nothing of the statements' table is rewritten or rebuilt (its triggers and indexes stay). It is
filled by one INSERT … SELECT: each published or retracted statement, stamped with its `updated_at` (the best
knowledge of when it last changed); a statement returned to draft before now is not known to have been public (its
publication date is cleared) and gets no tombstone. Backwards, the triggers and the table are dropped.
"""

from django.db import migrations, models

from statements import change_log


def create_schema(apps, schema_editor):
    change_log.create_schema(schema_editor)


def drop_schema(apps, schema_editor):
    change_log.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("statements", "0026_source_text_and_verbatim_check")]

    operations = [
        migrations.CreateModel(
            name="StatementChange",
            fields=[
                ("statement_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("changed_at", models.DateTimeField()),
                ("withdrawn", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["changed_at", "statement_id"],
                "indexes": [models.Index(fields=["changed_at", "statement_id"], name="statement_change_order")],
            },
        ),
        migrations.RunPython(create_schema, drop_schema, elidable=False),
    ]
