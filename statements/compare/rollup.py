"""The compare rollup: published statements and their codings counted per month, date precision, speaker, target,
stance and speech act, kept exact by database triggers on SQLite and PostgreSQL (docs/compare.md#the-rollup).

What is kept. `statements_comparecount` (CompareCount, statements/compare/models.py) has two kinds of rows:
- a statement row (targets 0, stance NO_STANCE, act ""): how many published statements share a month, a precision
  and a speaker;
- a coding row (one target set): how many codings of published statements share a month, a precision, a speaker,
  a target, a stance (NO_STANCE for none) and a speech act.
A compare series whose filter is only by speaker, speaker's country, one target, stance, act and dates on month or
year bounds is summed from these rows (`counts`), in one query however many statements it matches. With one
target, a statement has at most one coding toward it, so its codings are its statements.

How. As statements/option_counts.py does, from what each write changed: triggers on the statements (inserted,
deleted, or with a changed status, date, precision or speaker) add or take away the statement's row and its
codings' rows; triggers on the codings add or take away the coding's row when its statement is published. On SQLite
each write upserts its net difference. On PostgreSQL the triggers append it to CHANGE_TABLE (inserts and deletes
once per SQL statement, from a transition table; updates per row, only when a counted column changed), and a
deferred trigger folds the transaction's changes into the rollup at commit, in key order, for the reasons
option_counts.py gives: upserting from each row's trigger holds the rows locked until commit and deadlocks two
transactions that publish the same speakers' statements of a month in opposite orders.
"""

from collections import Counter

from django.db import connection
from django.db.models import F, Q, Sum

from ..dates import DatePrecision
from ..filters import NO_STANCE as NO_STANCE_VALUE
from ..models import Country, Official
from ..option_counts import PUBLISHED
from .models import CompareCount, CompareCountChange

TABLE = "statements_comparecount"
STATEMENTS = "statements_statement"
CODINGS = "statements_coding"
TRIGGER = "statements_compare_counts"
CHANGE_TABLE = "statements_comparecount_change"  # PostgreSQL only: the changes of transactions not yet committed
FOLD = "statements_comparecount_fold"
DIRTY = "statements.compare_counts_dirty"  # PostgreSQL: this transaction has changes not yet folded
KEY = ["year", "month", "date_precision", "speaker_id", "target_country_id", "target_official_id", "stance", "act"]
NO_STANCE = 9
# The columns whose change moves a statement's rows, and a coding's.
STATEMENT_COLUMNS = ["status", "date", "date_precision", "speaker_id"]
CODING_COLUMNS = ["statement_id", "target_country_id", "target_official_id", "stance", "act"]


class Engine:
    def year(self, column: str) -> str:
        raise NotImplementedError

    def month(self, column: str) -> str:
        raise NotImplementedError

    def _dated(self) -> str:
        return f"{self.year('s.date')} AS year, {self.month('s.date')} AS month, s.date_precision AS date_precision"

    def of_statements(self, source: str, sign: int) -> str:
        """The rows that published statements of `source` (a table, or a row made a table) count towards, and those
        of their codings: (key…, change)."""
        coding = (
            "COALESCE(c.target_country_id, 0), COALESCE(c.target_official_id, 0),"
            f" COALESCE(c.stance, {NO_STANCE}), c.act"
        )
        return (
            f"SELECT {self._dated()}, s.speaker_id AS speaker_id, 0 AS target_country_id, 0 AS target_official_id,"
            f" {NO_STANCE} AS stance, '' AS act, {sign} AS change FROM {source} AS s WHERE s.status = '{PUBLISHED}'"
            f" UNION ALL SELECT {self._dated()}, s.speaker_id, {coding}, {sign} FROM {source} AS s"
            f" JOIN {CODINGS} AS c ON c.statement_id = s.id WHERE s.status = '{PUBLISHED}'"
        )

    def of_codings(self, source: str, sign: int) -> str:
        """The rows that codings of `source` count towards, when their statement is published."""
        return (
            f"SELECT {self._dated()}, s.speaker_id AS speaker_id, COALESCE(c.target_country_id, 0) AS"
            f" target_country_id, COALESCE(c.target_official_id, 0) AS target_official_id,"
            f" COALESCE(c.stance, {NO_STANCE}) AS stance, c.act AS act, {sign} AS change FROM {source} AS c"
            f" JOIN {STATEMENTS} AS s ON s.id = c.statement_id WHERE s.status = '{PUBLISHED}'"
        )

    @staticmethod
    def upsert(changes: str) -> str:
        keys = ", ".join(KEY)
        return (
            f"INSERT INTO {TABLE} ({keys}, statements) SELECT {keys}, SUM(change) FROM ({changes}) AS changes"
            f" WHERE TRUE GROUP BY {keys} HAVING SUM(change) <> 0 ORDER BY {keys}"
            f" ON CONFLICT ({keys}) DO UPDATE SET statements = {TABLE}.statements + excluded.statements"
        )

    def fill(self) -> str:
        """Count what is there already (the statements written before the triggers)."""
        return self.upsert(self.of_statements(STATEMENTS, 1))

    @staticmethod
    def row(ref: str, columns: list[str]) -> str:
        """A trigger's OLD or NEW row as a one-row table."""
        return "(SELECT " + ", ".join(f"{ref}.{column} AS {column}" for column in ["id", *columns]) + ")"

    @staticmethod
    def changed(columns: list[str], differs: str) -> str:
        return " OR ".join(f"OLD.{column} {differs} NEW.{column}" for column in columns)


