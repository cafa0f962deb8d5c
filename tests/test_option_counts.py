"""The counts of published statements per option value (statements/option_counts.py) stay exact whatever writes:
publishing, unpublishing, retracting, editing links, speaker or source, coding, deleting, importing, raw SQL."""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from statements import option_counts
from statements.imports import import_statements
from statements.models import OptionCount, Source, Statement, Status, Topic
from statements.positions.models import Coding
from statements.publishing import publish_statements, retract_statements, unpublish_statements
from tests.factories import OfficialFactory, OutletFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db


def exact() -> dict:
    """The counts as the statements, their links and their sources say they should be, counted in Python."""
    published = Statement.objects.published().select_related("source").prefetch_related("topics", "countries")
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    speakers, countries, outlets, languages, topics = Counter(), Counter(), Counter(), Counter(), Counter()
    target_countries, target_officials = Counter(), Counter()
    for coding in Coding.objects.filter(statement__status=Status.PUBLISHED):
        if coding.target_country_id:
            target_countries[coding.target_country_id] += 1
        else:
            target_officials[coding.target_official_id] += 1
    for statement in published:
        speakers[statement.speaker_id] += 1
        countries.update(c.pk for c in statement.countries.all())
        outlets[statement.source.outlet_id] += 1
        languages.update({statement.source.language, statement.original_language} - {""})
        covered = set()
        for topic in statement.topics.all():
            node = topic.pk
            while node is not None and node not in covered:
                covered.add(node)
                node = parents[node]
        topics.update(covered)
    return {
        "speakers": dict(speakers),
        "countries": dict(countries),
        "outlets": dict(outlets),
        "languages": dict(languages),
        "topics": dict(topics),
        "target_countries": dict(target_countries),
        "target_officials": dict(target_officials),
    }


def stored() -> dict:
    counts = OptionCount.objects.counts()
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    return {
        "speakers": counts.speakers,
        "countries": counts.countries,
        "outlets": counts.outlets,
        "languages": counts.languages,
        "topics": counts.topics(parents),
        "target_countries": counts.target_countries,
        "target_officials": counts.target_officials,
    }


@pytest.fixture
def things():
    """Two topics under a parent, two speakers, two outlets' sources in two languages, and one published statement
    on a sub-topic for each speaker, so every count starts above zero."""
    middle_east = TopicFactory(name="Middle East")
    t = {
        "middle_east": middle_east,
        "syria": TopicFactory(name="Syria", parent=middle_east),
        "iraq": TopicFactory(name="Iraq", parent=middle_east),
        "trade": TopicFactory(name="Trade"),
        "speakers": [OfficialFactory(country=country("RU")), OfficialFactory(country=country("US"))],
        "sources": [
            SourceFactory(outlet=OutletFactory(), language="en"),
            SourceFactory(outlet=OutletFactory(), language="ru"),
        ],
    }
    t["first"] = StatementFactory(
        speaker=t["speakers"][0], source=t["sources"][0], topics=[t["syria"]], countries=[country("SY")]
    )
    t["second"] = StatementFactory(speaker=t["speakers"][1], source=t["sources"][1], topics=[t["iraq"], t["syria"]])
    # Coded toward a country each, and the second toward the first's speaker too.
    Coding.objects.create(statement=t["first"], target_country=country("US"), stance=-1, act="criticise")
    Coding.objects.create(statement=t["second"], target_country=country("US"), stance=None, act="comment")
    Coding.objects.create(statement=t["second"], target_official=t["speakers"][0], stance=1, act="praise")
    return t


def draft(t, **kwargs):
    values = {"speaker": t["speakers"][0], "source": t["sources"][0], "status": Status.DRAFT}
    return StatementFactory(**(values | kwargs))


def publish_a_draft(t):
    s = draft(t, topics=[t["trade"]], countries=[country("FR"), country("SY")], original_language="fr")
    publish_statements(statements=[s], user=None)


def publish_by_update(t):
    s = draft(t, topics=[t["syria"], t["middle_east"]])
    Statement.objects.filter(pk=s.pk).update(status=Status.PUBLISHED)


def unpublish(t):
    unpublish_statements(statements=[t["first"]], user=None)


def retract(t):
    retract_statements(statements=[t["first"]], user=None, reason="Misattributed.")


def code_a_published_statement(t):
    Coding.objects.create(statement=t["first"], target_country=country("RU"), stance=0, act="comment")
    Coding.objects.create(statement=t["first"], target_official=t["speakers"][1], stance=None, act="decline")


def recode_a_target(t):
    coding = Coding.objects.get(statement=t["second"], target_country=country("US"))
    coding.target_country, coding.target_official = None, t["speakers"][1]
    coding.save()
    Coding.objects.filter(statement=t["first"]).update(target_country=country("FR"))


def move_a_coding_to_a_draft(t):
    Coding.objects.filter(statement=t["first"]).update(statement=draft(t))


def uncode(t):
    Coding.objects.filter(statement=t["second"]).delete()


def code_a_draft_then_publish_it(t):
    s = draft(t)
    Coding.objects.create(statement=s, target_country=country("SY"), stance=-2, act="threaten")
    assert stored() == exact()
    publish_statements(statements=[s], user=None)


