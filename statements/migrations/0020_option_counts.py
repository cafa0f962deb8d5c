"""Counts of published statements per value of the timeline's option lists, kept exact by triggers
(statements/option_counts.py): the statements already there are counted before the triggers are created.

The form's language list is read from the counts now, so the index on the sources' language (0010), which served
only that list, goes."""

from django.db import migrations, models

from statements import option_counts


def create(apps, schema_editor):
    option_counts.create_schema(schema_editor)


def drop(apps, schema_editor):
    option_counts.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0019_search_spellings"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="source", name="source_language"),
        migrations.CreateModel(
            name="OptionCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("speaker", "Speaker (official id)"),
                            ("topics", "Set of topics (a statement's topic ids, ',3,17,')"),
                            ("country", "Country concerned (country id)"),
                            ("outlet", "Outlet (outlet id)"),
                            ("language", "Language said or reported in (ISO 639 code)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("value", models.TextField()),
                ("statements", models.IntegerField(default=0)),
            ],
            options={
                "ordering": ["kind", "value"],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "value"), name="option_count_unique_value"),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["speaker", "topics", "country", "outlet", "language"])),
                        name="option_count_kind_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
