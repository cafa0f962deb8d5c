"""docs/operations.md's upgrade section names every migration that locks the statements table while it works."""

import re
from pathlib import Path

import pytest
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

SECTION = re.compile(r"^## Upgrades that rewrite the statements table\n(.*?)^## ", re.DOTALL | re.MULTILINE)


def statement_indexes():
    """(migration, index) for each index a migration after the first builds on the statements table."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(
        (name, operation.index.name)
        for (app, name), migration in loader.disk_migrations.items()
        if app == "statements" and name != "0001_initial"
        for operation in migration.operations
        if isinstance(operation, migrations.AddIndex) and operation.model_name == "statement"
    )


@pytest.mark.parametrize("migration, index", statement_indexes())
def test_every_index_built_on_the_statements_table_is_in_the_upgrade_notes(migration, index):
    """An index added to the statements table blocks its writers on PostgreSQL while it builds: the upgrade notes
    name the migration and the index, so an operator can plan for it."""
    section = SECTION.search((Path(__file__).parent.parent / "docs" / "operations.md").read_text()).group(1)
    assert f"`{migration}`" in section and f"`{index}`" in section
