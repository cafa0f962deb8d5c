"""Search reads common spellings alike in the texts and the queries: "U.S." and "US" (not "us"), "Syria's" and
"Syria", curly and straight apostrophes, "cease-fire" and "ceasefire" (statements/spellings.py).

Every statement is indexed again, a batch of ids at a time, each batch in its own transaction, so that no lock is
held on the whole table for the whole run; searches made meanwhile find only the statements indexed so far (SQLite)
or read some old documents (PostgreSQL). Run it as a short maintenance window and afterwards `VACUUM ANALYZE
statements_statement` on PostgreSQL, which rewrites every statement row (docs/operations.md). Going back restores
the index as 0004 (SQLite) and 0009 (PostgreSQL) made it, frozen below, and indexes every statement again.
"""

import sys

from django.db import migrations

from statements import search, spellings

FTS = search.SQLITE_TABLE
OLD_SQLITE_DOCUMENT = """
    NEW.text,
    (SELECT name || ' ' || aliases FROM statements_official WHERE id = NEW.speaker_id),
    COALESCE((SELECT title FROM statements_source WHERE id = NEW.source_id), ''),
    NEW.original_text
"""
OLD_SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        text, speaker, source_title, original_text, tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements_statement BEGIN
        INSERT INTO {FTS}(rowid, text, speaker, source_title, original_text) VALUES (NEW.id, {OLD_SQLITE_DOCUMENT});
    END""",
    f"""CREATE TRIGGER statements_fts_update
        AFTER UPDATE OF text, original_text, speaker_id, source_id ON statements_statement BEGIN
        DELETE FROM {FTS} WHERE rowid = OLD.id;
        INSERT INTO {FTS}(rowid, text, speaker, source_title, original_text) VALUES (NEW.id, {OLD_SQLITE_DOCUMENT});
    END""",
    f"""CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements_statement BEGIN
        DELETE FROM {FTS} WHERE rowid = OLD.id;
    END""",
    f"""CREATE TRIGGER statements_fts_official AFTER UPDATE OF name, aliases ON statements_official BEGIN
        UPDATE {FTS} SET speaker = NEW.name || ' ' || NEW.aliases
        WHERE rowid IN (SELECT id FROM statements_statement WHERE speaker_id = NEW.id);
    END""",
    f"""CREATE TRIGGER statements_fts_source AFTER UPDATE OF title ON statements_source BEGIN
        UPDATE {FTS} SET source_title = NEW.title
        WHERE rowid IN (SELECT id FROM statements_statement WHERE source_id = NEW.id);
    END""",
    f"""INSERT INTO {FTS}(rowid, text, speaker, source_title, original_text)
        SELECT s.id, s.text, o.name || ' ' || o.aliases, COALESCE(src.title, ''), s.original_text
        FROM statements_statement s JOIN statements_official o ON o.id = s.speaker_id
        LEFT JOIN statements_source src ON src.id = s.source_id""",
]
OLD_POSTGRES_DOCUMENT_FUNCTION = """
    CREATE OR REPLACE FUNCTION statements_search_document(body text, original text, speaker bigint, source bigint)
    RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', body), 'A')
            || setweight(to_tsvector('english', COALESCE(
                   (SELECT name || ' ' || aliases FROM statements_official WHERE id = speaker), '')), 'B')
            || setweight(to_tsvector('english', COALESCE(
                   (SELECT title FROM statements_source WHERE id = source), '')), 'C')
            || setweight(to_tsvector('english', original), 'D')
    $$"""


def progress(done: int, total: int) -> None:
    """A line per batch on a table of more than one batch, for a run that takes minutes."""
    if total > 20_000:
        sys.stdout.write(f"\n    indexed {done:,} of {total:,} statements for search")
        sys.stdout.flush()


def run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        run(
            schema_editor,
            [spellings.POSTGRES_FUNCTION, spellings.POSTGRES_COMPOUNDS_FUNCTION, search.POSTGRES_DOCUMENT_FUNCTION],
        )
    else:
        run(schema_editor, search.SQLITE_DROP + search.SQLITE_CREATE)
    search.index_statements(connection, progress=progress)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        run(schema_editor, [OLD_POSTGRES_DOCUMENT_FUNCTION])
        search.index_statements(connection, progress=progress)
        run(schema_editor, [spellings.POSTGRES_DROP_FUNCTION, spellings.POSTGRES_DROP_COMPOUNDS_FUNCTION])
    else:
        run(schema_editor, search.SQLITE_DROP + OLD_SQLITE_CREATE)


class Migration(migrations.Migration):
    atomic = False  # a transaction per batch (search.index_statements)

    dependencies = [("statements", "0018_alerts")]

    operations = [migrations.RunPython(forward, backward)]
