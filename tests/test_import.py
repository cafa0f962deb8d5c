"""CSV import: the export's format back in, all rows or none, with a per-row error report and an exact round trip."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from statements import denormalised
from statements.imports import MAX_IMPORT_BYTES, RowError, import_statements
from statements.models import (
    Coding,
    Country,
    Kind,
    Medium,
    Official,
    Outlet,
    Position,
    Report,
    Source,
    Statement,
    StatementLink,
    Status,
    Topic,
)
from statements.positions.models import LinkKind
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

HEADER = "date,speaker,text,topics,countries,outlet,source_title,source_date"
GOOD_ROW = "2016-11-11,Anna Fictiva,We will keep working.,Syria,RU; SY,TASS,Kremlin on relations,2016-11-11"


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Statement, Official, Topic, Outlet, Source)}


@pytest.fixture
def known():
    """The official, topic and source that GOOD_ROW names."""
    anna = OfficialFactory(name="Anna Fictiva", slug="anna-fictiva", aliases="Anna Fiktiva\nA. Fictiva")
    TopicFactory(name="Syria", slug="syria")
    SourceFactory(
        outlet=OutletFactory(name="TASS", slug="tass"),
        title="Kremlin on relations",
        url="",
        published_on=datetime.date(2016, 11, 11),
    )
    return anna


def test_a_good_file_imports_drafts_with_everything_resolved(known):
    """Names, codes and the source are resolved; statements are drafts by default."""
    result = import_statements(file=csv_bytes(HEADER, GOOD_ROW))
    assert result.ok, result.messages()
    assert (result.rows, result.statements, result.created) == (1, 1, {})
    statement = Statement.objects.get()
    assert statement.status == Status.DRAFT
    assert statement.speaker == known
    assert statement.date == datetime.date(2016, 11, 11)
    assert statement.kind == Kind.DIRECT
    assert [t.name for t in statement.topics.all()] == ["Syria"]
    assert sorted(c.code for c in statement.countries.all()) == ["RU", "SY"]
    assert statement.source.title == "Kremlin on relations"
    assert statement.history.last().history_type == "+"  # the creation is in the change history


@pytest.mark.parametrize("speaker", ["Anna Fictiva", "anna fictiva", "Anna Fiktiva", "a. fictiva", "anna-fictiva"])
def test_officials_are_found_by_name_alias_or_slug(known, speaker):
    """Any spelling the database knows finds the official, case-insensitively."""
    result = import_statements(file=csv_bytes("date,speaker,text", f"2016-11-11,{speaker},Words."))
    assert result.ok, result.messages()
    assert Statement.objects.get().speaker == known


@pytest.mark.parametrize(
    "data, message",
    [
        ("date,speaker,text\r\n2016-11-11,Anna Fictiva,Café\r\n".encode("cp1252"), "is not UTF-8 text (byte 0xe9"),
        (b"date;speaker;text\r\n2016-11-11;Anna Fictiva;Words\r\n", "separated by semicolons (;), not commas"),
        (b"date\tspeaker\ttext\r\n2016-11-11\tAnna Fictiva\tWords\r\n", "separated by tabs, not commas"),
        (b"date,text\r\n2016-11-11,Words\r\n", "Missing required columns: speaker."),
        (b"date,speaker,text,topic\r\n2016-11-11,Anna Fictiva,Words,Syria\r\n", "Unknown columns: topic."),
        (b"date,speaker,text,text\r\n2016-11-11,Anna Fictiva,Words,Words\r\n", "more than once: text."),
        (b"", "The file is empty"),
        (b"date,speaker,text\r\n", "The file has a header but no rows."),
        (b'date,speaker,text\r\n"2016-11-11,Anna Fictiva,Words\r\n', "Not valid CSV"),
    ],
)  # fmt: skip
def test_a_broken_file_gets_a_clear_message_and_nothing_is_written(known, data, message):
    """Encoding, delimiter, columns, emptiness: a message about the file, and no rows written."""
    before = counts()
    result = import_statements(file=data, create_missing=True)
    assert not result.ok
    assert message in " ".join(result.messages())
    assert counts() == before


def test_an_oversized_file_is_refused_before_it_is_parsed(known):
    """Files above the limit are refused with the limit in the message (50 MB by default)."""
    data = csv_bytes(HEADER, *[GOOD_ROW] * 10)
    result = import_statements(file=io.BytesIO(data), max_bytes=len(data) - 1)
    assert (
        result.file_error
        == f"The file is larger than the limit of {len(data) - 1:,} bytes; split it into smaller files."
    )
    assert Statement.objects.count() == 0
    assert MAX_IMPORT_BYTES == 50 * 1024 * 1024
    assert import_statements(file=io.BytesIO(data), max_bytes=len(data)).ok


@pytest.mark.parametrize(
    "bad_row, column, message",
    [
        ("2016-11-11,Nobody Known,Words.,Syria,RU,TASS,Kremlin on relations,2016-11-11", "speaker",
         "Unknown official “Nobody Known” (no name, alias or slug matches); add it first."),
        ("11/11/2016,Anna Fictiva,Words.,Syria,RU,TASS,Kremlin on relations,2016-11-11", "date",
         "“11/11/2016” is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)."),
        ("2016-02-30,Anna Fictiva,Words.,Syria,RU,TASS,Kremlin on relations,2016-11-11", "date",
         "“2016-02-30” is not a date: February 2016 has 29 days."),
        ("Nov 2016,Anna Fictiva,Words.,Syria,RU,TASS,Kremlin on relations,2016-11-11", "date",
         "“Nov 2016” is not a date; write 2016-11."),
        ("2016-11-11,Anna Fictiva,Words.,Syria,Atlantis,TASS,Kremlin on relations,2016-11-11", "countries",
         "Unknown country “Atlantis”: give an ISO code (RU), a name or an alias."),
        ("2016-11-11,Anna Fictiva,Words.,Gardening,RU,TASS,Kremlin on relations,2016-11-11", "topics",
         "Unknown topic “Gardening” (no name or slug matches); add it first."),
        ("2016-11-11,Anna Fictiva,,Syria,RU,TASS,Kremlin on relations,2016-11-11", "text", "text is required."),
        ("2016-11-11,Anna Fictiva,Words.,Syria,RU,Reuters,Other report,2016-11-12", "source_title",
         "Unknown source “Other report” (Reuters, 2016-11-12); add it first."),
        ("2016-11-11,Anna Fictiva,Words.,Syria,RU,TASS,Kremlin on relations,12.11.2016", "source_date",
         "“12.11.2016” is not a date; write YYYY-MM-DD."),
        ("2016-11-11,Anna Fictiva,Words.,Syria,RU,TASS,Kremlin on relations,2016-11", "source_date",
         "“2016-11” gives no day; write YYYY-MM-DD."),
        ("2016-11-11,Anna Fictiva,Words.,Syria,RU,TASS,,2016-11-11", "source_title",
         "source_title is needed to identify the source (or give a known source_url)."),
        ("2016-11-11,Anna Fictiva,Words.", "", "3 cells, but the header has 8."),
        ("Words alone", "", "1 cell, but the header has 8."),
        ("#ERROR: export incomplete,,,,,,,", "", "This export is incomplete (it ends with an error row)."),
        # PostgreSQL refuses NUL in any text, a lookup's included: refused up front on both databases.
        ("2016-11-11,Anna\x00 Fictiva,Words.,Syria,RU,TASS,Kremlin on relations,2016-11-11", "speaker",
         "A NUL character (0x00) is not allowed in a cell."),
    ],
)  # fmt: skip
def test_one_bad_row_imports_nothing_and_names_its_row_and_column(known, bad_row, column, message):
    """The error gives the spreadsheet row number (header = row 1) and the column; the good rows are not written."""
    before = counts()
    result = import_statements(file=csv_bytes(HEADER, GOOD_ROW, bad_row, GOOD_ROW))
    assert result.errors == [RowError(row=3, column=column, message=message)]
    assert not result.written
    assert counts() == before


def test_every_bad_row_is_reported_not_only_the_first(known):
    """Analysts fix a file in one go: all rows are checked."""
    bad_kind = "date,speaker,text,kind\r\n2016-11-11,Anna Fictiva,Words,shouting\r\n2016-11-11,Nobody,Words,direct"
    result = import_statements(file=bad_kind.encode())
    assert [str(error) for error in result.errors] == [
        "row 2, column kind: “shouting” is not one of: direct, paraphrase.",
        "row 3, column speaker: Unknown official “Nobody” (no name, alias or slug matches); add it first.",
    ]


def test_publishing_needs_a_source_on_every_row(known):
    """--publish refuses a row without a source; a draft may have none."""
    data = csv_bytes("date,speaker,text", "2016-11-11,Anna Fictiva,Words.")
    result = import_statements(file=data, publish=True)
    assert result.errors == [
        RowError(2, "source_title", "A published statement needs a source (outlet, source_title, source_date).")
    ]
    assert import_statements(file=data).ok


def test_published_import_is_public(known):
    """With publish=True the statements are published, with a publication time."""
    assert import_statements(file=csv_bytes(HEADER, GOOD_ROW), publish=True).ok
    statement = Statement.objects.published().get()
    assert statement.published_at is not None


def test_create_missing_creates_officials_topics_outlets_and_sources():
    """With create_missing the file's unknown names become new rows, reused across rows, and are reported."""
    header = (
        "date,speaker,speaker_country_code,speaker_country,text,topics,officials_mentioned,"
        "outlet,source_title,source_date,medium"
    )
    result = import_statements(
        file=csv_bytes(
            header,
            "2016-11-11,Anna Fictiva,RU,,One.,Syria; Sanctions,Boris Exempel,TASS,Report,2016-11-11,interview",
            "2016-11-12,Boris Exempel,,United States,Two.,Syria,,TASS,Report,2016-11-11,interview",
        ),
        create_missing=True,
    )
    assert result.ok, result.messages()
    assert result.created == {
        "officials": ["Anna Fictiva", "Boris Exempel"],
        "topics": ["Syria", "Sanctions"],
        "outlets": ["TASS"],
        "sources": ["Report"],
    }
    assert Official.objects.get(name="Anna Fictiva").country.code == "RU"
    # Created as a mentioned official first (no country there), then given the country from its own row.
    assert Official.objects.get(name="Boris Exempel").country.code == "US"
    assert Source.objects.get().medium == Medium.INTERVIEW
    assert Statement.objects.count() == 2


