"""CSV export: exactly the timeline's filtered set, in its order, with stable columns, safe cells, visible failures."""

import csv
import datetime
import io
import logging
import re
import socket
from pathlib import Path

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from psycopg.pq import TransactionStatus

from statements import views_export
from statements.downloads import EXPORT_SLOTS
from statements.exports import (
    COLUMN_NAMES,
    COLUMNS,
    FORMULA_TRIGGERS,
    csv_line,
    csv_lines,
    neutralise,
    statement_rows,
    unneutralise,
    utf8_chunks,
)
from statements.filters import StatementFilter
from statements.models import Kind, Medium, Report, Statement, Status
from tests.factories import (
    OfficialFactory,
    OutletFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
    country,
)

pytestmark = pytest.mark.django_db

# One query for the whole export: a single cursor read chunk by chunk, the names as subqueries of that query.
EXPORT_QUERIES = 1
DOCS = Path(__file__).resolve().parent.parent / "docs" / "csv.md"


def parse(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def download(client, query: str = "") -> tuple[object, list[dict[str, str]]]:
    response = client.get(f"{reverse('statements:export_csv')}?{query}")
    assert response.status_code == 200, response.content
    return response, parse(b"".join(response.streaming_content))


@pytest.fixture
def timeline():
    """A small published timeline (fictional officials) plus a draft and a retracted statement that must not appear."""
    ru, us, sy = country("RU"), country("US"), country("SY")
    anna = OfficialFactory(name="Anna Fictiva", slug="anna-fictiva", country=ru, aliases="Anna Fiktiva")
    PositionFactory(official=anna, title="Spokesperson of the Ministry", start_date=datetime.date(2012, 1, 1))
    boris = OfficialFactory(name="Boris Exempel", slug="boris-exempel", country=us)
    syria = TopicFactory(name="Syria", slug="syria")
    sanctions = TopicFactory(name="Sanctions", slug="sanctions")
    tass = SourceFactory(
        outlet=OutletFactory(name="TASS", slug="tass"),
        title="Kremlin on relations",
        url="https://tass.example/1",
        published_on=datetime.date(2016, 11, 11),
        language="en",
        medium=Medium.INTERVIEW,
    )
    wire = SourceFactory(outlet=OutletFactory(name="Wire", slug="wire"), published_on=datetime.date(2017, 2, 3))
    statements = [
        StatementFactory(
            speaker=anna,
            date=datetime.date(2016, 11, 11),
            text="No one expects the relationship to improve in a fortnight.",
            original_text="Никто не ожидает",
            original_language="ru",
            source=tass,
            topics=[sanctions, syria],
            countries=[ru, us],
            mentioned_officials=[boris],
        ),
        StatementFactory(
            speaker=anna, date=datetime.date(2016, 11, 11), text="We will keep working on Syria.", source=tass
        ),
        StatementFactory(
            speaker=boris,
            date=datetime.date(2017, 2, 1),
            date_precision="month",
            kind=Kind.PARAPHRASE,
            text="Sanctions stay, the official said.",
            source=wire,
            topics=[sanctions],
            countries=[sy],
        ),
        StatementFactory(speaker=boris, date=datetime.date(2015, 6, 30), text="An older remark.", source=wire),
    ]
    StatementFactory(speaker=anna, text="A draft nobody may see.", status=Status.DRAFT, source=None)
    StatementFactory(speaker=anna, text="Retracted words.", status=Status.RETRACTED, retraction_reason="Misquoted.")
    return statements


def test_header_is_the_documented_stable_schema(client, timeline):
    """The column names and order are a published contract: renaming or reordering one must be deliberate."""
    body = b"".join(client.get(reverse("statements:export_csv")).streaming_content).decode()
    assert body.splitlines()[0] == ",".join(f'"{name}"' for name in COLUMN_NAMES)
    assert list(COLUMN_NAMES) == [
        "id",
        "permalink",
        "date",
        "date_precision",
        "speaker",
        "speaker_role",
        "speaker_country_code",
        "speaker_country",
        "kind",
        "text",
        "original_text",
        "original_language",
        "topics",
        "countries",
        "officials_mentioned",
        "outlet",
        "source_title",
        "source_url",
        "source_date",
        "medium",
        "updated_at",
        "codings",
        "other_reports",
    ]


def test_every_column_is_documented():
    """docs/csv.md has a table row for every column, so the documented schema cannot fall behind the code."""
    docs = DOCS.read_text()
    missing = [column.name for column in COLUMNS if f"| `{column.name}` |" not in docs]
    assert missing == []


def test_a_whole_row_has_names_not_ids(client, timeline):
    """A row carries names, the role on that date, joined multi-values, an absolute permalink and UTC time, and the
    other reports earliest first."""
    statement = timeline[0]
    for outlet, day, url in [("RIA", 12, "https://ria.example/2"), ("Wire; Daily", 10, "")]:
        source = SourceFactory(
            outlet=OutletFactory(name=outlet),
            title=f"{outlet} | report; 1",
            url=url,
            published_on=datetime.date(2016, 11, day),
        )
        Report.objects.create(statement=statement, source=source, text="Other words.")
    statement.refresh_from_db()
    _, rows = download(client)
    row = next(row for row in rows if row["id"] == str(statement.pk))
    assert row == {
        "id": str(statement.pk),
        "permalink": f"http://testserver/statements/{statement.pk}/",
        "date": "2016-11-11",
        "date_precision": "day",
        "speaker": "Anna Fictiva",
        "speaker_role": "Spokesperson of the Ministry",
        "speaker_country_code": "RU",
        "speaker_country": "Russia",
        "kind": "direct",
        "text": "No one expects the relationship to improve in a fortnight.",
        "original_text": "Никто не ожидает",
        "original_language": "ru",
        "topics": "Sanctions; Syria",
        "countries": "Russia; United States",
        "officials_mentioned": "Boris Exempel",
        "outlet": "TASS",
        "source_title": "Kremlin on relations",
        "source_url": "https://tass.example/1",
        "source_date": "2016-11-11",
        "medium": "interview",
        "updated_at": statement.updated_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "codings": "",
        "other_reports": "2016-11-10 | Wire; Daily | Wire; Daily | report; 1 | ; "
        "2016-11-12 | RIA | RIA | report; 1 | https://ria.example/2",
    }


def test_drafts_and_retracted_statements_are_never_exported(client, timeline):
    """Only published statements leave through the export."""
    _, rows = download(client)
    assert sorted(int(row["id"]) for row in rows) == sorted(s.pk for s in timeline)
    assert Statement.objects.exclude(status=Status.PUBLISHED).count() == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=oldest",
        "speaker=anna-fictiva",
        "speaker=anna-fictiva&speaker=boris-exempel&sort=oldest",
        "speaker_country=us",
        "topic=syria",
        "topic=sanctions&sort=oldest",
        "country=SY",
        "country=RU&country=SY",
        "date_from=2016-11&date_to=2016-12",
        "date_from=2016",
        "date_to=2016-11-10",
        "q=relationship",
        "q=SYRIA",
        "kind=paraphrase",
        "outlet=tass",
        "language=ru",
        "speaker=boris-exempel&topic=syria",
        "page=2",
    ],
)
def test_export_rows_equal_the_timeline_filter_in_the_same_order(client, timeline, query):
    """The export is exactly what StatementFilter gives the timeline for the same query string, in the same order."""
    expected = StatementFilter(QueryDict(query), queryset=Statement.objects.published()).qs
    _, rows = download(client, query)
    assert [int(row["id"]) for row in rows] == list(expected.values_list("pk", flat=True))


