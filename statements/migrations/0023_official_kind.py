"""Officials gain a kind (a person, or an institution such as a ministry, NATO or the UN), and a post may speak for
an institution (the UN Secretary-General for the UN): together they give a statement its speaking side.

The official's column and its check are added with ALTER TABLE on both databases, as in 0007: Django's own AddField
and AddConstraint would rebuild the SQLite table, which the full-text triggers name.
"""

import django.db.models.deletion
from django.db import migrations, models

KINDS = ", ".join(
    f"'{kind}'"
    for kind in ["person", "government", "ministry", "embassy", "alliance", "union", "international", "non_state"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0022_alert_confirmation_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalofficial",
            name="kind",
            field=models.CharField(
                choices=[
                    ("person", "Person"),
                    ("government", "Government"),
                    ("ministry", "Ministry (e.g. a foreign ministry)"),
                    ("embassy", "Embassy or mission"),
                    ("alliance", "Alliance (e.g. NATO)"),
                    ("union", "Union of states (e.g. the EU)"),
                    ("international", "International organisation (e.g. the UN)"),
                    ("non_state", "Non-state group"),
                ],
                default="person",
                help_text="A person, or an institution that speaks as one (a ministry's written statement) or is spoken of as one (NATO, the UN).",
                max_length=13,
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="speaks_for",
            field=models.ForeignKey(
                blank=True,
                help_text="The institution this post speaks for, when it is not a country: the UN for its Secretary-General.",
                limit_choices_to=models.Q(("kind", "person"), _negated=True),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="posts",
                to="statements.official",
            ),
        ),
        migrations.AlterField(
            model_name="historicalofficial",
            name="country",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="For an institution, the country it belongs to (a ministry, an embassy); none for the UN or NATO.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="statements.country",
            ),
        ),
        migrations.AlterField(
            model_name="official",
            name="country",
            field=models.ForeignKey(
                blank=True,
                help_text="For an institution, the country it belongs to (a ministry, an embassy); none for the UN or NATO.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="officials",
                to="statements.country",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="official",
                    name="kind",
                    field=models.CharField(
                        choices=[
                            ("person", "Person"),
                            ("government", "Government"),
                            ("ministry", "Ministry (e.g. a foreign ministry)"),
                            ("embassy", "Embassy or mission"),
                            ("alliance", "Alliance (e.g. NATO)"),
                            ("union", "Union of states (e.g. the EU)"),
                            ("international", "International organisation (e.g. the UN)"),
                            ("non_state", "Non-state group"),
                        ],
                        default="person",
                        help_text="A person, or an institution that speaks as one (a ministry's written statement) or is spoken of as one (NATO, the UN).",
                        max_length=13,
                    ),
                ),
                migrations.AddConstraint(
                    model_name="official",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "person",
                                    "government",
                                    "ministry",
                                    "embassy",
                                    "alliance",
                                    "union",
                                    "international",
                                    "non_state",
                                ],
                            )
                        ),
                        name="official_kind_valid",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"ALTER TABLE statements_official ADD COLUMN kind varchar(13) NOT NULL DEFAULT 'person' "
                    f"CONSTRAINT official_kind_valid CHECK (kind IN ({KINDS}))",
                    reverse_sql="ALTER TABLE statements_official DROP COLUMN kind",
                )
            ],
        ),
    ]
