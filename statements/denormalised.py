"""Denormalised columns: values copied onto each statement's row and kept exact by the database (docs/denormalised.md).

What they are. `Statement.topics_cache` holds ",3,17," for a statement linked to topics 3 and 17 (sorted; "," for
none) and `countries_cache` the same for the countries concerned; `outlet_cache` holds the id of the outlet that
published the statement's source (NULL without a source) and `source_language_cache` the source's language ("" without
one); `codings_cache` holds its codings, one integer code each (target, stance and act: `coding_code`), as a set
like the topics'. The link tables, the sources and the codings stay the truth. The copies are not a cache that may be
thrown away or be stale: triggers keep them exact whatever writes (the admin, imports, the API, raw SQL), and the
timeline's answers depend on them. (The columns kept their historical "_cache" names: renaming them would rewrite a
million rows.)

Why they exist. The timeline finds its page by walking a date index in order, and stops after the newest matches a
page needs (docs/performance.md). What it filters and counts on must be in the rows that walk passes, not in
other tables: a common topic, country, outlet or language is a test on the row's copy while walking
(`LIKE '%,3,%'`, `+outlet_cache IN (…)`), one outlet a walk of its own index, a common target, stance or act one
pattern on the codings' copy (`coding_patterns`), and the topic facet counts the ids in the rows the paginator
fetched instead of probing the link table for each of them (statements/planner.py).

How they are kept exact. `COPIES` below is the one table of what is copied from where; one trigger builder per
database engine (`SQLite`, `PostgreSQL`) reads it:

- a set of ids from a link table (`LinkedIds`), or of codes computed from each of its rows (the codings): a link
  added, removed or changed rewrites its statement's copy from the link table. An ORM save writes the copy it loaded,
  which may be stale, so an update that sets the copy recomputes it from the links. On PostgreSQL that recomputation
  runs once the row's lock is held, reading the links as committed by then: two transactions linking one statement at
  once both land in its copy (SQLite has one writer at a time). A new row keeps the copy it is inserted with: "," from
  the ORM (`Statement.save` resets it: no links yet), or the exact value when a bulk loader
  (statements/sample_data/synthetic.py) inserts links and copies together, which spares PostgreSQL a rewrite per row;
- a column of the statement's source (`FromSource`): a statement written with a source, or given another, takes
  the source's values, and a source whose values change passes them on to its statements. An ORM save writes the
  copies it loaded, so an update that sets them reads them from the source again. On PostgreSQL a statement given
  another source reads it `FOR SHARE`: a transaction changing that source at the same moment either commits first,
  and is read, or waits, and then finds the statement among the source's.

How to add one (a statement reported by several outlets, say: an outlet set copied like the topic set):

1. add the column to `Statement` with `editable=False`, and to `excluded_fields` of its history;
2. add an entry to `COPIES`: `LinkedIds("outlets_cache", "statements_statement_outlets", "outlet_id",
   statement_trigger="statements_statement_outlets_exact")`; trigger names of its own, so that its migration
   creates only its triggers and leaves the existing ones, whose names production databases hold, alone;
3. a migration adds the column with ALTER TABLE (as 0007 does: Django's AddField would rebuild an SQLite table and
   drop the triggers and indexes made with RunSQL) and runs `create_schema(schema_editor, only=[...])` forward and
   `drop_schema(schema_editor, only=[...])` backward for the new column only;
4. extend tests/test_denormalised.py's upgrade test with it.

Never change an existing entry's names or SQL: migrations 0007, 0013 and 0036 build their triggers from this table.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .positions.codebook import SpeechAct

STATEMENT_TABLE = "statements_statement"
SOURCE_TABLE = "statements_source"

# A set of ids as stored: ",3,17," (sorted), "," for none, so that `LIKE '%,3,%'` finds an id wherever it stands.
EMPTY_SET = ","


def set_text(ids: Iterable[int]) -> str:
    """The stored form of a set of ids: ",3,17," (sorted), or "," for none."""
    return EMPTY_SET + "".join(f"{pk}," for pk in sorted(set(ids)))


def set_ids(text: str) -> list[int]:
    """The ids in one stored set, in order: ",3,17," gives [3, 17]."""
    return [int(pk) for pk in text.split(",") if pk]


def set_member(pk: int) -> str:
    """What a stored set contains when it holds this id (`LIKE '%,3,%'`)."""
    return f",{pk},"


def count_ids(texts: Iterable[str]) -> Counter:
    """How many of the stored sets hold each id: the texts joined and split once, which is much cheaper than
    parsing each (docs/performance.md#facets-and-chart-from-the-matches-read)."""
    counts = Counter("".join(texts).split(","))
    counts.pop("", None)
    return Counter({int(pk): n for pk, n in counts.items()})


@dataclass(frozen=True)
class LinkedIds:
    """The set of ids a link table's rows name for the statement, stored as ",3,17,".

    The link table's triggers are named from the table (`{link_table}_cache`); `statement_trigger` names the
    statement's trigger that recomputes the copy when an update sets it, shared by the copies created together.
    """

    column: str  # the statement's column
    link_table: str
    linked_column: str  # the link table's column naming the linked row, or an SQL expression on its row
    statement_column: str = "statement_id"  # the link table's column naming the statement
    statement_trigger: str = f"{STATEMENT_TABLE}_cache_exact"


@dataclass(frozen=True)
class FromSource:
    """A column of the statement's source; `missing` (SQL) without a source or a value, as the column allows.

    `statement_trigger` names the statement's trigger that reads the source, `source_trigger` the source's that
    passes its values on; both are shared by the copies created together.
    """

    column: str  # the statement's column
    source_column: str
    missing: str
    statement_trigger: str = f"{STATEMENT_TABLE}_source_cache"
    source_trigger: str = f"{SOURCE_TABLE}_cache"


# --- The codings' copy: each coding as one integer code --------------------------------------------------------------
# `codings_cache` holds a statement's codings as a set of codes, ",235307,-12500,": a country target's id × 1000 + the
# stance's digit × 100 + the act's number; an official target's the same, negated. The last three digits are always
# the stance and the act, the comma ends each code, so one LIKE pattern tests every condition of one coding
# (`coding_patterns`): toward US (id 235) `%,235___,%`, critical toward it `%,2351__,%`, criticising anyone `%09,%`.

# The speech acts' numbers, the code's last two digits: their positions are stored in every copy, so append only.
CODED_ACTS = (
    "",  # not yet coded
    SpeechAct.PRAISE,
    SpeechAct.AGREE,
    SpeechAct.CONSULT,
    SpeechAct.OFFER,
    SpeechAct.APPEAL,
    SpeechAct.COMMENT,
    SpeechAct.DECLINE,
    SpeechAct.CONCERN,
    SpeechAct.CRITICISE,
    SpeechAct.DENY,
    SpeechAct.DEMAND,
    SpeechAct.REJECT,
    SpeechAct.WARN,
    SpeechAct.THREATEN,
)
NO_STANCE_DIGIT = 5  # a stance's digit is stance + 2, 0 (hostile) to 4 (strongly supportive)


def coding_code(*, country_id: int | None, official_id: int | None, stance: int | None, act: str) -> int:
    """One coding's code in `codings_cache`: what `CODING_CODE` computes in the database."""
    rest = (NO_STANCE_DIGIT if stance is None else stance + 2) * 100 + CODED_ACTS.index(act)
    return country_id * 1000 + rest if country_id is not None else -(official_id * 1000 + rest)


def _coding_code_sql() -> str:
    acts = " ".join(f"WHEN '{act}' THEN {number}" for number, act in enumerate(CODED_ACTS))
    return (
        "(CASE WHEN target_country_id IS NULL THEN -1 ELSE 1 END"
        f" * (COALESCE(target_country_id, target_official_id) * 1000"
        f" + COALESCE(stance + 2, {NO_STANCE_DIGIT}) * 100 + CASE act {acts} END))"
    )


CODING_CODE = _coding_code_sql()  # SQL on a row of statements_coding


def coding_patterns(*, countries=(), officials=(), stance: int | None = None, no_stance: bool = False, act: str = ""):
    """LIKE patterns on `codings_cache`, one per target (any of them matching; one for any target), each matching a
    set holding one coding that meets every condition (CodingQuerySet.matching's arguments; targets or their ids)."""
    digit = str(NO_STANCE_DIGIT) if no_stance else "_" if stance is None else str(stance + 2)
    tail = digit + (f"{CODED_ACTS.index(act):02d}" if act else "__") + ","
    targets = [f",{getattr(t, 'pk', t)}" for t in countries] + [f",-{getattr(t, 'pk', t)}" for t in officials]
    return [f"%{target}{tail}%" for target in targets] or [f"%{tail}%"]


# What is copied onto the statement row, from where. Copies sharing a trigger are created and dropped together.
COPIES = [
    LinkedIds("topics_cache", "statements_statement_topics", "topic_id"),
    LinkedIds("countries_cache", "statements_statement_countries", "country_id"),
    FromSource("outlet_cache", "outlet_id", missing="NULL"),
    FromSource("source_language_cache", "language", missing="''"),
    LinkedIds("codings_cache", "statements_coding", CODING_CODE, statement_trigger=f"{STATEMENT_TABLE}_codings_exact"),
]


def _groups(only: Iterable[str] | None) -> list[list]:
    """The copies named in `only` (all when None), grouped by the triggers they share, in `COPIES` order."""
    names = None if only is None else set(only)
    unknown = (names or set()) - {copy.column for copy in COPIES}
    if unknown:
        raise ValueError(f"Not a denormalised column: {', '.join(sorted(unknown))}")
    groups: dict[tuple, list] = {}
    for copy in COPIES:
        groups.setdefault((type(copy), copy.statement_trigger), []).append(copy)
    chosen = []
    for group in groups.values():
        picked = [copy for copy in group if names is None or copy.column in names]
        if picked and len(picked) != len(group):
            # Their trigger covers them all: creating it for some would give it another body under the same name.
            raise ValueError(f"Create or drop {', '.join(copy.column for copy in group)} together (one trigger)")
        if picked:
            chosen.append(picked)
    return chosen


class SQLite:
    """The triggers on SQLite. Its triggers cannot change the row being written: an UPDATE after it puts the exact
    copies back (and does not fire these triggers again: SQLite's recursive_triggers is off)."""

    differs = "IS NOT"

    def linked_ids(self, copy: LinkedIds, statement_id: str) -> str:
        """SQL for the exact copy of one statement's links, read from the link table."""
        return (
            f"(SELECT COALESCE(',' || group_concat(linked, ',') || ',', ',')"
            f" FROM (SELECT {copy.linked_column} AS linked FROM {copy.link_table}"
            f" WHERE {copy.statement_column} = {statement_id} ORDER BY linked))"
        )

    def rewrite_links(self, copy: LinkedIds, statement_id: str) -> str:
        """An UPDATE putting one statement's exact copy in place, writing nothing when it is exact already."""
        exact = self.linked_ids(copy, statement_id)
        return (
            f"UPDATE {STATEMENT_TABLE} SET {copy.column} = {exact}"
            f" WHERE id = {statement_id} AND {copy.column} {self.differs} {exact};"
        )

    def fill(self, group: list) -> list[str]:
        """Put the exact copies on every statement whose copies are not (the rows written before the triggers)."""
        if isinstance(group[0], FromSource):  # the same SQL on both databases
            exact = _from_source(group, f"{STATEMENT_TABLE}.source_id")
            sets = ", ".join(f"{column} = {value}" for column, value in exact.items())
            return [f"UPDATE {STATEMENT_TABLE} SET {sets} WHERE source_id IS NOT NULL"]
        # One UPDATE for all the group's copies: on PostgreSQL a row updated twice in one transaction queues its
        # deferred foreign key checks, and pending checks forbid the CREATE INDEX that follows in migration 0007.
        sets, stale, linked = [], [], []
        for copy in group:
            exact = self.linked_ids(copy, STATEMENT_TABLE + ".id")
            sets.append(f"{copy.column} = {exact}")
            stale.append(f"{copy.column} {self.differs} {exact}")
            linked.append(f"SELECT {copy.statement_column} FROM {copy.link_table}")
        return [
            f"UPDATE {STATEMENT_TABLE} SET {', '.join(sets)}"
            f" WHERE id IN ({' UNION '.join(linked)}) AND ({' OR '.join(stale)})"
        ]

    def create(self, group: list) -> list[str]:
        if isinstance(group[0], FromSource):
            return self._create_from_source(group)
        statements = []
        for copy in group:
            for event, rows in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["OLD", "NEW"])):
                rewrites = " ".join(self.rewrite_links(copy, f"{row}.{copy.statement_column}") for row in rows)
                name = f"{copy.link_table}_cache_{event.lower()}"
                statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {copy.link_table} BEGIN {rewrites} END")
        columns = ", ".join(copy.column for copy in group)
        rewrites = " ".join(self.rewrite_links(copy, "NEW.id") for copy in group)
        statements.append(
            f"CREATE TRIGGER {group[0].statement_trigger} AFTER UPDATE OF {columns} ON {STATEMENT_TABLE}"
            f" BEGIN {rewrites} END"
        )
        return statements

    def _create_from_source(self, group: list[FromSource]) -> list[str]:
        # A bulk loader that inserts the exact values (statements/sample_data/synthetic.py) costs two lookups a row
        # and no rewrite.
        exact = _from_source(group, "NEW.source_id")
        sets = ", ".join(f"{column} = {value}" for column, value in exact.items())
        stale = " OR ".join(f"{column} IS NOT {value}" for column, value in exact.items())
        rewrite = f"UPDATE {STATEMENT_TABLE} SET {sets} WHERE id = NEW.id AND ({stale});"
        copies = ", ".join(copy.column for copy in group)
        columns = ", ".join(copy.source_column for copy in group)
        statement, source = group[0].statement_trigger, group[0].source_trigger
        return [
            f"CREATE TRIGGER {statement}_insert AFTER INSERT ON {STATEMENT_TABLE} BEGIN {rewrite} END",
            f"CREATE TRIGGER {statement}_update AFTER UPDATE OF source_id, {copies}"
            f" ON {STATEMENT_TABLE} BEGIN {rewrite} END",
            # A source inserted after its statements (loaddata writes rows in any order with the checks off).
            f"CREATE TRIGGER {source}_insert AFTER INSERT ON {SOURCE_TABLE} BEGIN {self.passed_on(group)} END",
            f"CREATE TRIGGER {source}_update AFTER UPDATE OF {columns} ON {SOURCE_TABLE}"
            f" BEGIN {self.passed_on(group)} END",
        ]

    def passed_on(self, group: list[FromSource]) -> str:
        """A source's values written to its statements that do not hold them yet."""
        sets = ", ".join(f"{copy.column} = NEW.{copy.source_column}" for copy in group)
        stale = " OR ".join(f"{copy.column} {self.differs} NEW.{copy.source_column}" for copy in group)
        return f"UPDATE {STATEMENT_TABLE} SET {sets} WHERE source_id = NEW.id AND ({stale});"

    def drop(self, group: list) -> list[str]:
        if isinstance(group[0], FromSource):
            statement, source = group[0].statement_trigger, group[0].source_trigger
            names = [f"{statement}_insert", f"{statement}_update", f"{source}_insert", f"{source}_update"]
        else:
            names = [f"{copy.link_table}_cache_{event}" for copy in group for event in ("insert", "delete", "update")]
            names.append(group[0].statement_trigger)
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


