"""Each statement's outlet and report language, copied from its source onto its row by database triggers.

`Statement.outlet_cache` holds the id of the outlet that published the statement's source (NULL without a source)
and `source_language_cache` the source's language code ("" without one). The sources stay the truth; the copies let
the outlet and language filters read the statements' own indexes (docs/performance.md, section 11):

- one outlet is a walk of `statement_outlet_date_cover` in date order, which stops after the newest matches a page
  needs, like a speaker; before, a common outlet's sources' ids (75,000 at a million statements) were read and
  tested against each statement passed on the date index, and a rare one's statements were listed and sorted;
- a language is tested on the walk of the date index from the row's copy, or listed from its own index.

Triggers keep the copies exact whatever writes (the admin, imports, the API, raw SQL): a statement written with a
source, or given another, takes the source's values, and a source whose outlet or language changes passes them on
to its statements. An ORM save writes the copies it loaded, which may be stale, so an update that sets them reads
them from the source again. On PostgreSQL, a statement given another source reads it `FOR SHARE`: a transaction
changing that source's outlet at the same moment either commits first, and is read, or waits, and then finds the
statement among the source's. The SQL lives here; migration 0013 calls it.
"""

STATEMENT_TABLE = "statements_statement"
SOURCE_TABLE = "statements_source"
# (the statement's copy, the source's column)
COPIES = [("outlet_cache", "outlet_id"), ("source_language_cache", "language")]
# NULL where the source or the value is missing, as the column allows
MISSING = {"outlet_cache": "NULL", "source_language_cache": "''"}


def _from_source(column: str, copy: str, source_id: str) -> str:
    return f"COALESCE((SELECT {column} FROM {SOURCE_TABLE} WHERE id = {source_id}), {MISSING[copy]})"


def _exact(source_id: str) -> dict[str, str]:
    """Each copy's exact value, read from the source `source_id` names."""
    return {copy: _from_source(column, copy, source_id) for copy, column in COPIES}


def _sqlite_rewrite(statement: str) -> str:
    """An UPDATE putting one statement's exact copies in place, writing nothing when they are exact already."""
    exact = _exact(f"{statement}.source_id")
    sets = ", ".join(f"{copy} = {value}" for copy, value in exact.items())
    stale = " OR ".join(f"{copy} IS NOT {value}" for copy, value in exact.items())
    return f"UPDATE {STATEMENT_TABLE} SET {sets} WHERE id = {statement}.id AND ({stale});"


def _passed_on(vendor: str) -> str:
    """A source's values written to its statements that do not hold them yet."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    sets = ", ".join(f"{copy} = NEW.{column}" for copy, column in COPIES)
    stale = " OR ".join(f"{copy} {differs} NEW.{column}" for copy, column in COPIES)
    return f"UPDATE {STATEMENT_TABLE} SET {sets} WHERE source_id = NEW.id AND ({stale});"


def _sqlite_statements() -> list[str]:
    # SQLite's triggers cannot change the row being written: an UPDATE after it puts the exact copies back (and does
    # not fire these triggers again: SQLite's recursive_triggers is off). A bulk loader that inserts the exact
    # values (statements/synthetic.py) costs two lookups a row and no rewrite.
    copies = ", ".join(copy for copy, _ in COPIES)
    columns = ", ".join(column for _, column in COPIES)
    return [
        f"CREATE TRIGGER {STATEMENT_TABLE}_source_cache_insert AFTER INSERT ON {STATEMENT_TABLE}"
        f" BEGIN {_sqlite_rewrite('NEW')} END",
        f"CREATE TRIGGER {STATEMENT_TABLE}_source_cache_update AFTER UPDATE OF source_id, {copies}"
        f" ON {STATEMENT_TABLE} BEGIN {_sqlite_rewrite('NEW')} END",
        # A source inserted after its statements (loaddata writes rows in any order with the checks off).
        f"CREATE TRIGGER {SOURCE_TABLE}_cache_insert AFTER INSERT ON {SOURCE_TABLE} BEGIN {_passed_on('sqlite')} END",
        f"CREATE TRIGGER {SOURCE_TABLE}_cache_update AFTER UPDATE OF {columns} ON {SOURCE_TABLE}"
        f" BEGIN {_passed_on('sqlite')} END",
    ]


def _postgresql_statements() -> list[str]:
    copies = ", ".join(copy for copy, _ in COPIES)
    columns = ", ".join(column for _, column in COPIES)
    into = ", ".join(f"NEW.{copy}" for copy, _ in COPIES)
    read = f"SELECT {columns} INTO {into} FROM {SOURCE_TABLE} WHERE id = NEW.source_id"
    missing = " ".join(f"NEW.{copy} := COALESCE(NEW.{copy}, {MISSING[copy]});" for copy, _ in COPIES)
    return [
        f"CREATE FUNCTION {STATEMENT_TABLE}_source_cache() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP = 'INSERT' OR NEW.source_id IS DISTINCT FROM OLD.source_id THEN {read} FOR SHARE;"
        f" ELSE {read}; END IF;"
        f" {missing} RETURN NEW; END $$",
        f"CREATE TRIGGER {STATEMENT_TABLE}_source_cache BEFORE INSERT OR UPDATE OF source_id, {copies}"
        f" ON {STATEMENT_TABLE} FOR EACH ROW EXECUTE FUNCTION {STATEMENT_TABLE}_source_cache()",
        f"CREATE FUNCTION {SOURCE_TABLE}_cache() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" {_passed_on('postgresql')} RETURN NULL; END $$",
        f"CREATE TRIGGER {SOURCE_TABLE}_cache AFTER INSERT OR UPDATE OF {columns} ON {SOURCE_TABLE}"
        f" FOR EACH ROW EXECUTE FUNCTION {SOURCE_TABLE}_cache()",
    ]


def fill_sql() -> str:
    """Put the copies on every statement with a source (the rows written before the triggers); same SQL on both."""
    sets = ", ".join(f"{copy} = {value}" for copy, value in _exact(f"{STATEMENT_TABLE}.source_id").items())
    return f"UPDATE {STATEMENT_TABLE} SET {sets} WHERE source_id IS NOT NULL"


def create_schema(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    schema_editor.execute(fill_sql())
    for sql in _postgresql_statements() if vendor == "postgresql" else _sqlite_statements():
        schema_editor.execute(sql)


def drop_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {STATEMENT_TABLE}_source_cache ON {STATEMENT_TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {STATEMENT_TABLE}_source_cache()")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SOURCE_TABLE}_cache ON {SOURCE_TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {SOURCE_TABLE}_cache()")
        return
    for name in (
        f"{STATEMENT_TABLE}_source_cache_insert",
        f"{STATEMENT_TABLE}_source_cache_update",
        f"{SOURCE_TABLE}_cache_insert",
        f"{SOURCE_TABLE}_cache_update",
    ):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
