"""A statement's other reports (models.Report): the database's rule that none is the primary source
(docs/trust.md#other-reports).

The rule is kept by triggers, on SQLite and PostgreSQL, since it spans two tables and a CHECK cannot: a report
whose source is its statement's primary source is refused on insert and update, and so is a statement given as
primary a source already listed as one of its other reports. `Report.clean()` and `Statement.clean()` say the same
in words before the database has to.

A report added to, changed on or removed from a published statement changes what its CSV row shows (`other_reports`),
so it stamps the statement in the change log that mirrors follow (statements/change_log.py), as a topic linked does.

Each report holds a copy of its source's outlet and language and of its statement's date (`outlet_cache`,
`language_cache`, `statement_date`), kept exact by triggers like the statement's own copies
(statements/denormalised.py): a report written, or given another source or statement, reads them (an update that
writes them stale reads them again), and a source whose outlet or language changes, or a statement whose date does,
passes them on to its reports. The outlet and language filters read the statements another report names from the
copies' indexes (`COPIES_SQL`), those newer than a date too, a few index entries, rather than from a join that reads
every source of the outlet (docs/performance.md#other-reports).
"""

from . import change_log

REPORTS = "statements_report"

MESSAGE = "report_source_not_primary: a report names a source other than the statement primary source"

_SQLITE = [
    f"""CREATE TRIGGER report_source_not_primary_insert BEFORE INSERT ON statements_report
    WHEN NEW.source_id = (SELECT source_id FROM statements_statement WHERE id = NEW.statement_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER report_source_not_primary_update BEFORE UPDATE OF statement_id, source_id ON statements_report
    WHEN NEW.source_id = (SELECT source_id FROM statements_statement WHERE id = NEW.statement_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER statement_source_not_a_report BEFORE UPDATE OF source_id ON statements_statement
    WHEN NEW.source_id IS NOT OLD.source_id
    AND EXISTS (SELECT 1 FROM statements_report WHERE statement_id = NEW.id AND source_id = NEW.source_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS report_source_not_primary_insert",
    "DROP TRIGGER IF EXISTS report_source_not_primary_update",
    "DROP TRIGGER IF EXISTS statement_source_not_a_report",
]

# check_violation (23514): Django raises IntegrityError, as for a CHECK constraint.
_POSTGRESQL = [
    f"""CREATE FUNCTION report_source_not_primary() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM statements_statement WHERE id = NEW.statement_id AND source_id = NEW.source_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER report_source_not_primary BEFORE INSERT OR UPDATE OF statement_id, source_id
    ON statements_report FOR EACH ROW EXECUTE FUNCTION report_source_not_primary()""",
    f"""CREATE FUNCTION statement_source_not_a_report() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM statements_report WHERE statement_id = NEW.id AND source_id = NEW.source_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    # Only when the source changes: a statement's other saves pay nothing.
    """CREATE TRIGGER statement_source_not_a_report BEFORE UPDATE OF source_id ON statements_statement
    FOR EACH ROW WHEN (NEW.source_id IS DISTINCT FROM OLD.source_id)
    EXECUTE FUNCTION statement_source_not_a_report()""",
]
_POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS statement_source_not_a_report ON statements_statement",
    "DROP FUNCTION IF EXISTS statement_source_not_a_report()",
    "DROP TRIGGER IF EXISTS report_source_not_primary ON statements_report",
    "DROP FUNCTION IF EXISTS report_source_not_primary()",
]


# Stamped like a link of the statement: the change log's own function on PostgreSQL, its `touch` on SQLite. An update
# stamps only when it changes what the public sees of the report (its statement, source or wording): not when its
# verbatim check is computed again (a source's kept text edited), which no API, CSV or feed shows.
WATCHED = "statement_id, source_id, text"
_EVENTS = (
    ("INSERT", "INSERT", ["NEW"]),
    ("DELETE", "DELETE", ["OLD"]),
    ("UPDATE", f"UPDATE OF {WATCHED}", ["OLD", "NEW"]),
)
_SQLITE_STAMPS = [
    f"CREATE TRIGGER {REPORTS}_changed_{name.lower()} AFTER {event} ON {REPORTS} BEGIN "
    + " ".join(change_log.BUILDERS["sqlite"].touch(f"{row}.statement_id") for row in rows)
    + " END"
    for name, event, rows in _EVENTS
]
_SQLITE_STAMPS_DROP = [f"DROP TRIGGER IF EXISTS {REPORTS}_changed_{name.lower()}" for name, _, _ in _EVENTS]
_POSTGRESQL_STAMPS = [
    f"CREATE TRIGGER {REPORTS}_changed AFTER INSERT OR UPDATE OF {WATCHED} OR DELETE ON {REPORTS}"
    f" FOR EACH ROW EXECUTE FUNCTION {change_log.PREFIX}_link()"
]
_POSTGRESQL_STAMPS_DROP = [f"DROP TRIGGER IF EXISTS {REPORTS}_changed ON {REPORTS}"]
_SQLITE += _SQLITE_STAMPS
_SQLITE_DROP += _SQLITE_STAMPS_DROP
_POSTGRESQL += _POSTGRESQL_STAMPS
_POSTGRESQL_DROP[:0] = _POSTGRESQL_STAMPS_DROP


# The copies of the report's source and statement (migration 0038).
def _copied(row: str) -> str:
    """The copies' SET clause, read for the report `row` names (NEW in a trigger, the table in the backfill)."""
    return (
        f"outlet_cache = (SELECT outlet_id FROM statements_source WHERE id = {row}.source_id),"
        f" language_cache = (SELECT language FROM statements_source WHERE id = {row}.source_id),"
        f" statement_date = (SELECT date FROM statements_statement WHERE id = {row}.statement_id)"
    )


