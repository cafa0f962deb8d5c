"""Quotes checked verbatim against their source's kept text: the matcher, what is stored, and what the public sees."""

import hashlib

import pytest

from statements import verbatim
from statements.models import Kind, Source, Statement, Status, VerbatimCheck
from statements.sample_data.demo import SEED_ARTICLE
from tests.factories import SourceFactory, StatementFactory

ARTICLE = SEED_ARTICLE.read_text()

# Each quote as a report might print it, and whether its words are in the seed article (TASS, 11 November 2016).
VARIANTS = [
    ("as printed", "What we have currently is a very lousy relationship", True),
    ("straight apostrophe for TASS's curly one", "let's say the minimum possible level of our relationship", True),
    ("curly apostrophe for TASS's straight one", "We’ve heard Mr Trump mentioning", True),
    ("its own quote marks around it", "“Syria is a burning issue, and we cannot afford a pause”", True),
    ("a capital the reporter added", "Thus we cannot be effective in combating terror there", True),
    ("a full stop where the article has a comma", "we cannot afford a pause for a couple of months.", True),
    ("line breaks and double spaces", "Syria is a burning\nissue,  and we cannot\r\nafford a pause", True),
    ("a non-breaking space", "Syria is a burning\u00a0issue", True),
    ("full-width letters (NFKC)", "Ｓｙｒｉａ is a burning issue", True),
    ("an ellipsis character", "No one expects that relationship will improve … then we really have a chance", True),
    ("three dots", "What we expect on Syria is real cooperation... we cannot be effective", True),
    ("spaced dots", "What we expect on Syria is real cooperation . . . we cannot be effective", True),
    ("a bracketed insertion", "[Putin] did his best in order to stay neutral in this story", True),
    ("an insertion mid-quote", "if our two leaders, [Putin and Trump,] are wise enough", True),
    ("an ellipsis in brackets", "Russian Air Forces continue to perform their duties […] against terrorists", True),
    ("a quote running over two paragraphs", "will be realized into life. Russian Air Forces continue", True),
    ("a hyphen for a dash", "relations after Trump’s victory - Peskov", True),
    ("an unspaced dash", "relations after Trump’s victory—Peskov", True),
    ("a hyphen typed as an en dash", "Russian–US relations to improve very fast", True),
    ("a word changed", "What we have currently is a very bad relationship", False),
    ("a word left out without an ellipsis", "What we have is a very lousy relationship", False),
    ("segments out of order", "we cannot be effective … What we expect on Syria is real cooperation", False),
    ("part of a word", "expect that relationship will improve in a fortnight between Moscow and Washingto", False),
    ("a translation", "Никто не ожидает, что отношения улучшатся за две недели", False),
    ("another transcript", "Nobody expects the relationship to get better within two weeks", False),
    ("only an ellipsis", "…", False),
]


@pytest.mark.parametrize("label, quote, found", VARIANTS, ids=[row[0] for row in VARIANTS])
def test_reporting_variants(label, quote, found):
    """What reporting changes without changing words is found; changed, reordered or translated words are not."""
    assert (verbatim.locate(quote, ARTICLE) is not None) is found


@pytest.mark.parametrize(
    "quote, source, expected",
    [
        ("lousy relationship", "A very lousy relationship.", ["lousy relationship"]),
        ("don't know", "“We don’t  know,” he said.", ["don’t  know"]),
        ("a pause … months", "We cannot afford a pause for a couple of months.", ["a pause", "months"]),
        ("[he] will go", "And he said he will go.", ["will go"]),
        ("Ｓｙｒｉａ’s war", "Syria's war", ["Syria's war"]),
        ("café life", "The cafe\u0301 life", ["cafe\u0301 life"]),  # a combining accent: NFKC composes it
    ],
)
def test_offsets_point_into_the_original_text(quote, source, expected):
    """Offsets are into the source as kept (curly marks, double spaces, combining accents), one span per segment."""
    spans = verbatim.locate(quote, source)
    assert [source[start:end] for start, end in spans] == expected


def test_the_tightest_placement_wins():
    """A segment that occurs twice is placed nearest to the next one, so the passage shows them together."""
    source = "We will talk. Later that day: we will talk, and then act."
    spans = verbatim.locate("we will talk … then act", source)
    assert spans[0][0] == source.index("we will talk,")


def test_the_passage_is_the_quotes_sentence():
    """The passage runs from the start of the quote's sentence to the end of its own (TASS's "Peskov said.")."""
    quote = "President Putin did his best in order to stay neutral"
    found = verbatim.find(quote, ARTICLE)
    start, end = found.passage
    assert ARTICLE[start:end] == (
        "“I would like to remind you that President Putin did his best in order to stay neutral in this story, "
        "despite the fact that personally he was playing an overwhelming role, quite unexpectedly for us, in "
        "American election campaign,” Peskov said."
    )