def test_export_order_follows_the_sort_parameter(client, timeline):
    """Newest first by default (ties: newest id first), oldest first with sort=oldest."""
    _, newest = download(client)
    _, oldest = download(client, "sort=oldest")
    assert [row["date"] for row in newest] == ["2017-02-01", "2016-11-11", "2016-11-11", "2015-06-30"]
    assert [row["id"] for row in oldest] == [row["id"] for row in reversed(newest)]


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=2016-13", "date_from: Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("speaker=nobody", "speaker: There is no official with the slug “nobody”"),
        ("kind=shouting", "kind: Select a valid choice"),
        ("date_from=2017&date_to=2016", "date_to: The end date is before the start date."),
    ],
)
def test_invalid_filter_is_a_400_naming_the_problem(client, timeline, query, message):
    """A bad filter never yields an empty CSV pretending success, nor a 500."""
    response = client.get(f"{reverse('statements:export_csv')}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_cells_a_spreadsheet_would_run_are_neutralised_in_every_column(client, trigger):
    """Every cell starting with = + - @ tab or CR (or LF) gets a leading quote, whichever column it is in."""
    evil = f'{trigger}HYPERLINK("http://evil.example")'
    speaker = OfficialFactory(name=f"{trigger}Speaker", slug="speaker")
    source = SourceFactory(
        outlet=OutletFactory(name=f"{trigger}Outlet", slug="outlet"), title=f"{trigger}Title", url=f"{trigger}url"
    )
    StatementFactory(
        speaker=speaker,
        text=evil,
        original_text=evil,
        original_language=f"{trigger}ru",
        source=source,
        topics=[TopicFactory(name=f"{trigger}Topic")],
        mentioned_officials=[OfficialFactory(name=f"{trigger}Mentioned", slug="mentioned")],
    )
    _, [row] = download(client)
    # Language codes are stored stripped and in lower case: "\tru" is kept as "ru", "=ru" as it is.
    stored_language = Statement.objects.get().original_language
    assert stored_language == f"{trigger}ru".strip()
    expected = {
        "text": evil,
        "original_text": evil,
        "original_language": stored_language,
        "speaker": f"{trigger}Speaker",
        "topics": f"{trigger}Topic",
        "officials_mentioned": f"{trigger}Mentioned",
        "outlet": f"{trigger}Outlet",
        "source_title": f"{trigger}Title",
        "source_url": f"{trigger}url",
    }
    neutralised = {
        column: "'" + value if value.startswith(FORMULA_TRIGGERS) else value for column, value in expected.items()
    }
    assert {column: row[column] for column in expected} == neutralised
    assert [cell for cell in row.values() if cell.startswith(FORMULA_TRIGGERS)] == []


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+7 495", "'+7 495"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),  # a real leading quote before a trigger is kept through a round trip
        ("''=1", "'''=1"),
        ("'quoted", "'quoted"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_is_undone_exactly_by_unneutralise(value, written):
    """Neutralisation adds one quote only where needed, and the import removes exactly that quote."""
    assert neutralise(value) == written
    assert unneutralise(written) == value


def test_bom_option_prepends_a_utf8_byte_order_mark(client, timeline):
    """?bom=1 starts the file with EF BB BF for Excel; without it the file starts with the header."""
    url = reverse("statements:export_csv")
    with_bom = b"".join(client.get(f"{url}?bom=1").streaming_content)
    without = b"".join(client.get(url).streaming_content)
    assert with_bom.startswith(b'\xef\xbb\xbf"id",')
    assert without.startswith(b'"id",')
    assert with_bom[3:].split(b"\r\n")[1:] == without.split(b"\r\n")[1:]


@pytest.mark.parametrize(
    "query, summary",
    [
        ("", "all"),
        ("bom=1&sort=oldest&page=3", "all"),
        ("speaker=anna-fictiva&topic=syria", "speaker-anna-fictiva_topic-syria"),
        ("speaker=anna-fictiva&speaker=boris-exempel", "speaker-anna-fictiva_speaker-boris-exempel"),
        ("q=%22%3B%0D%0Aevil%2F..%2F", "q-evil"),
        ("date_from=2016-11", "date_from-2016-11"),
    ],
)
def test_filename_says_what_was_filtered_and_when(client, timeline, query, summary):
    """statements_<filters>_<YYYYMMDD-HHMM>.csv, with only safe characters whatever the query string holds."""
    response, _ = download(client, query)
    disposition = response["Content-Disposition"]
    match = re.fullmatch(r'attachment; filename="statements_(.*)_(\d{8}-\d{4})\.csv"', disposition)
    assert match, disposition
    assert match[1] == summary
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("statement_count", [2, 30])
def test_export_makes_one_query_whatever_the_number_of_rows(client, django_assert_num_queries, statement_count):
    """The query count does not grow with the number of rows: names come from subqueries of the one query."""
    topic, mentioned = TopicFactory(), OfficialFactory()
    for _ in range(statement_count):
        StatementFactory(topics=[topic], countries=[country("RU")], mentioned_officials=[mentioned])
    with django_assert_num_queries(EXPORT_QUERIES):
        _, rows = download(client)
    assert len(rows) == statement_count


def test_rows_read_in_chunks_equal_rows_read_at_once(django_assert_num_queries):
    """25 rows read 10 at a time (chunk boundaries after rows 10 and 20) are the same rows, from one query."""
    topics = [TopicFactory(), TopicFactory(), TopicFactory()]
    for number in range(25):
        StatementFactory(topics=topics[: number % 3], countries=[country("SY")])
    with django_assert_num_queries(EXPORT_QUERIES):
        chunked = list(statement_rows(Statement.objects.published(), absolute_url=str, chunk_size=10))
    at_once = list(statement_rows(Statement.objects.published(), absolute_url=str, chunk_size=100))
    assert len(chunked) == 25
    assert chunked == at_once


def test_a_failure_mid_stream_ends_the_file_with_a_marked_error_row(client, timeline, monkeypatch, caplog):
    """A stream that breaks part-way is visibly incomplete, and the exception is logged."""
    real_rows = views_export.statement_rows

    def rows_then_failure(*args, **kwargs):
        rows = real_rows(*args, **kwargs)
        yield next(rows)
        raise RuntimeError("database went away")

    monkeypatch.setattr(views_export, "statement_rows", rows_then_failure)
    with caplog.at_level(logging.ERROR, logger="statements.exports"):
        _, rows = download(client)
    assert len(rows) == 2
    assert rows[0]["id"] == str(timeline[2].pk)
    assert rows[1]["id"].startswith("#ERROR: export incomplete")
    assert "after 1 row." in rows[1]["id"]
    assert "database went away" in caplog.text


def test_csv_lines_neutralises_the_header_and_marks_failures():
    """The writer itself neutralises every cell, so no caller can forget to."""

    def broken():
        yield ["=ok", "fine"]
        raise ValueError("boom")

    lines = list(csv_lines(["a", "-b"], broken()))
    assert lines[:2] == ['"a","\'-b"\r\n', '"\'=ok","fine"\r\n']
    assert lines[2].startswith('"#ERROR: export incomplete')


def test_export_refuses_other_methods(client):
    """The export is a GET link; anything else is a 405, not a 500."""
    assert client.post(reverse("statements:export_csv")).status_code == 405


def test_multi_valued_cells_are_sorted_by_name_whatever_order_they_were_linked_in(client):
    """Names are joined in name order, not in the order of their ids or of linking."""
    zulu, alpha, mike = (TopicFactory(name=name) for name in ("Zulu", "Alpha", "Mike"))
    zed, abe = OfficialFactory(name="Zed Mentioned"), OfficialFactory(name="Abe Mentioned")
    statement = StatementFactory(
        topics=[zulu, mike, alpha], countries=[country("US"), country("AF"), country("RU")], mentioned_officials=[zed]
    )
    statement.mentioned_officials.add(abe)
    _, [row] = download(client)
    assert (row["topics"], row["countries"], row["officials_mentioned"]) == (
        "Alpha; Mike; Zulu",
        "Afghanistan; Russia; United States",
        "Abe Mentioned; Zed Mentioned",
    )


def test_missing_values_are_empty_cells():
    """No source, no speaker country, no role, no names: empty cells, never "None" (a draft, as the admin exports)."""
    speaker = OfficialFactory(name="Stateless Speaker", country=None)
    StatementFactory(speaker=speaker, source=None, status=Status.DRAFT)
    [cells] = statement_rows(Statement.objects.all(), absolute_url=str)
    row = dict(zip(COLUMN_NAMES, cells, strict=True))
    empty = [
        "speaker_role",
        "speaker_country_code",
        "speaker_country",
        "original_text",
        "original_language",
        "topics",
        "countries",
        "officials_mentioned",
        "outlet",
        "source_title",
        "source_url",
        "source_date",
        "medium",
    ]
    assert {column: row[column] for column in empty} == dict.fromkeys(empty, "")


@pytest.mark.parametrize(
    "updated_at, written",
    [
        (datetime.datetime(2016, 11, 11, 9, 30, tzinfo=datetime.UTC), "2016-11-11T09:30:00Z"),
        # Fractions of a second are cut, not rounded (59.999999 s stays 59 s, as strftime did).
        (datetime.datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC), "2016-12-31T23:59:59Z"),
        # Another time zone is written in UTC.
        (
            datetime.datetime(2016, 11, 11, 2, 30, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=3))),
            "2016-11-10T23:30:05Z",
        ),
    ],
)
def test_dates_and_times_are_written_as_iso_8601(client, updated_at, written):
    """date and source_date as YYYY-MM-DD (years below 1000 padded), updated_at in UTC to the second."""
    source = SourceFactory(published_on=datetime.date(999, 3, 4))
    statement = StatementFactory(date=datetime.date(2016, 2, 1), source=source)
    Statement.objects.filter(pk=statement.pk).update(updated_at=updated_at)  # update() skips auto_now
    _, [row] = download(client)
    assert (row["date"], row["source_date"], row["updated_at"]) == ("2016-02-01", "0999-03-04", written)


