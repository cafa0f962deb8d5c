"""PostgreSQL: the search document of a statement written costs less to make, and reads exactly as before.

- statements_search_text applies each spelling rule only to a text that holds what the rule needs (an apostrophe,
  a dot before a letter, the capitals of an acronym), as Python's spellings.normalise does, instead of running all
  eighteen regular expressions over every text: a rule skipped would have changed nothing.
- statements_search_document is PL/pgSQL, each part read once into a variable, instead of an SQL function with a
  subquery, which PostgreSQL cannot inline and ran through its SQL-function executor for every statement.

Nothing is indexed again: every document is the one the previous functions made (tests/test_search.py compares
them). SQLite is unchanged: its index calls spellings.normalise itself. Going back restores the previous functions,
frozen below.
"""

from django.db import migrations

from statements import search, spellings


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def chained_search_text(name: str = "statements_search_text") -> str:
    """statements_search_text as 0019 made it: every rule's regexp_replace over the text, one inside the other."""
    apostrophes = spellings.APOSTROPHES
    expression = f"translate(body, {_sql_literal(apostrophes)}, {_sql_literal(chr(39) * len(apostrophes))})"
    for pattern, replacement in spellings.RULES:
        expression = f"regexp_replace({expression}, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'g')"
    return f"""
        CREATE OR REPLACE FUNCTION {name}(body text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {expression} $$"""


def sql_search_document(name: str = "statements_search_document", search_text: str = "statements_search_text") -> str:
    """statements_search_document as 0019 made it (reading each part with the function named `search_text`)."""
    return f"""
    CREATE OR REPLACE FUNCTION {name}(body text, original text, speaker bigint, source bigint)
    RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', parts.body_read), 'A')
            || setweight(to_tsvector('english', parts.speaker_read), 'B')
            || setweight(to_tsvector('english', parts.source_read), 'C')
            || setweight(to_tsvector('english', parts.original_read), 'D')
            || setweight(to_tsvector('english', statements_search_compounds(
                   concat_ws(' ', parts.body_read, parts.speaker_read, parts.source_read, parts.original_read))), 'D')
        FROM (SELECT {search_text}(body) AS body_read,
                {search_text}(COALESCE(
                    (SELECT name || ' ' || aliases FROM statements_official WHERE id = speaker), '')) AS speaker_read,
                {search_text}(COALESCE(
                    (SELECT title FROM statements_source WHERE id = source), '')) AS source_read,
                {search_text}(original) AS original_read) AS parts
    $$"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(spellings.POSTGRES_FUNCTION, params=None)
        schema_editor.execute(search.POSTGRES_DOCUMENT_FUNCTION, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(chained_search_text(), params=None)
        schema_editor.execute(sql_search_document(), params=None)


class Migration(migrations.Migration):
    dependencies = [("statements", "0027_statement_change_log")]

    operations = [migrations.RunPython(forward, backward)]