@pytest.mark.parametrize(
    "model, lookup, fields",
    [
        (Official, {"name": "Anna Fictiva"}, {"slug": "anna-fictiva", "country_id": "RU"}),
        (Official, {"name": "Boris Exempel"}, {"slug": "boris-exempel", "country_id": None}),
        (Topic, {"name": "Syria"}, {"slug": "syria"}),
        (Source, {"title": "Report"}, {"published_on": datetime.date(2016, 11, 11), "medium": Medium.INTERVIEW}),
    ],
)
def test_what_the_import_creates_has_its_creation_in_the_history(model, lookup, fields):
    """Each official, topic and source the import makes is stored as read, with one creation record holding the same
    values, by the importer, saying why; the statements that name it point at it."""
    from tests.factories import UserFactory

    user = UserFactory(username="importer")
    header = "date,speaker,speaker_country_code,text,topics,officials_mentioned,outlet,source_title,source_date,medium"
    result = import_statements(
        file=csv_bytes(header, "2016-11-11,Anna Fictiva,RU,One.,Syria,Boris Exempel,TASS,Report,2016-11-11,interview"),
        create_missing=True,
        user=user,
        reason="Imported from desk.csv.",
    )
    assert result.ok, result.messages()
    made = model.objects.get(**lookup)
    expected = {name: country(value).pk if name == "country_id" and value else value for name, value in fields.items()}
    assert {name: getattr(made, name) for name in fields} == expected
    record = made.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        user,
        "Imported from desk.csv.",
    )
    assert {name: getattr(record, name) for name in fields} == expected
    statement = Statement.objects.get()
    named = [statement.speaker_id, statement.source_id, *statement.topics.values_list("pk", flat=True)]
    named += statement.mentioned_officials.values_list("pk", flat=True)
    assert made.pk in named


