"""How many published statements each value of the timeline's option lists has, kept exact by database triggers
(docs/option-counts.md).

What is kept. `OptionCount` rows (statements/models.py) hold, per kind of value, how many published statements
have it: a speaker (its id), a country concerned (its id), an outlet (its id), a language (its code: said in it or
reported in it, once per statement), and a set of topics (the statement's `topics_cache`, ",3,17,"). Topics are
counted per set rather than per topic because the topic filter includes sub-topics: a statement on both Syria and
Middle East is one statement under Middle East, and only the sets say so (`OptionCounts.topics`). The speaker's
country is summed from the speakers' counts by whoever reads them, since it is the official's country now.

Why triggers. The form lists these counts on every timeline request, and a GROUP BY over a million statements per
request costs seconds. A cache invalidated on writes would recount the million rows after every publish, the
busiest time of an analyst's day. The triggers read what each write changed, from the statement's own row: its
status, speaker and the copies of its links, outlet and language that statements/denormalised.py keeps exact on
the row. Whatever changes those (the admin, an import, a link added in raw SQL, a source given another outlet)
updates the row, and the row's trigger passes the difference on.

How, per database:

- SQLite (one writer at a time): a trigger per event on the statement adds the row's values to the counts, or
  takes them away, with an upsert. A copy written stale and put right by denormalised's triggers is counted and
  uncounted in turn: each UPDATE passes on its own difference, so the counts end exact.
- PostgreSQL: the statement's triggers append the net difference to `statements_optioncount_change` (inserts and
  deletes once per SQL statement, from transition tables; updates per row, when a counted column changed), and a
  deferred trigger folds those changes into the counts at commit, in (kind, value) order. Updating the count rows
  from each row's trigger would hold them locked for the rest of the transaction (an import would stall every
  publish of the same speaker or topic), lock them in whatever order rows come (deadlocks between two bulk
  publishes), and write a new version of one row per statement, which PostgreSQL walks from the first on each
  later update inside one transaction.

Statements written before the triggers existed are counted by `create_schema` (migration 0020).
"""

PUBLISHED = "published"
STATEMENT_TABLE = "statements_statement"
COUNT_TABLE = "statements_optioncount"
CHANGE_TABLE = "statements_optioncount_change"  # PostgreSQL only: the changes of transactions not yet committed
TRIGGER = "statements_statement_option_counts"
FOLD = "statements_optioncount_fold"
# PostgreSQL: whether this transaction has changes not yet folded into the counts (a transaction-local setting).
DIRTY = "statements.option_counts_dirty"


def _values(row: str, *, split) -> list[tuple[str, str, str | None, str]]:
    """What one statement row (`row`, e.g. NEW) counts towards: (kind, value as text, the table the value is read
    from or None, condition). `split(text)` is the engine's table of the ids in a set ",3,17,", column `value`."""
    return [
        ("speaker", f"CAST({row}.speaker_id AS TEXT)", None, "TRUE"),
        ("topics", f"{row}.topics_cache", None, f"{row}.topics_cache <> ','"),
        ("country", "CAST(value AS TEXT)", split(f"{row}.countries_cache"), "TRUE"),
        ("outlet", f"CAST({row}.outlet_cache AS TEXT)", None, f"{row}.outlet_cache IS NOT NULL"),
        ("language", f"{row}.source_language_cache", None, f"{row}.source_language_cache <> ''"),
        (
            "language",
            f"{row}.original_language",
            None,
            f"{row}.original_language <> '' AND {row}.original_language <> {row}.source_language_cache",
        ),
    ]


def _sqlite_split(text: str) -> str:
    # A set not in the stored form (only ever written to be put right at once) counts nothing.
    array = f"'[' || trim({text}, ',') || ']'"
    return f"json_each(CASE WHEN json_valid({array}) THEN {array} ELSE '[]' END)"


def _postgresql_split(text: str) -> str:
    return f"unnest(string_to_array(trim(both ',' from {text}), ',')) AS ids(value)"


def _row_values(row: str, change: int, *, split) -> str:
    """SELECT kind, value, change for one row of a trigger (NEW or OLD), when it is published."""
    parts = []
    for kind, value, table, condition in _values(row, split=split):
        source = f" FROM {table}" if table else ""
        parts.append(
            f"SELECT '{kind}' AS kind, {value} AS value, {change} AS change{source}"
            f" WHERE {row}.status = '{PUBLISHED}' AND {condition}"
        )
    return " UNION ALL ".join(parts)


