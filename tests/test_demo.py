"""Demo data: the seed article loads as curated and idempotently, synthetic data is labelled, the demo login works."""

import datetime
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import (
    Coding,
    Country,
    DatePrecision,
    Kind,
    Medium,
    Official,
    Outlet,
    Position,
    Source,
    Statement,
    Status,
    Topic,
    VerbatimCheck,
)
from statements.sample_data import demo, synthetic
from tests.factories import OutletFactory
from tests.once_per_class import once_per_class

pytestmark = pytest.mark.django_db

ARTICLE = demo.SEED_ARTICLE.read_text(encoding="utf-8")


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table the demo writes, many-to-many rows and history included."""
    models = [Country, Official, Position, Topic, Outlet, Source, Statement, Coding]
    counts = {model.__name__: model.objects.count() for model in models}
    for field in ("topics", "countries", "mentioned_officials"):
        counts[field] = getattr(Statement, field).through.objects.count()
    for model in (Official, Topic, Source, Statement, Coding):
        counts[f"{model.__name__} history"] = model.history.count()
    counts["country aliases"] = sum(len(c.alias_list) for c in Country.objects.filter(code__in=["RU", "US", "SY"]))
    return counts


def load_demo() -> str:
    return run("load_demo")


# The demo once for a class of tests that only read it (module level: a fixture in a class would be bound to it).
demo_loaded = once_per_class(load_demo)


def seed_statement(prefix: str) -> Statement:
    return Statement.objects.get(is_synthetic=False, text__startswith=prefix)


# --- the seed article ---------------------------------------------------------------------------------------------


def test_load_demo_twice_changes_nothing():
    """A second load_demo creates no rows, no duplicates and no history entries."""
    run("load_demo")
    first = row_counts()
    output = run("load_demo")
    assert row_counts() == first
    assert "created nothing; updated nothing" in output
    assert first["Statement"] == len(demo.STATEMENTS) == 13


@pytest.mark.parametrize(
    ("prefix", "codings"),
    [
        ("No one expects that relationship", {("United States", -1, "criticise")}),
        ("Actually, they seem to be very pragmatic", {("Donald Trump", 1, "praise")}),
        ("I would like to remind you", {("United States", None, "deny")}),
        ("What we have currently is a very lousy", {("United States", -1, "concern")}),
        ("Syria is a burning issue", {("United States", 0, "agree"), ("Barack Obama", 0, "agree")}),
    ],
)
def test_seed_statements_are_coded_as_the_codebook_says(prefix, codings):
    """The seed article's statements carry the codings docs/codebook.md gives as worked examples."""
    run("load_demo")
    found = {(str(c.target), c.stance, c.act) for c in seed_statement(prefix).codings.all()}
    assert found == codings
    assert Coding.objects.filter(statement__is_synthetic=False).values("statement").distinct().count() == 13


def test_load_demo_restores_a_curated_field():
    """Re-running brings an edited demo row back to its curated state instead of adding a second one."""
    run("load_demo")
    statement = seed_statement("Syria is a burning issue")
    statement.kind = Kind.PARAPHRASE
    statement.save()
    statement.topics.clear()
    run("load_demo")
    statement = seed_statement("Syria is a burning issue")
    assert statement.kind == Kind.DIRECT
    assert {t.slug for t in statement.topics.all()} == {"syria", "counter-terrorism", "russia-us-relations"}
    assert Statement.objects.filter(text__startswith="Syria is a burning issue").count() == 1


def test_the_seed_article_is_kept_and_its_quotes_are_found_in_it(client):
    """The demo's source keeps the seed article's text; every seed statement is found verbatim in it, and a
    quote's permalink says so with the sentence around it."""
    run("load_demo")
    source = Source.objects.get(url=demo.SOURCE["url"])
    assert source.text == ARTICLE and source.text_captured_at is not None
    seed = Statement.objects.filter(is_synthetic=False)
    assert set(seed.values_list("verbatim", flat=True)) == {VerbatimCheck.FOUND}
    html = client.get(seed_statement("Syria is a burning issue").get_absolute_url()).content.decode()
    assert "Found verbatim in the source" in html
    assert "<mark>Syria is a burning issue," in html


def move_to_another_outlet(source):
    source.outlet = OutletFactory(name="Another Wire")


def retitle_and_blank_the_url(source):
    source.title, source.url = "Peskov on relations", ""


