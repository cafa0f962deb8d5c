"""Full-text search: the same results on SQLite (FTS5) and PostgreSQL (tsvector), kept in sync by triggers."""

import datetime
import importlib
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from statements import planner, search, spellings
from statements.models import Country, Statement, Status
from statements.search import parse_query, snippets
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory
from tests.once_per_class import once_per_class
from tests.timeline_data import word_counting_queries

pytestmark = pytest.mark.django_db


def build_corpus() -> dict:
    peskov = OfficialFactory(name="Dmitry Peskov", aliases="Dmitri Peskov")
    zakharova = OfficialFactory(name="Maria Zakharova")
    tass = SourceFactory(title="Peskov on relations after the election")
    wire = SourceFactory(title="Briefing on Syria")
    return {
        "burden": StatementFactory(
            speaker=peskov,
            source=tass,
            text="We have a very heavy burden of disagreements on our shoulders.",
        ),
        "sanctions": StatementFactory(
            speaker=peskov,
            source=tass,
            text="Not by using the language of sanctions or other illogical things hurting both sides.",
        ),
        "syria": StatementFactory(
            speaker=zakharova,
            source=wire,
            text="Syria is a burning issue, and we cannot afford a pause.",
            original_text="Сирия — это горящий вопрос.",
        ),
        "cooperation": StatementFactory(
            speaker=zakharova,
            source=wire,
            text="What we expect on Syria is real cooperation, not an exchange.",
        ),
    }


@pytest.fixture
def corpus():
    return build_corpus()


# The tables below only read their statements: built once for the class, each case in its own savepoint.
class_corpus = once_per_class(build_corpus)


def labels(corpus, queryset):
    by_pk = {s.pk: label for label, s in corpus.items()}
    return sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True))


class TestSearchTable:
    """The table of queries, each case reading one corpus built for the class."""

    @pytest.mark.parametrize(
        "q, expected",
        [
            ("burden", ["burden"]),
            ("BURDEN disagreements", ["burden"]),
            ("sanction", ["sanctions"]),  # stemming: sanction ~ sanctions
            ("hurt", ["sanctions"]),  # stemming: hurt ~ hurting
            ("syria", ["cooperation", "syria"]),
            ("syria -pause", ["cooperation"]),
            ('"burning issue"', ["syria"]),
            ('"issue burning"', []),
            ("pause OR burden", ["burden", "syria"]),
            ("peskov", ["burden", "sanctions"]),  # speaker name
            ("dmitri", ["burden", "sanctions"]),  # speaker alias
            ("briefing", ["cooperation", "syria"]),  # source title
            ("peskov syria", []),  # every word must match somewhere
            ("zakharova cooperation", ["cooperation"]),
            ("Сирия", ["syria"]),  # original-language text
            ("nothingmatches", []),
            ("!!! ???", []),  # no searchable words: nothing, rather than everything
            ("-syria", []),  # only an exclusion: nothing to search for
            ("burden)(* AND NEAR", []),  # FTS operators in user input are words, not syntax
            ('"heavy burden', ["burden"]),  # an unbalanced quote is ignored
        ],
    )
    @pytest.mark.parametrize("walk", [False, True], ids=["listed", "walked"])
    def test_search_table(self, monkeypatch, class_corpus, q, expected, walk):
        """Each query finds exactly the statements expected, on either database, whether its matches are listed from
        the index or tested on a walk of the date index (chosen by how common they are: planner.is_common)."""
        monkeypatch.setattr(planner, "is_common", lambda statements, matches: walk)
        assert labels(class_corpus, Statement.objects.search(q)) == expected


TREES = ["Alder", "Ash", "Beech", "Birch", "Cedar", "Cherry", "Elm", "Fir", "Hazel", "Holly", "Juniper", "Larch"]
TREES += ["Laurel", "Linden", "Maple", "Myrtle", "Oak", "Olive", "Pine", "Poplar", "Rowan", "Sequoia", "Spruce"]
TREES += ["Walnut", "Willow", "Yew"]


