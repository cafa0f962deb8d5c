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
codings' rows; triggers on the codings add or take away the coding's row when its statement is published. Each
write upserts its net difference, grouped, in key order (so two transactions take the rows' locks in one order).
On PostgreSQL inserts and deletes are one trigger call per SQL statement, reading a transition table; updates
are per row, only when a counted column changed. Unlike the option counts, the upserts are not deferred to commit:
a row here is one speaker's month, so two writers meet on one only when they write the same speaker's statements of
the same month at once, and the waiting one waits for the other's commit.
"""

from collections import Counter

from django.db.models import F, Q, Sum

from ..dates import DatePrecision
from ..filters import NO_STANCE as NO_STANCE_VALUE
from ..models import Country, Official
from ..option_counts import PUBLISHED
from .models import CompareCount

TABLE = "statements_comparecount"
STATEMENTS = "statements_statement"
CODINGS = "statements_coding"
TRIGGER = "statements_compare_counts"
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
        return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"

    def create(self) -> list[str]:
        statements = [self.fill()]
        for table, of in ((STATEMENTS, self.of_statements), (CODINGS, self.of_codings)):
            prefix = TRIGGER if table == STATEMENTS else f"{TRIGGER}_coding"
            columns = STATEMENT_COLUMNS if table == STATEMENTS else CODING_COLUMNS
            for event, transition, sign in (("insert", "NEW", 1), ("delete", "OLD", -1)):
                name = f"{prefix}_{event}"
                statements += [
                    self._function(name, self.upsert(of("written", sign))),
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {transition} TABLE AS"
                    f" written FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                ]
            name = f"{prefix}_update"
            moved = of(self.row("OLD", columns), -1) + " UNION ALL " + of(self.row("NEW", columns), 1)
            statements += [
                self._function(name, self.upsert(moved)),
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW"
                f" WHEN ({self.changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {name}()",
            ]
        return statements

    def drop(self) -> list[str]:
        statements = []
        for table, prefix in ((STATEMENTS, TRIGGER), (CODINGS, f"{TRIGGER}_coding")):
            for event in ("insert", "delete", "update"):
                name = f"{prefix}_{event}"
                statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
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
    rows = CompareCount.objects.all()
    if speakers := cleaned.get("speaker"):
        rows = rows.filter(speaker_id__in=[official.pk for official in speakers])
    if countries := cleaned.get("speaker_country"):
        officials = Official.objects.filter(country__in=[country.pk for country in countries]).values("pk")
        rows = rows.filter(speaker_id__in=officials)
    targets = cleaned.get("target") or []
    if targets and isinstance(targets[0], Country):
        rows = rows.filter(target_country_id=targets[0].pk)
    elif targets:
        rows = rows.filter(target_official_id=targets[0].pk)
    else:
        rows = rows.filter(target_country_id=0, target_official_id=0)
    if stance := cleaned.get("stance"):
        rows = rows.filter(stance=NO_STANCE if stance == NO_STANCE_VALUE else int(stance))
    if act := cleaned.get("act"):
        rows = rows.filter(act=act)
    if first := cleaned.get("date_from"):
        rows = rows.filter(Q(year__gt=first.first.year) | Q(year=first.first.year, month__gte=first.first.month))
    if last := cleaned.get("date_to"):
        rows = rows.filter(Q(year__lt=last.last.year) | Q(year=last.last.year, month__lte=last.last.month))
    return sum_rows(rows)


def sum_rows(rows) -> tuple[Counter, dict]:
    """Rollup rows summed per (year, month, precision): statements (or codings), and codings with a stance with the
    sum of their stances. One query."""
    with_stance = ~Q(stance=NO_STANCE)
    grouped = (
        rows.values("year", "month", "date_precision")
        .annotate(
            n=Sum("statements"),
            coded=Sum("statements", filter=with_stance),
            total=Sum(F("statements") * F("stance"), filter=with_stance),
        )
        .order_by()
    )
    volume, stances = Counter(), {}
    for row in grouped:
        key = (row["year"], row["month"], row["date_precision"])
        if row["n"]:
            volume[key] = row["n"]
        if row["coded"]:
            stances[key] = (row["coded"], row["total"])
    return volume, stances