def redate(source):
    source.published_on = datetime.date(2016, 11, 12)


@pytest.mark.parametrize("edit", [move_to_another_outlet, retitle_and_blank_the_url, redate])
def test_load_demo_restores_an_edited_source_without_a_second_copy(edit):
    """An analyst's edit of the seed article's source (its outlet, title, URL or date) is put back by the next
    load_demo, which neither duplicates the source nor fails on its unique URL."""
    run("load_demo")
    source = Source.objects.get(url=demo.SOURCE["url"])
    edit(source)
    source.save()
    run("load_demo")
    restored = Source.objects.get(pk=source.pk)
    assert (restored.outlet.slug, restored.title, restored.url, restored.published_on) == (
        demo.OUTLET["slug"],
        demo.SOURCE["title"],
        demo.SOURCE["url"],
        demo.SOURCE["published_on"],
    )
    assert Source.objects.count() == 1
    assert Statement.objects.filter(is_synthetic=False, source=restored).count() == len(demo.STATEMENTS)
    assert Statement.objects.published().filter(outlet_cache=restored.outlet_id).count() == len(demo.STATEMENTS)


class TestSeedStatements:
    """The curated seed statements, every case reading one demo loaded for the class."""

    @pytest.mark.parametrize(
        "prefix, kind, topics, countries, mentioned",
        [
            (
                "No one expects that relationship will improve in a fortnight",
                Kind.DIRECT,
                {"russia-us-relations", "sanctions"},
                {"RU", "US"},
                {"vladimir-putin", "donald-trump"},
            ),
            (
                "No one expects Russian-US relations to improve very fast",
                Kind.PARAPHRASE,
                {"russia-us-relations", "2016-us-presidential-election"},
                {"RU", "US"},
                {"donald-trump"},
            ),
            (
                "I would like to remind you that President Putin did his best",
                Kind.DIRECT,
                {"2016-us-presidential-election"},
                {"RU", "US"},
                {"vladimir-putin"},
            ),
            (
                "Russian President Vladimir Putin did everything possible to maintain neutrality",
                Kind.PARAPHRASE,
                {"2016-us-presidential-election"},
                {"RU", "US"},
                {"vladimir-putin"},
            ),
            (
                "Syria is a burning issue",
                Kind.DIRECT,
                {"syria", "counter-terrorism", "russia-us-relations"},
                {"RU", "US", "SY"},
                {"vladimir-putin", "barack-obama"},
            ),
            (
                "Russia will continue working with the United States on Syria",
                Kind.PARAPHRASE,
                {"syria", "russia-us-relations"},
                {"RU", "US", "SY"},
                {"donald-trump"},
            ),
            (
                "Russian Air Forces continue to perform their duties",
                Kind.DIRECT,
                {"syria", "russian-military-operation-in-syria", "aleppo", "counter-terrorism"},
                {"RU", "SY"},
                {"vladimir-putin"},
            ),
        ],
    )
    def test_seed_statement_is_curated(self, demo_loaded, prefix, kind, topics, countries, mentioned):
        """Each seed statement has its kind, topics, countries and mentioned officials as curated."""
        statement = seed_statement(prefix)
        assert statement.kind == kind
        assert {t.slug for t in statement.topics.all()} == topics
        assert {c.code for c in statement.countries.all()} == countries
        assert {o.slug for o in statement.mentioned_officials.all()} == mentioned


def test_every_seed_statement_is_peskov_on_11_november_2016_in_tass():
    """Speaker, date, precision, status and source are the same for all thirteen: ten quotes and three paraphrases."""
    run("load_demo")
    statements = Statement.objects.filter(is_synthetic=False).select_related("speaker", "source__outlet")
    assert Counter(s.kind for s in statements) == {Kind.DIRECT: 10, Kind.PARAPHRASE: 3}
    for statement in statements:
        assert statement.speaker.slug == "dmitry-peskov"
        assert statement.date == datetime.date(2016, 11, 11)
        assert statement.date_precision == DatePrecision.DAY
        assert statement.status == Status.PUBLISHED
        assert statement.source.outlet.name == "TASS"
        assert statement.source.medium == Medium.INTERVIEW
        assert statement.source.venue == "CNN"
        assert statement.source.dateline == "NEW YORK, November 11"
        assert statement.topics.exists() and statement.countries.exists()


