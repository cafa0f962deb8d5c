"""Create the Analyst and Editor groups (docs/roles.md): analysts curate drafts, editors also publish and retract."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = ["statement", "official", "position", "topic", "source", "outlet"]

ANALYST = [f"{action}_{model}" for model in CURATED for action in ("view", "add", "change")] + ["view_country"]
# Editors also publish, unpublish and retract, and may delete (drafts only, for statements: see the admin).
EDITOR = ANALYST + ["publish_statement"] + [f"delete_{model}" for model in CURATED]

ROLES = {"Analyst": ANALYST, "Editor": EDITOR}


def create_roles(apps, schema_editor):
    # On a fresh database permissions only appear in post_migrate, after every migration has run,
    # so create them now. The migration app registry has no models_module, which create_permissions
    # uses to skip apps without models: set it for the call.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        permissions = list(
            Permission.objects.using(db).filter(content_type__app_label="statements", codename__in=codenames)
        )
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Permissions missing for the {name} group: {sorted(missing)}")
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0002_load_countries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
