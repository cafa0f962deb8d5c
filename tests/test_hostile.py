"""Hostile input: generated query strings, paths and import files never cause a 5xx or a partial write.

Property-based (Hypothesis). Each property runs a fixed number of examples (EXAMPLES below; about 2,400 generated
query strings, paths and import files in all). The tests of a class read one labelled world built for the class
(`class_world`, tests/conftest.py), and the examples of one test share one database transaction (pytest-django's
`db`), so each example must leave the database as it found it: the HTTP properties only read, and the import
properties roll their own writes back. That is why HealthCheck.function_scoped_fixture is suppressed deliberately:
the fixtures (client, the world of statements) are safely shared between examples.

Any exception in a view fails the test: Django's test client re-raises it instead of answering 500.
"""

import csv
import io
import string
from urllib.parse import quote, urlencode

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.exports import COLUMN_NAMES
from statements.filters import StatementFilter
from statements.imports import import_statements
from statements.models import Official, Outlet, Source, Statement, Topic
from statements.reports import REPORTS
from tests.timeline_data import DRAFT_TEXT, NOTE_TEXT

# Examples per property: 7 HTTP properties and 4 import properties; see the module docstring.
EXAMPLES = {
    "timeline": 300,
    "surfaces": 400,
    "api": 300,
    "raw_query": 200,
    "paths": 300,
    "admin_query": 100,
    "admin_paths": 100,
    "import_bytes": 200,
    "import_csv": 300,
    "import_plausible": 150,
    "import_admin": 60,
}