def delete_a_coded_statement_before_its_codings_in_raw_sql(t):
    """The foreign key is checked at commit: the statement may go first."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM statements_statement_topics WHERE statement_id = %s", [t["second"].pk])
        cursor.execute("DELETE FROM statements_statement WHERE id = %s", [t["second"].pk])
        cursor.execute("DELETE FROM statements_coding WHERE statement_id = %s", [t["second"].pk])


def restore_codings_before_their_statement(t):
    """A restore may insert a statement's codings before the statement itself."""
    codings = list(Coding.objects.filter(statement=t["second"]).values_list("target_country_id", "target_official_id"))
    statement = Statement.objects.filter(pk=t["second"].pk)
    row = statement.values("speaker_id", "source_id", "date", "text", "status").get()
    with transaction.atomic(), connection.cursor() as cursor:
        t["second"].delete()
        for target_country, target_official in codings:
            cursor.execute(
                "INSERT INTO statements_coding (statement_id, target_country_id, target_official_id, act)"
                " VALUES (%s, %s, %s, '')",
                [999_999, target_country, target_official],
            )
        Statement.objects.create(pk=999_999, **row)


def edit_a_drafts_links(t):
    s = draft(t)
    s.topics.add(t["trade"])
    s.countries.add(country("FR"))


def add_and_remove_links(t):
    t["first"].topics.add(t["trade"], t["iraq"])
    t["first"].topics.remove(t["syria"])
    t["first"].countries.set([country("FR"), country("DE")])


def clear_links(t):
    t["first"].topics.clear()
    t["first"].countries.clear()


def link_in_raw_sql(t):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO statements_statement_countries (statement_id, country_id) VALUES (%s, %s)",
            [t["first"].pk, country("FR").pk],
        )


def save_a_stale_instance(t):
    stale = Statement.objects.get(pk=t["first"].pk)  # loaded before the link below: its copy is stale
    t["first"].topics.add(t["trade"])
    stale.text = "Edited."
    stale.save()


def change_speaker_and_source(t):
    s = t["first"]
    s.speaker, s.source, s.original_language = t["speakers"][1], t["sources"][1], "de"
    s.save()


def move_a_source_to_another_outlet_and_language(t):
    source = t["sources"][0]
    source.outlet, source.language = OutletFactory(), "ar"
    source.save()


def delete_a_statement(t):
    t["first"].delete()


def delete_a_linked_topic(t):
    t["trade"].statements.add(t["first"])
    t["trade"].delete()


def move_a_topic_under_another(t):
    t["syria"].parent = t["trade"]  # the statements on Syria now count under Trade, not Middle East
    t["syria"].save()


def import_published_rows(t):
    rows = [
        "date,speaker,text,topics,countries,outlet,source_title,source_date",
        "2016-11-11,Imported Speaker,We will keep working.,Syria; Trade,RU; SY,Imported Wire,Report,2016-11-11",
        "2016-11-12,Imported Speaker,And again.,Iraq,FR,Imported Wire,Report two,2016-11-12",
    ]
    result = import_statements(
        file=("\r\n".join(rows) + "\r\n").encode(), create_missing=True, publish=True, keep_duplicates=True
    )
    assert result.ok, result.messages()


def import_a_dry_run(t):
    rows = ["date,speaker,text,outlet,source_title,source_date", "2016-11-11,Dry Speaker,Words.,Wire,Report,2016-11-11"]
    import_statements(file=("\r\n".join(rows) + "\r\n").encode(), create_missing=True, publish=True, dry_run=True)


def roll_back_a_savepoint(t):
    try:
        with transaction.atomic():
            publish_a_draft(t)
            t["first"].delete()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass


CHANGES = [
    lambda t: None,
    publish_a_draft,
    publish_by_update,
    unpublish,
    retract,
    edit_a_drafts_links,
    add_and_remove_links,
    clear_links,
    link_in_raw_sql,
    save_a_stale_instance,
    change_speaker_and_source,
    move_a_source_to_another_outlet_and_language,
    delete_a_statement,
    code_a_published_statement,
    recode_a_target,
    move_a_coding_to_a_draft,
    uncode,
    code_a_draft_then_publish_it,
    delete_a_coded_statement_before_its_codings_in_raw_sql,
    restore_codings_before_their_statement,
    delete_a_linked_topic,
    move_a_topic_under_another,
    import_published_rows,
    import_a_dry_run,
    roll_back_a_savepoint,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: getattr(change, "__name__", "nothing"))
def test_the_counts_follow_every_write(things, change):
    """After any write the counts equal the published statements counted from their links and sources."""
    before = stored()
    assert before == exact() and before["speakers"]
    change(things)
    assert stored() == exact()


def test_a_target_counts_the_published_statements_coded_toward_it(things):
    """Each target counts the published statements with a coding toward it; a draft's codings count nothing."""
    Coding.objects.create(statement=draft(things), target_country=country("US"), stance=-2, act="threaten")
    counts = stored()
    assert counts["target_countries"] == {country("US").pk: 2}
    assert counts["target_officials"] == {things["speakers"][0].pk: 1}


