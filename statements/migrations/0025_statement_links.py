"""Typed links between statements (responds to, reiterates, clarifies, contradicts, corrects), kept in history, and
the roles' permissions on them (as for codings in 0023: the admin keeps the links of published statements to
Editors)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

PERMISSIONS = [f"{action}_statementlink" for action in ("view", "add", "change", "delete")]


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
        ("statements", "0024_codings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalStatementLink",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("responds_to", "Responds to"),
                            ("reiterates", "Reiterates"),
                            ("clarifies", "Clarifies"),
                            ("contradicts", "Contradicts"),
                            ("corrects", "Corrects"),
                        ],
                        max_length=11,
                    ),
                ),
                ("history_change_reason", models.TextField(null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
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
                    "linked",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Type words of the statement, or the speaker's name.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="statements.statement",
                        verbose_name="earlier statement",
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
            ],
            options={
                "verbose_name": "historical statement link",
                "verbose_name_plural": "historical statement links",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="StatementLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("responds_to", "Responds to"),
                            ("reiterates", "Reiterates"),
                            ("clarifies", "Clarifies"),
                            ("contradicts", "Contradicts"),
                            ("corrects", "Corrects"),
                        ],
                        max_length=11,
                    ),
                ),
                (
                    "linked",
                    models.ForeignKey(
                        help_text="Type words of the statement, or the speaker's name.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="linked_from",
                        to="statements.statement",
                        verbose_name="earlier statement",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="links", to="statements.statement"
                    ),
                ),
            ],
            options={
                "ordering": ["statement", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["responds_to", "reiterates", "clarifies", "contradicts", "corrects"])
                        ),
                        name="statement_link_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("statement", models.F("linked")), _negated=True),
                        name="statement_link_not_self",
                        violation_error_message="A statement cannot be linked to itself.",
                    ),
                    models.UniqueConstraint(
                        fields=("statement", "linked", "kind"),
                        name="statement_link_unique",
                        violation_error_message="These two statements are already linked this way.",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant_roles, revoke_roles),
    ]
