"""Codings of a statement's stance and speech act toward a target (docs/codebook.md), kept in history, and the
roles' permissions on them: Analysts and Editors alike code, and remove a coding (docs/roles.md; the admin keeps the
codings of published statements to Editors)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

PERMISSIONS = [f"{action}_coding" for action in ("view", "add", "change", "delete")]


def grant_roles(apps, schema_editor):
    # Permissions appear only in post_migrate, after every migration: create them now (as 0003_roles does).
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("statements")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db).filter(content_type__app_label="statements", codename__in=PERMISSIONS)
    for group in Group.objects.using(db).filter(name__in=["Analyst", "Editor"]):
        group.permissions.add(*permissions)


def revoke_roles(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    Permission.objects.using(db).filter(content_type__app_label="statements", codename__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0023_official_kind"),
        ("statements", "0003_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalCoding",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "stance",
                    models.SmallIntegerField(
                        blank=True,
                        choices=[
                            (-2, "Hostile"),
                            (-1, "Critical"),
                            (0, "Neutral"),
                            (1, "Supportive"),
                            (2, "Strongly supportive"),
                        ],
                        help_text="Toward the target; empty: no stance (not neutral).",
                        null=True,
                    ),
                ),
                (
                    "act",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("praise", "Praise"),
                            ("agree", "Agree or cooperate"),
                            ("consult", "Consult or meet"),
                            ("offer", "Offer or propose"),
                            ("appeal", "Appeal or request"),
                            ("comment", "Comment"),
                            ("decline", "Decline to comment"),
                            ("concern", "Express concern"),
                            ("criticise", "Criticise or accuse"),
                            ("deny", "Deny"),
                            ("demand", "Demand"),
                            ("reject", "Reject"),
                            ("warn", "Warn (predicting harm)"),
                            ("threaten", "Threaten (a conditional act by the speaker's side)"),
                        ],
                        help_text="Empty until coded.",
                        max_length=10,
                        verbose_name="speech act",
                    ),
                ),
                ("coded_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("history_change_reason", models.TextField(null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "coded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="statements.statement",
                    ),
                ),
                (
                    "target_country",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="statements.country",
                        verbose_name="target country",
                    ),
                ),
                (
                    "target_official",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="statements.official",
                        verbose_name="target official or institution",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical coding",
                "verbose_name_plural": "historical codings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Coding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "stance",
                    models.SmallIntegerField(
                        blank=True,
                        choices=[
                            (-2, "Hostile"),
                            (-1, "Critical"),
                            (0, "Neutral"),
                            (1, "Supportive"),
                            (2, "Strongly supportive"),
                        ],
                        help_text="Toward the target; empty: no stance (not neutral).",
                        null=True,
                    ),
                ),
                (
                    "act",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("praise", "Praise"),
                            ("agree", "Agree or cooperate"),
                            ("consult", "Consult or meet"),
                            ("offer", "Offer or propose"),
                            ("appeal", "Appeal or request"),
                            ("comment", "Comment"),
                            ("decline", "Decline to comment"),
                            ("concern", "Express concern"),
                            ("criticise", "Criticise or accuse"),
                            ("deny", "Deny"),
                            ("demand", "Demand"),
                            ("reject", "Reject"),
                            ("warn", "Warn (predicting harm)"),
                            ("threaten", "Threaten (a conditional act by the speaker's side)"),
                        ],
                        help_text="Empty until coded.",
                        max_length=10,
                        verbose_name="speech act",
                    ),
                ),
                ("coded_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "coded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="codings", to="statements.statement"
                    ),
                ),
                (
                    "target_country",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="codings",
                        to="statements.country",
                        verbose_name="target country",
                    ),
                ),
                (
                    "target_official",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="codings_as_target",
                        to="statements.official",
                        verbose_name="target official or institution",
                    ),
                ),
            ],
            options={
                "ordering": ["statement", "id"],
                "indexes": [
                    models.Index(
                        fields=["statement", "target_country", "stance", "act"], name="coding_statement_target"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("target_country__isnull", False), ("target_official__isnull", True)),
                            models.Q(("target_country__isnull", True), ("target_official__isnull", False)),
                            _connector="OR",
                        ),
                        name="coding_one_target",
                        violation_error_message="A coding has one target: a country, or an official or institution (not both).",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("stance__isnull", True), models.Q(("stance__gte", -2), ("stance__lte", 2)), _connector="OR"
                        ),
                        name="coding_stance_on_scale",
                        violation_error_message="A stance is from −2 (hostile) to +2 (strongly supportive), or none.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("act", ""),
                            (
                                "act__in",
                                [
                                    "praise",
                                    "agree",
                                    "consult",
                                    "offer",
                                    "appeal",
                                    "comment",
                                    "decline",
                                    "concern",
                                    "criticise",
                                    "deny",
                                    "demand",
                                    "reject",
                                    "warn",
                                    "threaten",
                                ],
                            ),
                            _connector="OR",
                        ),
                        name="coding_act_valid",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("target_country__isnull", False)),
                        fields=("statement", "target_country"),
                        name="coding_unique_country_target",
                        violation_error_message="This statement is already coded toward this country.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("target_official__isnull", False)),
                        fields=("statement", "target_official"),
                        name="coding_unique_official_target",
                        violation_error_message="This statement is already coded toward this official or institution.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("stance__isnull", True),
                            models.Q(("act__in", ["praise", "agree"]), _negated=True),
                            models.Q(("stance__in", [-2, -1]), _negated=True),
                            _connector="OR",
                        ),
                        name="coding_praise_or_agreement_not_negative",
                        violation_error_message="Praise or agreement cannot be hostile or critical: code the stance neutral or supportive, or choose another speech act.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("stance__isnull", True),
                            models.Q(("act__in", ["criticise", "threaten", "reject"]), _negated=True),
                            models.Q(("stance__in", [1, 2]), _negated=True),
                            _connector="OR",
                        ),
                        name="coding_accusation_or_threat_not_supportive",
                        violation_error_message="Criticism, a threat or a rejection cannot be supportive of its target: code the stance neutral or below, or choose another speech act.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("stance__isnull", True),
                            models.Q(("act__in", ["decline"]), _negated=True),
                            models.Q(("stance__in", [-2, -1, 0, 1, 2]), _negated=True),
                            _connector="OR",
                        ),
                        name="coding_declining_takes_no_stance",
                        violation_error_message="Declining to comment takes no stance: leave the stance empty (“No stance”).",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant_roles, revoke_roles),
    ]
