"""The change log (statements/change_log.py) lists a published statement again when a coding of it, or a typed link
from or to it, is added, changed or removed: the API shows both with the statement."""

from django.db import migrations

from statements import change_log


def create(apps, schema_editor):
    change_log.create_shown_with_schema(schema_editor)


def drop(apps, schema_editor):
    change_log.drop_shown_with_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0033_target_option_counts"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
