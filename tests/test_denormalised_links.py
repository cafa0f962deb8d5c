"""Each statement's copy of its topic and country ids (statements/denormalised.py) stays exact, whatever writes the
links, and the timeline's facets counted from the copies equal a GROUP BY over the link table."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import QueryDict

from statements import denormalised
from statements.filters import StatementFilter
from statements.models import OptionCount, Statement, Topic
from statements.timeline.facets import FACET_SIZE, facet_counts_for_matches, facet_entries
from statements.timeline.form import published_speakers
from statements.timeline.page import BoundedPaginator
from tests.factories import StatementFactory, TopicFactory, country
from tests.schema import SQLRunner
from tests.timeline_data import build_world

pytestmark = pytest.mark.django_db

# The copies of the links (statements/denormalised.py), whose triggers some tests below drop.
LINK_SETS = ["topics_cache", "countries_cache"]


def facet_counts(statements, params: QueryDict) -> dict:
    """The facets as GROUP BY queries over the whole filtered set: what counting from the matches must equal."""
    base = statements.order_by()
    topics = (
        Statement.topics.through.objects.filter(statement_id__in=base.values("id"))
        .values("topic__slug", "topic__name")
        .annotate(n=Count("statement_id"))
        .order_by("-n", "topic__name")[:FACET_SIZE]
    )
    speakers = base.values("speaker__slug", "speaker__name").annotate(n=Count("id")).order_by("-n", "speaker__name")
    countries = (
        base.filter(speaker__country__isnull=False)
        .values("speaker__country__code", "speaker__country__name")
        .annotate(n=Count("id"))
        .order_by("-n", "speaker__country__name")
    )
    years = base.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("id")).order_by("-n", "-year")
    return facet_entries(
        params, topics=topics, speakers=speakers[:FACET_SIZE], countries=countries[:FACET_SIZE], years=years
    )


def names() -> dict:
    """What the timeline names its facets with (statements/timeline/page.py)."""
    return {"speakers": published_speakers(OptionCount.objects.counts()), "topics": Topic.objects.in_bulk()}


def stored(statement) -> tuple[str, str]:
    return tuple(Statement.objects.filter(pk=statement.pk).values_list("topics_cache", "countries_cache").get())


def exact(statement) -> tuple[str, str]:
    """The copies as the link tables say they should be."""
    return (
        denormalised.set_text(statement.topics.values_list("pk", flat=True)),
        denormalised.set_text(statement.countries.values_list("pk", flat=True)),
    )


def add_and_remove(s, t):
    s.topics.add(t["a"], t["b"])
    s.topics.remove(t["a"])


def change_a_link_row(s, t):
    s.topics.add(t["a"])
    Statement.topics.through.objects.filter(statement=s, topic=t["a"]).update(topic=t["c"])


def save_a_stale_instance(s, t):
    stale = Statement.objects.get(pk=s.pk)  # loaded with the copy ","
    s.topics.add(t["b"])
    stale.text = "edited"
    stale.save()  # writes every column, the stale copy included


def write_the_copy_directly(s, t):
    s.topics.add(t["a"])
    Statement.objects.filter(pk=s.pk).update(topics_cache=",999,", countries_cache="junk")


def delete_a_topic(s, t):
    s.topics.add(t["a"], t["c"])
    t["a"].delete()


# (what happens to a new statement with no links, the topics it ends with by name, its countries by code)
CHANGES = [
    (lambda s, t: None, [], []),
    (lambda s, t: s.topics.add(t["c"], t["a"]), ["a", "c"], []),
    (add_and_remove, ["b"], []),
    (lambda s, t: (s.topics.add(t["a"]), s.topics.set([t["b"], t["c"]])), ["b", "c"], []),
    (lambda s, t: (s.topics.add(t["a"], t["b"]), s.topics.clear()), [], []),
    (change_a_link_row, ["c"], []),
    (save_a_stale_instance, ["b"], []),
    (write_the_copy_directly, ["a"], []),
    (delete_a_topic, ["c"], []),
    (lambda s, t: s.countries.add(country("US"), country("RU")), [], ["RU", "US"]),
    (lambda s, t: (s.countries.set([country("SY")]), s.topics.add(t["b"])), ["b"], ["SY"]),
    (lambda s, t: Statement.countries.through.objects.create(statement=s, country=country("FR")), [], ["FR"]),
]


@pytest.mark.parametrize(("change", "topics", "countries"), CHANGES)
def test_the_copies_follow_every_change_of_the_links(change, topics, countries):
    t = {name: TopicFactory(name=f"Topic {name}") for name in "abc"}
    s = StatementFactory(topics=[], countries=[])
    change(s, t)
    expected_topics = denormalised.set_text(t[name].pk for name in topics)
    expected_countries = denormalised.set_text(country(code).pk for code in countries)
    assert stored(s) == (expected_topics, expected_countries) == exact(s)


def test_a_statement_copied_as_a_new_row_starts_without_links():
    """`pk = None; save()` inserts a new row with no links: it must not carry the original's copies, or it would be
    found by a walked topic filter and counted in the facets."""
    syria = TopicFactory(name="Syria")
    original = StatementFactory(topics=[syria], countries=[country("SY")])
    copy = Statement.objects.get(pk=original.pk)
    copy.pk = None
    copy.save()
    assert stored(copy) == exact(copy) == (",", ",")
    assert stored(original) == exact(original)
    walked = Statement.objects.filter(topics_cache__contains=denormalised.set_member(syria.pk))
    assert list(walked) == list(Statement.objects.filter(topics=syria)) == [original]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_a_database_with_linked_statements_fills_their_copies():
    """Migration 0007 on a database that already has statements (the upgrade path): every copy exact after it."""
    topics = [TopicFactory(name=f"Topic {i}") for i in range(3)]
    StatementFactory(topics=topics[:2], countries=[country("US"), country("RU")])
    StatementFactory(topics=[topics[2]], countries=[])
    StatementFactory(topics=[], countries=[country("FR")])
    StatementFactory(topics=[], countries=[])
    call_command("migrate", "statements", "0006", verbosity=0)
    call_command("migrate", "statements", verbosity=0)
    assert [stored(s) for s in Statement.objects.order_by("pk")] == [exact(s) for s in Statement.objects.order_by("pk")]
    assert {stored(s) for s in Statement.objects.all()} != {(",", ",")}


def test_other_statements_keep_their_copies():
    syria, other = TopicFactory(), StatementFactory(topics=[], countries=[])
    other.topics.add(syria)
    s = StatementFactory(topics=[], countries=[])
    s.topics.add(syria)
    s.topics.clear()
    assert stored(other) == (denormalised.set_text([syria.pk]), ",")


def test_the_migration_fills_the_copies_of_existing_statements():
    """Rows written before the triggers existed get their copies when the schema is created."""
    build_world()
    linked = Statement.objects.filter(topics__isnull=False).first()
    denormalised.drop_schema(SQLRunner(), only=LINK_SETS)
    Statement.objects.update(topics_cache=",", countries_cache=",")  # no trigger puts them back now
    assert {stored(s) for s in Statement.objects.all()} == {(",", ",")}
    denormalised.create_schema(SQLRunner(), only=LINK_SETS)
    for statement in Statement.objects.all():
        assert stored(statement) == exact(statement)
    linked.topics.clear()  # and the triggers are back
    assert stored(linked)[0] == ","


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two transactions at once (SQLite has one writer)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_linking_one_statement_at_once_both_land_in_the_copy():
    """Each transaction reads the links without the other's uncommitted one; the second writer waits for the
    first to commit, and the statement's own trigger then reads them again, instead of writing back a copy
    without the first one's link. (Without that trigger this test fails.)"""
    statement = StatementFactory(topics=[], countries=[])
    first, second = TopicFactory(name="First"), TopicFactory(name="Second")
    linked = threading.Event()

    def other_transaction():
        try:
            with transaction.atomic():
                statement.topics.add(first)
                linked.set()
                time.sleep(0.5)  # the second link is written while this one is not yet committed
        finally:
            connection.close()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert linked.wait(5)
    statement.topics.add(second)
    thread.join()
    assert stored(statement) == exact(statement) == (denormalised.set_text([first.pk, second.pk]), ",")


