from django.apps import AppConfig
from django.db.backends.signals import connection_created

from . import spellings


def give_sqlite_the_search_spellings(sender, connection, **kwargs):
    """SQLite's full-text triggers call statements_search_text (statements/spellings.py) on every write."""
    if connection.vendor == "sqlite":
        spellings.register_sqlite_function(connection.connection)


class StatementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "statements"
    verbose_name = "Statement tracker"

    def ready(self):
        connection_created.connect(give_sqlite_the_search_spellings, dispatch_uid="statements_search_spellings")
