"""A statement's other reports (models.Report): the database's rule that none is the primary source
(docs/trust.md#other-reports).

The rule is kept by triggers, on SQLite and PostgreSQL, since it spans two tables and a CHECK cannot: a report
whose source is its statement's primary source is refused on insert and update, and so is a statement given as
primary a source already listed as one of its other reports. `Report.clean()` and `Statement.clean()` say the same
in words before the database has to.

A report added to, changed on or removed from a published statement changes what its CSV row shows (`other_reports`),
so it stamps the statement in the change log that mirrors follow (statements/change_log.py), as a topic linked does.
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


def create_schema(schema_editor) -> None:
    for sql in _POSTGRESQL if schema_editor.connection.vendor == "postgresql" else _SQLITE:
        schema_editor.execute(sql)


def drop_schema(schema_editor) -> None:
    for sql in _POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else _SQLITE_DROP:
        schema_editor.execute(sql)