def build_spellings_corpus() -> dict:
    """Statements that spell the same words differently, each from its own speaker and source."""
    texts = {
        "us_dotted": "The U.S. will respond in kind.",
        "us_capitals": "US troops stay in the region.",
        "us_pronoun": "Let us talk about it calmly.",
        "uk": "The U.K. agrees with the plan.",
        "un": "The UN Security Council met.",
        "syria_possessive": "Syria's government spoke first.",
        "syria_curly": "Syria’s allies objected.",
        "rebels_plural": "The rebels' demands were heard.",
        "assad_hyphen": "Bashar al-Assad answered.",
        "assad_spaced": "Bashar al Assad answered again.",
        "assad_joined": "Alassad is another spelling.",
        "who_capitals": "The WHO warned of an outbreak.",
        "who_pronoun": "Who knows what comes next?",
        "obrien": "O’Brien disagreed.",
        "pm_time": "The meeting ended at 3 p.m. sharp.",
        "pm_capitals": "The PM spoke first.",
        "pm_dotted": "The P.M. answered questions.",
        "eg": "Sanctions, e.g. on banks, stay.",
        "ceasefire_hyphen": "A cease-fire holds in the north.",
        "ceasefire_joined": "The ceasefire was broken.",
        "cooperation_hyphen": "Co-operation on grain goes on.",
        "cooperation_joined": "Cooperation with Ankara ended.",
        "antimissile_hyphen": "An anti-missile system was moved.",
        "antimissile_joined": "Antimissile drills began.",
        "f16": "The F-16 jets landed.",
        "score": "It ended 1-2 in Minsk.",
    }
    # Speakers and sources named without digits: the factories' numbered names ("Report number 12") would be found
    # by the number queries of the table, depending on how many rows the process had made before.
    return {
        label: StatementFactory(text=text, speaker__name=f"Official {tree}", source__title=f"Report from {tree}")
        for (label, text), tree in zip(texts.items(), TREES, strict=True)
    }


# 26 statements for the 124 cases of the table below, which only read them: once for its class.
spellings_corpus = once_per_class(build_spellings_corpus)


US = ["us_capitals", "us_dotted"]
SYRIA = ["syria_curly", "syria_possessive"]
ASSAD = ["assad_hyphen", "assad_spaced"]
PM = ["pm_capitals", "pm_dotted"]
CEASEFIRE = ["ceasefire_hyphen", "ceasefire_joined"]
COOPERATION = ["cooperation_hyphen", "cooperation_joined"]
ANTIMISSILE = ["antimissile_hyphen", "antimissile_joined"]