def hostile(max_examples: int):
    """Hypothesis settings for a property over shared, read-only (or rolled back) fixtures."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # nothing written to .hypothesis/ in the working tree
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- Generated query strings -------------------------------------------------------------------------------------

FILTER_PARAMS = list(StatementFilter.base_filters)  # every public filter parameter, from the one FilterSet
OTHER_PARAMS = ["page", "cursor", "page_size", "format", "limit", "offset", "ordering", "search", "id", "pk"]

# Text that is valid in a URL once percent-encoded: any code point except lone surrogates (not UTF-8 encodable).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
# Control characters are rare in any_text, and a NUL reaching PostgreSQL was a 500: these put them in often, alone or
# inside otherwise ordinary text (an existing slug or id with a NUL in it).
CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]
control_text = st.one_of(
    st.sampled_from(CONTROLS),
    st.text(alphabet=st.sampled_from(CONTROLS + list("ab1-é ")), min_size=1, max_size=12),
    st.builds(
        lambda word, control, at: word[:at] + control + word[at:],
        st.sampled_from(["dmitry-peskov", "sanctions", "RU", "1", "published", "statement", "2016"]),
        st.sampled_from(CONTROLS),
        st.integers(0, 13),
    ),
)
huge_text = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "9", "é", "\x00", "%", " ", "-", "中"]), st.integers(1000, 20_000)
)
tricky_values = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "0",
        "-1",
        "1e309",
        "99999999999999999999999999",
        "-99999999999999999999999999",
        "NaN",
        "2016",
        "2016-02-30",
        "2016-13-01",
        "0000-00-00",
        "9999-12-31",
        "10000-01-01",
        "2016-1-1",
        "dmitry-peskov",
        "draft-only-person",
        "sanctions",
        "RU",
        "ru",
        "XX",
        "tass",
        "en",
        "newest",
        "oldest",
        "relevance",
        "statement",
        "OR",
        "-",
        '"',
        '"unclosed phrase',
        "-(",
        "a OR OR b",
        "' OR 1=1 --",
        "%00",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "json",
        "api",
        "csv",
    ]
)
values = st.one_of(any_text, tricky_values, huge_text, control_text)


def query_pairs(known: list[str]):
    """A list of (key, value) pairs: known parameter names, random names, and repeated keys."""
    key = st.one_of(st.sampled_from(known), st.sampled_from(known), any_text, control_text)
    return st.lists(st.tuples(key, values), max_size=8)


def assert_not_5xx(response, url: str) -> None:
    if response.streaming:
        b"".join(response.streaming_content)  # an error while streaming must show too
    assert response.status_code < 500, url
    if "%00" in url.replace("%2500", ""):  # a NUL, percent-encoded; "%2500" is the text "%00"
        assert response.status_code == 400, url
        assert "Bad request: the address contains a control character" in response.content.decode(), url


SURFACES = [
    "/export.csv",
    "/feed.atom",
    *[f"/reports/{name}.csv" for name in REPORTS],
    "/officials/",
    "/topics/",
    "/countries/",
    "/officials/dmitry-peskov/",
    "/topics/sanctions/",
    "/countries/RU/",
    "/healthz",
]


API = [
    "/api/",
    "/api/statements/",
    "/api/officials/",
    "/api/topics/",
    "/api/countries/",
    "/api/officials/dmitry-peskov/",
    "/api/topics/sanctions/",
    "/api/countries/RU/",
    "/api/schema/",
]


# --- Generated paths ---------------------------------------------------------------------------------------------

PREFIXES = [
    "/statements/",
    "/officials/",
    "/topics/",
    "/countries/",
    "/reports/",
    "/api/statements/",
    "/api/officials/",
    "/api/topics/",
    "/api/countries/",
    "/api/",
]
segments = st.one_of(
    any_text,
    control_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["..", ".", "%00", "%ff", "0", "00001", "1.csv", "statement", "draft-only-person", "ru"]),
)


@pytest.mark.django_db
class TestPublicAddresses:
    """The public pages, export, feed and API, at any address: never a 5xx."""

    @given(pairs=query_pairs(FILTER_PARAMS + OTHER_PARAMS))
    @hostile(EXAMPLES["timeline"])
    def test_timeline_survives_any_query_string(self, client, class_world, pairs):
        """The timeline answers every query string with a page or a 4xx, never a 5xx."""
        url = "/?" + urlencode(pairs)
        assert_not_5xx(client.get(url), url)

    @given(surface=st.sampled_from(SURFACES), pairs=query_pairs(FILTER_PARAMS + OTHER_PARAMS))
    @hostile(EXAMPLES["surfaces"])
    def test_export_feed_reports_and_entity_pages_survive_any_query_string(self, client, class_world, surface, pairs):
        """CSV export, reports, feed, entity pages and indexes: never a 5xx, whatever the query string."""
        url = surface + "?" + urlencode(pairs)
        assert_not_5xx(client.get(url), url)

    @given(endpoint=st.sampled_from(API), pairs=query_pairs(FILTER_PARAMS + OTHER_PARAMS))
    @hostile(EXAMPLES["api"])
    def test_api_survives_any_query_string(self, client, class_world, endpoint, pairs):
        """Every API endpoint answers any query string (cursor and page_size included) with JSON or a 4xx."""
        url = endpoint + "?" + urlencode(pairs)
        assert_not_5xx(client.get(url), url)

    @given(
        endpoint=st.sampled_from(["/", "/export.csv", "/feed.atom", "/api/statements/", "/officials/"]),
        raw=st.text(alphabet=string.printable + "\x00\x7f%&=;+é", max_size=200),
    )
    @hostile(EXAMPLES["raw_query"])
    def test_malformed_query_strings_are_not_5xx(self, client, class_world, endpoint, raw):
        """Query strings no browser would send (broken percent-escapes, invalid UTF-8, stray separators)."""
        response = client.get(endpoint, QUERY_STRING=raw)
        assert_not_5xx(response, f"{endpoint}?{raw!r}")

    @given(
        prefix=st.sampled_from(PREFIXES),
        parts=st.lists(segments, min_size=1, max_size=3),
        slash=st.booleans(),
    )
    @hostile(EXAMPLES["paths"])
    def test_random_paths_are_not_5xx(self, client, class_world, prefix, parts, slash):
        """Unknown ids and slugs, huge numbers, odd characters, extra segments: a 404 (or a redirect), never a 5xx."""
        url = prefix + "/".join(quote(part, safe="") for part in parts) + ("/" if slash else "")
        assert_not_5xx(client.get(url), url)


# --- The admin, signed in -----------------------------------------------------------------------------------------

ADMIN_CHANGELISTS = [
    f"/admin/statements/{model}/" for model in ("statement", "official", "topic", "source", "outlet", "country")
] + ["/admin/statements/position/", "/admin/autocomplete/"]
# The changelists' own parameters (search, order, page, the list filters), field lookups an analyst may type, and the
# autocomplete's.
ADMIN_PARAMS = [
    "q",
    "o",
    "p",
    "e",
    "all",
    "status",
    "status__exact",
    "kind__exact",
    "speaker",
    "year",
    "topics__id__exact",
    "countries__id__exact",
    "text__contains",
    "date__gte",
    "is_synthetic__exact",
    "country__id__exact",
    "term",
    "app_label",
    "model_name",
    "field_name",
]
AUTOCOMPLETE = [("app_label", "statements"), ("model_name", "statement"), ("field_name", "speaker")]


ADMIN_MODELS = ["statement", "official", "topic", "source", "outlet", "country", "position"]
admin_segments = st.one_of(segments, st.sampled_from(["1", "history", "change", "delete", "add", "import"]))


@pytest.mark.django_db
class TestAdminAddresses:
    """The admin, signed in, at any address: never a 5xx."""

    @given(
        endpoint=st.sampled_from(ADMIN_CHANGELISTS),
        pairs=query_pairs(ADMIN_PARAMS),
        autocomplete=st.booleans(),
    )
    @hostile(EXAMPLES["admin_query"])
    def test_admin_changelists_and_autocomplete_survive_any_query_string(
        self, admin_client, class_world, endpoint, pairs, autocomplete
    ):
        """Signed in: the admin's lists, filters, search and autocomplete answer any query string without a 5xx."""
        if autocomplete and endpoint == "/admin/autocomplete/":
            pairs = AUTOCOMPLETE + pairs  # a valid autocomplete request, so the term reaches the query
        url = endpoint + "?" + urlencode(pairs)
        assert_not_5xx(admin_client.get(url), url)

    @given(
        model=st.sampled_from(ADMIN_MODELS),
        parts=st.lists(admin_segments, min_size=1, max_size=4),
        slash=st.booleans(),
    )
    @hostile(EXAMPLES["admin_paths"])
    def test_random_admin_paths_are_not_5xx(self, admin_client, class_world, model, parts, slash):
        """Signed in: odd ids, history versions, extra segments under each admin: a 404 or a redirect, never a 5xx."""
        url = f"/admin/statements/{model}/" + "/".join(quote(part, safe="") for part in parts) + ("/" if slash else "")
        assert_not_5xx(admin_client.get(url), url)


