"""History entries say why: a reason of any length (was 100 characters), and a public correction note on statements."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0016_import_job_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstatement",
            name="public_note",
            field=models.TextField(
                blank=True,
                default="",
                help_text="For readers: what was corrected. Kept apart from the internal reason for the change.",
                verbose_name="public correction note",
            ),
        ),
        migrations.AlterField(
            model_name="historicalofficial",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name="historicalstatement",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name="historicaltopic",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
    ]
