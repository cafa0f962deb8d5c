"""Readers' error reports on public statements, and the Editors' permission to read and resolve them.

Editors only (docs/roles.md): a report may carry the reporter's email address, and deciding what to do about a public
statement is the Editors' job. Delete is for spam; a statement's reports go with it when an Editor deletes a draft.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITOR_PERMISSIONS = ["view_errorreport", "change_errorreport", "delete_errorreport"]


def grant_editors(apps, schema_editor):
    # Permissions appear only in post_migrate, after every migration: create them now (as 0003_roles does).
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("statements")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="statements", codename__in=EDITOR_PERMISSIONS
    )
    for group in Group.objects.using(db).filter(name="Editor"):
        group.permissions.add(*permissions)


def revoke_editors(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    Permission.objects.using(db).filter(content_type__app_label="statements", codename__in=EDITOR_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0013_source_caches"),
        ("statements", "0003_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ErrorReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message", models.TextField(max_length=2000, verbose_name="what is wrong")),
                (
                    "email",
                    models.EmailField(
                        blank=True,
                        help_text="Only to reply to the reporter: never shown publicly or exported.",
                        max_length=254,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("resolved", "Resolved")], default="open", max_length=8
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("resolved_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "resolved_by",
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="error_reports",
                        to="statements.statement",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["status", "-created_at"], name="error_report_status_created")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "resolved"])), name="error_report_status_valid"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("message", ""), _negated=True), name="error_report_message_not_empty"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("resolved_at__isnull", False), ("status", "resolved")),
                            models.Q(models.Q(("status", "resolved"), _negated=True), ("resolved_at__isnull", True)),
                            _connector="OR",
                        ),
                        name="error_report_resolved_has_date",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
