"""The compare rollup (statements/compare/rollup.py): kept equal to the exact counts by the triggers after every
kind of write, on both databases; used for the series it can sum, and only those."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict

from statements.compare import rollup
from statements.compare.series import stances, volume
from statements.filters import StatementFilter
from statements.models import Coding, CompareCount, DatePrecision, Statement, Status
from tests.factories import OfficialFactory, StatementFactory, country

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SERIES = [
    "speaker_country=ru",
    "speaker_country=us",
    "target=us",
    "speaker_country=ru&target=us&stance=-1",
    "target=us&act=criticise",
    "speaker=lavrov-test&target=us&stance=none",
    "date_from=2016-11&date_to=2017&target=us",
    "target=lavrov-test",
    "",
]


def exact_and_summed(query: str):
    statement_filter = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
    assert statement_filter.is_valid(), statement_filter.errors
    assert rollup.can_sum(statement_filter)
    conditions = statement_filter.coding_conditions() or {}
    exact = (
        volume(statement_filter.qs),
        stances(statement_filter.qs, conditions) if conditions.get("countries") or conditions.get("officials") else {},
    )
    return exact, rollup.summed(statement_filter)


def assert_rollup_exact(series=SERIES):
    for query in series:
        exact, summed = exact_and_summed(query)
        assert summed == exact, query


def code(statement, stance, act, target="US"):
    return Coding.objects.create(statement=statement, target_country=country(target), stance=stance, act=act)


@pytest.fixture
def world():
    lavrov = OfficialFactory(name="Lavrov Test", slug="lavrov-test", country=country("RU"))
    kerry = OfficialFactory(name="Kerry Test", slug="kerry-test", country=country("US"))
    first = StatementFactory(speaker=lavrov, date=datetime.date(2016, 11, 11))
    code(first, -1, "criticise")
    second = StatementFactory(speaker=lavrov, date=datetime.date(2016, 12, 1), date_precision=DatePrecision.MONTH)
    code(second, None, "decline")
    third = StatementFactory(speaker=kerry, date=datetime.date(2017, 1, 1), date_precision=DatePrecision.YEAR)
    code(third, 1, "praise", target="RU")
    Coding.objects.create(statement=third, target_official=lavrov, stance=-1, act="criticise")
    StatementFactory(speaker=kerry, date=datetime.date(2017, 2, 2), status=Status.DRAFT)
    return {"lavrov": lavrov, "kerry": kerry, "statements": [first, second, third]}


def publish_all(world):
    Statement.objects.filter(status=Status.DRAFT).update(status=Status.PUBLISHED)


def unpublish(world):
    first = world["statements"][0]
    first.status = Status.DRAFT
    first.save()


def retract(world):
    Statement.objects.filter(pk=world["statements"][0].pk).update(status=Status.RETRACTED, retraction_reason="Wrong.")


def redate(world):
    Statement.objects.filter(pk=world["statements"][0].pk).update(date=datetime.date(2017, 3, 5))


def reprecise(world):
    Statement.objects.filter(pk=world["statements"][1].pk).update(date_precision=DatePrecision.YEAR)


def respeak(world):
    Statement.objects.filter(pk=world["statements"][0].pk).update(speaker=world["kerry"])


def recode(world):
    Coding.objects.filter(statement=world["statements"][0]).update(stance=-2, act="threaten")


def retarget(world):
    Coding.objects.filter(statement=world["statements"][0]).update(target_country=country("GB"))


def uncode(world):
    Coding.objects.filter(statement=world["statements"][0]).delete()


def delete_statement(world):
    world["statements"][2].delete()  # with its two codings


def add_in_bulk(world):
    made = Statement.objects.bulk_create(
        [
            Statement(
                speaker=world["lavrov"],
                date=datetime.date(2016, 11, d),
                text=f"Bulk {d}.",
                status="published",
                source=world["statements"][0].source,
            )
            for d in range(1, 6)
        ]
    )
    Coding.objects.bulk_create(
        [Coding(statement_id=s.pk, target_country=country("US"), stance=-1, act="criticise") for s in made]
    )


def delete_in_bulk(world):
    Coding.objects.filter(statement__speaker=world["lavrov"]).delete()
    Statement.objects.filter(speaker=world["lavrov"]).delete()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(None, id="as written"),
        pytest.param(publish_all, id="drafts published in bulk"),
        pytest.param(unpublish, id="a statement unpublished"),
        pytest.param(retract, id="retracted"),
        pytest.param(redate, id="another month"),
        pytest.param(reprecise, id="known only to the year"),
        pytest.param(respeak, id="another speaker"),
        pytest.param(recode, id="another stance and act"),
        pytest.param(retarget, id="another target"),
        pytest.param(uncode, id="a coding deleted"),
        pytest.param(delete_statement, id="a statement deleted with its codings"),
        pytest.param(add_in_bulk, id="statements and codings inserted in bulk"),
        pytest.param(delete_in_bulk, id="deleted in bulk"),
    ],
)
def test_the_rollup_equals_the_exact_counts_after_every_write(world, write):
    assert CompareCount.objects.exists()
    if write:
        write(world)
    assert_rollup_exact()


@pytest.mark.parametrize(
    "query, summable",
    [
        ("speaker_country=ru&target=us&stance=-1&act=criticise&date_from=2016-11&date_to=2017", True),
        ("target=us", True),
        ("", True),
        ("q=ceasefire&target=us", False),
        ("topic=syria", False),
        ("target=us&target=gb", False),  # a statement coded toward both would count twice
        ("stance=-1", False),  # without a target: codings are not statements
        ("target=us&date_from=2016-11-15", False),  # the rows have no days
        ("kind=paraphrase", False),
    ],
)
def test_which_series_the_rollup_sums(query, summable):
    from tests.factories import TopicFactory

    TopicFactory(name="Syria", slug="syria")
    statement_filter = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
    assert statement_filter.is_valid(), statement_filter.errors
    assert rollup.can_sum(statement_filter) is summable


def test_the_page_reads_the_rollup_for_summable_series_only(client, world):
    CompareCount.objects.all().delete()  # the page now sees no statements where it reads the rollup
    data = client.get("/compare.json?s1=target%3Dus&s2=q%3Dnumber%26target%3Dus").json()
    summed, exact = ([p["statements"] for p in series["points"]] for series in data["series"])
    assert sum(summed) == 0 and sum(exact) == 2


def test_migrating_counts_what_is_there_and_back_drops_the_triggers(world):
    from django.core.management import call_command

    call_command("migrate", "statements", "0026", verbosity=0)
    Statement.objects.filter(pk=world["statements"][0].pk).update(date=datetime.date(2018, 1, 1))  # no trigger
    call_command("migrate", "statements", verbosity=0)
    assert_rollup_exact()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two transactions at once (SQLite has one writer)")
def test_two_transactions_publishing_for_one_speaker_and_month_neither_wait_nor_deadlock():
    """On PostgreSQL each transaction's changes reach the rollup at its commit, in key order: publishing statements
    of two speakers in opposite orders at once, in one month, neither waits for the other nor deadlocks."""
    import threading
    import time

    from django.db import transaction

    a, b = OfficialFactory(country=country("RU")), OfficialFactory(country=country("US"))
    drafts = {
        name: StatementFactory(speaker=speaker, status=Status.DRAFT)
        for name, speaker in (("a1", a), ("b1", b), ("a2", a), ("b2", b))
    }
    first_done, second_done, failures = threading.Event(), threading.Event(), []

    def publish(name):
        Statement.objects.filter(pk=drafts[name].pk).update(status=Status.PUBLISHED)

    def other_transaction():
        try:
            with transaction.atomic():
                publish("a1")
                first_done.set()
                assert second_done.wait(5)
                publish("b2")
        except Exception as error:  # reported below, from the test's own thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert first_done.wait(5)
    started = time.monotonic()
    with transaction.atomic():
        publish("b1")
        second_done.set()
        publish("a2")
    waited = time.monotonic() - started
    thread.join(10)
    assert failures == [] and not thread.is_alive()
    assert waited < 1
    assert_rollup_exact(["speaker_country=ru", "speaker_country=us", ""])
    assert sum(CompareCount.objects.values_list("statements", flat=True)) == 4