def test_create_missing_does_not_keep_what_a_failed_row_created():
    """When any row fails, the officials and topics created for the good rows are rolled back too."""
    before = counts()
    result = import_statements(
        file=csv_bytes("date,speaker,text,topics", "2016-11-11,New Person,Words.,New topic", "2016-13-01,X,Words.,"),
        create_missing=True,
    )
    assert [error.row for error in result.errors] == [3]
    assert counts() == before


@pytest.mark.parametrize(
    "cell, codes", [("SY", ["SY"]), ("sy; Russia", ["RU", "SY"]), ("Syrian Arab Republic", ["SY"])]
)
def test_countries_are_found_by_code_name_or_alias(known, cell, codes):
    """Countries concerned are given as ISO codes, names or the aliases the database knows."""
    assert import_statements(file=csv_bytes("date,speaker,text,countries", f'2016-11-11,Anna Fictiva,A.,"{cell}"')).ok
    assert sorted(Statement.objects.get().countries.values_list("code", flat=True)) == codes


def test_an_ambiguous_name_is_an_error():
    """Two officials with the same alias: the import asks for the slug rather than guessing."""
    OfficialFactory(name="Ivan Primer", slug="ivan-primer", aliases="The Minister")
    OfficialFactory(name="Ivan Drugoi", slug="ivan-drugoi", aliases="The Minister")
    result = import_statements(file=csv_bytes("date,speaker,text", "2016-11-11,The Minister,Words."))
    assert result.errors[0].column == "speaker"
    assert "matches several officials" in result.errors[0].message


def test_dry_run_checks_everything_and_writes_nothing(known):
    """A dry run reports what would be imported and created, and leaves the database as it was."""
    before = counts()
    result = import_statements(
        file=csv_bytes(HEADER, GOOD_ROW.replace("Syria", "New topic")), dry_run=True, create_missing=True
    )
    assert result.ok and not result.written
    assert (result.statements, result.created) == (1, {"topics": ["New topic"]})
    assert counts() == before


def test_byte_order_mark_and_neutralised_cells_are_accepted(known):
    """A file saved by Excel with a BOM reads the same; quotes added against formulas are removed."""
    data = "\ufeffdate,speaker,text,original_text\r\n2016-11-11,Anna Fictiva,'=1+1,''-x\r\n".encode()
    assert import_statements(file=data).ok
    statement = Statement.objects.get()
    assert (statement.text, statement.original_text) == ("=1+1", "'-x")


def test_month_and_year_dates_set_the_precision(known):
    """YYYY-MM and YYYY imply month and year precision; an explicit precision normalises the day."""
    data = csv_bytes(
        "date,date_precision,speaker,text",
        "2016-11,,Anna Fictiva,A.",
        "2016,,Anna Fictiva,B.",
        "2016-11-11,month,Anna Fictiva,C.",
    )
    assert import_statements(file=data).ok
    assert list(Statement.objects.order_by("text").values_list("date", "date_precision")) == [
        (datetime.date(2016, 11, 1), "month"),
        (datetime.date(2016, 1, 1), "year"),
        (datetime.date(2016, 11, 1), "month"),
    ]


# --- Round trip: export → import → export -------------------------------------------------------------


def export_bytes(client) -> bytes:
    return b"".join(client.get(reverse("statements:export_csv")).streaming_content)


def export(client) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export_bytes(client).decode("utf-8"), newline="")))


def without(rows: list[dict[str, str]], *columns: str) -> list[dict[str, str]]:
    return [{name: value for name, value in row.items() if name not in columns} for row in rows]