def test_updated_at_is_utc_whatever_the_database_session_time_zone(client):
    """PostgreSQL formats timestamps in the session's time zone unless told otherwise; the export says UTC."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no session time zone")
    statement = StatementFactory()
    Statement.objects.filter(pk=statement.pk).update(
        updated_at=datetime.datetime(2016, 11, 11, 9, 30, tzinfo=datetime.UTC)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'Asia/Vladivostok'")  # undone when the test's transaction rolls back
    _, [row] = download(client)
    assert row["updated_at"] == "2016-11-11T09:30:00Z"


@pytest.mark.parametrize(
    "cells",
    [
        ["plain", ""],
        ['say "no"', '"', '""', 'a","b'],
        ["comma, inside", "line\nbreak", "crlf\r\ninside", "trailing\r"],
        ["Никто не ожидает", "emoji 🙂", "tab\there"],
        [""],
        ["'quoted", "semi; colon"],
    ],
)
def test_csv_line_writes_what_csv_writer_writes(cells):
    """The hand-written record is byte for byte the csv module's QUOTE_ALL record (RFC 4180)."""
    written = io.StringIO(newline="")
    csv.writer(written, quoting=csv.QUOTE_ALL).writerow(cells)
    assert csv_line(cells) == written.getvalue()
    assert next(csv.reader(io.StringIO(csv_line(cells), newline=""))) == cells


