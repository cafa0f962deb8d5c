"""The change log: when each statement the public has seen last changed, or left the public, kept by the database.

`statements_statementchange` (the `StatementChange` model) holds one row per statement that has been published:
`changed_at`, when what the API and the CSV show of it last changed, and `withdrawn`, whether it has left the
published set since (retracted, returned to draft, or deleted: a tombstone). A draft never published has no row.
`?updated_since=` (statements/changes.py) reads it in (changed_at, statement_id) order through its index.

Why a table of its own, kept by triggers, rather than a column of the statement kept by the save paths and signals:

- every writer is covered: the admin, the bulk actions, imports (statements/bulk_insert.py writes rows directly),
  the article assistant, raw SQL. A change that a save path forgets is a change a mirror never hears of;
- the ORM never writes it. A column on the statement would be written back by every `save()` with the value it
  was loaded with, undoing a newer stamp a link change made in between;
- a deleted statement keeps its row, which is its tombstone, and one index orders changes and tombstones together,
  so a page is one range scan of one index whatever the mix.

What counts as a change of a published statement, for a mirror: its own public columns (`PUBLIC_COLUMNS`), a topic,
country or official mentioned added or removed, its speaker or an official it mentions renamed (name, slug or
country), its source's public columns changed, a coding of it or a typed link from or to it added, changed or
removed (the API shows its `codings` and its `links` both ways: `SHOWN_WITH`, migration 0034). Publishing it, or
publishing it again, is a change; leaving the published set marks the row withdrawn. Edits of a draft or of a
retracted statement are not listed (the public does not see them) until it is published again.

Stamps. On PostgreSQL `clock_timestamp()`, taken after the writing transaction has its id
(`pg_current_xact_id()`), so that a reader can tell which stamps may still be committed behind it
(`changes.horizon`). On SQLite the time of the statement, in the text form Django writes ("YYYY-MM-DD
HH:MM:SS.ffffff", to the millisecond), so that stamps compare as text in time order; SQLite has one writer at a
time, so stamps are committed in their order.
"""

STATEMENTS = "statements_statement"
CHANGES = "statements_statementchange"
LINK_TABLES = [
    "statements_statement_topics",
    "statements_statement_countries",
    "statements_statement_mentioned_officials",
]
PUBLISHED = "'published'"
# What the public sees of a statement's own row (its links, speaker and source are watched by their own triggers).
PUBLIC_COLUMNS = [
    "status",
    "text",
    "kind",
    "speaker_id",
    "date",
    "date_precision",
    "source_id",
    "original_text",
    "original_language",
]
# Rows shown with a statement, by table: the columns naming the statements that show them. A typed link shows on
# both its statements' pages and API entries. (A blind second coding is stored apart and shown nowhere public.)
SHOWN_WITH = {"statements_coding": ["statement_id"], "statements_statementlink": ["statement_id", "linked_id"]}
OFFICIAL_COLUMNS = ["name", "slug", "country_id"]
SOURCE_COLUMNS = ["outlet_id", "title", "url", "published_on", "medium", "venue"]
UPSERT = "ON CONFLICT (statement_id) DO UPDATE SET changed_at = excluded.changed_at, withdrawn = excluded.withdrawn"
PREFIX = CHANGES  # every trigger and function of the change log is named after its table


def _differ(columns: list[str], operator: str) -> str:
    return " OR ".join(f"OLD.{column} {operator} NEW.{column}" for column in columns)


def _statements_of_official(official: str) -> str:
    return (
        f"SELECT id FROM {STATEMENTS} WHERE speaker_id = {official}"
        f" UNION SELECT statement_id FROM statements_statement_mentioned_officials WHERE official_id = {official}"
    )