@pytest.mark.parametrize(
    "source",
    [
        "word " * 2000 + "the quoted words here " + "word " * 2000,  # no sentence ends at all
        "Start. " + "word " * 2000 + "the quoted words here " + "word " * 2000 + "end.",
    ],
)
def test_the_passage_is_capped(source):
    """Without a sentence end nearby, the passage stops at CONTEXT_MAX either side, at a space: never the article."""
    found = verbatim.find("the quoted words here", source)
    start, end = found.passage
    assert "the quoted words here" in source[start:end]
    assert end - start <= len("the quoted words here") + 2 * verbatim.CONTEXT_MAX
    assert source[start:end].startswith("word") and source[start:end].endswith("word")


def test_a_quote_spliced_from_far_apart_shows_its_first_segment():
    """Segments pages apart would make a passage of half the article: it shows around the first one only."""
    source = "First we said this. " + "Filler sentence here. " * 200 + "Then we said that."
    found = verbatim.find("we said this … we said that", source)
    start, end = found.passage
    assert end - start <= verbatim.PASSAGE_MAX
    assert source[start:end] == "First we said this."


def test_marked_runs_highlight_the_spans():
    """The passage is cut into runs, the quote's own words flagged, whatever the passage's offset in the source."""
    runs = verbatim.marked("He said we go now, and left.", 100, [(108, 117)])
    assert runs == [("He said ", False), ("we go now", True), (", and left.", False)]


# --- What is stored, and when it is computed again --------------------------------------------------------------


@pytest.mark.django_db
def test_source_text_keeps_its_checksum_and_capture_time():
    """Saving a text sets its SHA-256 (of the text with LF line ends) and when it was captured; clearing clears them."""
    source = SourceFactory(text="Line one.\r\nLine two.")
    source.refresh_from_db()
    assert source.text == "Line one.\nLine two."
    assert source.text_sha256 == hashlib.sha256(b"Line one.\nLine two.").hexdigest()
    captured = source.text_captured_at
    assert captured is not None
    source.title = "A new title"
    source.save()
    source.refresh_from_db()
    assert source.text_captured_at == captured  # the same text: not captured again
    source.text = ""
    source.save()
    source.refresh_from_db()
    assert (source.text_sha256, source.text_captured_at) == ("", None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, source_text, expected",
    [
        ("a very lousy relationship", "It is a very lousy relationship, he said.", VerbatimCheck.FOUND),
        ("a very bad relationship", "It is a very lousy relationship, he said.", VerbatimCheck.NOT_FOUND),
        ("a very lousy relationship", "", VerbatimCheck.NO_TEXT),
    ],
)
def test_a_statement_is_checked_when_saved(text, source_text, expected):
    """A new statement is checked against its source's kept text as it is saved."""
    statement = StatementFactory(text=text, source=SourceFactory(text=source_text))
    statement.refresh_from_db()
    assert statement.verbatim == expected
    assert bool(statement.verbatim_spans) is (expected == VerbatimCheck.FOUND)


@pytest.mark.django_db
def test_editing_the_words_checks_them_again():
    """Correcting a statement's words to match (or not) the source changes the check."""
    source = SourceFactory(text="A very lousy relationship.")
    statement = StatementFactory(text="a very bad relationship", source=source)
    statement = Statement.objects.get(pk=statement.pk)
    assert statement.verbatim == VerbatimCheck.NOT_FOUND
    statement.text = "a very lousy relationship"
    statement.save()
    assert Statement.objects.get(pk=statement.pk).verbatim == VerbatimCheck.FOUND


@pytest.mark.django_db
def test_moving_a_statement_to_another_source_checks_it_again():
    """The check follows the statement's source."""
    statement = StatementFactory(text="lousy relationship", source=SourceFactory(text="A lousy relationship."))
    statement = Statement.objects.get(pk=statement.pk)
    statement.source = SourceFactory(text="Nothing of the kind.")
    statement.save(update_fields=["source"])
    assert Statement.objects.get(pk=statement.pk).verbatim == VerbatimCheck.NOT_FOUND


@pytest.mark.django_db
def test_changing_the_source_text_checks_its_statements_again():
    """Pasting, changing or clearing a source's text re-checks every statement it reports."""
    source = SourceFactory()
    quote = StatementFactory(source=source, text="a lousy relationship")
    other = StatementFactory(source=source, text="something else entirely")
    assert Statement.objects.get(pk=quote.pk).verbatim == VerbatimCheck.NO_TEXT
    source.text = "It is a lousy relationship."
    source.save()
    checks = dict(Statement.objects.filter(source=source).values_list("pk", "verbatim"))
    assert checks == {quote.pk: VerbatimCheck.FOUND, other.pk: VerbatimCheck.NOT_FOUND}
    source.text = ""
    source.save()
    assert set(Statement.objects.filter(source=source).values_list("verbatim", flat=True)) == {VerbatimCheck.NO_TEXT}