@pytest.mark.parametrize("size, chunk_count", [(1, 7), (13, 7), (14, 4), (26, 4), (27, 3), (1000, 1)])
def test_chunks_hold_whole_lines_and_add_up_to_the_file(size, chunk_count):
    """Chunks are UTF-8 of whole lines, at least `size` characters except the last, and nothing is lost."""
    lines = [f'"{number}","Никто"\r\n' for number in range(7)]  # 13 characters each (18 bytes)
    chunks = list(utf8_chunks(lines, size=size))
    assert b"".join(chunks) == "".join(lines).encode()
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert all(len(chunk.decode()) >= size for chunk in chunks[:-1])
    assert len(chunks) == chunk_count


def test_a_large_export_streams_in_chunks_of_many_rows(client, monkeypatch):
    """The view sends a few large chunks, not one per row, and they join into the same file."""
    monkeypatch.setattr(views_export, "utf8_chunks", lambda lines: utf8_chunks(lines, size=1000))
    for _ in range(12):
        StatementFactory()
    response = client.get(reverse("statements:export_csv"))
    chunks = list(response.streaming_content)
    rows = parse(b"".join(chunks))
    assert len(rows) == 12
    assert 1 < len(chunks) < 12


def test_a_failure_after_several_chunks_still_ends_the_file_with_the_error_row(client, monkeypatch, caplog):
    """The error row is in the last chunk, after every row sent before the failure."""
    monkeypatch.setattr(views_export, "utf8_chunks", lambda lines: utf8_chunks(lines, size=500))
    for _ in range(6):
        StatementFactory()
    real_rows = views_export.statement_rows

    def four_rows_then_failure(*args, **kwargs):
        rows = real_rows(*args, **kwargs)
        for _ in range(4):
            yield next(rows)
        raise RuntimeError("database went away")

    monkeypatch.setattr(views_export, "statement_rows", four_rows_then_failure)
    with caplog.at_level(logging.ERROR, logger="statements.exports"):
        response = client.get(reverse("statements:export_csv"))
        chunks = list(response.streaming_content)
    rows = parse(b"".join(chunks))
    assert len(chunks) > 1
    assert len(rows) == 5
    assert rows[-1]["id"].startswith("#ERROR: export incomplete")
    assert "after 4 rows" in rows[-1]["id"]
    assert chunks[-1].rstrip(b"\r\n").endswith(b'Download the file again."')


