"""The compare rollup (statements/compare/rollup.py): published statements and their codings per month, precision,
speaker, target, stance and speech act, kept exact by triggers; what is there already is counted first."""

from django.db import migrations, models

from statements.compare import rollup


def create(apps, schema_editor):
    rollup.create_schema(schema_editor)


def drop(apps, schema_editor):
    rollup.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0029_covering_indexes_hold_date_precision"),
    ]

    operations = [
        migrations.CreateModel(
            name="CompareCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.SmallIntegerField()),
                ("month", models.SmallIntegerField()),
                ("date_precision", models.CharField(max_length=5)),
                ("speaker_id", models.IntegerField()),
                ("target_country_id", models.IntegerField(default=0)),
                ("target_official_id", models.IntegerField(default=0)),
                ("stance", models.SmallIntegerField(default=9)),
                ("act", models.CharField(blank=True, default="", max_length=10)),
                ("statements", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["target_country_id", "speaker_id"], name="compare_count_target_country"),
                    models.Index(fields=["target_official_id", "speaker_id"], name="compare_count_target_official"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "year",
                            "month",
                            "date_precision",
                            "speaker_id",
                            "target_country_id",
                            "target_official_id",
                            "stance",
                            "act",
                        ),
                        name="compare_count_unique_key",
                    )
                ],
            },
        ),
        # PostgreSQL's table of pending changes: created and dropped with the triggers (rollup.py), none on SQLite.
        migrations.CreateModel(
            name="CompareCountChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.SmallIntegerField()),
                ("month", models.SmallIntegerField()),
                ("date_precision", models.CharField(max_length=5)),
                ("speaker_id", models.IntegerField()),
                ("target_country_id", models.IntegerField()),
                ("target_official_id", models.IntegerField()),
                ("stance", models.SmallIntegerField()),
                ("act", models.CharField(max_length=10)),
                ("statements", models.IntegerField()),
            ],
            options={"db_table": "statements_comparecount_change", "managed": False},
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
