"""Full-text search tables and the triggers that keep them in sync (FTS5 on SQLite, tsvector + GIN on PostgreSQL).

SQLite's FTS5 schema is still the current one (statements/search.py). PostgreSQL's search table is frozen here as it
was created then: migration 0009 replaces it with a document on the statement's own row.
"""

from django.db import migrations

from statements import search

TABLE = "statements_statement_search"

# Weights: A the statement, B the speaker, C the source title, D the original-language text.
DOCUMENT_SELECT = f"""
    INSERT INTO {TABLE} (statement_id, document)
    SELECT s.id,
           setweight(to_tsvector('english', s.text), 'A')
        || setweight(to_tsvector('english', o.name || ' ' || o.aliases), 'B')
        || setweight(to_tsvector('english', COALESCE(src.title, '')), 'C')
        || setweight(to_tsvector('english', s.original_text), 'D')
    FROM statements_statement s
    JOIN statements_official o ON o.id = s.speaker_id
    LEFT JOIN statements_source src ON src.id = s.source_id
"""

POSTGRES_TABLE_CREATE = [
    # No foreign key: Django's flush truncates statements_statement alone; a TRUNCATE trigger empties this table.
    f"CREATE TABLE {TABLE} (statement_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
    f"""CREATE FUNCTION statements_search_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        {DOCUMENT_SELECT} WHERE s.id = ANY(ids)
        ON CONFLICT (statement_id) DO UPDATE SET document = EXCLUDED.document;
    $$""",
    """CREATE FUNCTION statements_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM statements_search_refresh(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_insert AFTER INSERT ON statements_statement
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statements_search_on_insert()""",
    """CREATE FUNCTION statements_search_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM statements_search_refresh(ARRAY[NEW.id]);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_update
        AFTER UPDATE OF text, original_text, speaker_id, source_id ON statements_statement
        FOR EACH ROW EXECUTE FUNCTION statements_search_on_update()""",
    f"""CREATE FUNCTION statements_search_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} WHERE statement_id IN (SELECT id FROM old_rows);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_delete AFTER DELETE ON statements_statement
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION statements_search_on_delete()""",
    f"""CREATE FUNCTION statements_search_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_truncate AFTER TRUNCATE ON statements_statement
        FOR EACH STATEMENT EXECUTE FUNCTION statements_search_on_truncate()""",
    """CREATE FUNCTION statements_search_on_official() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM statements_search_refresh(ARRAY(SELECT id FROM statements_statement WHERE speaker_id = NEW.id));
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_official AFTER UPDATE OF name, aliases ON statements_official
        FOR EACH ROW EXECUTE FUNCTION statements_search_on_official()""",
    """CREATE FUNCTION statements_search_on_source() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM statements_search_refresh(ARRAY(SELECT id FROM statements_statement WHERE source_id = NEW.id));
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_source AFTER UPDATE OF title ON statements_source
        FOR EACH ROW EXECUTE FUNCTION statements_search_on_source()""",
    DOCUMENT_SELECT,
]

POSTGRES_TABLE_DROP = [
    "DROP TRIGGER IF EXISTS statements_search_insert ON statements_statement",
    "DROP TRIGGER IF EXISTS statements_search_update ON statements_statement",
    "DROP TRIGGER IF EXISTS statements_search_delete ON statements_statement",
    "DROP TRIGGER IF EXISTS statements_search_truncate ON statements_statement",
    "DROP TRIGGER IF EXISTS statements_search_official ON statements_official",
    "DROP TRIGGER IF EXISTS statements_search_source ON statements_source",
    "DROP FUNCTION IF EXISTS statements_search_on_insert, statements_search_on_update, statements_search_on_delete,"
    " statements_search_on_truncate, statements_search_on_official, statements_search_on_source",
    "DROP FUNCTION IF EXISTS statements_search_refresh",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        run(schema_editor, POSTGRES_TABLE_CREATE)
    else:
        search.create_schema(schema_editor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        run(schema_editor, POSTGRES_TABLE_DROP)
    else:
        search.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("statements", "0003_roles")]

    operations = [migrations.RunPython(create, drop)]