class TestCommonSpellings:
    """The table of spellings, each case reading one corpus built for the class."""

    @pytest.mark.parametrize(
        "q, expected",
        [
            ("U.S.", US),  # an abbreviation with dots finds the capitals and the dots, however typed
            ("US", US),
            ("u.s.", US),
            ("U.S", US),
            ("U.S.,", US),
            ("us", ["us_pronoun"]),  # the pronoun is not the country, and the country is not the pronoun
            ("Us", ["us_pronoun"]),
            ("let us", ["us_pronoun"]),
            ('"let us talk"', ["us_pronoun"]),
            ("U.K.", ["uk"]),  # an acronym that is no English word: every spelling is one
            ("UK", ["uk"]),
            ("uk", ["uk"]),
            ("u.k.", ["uk"]),
            ("U.N.", ["un"]),
            ("un", ["un"]),
            ("WHO", ["who_capitals"]),
            ("PM", PM),  # prose abbreviations keep their letters: the prime minister is not a time of day
            ("pm", PM),
            ("P.M.", PM),
            ("p.m.", ["pm_time"]),
            ('"3 p.m."', ["pm_time"]),
            ("e.g.", ["eg"]),
            ("eg", []),
            ("US OR UK", ["uk", *US]),
            ("troops -U.S.", []),
            ("talk -US", ["us_pronoun"]),
            ("Syria's", SYRIA),  # a possessive finds the word, with either apostrophe
            ("Syria’s", SYRIA),
            ("SYRIA'S", SYRIA),
            ("syria", SYRIA),
            ("Syrias'", SYRIA),
            ('"Syria\'s government"', ["syria_possessive"]),
            ('"Syria government"', ["syria_possessive"]),
            ("rebels'", ["rebels_plural"]),
            ("rebel's demands", ["rebels_plural"]),
            ("al-Assad", [*ASSAD, "assad_joined"]),  # a hyphenated word is its words, spaced or run together
            ("Al‐Assad", [*ASSAD, "assad_joined"]),  # U+2010 HYPHEN
            ('"al Assad"', ASSAD),
            ("assad", ASSAD),
            ("alassad", ["assad_hyphen", "assad_joined"]),  # written as one, it finds the hyphenated spelling
            ("cease-fire", CEASEFIRE),
            ("ceasefire", CEASEFIRE),
            ("ceasefires", CEASEFIRE),
            ('"cease fire"', ["ceasefire_hyphen"]),
            ("co-operation", COOPERATION),
            ("cooperation", COOPERATION),
            ("anti-missile", ANTIMISSILE),
            ("antimissile", ANTIMISSILE),
            ("F16", ["f16"]),
            ("f-16 jets", ["f16"]),
            ("12", []),  # numbers joined by a hyphen are a score or a date, not a word
            ("cease-fire broken", ["ceasefire_joined"]),  # either spelling, and the other words
            ("ceasefire north", ["ceasefire_hyphen"]),
            ("north -cease-fire", []),
            ("ceasefire -north", ["ceasefire_joined"]),
            ("grain OR cease-fire", [*CEASEFIRE, "cooperation_hyphen"]),
            ("cease-fire OR Ankara", [*CEASEFIRE, "cooperation_joined"]),
            ("broken cease-fire OR Ankara", ["ceasefire_joined", "cooperation_joined"]),
            ("O'Brien", ["obrien"]),  # apostrophes: straight and curly are one
            ("O’Brien", ["obrien"]),
            ("O`Brien", ["obrien"]),
        ],
    )
    @pytest.mark.parametrize("walk", [False, True], ids=["listed", "walked"])
    def test_common_spellings_table(self, monkeypatch, spellings_corpus, q, expected, walk):
        """A query finds the statements that spell its words as people do, and no new ones, on either database."""
        monkeypatch.setattr(planner, "is_common", lambda statements, matches: walk)
        assert labels(spellings_corpus, Statement.objects.search(q)) == sorted(expected)


def marked(html: str) -> list[str]:
    """The marked stretches of a snippet, marks separated by a space or a hyphen read as one (PostgreSQL marks
    each word of a phrase, SQLite the phrase)."""
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", re.sub(r"</mark>([\s-]*)<mark>", r"\1", html))]


@pytest.mark.parametrize(
    "text, q, expected",
    [
        ("Let us talk; the U.S. will not.", "U.S.", ["U.S."]),
        ("Let us talk; the U.S. will not.", "us", ["us"]),
        ("US troops and U.S. ships", "us", []),
        ("US troops and U.S. ships", "US", ["US", "U.S."]),
        ("Syria's government and Syria’s allies", "syria", ["Syria's", "Syria’s"]),
        ("Bashar al-Assad answered.", '"al Assad"', ["al-Assad"]),
        ("The U.K.'s envoy <b>said</b> so.", "UK", ["U.K.'s"]),
        ("O’Brien disagreed.", "O'Brien", ["O’Brien"]),
        ("At 3 p.m. the PM said so.", "PM", ["PM"]),
        ("At 3 p.m. the PM said so.", "p.m.", ["p.m."]),
        ("A cease-fire, then a ceasefire.", "ceasefire", ["cease-fire", "ceasefire"]),
        ("A cease-fire, then a ceasefire.", "cease-fire", ["cease-fire", "ceasefire"]),
        ("The F-16s and the U.S.-made jets", "F16s", ["F-16s"]),
        ("It ended 1-2, not 12.", "12", ["12"]),
    ],
)
def test_snippets_mark_the_words_as_written(text, q, expected):
    """A snippet marks each match as the statement spells it, whole ("U.S.", "Syria's"), and nothing else."""
    statement = StatementFactory(text=text)
    assert marked(snippets([statement.pk], parse_query(q)).get(statement.pk, "")) == expected


def test_a_long_snippet_is_the_window_with_the_most_matches():
    """A snippet of a long statement is its words around the most matches, cut with … on both sides."""
    text = " ".join(["filler"] * 40 + ["the U.S. said", "that the US"] + ["filler"] * 40)
    statement = StatementFactory(text=text)
    html = snippets([statement.pk], parse_query("US"), words=10)[statement.pk]
    assert html == "…filler the <mark>U.S.</mark> said that the <mark>US</mark> filler filler filler…"


