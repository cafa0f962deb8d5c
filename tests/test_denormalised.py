"""The denormalised columns (statements/denormalised.py): a database holding data, migrated from before any copy
existed to the newest state, has every copy exact, and the triggers keep the names production databases hold."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from statements import denormalised
from statements.models import Coding, Statement, Topic

BEFORE_THE_COPIES = ("statements", "0006_wider_timeline_index")  # 0007 made the links' copies, 0013 the source's
BEFORE_THE_CODINGS_COPY = ("statements", "0035_other_reports")  # 0036 made the codings' copy

# The triggers (and on PostgreSQL their functions) that existing databases hold: drop_schema must find them by name.
TRIGGERS = {
    "sqlite": {
        "statements_statement_topics_cache_insert",
        "statements_statement_topics_cache_delete",
        "statements_statement_topics_cache_update",
        "statements_statement_countries_cache_insert",
        "statements_statement_countries_cache_delete",
        "statements_statement_countries_cache_update",
        "statements_statement_cache_exact",
        "statements_statement_source_cache_insert",
        "statements_statement_source_cache_update",
        "statements_source_cache_insert",
        "statements_source_cache_update",
        "statements_coding_cache_insert",
        "statements_coding_cache_delete",
        "statements_coding_cache_update",
        "statements_statement_codings_exact",
    },
    "postgresql": {
        "statements_statement_topics_cache",
        "statements_statement_countries_cache",
        "statements_statement_cache_exact",
        "statements_statement_source_cache",
        "statements_source_cache",
        "statements_coding_cache",
        "statements_statement_codings_exact",
    },
}


def migrate_to(targets) -> None:
    """Migrate with a fresh executor, which reads what the database has applied now."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def copies(statement) -> tuple:
    return (statement.topics_cache, statement.countries_cache, statement.outlet_cache, statement.source_language_cache)


def exact(statement) -> tuple:
    """The four copies as the link tables and the source say they should be."""
    source = statement.source
    return (
        denormalised.set_text(statement.topics.values_list("pk", flat=True)),
        denormalised.set_text(statement.countries.values_list("pk", flat=True)),
        source.outlet_id if source else None,
        source.language if source else "",
    )


def fill_the_old_schema(apps) -> None:
    """Statements with and without links and sources, written through the models as they were before the copies."""
    model = {name: apps.get_model("statements", name) for name in ("Country", "Official", "Outlet", "Source", "Topic")}
    Statement_ = apps.get_model("statements", "Statement")
    ru, us, fr = (model["Country"].objects.get(code=code) for code in ("RU", "US", "FR"))
    speaker = model["Official"].objects.create(name="Fictional Speaker", slug="fictional-speaker")
    wire = model["Outlet"].objects.create(name="Wire", slug="wire")
    other = model["Outlet"].objects.create(name="Other Wire", slug="other-wire")
    day = datetime.date(2020, 5, 1)
    in_russian = model["Source"].objects.create(outlet=wire, title="In Russian", published_on=day, language="RU")
    in_english = model["Source"].objects.create(outlet=other, title="In English", published_on=day, language="en")
    topics = [model["Topic"].objects.create(name=f"Topic {i}", slug=f"topic-{i}") for i in range(3)]
    # (source, status, topics, countries)
    rows = [
        (in_russian, "published", topics[:2], [us, ru]),
        (in_english, "published", [topics[2]], []),
        (in_russian, "draft", [], [fr]),
        (None, "draft", [], []),
        (in_english, "draft", topics, [ru, us, fr]),
    ]
    for i, (source, status, linked_topics, countries) in enumerate(rows):
        statement = Statement_.objects.create(
            speaker=speaker, date=day, text=f"Statement {i}", source=source, status=status
        )
        statement.topics.set(linked_topics)
        statement.countries.set(countries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_statements_migrated_from_before_the_copies_has_every_copy_exact():
    """The upgrade path of a production database: 0007 and 0013 fill the copies of the rows already there, and
    their triggers keep them exact afterwards."""
    newest = latest()
    try:
        migrate_to([BEFORE_THE_COPIES])
        fill_the_old_schema(MigrationExecutor(connection).loader.project_state([BEFORE_THE_COPIES]).apps)
        migrate_to(newest)
        statements = list(Statement.objects.select_related("source").order_by("pk"))
        assert len(statements) == 5
        assert [copies(s) for s in statements] == [exact(s) for s in statements]
        assert {copies(s)[3] for s in statements} == {"ru", "en", ""}  # 0011 lowered "RU" before 0013 copied it
        assert all(copies(s)[:2] != (",", ",") for s in statements[:3])
        first = statements[0]
        first.topics.add(Topic.objects.get(slug="topic-2"))  # and the triggers are in place
        first.refresh_from_db()
        assert copies(first) == exact(first)
    finally:
        migrate_to(newest)


def test_the_triggers_keep_the_names_existing_databases_hold(db):
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND (tgname LIKE %s OR tgname LIKE %s)",
                ["%cache%", "%_exact"],
            )
            triggers = {name for (name,) in cursor.fetchall()}
            cursor.execute(
                "SELECT proname FROM pg_proc WHERE proname LIKE %s OR proname LIKE %s",
                ["statements_%cache%", "statements_%_exact"],
            )
            assert {name for (name,) in cursor.fetchall()} == TRIGGERS[vendor]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE %s OR name LIKE %s)",
                ["%cache%", "%_exact"],
            )
            triggers = {name for (name,) in cursor.fetchall()}
    assert triggers == TRIGGERS[vendor]


