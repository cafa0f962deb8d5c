"""Data built once for a class of tests that only read it, instead of once for each of its cases."""

import pytest
from django.db import transaction


def once_per_class(build):
    """A class-scoped fixture holding what build() returns, built on the class's first test.

    The rows are written in a transaction held open across the class and rolled back after its last test; each test
    still runs in its own savepoint inside it (pytest-django's), so whatever a test writes is gone before the next.
    Scoped to a class rather than a module because a module's other tests expect an empty database. Tests read ids
    from what build() returned, never assume them: on PostgreSQL the sequences move on from one class to the next.
    """

    @pytest.fixture(scope="class")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    return fixture