_COPIED = _copied("NEW")
_STALE = (
    "(outlet_cache IS NOT (SELECT outlet_id FROM statements_source WHERE id = NEW.source_id)"
    " OR language_cache IS NOT (SELECT language FROM statements_source WHERE id = NEW.source_id)"
    " OR statement_date IS NOT (SELECT date FROM statements_statement WHERE id = NEW.statement_id))"
)
_COPY_COLUMNS = "statement_id, source_id, outlet_cache, language_cache, statement_date"
COPIES_SQL = {
    "sqlite": [
        f"CREATE TRIGGER report_source_copy_insert AFTER INSERT ON {REPORTS}"
        f" BEGIN UPDATE {REPORTS} SET {_COPIED} WHERE id = NEW.id AND {_STALE}; END",
        f"CREATE TRIGGER report_source_copy_update AFTER UPDATE OF {_COPY_COLUMNS} ON {REPORTS}"
        f" BEGIN UPDATE {REPORTS} SET {_COPIED} WHERE id = NEW.id AND {_STALE}; END",
        "CREATE TRIGGER source_report_copy AFTER UPDATE OF outlet_id, language ON statements_source"
        f" BEGIN UPDATE {REPORTS} SET outlet_cache = NEW.outlet_id, language_cache = NEW.language"
        " WHERE source_id = NEW.id AND (outlet_cache IS NOT NEW.outlet_id OR language_cache IS NOT NEW.language); END",
        "CREATE TRIGGER statement_report_copy AFTER UPDATE OF date ON statements_statement"
        f" WHEN NEW.date IS NOT OLD.date BEGIN UPDATE {REPORTS} SET statement_date = NEW.date"
        " WHERE statement_id = NEW.id; END",
    ],
    "postgresql": [
        # FOR SHARE: a transaction changing the source or the statement at the same moment either commits first, and
        # is read, or waits, and then finds this report among theirs.
        """CREATE FUNCTION report_source_copy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT outlet_id, language INTO NEW.outlet_cache, NEW.language_cache
            FROM statements_source WHERE id = NEW.source_id FOR SHARE;
            SELECT date INTO NEW.statement_date FROM statements_statement WHERE id = NEW.statement_id FOR SHARE;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER report_source_copy BEFORE INSERT OR UPDATE OF {_COPY_COLUMNS}
        ON {REPORTS} FOR EACH ROW EXECUTE FUNCTION report_source_copy()""",
        f"""CREATE FUNCTION source_report_copy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {REPORTS} SET outlet_cache = NEW.outlet_id, language_cache = NEW.language WHERE source_id = NEW.id;
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER source_report_copy AFTER UPDATE OF outlet_id, language ON statements_source FOR EACH ROW
        WHEN (NEW.outlet_id IS DISTINCT FROM OLD.outlet_id OR NEW.language IS DISTINCT FROM OLD.language)
        EXECUTE FUNCTION source_report_copy()""",
        f"""CREATE FUNCTION statement_report_copy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {REPORTS} SET statement_date = NEW.date WHERE statement_id = NEW.id;
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER statement_report_copy AFTER UPDATE OF date ON statements_statement FOR EACH ROW
        WHEN (NEW.date IS DISTINCT FROM OLD.date) EXECUTE FUNCTION statement_report_copy()""",
    ],
}
COPIES_DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS report_source_copy_insert",
        "DROP TRIGGER IF EXISTS report_source_copy_update",
        "DROP TRIGGER IF EXISTS source_report_copy",
        "DROP TRIGGER IF EXISTS statement_report_copy",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS statement_report_copy ON statements_statement",
        "DROP FUNCTION IF EXISTS statement_report_copy()",
        "DROP TRIGGER IF EXISTS source_report_copy ON statements_source",
        "DROP FUNCTION IF EXISTS source_report_copy()",
        f"DROP TRIGGER IF EXISTS report_source_copy ON {REPORTS}",
        "DROP FUNCTION IF EXISTS report_source_copy()",
    ],
}
INDEXES = {"report_outlet_date": "outlet_cache", "report_language_date": "language_cache"}


def create_copies(schema_editor) -> None:
    """The copies' columns, filled, their triggers and indexes (migration 0038). ALTER TABLE rather than Django's
    AddField, which rebuilds an SQLite table and drops its triggers."""
    schema_editor.execute(f"ALTER TABLE {REPORTS} ADD COLUMN outlet_cache integer NULL")
    schema_editor.execute(f"ALTER TABLE {REPORTS} ADD COLUMN language_cache varchar(8) NOT NULL DEFAULT ''")
    schema_editor.execute(f"ALTER TABLE {REPORTS} ADD COLUMN statement_date date NULL")
    schema_editor.execute(f"UPDATE {REPORTS} SET {_copied(REPORTS)}")
    for sql in COPIES_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(sql)
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON {REPORTS} ({column}, statement_date, statement_id)")


def drop_copies(schema_editor) -> None:
    for sql in COPIES_DROP[schema_editor.connection.vendor]:
        schema_editor.execute(sql)
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for column in ("outlet_cache", "language_cache", "statement_date"):
        schema_editor.execute(f"ALTER TABLE {REPORTS} DROP COLUMN {column}")


def create_schema(schema_editor) -> None:
    for sql in _POSTGRESQL if schema_editor.connection.vendor == "postgresql" else _SQLITE:
        schema_editor.execute(sql)


def drop_schema(schema_editor) -> None:
    for sql in _POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else _SQLITE_DROP:
        schema_editor.execute(sql)
