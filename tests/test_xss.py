"""Markup in stored text stays inert on every surface: pages, search snippets, feed, API, admin and CSV."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from statements.imports import import_statements
from statements.models import Source, Statement
from statements.reports import REPORTS
from tests.factories import (
    OfficialFactory,
    OutletFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
    country,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMG}"
# What must never reach an HTML page unescaped: each payload, and the tags they would open (the admin and the
# browsable API load their own <script src=…> files, so the bare "<script" is not a sign).
RAW = [SCRIPT, IMG, "<script>alert", "<img src=x"]
FORMULA = '=HYPERLINK("http://evil.example","click")'
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile(db):
    """A published statement whose every free-text field carries the payloads."""
    speaker = OfficialFactory(
        name=f"Evil Speaker {PAYLOAD}", slug="evil-speaker", aliases=PAYLOAD, country=country("RU")
    )
    PositionFactory(official=speaker, title=f"Minister {PAYLOAD}", organisation=PAYLOAD)
    topic = TopicFactory(name=f"Sanctions {PAYLOAD}", slug="sanctions")
    outlet = OutletFactory(name=f"Outlet {PAYLOAD}", slug="evil-outlet")
    source = SourceFactory(outlet=outlet, title=f"Report {PAYLOAD}", url="https://news.example.org/report")
    statement = StatementFactory(
        speaker=speaker,
        text=f"Sanctions will fail {PAYLOAD} alert onerror script",
        original_text=f"Санкции {PAYLOAD}",
        source=source,
        topics=[topic],
        countries=[country("RU")],
    )
    formula = StatementFactory(speaker=speaker, text=FORMULA, source=source, topics=[topic])
    return {"statement": statement, "formula": formula, "speaker": speaker, "topic": topic}


def html_of(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def assert_inert(html: str, url: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped on {url}"


def public_pages(hostile) -> list[str]:
    statement = hostile["statement"]
    return [
        "/",
        "/?q=sanctions",  # highlighted snippets
        "/?q=script",  # a search word inside the payload: <mark> must not split an escape
        "/?q=alert+onerror",
        "/?q=lt",  # "lt" from an escaped "&lt;" must not be highlighted into a broken entity
        "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",  # the payload as the search itself, echoed in the form
        f"/?q={IMG}",
        "/?speaker=evil-speaker&topic=sanctions&country=ru",
        statement.get_absolute_url(),
        hostile["speaker"].get_absolute_url(),
        hostile["topic"].get_absolute_url(),
        "/countries/RU/",
        "/officials/",
        "/topics/",
        "/countries/",
        "/api/statements/",  # DRF's browsable API, as a browser asks for it
        f"/api/statements/{statement.pk}/",
        "/api/officials/evil-speaker/",
        "/api/topics/",
    ]


def test_public_pages_escape_markup(client, hostile):
    """Timeline (with and without highlighting), permalink, entity and index pages, browsable API."""
    for url in public_pages(hostile):
        html = html_of(client.get(url, HTTP_ACCEPT="text/html"))
        assert_inert(html, url)
        if url != "/countries/":  # the only page without the statement or its speaker, topic or source
            assert "alert(1)" in html, f"{url} does not show the text at all, so it proves nothing"


def test_permalink_shows_the_payload_as_text(client, hostile):
    """Escaped, not dropped: the reader sees exactly what was said, markup characters included."""
    html = html_of(client.get(hostile["statement"].get_absolute_url()))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_json_api_keeps_the_payload_as_a_json_string(client, hostile):
    """JSON is not HTML: the text comes back exactly, as a JSON string, with a JSON content type and nosniff."""
    response = client.get(f"/api/statements/{hostile['statement'].pk}/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in json.loads(response.content)["text"]


def test_feed_html_content_is_escaped(client, hostile):
    """Atom: html-typed elements carry escaped HTML (no tag after XML decoding); text-typed ones are plain text."""
    response = client.get("/feed.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    checked = 0
    for element in root.iter():
        if element.get("type") == "html":
            assert "<script" not in (element.text or "") and "<img" not in (element.text or "")
            checked += 1
    assert checked >= 2
    for raw in RAW:  # and nothing in the XML itself is a live element
        assert raw.encode() not in response.content


@pytest.mark.parametrize("surface", ["changelist", "change", "history", "search"])
def test_admin_pages_escape_markup(admin_client, hostile, surface):
    """The admin's list, change form, history and search results show the payload as text."""
    statement = hostile["statement"]
    url = {
        "changelist": reverse("admin:statements_statement_changelist"),
        "change": reverse("admin:statements_statement_change", args=[statement.pk]),
        "history": reverse("admin:statements_statement_history", args=[statement.pk]),
        "search": reverse("admin:statements_statement_changelist") + "?q=sanctions",
    }[surface]
    assert_inert(html_of(admin_client.get(url)), url)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:statements_official_change", args=[1]),
        reverse("admin:statements_official_changelist"),
        reverse("admin:statements_topic_changelist"),
        reverse("admin:statements_source_changelist"),
        reverse("admin:statements_outlet_changelist"),
    ],
)
def test_admin_catalogue_pages_escape_markup(admin_client, hostile, url):
    """Officials, topics, sources and outlets in the admin."""
    url = url.replace("/1/", f"/{hostile['speaker'].pk}/")
    assert_inert(html_of(admin_client.get(url)), url)


def csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def assert_no_formula(cells: list[str], url: str) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{cell!r} in {url}"


def test_csv_exports_neutralise_formulas(client, admin_client, hostile):
    """Public export, every report and the admin's export: no cell a spreadsheet would run as a formula."""
    for url in ["/export.csv", *[f"/reports/{name}.csv" for name in REPORTS]]:
        response = client.get(url)
        assert response.status_code == 200
        cells = csv_cells(b"".join(response.streaming_content) if response.streaming else response.content)
        assert_no_formula(cells, url)
    export = client.get("/export.csv")
    assert "'" + FORMULA in csv_cells(b"".join(export.streaming_content))
    admin_export = admin_client.post(
        reverse("admin:statements_statement_changelist"),
        {"action": "export_selected_csv", "_selected_action": [hostile["formula"].pk, hostile["statement"].pk]},
    )
    assert admin_export.status_code == 200
    body = b"".join(admin_export.streaming_content) if admin_export.streaming else admin_export.content
    assert_no_formula(csv_cells(body), "admin export")
    assert "'" + FORMULA in csv_cells(body)


# --- Links: only http(s) URLs can be saved, so a source link can never be javascript: ------------------------------

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


def post_source(admin_client, url: str):
    outlet = OutletFactory(name="Reuters", slug="reuters")
    data = {"outlet": outlet.pk, "title": "A report", "url": url, "medium": "article", "language": "en"}
    data |= {"published_on": "2016-11-11", "venue": "", "dateline": ""}
    data |= {f"statements-{name}": count for name, count in [("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0)]}
    return admin_client.post(reverse("admin:statements_source_add"), data)


def test_admin_saves_an_https_source(admin_client, db):
    """The control for the test below: the same form with an https URL saves."""
    assert post_source(admin_client, "https://news.example.org/ok").status_code == 302
    assert Source.objects.get().url == "https://news.example.org/ok"


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_admin_refuses_a_script_url_for_a_source(admin_client, db, url):
    """The admin's source form says the URL is invalid and saves nothing."""
    response = post_source(admin_client, url)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_import_refuses_a_script_url_for_a_source(db, url):
    """A CSV row whose source_url is not http(s) is an error naming the column; nothing is written."""
    OfficialFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    OutletFactory(name="TASS", slug="tass")
    data = (
        "date,speaker,text,outlet,source_title,source_date,source_url\n"
        f'2016-11-11,Dmitry Peskov,Words.,TASS,A report,2016-11-11,"{url}"\n'
    )
    result = import_statements(file=data.encode(), create_missing=True)
    assert not result.ok
    assert any(error.column == "source_url" for error in result.errors), result.messages()
    assert not Statement.objects.exists() and not Source.objects.exists()
