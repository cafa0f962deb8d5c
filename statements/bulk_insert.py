"""Rows written as plain tuples (COPY on PostgreSQL, multi-row INSERTs on SQLite): how the CSV import writes.

`bulk_create` builds a model instance per row and passes every value through its field and the SQL compiler; for
the import's statements, their links and their history records that Python cost more than the database's own
work (docs/csv.md#speed-rows-are-read-checked-and-written-a-batch-at-a-time). A `Table` reads its columns and
defaults from the model once, takes each row as a dict of attribute names to values, converts only the date and
time columns, and writes the rows in one COPY (PostgreSQL) or a chunk of rows per INSERT (SQLite). Nothing here
runs a model's `save()` or signals: the caller has checked the rows; the database's constraints and triggers apply.
"""

import functools
from collections.abc import Iterable, Sequence

from django.db import connection, models
from psycopg import sql

# Rows per INSERT at most (fewer on SQLite, which limits the parameters of one statement).
ROWS_PER_INSERT = 1_000


class Table:
    """A model's table as columns: `row(values)` makes a row, `insert(rows)` writes them."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self.attnames = [field.attname for field in self.fields]
        self.defaults = {field.attname: field.get_default() for field in self.fields}
        ops = connection.ops
        # Django stores these differently per database (SQLite: naive UTC text); other values pass as they are.
        # Cached: a batch's rows share their times and many of their dates.
        self.converters = {
            field.attname: functools.lru_cache(maxsize=4096)(ops.adapt_datetimefield_value)
            if isinstance(field, models.DateTimeField)
            else functools.lru_cache(maxsize=4096)(ops.adapt_datefield_value)
            for field in self.fields
            if isinstance(field, models.DateField)
        }
        self.pk_column = model._meta.pk.column
        # What `row` reads for each column, looked up once rather than for every value of every row.
        self.columns = [(attname, self.defaults[attname], self.converters.get(attname)) for attname in self.attnames]

    def row(self, values: dict) -> tuple:
        """A row from attribute names (`speaker_id`) to Python values; a missing column takes the field's default."""
        get, row = values.get, []
        for attname, default, convert in self.columns:
            value = get(attname, default)
            row.append(value if convert is None or value is None else convert(value))
        return tuple(row)

    def insert(self, rows: Sequence[tuple], *, returning: bool = False) -> list[int]:
        """Insert the rows; with `returning`, their new primary keys in the rows' order."""
        if not rows:
            return []
        if connection.vendor == "postgresql":
            return self._copy(rows, returning=returning)
        quote = connection.ops.quote_name
        limit = connection.features.max_query_params
        size = max(1, min(ROWS_PER_INSERT, limit // len(self.fields) if limit else ROWS_PER_INSERT))
        columns = ", ".join(quote(field.column) for field in self.fields)
        head = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES "
        one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        tail = f" RETURNING {quote(self.pk_column)}" if returning else ""
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                cursor.execute(head + ", ".join([one] * len(chunk)) + tail, _flat(chunk))
                if returning:
                    # In the order of the VALUES, as Django's own bulk_create relies on for both databases.
                    ids.extend(pk for (pk,) in cursor.fetchall())
        return ids

    def _copy(self, rows: Sequence[tuple], *, returning: bool) -> list[int]:
        """PostgreSQL: one COPY for all the rows, each value passed by the driver's own (compiled) dumpers.

        COPY returns nothing, so when the keys are wanted they are taken from the table's sequence first, in
        ascending order, and written with the rows: the same keys, in the same order, as INSERT … RETURNING gave.
        Triggers and constraints apply to COPY as to INSERT."""
        table = self.model._meta.db_table
        columns = [field.column for field in self.fields]
        ids: list[int] = []
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
                    [table, self.pk_column, len(rows)],
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                columns = [self.pk_column, *columns]
                rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            # The driver's own cursor, so its errors are turned into Django's (IntegrityError…) here, as for execute().
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        return ids


def _flat(rows: Iterable[tuple]) -> list:
    return [value for row in rows for value in row]
