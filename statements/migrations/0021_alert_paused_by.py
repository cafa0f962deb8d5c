"""Why a paused alert is paused: refusals of the address, a filter that stopped working (a visitor asking again
resumes those), or an Editor."""

from django.db import migrations, models


def causes_of_pauses(apps, schema_editor):
    """Alerts paused before this migration: by refusals when they reached the limit, else by an Editor."""
    Subscription = apps.get_model("statements", "Subscription")
    paused = Subscription.objects.filter(state="paused")
    paused.filter(hard_refusals__gte=3).update(paused_by="refusals")
    paused.filter(hard_refusals__lt=3).update(paused_by="editor")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0020_option_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="paused_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("refusals", "The mail server refused the address"),
                    ("editor", "An Editor paused it"),
                    ("filter", "The filter no longer works"),
                ],
                editable=False,
                max_length=8,
            ),
        ),
        migrations.RunPython(causes_of_pauses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("paused_by__in", ["refusals", "editor", "filter"]), ("state", "paused")),
                    models.Q(models.Q(("state", "paused"), _negated=True), ("paused_by", "")),
                    _connector="OR",
                ),
                name="alert_paused_has_cause",
            ),
        ),
    ]
