"""Each statement's copy of its source's outlet and language (statements/denormalised.py) stays exact whatever
writes the statement or the source, and the outlet and language filters, which read the copies, find what a join
to the sources finds."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict

from statements import denormalised, planner
from statements.filters import StatementFilter
from statements.models import Statement, Status
from tests.factories import OutletFactory, SourceFactory, StatementFactory
from tests.schema import SQLRunner
from tests.timeline_data import build_world

pytestmark = pytest.mark.django_db

# The copies of the source's values (statements/denormalised.py), whose triggers a test below drops.
FROM_SOURCE = ["outlet_cache", "source_language_cache"]


def stored(statement) -> tuple:
    return Statement.objects.filter(pk=statement.pk).values_list("outlet_cache", "source_language_cache").get()


def exact(statement) -> tuple:
    """The copies as the statement's source says they should be."""
    source = Statement.objects.get(pk=statement.pk).source
    return (source.outlet_id, source.language) if source else (None, "")


def move_to_another_source(s, w):
    s.source = w["ru_source"]
    s.save()


def change_the_source_s_outlet(s, w):
    s.source.outlet = w["other_outlet"]
    s.source.save()


def change_the_source_s_language_by_update(s, w):
    type(s.source).objects.filter(pk=s.source_id).update(language="fr")


def save_a_stale_instance(s, w):
    stale = Statement.objects.get(pk=s.pk)  # loaded with the old outlet
    change_the_source_s_outlet(s, w)
    stale.text = "edited"
    stale.save()  # writes every column, the stale copies included


def write_the_copies_directly(s, w):
    Statement.objects.filter(pk=s.pk).update(outlet_cache=999_999, source_language_cache="xx")


def unset_the_source(s, w):
    Statement.objects.filter(pk=s.pk).update(source=None, status=Status.DRAFT)


def insert_with_wrong_copies(s, w):
    """A bulk loader's rows (bulk_create skips save()) carrying values that are not their source's."""
    (new,) = Statement.objects.bulk_create(
        [Statement(speaker=s.speaker, date=s.date, text="Bulk", source=w["ru_source"], outlet_cache=1, status="draft")]
    )
    return new


# (what happens, the outlet and language the statement ends with: names in `w`, or None)
CHANGES = [
    (lambda s, w: None, "outlet", "en"),
    (move_to_another_source, "other_outlet", "ru"),
    (change_the_source_s_outlet, "other_outlet", "en"),
    (change_the_source_s_language_by_update, "outlet", "fr"),
    (save_a_stale_instance, "other_outlet", "en"),
    (write_the_copies_directly, "outlet", "en"),
    (unset_the_source, None, ""),
    (insert_with_wrong_copies, "other_outlet", "ru"),
]


@pytest.mark.parametrize(("change", "outlet", "language"), CHANGES)
def test_the_copies_follow_every_change_of_the_statement_or_its_source(change, outlet, language):
    w = {"outlet": OutletFactory(name="Wire"), "other_outlet": OutletFactory(name="Other Wire")}
    w["ru_source"] = SourceFactory(outlet=w["other_outlet"], language="RU")
    s = StatementFactory(source=SourceFactory(outlet=w["outlet"], language="en"))
    s = change(s, w) or s
    assert stored(s) == exact(s) == (w[outlet].pk if outlet else None, language)


def test_other_sources_statements_keep_their_copies():
    wire, other = OutletFactory(name="Wire"), OutletFactory(name="Other")
    kept = StatementFactory(source=SourceFactory(outlet=wire))
    moved = StatementFactory(source=SourceFactory(outlet=wire))
    moved.source.outlet = other
    moved.source.save()
    assert stored(kept) == (wire.pk, "en")
    assert stored(moved) == (other.pk, "en")


def test_the_schema_fills_the_copies_of_existing_statements():
    """Rows written before the triggers existed get their copies when the schema is created."""
    build_world()
    denormalised.drop_schema(SQLRunner(), only=FROM_SOURCE)
    Statement.objects.update(outlet_cache=None, source_language_cache="")  # no trigger puts them back now
    denormalised.create_schema(SQLRunner(), only=FROM_SOURCE)
    statements = list(Statement.objects.all())
    assert [stored(s) for s in statements] == [exact(s) for s in statements]
    assert {stored(s)[1] for s in statements} >= {"en", "ru"}
    other = OutletFactory(name="After")
    first = Statement.objects.filter(source__isnull=False).first()
    first.source.outlet = other
    first.source.save()
    assert stored(first)[0] == other.pk  # and the triggers are back


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_a_database_with_statements_fills_their_copies():
    """Migration 0013 on a database that already has statements (the upgrade path): every copy exact after it."""
    StatementFactory(source=SourceFactory(language="ru"))
    StatementFactory(source=SourceFactory())
    StatementFactory(source=None, status=Status.DRAFT)
    call_command("migrate", "statements", "0012", verbosity=0)
    call_command("migrate", "statements", verbosity=0)
    statements = list(Statement.objects.order_by("pk"))
    assert [stored(s) for s in statements] == [exact(s) for s in statements]
    assert [stored(s)[1] for s in statements] == ["ru", "en", ""]


# (query, what a join to the sources finds): the filters read the copies; a join is the reference.
JOINS = [
    ("outlet=reuters", {"source__outlet__slug__in": ["reuters"]}),
    ("outlet=tass&outlet=reuters", {"source__outlet__slug__in": ["tass", "reuters"]}),
    ("language=ru", None),
    ("language=en", None),
    ("language=fr", None),  # said in French, reported in English
]


class TestJoins:
    """The table of joins in both query shapes, every case on one world built for the class."""

    @pytest.mark.parametrize("shape", ["listed", "walked"])
    @pytest.mark.parametrize(("query", "join"), JOINS)
    def test_the_filters_on_the_copies_find_what_a_join_to_the_sources_finds(
        self, class_world, monkeypatch, shape, query, join
    ):
        monkeypatch.setattr(planner, "is_common", lambda statements, count_up_to: shape == "walked")
        f = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert f.is_valid(), f.errors
        if join is None:  # said in the language, or reported in it
            code = query.split("=")[1]
            join = {"pk__in": Statement.objects.filter(Q(source__language=code) | Q(original_language=code))}
        expected = list(Statement.objects.published().filter(**join).order_by("-date", "-id"))
        assert expected and list(f.qs) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two transactions at once (SQLite has one writer)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_moved_to_a_source_whose_outlet_changes_at_that_moment_gets_the_new_outlet():
    """The statement's trigger reads the new source FOR SHARE, so it waits for the transaction changing that
    source's outlet and reads the committed value, instead of writing the old one that the other transaction's
    trigger could not see it needed to change. (Without FOR SHARE this test fails.)"""
    old, new = OutletFactory(name="Old"), OutletFactory(name="New")
    target = SourceFactory(outlet=old)
    statement = StatementFactory(source=SourceFactory(outlet=old))
    changed = threading.Event()

    def other_transaction():
        try:
            with transaction.atomic():
                type(target).objects.filter(pk=target.pk).update(outlet=new)
                changed.set()
                time.sleep(0.5)  # the statement is moved while this change is not yet committed
        finally:
            connection.close()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert changed.wait(5)
    Statement.objects.filter(pk=statement.pk).update(source=target)
    thread.join()
    assert stored(statement) == exact(statement) == (new.pk, "en")
