"""Email alerts (statements/alerts): subscriptions, digests, the pairs already sent, the run's lock; an index of
statements by last change; who may see them in the admin (docs/roles.md): Analysts the states and counts, Editors
also the addresses, and they pause or resume one."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ANALYST_PERMISSIONS = ["view_subscription"]
EDITOR_PERMISSIONS = ["view_subscription", "change_subscription", "view_subscription_address"]


def grant_roles(apps, schema_editor):
    # Permissions appear only in post_migrate, after every migration: create them now (as 0003_roles does).
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("statements")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in {"Analyst": ANALYST_PERMISSIONS, "Editor": EDITOR_PERMISSIONS}.items():
        permissions = Permission.objects.using(db).filter(content_type__app_label="statements", codename__in=codenames)
        for group in Group.objects.using(db).filter(name=name):
            group.permissions.add(*permissions)


def revoke_roles(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    Permission.objects.using(db).filter(content_type__app_label="statements", codename__in=EDITOR_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0017_history_reasons_and_public_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Digest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message_id", models.CharField(editable=False, max_length=255)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Recorded, not yet accepted by the mail server"),
                            ("sent", "Accepted by the mail server"),
                            ("failed", "Given up after refusals"),
                        ],
                        default="pending",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("new_count", models.PositiveIntegerField(default=0)),
                ("corrections_count", models.PositiveIntegerField(default=0)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("retry_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="RunLock",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50)),
                ("holder", models.CharField(blank=True, max_length=64)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="SentStatement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.DateTimeField()),
                ("fingerprint", models.CharField(max_length=64)),
                ("retraction_told", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["subscription", "statement"],
            },
        ),
        migrations.CreateModel(
            name="Subscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="address")),
                ("address_hash", models.CharField(editable=False, max_length=64)),
                ("query", models.CharField(blank=True, max_length=2000, verbose_name="filter")),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("published", "As published (at most hourly)"),
                            ("daily", "Daily"),
                            ("weekly", "Weekly"),
                        ],
                        default="daily",
                        max_length=10,
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "Pending confirmation"), ("active", "Active"), ("paused", "Paused")],
                        default="pending",
                        max_length=8,
                    ),
                ),
                ("token", models.CharField(editable=False, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("confirmed_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("checked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("last_sent_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("hard_refusals", models.PositiveSmallIntegerField(default=0, editable=False)),
                ("paused_reason", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [("view_subscription_address", "Can see the addresses of alert subscriptions")],
            },
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["updated_at"], name="statement_updated"),
        ),
        migrations.AddConstraint(
            model_name="runlock",
            constraint=models.UniqueConstraint(fields=("name",), name="alert_run_lock_unique_name"),
        ),
        migrations.AddField(
            model_name="sentstatement",
            name="correction_digest",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="corrections",
                to="statements.digest",
            ),
        ),
        migrations.AddField(
            model_name="sentstatement",
            name="digest",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="new_statements", to="statements.digest"
            ),
        ),
        migrations.AddField(
            model_name="sentstatement",
            name="statement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="statements.statement"
            ),
        ),
        migrations.AddIndex(
            model_name="subscription",
            index=models.Index(fields=["state", "frequency"], name="alert_state_frequency"),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["pending", "active", "paused"])), name="alert_state_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(("frequency__in", ["published", "daily", "weekly"])), name="alert_frequency_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "pending"), _negated=True), ("confirmed_at__isnull", True), _connector="OR"
                ),
                name="alert_pending_not_confirmed",
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(fields=("token",), name="alert_unique_token"),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                fields=("address_hash", "query"), name="alert_one_per_address_and_filter"
            ),
        ),
        migrations.AddField(
            model_name="sentstatement",
            name="subscription",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="sent", to="statements.subscription"
            ),
        ),
        migrations.AddField(
            model_name="digest",
            name="subscription",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="digests", to="statements.subscription"
            ),
        ),
        migrations.AddConstraint(
            model_name="sentstatement",
            constraint=models.UniqueConstraint(fields=("subscription", "statement"), name="alert_sent_once"),
        ),
        migrations.AddIndex(
            model_name="digest",
            index=models.Index(fields=["subscription", "state"], name="alert_digest_sub_state"),
        ),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["pending", "sent", "failed"])), name="alert_digest_state_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.UniqueConstraint(fields=("message_id",), name="alert_digest_unique_message_id"),
        ),
        migrations.RunPython(grant_roles, revoke_roles),
    ]