def _table_values(table: str, change: int, *, split) -> str:
    """SELECT kind, value, change for every published row of `table` (the statements, or a transition table)."""
    parts = []
    for kind, value, from_row, condition in _values("s", split=split):
        source = f"{table} AS s" + (f" CROSS JOIN {from_row}" if from_row else "")
        parts.append(
            f"SELECT '{kind}' AS kind, {value} AS value, {change} AS change FROM {source}"
            f" WHERE s.status = '{PUBLISHED}' AND {condition}"
        )
    return " UNION ALL ".join(parts)


def _net(changes: str) -> str:
    """The net change per value: values whose count does not change (a published statement's text edited) are left
    out, so the write touches no count."""
    return (
        f"SELECT kind, value, SUM(change) AS change FROM ({changes}) AS changes WHERE TRUE"
        f" GROUP BY kind, value HAVING SUM(change) <> 0"
    )


def _upsert(changes: str) -> str:
    return (
        f"INSERT INTO {COUNT_TABLE} (kind, value, statements) {changes} ORDER BY kind, value"
        f" ON CONFLICT (kind, value) DO UPDATE SET statements = {COUNT_TABLE}.statements + excluded.statements"
    )


def _fill(split) -> str:
    """Count every published statement (the rows written before the triggers)."""
    counted = _table_values(STATEMENT_TABLE, 1, split=split)
    return (
        f"INSERT INTO {COUNT_TABLE} (kind, value, statements)"
        f" SELECT kind, value, SUM(change) FROM ({counted}) AS counted WHERE TRUE GROUP BY kind, value"
    )


# The columns a statement's counts are read from.
COUNTED = [
    "status",
    "speaker_id",
    "topics_cache",
    "countries_cache",
    "outlet_cache",
    "source_language_cache",
    "original_language",
]


def _changed(differs: str) -> str:
    """Whether an UPDATE changed what the row counts towards. A WHEN clause rather than `UPDATE OF` columns: another
    trigger may change them without the UPDATE naming them (PostgreSQL's BEFORE trigger reads a statement's outlet
    from its source when `SET source_id = source_id` rewrites its search document)."""
    return " OR ".join(f"OLD.{column} {differs} NEW.{column}" for column in COUNTED)


