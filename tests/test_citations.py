"""Cite this statement: the styles, the downloads read back by a library, the metadata a page offers, corrections."""

import datetime
import json
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.utils import timezone

from statements import history
from statements.citations import SITE_NAME, Citation
from statements.models import Kind, Statement, Status
from tests.factories import OfficialFactory, OutletFactory, SourceFactory, StatementFactory, TopicFactory
from tests.test_pages import PERMALINK_QUERIES

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


class Page(HTMLParser):
    """What a permalink offers to machines: meta tags, JSON-LD, scripts, and the text of elements by id."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[dict] = []
        self.scripts: list[dict] = []
        self.by_id: dict[str, str] = {}
        self.canonical = None
        self._script = None
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs["property"], []).append(attrs["content"])
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        if tag == "script":
            self.scripts.append(attrs)
            self._script = [] if attrs.get("type") == "application/ld+json" else None
        if tag not in ("meta", "link", "br", "input", "img"):
            self._open.append((tag, attrs.get("id")))
            if attrs.get("id"):
                self.by_id[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        for _, element_id in self._open:
            if element_id:
                self.by_id[element_id] += data

    def one(self, name: str) -> str:
        (value,) = self.meta[name]
        return value


@pytest.fixture
def peskov_quote():
    speaker = OfficialFactory(name="Dmitry Peskov", wikidata_id="Q4152380")
    source = SourceFactory(
        outlet=OutletFactory(name="TASS"),
        title="No one expects swift improvement — Peskov",
        url="https://tass.com/politics/911903",
        published_on=datetime.date(2016, 11, 11),
    )
    statement = StatementFactory(
        speaker=speaker,
        source=source,
        date=datetime.date(2016, 11, 11),
        text="Syria is a burning issue, and we cannot afford a pause for a couple of months",
        topics=[TopicFactory(name="Syria")],
    )
    # One creation entry, links included, as the admin makes (the factory records its links as a second entry).
    statement.history.all().delete()
    history.record(statement, created=True)
    return statement


def page_of(client, statement) -> tuple[Page, str]:
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return Page(html), html


# --- The styles, as a table -------------------------------------------------------------------------------------

URL = "https://tracker.example.org/statements/7/"
STYLES = [
    (
        "apa",
        "Statement Tracker. (2026, December 7). <i>Dmitry Peskov, 11 November 2016: “Syria is a burning issue, and we "
        "cannot afford a pause for…”</i> [Quotation reported by TASS, “No one expects swift improvement — "
        f"Peskov,” November 11, 2016]. {URL}",
    ),
    ("apa_in_text", "(Peskov, 2016, as cited in Statement Tracker, 2026)"),
    (
        "chicago_note",
        "Dmitry Peskov, 11 November 2016, reported by TASS, “No one expects swift improvement — Peskov,” November 11, "
        "2016, quoted in Statement Tracker, “Dmitry Peskov, 11 November 2016: ‘Syria is a burning issue, and we cannot "
        f"afford a pause for…’,” last modified December 7, 2026, {URL}.",
    ),
    (
        "chicago_bibliography",
        "Peskov, Dmitry. Statement of 11 November 2016. Reported by TASS, “No one expects swift improvement — Peskov,” "
        "November 11, 2016. Quoted in Statement Tracker, “Dmitry Peskov, 11 November 2016: ‘Syria is a burning issue, "
        f"and we cannot afford a pause for…’.” Last modified December 7, 2026. {URL}.",
    ),
]


@pytest.mark.parametrize("style, expected", STYLES, ids=[row[0] for row in STYLES])
def test_styles_cite_our_entry_as_the_secondary_source(peskov_quote, style, expected):
    """APA and Chicago in their secondary-source forms: the speaker's words, as cited in (quoted in) our entry,
    whose author is the tracker; the report is named; the version is the date of the last correction."""
    citation = Citation(peskov_quote, URL, datetime.date(2026, 12, 7), datetime.date(2026, 12, 1))
    assert str(getattr(citation, style)()) == expected


def test_a_paraphrase_is_cited_as_one(peskov_quote):
    """A paraphrase is not put in quotation marks, nor called a statement of the speaker's own words."""
    peskov_quote.kind = Kind.PARAPHRASE
    citation = Citation(peskov_quote, URL, datetime.date(2026, 12, 7), datetime.date(2026, 12, 1))
    assert "(paraphrase)" in citation.title and "“Syria" not in citation.title
    assert "[Paraphrase reported by TASS" in citation.apa()
    assert "Paraphrased statement of 11 November 2016" in citation.chicago_bibliography()