@pytest.mark.parametrize("row", demo.STATEMENTS, ids=lambda row: row["text"][:40])
def test_seed_text_is_verbatim_from_the_article(row):
    """Nothing is invented: quotes open with a quotation mark in the article; paraphrases are TASS's own words."""
    assert row["text"] in ARTICLE
    opens_a_quote = re.search('["“]' + re.escape(row["text"]), ARTICLE) is not None
    assert opens_a_quote == (row["kind"] == Kind.DIRECT)


@pytest.mark.parametrize("row", demo.STATEMENTS, ids=lambda row: row["text"][:40])
def test_mentioned_officials_are_named_in_the_text(row):
    """An official is tagged as mentioned only where the statement names him."""
    names = {o["slug"]: [o["name"], *o["aliases"]] for o in demo.OFFICIALS}
    for slug in row["mentioned"]:
        assert any(name in row["text"] for name in names[slug]), slug
    named = {slug for slug, spellings in names.items() if any(n in row["text"] for n in spellings)}
    assert named - {demo.SPEAKER} == set(row["mentioned"])


def test_article_copy_matches_the_shared_seed():
    """The copy in the repository is the shared seed article, byte for byte."""
    shared = Path(settings.BASE_DIR).parent / "shared" / "seed" / demo.SEED_ARTICLE.name
    if not shared.exists():
        pytest.skip("../shared/seed is not beside this clone")
    assert shared.read_bytes() == demo.SEED_ARTICLE.read_bytes()


class TestRealPositions:
    """Real positions, every case reading one demo loaded for the class."""

    @pytest.mark.parametrize(
        "slug, on, role",
        [
            ("vladimir-putin", datetime.date(2016, 11, 11), "President of Russia"),
            ("vladimir-putin", datetime.date(2010, 1, 1), "Prime Minister of Russia"),
            ("donald-trump", datetime.date(2016, 11, 11), "President-elect of the United States"),
            ("donald-trump", datetime.date(2018, 1, 1), "President of the United States"),
            ("donald-trump", datetime.date(2022, 1, 1), None),
            ("barack-obama", datetime.date(2016, 11, 11), "President of the United States"),
            ("barack-obama", datetime.date(2017, 6, 1), None),
        ],
    )
    def test_real_officials_hold_their_real_positions(self, demo_loaded, slug, on, role):
        """Positions carry their real start and end dates, so the role on a date is right."""
        position = Official.objects.get(slug=slug).position_on(on)
        assert (position.title if position else None) == role


def test_peskov_is_press_secretary_and_has_no_guessed_wikidata_id():
    """Peskov's two posts from 22 May 2012 are both held on the article's date; ids only where certain."""
    run("load_demo")
    peskov = Official.objects.get(slug="dmitry-peskov")
    assert set(peskov.positions.held_on(datetime.date(2016, 11, 11)).values_list("title", flat=True)) == {
        "Press Secretary of the President of Russia",
        "Deputy Head of the Presidential Executive Office",
    }
    assert peskov.alias_list == ["Dmitri Peskov", "Peskov"]
    assert dict(Official.objects.filter(is_synthetic=False).values_list("slug", "wikidata_id")) == {
        "dmitry-peskov": "",
        "vladimir-putin": "Q7747",
        "donald-trump": "Q22686",
        "barack-obama": "Q76",
    }


def test_country_aliases_are_merged_not_replaced():
    """Demonyms and metonyms are added once, and the ISO names already there are kept."""
    run("load_demo")
    run("load_demo")
    russia = Country.objects.get(code="RU")
    assert russia.alias_list == ["Russian Federation", "Russian", "Moscow", "Kremlin"]
    assert {"Washington", "White House", "American"} <= set(Country.objects.get(code="US").alias_list)
    assert {"Syrian Arab Republic", "Syrian", "Damascus"} <= set(Country.objects.get(code="SY").alias_list)


def test_topic_tree_has_parents():
    """Topics sit in a tree, so filtering on a parent includes its children."""
    run("load_demo")
    assert [t.slug for t in Topic.objects.get(slug="aleppo").ancestors()] == ["syria", "middle-east"]
    assert [t.slug for t in Topic.objects.get(slug="2016-us-presidential-election").ancestors()] == [
        "us-elections",
        "us-politics",
    ]
    assert Topic.objects.get(slug="russia-us-relations").parent.slug == "international-relations"