@pytest.mark.parametrize("only", [["topics_cache"], ["outlet_cache", "topics_cache", "countries_cache"], ["nope"]])
def test_copies_sharing_a_trigger_are_created_together(only):
    """A trigger covers its group's copies: building it for some of them would give it another body under the name
    existing databases hold."""
    with pytest.raises(ValueError):
        denormalised.create_schema(None, only=only)


def test_every_copied_column_is_on_the_model_and_left_out_of_its_history():
    columns = [copy.column for copy in denormalised.COPIES]
    assert columns == ["topics_cache", "countries_cache", "outlet_cache", "source_language_cache", "codings_cache"]
    for column in columns:
        assert not Statement._meta.get_field(column).editable
    historical = {field.name for field in Statement.history.model._meta.get_fields()}
    assert historical.isdisjoint(columns)


def fill_codings_in_the_old_schema(apps) -> list[tuple[int, str]]:
    """Statements coded toward countries and officials before the codings' copy; (statement id, its exact copy)."""
    names = ("Country", "Official", "Outlet", "Source", "Statement", "Coding")
    model = {name: apps.get_model("statements", name) for name in names}
    us, ru = (model["Country"].objects.get(code=code) for code in ("US", "RU"))
    speaker = model["Official"].objects.create(name="Fictional Speaker", slug="fictional-speaker")
    target = model["Official"].objects.create(name="Fictional Target", slug="fictional-target")
    day = datetime.date(2020, 5, 1)
    wire = model["Outlet"].objects.create(name="Wire", slug="wire")
    source = model["Source"].objects.create(outlet=wire, title="Wire report", published_on=day, language="en")
    # Each statement's codings: (country, official, stance, act); the published ones count in the compare rollup.
    rows = [
        [(us, None, -1, "criticise"), (None, target, None, "decline")],
        [(ru, None, 2, "praise")],
        [],
    ]
    expected = []
    for i, codings in enumerate(rows):
        statement = model["Statement"].objects.create(
            speaker=speaker, date=day, text=f"Statement {i}", source=source, status="published" if i < 2 else "draft"
        )
        for country_, official, stance, act in codings:
            model["Coding"].objects.create(
                statement=statement, target_country=country_, target_official=official, stance=stance, act=act
            )
        codes = [
            denormalised.coding_code(country_id=c and c.pk, official_id=o and o.pk, stance=stance, act=act)
            for c, o, stance, act in codings
        ]
        expected.append((statement.pk, denormalised.set_text(codes)))
    return expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_codings_migrated_from_before_their_copy_has_every_copy_exact():
    """The upgrade to the codings' copy: its migration fills the copies of the statements coded already, and its
    triggers keep them exact afterwards."""
    newest = latest()
    try:
        migrate_to([BEFORE_THE_CODINGS_COPY])
        expected = fill_codings_in_the_old_schema(
            MigrationExecutor(connection).loader.project_state([BEFORE_THE_CODINGS_COPY]).apps
        )
        migrate_to(newest)
        assert list(Statement.objects.order_by("pk").values_list("pk", "codings_cache")) == expected
        assert expected[0][1].count(",") == 3 and expected[2][1] == ","
        first, codes = expected[0][0], denormalised.set_ids(expected[0][1])
        Coding.objects.filter(statement=first, target_official__isnull=False).delete()  # and the triggers are in place
        assert Statement.objects.get(pk=first).codings_cache == denormalised.set_text([max(codes)])  # the country's
    finally:
        migrate_to(newest)