@pytest.mark.parametrize(
    "text, normalised",
    [
        ("The U.S. and U.K.", "The ᴜꜱ.  and UK. "),
        ("Syria's and Syria’s", "Syria   and Syria  "),
        ("US-led, not us", "ᴜꜱ-led, not us"),
        ("U.S.A. and U.S.S.R. and the U.S.'s role", "USA.   and USSR.    and the ᴜꜱ.    role"),
        ("WHO and IT and It", "ᴡʜᴏ and ɪᴛ and It"),
        ("e.g. a.m. O’Brien", "e g. a m. O'Brien"),
        ("At 3 p.m. the PM, i.e. the P.M., a.k.a. E.g. n.b", "At 3 p m. the PM, i e. the PM. , a k a. E g. n b"),
        ("u.k. and x.p.m. and p.ma", "uk.  and xpm.   and p.ma"),
        ("x.y.z.w.v", "x.y.z.w.v"),
        ("José's plan, Россия's role", "José   plan, Россия   role"),
    ],
)
def test_spellings_are_rewritten_in_place_alike_in_python_and_the_database(text, normalised):
    """Texts and queries are read through the same rules, which keep every character where it was; PostgreSQL's SQL
    function applies them exactly as Python does."""
    assert spellings.normalise(text) == normalised
    assert len(normalised) == len(text)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statements_search_text(%s)", [text])
        assert cursor.fetchone()[0] == normalised


SKIPPED_RULE_TEXTS = [
    "Plain words, nothing to rewrite.",
    "We’re ready; Russia's and RUSSIA'S",  # an apostrophe only: the possessive rule alone
    "Visit www.example.org at 3 p.m. or e.g. i.e.",  # a dot before a letter only
    "US WHO IT, and USA, WHOM, ITS",  # the acronyms' capitals only
    "The U.S.'s role, the W.H.O. and I.T. staff, the U.S.S.R. and U.K., O’Brien's p.m. US-led",
    "ends with a dot.",
    "",
    None,
]


def previous_functions():
    """The migration that made the search document cheaper, with the functions it replaced."""
    return importlib.import_module("statements.migrations.0028_faster_search_document")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's index calls spellings.normalise itself")
@pytest.mark.parametrize("text", SKIPPED_RULE_TEXTS)
def test_the_database_skips_a_rule_only_where_it_would_change_nothing(text):
    """PostgreSQL's statements_search_text applies a rule only to a text that holds what it needs, as Python does:
    it reads every text exactly as every rule applied one inside the other (0028's previous function) and as
    Python reads it."""
    with connection.cursor() as cursor:
        cursor.execute(previous_functions().chained_search_text("pg_temp.search_text_chained"))
        cursor.execute("SELECT statements_search_text(%s), pg_temp.search_text_chained(%s)", [text, text])
        quick, chained = cursor.fetchone()
    assert quick == chained == (None if text is None else spellings.normalise(text))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no document function")
@pytest.mark.parametrize(
    "text, original, aliases, title",
    [
        ("Plain words.", "", "", "A report"),
        ("The U.S.'s cease-fire, O’Brien's p.m. call", "Der U.N.-Sicherheitsrat", "the anti-war envoy", "Syria’s war"),
        ("WHO and IT staff said", "Россия-Украина", "U.S. envoy\nA. N. Other", ""),
        (" ".join(["speech"] * 400), "", "", "A long speech"),  # the long column
        ("No source at all.", "", "", None),
    ],
)
def test_the_stored_document_is_the_one_the_previous_functions_made(text, original, aliases, title):
    """A statement written gets, through the trigger, exactly the document the functions before 0028 made of it:
    the same words, weights and positions, so no statement needs indexing again."""
    source = SourceFactory(title=title) if title is not None else None
    statement = StatementFactory(
        text=text,
        original_text=original,
        speaker=OfficialFactory(aliases=aliases),
        source=source,
        status=Status.PUBLISHED if source else Status.DRAFT,
    )
    old = previous_functions()
    with connection.cursor() as cursor:
        cursor.execute(old.chained_search_text("pg_temp.search_text_chained"))
        cursor.execute(old.sql_search_document("pg_temp.search_document_sql", "pg_temp.search_text_chained"))
        cursor.execute(
            "SELECT COALESCE(search_document, search_document_long),"
            " statements_search_document(text, original_text, speaker_id, source_id),"
            " pg_temp.search_document_sql(text, original_text, speaker_id, source_id)"
            " FROM statements_statement WHERE id = %s",
            [statement.pk],
        )
        stored, made, previous = cursor.fetchone()
    assert stored and stored == made == previous