class SQLite(Engine):
    def year(self, column):
        return f"CAST(strftime('%Y', {column}) AS INTEGER)"

    def month(self, column):
        return f"CAST(strftime('%m', {column}) AS INTEGER)"

    def create(self) -> list[str]:
        statement, coding = STATEMENT_COLUMNS, CODING_COLUMNS
        moved = (
            self.of_statements(self.row("OLD", statement), -1)
            + " UNION ALL "
            + self.of_statements(self.row("NEW", statement), 1)
        )
        recoded = (
            self.of_codings(self.row("OLD", coding), -1) + " UNION ALL " + self.of_codings(self.row("NEW", coding), 1)
        )
        return [
            self.fill(),
            f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {STATEMENTS} BEGIN"
            f" {self.upsert(self.of_statements(self.row('NEW', statement), 1))}; END",
            # The last statement deleted leaves nothing to count (Django's flush empties the tables one by one).
            f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {STATEMENTS} BEGIN"
            f" {self.upsert(self.of_statements(self.row('OLD', statement), -1))};"
            f" DELETE FROM {TABLE} WHERE NOT EXISTS (SELECT 1 FROM {STATEMENTS}); END",
            f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE ON {STATEMENTS} FOR EACH ROW"
            f" WHEN {self.changed(STATEMENT_COLUMNS, 'IS NOT')} BEGIN {self.upsert(moved)}; END",
            f"CREATE TRIGGER {TRIGGER}_coding_insert AFTER INSERT ON {CODINGS} BEGIN"
            f" {self.upsert(self.of_codings(self.row('NEW', coding), 1))}; END",
            f"CREATE TRIGGER {TRIGGER}_coding_delete AFTER DELETE ON {CODINGS} BEGIN"
            f" {self.upsert(self.of_codings(self.row('OLD', coding), -1))}; END",
            f"CREATE TRIGGER {TRIGGER}_coding_update AFTER UPDATE ON {CODINGS} FOR EACH ROW"
            f" WHEN {self.changed(CODING_COLUMNS, 'IS NOT')} BEGIN {self.upsert(recoded)}; END",
        ]

    def drop(self) -> list[str]:
        names = ["insert", "delete", "update", "coding_insert", "coding_delete", "coding_update"]
        return [f"DROP TRIGGER IF EXISTS {TRIGGER}_{name}" for name in names]


