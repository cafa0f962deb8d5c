"""Rows written as plain tuples in multi-row INSERTs: how the CSV import writes a large file's statements.

`bulk_create` builds a model instance per row and passes every value through its field and the SQL compiler; for
the import's statements, their links and their history records that Python cost more than the database's own
work (docs/csv.md#speed-rows-are-read-checked-and-written-a-batch-at-a-time). A `Table` reads its columns and
defaults from the model once, takes each row as a dict of attribute names to values, converts only the date and
time columns, and inserts a chunk of rows per statement. Nothing here runs a model's `save()` or signals: the
caller has checked the rows, and the database's constraints and triggers still apply.
"""

import functools
from collections.abc import Iterable, Sequence

from django.db import connection, models

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

    def row(self, values: dict) -> tuple:
        """A row from attribute names (`speaker_id`) to Python values; a missing column takes the field's default."""
        row = []
        for attname in self.attnames:
            value = values[attname] if attname in values else self.defaults[attname]
            convert = self.converters.get(attname)
            row.append(convert(value) if convert is not None and value is not None else value)
        return tuple(row)

    def insert(self, rows: Sequence[tuple], *, returning: bool = False) -> list[int]:
        """Insert the rows; with `returning`, their new primary keys in the rows' order."""
        if not rows:
            return []
        quote = connection.ops.quote_name
        limit = connection.features.max_query_params
        size = max(1, min(ROWS_PER_INSERT, limit // len(self.fields) if limit else ROWS_PER_INSERT))
        columns = ", ".join(quote(field.column) for field in self.fields)
        head = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES "
        one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        tail = f" RETURNING {quote(self.pk_column)}" if returning else ""
        if connection.vendor == "postgresql":
            # One array per column: the statement stays the same short text whatever the number of rows, which the
            # driver prepares once, instead of a query of thousands of placeholders parsed again for every chunk.
            size = ROWS_PER_INSERT
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in self.fields)
            head = head.removesuffix(" VALUES ") + f" SELECT * FROM unnest({arrays})"
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                if connection.vendor == "postgresql":
                    cursor.execute(head + tail, [list(column) for column in zip(*chunk, strict=True)])
                else:
                    cursor.execute(head + ", ".join([one] * len(chunk)) + tail, _flat(chunk))
                if returning:
                    # In the order of the VALUES, as Django's own bulk_create relies on for both databases.
                    ids.extend(pk for (pk,) in cursor.fetchall())
        return ids


def _flat(rows: Iterable[tuple]) -> list:
    return [value for row in rows for value in row]