def open_transaction() -> bool:
    """Whether the connection is inside a transaction, as the database driver sees it (not only Django)."""
    if connection.connection is None:
        return False
    if connection.vendor == "postgresql":
        return connection.connection.info.transaction_status != TransactionStatus.IDLE
    return connection.connection.in_transaction


def start_download(client, monkeypatch, statement_count: int):
    """The export of `statement_count` new statements, streamed in small chunks and read as far as its first one:
    (the response, the chunks still to come, the first chunk, the statements)."""
    # A chunk a little longer than the header line (about 310 bytes), so the first holds a row: the read has begun.
    monkeypatch.setattr(views_export, "utf8_chunks", lambda lines: utf8_chunks(lines, size=400))
    statements = [StatementFactory() for _ in range(statement_count)]
    response = client.get(reverse("statements:export_csv"))
    chunks = iter(response.streaming_content)
    return response, chunks, next(chunks), statements


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_download_reads_rows_as_the_database_finds_them(client, monkeypatch):
    """PostgreSQL computes every row of a held (WITH HOLD) cursor before handing over the first: a million-row
    download sent nothing for 29 s. Mid-download, the export's cursor is open and not held."""
    _, chunks, first, _ = start_download(client, monkeypatch, 8)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchall() == [(False,)]
    rows = parse(first + b"".join(chunks))
    assert len(rows) == 8