# --- A NUL on every surface --------------------------------------------------------------------------------------

NUL_URLS = [
    "/?q=%00",
    "/?speaker=dmitry-peskov%00",
    "/countries/%00/",
    "/officials/%00/",
    "/topics/sanctions%00/",
    "/statements/1%00/",
    "/export.csv?q=%00",
    "/feed.atom?topic=%00",
    "/reports/speakers.csv?%00=1",
    "/static/css/site.css%00",
    "/healthz?%00",
]
NUL_ADMIN_URLS = [
    "/admin/statements/statement/?speaker=%00",
    "/admin/statements/statement/?status=%00",
    "/admin/statements/statement/?text__contains=%00",
    "/admin/statements/statement/?q=%00",
    "/admin/autocomplete/?app_label=statements&model_name=statement&field_name=speaker&term=%00",
    "/admin/statements/statement/1/history/%00/",
    "/admin/statements/official/%00/change/",
]
NUL_API_URLS = ["/api/statements/?q=%00", "/api/countries/%00/", "/api/officials/?%00=x"]


@pytest.mark.django_db
class TestControlCharacters:
    """NUL and other control characters in addresses and forms: a clear 400."""

    @pytest.mark.parametrize("url", NUL_URLS + NUL_ADMIN_URLS)
    def test_a_nul_in_the_address_is_a_clear_400_on_every_page(self, admin_client, class_world, url):
        """A NUL anywhere in the address is refused with 400 and says why (PostgreSQL answered 500), signed in or
        not."""
        response = admin_client.get(url)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "the address contains a control character (NUL)" in response.content.decode()

    @pytest.mark.parametrize("url", NUL_API_URLS)
    def test_a_nul_in_an_api_address_is_a_json_400(self, client, class_world, url):
        """The API refuses it in its own format: JSON with a "detail"."""
        response = client.get(url)
        assert response.status_code == 400
        assert "control character (NUL)" in response.json()["detail"]

    @pytest.mark.parametrize(
        ("url", "status"),
        [
            ("/admin/statements/statement/%0a/history/", 400),
            ("/countries/RU%1b/", 400),
            ("/admin/statements/statement/?%01=x", 400),
            ("/admin/statements/statement/?q=a%1bb", 200),
            ("/admin/statements/statement/?q=two%09words%0d%0a", 200),
            ("/admin/statements/statement/?q=a%7fb", 200),
        ],
    )
    def test_other_control_characters_in_the_address(self, admin_client, class_world, url, status):
        """Other C0 control characters are refused in the path and parameter names; in values only NUL is."""
        response = admin_client.get(url)
        assert response.status_code == status
        if status == 400:
            assert "the address contains a control character (U+00" in response.content.decode()

    @pytest.mark.parametrize("multipart", [False, True])
    def test_a_nul_in_a_form_is_a_400_and_saves_nothing(self, admin_client, class_world, multipart):
        """A form field holding NUL is refused before any view sees it; other control characters reach the form."""
        url = "/admin/statements/official/add/"
        data = {"name": "Nul\x00Person", "slug": "nul-person"}
        if multipart:
            response = admin_client.post(url, data)
        else:
            response = admin_client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert "the form contains a NUL character" in response.content.decode()
        assert not Official.objects.filter(slug="nul-person").exists()
        tabbed = admin_client.post(url, {"name": "Form\x0cFeed", "slug": "form-feed"})
        assert tabbed.status_code in (200, 302)  # the form's answer (saved, or its own errors), not the guard's