@pytest.fixture
def exported_timeline(client):
    """Varied published statements (awkward text included), coded and linked, and the CSV the export makes of them."""
    ru, us = country("RU"), country("US")
    anna = OfficialFactory(name="Anna Fictiva", slug="anna-fictiva", country=ru)
    PositionFactory(official=anna, title="Spokesperson", start_date=datetime.date(2012, 1, 1))
    boris = OfficialFactory(name="Boris Exempel", slug="boris-exempel", country=us)
    nobody = OfficialFactory(name="Chen Mu", slug="chen-mu", country=None)
    bloc = OfficialFactory(name="Target Bloc", slug="target-bloc", country=None)  # only ever a target
    syria, sanctions = TopicFactory(name="Syria"), TopicFactory(name="Sanctions")
    tass = SourceFactory(outlet=OutletFactory(name="TASS", slug="tass"), title="=Kremlin", medium=Medium.INTERVIEW)
    wire = SourceFactory(outlet=OutletFactory(name="Wire", slug="wire"), url="", title="Wire report")
    first = StatementFactory(
        speaker=anna,
        date=datetime.date(2016, 11, 11),
        text='=SUM(A1) "quoted", commas\r\nand a line break ',
        original_text="Никто не ожидает",
        original_language="ru",
        source=tass,
        topics=[syria, sanctions],
        countries=[ru, us],
        mentioned_officials=[boris, nobody],
    )
    month = StatementFactory(
        speaker=boris,
        date=datetime.date(2016, 11, 1),
        date_precision="month",
        kind=Kind.PARAPHRASE,
        text="-5% is what the official said.",
        source=wire,
        topics=[sanctions],
    )
    year = StatementFactory(
        speaker=nobody, date=datetime.date(2015, 1, 1), date_precision="year", text="'@ year", source=wire
    )
    # Same day as the first: the timeline orders these by id, so the import must keep their relative order.
    later = StatementFactory(speaker=anna, date=datetime.date(2016, 11, 11), text="Later the same day.", source=tass)
    StatementFactory(speaker=boris, date=datetime.date(2016, 11, 11), text="Even later.", source=wire)
    draft = StatementFactory(
        speaker=anna, date=datetime.date(2017, 1, 1), text="A draft.", status=Status.DRAFT, source=None
    )
    ria = SourceFactory(
        outlet=OutletFactory(name="RIA", slug="ria"),
        title="Peskov | Syria; again",
        published_on=datetime.date(2016, 11, 9),
    )
    for statement, source in [(first, wire), (first, ria), (month, tass)]:
        Report.objects.create(statement=statement, source=source)
    for statement, target, stance, act in [
        (first, us, -1, "criticise"),
        (first, bloc, None, ""),
        (month, ru, -2, "warn"),
        (year, boris, 1, "praise"),
        (draft, us, -2, "threaten"),
    ]:
        field = "target_country" if isinstance(target, Country) else "target_official"
        Coding.objects.create(statement=statement, stance=stance, act=act, **{field: target})
    for statement, kind, linked in [
        (first, LinkKind.RESPONDS_TO, year),
        (later, LinkKind.REITERATES, year),
        (month, LinkKind.CLARIFIES, year),
        (draft, LinkKind.REITERATES, first),
    ]:
        StatementLink.objects.create(statement=statement, kind=kind, linked=linked)
    return export(client)


def codings_and_links() -> tuple[list[tuple], list[tuple]]:
    """Every coding and link of published statements, by the statements' words (ids change in a round trip)."""
    codings = sorted(
        (coding.statement.text, str(coding.target), coding.stance, coding.act)
        for coding in Coding.objects.filter(statement__status=Status.PUBLISHED)
    )
    links = sorted(
        (link.statement.text, link.kind, link.linked.text)
        for link in StatementLink.objects.filter(statement__status=Status.PUBLISHED, linked__status=Status.PUBLISHED)
    )
    return codings, links


def test_round_trip_into_an_empty_database(client, exported_timeline):
    """Export → import into an empty database → export: the same rows (new ids; roles need positions), with the
    same codings and, from the links CSV exported beside it, the same links."""
    data = export_bytes(client)
    links = b"".join(client.get(reverse("statements:export_links_csv")).streaming_content)
    before = codings_and_links()
    Statement.objects.all().delete()
    for model in (Source, Outlet, Topic, Position, Official):
        model.objects.all().delete()
    result = import_statements(file=data, create_missing=True, publish=True, links=links)
    assert result.ok, result.messages()
    assert (result.links, result.links_skipped) == (3, [])
    ignored = ("id", "permalink", "updated_at", "speaker_role")
    assert without(export(client), *ignored) == without(exported_timeline, *ignored)
    assert len(exported_timeline) == 5
    assert Report.objects.count() == 3 and "RIA" in result.created["outlets"]
    assert codings_and_links() == before
    assert [len(found) for found in before] == [4, 3]
    assert "Target Bloc" in result.created["officials"]
    # The imported codings are in their statements' copies (statements/denormalised.py).
    copies = {s.pk: s.codings_cache for s in Statement.objects.all()}
    assert copies == {s.pk: codings_copy(s) for s in Statement.objects.all()}
    assert sum(copy.count(",") - 1 for copy in copies.values()) == 4


def codings_copy(statement) -> str:
    """A statement's copy of its codings as its codings say it should be."""
    return denormalised.set_text(
        denormalised.coding_code(
            country_id=c.target_country_id, official_id=c.target_official_id, stance=c.stance, act=c.act
        )
        for c in statement.codings.all()
    )


def test_round_trip_keeps_roles_when_the_officials_exist(client, exported_timeline):
    """With the officials (and their positions) kept, every column but id, permalink and updated_at comes back."""
    data = export_bytes(client)
    before = codings_and_links()
    Statement.objects.all().delete()
    for model in (Source, Outlet, Topic):
        model.objects.all().delete()
    result = import_statements(file=data, create_missing=True, publish=True)
    assert result.ok, result.messages()
    assert sorted(result.created) == ["outlets", "sources", "topics"]
    ignored = ("id", "permalink", "updated_at")
    assert without(export(client), *ignored) == without(exported_timeline, *ignored)
    assert {row["speaker_role"] for row in exported_timeline} == {"", "Spokesperson"}
    assert codings_and_links() == (before[0], [])  # no links file given: no links