@pytest.mark.parametrize("value", [[], [7], [12, 3, 3]])
def test_cached_text_round_trips(value):
    text = denormalised.set_text(value)
    assert denormalised.count_ids([text]) == dict.fromkeys(set(value), 1)
    assert all(denormalised.set_member(pk) in text for pk in value)


def test_ids_are_counted_across_cached_values():
    texts = [denormalised.set_text(ids) for ids in ([3, 17], [], [17], [170, 3])]
    assert denormalised.count_ids(texts) == {3: 2, 17: 2, 170: 1}
    assert denormalised.count_ids([]) == {}


class TestFacets:
    """Facets from the copies, every case on one world built for the class."""

    @pytest.mark.parametrize(
        "query",
        ["", "topic=middle-east", "country=ru", "speaker_country=ru", "q=sanctions", "sort=oldest", "kind=direct"],
    )
    def test_facets_counted_from_the_copies_equal_a_group_by(self, class_world, query):
        """Below the cap the paginator holds every match: counting topics from the copies gives what GROUP BY gives."""
        params = QueryDict(query)
        statements = StatementFilter(params, queryset=Statement.objects.published()).qs
        from_matches = facet_counts_for_matches(BoundedPaginator(statements, 25).matches, params, **names())
        grouped = facet_counts(statements, params)
        assert from_matches == {name: list(entries) for name, entries in grouped.items()}
        assert from_matches["topic"] or not statements.filter(topics__isnull=False).exists()


def test_topic_facet_lists_topics_in_count_then_name_order():
    topics = [TopicFactory(name=name) for name in ("Beta", "Alpha", "Gamma")]
    for linked in ([0, 1], [0, 1, 2], [2]):
        StatementFactory(topics=[topics[i] for i in linked])
    statements = Statement.objects.published().newest_first()
    facets = facet_counts_for_matches(BoundedPaginator(statements, 25).matches, QueryDict(), **names())
    assert [(e.label, e.count) for e in facets["topic"]] == [("Alpha", 2), ("Beta", 2), ("Gamma", 2)]
    assert Topic.objects.count() == 3