@pytest.mark.parametrize(
    "text, joined",
    [
        ("A cease-fire, F-16s and al‐Assad", "ceasefire F16s alAssad"),
        ("x-y-z and co‑operation", "xyz cooperation"),
        ("2016-11-05, 1-2, -a- and a-", ""),
        ("Россия-Украина", "РоссияУкраина"),
        ("Russia–Ukraine", ""),  # an en dash joins nothing
    ],
)
def test_hyphenated_words_are_joined_alike_in_python_and_the_database(text, joined):
    """The index also holds each hyphenated word with a letter written as one, the same in Python and SQL."""
    assert spellings.compounds(text) == joined
    with connection.cursor() as cursor:
        cursor.execute("SELECT statements_search_compounds(%s)", [text])
        assert cursor.fetchone()[0] == joined


def test_the_index_reads_spellings_in_every_indexed_text_and_follows_edits():
    """The speaker's name and aliases, the source title and the original text are read like the text, also after
    an edit, a renamed official or a retitled source."""
    statement = StatementFactory(text="Nothing to see.")
    assert Statement.objects.search("US").count() == 0
    statement.text = "The U.S. answered."
    statement.save()
    assert list(Statement.objects.search("US")) == [statement]
    statement.text = "Nothing to see."
    statement.save()
    statement.speaker.aliases = "U.S. envoy"
    statement.speaker.save()
    assert list(Statement.objects.search("US envoy")) == [statement]
    statement.source.title = "Syria’s war"
    statement.source.save()
    assert list(Statement.objects.search("Syria's war")) == [statement]
    statement.original_text = "Der U.N.-Sicherheitsrat"
    statement.save()
    assert list(Statement.objects.search("UN")) == [statement]
    statement.speaker.aliases = "the anti-war envoy"
    statement.speaker.save()
    assert list(Statement.objects.search("antiwar")) == [statement]
    statement.source.title = "A cease-fire"
    statement.source.save()
    assert list(Statement.objects.search("ceasefire antiwar")) == [statement]
    statement.speaker.aliases = ""
    statement.speaker.save()
    assert list(Statement.objects.search("ceasefire")) == [statement]
    assert list(Statement.objects.search("antiwar")) == []


def test_indexing_again_in_batches_reports_progress_and_finds_the_same():
    """search.index_statements (what the spellings migration runs) indexes every statement again, a batch at a
    time."""
    made = [StatementFactory(text=f"The U.S. remark {n}.") for n in range(5)]
    seen = []
    search.index_statements(connection, batch=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5) and len(seen) >= 3
    assert sorted(s.pk for s in Statement.objects.search("US")) == sorted(s.pk for s in made)


