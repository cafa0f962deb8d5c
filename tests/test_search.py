"""Full-text search: the same results on SQLite (FTS5) and PostgreSQL (tsvector), kept in sync by triggers."""

import pytest

from statements.models import Statement
from statements.search import parse_query, snippets
from tests.factories import OfficialFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
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


def labels(corpus, queryset):
    by_pk = {s.pk: label for label, s in corpus.items()}
    return sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True))


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
def test_search_table(corpus, q, expected):
    """Each query finds exactly the statements expected, on either database."""
    assert labels(corpus, Statement.objects.search(q)) == expected


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
    assert "<script" not in html  # escaped on SQLite; PostgreSQL's ts_headline drops tags from snippets
    assert "<mark>sanctions</mark>" in html
    assert "&amp;" in html


def test_parse_query_caps_terms():
    """A pasted essay does not become a thousand-term query."""
    assert len(parse_query(" ".join(f"word{i}" for i in range(100)))) == 12
