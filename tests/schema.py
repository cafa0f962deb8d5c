"""Running a module's schema functions (create_schema / drop_schema) inside a test's transaction."""

from django.db import connection


class SQLRunner:
    """What the migrations' schema functions use of a schema editor (SQLite's cannot open inside a test's
    transaction)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