def test_the_codings_csv_of_a_round_trip_is_the_same_but_for_ids_and_times(client, exported_timeline):
    """The codings CSV of the imported database has the same rows as the original's, but for the statements' ids
    and permalinks and when they were coded (the import codes them now, by the importing user)."""
    before = parse_csv(client.get(reverse("statements:export_codings_csv")))
    data = export_bytes(client)
    Statement.objects.all().delete()
    assert import_statements(file=data, publish=True).ok
    after = parse_csv(client.get(reverse("statements:export_codings_csv")))
    ignored = ("statement_id", "permalink", "coded_at")
    key = lambda row: (row["date"], row["target"])  # noqa: E731 (ids, and so the order by id, change)
    assert sorted(without(after, *ignored), key=key) == sorted(without(before, *ignored), key=key)
    assert all(row["coded_at"] for row in after)


def parse_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"), newline="")))


CODED_HEADER = "date,speaker,text,codings"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", []),
        ("US: critical", [("United States", -1, "")]),
        ("United States: critical (criticise or accuse)", [("United States", -1, "criticise")]),
        ("united states: STRONGLY SUPPORTIVE (Praise)", [("United States", 2, "praise")]),
        ("Syrian Arab Republic: supportive (offer)", [("Syria", 1, "offer")]),
        (
            "Anna Fictiva: neutral (comment); Russia: hostile (warn (predicting harm))",
            [
                ("Anna Fictiva", 0, "comment"),
                ("Russia", -2, "warn"),
            ],
        ),
        ("anna-fictiva: no stance (decline to comment)", [("Anna Fictiva", None, "decline")]),
        ("Russia: no stance (threaten)", [("Russia", None, "threaten")]),
    ],
)
def test_the_codings_cell_is_read_back_into_codings(known, cell, expected):
    """Each coding of the `codings` cell: a country by name, code or alias, else an official by name, alias or slug;
    the stance in words, any case; the speech act by label or value. Coded now, in the history."""
    result = import_statements(file=csv_bytes(CODED_HEADER, f'2016-11-11,Anna Fictiva,Words.,"{cell}"'))
    assert result.ok, result.messages()
    codings = Coding.objects.filter(statement=Statement.objects.get()).order_by("id")
    assert [(str(c.target), c.stance, c.act) for c in codings] == expected
    for coding in codings:
        assert coding.coded_at is not None
        assert coding.history.get().history_type == "+"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("United States: furious (criticise)", "is not a coding: write “target: stance (speech act)”"),
        ("United States critical", "is not a coding"),
        ("Atlantis: critical", "Unknown official “Atlantis”"),
        ("United States: critical (shout)", "“shout” is not one of"),
        ("United States: supportive (criticise or accuse)", "cannot be supportive of its target"),
        ("US: neutral (decline to comment)", "Declining to comment takes no stance"),
        ("United States: critical; US: neutral", "United States is coded twice"),
    ],
)
def test_a_codings_cell_that_cannot_be_read_is_an_error_and_nothing_is_written(known, cell, message):
    result = import_statements(file=csv_bytes(CODED_HEADER, f'2016-11-11,Anna Fictiva,Words.,"{cell}"'))
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column) == (2, "codings")
    assert message in error.message
    assert (Statement.objects.count(), Coding.objects.count()) == (0, 0)


LINKED_FILE = csv_bytes(
    "id,date,speaker,text",
    "10,2016-11-10,Anna Fictiva,First.",
    "11,2016-11-12,Anna Fictiva,Second.",
    "12,2016-11,Boris Exempel,A month.",
    "13,2016-12-01,Boris Exempel,Boris later.",
)
LINKS_HEADER = "statement_id,kind,linked_id"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("11,likes,10", "kind", "“likes” is not one of"),
        ("11,responds_to,abc", "linked_id", "“abc” is not a statement's id"),
        ("11,responds_to,11", "linked_id", "cannot be linked to itself"),
        ("10,responds_to,11", "linked_id", "links only to an earlier one"),
        ("11,responds_to,12", "linked_id", "links only to an earlier one"),  # November 2016 is not before the 12th
        ("13,corrects,10", "kind", "the speaker's own earlier words"),
        ("11,responds_to", "", "2 cells, but the header has 3"),
    ],
)
def test_a_link_that_breaks_a_rule_is_an_error_and_nothing_is_written(known, row, column, message):
    OfficialFactory(name="Boris Exempel")
    links = csv_bytes(LINKS_HEADER, "11,reiterates,10", row)
    result = import_statements(file=LINKED_FILE, links=links)
    assert not result.ok
    [error] = result.errors
    assert (error.file, error.row, error.column) == ("links file", 3, column)
    assert message in error.message
    assert str(error).startswith("links file, row 3")
    assert (Statement.objects.count(), StatementLink.objects.count()) == (0, 0)


def test_links_are_made_between_the_imported_statements_and_links_to_others_skipped(known):
    """By the exported ids: a link to a statement not in the file (outside the export's filters) is skipped and
    named; the rest are made, each with its creation record."""
    OfficialFactory(name="Boris Exempel")
    links = csv_bytes(
        LINKS_HEADER + ",statement_date",
        "11,responds_to,10,2016-11-12",
        "13,corrects,12,2016-11-12",
        "11,clarifies,99,2016-11-12",
    )
    result = import_statements(file=LINKED_FILE, links=links)
    assert result.ok, result.messages()
    assert result.links == 2
    assert [str(skipped) for skipped in result.links_skipped] == [
        "links file, row 4: statement 99 was not imported from this file: skipped."
    ]
    made = sorted((link.statement.text, link.kind, link.linked.text) for link in StatementLink.objects.all())
    assert made == [("Boris later.", "corrects", "A month."), ("Second.", "responds_to", "First.")]
    assert all(link.history.get().history_type == "+" for link in StatementLink.objects.all())