class PostgreSQL(SQLite):
    """The triggers on PostgreSQL: a BEFORE trigger sets the statement's own copies on the row being written."""

    differs = "IS DISTINCT FROM"

    def linked_ids(self, copy: LinkedIds, statement_id: str) -> str:
        column = copy.linked_column
        return (
            f"(SELECT COALESCE(',' || string_agg({column}::text, ',' ORDER BY {column}) || ',', ',')"
            f" FROM {copy.link_table} WHERE {copy.statement_column} = {statement_id})"
        )

    def create(self, group: list) -> list[str]:
        if isinstance(group[0], FromSource):
            return self._create_from_source(group)
        statements = []
        for copy in group:
            function = f"{copy.link_table}_cache"
            old = self.rewrite_links(copy, f"OLD.{copy.statement_column}")
            new = self.rewrite_links(copy, f"NEW.{copy.statement_column}")
            statements.append(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF TG_OP <> 'INSERT' THEN {old} END IF; IF TG_OP <> 'DELETE' THEN {new} END IF;"
                f" RETURN NULL; END $$"
            )
            statements.append(
                f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {copy.link_table}"
                f" FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        exact = " ".join(f"NEW.{copy.column} := {self.linked_ids(copy, 'NEW.id')};" for copy in group)
        columns = ", ".join(copy.column for copy in group)
        name = group[0].statement_trigger
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {exact} RETURN NEW; END $$"
        )
        statements.append(
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {STATEMENT_TABLE}"
            f" FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
        return statements

    def _create_from_source(self, group: list[FromSource]) -> list[str]:
        copies = ", ".join(copy.column for copy in group)
        columns = ", ".join(copy.source_column for copy in group)
        into = ", ".join(f"NEW.{copy.column}" for copy in group)
        read = f"SELECT {columns} INTO {into} FROM {SOURCE_TABLE} WHERE id = NEW.source_id"
        missing = " ".join(f"NEW.{copy.column} := COALESCE(NEW.{copy.column}, {copy.missing});" for copy in group)
        statement, source = group[0].statement_trigger, group[0].source_trigger
        return [
            f"CREATE FUNCTION {statement}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF TG_OP = 'INSERT' OR NEW.source_id IS DISTINCT FROM OLD.source_id THEN {read} FOR SHARE;"
            f" ELSE {read}; END IF;"
            f" {missing} RETURN NEW; END $$",
            f"CREATE TRIGGER {statement} BEFORE INSERT OR UPDATE OF source_id, {copies}"
            f" ON {STATEMENT_TABLE} FOR EACH ROW EXECUTE FUNCTION {statement}()",
            f"CREATE FUNCTION {source}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" {self.passed_on(group)} RETURN NULL; END $$",
            f"CREATE TRIGGER {source} AFTER INSERT OR UPDATE OF {columns} ON {SOURCE_TABLE}"
            f" FOR EACH ROW EXECUTE FUNCTION {source}()",
        ]

    def drop(self, group: list) -> list[str]:
        if isinstance(group[0], FromSource):
            on = [(group[0].statement_trigger, STATEMENT_TABLE), (group[0].source_trigger, SOURCE_TABLE)]
        else:
            on = [(f"{copy.link_table}_cache", copy.link_table) for copy in group]
            on.append((group[0].statement_trigger, STATEMENT_TABLE))
        statements = []
        for name, table in on:
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS {name}()")
        return statements


def _from_source(group: list[FromSource], source_id: str) -> dict[str, str]:
    """Each copy's exact value, read from the source `source_id` names."""
    return {
        copy.column: f"COALESCE((SELECT {copy.source_column} FROM {SOURCE_TABLE} WHERE id = {source_id}),"
        f" {copy.missing})"
        for copy in group
    }


BUILDERS = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def create_schema(schema_editor, *, only: Iterable[str] | None = None) -> None:
    """Fill the copies named in `only` (every copy when None) on the existing rows, then create their triggers."""
    groups = _groups(only)
    builder = BUILDERS[schema_editor.connection.vendor]
    for group in groups:
        for sql in builder.fill(group) + builder.create(group):
            schema_editor.execute(sql)


def drop_schema(schema_editor, *, only: Iterable[str] | None = None) -> None:
    """Drop the triggers of the copies named in `only` (every copy when None); the columns stay."""
    groups = _groups(only)
    builder = BUILDERS[schema_editor.connection.vendor]
    for group in groups:
        for sql in builder.drop(group):
            schema_editor.execute(sql)
