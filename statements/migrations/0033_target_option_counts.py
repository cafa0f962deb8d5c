"""The form's target list shows counts too: published statements coded toward each target, kept exact by triggers on
the codings and the statements (statements/option_counts.py); the codings already there are counted first."""

from django.db import migrations, models

from statements import option_counts


def create(apps, schema_editor):
    option_counts.create_target_schema(schema_editor)


def drop(apps, schema_editor):
    option_counts.drop_target_schema(schema_editor)


def without_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds the counts' table to change its check constraint, and refuses to while triggers on the
    statements name it: they are dropped first and created again after (the counts are kept)."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in option_counts.SQLite().drop():
            schema_editor.execute(sql)


def with_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in option_counts.SQLite().triggers():
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0032_coding_filter_indexes"),
    ]

    operations = [
        migrations.RunPython(without_sqlite_triggers, with_sqlite_triggers, elidable=False),
        migrations.RemoveConstraint(model_name="optioncount", name="option_count_kind_valid"),
        migrations.AlterField(
            model_name="optioncount",
            name="kind",
            field=models.CharField(
                choices=[
                    ("speaker", "Speaker (official id)"),
                    ("topics", "Set of topics (a statement's topic ids, ',3,17,')"),
                    ("country", "Country concerned (country id)"),
                    ("outlet", "Outlet (outlet id)"),
                    ("language", "Language said or reported in (ISO 639 code)"),
                    ("target", "Target of a coding ('country:<id>' or 'official:<id>')"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="optioncount",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["speaker", "topics", "country", "outlet", "language", "target"])),
                name="option_count_kind_valid",
            ),
        ),
        migrations.RunPython(with_sqlite_triggers, without_sqlite_triggers, elidable=False),
        migrations.RunPython(create, drop, elidable=False),
    ]