@pytest.mark.parametrize(
    ("statements", "links", "message"),
    [
        (LINKED_FILE, csv_bytes("statement_id,kind,to", "11,responds_to,10"), "unknown to; missing linked_id"),
        (csv_bytes("date,speaker,text", "2016-11-10,Anna Fictiva,First."), csv_bytes(LINKS_HEADER), "needs its id"),
    ],
)
def test_a_links_file_that_cannot_be_used_is_refused_whole(known, statements, links, message):
    OfficialFactory(name="Boris Exempel")
    result = import_statements(file=statements, links=links)
    assert message in result.file_error
    assert Statement.objects.count() == 0


def test_the_command_imports_a_links_file_beside_the_statements(known, tmp_path):
    OfficialFactory(name="Boris Exempel")
    (tmp_path / "statements.csv").write_bytes(LINKED_FILE)
    (tmp_path / "links.csv").write_bytes(csv_bytes(LINKS_HEADER, "11,responds_to,10", "11,clarifies,99"))
    out = io.StringIO()
    call_command("import_statements", str(tmp_path / "statements.csv"), links=str(tmp_path / "links.csv"), stdout=out)
    assert f"Linked 1 pair of statements from {tmp_path / 'links.csv'}; skipped 1 link" in out.getvalue()
    assert StatementLink.objects.count() == 1


def test_rows_without_ids_are_created_in_file_order(known):
    """A hand-made file has no id column: statements are created top to bottom."""
    data = csv_bytes("date,speaker,text", "2016-11-11,Anna Fictiva,First.", "2016-11-11,Anna Fictiva,Second.")
    assert import_statements(file=data).ok
    assert list(Statement.objects.order_by("pk").values_list("text", flat=True)) == ["First.", "Second."]


def test_errors_are_listed_in_row_order_whatever_the_creation_order(known):
    """Rows are created in the old ids' order, but the report follows the file."""
    data = csv_bytes("id,date,speaker,text", "9,2016-11-11,Nobody,A.", "3,2016-11-11,Anna Fictiva,B.", "1,bad,X,C.")
    result = import_statements(file=data)
    assert [(error.row, error.column) for error in result.errors] == [(2, "speaker"), (4, "date")]


# --- Duplicate rows ---------------------------------------------------------------------------------------

SAME_WORDS = '2016-11-11,A. Fictiva,"We will  keep\nworking. ",Syria,RU; SY,TASS,Kremlin on relations,2016-11-11'


def test_duplicate_rows_are_flagged_and_skipped(known):
    """The same row three times (whitespace and spelling of the speaker aside) imports once; the others are named."""
    data = csv_bytes(HEADER, GOOD_ROW, SAME_WORDS, GOOD_ROW)
    preview = import_statements(file=data, dry_run=True)
    assert preview.ok, preview.messages()
    assert (preview.rows, preview.statements, preview.skipped) == (3, 1, 2)
    assert [str(duplicate) for duplicate in preview.duplicates] == [
        "row 3: same speaker, date and words as row 2 of this file: skipped.",
        "row 4: same speaker, date and words as row 2 of this file: skipped.",
    ]
    assert not Statement.objects.exists()
    result = import_statements(file=data)
    assert (result.statements, result.skipped) == (1, 2)
    assert Statement.objects.count() == 1


def test_rows_duplicating_an_existing_statement_are_skipped(known):
    """Importing the same file twice: the second time every row is already there and nothing is written."""
    data = csv_bytes(HEADER, GOOD_ROW, SAME_WORDS)
    import_statements(file=data)
    existing = Statement.objects.get()
    again = import_statements(file=data)
    assert again.ok, again.messages()
    assert (again.statements, again.skipped) == (0, 2)
    assert [str(duplicate) for duplicate in again.duplicates] == [
        f"row 2: same speaker, date and words as statement {existing.pk} (draft), already in the database: skipped.",
        f"row 3: same speaker, date and words as statement {existing.pk} (draft), already in the database: skipped.",
    ]
    assert Statement.objects.count() == 1


def test_duplicates_are_kept_when_asked(known):
    """keep_duplicates imports every row, and still says which rows repeat."""
    StatementFactory(speaker=known, date=datetime.date(2016, 11, 11), text="We will keep working.", status=Status.DRAFT)
    result = import_statements(file=csv_bytes(HEADER, GOOD_ROW, GOOD_ROW), keep_duplicates=True)
    assert result.ok, result.messages()
    assert (result.statements, result.skipped, len(result.duplicates)) == (2, 0, 2)
    assert all(str(duplicate).endswith(": kept, as asked.") for duplicate in result.duplicates)
    assert Statement.objects.count() == 3


@pytest.mark.parametrize(
    "other",
    [
        GOOD_ROW.replace("2016-11-11,Anna", "2016-11-12,Anna"),  # another day
        GOOD_ROW.replace("keep working", "keep on working"),  # other words
        GOOD_ROW.replace("We will", "we will"),  # case is not whitespace
    ],
)
def test_rows_that_differ_are_not_duplicates(known, other):
    """Only the same speaker, date and words (spaces aside) make a duplicate."""
    result = import_statements(file=csv_bytes(HEADER, GOOD_ROW, other))
    assert (result.statements, result.duplicates) == (2, [])