def before_the_spellings_migration() -> str:
    """The migration that the one named *_search_spellings follows."""
    migrations = MigrationLoader(connection).disk_migrations
    spellings_migration = next(m for (app, name), m in migrations.items() if name.endswith("_search_spellings"))
    return spellings_migration.dependencies[0][1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_spellings_migration_indexes_the_statements_already_there():
    """Statements indexed before the migration (as "u s", "syria s") are found by the new spellings after it, and
    going back and forth keeps them found."""
    before = before_the_spellings_migration()
    # Statements written as the code of that time would: the model as the migration left it (today's model and its
    # history would name columns that later migrations add), its speaker and source made first.
    speaker, source = OfficialFactory(), SourceFactory()
    old_statement = (
        MigrationLoader(connection).project_state(("statements", before)).apps.get_model("statements", "Statement")
    )
    call_command("migrate", "statements", before, verbosity=0)
    try:
        dotted, possessive = (
            old_statement.objects.create(
                speaker_id=speaker.pk,
                source_id=source.pk,
                date=datetime.date(2016, 11, 11),
                text=text,
                status=Status.PUBLISHED,
            ).pk
            for text in ("The U.S. answered.", "Syria’s allies objected.")
        )
        assert Statement.objects.search("US").count() == 0  # the old index: "u", "s"
        call_command("migrate", "statements", verbosity=0)
        assert [found.pk for found in Statement.objects.search("US")] == [dotted]
        assert [found.pk for found in Statement.objects.search('"Syria\'s allies"')] == [possessive]
        call_command("migrate", "statements", before, verbosity=0)
        call_command("migrate", "statements", verbosity=0)
        assert [found.pk for found in Statement.objects.search("U.S.")] == [dotted]
    finally:
        call_command("migrate", "statements", verbosity=0)


# A speech-length statement: its document is too large for an index row on PostgreSQL, so it is kept apart.
SPEECH = " ".join(f"On point {n} the delegation raised question{n} and proposal{n} again." for n in range(300))


def document_columns(statement) -> tuple[bool, bool]:
    """PostgreSQL: whether the statement's document is in (search_document, search_document_long)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document IS NOT NULL, search_document_long IS NOT NULL FROM statements_statement"
            " WHERE id = %s",
            [statement.pk],
        )
        return cursor.fetchone()


@pytest.mark.parametrize("walk", [False, True], ids=["listed", "walked"])
def test_a_speech_length_statement_is_found_like_any_other(monkeypatch, corpus, walk):
    """A very long statement is found by its words and phrases in either query shape, follows edits, and ranks."""
    monkeypatch.setattr(planner, "is_common", lambda statements, matches: walk)
    corpus["speech"] = StatementFactory(text=SPEECH + " Syria is the last point.", speaker=corpus["syria"].speaker)
    if connection.vendor == "postgresql":  # the case this test is for: the document is in the long column
        assert document_columns(corpus["speech"]) == (False, True)
        assert document_columns(corpus["burden"]) == (True, False)
    assert labels(corpus, Statement.objects.search("question299")) == ["speech"]
    assert labels(corpus, Statement.objects.search('"proposal7 again"')) == ["speech"]
    assert labels(corpus, Statement.objects.search("syria")) == ["cooperation", "speech", "syria"]
    assert labels(corpus, Statement.objects.search("zakharova proposal12")) == ["speech"]
    ranked = Statement.objects.search("syria").with_search_rank("syria").order_by("-search_rank")
    assert all(s.search_rank > 0 for s in ranked)
    corpus["speech"].text = "Short again."
    corpus["speech"].save()
    assert labels(corpus, Statement.objects.search("question299")) == []
    assert labels(corpus, Statement.objects.search("short")) == ["speech"]


@pytest.mark.parametrize("walk", [False, True], ids=["listed", "walked"])
def test_a_search_works_inside_larger_queries(monkeypatch, corpus, walk):
    """The search condition names its own table's columns, also when a query joins the statements again, uses the
    search as a subquery or ranks the matches."""
    monkeypatch.setattr(planner, "is_common", lambda statements, matches: walk)
    same_speaker = Statement.objects.search("syria").filter(speaker__statements__text__icontains="cooperation")
    assert labels(corpus, same_speaker) == ["cooperation", "syria"]
    assert labels(corpus, Statement.objects.filter(pk__in=Statement.objects.search("syria"))) == [
        "cooperation",
        "syria",
    ]
    ranked = same_speaker.with_search_rank("syria").order_by("-search_rank")
    assert all(s.search_rank > 0 for s in ranked)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite searches through `id IN (FTS5 rowids)`")
@pytest.mark.parametrize("walk", [False, True], ids=["listed", "walked"])
def test_the_postgresql_search_condition_can_be_negated(corpus, walk):
    """Exactly one of a statement's two document columns is set; the condition is still true or false, never NULL,
    so NOT of it is the statements that do not match."""
    condition = search.document_condition(parse_query("syria"), walk=walk)
    assert labels(corpus, Statement.objects.exclude(condition)) == ["burden", "sanctions"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite counts a word's matches exactly")
def test_a_word_common_only_lately_is_estimated_from_the_whole_table():
    """A word in every one of the newest statements but rare over the years is estimated as rare (a walk would pass
    every statement), from the planner's statistics; a word found throughout is estimated as common."""
    for day in range(1, 201):
        StatementFactory(text=f"Routine remark number {day} on cooperation.", date=datetime.date(2015, 1, 1))
    for day in range(1, 21):
        StatementFactory(text="The zeitgeist of cooperation.", date=datetime.date(2016, 1, day))
    with connection.cursor() as cursor:  # ANALYZE sees this transaction's rows; its statistics roll back with it
        cursor.execute("ANALYZE statements_statement")
    size, statements = 2200, Statement.objects.all()  # as if each statement stood for ten
    lately = planner.estimated_matches(statements, parse_query("zeitgeist"), size, Status.PUBLISHED, newest=20)
    throughout = planner.estimated_matches(statements, parse_query("cooperation"), size, Status.PUBLISHED, newest=20)
    assert throughout == size
    assert 150 <= lately <= 300  # 20 of 220 statements: about 200 of 2,200, not 2,200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's FTS5 table has no row-size limit")
def test_the_largest_indexed_document_fits_with_every_country_linked():
    """The walking index holds the document with the copies of the links: a document just small enough for it, on
    a statement concerning every country in the world, is stored and found."""
    statement = StatementFactory(text="To be replaced.")

    def document_bytes(words: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_column_size(statements_search_document(%s, '', %s, %s))",
                [filler(words), statement.speaker_id, statement.source_id],
            )
            return cursor.fetchone()[0]

    statement.text = filler(max(n for n in range(1, 400) if document_bytes(n) <= search.INDEXABLE_BYTES))
    statement.save()
    statement.countries.set(Country.objects.all())
    assert Country.objects.count() > 240
    assert document_columns(statement) == (True, False)
    assert labels({"big": statement}, Statement.objects.search(filler(1))) == ["big"]


def filler(words: int) -> str:
    """Words that compress badly and do not stem together: w1qz w2qz …"""
    return " ".join(f"w{n}q{n * 7919 % 997}z" for n in range(1, words + 1))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_a_database_with_statements_keeps_them_searchable(corpus):
    """Migrations 0009 (PostgreSQL: the document moves onto the statement's row) back and forth on a database that
    has statements, a speech-length one among them: the same statements are found after each."""
    corpus["speech"] = StatementFactory(text=SPEECH)
    queries = ["burden", "syria", '"burning issue"', "dmitri", "briefing", "question299"]
    before = [labels(corpus, Statement.objects.search(q)) for q in queries]
    call_command("migrate", "statements", "0008", verbosity=0)
    call_command("migrate", "statements", verbosity=0)
    assert [labels(corpus, Statement.objects.search(q)) for q in queries] == before
    assert before[-1] == ["speech"]


def test_index_follows_edits_to_statement_speaker_and_source(corpus):
    """Triggers keep the index in sync when a statement, its speaker or its source changes, or it is deleted."""
    burden = corpus["burden"]
    burden.text = "A completely different sentence about diplomacy."
    burden.save()
    assert labels(corpus, Statement.objects.search("burden")) == []
    assert labels(corpus, Statement.objects.search("diplomacy")) == ["burden"]

    speaker = corpus["syria"].speaker
    speaker.name = "Renamed Spokeswoman"
    speaker.save()
    assert labels(corpus, Statement.objects.search("renamed")) == ["cooperation", "syria"]
    assert labels(corpus, Statement.objects.search("zakharova")) == []

    source = corpus["sanctions"].source
    source.title = "Interview transcript"
    source.save()
    assert labels(corpus, Statement.objects.search("transcript")) == ["burden", "sanctions"]

    corpus["sanctions"].delete()
    del corpus["sanctions"]
    assert labels(corpus, Statement.objects.search("transcript")) == ["burden"]


def test_relevance_ranks_the_text_above_the_source_title(corpus):
    """A word in the statement text ranks above the same word only in the source title."""
    ranked = Statement.objects.search("syria").with_search_rank("syria").order_by("-search_rank", "id")
    assert [s.pk for s in ranked][:1] in ([corpus["syria"].pk], [corpus["cooperation"].pk])
    both = Statement.objects.search("briefing").with_search_rank("briefing")
    assert all(s.search_rank > 0 for s in both)


def test_snippets_escape_text_and_mark_the_words():
    """Snippets are HTML-escaped, with only the matched words wrapped in <mark>."""
    statement = StatementFactory(text='He said <script>alert("x")</script> and sanctions & more.')
    html = snippets([statement.pk], parse_query("sanctions"))[statement.pk]
    assert "<script" not in html
    assert "<mark>sanctions</mark>" in html
    assert "&amp;" in html


def test_parse_query_caps_terms():
    """A pasted essay does not become a thousand-term query."""
    assert len(parse_query(" ".join(f"word{i}" for i in range(100)))) == 20


# The timeline's fixed count (see tests/test_timeline.py) plus one query for the page's highlighted snippets and the
# matches counted to choose the query's shape.
SEARCH_TIMELINE_QUERIES = 7 + 1 + word_counting_queries(1)


@pytest.mark.parametrize("extra", [0, 30])
def test_search_timeline_highlights_matches_in_a_fixed_number_of_queries(client, django_assert_num_queries, extra):
    """The timeline marks the searched words, escaping the rest, with one extra query whatever the page size."""
    topic = TopicFactory(name="Sanctions")
    for i in range(extra):
        StatementFactory(text=f"More sanctions talk number {i}.", topics=[topic])
    # newest: on page 1
    StatementFactory(text="Sanctions <b>hurt</b> both sides, and sanctions will not work.", topics=[topic])
    StatementFactory(text="Nothing about that here.")
    with django_assert_num_queries(SEARCH_TIMELINE_QUERIES):
        response = client.get("/", {"q": "sanction"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1 + extra
    assert "<mark>Sanctions</mark>" in html
    assert "<b>hurt</b>" not in html
    assert "Nothing about that here" not in html


@pytest.mark.parametrize("q", ["U.S.", "US"])
def test_search_timeline_finds_a_spelling_in_the_same_number_of_queries(client, django_assert_num_queries, q):
    """The timeline finds and marks "U.S." and "US" for either spelling, not the pronoun, in the usual queries."""
    StatementFactory(text="The U.S. will respond in kind.")
    StatementFactory(text="US troops stay in the region.")
    StatementFactory(text="Let us talk about it calmly.")
    with django_assert_num_queries(SEARCH_TIMELINE_QUERIES):
        response = client.get("/", {"q": q})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 2
    assert "The <mark>U.S.</mark> will respond" in html
    assert "<mark>US</mark> troops" in html
    assert "Let us talk" not in html


def test_relevance_sort_puts_the_best_match_first(client):
    """sort=relevance orders by the search rank: the word in the text beats the word only in the source title."""
    title_only = StatementFactory(text="An unrelated remark.", source=SourceFactory(title="Ceasefire briefing"))
    in_text = StatementFactory(text="The ceasefire must hold; the ceasefire is fragile.")
    response = client.get("/", {"q": "ceasefire", "sort": "relevance"})
    assert response.status_code == 200
    assert [s.pk for s in response.context["page"].object_list] == [in_text.pk, title_only.pk]


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"q": "!!! ???"}, "q", "at least one word"),
        ({"q": "-syria"}, "q", "at least one word"),
        ({"sort": "relevance"}, "sort", "needs words to search for"),
    ],
)
def test_search_input_without_words_is_a_clear_400(client, params, field, message):
    """A query that cannot be searched is refused with a message, not answered with everything or nothing."""
    StatementFactory()
    response = client.get("/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["filter"].errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("He wrote <b>not bold</b> about sanctions.", "&lt;b&gt;not bold&lt;/b&gt;"),
        ("Sanctions: a < b > c, he said.", "a &lt; b &gt; c"),
        ('On sanctions: <script>alert("x")</script> was typed.', "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        ("Sanctions <are> here <to stay", "&lt;are&gt; here &lt;to stay"),
    ],
)
def test_snippets_show_tag_like_text_of_a_quote_as_text(text, shown):
    """A quote that contains markup-like text shows it escaped in its snippet, on both engines: nothing is dropped."""
    statement = StatementFactory(text=text)
    html = snippets([statement.pk], parse_query("sanctions"))[statement.pk]
    assert shown in html
    assert "<mark>" in html
