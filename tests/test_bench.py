"""The benchmark's plumbing, without its million rows."""

import subprocess
from pathlib import Path

import pytest

from bench import run as bench


def test_a_measuring_child_can_write_its_result_without_the_cache_directory(tmp_path, monkeypatch):
    """`--engines postgresql` on a fresh clone: nothing built bench/cache/, and the child's result still arrives."""
    cache = tmp_path / "cache"
    monkeypatch.setattr(bench, "CACHE", cache)
    commands = []

    def run_child(command, **kwargs):
        # The child process as bench.run runs it (`bench.run measure --out FILE`), in this process: it writes its
        # figures with the same function, to the path it was given.
        commands.append(command)
        bench.write_json(Path(command[command.index("--out") + 1]), {"mode": command[3], "runs": command[5]})
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(bench.subprocess, "run", run_child)
    assert not cache.exists()
    assert bench.child("postgres://postgres@127.0.0.1:5432/st_bench", "measure", 3) == {"mode": "measure", "runs": "3"}
    assert commands[0][1:4] == ["-m", "bench.run", "measure"]
    assert list(cache.iterdir()) == []  # the result file is read, then removed


@pytest.mark.parametrize(
    "count, url",
    [
        (bench.DEFAULT_COUNT, "postgres://postgres@127.0.0.1:5432/st_bench"),
        (5000, "postgres://postgres@127.0.0.1:5432/st_bench_5000"),
    ],
)
def test_another_count_has_a_postgresql_database_of_its_own(monkeypatch, count, url):
    """A quick try with --count never drops the million's database: each count is built in its own."""
    monkeypatch.setattr(bench, "POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/st_bench")
    assert bench.postgres_url(count) == url


def test_the_alerts_step_works_on_a_copy_and_drops_it_even_when_it_fails(tmp_path, monkeypatch):
    """The alerts' bar writes subscriptions and statements: it runs on a copy of the database, and the copy is gone
    afterwards, the original unchanged, whether the run succeeds or not."""
    import sqlite3

    original = tmp_path / "bench-5000.sqlite3"
    with sqlite3.connect(original) as db:
        db.execute("CREATE TABLE statements_statement (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO statements_statement (text) VALUES ('before')")
    before = original.read_bytes()
    seen = []

    def child_that_fails(database_url, mode, runs, *extra, env=None):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:  # the copy holds the original's rows, and takes the writes
            seen.append(db.execute("SELECT text FROM statements_statement").fetchall())
            db.execute("INSERT INTO statements_statement (text) VALUES ('written by the step')")
        raise subprocess.CalledProcessError(1, [mode])

    monkeypatch.setattr(bench, "child", child_that_fails)
    with pytest.raises(subprocess.CalledProcessError):
        bench.measure_alerts_on_copy("sqlite", f"sqlite:///{original}", 10, 10)
    assert seen == [[("before",)]]
    assert original.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bench-5000.sqlite3"]


def test_every_filter_the_alerts_bar_follows_is_one_a_visitor_could_subscribe_to(db):
    """The benchmark's subscriptions follow filters StatementFilter accepts (as the subscribe form checks them), of
    every family, each family drawn."""
    import random

    from django.http import QueryDict

    from bench import alerts
    from statements.filters import StatementFilter
    from statements.models import Statement
    from tests.factories import OfficialFactory, StatementFactory, TopicFactory, country

    speaker, topic = OfficialFactory(slug="ada-quillfeather-fictional"), TopicFactory(slug="syria")
    StatementFactory(speaker=speaker, topics=[topic], countries=[country("SY")])
    drawn = alerts.alert_filters(random.Random(1), 200, officials=[speaker.slug], topics=[topic.slug], countries=["sy"])
    for family, query in drawn:
        statement_filter = StatementFilter(QueryDict(query), queryset=Statement.objects.published())
        assert statement_filter.is_valid(), (family, query, statement_filter.errors)
    assert {family for family, _ in drawn} == set(alerts.FAMILY_WEIGHTS)


def test_every_compare_page_the_bench_measures_answers(client, db):
    """A URL the bench times must be the page, not a 400 or a redirect timed by mistake."""
    from bench.run import COMPARE_COUNTED_PAGES, COMPARE_PAGES
    from tests.factories import TopicFactory

    TopicFactory(name="Syria", slug="syria")
    for label, url in COMPARE_PAGES + COMPARE_COUNTED_PAGES:
        assert client.get(url).status_code == 200, label


def test_the_form_lists_step_builds_the_timeline_form_as_the_page_does(db):
    """The bench times the form's option lists by calling the timeline's own functions: a change of their
    signatures must fail here, not half-way through a run at a million."""
    from tests.factories import StatementFactory

    StatementFactory()
    result = bench.measure_form_lists(1)
    assert result["options"] > 0