class SQLite:
    stamp = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"

    def mark(self, statement: str, withdrawn: int) -> str:
        return (
            f"INSERT INTO {CHANGES} (statement_id, changed_at, withdrawn)"
            f" VALUES ({statement}, {self.stamp}, {withdrawn}) {UPSERT};"
        )

    def touch(self, statements: str) -> str:
        """Stamp the published statements among `statements` (an id, or a subquery in parentheses)."""
        return f"UPDATE {CHANGES} SET changed_at = {self.stamp} WHERE NOT withdrawn AND statement_id IN ({statements});"

    def create(self) -> list[str]:
        public_changed = _differ(PUBLIC_COLUMNS, "IS NOT")
        sql = [
            f"CREATE TRIGGER {PREFIX}_insert AFTER INSERT ON {STATEMENTS} WHEN NEW.status = {PUBLISHED}"
            f" BEGIN {self.mark('NEW.id', 0)} END",
            f"CREATE TRIGGER {PREFIX}_update AFTER UPDATE ON {STATEMENTS}"
            f" WHEN NEW.status = {PUBLISHED} AND ({public_changed})"
            f" BEGIN {self.mark('NEW.id', 0)} END",
            f"CREATE TRIGGER {PREFIX}_withdraw AFTER UPDATE OF status ON {STATEMENTS}"
            f" WHEN OLD.status = {PUBLISHED} AND NEW.status <> {PUBLISHED}"
            f" BEGIN {self.mark('NEW.id', 1)} END",
            f"CREATE TRIGGER {PREFIX}_delete AFTER DELETE ON {STATEMENTS} WHEN OLD.status = {PUBLISHED}"
            f" BEGIN {self.mark('OLD.id', 1)} END",
        ]
        for table in LINK_TABLES:
            for event, rows in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["OLD", "NEW"])):
                body = " ".join(self.touch(f"{row}.statement_id") for row in rows)
                sql.append(f"CREATE TRIGGER {table}_changed_{event.lower()} AFTER {event} ON {table} BEGIN {body} END")
        sql.append(
            f"CREATE TRIGGER {PREFIX}_official AFTER UPDATE OF {', '.join(OFFICIAL_COLUMNS)} ON statements_official"
            f" WHEN {_differ(OFFICIAL_COLUMNS, 'IS NOT')} BEGIN {self.touch(_statements_of_official('NEW.id'))} END"
        )
        sql.append(
            f"CREATE TRIGGER {PREFIX}_source AFTER UPDATE OF {', '.join(SOURCE_COLUMNS)} ON statements_source"
            f" WHEN {_differ(SOURCE_COLUMNS, 'IS NOT')}"
            f" BEGIN {self.touch(f'SELECT id FROM {STATEMENTS} WHERE source_id = NEW.id')} END"
        )
        return sql

    def drop(self) -> list[str]:
        names = [f"{PREFIX}_{name}" for name in ("insert", "update", "withdraw", "delete", "official", "source")]
        names += [f"{table}_changed_{event}" for table in LINK_TABLES for event in ("insert", "delete", "update")]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]

    def create_shown_with(self) -> list[str]:
        sql = []
        for table, columns in SHOWN_WITH.items():
            for event, rows in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["OLD", "NEW"])):
                body = " ".join(self.touch(f"{row}.{column}") for row in rows for column in columns)
                sql.append(f"CREATE TRIGGER {table}_changed_{event.lower()} AFTER {event} ON {table} BEGIN {body} END")
        return sql

    def drop_shown_with(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {table}_changed_{event}"
            for table in SHOWN_WITH
            for event in ("insert", "delete", "update")
        ]

    def fill(self) -> str:
        """Every published or retracted statement, stamped when it was last saved (one INSERT … SELECT)."""
        return (
            f"INSERT INTO {CHANGES} (statement_id, changed_at, withdrawn)"
            f" SELECT id, {self.saved_at()}, status <> {PUBLISHED} FROM {STATEMENTS}"
            f" WHERE status IN ({PUBLISHED}, 'retracted')"
        )

    def saved_at(self) -> str:
        return "strftime('%Y-%m-%d %H:%M:%f', updated_at) || '000'"