# --- synthetic statements -----------------------------------------------------------------------------------------


def snapshot() -> list[tuple]:
    """What a synthetic statement says, independent of database ids and timestamps."""
    return [
        (
            s.note[:30],
            s.speaker.slug,
            s.date,
            s.date_precision,
            s.kind,
            s.status,
            s.text,
            s.source.url,
            tuple(sorted(t.slug for t in s.topics.all())),
            tuple(sorted(c.code for c in s.countries.all())),
            tuple(sorted(o.slug for o in s.mentioned_officials.all())),
        )
        for s in Statement.objects.filter(is_synthetic=True)
        .select_related("speaker", "source")
        .prefetch_related("topics", "countries", "mentioned_officials")
        .order_by("note")
    ]


def test_synthetic_statements_never_involve_a_real_person():
    """Speakers, mentioned officials and the outlet of synthetic statements are all fictional and labelled."""
    run("load_demo", "--synthetic", "300")
    statements = Statement.objects.filter(is_synthetic=True)
    assert statements.count() == 300
    assert not statements.exclude(speaker__is_synthetic=True).exists()
    assert not Official.objects.filter(mentioned_in__is_synthetic=True, is_synthetic=False).exists()
    outlets = Outlet.objects.filter(sources__statements__is_synthetic=True).distinct()
    assert outlets.count() > 5
    for outlet in outlets:
        assert outlet.is_synthetic and outlet.name.endswith("(synthetic)")
    for official in Official.objects.filter(is_synthetic=True):
        assert official.name.endswith("(fictional)")
        assert "Fictional official" in official.notes
    assert not statements.exclude(note__startswith=synthetic.NOTE_PREFIX).exists()


def test_synthetic_statements_are_varied_like_real_ones():
    """Ten years, all three precisions, both kinds, a few drafts, one retraction with a reason, roles on each date."""
    run("load_demo", "--synthetic", "300")
    statements = Statement.objects.filter(is_synthetic=True)
    dates = statements.values_list("date", flat=True)
    assert len({d.year for d in dates}) >= 9
    assert min(dates) >= datetime.date(2016, 1, 1) and max(dates) <= datetime.date(2025, 12, 31)
    assert set(statements.values_list("date_precision", flat=True)) == set(DatePrecision.values)
    assert set(statements.values_list("kind", flat=True)) == set(Kind.values)
    statuses = Counter(statements.values_list("status", flat=True))
    assert statuses[Status.RETRACTED] == 1
    assert 1 <= statuses[Status.DRAFT] <= 30
    assert statements.get(status=Status.RETRACTED).retraction_reason
    assert not statements.filter(topics=None).exists() and not statements.filter(countries=None).exists()
    assert statements.values("countries").distinct().count() >= 10
    assert not statements.with_role().filter(speaker_role=None).exists()
    for statement in statements.filter(date_precision=DatePrecision.YEAR):
        assert (statement.date.month, statement.date.day) == (1, 1)


def test_synthetic_text_has_a_long_tail_of_words():
    """Text comes from a vocabulary with a Zipf-like spread, not a handful of repeated words."""
    run("load_demo", "--synthetic", "300")
    words = Counter(
        word
        for text in Statement.objects.filter(is_synthetic=True).values_list("text", flat=True)
        for word in re.findall(r"[a-z-]{4,}", text)
    )
    assert len(words) > 250
    top = words.most_common()
    assert top[0][1] < 0.06 * sum(words.values())
    # The long tail: many words are rare.
    assert sum(1 for _, n in top if n <= 3) > 40


def test_synthetic_generation_is_deterministic_for_a_seed():
    """The same seed gives the same statements, in one run or in two; another seed gives others."""
    synthetic.generate_statements(count=30, seed=1)
    in_one_go = snapshot()
    Statement.objects.filter(is_synthetic=True).delete()
    synthetic.generate_statements(count=20, seed=1, batch_size=7)
    synthetic.generate_statements(count=10, seed=1, batch_size=7)
    assert snapshot() == in_one_go
    Statement.objects.filter(is_synthetic=True).delete()
    synthetic.generate_statements(count=30, seed=2)
    assert snapshot() != in_one_go