def test_existing_statements_are_looked_up_once_per_batch(known, monkeypatch):
    """The check against existing statements is one query per batch of rows, not one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from statements import imports

    monkeypatch.setattr(imports, "DUPLICATE_CHECK_BATCH", 5)
    rows = [GOOD_ROW.replace("We will", f"Row {n}: we will") for n in range(20)]
    with CaptureQueriesContext(connection) as queries:
        result = import_statements(file=csv_bytes(HEADER, *rows), dry_run=True)
    assert result.statements == 20
    # The lookup reads statements by speaker and date; every other read of the table is by id (saving a row).
    statement_reads = [q["sql"] for q in queries if 'FROM "statements_statement" WHERE' in q["sql"]]
    lookups = [sql for sql in statement_reads if '"statements_statement"."date" IN' in sql]
    assert len(lookups) == 4
    assert all('"statements_statement"."id" = ' in sql for sql in statement_reads if sql not in lookups)


# --- The management command -----------------------------------------------------------------------------


def test_command_imports_a_file(known, tmp_path, capsys):
    """`import_statements FILE` imports and says how many."""
    path = tmp_path / "statements.csv"
    path.write_bytes(csv_bytes(HEADER, GOOD_ROW))
    call_command("import_statements", str(path))
    assert f"Imported 1 draft statement from {path}." in capsys.readouterr().out
    assert Statement.objects.drafts().count() == 1


def test_command_dry_run_writes_nothing(known, tmp_path, capsys):
    """--dry-run reports and writes nothing."""
    path = tmp_path / "statements.csv"
    path.write_bytes(csv_bytes(HEADER, GOOD_ROW))
    call_command("import_statements", str(path), "--dry-run", "--publish")
    assert "Dry run: 1 published statement would be imported; nothing written." in capsys.readouterr().out
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (csv_bytes(HEADER, GOOD_ROW.replace("Anna Fictiva", "Nobody")), "row 2, column speaker: Unknown official"),
        (b"date;speaker;text\r\n", "separated by semicolons"),
    ],
)
def test_command_fails_with_the_errors_and_a_non_zero_exit(known, tmp_path, capsys, content, message):
    """Errors go to stderr, the command exits non-zero, nothing is written."""
    path = tmp_path / "statements.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_statements", str(path))
    assert message in capsys.readouterr().err
    assert Statement.objects.count() == 0


def test_command_reports_a_missing_file(tmp_path):
    """A path that cannot be read is a clear error, not a traceback."""
    with pytest.raises(CommandError, match="Cannot read .*missing.csv: No such file or directory"):
        call_command("import_statements", str(tmp_path / "missing.csv"))


def test_command_skips_duplicates_and_says_so(known, tmp_path, capsys):
    """The command names each duplicate row and how many were skipped; --keep-duplicates imports them."""
    path = tmp_path / "statements.csv"
    path.write_bytes(csv_bytes(HEADER, GOOD_ROW, GOOD_ROW, GOOD_ROW))
    call_command("import_statements", str(path))
    out = capsys.readouterr().out
    assert "row 3: same speaker, date and words as row 2 of this file: skipped." in out
    assert "Imported 1 draft statement from" in out and "Skipped 2 duplicate rows." in out
    call_command("import_statements", str(path), "--keep-duplicates")
    assert "Imported 3 draft statements" in capsys.readouterr().out
    assert Statement.objects.count() == 4


# --- Bounded cost ---------------------------------------------------------------------------------------------

# More rows in one batch cost no more queries: names are looked up, and statements, links and history written, per
# batch. The slack covers a row naming a source the others do not.
EXTRA_QUERIES_FOR_MORE_ROWS = 2


def import_queries(rows: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = [GOOD_ROW.replace("We will", f"Row {n}: we will").replace("Syria", "Syria; New topic") for n in range(rows)]
    with CaptureQueriesContext(connection) as queries:
        result = import_statements(file=csv_bytes(HEADER, *lines), create_missing=True, publish=True)
    assert (result.ok, result.statements) == (True, rows), result.messages()
    Statement.objects.all().delete()
    Topic.objects.filter(name="New topic").delete()
    return len(queries)


def test_the_import_query_count_does_not_grow_with_the_rows(known):
    """50 rows cost the same queries as 10: nothing is looked up, validated or saved one row at a time."""
    assert import_queries(50) <= import_queries(10) + EXTRA_QUERIES_FOR_MORE_ROWS


def test_imported_statements_have_their_creation_in_the_history_with_their_links(known):
    """One creation record per statement, holding its topics, countries and mentioned officials, by the importer."""
    from tests.factories import UserFactory

    user = UserFactory(username="importer")
    assert import_statements(file=csv_bytes(HEADER, GOOD_ROW), user=user).ok
    statement = Statement.objects.get()
    record = statement.history.get()
    assert (record.history_type, record.history_user, record.text) == ("+", user, statement.text)
    assert [link.topic.name for link in record.topics.all()] == ["Syria"]
    assert sorted(link.country.code for link in record.countries.all()) == ["RU", "SY"]
    # The denormalised copies are exact as inserted (the triggers would rewrite them otherwise).
    assert statement.topics_cache == f",{statement.topics.get().pk},"


def test_command_shows_progress_and_the_rate(known, tmp_path, capsys):
    """The command prints a progress line with rows/s on stderr and the rate it reached on stdout."""
    path = tmp_path / "statements.csv"
    path.write_bytes(csv_bytes(HEADER, GOOD_ROW))
    call_command("import_statements", str(path))
    out, err = capsys.readouterr()
    assert "1/1 rows" in err and "/s" in err
    assert "Read 1 row in " in out and "rows/s)." in out


def test_a_row_the_database_refuses_is_reported_and_nothing_is_written(known, monkeypatch):
    """A refusal by the database at the write (which the import's own checks should prevent) is reported against
    the batch's rows, on both databases, instead of failing the whole request."""
    from statements import bulk_insert

    row = bulk_insert.Table.row

    def with_an_unknown_status(self, values):
        if self.model is Statement:
            values = {**values, "status": "bogus"}  # refused by the status CheckConstraint
        return row(self, values)

    monkeypatch.setattr(bulk_insert.Table, "row", with_an_unknown_status)
    result = import_statements(file=csv_bytes(HEADER, GOOD_ROW))
    assert not result.ok
    assert "The database refused a row among rows" in " ".join(result.messages())
    assert not Statement.objects.exists()


# --- Other reports ---------------------------------------------------------------------------------------------------

REPORT_HEADER = "date,speaker,text,outlet,source_title,source_date,source_url,other_reports"


@pytest.fixture
def cnn_statement():
    """A published statement from CNN's transcript, the words a TASS row may repeat."""
    anna = OfficialFactory(name="Anna Fictiva", slug="anna-fictiva")
    cnn = SourceFactory(outlet=OutletFactory(name="CNN", slug="cnn"), title="Transcript", url="https://cnn.example/t")
    OutletFactory(name="TASS", slug="tass")
    return StatementFactory(speaker=anna, date=datetime.date(2016, 11, 11), text="Words said to CNN.", source=cnn)


TASS_ROW = "2016-11-11,Anna Fictiva,Words  said to CNN.,TASS,Peskov to CNN,2016-11-11,https://tass.example/1,"


@pytest.mark.parametrize(
    ("row", "offered"),
    [
        (TASS_ROW, True),  # another outlet's report of the same words
        ("2016-11-11,Anna Fictiva,Words said to CNN.,CNN,Transcript,2016-11-11,https://cnn.example/t,", False),
        ("2016-11-11,Anna Fictiva,Words said to CNN.,CNN,Other CNN page,2016-11-11,https://cnn.example/2,", False),
        ("2016-11-11,Anna Fictiva,Words said to CNN.,,,,,", False),  # no source: only a duplicate
    ],
)
def test_the_preview_offers_another_report_only_from_another_outlet(cnn_statement, row, offered):
    """A row repeating a stored statement's words from another outlet is offered as another report of it; from the
    same source or outlet, or with none, it is a duplicate as before. Nothing is written either way."""
    result = import_statements(file=csv_bytes(REPORT_HEADER, row), create_missing=True, dry_run=True)
    assert result.ok, result.messages()
    assert (result.skipped, result.report_offers, result.reports) == (1, int(offered), 0)
    message = result.duplicates[0].message
    assert (f"statement {cnn_statement.pk} (published)" in message) == (row != TASS_ROW or offered)
    assert ("can be added as another report of it" in message) == offered
    assert not Report.objects.exists() and Source.objects.count() == 1


def test_add_as_another_report_adds_the_source_to_the_stored_statement(cnn_statement):
    """With add_as_reports the row makes no statement: its source becomes another report of the stored one, once
    however many rows repeat it."""
    data = csv_bytes(REPORT_HEADER, TASS_ROW, TASS_ROW)
    result = import_statements(file=data, create_missing=True, add_as_reports=True)
    assert result.ok, result.messages()
    assert (result.statements, result.reports, result.skipped) == (0, 1, 1)
    assert Statement.objects.count() == 1
    report = Report.objects.get()
    assert (report.statement, report.source.outlet.name, report.text) == (cnn_statement, "TASS", "")
    again = import_statements(file=csv_bytes(REPORT_HEADER, TASS_ROW), add_as_reports=True)
    assert (again.reports, again.skipped) == (0, 1)  # already a report of it: a duplicate


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("TASS | Title | https://t.example", "is not a report as 'YYYY-MM-DD | outlet | title | URL'"),
        ("2016-11-10 | TASS | Title |", "Unknown source"),
        ("2016-11-11 | CNN | Transcript | https://cnn.example/t", "listed again as another report"),
        ("2016-11-10 | CNN | T | ; 2016-11-10 | CNN | T |", "listed twice"),
    ],
)
def test_a_bad_other_reports_cell_is_an_error_on_its_row(cnn_statement, cell, message):
    """A report not written as the export writes it, unknown without create_missing, the primary again or twice."""
    Source.objects.create(outlet=Outlet.objects.get(name="CNN"), title="T", published_on=datetime.date(2016, 11, 10))
    row = f'2016-11-11,Anna Fictiva,New words.,CNN,Transcript,2016-11-11,https://cnn.example/t,"{cell}"'
    result = import_statements(file=csv_bytes(REPORT_HEADER, row))
    assert [(error.column, message in error.message) for error in result.errors] == [("other_reports", True)]
    assert not Report.objects.exists()


def test_the_admin_preview_offers_add_as_another_report_and_the_confirm_adds_it(admin_client, cnn_statement):
    """The preview names the row and offers the choice; ticked on confirm, the import adds the report."""
    upload = io.BytesIO(csv_bytes(REPORT_HEADER, TASS_ROW))
    upload.name = "tass.csv"
    url = reverse("admin:statements_statement_import")
    preview = admin_client.post(url, {"file": upload, "create_missing": "on", "preview": "1"})
    page = preview.content.decode()
    assert f"statement {cnn_statement.pk} (published), already in the database, from another outlet (TASS)" in page
    assert 'name="add_as_reports"' in page
    sha256 = preview.context["sha256"]
    response = admin_client.post(url, {"confirm": "1", "sha256": sha256, "add_as_reports": "on"})
    assert response.status_code == 302
    assert Report.objects.get().statement == cnn_statement
    assert Statement.objects.count() == 1