# --- What the page offers agrees with what it shows ----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, schema_type, person_as", [(Kind.DIRECT, "Quotation", "creator"), (Kind.PARAPHRASE, "CreativeWork", "about")]
)
def test_metadata_agrees_with_the_page(client, peskov_quote, kind, schema_type, person_as):
    """citation_* tags, OpenGraph and JSON-LD name the same entry, URL, words, speaker and report as the page; the
    speaker is never the author of our entry."""
    Statement.objects.filter(pk=peskov_quote.pk).update(kind=kind)
    page, html = page_of(client, peskov_quote)
    url = "http://testserver" + peskov_quote.get_absolute_url()
    (data,) = page.json_ld

    assert page.canonical == page.one("citation_public_url") == page.one("og:url") == data["url"] == url
    assert page.one("citation_author") == SITE_NAME != "Dmitry Peskov"
    assert page.one("citation_title") == page.one("og:title") == data["name"]
    assert page.one("citation_title").startswith("Dmitry Peskov, 11 November 2016: ")
    assert page.one("citation_publication_date") == today().strftime("%Y/%m/%d")
    assert data["@type"] == schema_type
    assert data[person_as] == {
        "@type": "Person",
        "name": "Dmitry Peskov",
        "sameAs": "https://www.wikidata.org/wiki/Q4152380",
    }
    assert ("creator" in data) is (kind == Kind.DIRECT)
    assert data["text"] == peskov_quote.text and peskov_quote.text in html
    assert data["isBasedOn"]["name"] == "No one expects swift improvement — Peskov"
    assert data["isBasedOn"]["url"] == "https://tass.com/politics/911903"
    assert data["isBasedOn"]["publisher"]["name"] == "TASS"
    assert f'<a href="{data["isBasedOn"]["url"]}" rel="noopener">{data["isBasedOn"]["name"]}</a>' in html
    assert data["publisher"]["name"] == SITE_NAME
    assert data["dateModified"] == data["version"] == today().isoformat() == page.one("article:modified_time")
    assert f"version of {today().day} {today().strftime('%B %Y')}" in html


def test_the_page_has_no_inline_script_and_a_copy_button(client, peskov_quote):
    """The copy button comes from a static file (the CSP allows no inline code); JSON-LD is the only script body."""
    page, html = page_of(client, peskov_quote)
    for script in page.scripts:
        assert script.get("src") or script.get("type") == "application/ld+json"
    assert any(script.get("src", "").endswith("js/copy-citation.js") for script in page.scripts)
    for style in ("cite-apa", "cite-apa-in-text", "cite-chicago-note", "cite-chicago-bibliography"):
        assert f'data-copy="{style}"' in html
        assert "Dmitry Peskov" in page.by_id[style] or "Peskov" in page.by_id[style]


def test_json_ld_cannot_be_closed_by_a_statement(client, peskov_quote):
    """Words that look like markup stay data: the JSON-LD parses back to the exact text, and no element is closed."""
    text = 'He said </script><script>alert("x")</script> & left'
    Statement.objects.filter(pk=peskov_quote.pk).update(text=text)
    page, html = page_of(client, peskov_quote)
    assert page.json_ld[0]["text"] == text
    assert '<script>alert("x")' not in html


# --- Downloads ----------------------------------------------------------------------------------------------------


def download(client, statement, extension):
    response = client.get(f"{statement.get_absolute_url()}cite.{extension}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{statement.pk}-{today().isoformat()}.{extension}"'
    )
    return response