def test_load_demo_synthetic_tops_up_without_duplicates():
    """Re-running with the same N adds nothing; a larger N adds only the difference."""
    run("load_demo", "--synthetic", "40")
    first = row_counts()
    output = run("load_demo", "--synthetic", "40")
    assert row_counts() == first
    assert "40 already there, none added" in output
    run("load_demo", "--synthetic", "55")
    texts = list(Statement.objects.filter(is_synthetic=True).values_list("note", flat=True))
    assert len(texts) == 55 == len(set(texts))


def test_generation_continues_after_the_highest_number_when_some_were_deleted():
    """Deleting a synthetic statement by hand never makes the next run repeat a number."""
    synthetic.generate_statements(count=10)
    Statement.objects.filter(is_synthetic=True).order_by("note").first().delete()
    synthetic.generate_statements(count=5)
    notes = list(Statement.objects.filter(is_synthetic=True).values_list("note", flat=True))
    assert len(notes) == 14 == len({note[:30] for note in notes})


def test_generation_makes_no_query_per_row():
    """Bulk inserts: a few hundred statements cost a handful of queries, not several per row."""
    synthetic.generate_statements(count=1)  # creates the topics, officials and outlet first
    with CaptureQueriesContext(connection) as queries:
        synthetic.generate_statements(count=300, batch_size=1000)
    assert len(queries) < 30


def test_load_demo_rejects_a_negative_count():
    with pytest.raises(CommandError, match="0 or more"):
        run("load_demo", "--synthetic", "-1")


# --- the demo admin login -----------------------------------------------------------------------------------------


def printed_password(output: str) -> str:
    return re.search(r"Password: (\S+)", output).group(1)


def test_demo_admin_prints_a_login_that_works(client):
    """The printed username and random password log in to the admin; the URL is printed too."""
    output = run("demo_admin")
    assert "http://127.0.0.1:8000/admin/" in output and "Username: admin" in output
    assert client.login(username="admin", password=printed_password(output))
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff


def test_demo_admin_twice_resets_the_password(client):
    """A second run keeps one user but gives it a new password; the old one stops working."""
    first = printed_password(run("demo_admin"))
    second = printed_password(run("demo_admin"))
    assert first != second
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert not client.login(username="admin", password=first)
    assert client.login(username="admin", password=second)


def test_demo_admin_prints_the_address_the_demo_is_served_on():
    """`demo_admin --addrport` (what `make demo PORT=…` passes) is the login URL printed."""
    assert "URL:      http://127.0.0.1:8123/admin/" in run("demo_admin", "--addrport", "127.0.0.1:8123")


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_make_demo_serves_and_prints_the_login_on_the_chosen_port(how):
    """`make demo PORT=8123` (or PORT in the environment) runs the server there and prints that login URL."""
    env = {**os.environ, "PORT": "8123", "ADDR": "127.0.0.2"} if how == "environment" else dict(os.environ)
    args = ["PORT=8123", "ADDR=127.0.0.2"] if how == "argument" else []
    # -n prints the recipe without running it (no install, no server).
    recipe = subprocess.run(
        ["make", "-n", "demo", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py runserver 127.0.0.2:8123" in recipe
    assert "manage.py demo_admin --addrport 127.0.0.2:8123" in recipe
    assert "8000" not in recipe


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_make_demo_serves_the_pages_a_visitor_sees(tmp_path):
    """The server `make demo` starts shows the designed 404 (not Django's debug page) and still serves static files."""
    port = free_port()
    recipe = subprocess.run(
        ["make", "--no-print-directory", "-n", "demo", f"PORT={port}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # under `make test` a nested make would otherwise print "Leaving directory" lines
    serve = recipe.strip().splitlines()[-1]
    assert "runserver" in serve
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "PYTHONUNBUFFERED": "1"}
    env.pop("DEBUG", None)
    # Its own process group, so that the autoreloader's child stops with it.
    server = subprocess.Popen(
        serve, shell=True, cwd=settings.BASE_DIR, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, html = fetch(f"{base}/no-such-page/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert time.monotonic() < deadline, "the demo server did not start"
                time.sleep(0.5)
        assert status == 404
        assert "<h1>There is nothing at this address</h1>" in html
        assert "Page not found at" not in html and "URLconf" not in html  # Django's debug page
        assert fetch(f"{base}/static/css/site.css")[0] == 200
        assert fetch(f"{base}/static/admin/css/base.css")[0] == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