@pytest.mark.parametrize("abandoned", [False, True], ids=["read to the end", "abandoned after one chunk"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_download_leaves_no_transaction_open(client, monkeypatch, abandoned):
    """Whether the file is read to the end or the visitor goes away part-way (the server closes the response), the
    connection is back outside any transaction and kept for the next request. (One left inside a transaction is
    closed by Django at the end of the request, so the next request pays for a new connection.)"""
    connection.ensure_connection()
    kept = connection.connection
    response, chunks, first, statements = start_download(client, monkeypatch, 8)
    rest = b"" if abandoned else b"".join(chunks)
    response.close()
    assert connection.connection is kept
    assert not open_transaction()
    assert not connection.in_atomic_block
    rows = parse(first + rest)
    expected = {str(statement.pk) for statement in statements}
    assert (len(rows) < 8) if abandoned else ({row["id"] for row in rows} == expected)
    assert Statement.objects.count() == 8  # the connection still answers


def test_an_export_past_the_bound_is_a_503_with_retry_after_while_the_first_streams(client, settings, monkeypatch):
    """With EXPORT_MAX_CONCURRENT = 1, a second export while the first still streams is refused at once with a 503
    that says why and when to come back; the first completes, and then there is room again."""
    settings.EXPORT_MAX_CONCURRENT = 1
    _, chunks, first, statements = start_download(client, monkeypatch, 8)
    refused = client.get(reverse("statements:export_csv"))
    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert refused.content.decode() == "The server is busy with other downloads. Please try again in a minute.\n"
    rows = parse(first + b"".join(chunks))
    assert {row["id"] for row in rows} == {str(statement.pk) for statement in statements}
    assert len(download(client)[1]) == 8
    assert EXPORT_SLOTS.in_use == 0


def test_an_export_abandoned_before_its_first_chunk_gives_its_place_back(client, settings):
    """A client that goes away before reading anything: closing the response frees the export's place."""
    settings.EXPORT_MAX_CONCURRENT = 1
    StatementFactory()
    client.get(reverse("statements:export_csv")).close()
    assert EXPORT_SLOTS.in_use == 0
    assert len(download(client)[1]) == 1


def test_a_download_socket_gets_the_send_timeout(client, settings):
    """Under gunicorn (which passes its socket in the environ) a client that stops reading is given up after
    CLIENT_SEND_TIMEOUT seconds, instead of holding the thread for as long as the connection stays open."""
    settings.CLIENT_SEND_TIMEOUT = 12.5
    StatementFactory()
    server_side, client_side = socket.socketpair()
    with server_side, client_side:
        response = client.get(reverse("statements:export_csv"), **{"gunicorn.socket": server_side})
        b"".join(response.streaming_content)
        assert server_side.gettimeout() == 12.5