def test_bibtex_reads_back(client, peskov_quote):
    """The BibTeX entry parses, and its title, author and URL are those of the page's citation tags."""
    page, _ = page_of(client, peskov_quote)
    response = download(client, peskov_quote, "bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(response.content.decode(), append_middleware=[LatexDecodingMiddleware()])
    (entry,) = library.entries
    assert not library.failed_blocks
    assert entry.entry_type == "misc"
    assert entry["title"] == page.one("citation_title")
    assert entry["author"] == SITE_NAME
    assert entry["url"] == page.one("citation_public_url")
    assert entry["date"] == today().isoformat()
    assert "as reported by TASS" in entry["note"]


def test_bibtex_escapes_what_latex_would_read(client, peskov_quote):
    """A %, &, _ or brace in the words is escaped, so the entry still parses and reads back to the same words."""
    text = "A 100% rise & a {new}_deal"
    Statement.objects.filter(pk=peskov_quote.pk).update(text=text)
    library = bibtexparser.parse_string(
        download(client, peskov_quote, "bib").content.decode(), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    assert f"“{text}”" in library.entries[0]["title"]


def test_ris_reads_back(client, peskov_quote):
    """The RIS record parses, and names the entry, its author (the tracker), date and URL."""
    page, _ = page_of(client, peskov_quote)
    (record,) = rispy.loads(download(client, peskov_quote, "ris").content.decode())
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == page.one("citation_title")
    assert record["authors"] == [SITE_NAME]
    assert record["urls"] == [page.one("citation_public_url")]
    assert record["date"] == today().strftime("%Y/%m/%d")


def test_csl_json_reads_back(client, peskov_quote):
    """CSL-JSON names our entry, and the speaker and report as its original author and title."""
    page, _ = page_of(client, peskov_quote)
    response = download(client, peskov_quote, "json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    (item,) = json.loads(response.content)
    assert item["title"] == page.one("citation_title")
    assert item["author"] == [{"literal": SITE_NAME}]
    assert item["URL"] == page.one("citation_public_url")
    assert item["issued"] == {"date-parts": [[today().year, today().month, today().day]]}
    assert item["original-author"] == [{"family": "Peskov", "given": "Dmitry"}]
    assert item["original-title"] == "No one expects swift improvement — Peskov"
    assert item["original-publisher"] == "TASS"


@pytest.mark.parametrize(
    "status, suffix, expected",
    [
        (Status.DRAFT, "cite.bib", 404),
        (Status.DRAFT, "cite.json", 404),
        (Status.RETRACTED, "cite.ris", 200),
        (Status.PUBLISHED, "cite.pdf", 404),
        (Status.PUBLISHED, "cite.", 404),
    ],
)
def test_downloads_of_drafts_and_unknown_formats_are_404(client, peskov_quote, status, suffix, expected):
    """A draft has no citation; a retracted statement keeps one (its permalink resolves); other formats are 404."""
    Statement.objects.filter(pk=peskov_quote.pk).update(status=status, retraction_reason="Misattributed.")
    assert client.get(f"{peskov_quote.get_absolute_url()}{suffix}").status_code == expected


# --- Corrections and the version -------------------------------------------------------------------------------


def correct(statement, *, on: datetime.date, reason: str = "", note: str = "", **changes):
    """Change a public statement as the admin does (one history entry, with its reason and public note), dated `on`."""
    statement = Statement.objects.get(pk=statement.pk)
    with history.one_entry(statement, reason=reason, public_note=note):
        topics = changes.pop("topics", None)
        for name, value in changes.items():
            setattr(statement, name, value)
        statement.save()
        if topics is not None:
            statement.topics.set(topics)
    moment = datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)
    statement.history.filter(history_id=statement.history.latest().history_id).update(history_date=moment)
    return statement


def backdate_creation(statement, on: datetime.date):
    first = statement.history.earliest()
    moment = datetime.datetime.combine(on, datetime.time(9), tzinfo=datetime.UTC)
    statement.history.filter(history_id=first.history_id).update(history_date=moment)


@pytest.mark.parametrize(
    "changes, shown",
    [
        ({"text": "Syria is a burning issue"}, "Corrected on 3 December 2026: text. The quote was cut short."),
        ({"date": datetime.date(2016, 11, 10)}, "Corrected on 3 December 2026: date. The quote was cut short."),
        ({"topics": []}, "Corrected on 3 December 2026: topics. The quote was cut short."),
        (
            {"text": "Syria is a burning issue", "kind": Kind.PARAPHRASE},
            "Corrected on 3 December 2026: text, kind. The quote was cut short.",
        ),
    ],
)
def test_a_correction_is_shown_and_versions_the_citation(client, peskov_quote, changes, shown):
    """A change to what the public sees is "Corrected on <date>: <what>" with the public note (never the internal
    reason), and the citation names that date as its version."""
    backdate_creation(peskov_quote, datetime.date(2026, 11, 20))
    correct(
        peskov_quote,
        on=datetime.date(2026, 12, 3),
        reason="Internal: the analyst misread the transcript",
        note="The quote was cut short.",
        **changes,
    )
    page, html = page_of(client, peskov_quote)
    assert shown in " ".join(html.replace("</time>", "").split()).replace('<time datetime="2026-12-03">', "")
    assert "Internal: the analyst" not in html
    assert page.one("citation_publication_date") == "2026/12/03"
    assert page.json_ld[0]["datePublished"] == "2026-11-20"
    assert "version of 3 December 2026" in html
    assert client.get(f"{peskov_quote.get_absolute_url()}cite.bib").content.decode().count("date = {2026-12-03}") == 1


@pytest.mark.parametrize(
    "changes",
    [{"note": "An internal remark."}, {"status": Status.RETRACTED, "retraction_reason": "Misattributed."}],
    ids=["analyst note", "retraction"],
)
def test_internal_changes_and_retractions_are_not_corrections(client, peskov_quote, changes):
    """The analyst note is internal and a retraction has its own notice: neither is listed as a correction."""
    backdate_creation(peskov_quote, datetime.date(2026, 11, 20))
    correct(peskov_quote, on=datetime.date(2026, 12, 3), **changes)
    page, html = page_of(client, peskov_quote)
    assert "Corrected on" not in html
    assert page.one("citation_publication_date") == "2026/11/20"


def test_changes_while_a_draft_are_not_corrections_until_published_again(client, peskov_quote):
    """Edits before first publication are not corrections; unpublish, fix and republish is one, on republication."""
    Statement.objects.filter(pk=peskov_quote.pk).update(status=Status.DRAFT)
    statement = Statement.objects.get(pk=peskov_quote.pk)
    statement.history.all().update(status=Status.DRAFT)
    correct(statement, on=datetime.date(2026, 11, 1), text="A draft wording")
    correct(statement, on=datetime.date(2026, 11, 20), status=Status.PUBLISHED)
    correct(statement, on=datetime.date(2026, 11, 25), status=Status.DRAFT)
    correct(statement, on=datetime.date(2026, 11, 26), text="The fixed wording", note="Wording fixed.")
    correct(statement, on=datetime.date(2026, 11, 27), status=Status.PUBLISHED)
    html = page_of(client, statement)[1]
    assert html.count("Corrected on") == 1
    assert "27 November 2026</time>: text. Wording fixed." in html


@pytest.mark.parametrize("corrections", [0, 3])
def test_permalink_queries_do_not_grow_with_corrections(client, django_assert_num_queries, peskov_quote, corrections):
    """The permalink's history is read in a fixed number of queries however many corrections it lists."""
    for number in range(corrections):
        correct(peskov_quote, on=datetime.date(2026, 12, 1 + number), text=f"Wording {number}", note="Fixed.")
    with django_assert_num_queries(PERMALINK_QUERIES):
        assert client.get(peskov_quote.get_absolute_url()).status_code == 200
