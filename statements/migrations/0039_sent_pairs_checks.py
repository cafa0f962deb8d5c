"""The sent pairs' table: no index of its own for the subscription (the unique constraint's begins with it), and no
constraint in the database for the digest, which Django still cascades (docs/alerts.md, "The sent pairs' table").

On PostgreSQL, dropping the constraint is quick; the subscription's index is dropped and its constraint dropped and
added again (Django's way of altering the field), which checks the existing pairs once. SQLite rebuilds the table.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0038_report_source_copies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sentstatement",
            name="digest",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="new_statements",
                to="statements.digest",
            ),
        ),
        migrations.AlterField(
            model_name="sentstatement",
            name="subscription",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sent",
                to="statements.subscription",
            ),
        ),
    ]