class SQLite:
    def create(self) -> list[str]:
        return [_fill(_sqlite_split), *self.triggers()]

    def triggers(self) -> list[str]:
        split = _sqlite_split
        added = _upsert(_net(_row_values("NEW", 1, split=split)))
        removed = _upsert(_net(_row_values("OLD", -1, split=split)))
        changed = _upsert(
            _net(_row_values("OLD", -1, split=split) + " UNION ALL " + _row_values("NEW", 1, split=split))
        )
        return [
            f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {STATEMENT_TABLE} BEGIN {added}; END",
            # The last statement deleted leaves nothing to count: emptying tables one by one in any order (SQLite
            # has no TRUNCATE; Django's flush deletes each table's rows), the counts first included, ends at zero.
            f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {STATEMENT_TABLE} BEGIN {removed};"
            f" DELETE FROM {COUNT_TABLE} WHERE NOT EXISTS (SELECT 1 FROM {STATEMENT_TABLE}); END",
            f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE ON {STATEMENT_TABLE} FOR EACH ROW"
            f" WHEN {_changed('IS NOT')} BEGIN {changed}; END",
        ]

    def drop(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {TRIGGER}_{event}" for event in ("insert", "delete", "update")]


class PostgreSQL:
    # Inserts and deletes: once per SQL statement, reading the rows from a transition table, so that a bulk insert
    # of thousands of rows costs one trigger call. (event, its transition table, its rows' sign)
    BULK_EVENTS = [("INSERT", "NEW TABLE AS written", 1), ("DELETE", "OLD TABLE AS written", -1)]

    def create(self) -> list[str]:
        split = _postgresql_split
        fold = _upsert(_net(f"SELECT kind, value, change FROM {CHANGE_TABLE}"))
        dirty = f"IF FOUND THEN PERFORM set_config('{DIRTY}', 'yes', TRUE); END IF;"
        statements = [
            # A plain table, not UNLOGGED, although its rows never outlive their transaction: a replica reads it
            # (`read_sql`), and a standby cannot read an unlogged table.
            f"CREATE TABLE {CHANGE_TABLE} (kind varchar(10) NOT NULL, value text NOT NULL, change integer NOT NULL)",
            _fill(split),
        ]
        for event, table, sign in self.BULK_EVENTS:
            name = f"{TRIGGER}_{event.lower()}"
            changes = _net(_table_values("written", sign, split=split))
            statements += [
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" INSERT INTO {CHANGE_TABLE} (kind, value, change) {changes}; {dirty} RETURN NULL; END $$",
                f"CREATE TRIGGER {name} AFTER {event} ON {STATEMENT_TABLE} REFERENCING {table}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ]
        # Updates: per row, and only when a counted column changes (the WHEN clause costs no function call), since
        # most updates change none: a text edited, or the denormalised triggers' UPDATE finding the copy exact.
        name = f"{TRIGGER}_update"
        changes = _net(_row_values("OLD", -1, split=split) + " UNION ALL " + _row_values("NEW", 1, split=split))
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" INSERT INTO {CHANGE_TABLE} (kind, value, change) {changes}; {dirty} RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER UPDATE ON {STATEMENT_TABLE}"
            f" FOR EACH ROW WHEN ({_changed('IS DISTINCT FROM')}) EXECUTE FUNCTION {name}()",
        ]
        statements += [
            # At commit, once: the transaction's changes folded into the counts in (kind, value) order, so that two
            # transactions folding at once take the count rows' locks in the same order, and hold them only while
            # committing. The later firings (one per change row) find nothing left to fold.
            f"CREATE FUNCTION {FOLD}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF current_setting('{DIRTY}', TRUE) = 'yes' THEN"
            f" PERFORM set_config('{DIRTY}', 'no', TRUE); {fold}; DELETE FROM {CHANGE_TABLE};"
            f" END IF; RETURN NULL; END $$",
            f"CREATE CONSTRAINT TRIGGER {FOLD} AFTER INSERT ON {CHANGE_TABLE} DEFERRABLE INITIALLY DEFERRED"
            f" FOR EACH ROW EXECUTE FUNCTION {FOLD}()",
        ]
        return statements

    def drop(self) -> list[str]:
        statements = []
        for event in ("insert", "delete", "update"):
            name = f"{TRIGGER}_{event}"
            statements += [f"DROP TRIGGER IF EXISTS {name} ON {STATEMENT_TABLE}", f"DROP FUNCTION IF EXISTS {name}()"]
        statements += [f"DROP TABLE IF EXISTS {CHANGE_TABLE}", f"DROP FUNCTION IF EXISTS {FOLD}()"]
        return statements


BUILDERS = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def create_schema(schema_editor) -> None:
    """Count the published statements already there, then create the triggers that keep the counts exact."""
    for sql in BUILDERS[schema_editor.connection.vendor].create():
        schema_editor.execute(sql)


def drop_schema(schema_editor) -> None:
    """Drop the triggers (and PostgreSQL's table of pending changes); the counts' table is the model's."""
    for sql in BUILDERS[schema_editor.connection.vendor].drop():
        schema_editor.execute(sql)


# --- Targets: counted from the codings -------------------------------------------------------------------------------
#
# A target (a country, or an official or institution) counts the published statements with a coding toward it. A
# statement has at most one coding per target (the codings' unique constraints), so its codings toward a target are
# its statements. The statement's row holds no copy of its codings, so the target counts have triggers of their own
# on both tables, written like the others: on a coding inserted, deleted or moved (statement, target) when its
# statement is published; on a statement inserted, deleted or whose status changed, for each of its codings. Either
# table may be written first in a transaction (the foreign key is checked at commit: a restore inserts codings before
# their statements, a raw DELETE may remove a statement before its codings): whichever comes second finds the other
# gone, or already counted, and counts nothing. The changes go where the other kinds' go (the upsert on SQLite, the
# change table folded at commit on PostgreSQL), and the values read "country:<id>" or "official:<id>".

CODING_TABLE = "statements_coding"
TARGET = "target"
TARGET_TRIGGER = "statements_target_counts"
TARGET_STATEMENT_COLUMNS = ["status"]
TARGET_CODING_COLUMNS = ["statement_id", "target_country_id", "target_official_id"]
TARGET_VALUE = (
    "CASE WHEN c.target_country_id IS NOT NULL THEN 'country:' || CAST(c.target_country_id AS TEXT)"
    " ELSE 'official:' || CAST(c.target_official_id AS TEXT) END"
)


def _targets_of_statements(source: str, sign: int) -> str:
    """(kind, value, change) for the codings of the published statements of `source` (a table, or a row made one)."""
    return (
        f"SELECT '{TARGET}' AS kind, {TARGET_VALUE} AS value, {sign} AS change FROM {source} AS s"
        f" JOIN {CODING_TABLE} AS c ON c.statement_id = s.id WHERE s.status = '{PUBLISHED}'"
    )


def _targets_of_codings(source: str, sign: int) -> str:
    """(kind, value, change) for the codings of `source` whose statement is published."""
    return (
        f"SELECT '{TARGET}' AS kind, {TARGET_VALUE} AS value, {sign} AS change FROM {source} AS c"
        f" JOIN {STATEMENT_TABLE} AS s ON s.id = c.statement_id WHERE s.status = '{PUBLISHED}'"
    )


def _row(ref: str, columns: list[str]) -> str:
    """A trigger's OLD or NEW row as a one-row table."""
    return "(SELECT " + ", ".join(f"{ref}.{column} AS {column}" for column in ["id", *columns]) + ")"


def _moved(of, columns: list[str]) -> str:
    return of(_row("OLD", columns), -1) + " UNION ALL " + of(_row("NEW", columns), 1)


def _target_changed(columns: list[str], differs: str) -> str:
    return " OR ".join(f"OLD.{column} {differs} NEW.{column}" for column in columns)


# (table, trigger name prefix, the changes of rows of a source, the columns whose change moves a count)
TARGET_TABLES = [
    (STATEMENT_TABLE, TARGET_TRIGGER, _targets_of_statements, TARGET_STATEMENT_COLUMNS),
    (CODING_TABLE, f"{TARGET_TRIGGER}_coding", _targets_of_codings, TARGET_CODING_COLUMNS),
]


class SQLiteTargets:
    def create(self) -> list[str]:
        statements = [_fill_targets()]
        for table, prefix, of, columns in TARGET_TABLES:
            # After the last statement is deleted nothing is left to count, whichever trigger on the statements
            # fires last (as SQLite.create's delete trigger does).
            emptied = f" DELETE FROM {COUNT_TABLE} WHERE NOT EXISTS (SELECT 1 FROM {STATEMENT_TABLE});"
            statements += [
                f"CREATE TRIGGER {prefix}_insert AFTER INSERT ON {table} BEGIN"
                f" {_upsert(_net(of(_row('NEW', columns), 1)))}; END",
                f"CREATE TRIGGER {prefix}_delete AFTER DELETE ON {table} BEGIN"
                f" {_upsert(_net(of(_row('OLD', columns), -1)))};{emptied if table == STATEMENT_TABLE else ''} END",
                f"CREATE TRIGGER {prefix}_update AFTER UPDATE ON {table} FOR EACH ROW"
                f" WHEN {_target_changed(columns, 'IS NOT')} BEGIN {_upsert(_net(_moved(of, columns)))}; END",
            ]
        return statements

    def drop(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {prefix}_{event}"
            for _, prefix, _, _ in TARGET_TABLES
            for event in ("insert", "delete", "update")
        ]


class PostgreSQLTargets:
    """Appends to the change table that PostgreSQL.create made; its deferred trigger folds them with the rest."""

    def create(self) -> list[str]:
        dirty = f"IF FOUND THEN PERFORM set_config('{DIRTY}', 'yes', TRUE); END IF;"
        statements = [_fill_targets()]
        for table, prefix, of, columns in TARGET_TABLES:
            for event, transition, sign in (("insert", "NEW", 1), ("delete", "OLD", -1)):
                name = f"{prefix}_{event}"
                statements += [
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    f" INSERT INTO {CHANGE_TABLE} (kind, value, change) {_net(of('written', sign))}; {dirty}"
                    f" RETURN NULL; END $$",
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {transition} TABLE AS"
                    f" written FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                ]
            name = f"{prefix}_update"
            statements += [
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" INSERT INTO {CHANGE_TABLE} (kind, value, change) {_net(_moved(of, columns))}; {dirty}"
                f" RETURN NULL; END $$",
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW"
                f" WHEN ({_target_changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {name}()",
            ]
        return statements

    def drop(self) -> list[str]:
        statements = []
        for table, prefix, _, _ in TARGET_TABLES:
            for event in ("insert", "delete", "update"):
                name = f"{prefix}_{event}"
                statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
        return statements


def _fill_targets() -> str:
    """Count the codings of the published statements already there."""
    return (
        f"INSERT INTO {COUNT_TABLE} (kind, value, statements) SELECT kind, value, SUM(change)"
        f" FROM ({_targets_of_statements(STATEMENT_TABLE, 1)}) AS counted WHERE TRUE GROUP BY kind, value"
    )


TARGET_BUILDERS = {"sqlite": SQLiteTargets(), "postgresql": PostgreSQLTargets()}


def create_target_schema(schema_editor) -> None:
    """Count the targets of the published statements' codings already there, then create their triggers."""
    for sql in TARGET_BUILDERS[schema_editor.connection.vendor].create():
        schema_editor.execute(sql)


def drop_target_schema(schema_editor) -> None:
    """Drop the targets' triggers and their counts."""
    for sql in TARGET_BUILDERS[schema_editor.connection.vendor].drop():
        schema_editor.execute(sql)
    schema_editor.execute(f"DELETE FROM {COUNT_TABLE} WHERE kind = '{TARGET}'")


class OptionCounts:
    """The counts as read (`OptionCount.objects.counts()`): published statements per speaker, country concerned and
    outlet id, per language code, per topic (sub-topics included, `topics`), and per target country or official."""

    def __init__(self, rows):
        self.speakers: dict[int, int] = {}
        self.countries: dict[int, int] = {}
        self.outlets: dict[int, int] = {}
        self.languages: dict[str, int] = {}
        self.topic_sets: dict[str, int] = {}
        # Published statements coded toward each country and each official or institution, by id.
        self.target_countries: dict[int, int] = {}
        self.target_officials: dict[int, int] = {}
        self._tagged: dict[int, int] | None = None
        by_id = {"speaker": self.speakers, "country": self.countries, "outlet": self.outlets}
        targets = {"country": self.target_countries, "official": self.target_officials}
        for kind, value, n in rows:
            if n <= 0:
                continue
            if kind in by_id:
                by_id[kind][int(value)] = n
            elif kind == TARGET:
                of, pk = value.split(":")
                targets[of][int(pk)] = n
            elif kind == "language":
                self.languages[value] = n
            elif kind == "topics":
                self.topic_sets[value] = n

    def speaker_countries(self, country_of: dict[int, int]) -> dict[int, int]:
        """Published statements per speaker's country: the sum over the officials whose country it is.
        `country_of` is each official's country id (officials without one left out)."""
        counts: dict[int, int] = {}
        for pk, n in self.speakers.items():
            if pk in country_of:
                counts[country_of[pk]] = counts.get(country_of[pk], 0) + n
        return counts

    def tagged(self) -> dict[int, int]:
        """Published statements tagged with each topic itself (its sub-topics not included), summed once."""
        if self._tagged is None:
            self._tagged = {}
            for text, n in self.topic_sets.items():
                for pk in text.split(","):
                    if pk:
                        self._tagged[int(pk)] = self._tagged.get(int(pk), 0) + n
        return self._tagged

    def topics(self, parents: dict[int, int | None]) -> dict[int, int]:
        """Published statements per topic as the topic filter finds them: on the topic or any of its sub-topics,
        each statement once. `parents` is every topic's parent id (None at the top)."""
        above: dict[int, frozenset[int]] = {}

        def with_ancestors(pk: int) -> frozenset[int]:
            if pk not in above:
                chain, node = [], pk
                while node is not None and node not in chain:  # stops at a cycle
                    chain.append(node)
                    node = parents.get(node)
                above[pk] = frozenset(chain)
            return above[pk]

        counts: dict[int, int] = {}
        for text, n in self.topic_sets.items():
            covered = set()
            for pk in text.split(","):
                if pk:
                    covered |= with_ancestors(int(pk))
            for pk in covered:
                counts[pk] = counts.get(pk, 0) + n
        return counts


def read_sql(vendor: str) -> str:
    """The counts, with (on PostgreSQL) this transaction's changes not yet folded into them at commit."""
    counted = f"SELECT kind, value, statements FROM {COUNT_TABLE} WHERE statements <> 0"
    if vendor != "postgresql":
        return counted
    return (
        f"SELECT kind, value, SUM(statements) FROM ({counted}"
        f" UNION ALL SELECT kind, value, change FROM {CHANGE_TABLE}) AS counts GROUP BY kind, value"
    )