# --- Generated import files --------------------------------------------------------------------------------------

COUNTED = [Statement, Official, Topic, Outlet, Source, Statement.topics.through, Statement.countries.through]


def row_counts() -> dict[str, int]:
    """The rows of each counted table, in one query rather than one a table: the import properties count before and
    after each of their examples, and those counts were most of an example's queries."""
    tables = [model._meta.db_table for model in COUNTED]
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def check_import(data: bytes, *, create_missing: bool, publish: bool) -> None:
    """Import `data` and roll it back: refused files write nothing, accepted ones say how many rows they wrote."""
    with transaction.atomic():
        before = row_counts()
        result = import_statements(file=data, create_missing=create_missing, publish=publish)
        after = row_counts()
        transaction.set_rollback(True)  # every example starts from the same database
    if result.ok:
        assert after["statements_statement"] == before["statements_statement"] + result.statements
    else:
        assert after == before, result.messages()
        assert result.messages() and all(message.strip() for message in result.messages())
    assert not connection.needs_rollback


cell = st.one_of(
    any_text,
    tricky_values,
    st.sampled_from(["Dmitry Peskov", "Sergey Lavrov", "2016-11-11", "2016-11", "2016", "statement", "day"]),
    st.sampled_from(["sanctions; syria", "RU; US", "TASS", "https://example.org/a", "javascript:alert(1)", "=1+1"]),
)
# Per column, values that would import, mixed with the random cells above: some files must succeed.
PLAUSIBLE = {
    "date": st.sampled_from(["2016-11-11", "2016-11", "2016", "2020-02-29"]),
    "speaker": st.sampled_from(["Dmitry Peskov", "Sergey Lavrov", "Dmitri Peskov", "A New Person"]),
    "text": st.text(min_size=1, max_size=80),
    "date_precision": st.sampled_from(["day", "month", "year"]),
    "kind": st.sampled_from(["direct", "paraphrase"]),
    "topics": st.sampled_from(["Sanctions", "Syria; Sanctions", ""]),
    "countries": st.sampled_from(["RU", "RU; US", "Russia", ""]),
    "source_url": st.sampled_from(["", "https://example.org/a", "http://example.org/b?x=1"]),
    "codings": st.sampled_from(
        ["", "United States: critical (criticise or accuse)", "RU: no stance; Dmitry Peskov: supportive (praise)"]
    ),
}
header = st.lists(st.sampled_from(COLUMN_NAMES), unique=True, max_size=len(COLUMN_NAMES)).map(
    lambda columns: ["date", "speaker", "text"] + [c for c in columns if c not in ("date", "speaker", "text")]
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis"]


@st.composite
def csv_files(draw, *, plausible: bool = False) -> bytes:
    """A CSV file with the required columns; `plausible` ones are UTF-8 with importable values (most succeed)."""
    columns = draw(header)
    if plausible:
        columns = [column for column in columns if column in PLAUSIBLE]
        row = st.tuples(*[PLAUSIBLE[column] for column in columns]).map(list)
    else:
        # Three parts plausible to one part random, so that some of these files import too.
        row = st.tuples(*[st.one_of(*[PLAUSIBLE.get(column, st.just(""))] * 3, cell) for column in columns]).map(list)
    rows = draw(st.lists(row, min_size=plausible, max_size=6))
    if rows and not plausible and draw(st.booleans()):
        rows[-1] = rows[-1][: draw(st.integers(0, len(columns)))]  # a short row
    buffer = io.StringIO()
    delimiter = "," if plausible else draw(st.sampled_from([",", ",", ",", ";", "\t"]))
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8" if plausible else draw(st.sampled_from(ENCODINGS)), errors="replace")


@pytest.mark.django_db
class TestImportFiles:
    """Generated import files: a whole import or clear errors, never a partial write."""

    @given(data=st.binary(max_size=3000), create_missing=st.booleans())
    @hostile(EXAMPLES["import_bytes"])
    def test_import_of_random_bytes_is_refused_cleanly(self, class_world, data, create_missing):
        """Random bytes get a clear message and write nothing."""
        check_import(data, create_missing=create_missing, publish=False)

    @given(data=csv_files(), create_missing=st.booleans(), publish=st.booleans())
    @hostile(EXAMPLES["import_csv"])
    def test_import_of_generated_csv_is_all_or_nothing(self, class_world, data, create_missing, publish):
        """CSV in the export's columns with random cells, delimiters and encodings: clear errors or a whole import."""
        check_import(data, create_missing=create_missing, publish=publish)

    @given(data=csv_files(plausible=True), create_missing=st.booleans(), publish=st.booleans())
    @hostile(EXAMPLES["import_plausible"])
    def test_import_of_plausible_csv_is_all_or_nothing(self, class_world, data, create_missing, publish):
        """Files that mostly import (unknown speakers without create_missing do not): whole imports or clear errors."""
        check_import(data, create_missing=create_missing, publish=publish)

    @given(data=st.one_of(csv_files(), st.binary(max_size=2000)))
    @hostile(EXAMPLES["import_admin"])
    def test_admin_import_page_previews_any_upload_without_5xx(self, admin_client, class_world, data):
        """The admin import page's preview (a dry run) answers any upload with a page, never a 5xx, writing nothing."""
        before = row_counts()
        upload = io.BytesIO(data)
        upload.name = "statements.csv"
        response = admin_client.post("/admin/statements/statement/import/", {"file": upload})
        assert response.status_code == 200  # the preview page, with the file's errors if any
        assert row_counts() == before


# --- Drafts on the surfaces tests/test_pages.py does not walk ----------------------------------------------------


@pytest.mark.django_db
def test_no_export_report_feed_or_api_response_shows_a_draft(client, class_world):
    """CSV export, every report, the feed and every API endpoint (with filters that name the draft's speaker)."""
    draft = class_world["draft"]
    urls = [
        "/export.csv",
        "/export.csv?q=draft",
        *[f"/reports/{name}.csv" for name in REPORTS],
        "/feed.atom",
        "/feed.atom?q=draft",
        "/api/statements/",
        "/api/statements/?q=draft&page_size=200",
        "/api/officials/",
        "/api/topics/",
    ]
    # Filtering by a draft-only speaker is a 400, as for a slug nobody made (tests/test_filters.py).
    refused = [
        "/export.csv?speaker=draft-only-person",
        *[f"/reports/{name}.csv?speaker=draft-only-person" for name in REPORTS],
        "/api/statements/?speaker=draft-only-person",
    ]
    for url in urls + refused:
        response = client.get(url)
        assert response.status_code == (400 if url in refused else 200), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert DRAFT_TEXT.encode() not in body, url
        assert NOTE_TEXT.encode() not in body, url
    assert client.get(f"/api/statements/{draft.pk}/").status_code == 404
    assert client.get(f"/statements/{draft.pk}/").status_code == 404