@pytest.mark.django_db
def test_saving_unrelated_fields_runs_no_check():
    """Publishing or retagging a statement neither reads the source's text nor re-checks: one UPDATE."""
    statement = StatementFactory(text="lousy", source=SourceFactory(text="A lousy one."), status=Status.DRAFT)
    statement = Statement.objects.get(pk=statement.pk)
    Source.objects.filter(pk=statement.source_id).update(text="changed behind its back")
    statement.status = Status.PUBLISHED
    statement.save()
    assert Statement.objects.get(pk=statement.pk).verbatim == VerbatimCheck.FOUND


# --- The permalink ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, text, source_text, shown, hidden",
    [
        (
            Kind.DIRECT,
            "a very lousy relationship",
            "Intro sentence. “It is a very lousy relationship,” he said. Another sentence.",
            ["Found verbatim in the source", "“It is <mark>a very lousy relationship</mark>,” he said."],
            ["Intro sentence", "Another sentence", "Not found verbatim"],
        ),
        (
            Kind.DIRECT,
            "a very bad relationship",
            "It is a very lousy relationship.",
            ["Not found verbatim in the kept text"],
            ["Found verbatim in the source", "lousy"],
        ),
        (
            Kind.PARAPHRASE,
            "Russia will keep talking",
            "Russia will keep talking, he said.",
            ["is a paraphrase"],
            ["Found verbatim in the source", "Not found verbatim"],
        ),
        (Kind.DIRECT, "a very lousy relationship", "", [], ["verbatim", "paraphrase"]),
    ],
    ids=["found", "not found", "paraphrase", "no text kept"],
)
def test_the_permalink_says_what_the_check_found(client, kind, text, source_text, shown, hidden):
    """Found (with the passage and the quote marked), not found, a paraphrase, or nothing when no text is kept."""
    statement = StatementFactory(kind=kind, text=text, source=SourceFactory(text=source_text))
    html = client.get(statement.get_absolute_url()).content.decode()
    for fragment in shown:
        assert fragment in html
    for fragment in hidden:
        assert fragment not in html


@pytest.mark.django_db
def test_the_passage_is_escaped(client):
    """The source's text is the outlet's, not ours: markup in it is shown as text."""
    source = SourceFactory(text="<script>alert(1)</script> He said: “we <b>will</b> go”.")
    statement = StatementFactory(text="we <b>will</b> go", source=source)
    html = client.get(statement.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>we &lt;b&gt;will&lt;/b&gt; go</mark>" in html


@pytest.mark.django_db
def test_the_permalink_never_shows_the_rest_of_the_text(client):
    """Only the passage around the quote is public: the rest of the kept article (copyright) stays internal."""
    source = SourceFactory(text="First paragraph, private.\n\nThe quoted words are here. Last paragraph, private.")
    statement = StatementFactory(text="The quoted words are here", source=source)
    html = client.get(statement.get_absolute_url()).content.decode()
    assert "The quoted words are here" in html and "private" not in html


@pytest.mark.django_db
def test_admin_lists_published_direct_quotes_not_found(admin_client):
    """The statement list's filter shows published direct quotes not found verbatim: not drafts or paraphrases."""
    source = SourceFactory(text="It is a very lousy relationship.")
    missing = StatementFactory(text="a very bad relationship", source=source)
    StatementFactory(text="a very lousy relationship", source=source)
    StatementFactory(text="a bad one", source=source, status=Status.DRAFT)
    StatementFactory(text="a bad paraphrase", source=source, kind=Kind.PARAPHRASE)
    response = admin_client.get("/admin/statements/statement/", {"verbatim": "published_not_found"})
    assert response.status_code == 200
    assert [s.pk for s in response.context["cl"].result_list] == [missing.pk]


PRIVATE = "Paragraph kept for the curators only"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/statements/",
        "/api/statements/{pk}/",
        "/export.csv",
        "/feed.atom",
        "/statements/{pk}/",
        "/",
    ],
)
def test_the_kept_text_never_leaves(client, url):
    """The report's text is the outlet's: the API, CSV, feed and pages never carry it (nor its checksum)."""
    source = SourceFactory(text=f"{PRIVATE}.\n\nIt is a lousy relationship, he said.")
    statement = StatementFactory(text="a lousy relationship", source=source)
    response = client.get(url.format(pk=statement.pk))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert PRIVATE.encode() not in body and source.text_sha256.encode() not in body
