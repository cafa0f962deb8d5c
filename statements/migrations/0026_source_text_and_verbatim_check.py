"""A source's kept text with its checksum and capture time, and on each statement where its words stand in that text
(statements/verbatim.py): a check, the spans and the bounds of the passage a permalink shows.

As in 0007 and 0013, the columns are added with ALTER TABLE on both databases: Django's own AddField would rebuild
the SQLite tables of statements and sources, dropping the triggers that keep the statements' copies
(statements/denormalised.py), the option counts and the full-text index. Every new statement column has a constant
default or is NULL, so on PostgreSQL adding it rewrites nothing; the two checks are added NOT VALID and then
validated, which reads the table without blocking its readers or writers. On SQLite a column's CHECK comes with the
column. No existing source has a text yet, so every statement starts as "no text kept", which is true.
"""

from django.db import migrations, models

from statements import denormalised

STATEMENTS = denormalised.STATEMENT_TABLE
SOURCES = denormalised.SOURCE_TABLE
VALID = "verbatim IN ('no_text', 'found', 'not_found')"
PLACED = (
    "(verbatim = 'found' AND verbatim_passage_start IS NOT NULL AND verbatim_passage_end IS NOT NULL"
    " AND verbatim_spans <> '')"
    " OR (verbatim <> 'found' AND verbatim_passage_start IS NULL AND verbatim_passage_end IS NULL"
    " AND verbatim_spans = '')"
)
# (table, column, its SQL type, the named check that comes with it on SQLite)
COLUMNS = [
    (SOURCES, "text", "text NOT NULL DEFAULT ''", None),
    (SOURCES, "text_sha256", "varchar(64) NOT NULL DEFAULT ''", None),
    (SOURCES, "text_captured_at", "{datetime} NULL", None),
    (STATEMENTS, "verbatim", "varchar(9) NOT NULL DEFAULT 'no_text'", ("statement_verbatim_valid", VALID)),
    (STATEMENTS, "verbatim_spans", "text NOT NULL DEFAULT ''", None),
    (STATEMENTS, "verbatim_passage_start", "integer NULL CHECK (verbatim_passage_start >= 0)", None),
    (
        STATEMENTS,
        "verbatim_passage_end",
        "integer NULL CHECK (verbatim_passage_end >= 0)",
        ("statement_verbatim_found_has_place", PLACED),
    ),
]


def add_columns(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    datetime = "timestamp with time zone" if postgres else "datetime"
    for table, column, sql_type, check in COLUMNS:
        sql = f"ALTER TABLE {table} ADD COLUMN {column} {sql_type.format(datetime=datetime)}"
        if check and not postgres:
            sql += f" CONSTRAINT {check[0]} CHECK ({check[1]})"
        schema_editor.execute(sql)
        if check and postgres:
            schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {check[0]} CHECK ({check[1]}) NOT VALID")
            schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {check[0]}")


def drop_columns(apps, schema_editor):
    """Back out: each column dropped in place, never by rebuilding the table (which would drop its triggers). On
    SQLite a column's own CHECK goes with it; the one check naming other columns comes with the last column added,
    which is dropped first."""
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, column, _, check in reversed(COLUMNS):
        if check and postgres:
            schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {check[0]}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


class Migration(migrations.Migration):
    dependencies = [("statements", "0025_statement_links")]

    operations = [
        migrations.AddField(
            model_name="historicalsource",
            name="text",
            field=models.TextField(
                blank=True,
                help_text="Internal, never published: the report's text as published, pasted whole, to check quotes against.",
                verbose_name="report text",
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="text_captured_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="text captured at"),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="text_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="text SHA-256"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="source",
                    name="text",
                    field=models.TextField(
                        blank=True,
                        help_text="Internal, never published: the report's text as published, pasted whole, to check quotes against.",
                        verbose_name="report text",
                    ),
                ),
                migrations.AddField(
                    model_name="source",
                    name="text_captured_at",
                    field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="text captured at"),
                ),
                migrations.AddField(
                    model_name="source",
                    name="text_sha256",
                    field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="text SHA-256"),
                ),
                migrations.AddField(
                    model_name="statement",
                    name="verbatim",
                    field=models.CharField(
                        choices=[
                            ("no_text", "No source text kept"),
                            ("found", "Found verbatim in the source"),
                            ("not_found", "Not found verbatim in the kept text"),
                        ],
                        default="no_text",
                        editable=False,
                        max_length=9,
                        verbose_name="verbatim check",
                    ),
                ),
                migrations.AddField(
                    model_name="statement",
                    name="verbatim_passage_end",
                    field=models.PositiveIntegerField(blank=True, editable=False, null=True),
                ),
                migrations.AddField(
                    model_name="statement",
                    name="verbatim_passage_start",
                    field=models.PositiveIntegerField(blank=True, editable=False, null=True),
                ),
                migrations.AddField(
                    model_name="statement",
                    name="verbatim_spans",
                    field=models.TextField(blank=True, default="", editable=False),
                ),
                migrations.AddConstraint(
                    model_name="statement",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("verbatim__in", ["no_text", "found", "not_found"])),
                        name="statement_verbatim_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="statement",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("verbatim", "found"),
                                ("verbatim_passage_end__isnull", False),
                                ("verbatim_passage_start__isnull", False),
                                models.Q(("verbatim_spans", ""), _negated=True),
                            ),
                            models.Q(
                                models.Q(("verbatim", "found"), _negated=True),
                                ("verbatim_passage_end__isnull", True),
                                ("verbatim_passage_start__isnull", True),
                                ("verbatim_spans", ""),
                            ),
                            _connector="OR",
                        ),
                        name="statement_verbatim_found_has_place",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
        # Only the statements not found: small, however many statements there are (the admin's list of them).
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("verbatim", "not_found")), fields=["-id"], name="statement_verbatim_not_found"
            ),
        ),
    ]