def test_a_topic_counts_each_statement_once_with_its_sub_topics(things):
    """The topic filter includes sub-topics, so Middle East counts the statement on both Syria and Iraq once."""
    counts = stored()["topics"]
    assert counts[things["middle_east"].pk] == 2
    assert (counts[things["syria"].pk], counts[things["iraq"].pk]) == (2, 1)
    assert things["trade"].pk not in counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committed_changes_are_folded_into_the_counts(things):
    """Once committed, the counts' table alone is exact (PostgreSQL folds each transaction's changes into it at
    commit), including after a rolled-back transaction."""
    publish_a_draft(things)
    pk = things["first"].pk
    with pytest.raises(RuntimeError), transaction.atomic():
        things["first"].delete()
        raise RuntimeError("rolled back")
    things["first"] = Statement.objects.get(pk=pk)  # the delete was rolled back
    with transaction.atomic():
        add_and_remove_links(things)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, value, statements FROM {option_counts.COUNT_TABLE}")
        table = option_counts.OptionCounts(cursor.fetchall())
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT COUNT(*) FROM {option_counts.CHANGE_TABLE}")
            assert cursor.fetchone() == (0,)
    assert (table.speakers, table.countries, table.outlets, table.languages) == (
        exact()["speakers"],
        exact()["countries"],
        exact()["outlets"],
        exact()["languages"],
    )


BEFORE_THE_COUNTS = ("statements", "0019_search_spellings")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_migrated_from_before_the_counts_counts_its_statements():
    """Migration 0020 counts the statements already there, and its triggers keep the counts exact afterwards."""
    newest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        MigrationExecutor(connection).migrate([BEFORE_THE_COUNTS])
        apps = MigrationExecutor(connection).loader.project_state([BEFORE_THE_COUNTS]).apps
        model = {name: apps.get_model("statements", name) for name in ("Official", "Outlet", "Source", "Statement")}
        speaker = model["Official"].objects.create(name="Old Speaker", slug="old-speaker")
        wire = model["Outlet"].objects.create(name="Old Wire", slug="old-wire")
        source = model["Source"].objects.create(
            outlet=wire, title="Old", published_on=datetime.date(2016, 1, 1), language="ru"
        )
        for status in ("published", "published", "draft"):
            statement = model["Statement"].objects.create(
                speaker=speaker, date=datetime.date(2016, 1, 1), text=status, source=source, status=status
            )
            statement.countries.add(country("SY").pk)
        MigrationExecutor(connection).migrate(newest)
        assert stored() == exact()
        assert stored()["countries"] == {country("SY").pk: 2}
        Statement.objects.filter(status=Status.DRAFT).update(status=Status.PUBLISHED)
        assert stored() == exact()
    finally:
        MigrationExecutor(connection).migrate(newest)


def test_sources_without_statements_and_drafts_count_nothing(things):
    """A draft's speaker, topics, countries and outlet, and a source nobody cites, are not counted."""
    before = stored()
    source = Source.objects.create(outlet=OutletFactory(), title="Unused", published_on=datetime.date(2020, 1, 1))
    draft(things, source=source, speaker=OfficialFactory(), topics=[things["trade"]], countries=[country("DE")])
    assert stored() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two transactions at once (SQLite has one writer)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_publishing_for_the_same_values_neither_wait_nor_deadlock(things):
    """Each transaction's changes reach the counts at its commit, in one order: publishing for the same speakers in
    opposite orders at once neither waits for the other's commit nor deadlocks, and both land in the counts.
    (Counts updated by each row's trigger would make the second publish below wait, and then deadlock.)"""
    a, b = things["speakers"]
    drafts = {name: draft(things, speaker=speaker) for name, speaker in (("a1", a), ("b1", b), ("a2", a), ("b2", b))}
    first_done, second_done, failures = threading.Event(), threading.Event(), []

    def other_transaction():
        try:
            with transaction.atomic():
                publish_statements(statements=[drafts["a1"]], user=None)
                first_done.set()
                assert second_done.wait(5)
                publish_statements(statements=[drafts["b2"]], user=None)
        except Exception as error:  # reported below, from the test's own thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert first_done.wait(5)
    started = time.monotonic()
    with transaction.atomic():
        publish_statements(statements=[drafts["b1"]], user=None)
        second_done.set()
        publish_statements(statements=[drafts["a2"]], user=None)
    waited = time.monotonic() - started
    thread.join(10)
    assert failures == [] and not thread.is_alive()
    assert waited < 1
    assert stored() == exact()
    assert stored()["speakers"] == {a.pk: 3, b.pk: 3}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_flushed_database_counts_from_zero(things):
    """The test runner's flush empties each table in turn (on SQLite with DELETE, firing the triggers, the counts'
    table perhaps first): the last statement deleted clears the counts, so none is left below zero."""
    # As the runner flushes: keeping the sequences. The command alone would restart them, and the rows that the
    # next test restores keep their ids, so a later insert (a permission, a country) would collide with them.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
    assert list(OptionCount.objects.values_list("kind", "value", "statements")) == []