class PostgreSQL(SQLite):
    stamp = "clock_timestamp()"

    def create(self) -> list[str]:
        public_changed = _differ(PUBLIC_COLUMNS, "IS DISTINCT FROM")
        mark = (
            f"CREATE FUNCTION {PREFIX}_mark(statement bigint, gone boolean) RETURNS void LANGUAGE plpgsql AS $$ BEGIN"
            # The transaction's id first, so that a reader sees this writer in pg_stat_activity before any stamp.
            f" PERFORM pg_current_xact_id();"
            f" INSERT INTO {CHANGES} (statement_id, changed_at, withdrawn)"
            f" VALUES (statement, clock_timestamp(), gone) {UPSERT}; END $$"
        )
        on_statement = (
            f"CREATE FUNCTION {PREFIX}_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF TG_OP = 'DELETE' THEN"
            f" IF OLD.status = {PUBLISHED} THEN PERFORM {PREFIX}_mark(OLD.id, true); END IF;"
            " ELSIF TG_OP = 'INSERT' THEN"
            f" IF NEW.status = {PUBLISHED} THEN PERFORM {PREFIX}_mark(NEW.id, false); END IF;"
            f" ELSIF NEW.status = {PUBLISHED} THEN"
            f" IF {public_changed} THEN PERFORM {PREFIX}_mark(NEW.id, false); END IF;"
            f" ELSIF OLD.status = {PUBLISHED} THEN PERFORM {PREFIX}_mark(NEW.id, true);"
            " END IF; RETURN NULL; END $$"
        )
        touch = (
            f"CREATE FUNCTION {PREFIX}_touch(statements bigint[]) RETURNS void LANGUAGE plpgsql AS $$ BEGIN"
            " PERFORM pg_current_xact_id();"
            f" UPDATE {CHANGES} SET changed_at = clock_timestamp()"
            " WHERE NOT withdrawn AND statement_id = ANY(statements); END $$"
        )
        on_link = (
            f"CREATE FUNCTION {PREFIX}_link() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF TG_OP <> 'INSERT' THEN PERFORM {PREFIX}_touch(ARRAY[OLD.statement_id]); END IF;"
            f" IF TG_OP <> 'DELETE' THEN PERFORM {PREFIX}_touch(ARRAY[NEW.statement_id]); END IF;"
            " RETURN NULL; END $$"
        )
        on_official = (
            f"CREATE FUNCTION {PREFIX}_official() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" PERFORM {PREFIX}_touch(ARRAY({_statements_of_official('NEW.id')})); RETURN NULL; END $$"
        )
        on_source = (
            f"CREATE FUNCTION {PREFIX}_source() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" PERFORM {PREFIX}_touch(ARRAY(SELECT id FROM {STATEMENTS} WHERE source_id = NEW.id)); RETURN NULL; END $$"
        )
        sql = [
            mark,
            touch,
            on_statement,
            f"CREATE TRIGGER {PREFIX}_statement AFTER INSERT OR UPDATE OR DELETE ON {STATEMENTS}"
            f" FOR EACH ROW EXECUTE FUNCTION {PREFIX}_statement()",
            on_link,
        ]
        for table in LINK_TABLES:
            sql.append(
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {PREFIX}_link()"
            )
        sql += [
            on_official,
            f"CREATE TRIGGER {PREFIX}_official AFTER UPDATE OF {', '.join(OFFICIAL_COLUMNS)} ON statements_official"
            f" FOR EACH ROW WHEN ({_differ(OFFICIAL_COLUMNS, 'IS DISTINCT FROM')})"
            f" EXECUTE FUNCTION {PREFIX}_official()",
            on_source,
            f"CREATE TRIGGER {PREFIX}_source AFTER UPDATE OF {', '.join(SOURCE_COLUMNS)} ON statements_source"
            f" FOR EACH ROW WHEN ({_differ(SOURCE_COLUMNS, 'IS DISTINCT FROM')})"
            f" EXECUTE FUNCTION {PREFIX}_source()",
        ]
        return sql

    def drop(self) -> list[str]:
        sql = [f"DROP TRIGGER IF EXISTS {table}_changed ON {table}" for table in LINK_TABLES]
        sql += [
            f"DROP TRIGGER IF EXISTS {PREFIX}_statement ON {STATEMENTS}",
            f"DROP TRIGGER IF EXISTS {PREFIX}_official ON statements_official",
            f"DROP TRIGGER IF EXISTS {PREFIX}_source ON statements_source",
        ]
        functions = ["statement()", "link()", "official()", "source()", "touch(bigint[])", "mark(bigint, boolean)"]
        return sql + [f"DROP FUNCTION IF EXISTS {PREFIX}_{function}" for function in functions]

    def saved_at(self) -> str:
        return "updated_at"

    def create_shown_with(self) -> list[str]:
        sql = []
        for table, columns in SHOWN_WITH.items():
            function = f"{PREFIX}_{table}"
            old = ", ".join(f"OLD.{column}" for column in columns)
            new = ", ".join(f"NEW.{column}" for column in columns)
            sql += [
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF TG_OP <> 'INSERT' THEN PERFORM {PREFIX}_touch(ARRAY[{old}]); END IF;"
                f" IF TG_OP <> 'DELETE' THEN PERFORM {PREFIX}_touch(ARRAY[{new}]); END IF;"
                " RETURN NULL; END $$",
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {function}()",
            ]
        return sql

    def drop_shown_with(self) -> list[str]:
        sql = []
        for table in SHOWN_WITH:
            sql += [
                f"DROP TRIGGER IF EXISTS {table}_changed ON {table}",
                f"DROP FUNCTION IF EXISTS {PREFIX}_{table}()",
            ]
        return sql


BUILDERS = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def create_schema(schema_editor) -> None:
    """Create the triggers that keep the log, then log every statement published or retracted so far. In that order:
    on PostgreSQL creating a trigger makes the statements' writers wait for the migration's end, so none can change a
    statement between the fill and the triggers."""
    builder = BUILDERS[schema_editor.connection.vendor]
    for sql in [*builder.create(), builder.fill()]:
        schema_editor.execute(sql)


def drop_schema(schema_editor) -> None:
    builder = BUILDERS[schema_editor.connection.vendor]
    for sql in builder.drop():
        schema_editor.execute(sql)


def create_shown_with_schema(schema_editor) -> None:
    """Watch the codings and the typed links too: a change to one is a change of the statements that show it."""
    for sql in BUILDERS[schema_editor.connection.vendor].create_shown_with():
        schema_editor.execute(sql)


def drop_shown_with_schema(schema_editor) -> None:
    for sql in BUILDERS[schema_editor.connection.vendor].drop_shown_with():
        schema_editor.execute(sql)
