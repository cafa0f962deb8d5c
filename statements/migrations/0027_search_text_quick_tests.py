"""PostgreSQL: statements_search_text applies each spelling rule only to a text that holds what the rule needs (an
apostrophe, a dot before a letter, the capitals of an acronym), as Python's spellings.normalise does, instead of
running all eighteen regular expressions over every text. A rule skipped this way would have changed nothing, so
every text reads exactly as before and nothing is indexed again; writing a statement costs less (docs/csv.md).

SQLite is unchanged: its index calls spellings.normalise itself. Going back restores the single SQL expression.
"""

from django.db import migrations

from statements import spellings


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def chained_function(name: str = "statements_search_text") -> str:
    """The function as 0019 made it: every rule's regexp_replace over the text, one inside the other."""
    expression = (
        f"translate(body, {_sql_literal(spellings.APOSTROPHES)}, {_sql_literal(chr(39) * len(spellings.APOSTROPHES))})"
    )
    for pattern, replacement in spellings.RULES:
        expression = f"regexp_replace({expression}, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'g')"
    return f"""
        CREATE OR REPLACE FUNCTION {name}(body text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {expression} $$"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(spellings.POSTGRES_FUNCTION, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(chained_function(), params=None)


class Migration(migrations.Migration):
    dependencies = [("statements", "0026_source_text_and_verbatim_check")]

    operations = [migrations.RunPython(forward, backward)]