class PostgreSQL(Engine):
    def year(self, column):
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"

    def month(self, column):
        return f"CAST(EXTRACT(MONTH FROM {column}) AS integer)"

    def _function(self, name: str, body: str) -> str:
        return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"

    def _append(self, changes: str) -> str:
        """The net changes appended to the change table, and the transaction marked as having some to fold."""
        keys = ", ".join(KEY)
        return (
            f"INSERT INTO {CHANGE_TABLE} ({keys}, statements) SELECT {keys}, SUM(change) FROM ({changes}) AS changes"
            f" WHERE TRUE GROUP BY {keys} HAVING SUM(change) <> 0;"
            f" IF FOUND THEN PERFORM set_config('{DIRTY}', 'yes', TRUE); END IF;"
        )

    def create(self) -> list[str]:
        keys = ", ".join(KEY)
        fold = self.upsert(f"SELECT {keys}, statements AS change FROM {CHANGE_TABLE}")
        statements = [
            # A plain table, not UNLOGGED: a replica reads it with the rollup (a standby cannot read an unlogged one).
            f"CREATE TABLE {CHANGE_TABLE} (id bigserial PRIMARY KEY, year smallint NOT NULL, month smallint NOT NULL,"
            " date_precision varchar(5) NOT NULL, speaker_id integer NOT NULL, target_country_id integer NOT NULL,"
            " target_official_id integer NOT NULL, stance smallint NOT NULL, act varchar(10) NOT NULL,"
            " statements integer NOT NULL)",
            self.fill(),
        ]
        for table, of in ((STATEMENTS, self.of_statements), (CODINGS, self.of_codings)):
            prefix = TRIGGER if table == STATEMENTS else f"{TRIGGER}_coding"
            columns = STATEMENT_COLUMNS if table == STATEMENTS else CODING_COLUMNS
            for event, transition, sign in (("insert", "NEW", 1), ("delete", "OLD", -1)):
                name = f"{prefix}_{event}"
                statements += [
                    self._function(name, self._append(of("written", sign))),
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {transition} TABLE AS"
                    f" written FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                ]
            name = f"{prefix}_update"
            moved = of(self.row("OLD", columns), -1) + " UNION ALL " + of(self.row("NEW", columns), 1)
            statements += [
                self._function(name, self._append(moved)),
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW"
                f" WHEN ({self.changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {name}()",
            ]
        statements += [
            # At commit, once: the transaction's changes folded into the rollup in key order, so that two
            # transactions folding at once take the rows' locks in one order and hold them only while committing.
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
        for table, prefix in ((STATEMENTS, TRIGGER), (CODINGS, f"{TRIGGER}_coding")):
            for event in ("insert", "delete", "update"):
                name = f"{prefix}_{event}"
                statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
        statements += [f"DROP TABLE IF EXISTS {CHANGE_TABLE}", f"DROP FUNCTION IF EXISTS {FOLD}()"]
        return statements


BUILDERS = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def create_schema(schema_editor) -> None:
    """Count the statements and codings already there, then create the triggers that keep the counts exact."""
    for sql in BUILDERS[schema_editor.connection.vendor].create():
        schema_editor.execute(sql)


def drop_schema(schema_editor) -> None:
    for sql in BUILDERS[schema_editor.connection.vendor].drop():
        schema_editor.execute(sql)


# --- Reading ---------------------------------------------------------------------------------------------------------

# The filters a series may use to be summed from the rollup; any other (words, topics, countries concerned, kind,
# outlet, language) needs the statements themselves.
SUMMED = {"speaker", "speaker_country", "target", "stance", "act", "date_from", "date_to"}


def can_sum(statement_filter) -> bool:
    """Whether a (valid) series' filter can be summed from the rollup: only SUMMED filters, at most one target (and
    a target whenever a stance or act is given: the rows of codings count codings, not statements), and dates on
    month or year bounds (the rows have no days)."""
    used = {name for name, values in statement_filter.data.lists() if any(value.strip() for value in values)}
    if not used <= SUMMED:
        return False
    cleaned = statement_filter.form.cleaned_data
    targets = cleaned.get("target") or []
    if len(targets) > 1 or (not targets and (cleaned.get("stance") or cleaned.get("act"))):
        return False
    return all(
        span.precision != DatePrecision.DAY for span in (cleaned.get("date_from"), cleaned.get("date_to")) if span
    )


def summed(statement_filter):
    """A series' counts from the rollup, in one query: (statements per (year, month, precision), and per the same
    key (codings with a stance, the sum of their stances)), as series.volume and series.stances give them."""
    cleaned = statement_filter.form.cleaned_data
    conditions = Q()
    if speakers := cleaned.get("speaker"):
        conditions &= Q(speaker_id__in=[official.pk for official in speakers])
    if countries := cleaned.get("speaker_country"):
        officials = Official.objects.filter(country__in=[country.pk for country in countries]).values("pk")
        conditions &= Q(speaker_id__in=officials)
    targets = cleaned.get("target") or []
    if targets and isinstance(targets[0], Country):
        conditions &= Q(target_country_id=targets[0].pk)
    elif targets:
        conditions &= Q(target_official_id=targets[0].pk)
    else:
        conditions &= Q(target_country_id=0, target_official_id=0)
    if stance := cleaned.get("stance"):
        conditions &= Q(stance=NO_STANCE if stance == NO_STANCE_VALUE else int(stance))
    if act := cleaned.get("act"):
        conditions &= Q(act=act)
    if first := cleaned.get("date_from"):
        conditions &= Q(year__gt=first.first.year) | Q(year=first.first.year, month__gte=first.first.month)
    if last := cleaned.get("date_to"):
        conditions &= Q(year__lt=last.last.year) | Q(year=last.last.year, month__lte=last.last.month)
    return sum_rows(conditions)


def tables() -> list:
    """The rollup's rows to read: on PostgreSQL with this transaction's changes not yet folded into them."""
    found = [CompareCount.objects]
    if connection.vendor == "postgresql":
        found.append(CompareCountChange.objects)
    return found


def sum_rows(conditions: Q) -> tuple[Counter, dict]:
    """The rollup rows matching `conditions` summed per (year, month, precision): statements (or codings), and
    codings with a stance with the sum of their stances. One query (two on PostgreSQL: the pending changes)."""
    with_stance = ~Q(stance=NO_STANCE)
    volume, stances = Counter(), {}
    for rows in tables():
        grouped = (
            rows.filter(conditions)
            .values("year", "month", "date_precision")
            .annotate(
                n=Sum("statements"),
                coded=Sum("statements", filter=with_stance),
                total=Sum(F("statements") * F("stance"), filter=with_stance),
            )
            .order_by()
        )
        for row in grouped:
            key = (row["year"], row["month"], row["date_precision"])
            volume[key] += row["n"] or 0
            before = stances.get(key, (0, 0))
            stances[key] = (before[0] + (row["coded"] or 0), before[1] + (row["total"] or 0))
    volume = Counter({key: n for key, n in volume.items() if n})
    return volume, {key: value for key, value in stances.items() if value[0]}


def acts(conditions: Q) -> Counter:
    """Codings per speech act (the act given) among the rollup rows matching `conditions`."""
    counts = Counter()
    for rows in tables():
        summed = rows.filter(conditions).exclude(act="").values("act").annotate(n=Sum("statements")).order_by()
        counts.update(dict(summed.values_list("act", "n")))
    return counts
