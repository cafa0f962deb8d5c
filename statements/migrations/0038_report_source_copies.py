"""Each other report's copy of its source's outlet and language and of its statement's date, kept exact by triggers,
with an index each
(statements/other_reports.py): the outlet and language filters read the statements other reports name from them
(docs/trust.md#other-reports). The reports' table only; nothing of the statements' table is rewritten."""

from django.db import migrations, models

from statements import other_reports


def create(apps, schema_editor):
    other_reports.create_copies(schema_editor)


def drop(apps, schema_editor):
    other_reports.drop_copies(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("statements", "0037_report_verbatim_check")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop)],
            state_operations=[
                migrations.AddField(
                    model_name="report", name="outlet_cache", field=models.IntegerField(editable=False, null=True)
                ),
                migrations.AddField(
                    model_name="report",
                    name="language_cache",
                    field=models.CharField(default="", editable=False, max_length=8),
                ),
                migrations.AddField(
                    model_name="report", name="statement_date", field=models.DateField(editable=False, null=True)
                ),
                migrations.AddIndex(
                    model_name="report",
                    index=models.Index(
                        fields=["outlet_cache", "statement_date", "statement"], name="report_outlet_date"
                    ),
                ),
                migrations.AddIndex(
                    model_name="report",
                    index=models.Index(
                        fields=["language_cache", "statement_date", "statement"], name="report_language_date"
                    ),
                ),
            ],
        ),
    ]
