"""A statement's other reports: the rules that keep them apart from the primary source, the permalink's "Reported by",
and the outlet and language filters that match any report (docs/trust.md#other-reports)."""

import csv
import datetime
import html
import io
import re
import time
import types

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from statements import other_reports, planner
from statements.models import (
    PRIMARY_SOURCE_IS_NOT_A_REPORT,
    SOURCE_LISTED_AS_REPORT,
    Report,
    Source,
    Statement,
    StatementChange,
    Status,
)
from tests.admin_helpers import admin_url, change_form_data, user_with_role
from tests.factories import OutletFactory, SourceFactory, StatementFactory, TopicFactory
from tests.test_pages import PERMALINK_QUERIES
from tests.test_timeline import TIMELINE_QUERIES

pytestmark = pytest.mark.django_db

CNN_WORDS = "Syria is a burning issue, and we cannot afford a pause."


@pytest.fixture
def reported():
    """A statement from CNN's transcript (the primary), also reported by TASS in other words and by RIA as said."""
    cnn, tass, ria = (OutletFactory(name=name) for name in ("CNN", "TASS", "RIA Novosti"))
    transcript = SourceFactory(outlet=cnn, title="Transcript", published_on=datetime.date(2016, 11, 11), language="en")
    tass_report = SourceFactory(outlet=tass, title="Peskov to CNN", published_on=datetime.date(2016, 11, 10))
    ria_report = SourceFactory(
        outlet=ria, title="Peskov: Syria", published_on=datetime.date(2016, 11, 12), language="ru"
    )
    statement = StatementFactory(text=CNN_WORDS, source=transcript)
    Report.objects.create(
        statement=statement, source=tass_report, text="Syria is a burning issue and we can't afford any pause."
    )
    Report.objects.create(statement=statement, source=ria_report)
    return statement


# --- The rules ------------------------------------------------------------------------------------------------------


def test_a_report_of_the_primary_source_is_refused_with_a_message(reported):
    """clean() names the rule; the database refuses the row from any writer that skips clean()."""
    report = Report(statement=reported, source=reported.source)
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert error.value.message_dict["source"] == [PRIMARY_SOURCE_IS_NOT_A_REPORT]
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


def test_moving_a_report_onto_the_primary_source_is_refused_by_the_database(reported):
    """An UPDATE that gives a report its statement's primary source is refused, as the insert is."""
    report = reported.other_reports.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(source=reported.source)


def test_one_report_per_statement_and_source(reported):
    """The same source twice on a statement is refused, with the constraint's message."""
    again = Report(statement=reported, source=reported.other_reports.first().source)
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert "already listed as a report" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_a_primary_source_already_listed_as_a_report_is_refused_with_a_message(reported):
    """Making a listed report's source the primary one is refused by clean() and by the database: delete the report
    first."""
    statement = Statement.objects.get(pk=reported.pk)
    statement.source = reported.other_reports.first().source
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert error.value.message_dict["source"] == [SOURCE_LISTED_AS_REPORT]
    with pytest.raises(IntegrityError), transaction.atomic():
        statement.save()
    Report.objects.filter(statement=reported, source=statement.source).delete()
    statement.full_clean()
    statement.save()  # the report gone, the source can be the primary


def test_a_report_with_the_statement_words_keeps_no_wording_of_its_own(reported):
    """Words equal to the statement's, spacing aside, are cleared: only a wording that differs is kept."""
    report = Report(
        statement=reported, source=SourceFactory(), text="  Syria is a burning issue,\nand we cannot afford a pause."
    )
    report.full_clean()
    assert report.text == ""


def test_deleting_a_statement_deletes_its_reports_but_a_reported_source_stays_protected(reported):
    """A source cited by a report cannot be deleted under it; deleting the (draft) statement takes its reports."""
    source = reported.other_reports.first().source
    with pytest.raises(ProtectedError), transaction.atomic():
        source.delete()
    Statement.objects.filter(pk=reported.pk).update(status=Status.DRAFT)
    Statement.objects.get(pk=reported.pk).delete()
    assert not Report.objects.exists()


# --- The permalink --------------------------------------------------------------------------------------------------


def reported_by(page: str) -> list[str]:
    """The "Reported by" lines of a permalink, as text."""
    listed = re.search(r'<ol class="reports">(.*?)</ol>', page, re.S)
    assert listed, "no Reported by list"
    items = re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def test_the_permalink_lists_every_report_earliest_first(client, reported):
    """TASS (10 November) before CNN's transcript, the primary (11), before RIA (12)."""
    lines = reported_by(client.get(reported.get_absolute_url()).content.decode())
    assert [line.split(":")[0] for line in lines] == ["TASS", "CNN", "RIA Novosti"]
    assert "(primary source)" in lines[1] and "(primary source)" not in lines[0] + lines[2]
    assert "published 10 November 2016" in lines[0]


def test_the_permalink_shows_where_a_report_words_differ(client, reported):
    """The TASS wording is shown word by word against the statement's; RIA's, the same words, shows none."""
    page = client.get(reported.get_absolute_url()).content.decode()
    tass = re.search(r"<li>TASS.*?</li>", page, re.S).group(0)
    assert "<del>issue, and</del>" in tass or "<del>," in tass
    assert "<ins>can&#x27;t afford any</ins>" in tass
    ria = re.search(r"<li>RIA Novosti.*?</li>", page, re.S).group(0)
    assert "report__wording" not in ria


def test_a_report_wording_is_escaped(client, reported):
    """A wording is text: markup in it is shown, never run."""
    report = reported.other_reports.get(source__outlet__name="RIA Novosti")
    report.text = "Syria is <script>alert(1)</script> a burning issue"
    report.save()
    page = client.get(reported.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_statement_with_one_source_keeps_its_source_line(client):
    """Without other reports the permalink names its one source, as before."""
    statement = StatementFactory()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "<dt>Source</dt>" in page and "<dt>Reported by</dt>" not in page


@pytest.mark.parametrize("reports", [0, 1, 5])
def test_the_permalink_reads_reports_in_one_query_however_many(client, django_assert_num_queries, reports):
    """The other reports, with the passages around the wordings found in their sources, cost the permalink one query,
    whatever their number (PERMALINK_QUERIES counts it)."""
    statement = StatementFactory(topics=[TopicFactory()])
    for number in range(reports):
        kept = f"Paragraph {number}. Other words entirely, he said." if number % 2 else "Nothing alike."
        Report.objects.create(statement=statement, source=SourceFactory(text=kept), text="Other words entirely.")
    with django_assert_num_queries(PERMALINK_QUERIES):
        assert client.get(statement.get_absolute_url()).status_code == 200


# --- The API --------------------------------------------------------------------------------------------------------


def api_reports(body: dict) -> list[tuple]:
    return [
        (r["outlet"], r["outlet_slug"], r["published_on"], r["language"], r["wording"]) for r in body["other_reports"]
    ]


def test_the_api_lists_other_reports_earliest_first_with_their_own_wording(client, reported):
    """The detail, the list and the changes feed show the same reports: TASS (10 November) in its own words, then RIA
    (12 November) with the statement's words, so no wording; the primary stays in `source`."""
    detail = client.get(f"/api/statements/{reported.pk}/").json()
    assert api_reports(detail) == [
        ("TASS", "tass", "2016-11-10", "en", "Syria is a burning issue and we can't afford any pause."),
        ("RIA Novosti", "ria-novosti", "2016-11-12", "ru", ""),
    ]
    ria = reported.other_reports.get(source__outlet__name="RIA Novosti").source
    assert detail["other_reports"][1] == {
        "outlet": "RIA Novosti",
        "outlet_slug": "ria-novosti",
        "title": "Peskov: Syria",
        "url": ria.url,
        "published_on": "2016-11-12",
        "language": "ru",
        "medium": ria.medium,
        "venue": "",
        "wording": "",
    }
    assert detail["source"]["outlet"] == "CNN"
    listed = client.get("/api/statements/").json()["results"]
    changed = client.get("/api/statements/?updated_since=2000-01-01").json()["results"]
    assert [row["other_reports"] for row in listed] == [row["other_reports"] for row in changed]
    assert listed[0]["other_reports"] == detail["other_reports"]


def test_the_api_never_shows_a_draft_report_nor_a_source_kept_text(client, reported):
    """A draft's reports appear nowhere; the kept text of a report's source (the outlet's copyright) never does."""
    for report in reported.other_reports.all():
        report.source.text = f"KEPT TEXT OF {report.source.title}: {CNN_WORDS}"
        report.source.save()
    draft = StatementFactory(status=Status.DRAFT)
    Report.objects.create(statement=draft, source=SourceFactory(title="Draft-only report"), text="Draft wording.")
    for url in ("/api/statements/", f"/api/statements/{reported.pk}/", "/api/statements/?updated_since=2000-01-01"):
        body = client.get(url).content.decode()
        assert "Peskov to CNN" in body
        for secret in ("KEPT TEXT", "Draft-only report", "Draft wording."):
            assert secret not in body, (url, secret)
    assert client.get(f"/api/statements/{draft.pk}/").status_code == 404


# --- Each report's wording checked in its own source ----------------------------------------------------------------

TASS_TEXT = (
    "Peskov told CNN: \u201cIt [the war in Syria] is a burning issue and we can\u2019t afford any pause,\u201d he said."
)

# (label, the report's own wording, "" for the statement's words; its source's kept text; the check). The statement's
# words are CNN_WORDS.
WORDINGS = [
    ("curly quotes and apostrophe", "a burning issue and we can't afford any pause.", TASS_TEXT, "found"),
    ("ellipsis", "It ... is a burning issue … any pause", TASS_TEXT, "found"),
    ("bracketed insertion", "It [Syria] is a burning issue", TASS_TEXT, "found"),
    ("the statement's words", "", f"Peskov said: \u201c{CNN_WORDS}\u201d", "found"),
    ("a changed word", "a burning question and we can't afford any pause", TASS_TEXT, "not_found"),
    ("a translation", "Сирия — острейшая проблема, и мы не можем позволить себе паузу.", TASS_TEXT, "not_found"),
    ("no text kept", "a burning issue", "", "no_text"),
]


@pytest.mark.parametrize("text_first", [True, False], ids=["text kept first", "report added first"])
@pytest.mark.parametrize(("label", "wording", "source_text", "expected"), WORDINGS, ids=[w[0] for w in WORDINGS])
def test_a_report_wording_is_checked_in_its_own_source(text_first, label, wording, source_text, expected):
    """Each report's wording (its own, else the statement's) is checked like the primary quote, in its own source's
    kept text, whether the text was kept before the report was added or after."""
    statement = StatementFactory(text=CNN_WORDS)
    source = SourceFactory(text=source_text if text_first else "")
    report = Report.objects.create(statement=statement, source=source, text=wording)
    if not text_first:
        source.text = source_text
        source.save()
    report.refresh_from_db()
    assert report.verbatim == expected
    assert bool(report.verbatim_spans) == (expected == "found")
    assert Statement.objects.get(pk=statement.pk).verbatim == "no_text"  # the primary keeps no text


def test_a_report_is_checked_again_when_its_words_change(reported):
    """A new wording is checked; a report without one follows the statement's words when they change."""
    tass = reported.other_reports.get(source__outlet__name="TASS")
    ria = reported.other_reports.get(source__outlet__name="RIA Novosti")
    tass.source.text = TASS_TEXT
    tass.source.save()
    ria.source.text = f"Peskov: {CNN_WORDS}"
    ria.source.save()
    assert Report.objects.get(pk=tass.pk).verbatim == "not_found"  # "Syria is", where the text has "[…] is"
    tass.text = "a burning issue and we can't afford any pause"
    tass.save()
    assert Report.objects.get(pk=tass.pk).verbatim == "found"
    assert Report.objects.get(pk=ria.pk).verbatim == "found"
    statement = Statement.objects.get(pk=reported.pk)
    statement.text = "Syria is a burning issue for everyone."
    statement.save()
    assert Report.objects.get(pk=ria.pk).verbatim == "not_found"
    assert Report.objects.get(pk=tass.pk).verbatim == "found"  # its own wording, unchanged


def test_checking_a_report_again_stamps_no_statement_for_mirrors(reported):
    """A source's kept text edited changes no public content of the statements it reports: no stamp."""
    before = stamp(reported)
    time.sleep(0.002)
    ria = reported.other_reports.get(source__outlet__name="RIA Novosti")
    ria.source.text = f"Peskov: {CNN_WORDS}"
    ria.source.save()
    assert Report.objects.get(pk=ria.pk).verbatim == "found"
    assert stamp(reported) == before


def report_line(page: str, outlet: str) -> str:
    return " ".join(
        html.unescape(re.sub(r"<[^>]+>", "", re.search(rf"<li>{outlet}.*?</li>", page, re.S).group(0))).split()
    )


def test_the_permalink_says_what_each_report_check_found(client, reported):
    """Beside each report: found in its outlet's report with the passage, its words highlighted; not found; or
    nothing when its source keeps no text. The primary's check stays above the quote."""
    tass = reported.other_reports.get(source__outlet__name="TASS")
    tass.text = "a burning issue and we can't afford any pause"
    tass.save()
    tass.source.text = "Private opening paragraph.\n\n" + TASS_TEXT
    tass.source.save()
    ria = reported.other_reports.get(source__outlet__name="RIA Novosti")
    ria.source.text = "Песков: Сирия — острейшая проблема."
    ria.source.save()
    page = client.get(reported.get_absolute_url()).content.decode()
    tass_line = report_line(page, "TASS")
    assert "Found verbatim in TASS’s report, in its own words" in tass_line
    assert (
        "Peskov told CNN: “It [the war in Syria] is a burning issue and we can’t afford any pause,” he said."
        in tass_line
    )
    assert "<mark>a burning issue and we can’t afford any pause</mark>" in re.search(
        r"<li>TASS.*?</li>", page, re.S
    ).group(0)
    assert "Private opening" not in page
    assert "Not found verbatim in the kept text of RIA Novosti’s report" in report_line(page, "RIA Novosti")
    assert "verbatim" not in report_line(page, "CNN")


def test_a_paraphrase_reports_say_they_are_not_checked(client, reported):
    """A paraphrase is the reporter's words: its reports are not checked word for word either, and say so."""
    Statement.objects.filter(pk=reported.pk).update(kind="paraphrase")
    ria = reported.other_reports.get(source__outlet__name="RIA Novosti")
    ria.source.text = f"Peskov: {CNN_WORDS}"
    ria.source.save()
    line = report_line(client.get(reported.get_absolute_url()).content.decode(), "RIA Novosti")
    assert "A paraphrase: not checked word for word" in line and "Found verbatim" not in line


def test_the_admin_list_of_quotes_not_found_says_whose_words_are_missing(reported):
    """The Editors' list holds published direct quotes whose words, or one of whose reports' wording, are not found,
    and says which; not a draft's report, not a paraphrase's."""
    tass = reported.other_reports.get(source__outlet__name="TASS")
    tass.source.text = "Nothing of the kind was said."
    tass.source.save()
    primary_missing = StatementFactory(text="Words nobody said.", source=SourceFactory(text="Other words."))
    for status, kind in [(Status.DRAFT, "direct"), (Status.PUBLISHED, "paraphrase")]:
        unlisted = StatementFactory(status=status, kind=kind, text=CNN_WORDS)
        Report.objects.create(statement=unlisted, source=SourceFactory(text="Nothing of the kind."))
    editor = Client()
    editor.force_login(user_with_role("Editor"))
    response = editor.get(admin_url(Statement, "changelist"), {"verbatim": "published_not_found"})
    assert response.status_code == 200
    listed = {s.pk: response.context["cl"].model_admin.not_found_in(s) for s in response.context["cl"].result_list}
    assert listed == {reported.pk: "TASS’s report", primary_missing.pk: "its source (the quote)"}
    assert "not found verbatim in" in response.content.decode().lower()


# --- The outlet and language filters --------------------------------------------------------------------------------


@pytest.fixture
def outlets_world():
    """Statements whose primary is one outlet and whose other reports are others, a draft and a retraction among them.

    ids by name: "cnn" (primary CNN, reported by TASS in German), "tass" (primary TASS, another TASS report too),
    "plain" (primary RIA, no other report), "draft" and "retracted" (primary RIA, reported by TASS): never on a public
    list."""
    cnn, tass, ria = (OutletFactory(name=name) for name in ("CNN", "TASS", "RIA Novosti"))

    def source(outlet, language="en"):
        return SourceFactory(outlet=outlet, language=language)

    made = {
        "cnn": StatementFactory(source=source(cnn), date=datetime.date(2016, 11, 11)),
        "tass": StatementFactory(source=source(tass), date=datetime.date(2016, 11, 10)),
        "plain": StatementFactory(source=source(ria, "ru"), date=datetime.date(2016, 11, 9)),
        "draft": StatementFactory(source=source(ria, "ru"), status=Status.DRAFT),
        "retracted": StatementFactory(source=source(ria, "ru"), status=Status.RETRACTED, retraction_reason="Wrong."),
    }
    Report.objects.create(statement=made["cnn"], source=source(tass, "de"))
    Report.objects.create(statement=made["tass"], source=source(tass))  # TASS twice: listed once
    for name in ("draft", "retracted"):
        Report.objects.create(statement=made[name], source=source(tass, "de"))
    return {name: statement.pk for name, statement in made.items()}


def ids_on(client, surface: str, query: str) -> list[int]:
    """The statement ids a public surface lists for the query string, newest first."""
    if surface == "timeline":
        response = client.get(f"/?{query}")
        assert response.status_code == 200
        return [statement.pk for statement in response.context["page"].object_list]
    if surface == "csv":
        response = client.get(f"/export.csv?{query}")
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        return [int(row["id"]) for row in rows]
    if surface == "api":
        response = client.get(f"/api/statements/?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]
    response = client.get(f"/feed.atom?{query}")
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r"<id>[^<]*/statements/(\d+)/</id>", response.content.decode())]


# (query, the statements listed): by the primary report only ("outlet=cnn", "language=ru"), by another report only
# ("cnn" for TASS and German), by both from one outlet (TASS's own statement, listed once); drafts and retractions
# never.
FILTERS = [
    ("outlet=tass", ["cnn", "tass"]),
    ("outlet=cnn", ["cnn"]),
    ("outlet=ria-novosti", ["plain"]),
    ("outlet=tass&outlet=ria-novosti", ["cnn", "tass", "plain"]),
    ("language=de", ["cnn"]),
    ("language=ru", ["plain"]),
    ("language=en", ["cnn", "tass"]),
    ("outlet=tass&language=de", ["cnn"]),
    ("outlet=cnn&language=ru", []),
]


@pytest.mark.parametrize("surface", ["timeline", "csv", "api", "feed"])
@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_outlet_and_language_match_any_report_on_every_surface(client, outlets_world, surface, query, expected):
    """Each surface shares the FilterSet: a statement matches by its primary or another report, once, drafts and
    retractions never listed."""
    assert ids_on(client, surface, query) == [outlets_world[name] for name in expected]


@pytest.mark.parametrize(("shape", "sort"), [("listed", "newest"), ("walked", "oldest")])
@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_listing_and_walking_find_the_same_statements(client, outlets_world, monkeypatch, shape, sort, query, expected):
    """Whichever shape the planner chooses (is_common), and in either date order, they are found."""
    monkeypatch.setattr(planner, "is_common", lambda statements, count_up_to: shape == "walked")
    newest = [outlets_world[name] for name in expected]
    if sort == "newest":
        assert ids_on(client, "timeline", query) == newest
    else:
        assert ids_on(client, "timeline", f"{query}&sort=oldest") == newest[::-1]


@pytest.mark.parametrize("newest", [True, False])
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8])
def test_the_first_matches_merge_the_other_reports_in_date_order(newest, limit):
    """The timeline reads the primary matches and the few other reports' statements apart and merges them: the same
    first matches, in the same order and count, as the one query that matches either."""
    wire, other = OutletFactory(name="Wire"), OutletFactory(name="Other")
    for day in range(1, 9):
        statement = StatementFactory(
            source=SourceFactory(outlet=wire if day % 3 else other), date=datetime.date(2020, 1, day)
        )
        if day % 3 == 0 or day == 4:  # reported by Wire too: only that way (3, 6), or both ways (4)
            Report.objects.create(statement=statement, source=SourceFactory(outlet=wire))
    StatementFactory(source=SourceFactory(outlet=wire), date=datetime.date(2020, 1, 6))  # the same date, another id
    statements = Statement.objects.published().from_outlets([wire.pk])
    statements = statements.newest_first() if newest else statements.oldest_first()
    expected = [str(pk) for pk in statements.values_list("pk", flat=True)[:limit]]  # the OR, in one query
    found = statements.first_matches(limit)
    assert found.ids == expected
    assert len(found.speaker_ids) == len(found.dates) == len(found.topics) == len(expected)


@pytest.mark.parametrize(
    ("filtered", "today"),
    [
        (lambda q, outlets: q.from_outlets(outlets[:1]), lambda q, outlets: q.filter(outlet_cache=outlets[0])),
        (
            lambda q, outlets: q.from_outlets(outlets),
            lambda q, outlets: q.filter(outlet_cache__in=outlets),
        ),
    ],
)
def test_without_other_reports_the_query_is_today_s(filtered, today):
    """No other report from the outlets: not one condition more than before statements had other reports."""
    outlets = [OutletFactory().pk, OutletFactory().pk]
    StatementFactory()
    published = Statement.objects.published()
    assert str(filtered(published, outlets).query) == str(today(published, outlets).query)


def test_the_primary_part_is_the_query_without_other_reports(outlets_world):
    """The timeline's first part reads the query an outlet no other report names would (up to parentheses): the walk
    of the outlet's own index."""
    tass = Report.objects.values_list("source__outlet", flat=True).first()
    with_reports = Statement.objects.published().from_outlets([tass]).newest_first()
    (alternative,) = planner.also_reported_in(with_reports.query.where)
    primary = planner.reading_parts(with_reports, {alternative.key: 0})
    today = Statement.objects.published().filter(outlet_cache=tass).newest_first()
    assert re.sub("[()]", "", str(primary.query)) == re.sub("[()]", "", str(today.query))


def test_an_outlet_only_another_report_names_is_a_known_outlet(client, outlets_world):
    """The outlet filter accepts an outlet named only by another report of a public statement (not a 400)."""
    dpa = OutletFactory(name="DPA")
    Report.objects.create(statement_id=outlets_world["tass"], source=SourceFactory(outlet=dpa))
    assert ids_on(client, "timeline", "outlet=dpa") == [outlets_world["tass"]]
    only_draft = OutletFactory(name="Draft Only")
    Report.objects.create(statement_id=outlets_world["draft"], source=SourceFactory(outlet=only_draft))
    assert client.get("/?outlet=draft-only").status_code == 400


# One query reads the statements other reports name; a set found, the timeline reads its first matches in two parts.
OUTLET_QUERIES = TIMELINE_QUERIES + 1 + 1  # the outlets named, the other reports
OUTLET_QUERIES_REPORTED = OUTLET_QUERIES + 1


@pytest.mark.parametrize(
    ("query", "expected"), [("outlet=cnn", OUTLET_QUERIES), ("outlet=tass", OUTLET_QUERIES_REPORTED)]
)
def test_the_outlet_filter_reads_other_reports_in_one_query(
    client, django_assert_num_queries, outlets_world, query, expected
):
    """An outlet no other report names costs one query more than before; one that some name, the other reports' part
    of the first matches: never the count that steers the single query other surfaces read (planner.AlsoReported)."""
    with django_assert_num_queries(expected):
        assert client.get(f"/?{query}").status_code == 200


# --- The admin ------------------------------------------------------------------------------------------------------


def post_reports(client, statement, reports: list[tuple[int, str]], **changes):
    """Save the statement's admin page with new other reports (source id, own wording) added."""
    data = change_form_data(client.get(admin_url(Statement, "change", statement.pk)), **changes)
    start = int(data["other_reports-TOTAL_FORMS"])
    for number, (source, wording) in enumerate(reports, start=start):
        data[f"other_reports-{number}-source"] = str(source)
        data[f"other_reports-{number}-text"] = wording
    data["other_reports-TOTAL_FORMS"] = str(start + len(reports))
    return client.post(admin_url(Statement, "change", statement.pk), data)


def test_other_reports_of_a_published_statement_are_the_editors(client):
    """An Analyst sees them read-only and a POST is refused; an Editor adds one, its source by autocomplete."""
    published = StatementFactory()
    source = SourceFactory()
    client.force_login(user_with_role("Analyst"))
    page = client.get(admin_url(Statement, "change", published.pk))
    inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.prefix == "other_reports")
    assert not inline.has_add_permission and not inline.has_change_permission
    editor = Client()
    editor.force_login(user_with_role("Editor"))
    page = editor.get(admin_url(Statement, "change", published.pk)).content.decode()
    box = re.search(r"<select [^>]*other_reports-__prefix__-source[^>]*>", page).group(0)
    assert "admin-autocomplete" in box and 'aria-label="Source"' in box
    assert post_reports(editor, published, [(source.pk, "Other words.")]).status_code == 302
    assert Report.objects.get().source == source
    analyst_data = change_form_data(editor.get(admin_url(Statement, "change", published.pk)))
    assert client.post(admin_url(Statement, "change", published.pk), analyst_data).status_code == 403


def test_the_admin_says_why_a_report_of_the_primary_source_is_refused(client):
    """Choosing the statement's own source as another report is a message on the form, not a 500; nothing saved."""
    draft = StatementFactory(status=Status.DRAFT)
    client.force_login(user_with_role("Analyst"))
    response = post_reports(client, draft, [(draft.source_id, "")])
    assert response.status_code == 200
    assert html.escape(PRIMARY_SOURCE_IS_NOT_A_REPORT, quote=False) in response.content.decode().replace("&#x27;", "'")
    assert not Report.objects.exists()


def test_the_admin_says_why_a_listed_report_cannot_become_the_primary_source(client):
    """Changing the source to one listed as another report is refused with the message, the report kept."""
    draft = StatementFactory(status=Status.DRAFT)
    other = SourceFactory()
    Report.objects.create(statement=draft, source=other)
    client.force_login(user_with_role("Analyst"))
    response = post_reports(client, draft, [], source=str(other.pk))
    assert response.status_code == 200
    assert "listed as another report of this statement" in response.content.decode()
    assert Statement.objects.get(pk=draft.pk).source_id != other.pk


# --- Mirrors --------------------------------------------------------------------------------------------------------


def stamp(statement) -> object:
    return StatementChange.objects.filter(statement_id=statement.pk).values_list("changed_at", flat=True).first()


@pytest.mark.parametrize("change", ["add", "reword", "remove"])
def test_a_report_added_changed_or_removed_stamps_a_published_statement_for_mirrors(change):
    """The CSV row shows the other reports, so `updated_since` must list the statement again; a draft has no row."""
    published, draft = StatementFactory(), StatementFactory(status=Status.DRAFT)
    report = Report.objects.create(statement=published, source=SourceFactory()) if change != "add" else None
    before = stamp(published)
    time.sleep(0.002)
    if change == "add":
        Report.objects.create(statement=published, source=SourceFactory())
    elif change == "reword":
        Report.objects.filter(pk=report.pk).update(text="Other words.")
    else:
        report.delete()
    assert stamp(published) > before
    Report.objects.create(statement=draft, source=SourceFactory())
    assert stamp(draft) is None


# --- The upgrade ----------------------------------------------------------------------------------------------------

BEFORE_THE_CHECK = ("statements", "0036_codings_copy")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upgrade_checks_the_reports_whose_source_keeps_a_text_and_backs_out():
    """0037 checks each existing report whose source keeps a text (its own wording, else the statement's words), the
    others stay no_text; the rules' triggers still refuse a report of the primary source, a wording changed still
    stamps the statement and a check computed again does not; backwards and forwards again it leaves them working."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.test_denormalised import latest, migrate_to

    newest = latest()
    try:
        migrate_to([BEFORE_THE_CHECK])
        apps = MigrationExecutor(connection).loader.project_state([BEFORE_THE_CHECK]).apps
        model = apps.get_model
        speaker = model("statements", "Official").objects.create(name="Fictional", slug="fictional")
        outlet = model("statements", "Outlet").objects.create(name="Wire", slug="wire")

        def source(title, text=""):
            return model("statements", "Source").objects.create(
                outlet=outlet, title=title, published_on=datetime.date(2020, 1, 1), text=text
            )

        statement = model("statements", "Statement").objects.create(
            speaker=speaker,
            date=datetime.date(2020, 1, 1),
            text=CNN_WORDS,
            source=source("Primary"),
            status="published",
        )
        made = {
            label: model("statements", "Report").objects.create(
                statement=statement, source=source(label, kept), text=own
            )
            for label, kept, own in [
                ("found", TASS_TEXT, "a burning issue and we can't afford any pause"),
                ("statement's words", f"He said: {CNN_WORDS}", ""),
                ("not found", "Nothing of the kind.", ""),
                ("no text", "", "Other words."),
            ]
        }
        migrate_to(newest)
        checks = {label: Report.objects.get(pk=report.pk).verbatim for label, report in made.items()}
        assert checks == {
            "found": "found",
            "statement's words": "found",
            "not found": "not_found",
            "no text": "no_text",
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(statement_id=statement.pk, source_id=statement.source_id)
        before = stamp(statement)
        time.sleep(0.002)
        Report.objects.filter(pk=made["no text"].pk).update(verbatim_spans="", verbatim="not_found")
        assert stamp(statement) == before
        Report.objects.filter(pk=made["no text"].pk).update(text="Reworded.")
        assert stamp(statement) > before
        migrate_to([BEFORE_THE_CHECK])
        migrate_to(newest)
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(statement_id=statement.pk, source_id=statement.source_id)
    finally:
        migrate_to(newest)


# --- The copies of a report's source --------------------------------------------------------------------------------


def copies(report: Report) -> tuple[int | None, str]:
    return Report.objects.values_list("outlet_cache", "language_cache").get(pk=report.pk)


def test_a_report_s_copies_follow_its_source_from_any_writer():
    """Written, given another source, its source changed, or saved with stale copies: the report's copies of its
    source's outlet and language are the source's (statements/other_reports.py)."""
    tass, dpa = OutletFactory(name="TASS"), OutletFactory(name="DPA")
    first, second = SourceFactory(outlet=tass, language="ru"), SourceFactory(outlet=dpa, language="de")
    report = Report.objects.create(statement=StatementFactory(), source=first)
    assert copies(report) == (tass.pk, "ru")
    stale = Report.objects.get(pk=report.pk)
    Report.objects.filter(pk=report.pk).update(source=second)
    assert copies(report) == (dpa.pk, "de")
    stale.save()  # the copies it loaded, and its first source
    assert copies(report) == (tass.pk, "ru")
    first.outlet, first.language = dpa, "en"
    first.save()
    assert copies(report) == (dpa.pk, "en")
    Report.objects.filter(pk=report.pk).update(outlet_cache=None, language_cache="xx")  # written stale by hand
    assert copies(report) == (dpa.pk, "en")


def test_a_source_given_another_outlet_moves_its_reports_statements(client, outlets_world):
    """The filters read the copies: the TASS source of CNN's statement given to DPA, the statement is DPA's."""
    dpa = OutletFactory(name="DPA")
    Source.objects.filter(other_reports__statement_id=outlets_world["cnn"]).update(outlet=dpa)
    for source in Source.objects.filter(other_reports__statement_id=outlets_world["cnn"]):
        source.save()  # through the ORM too, as the admin does
    assert ids_on(client, "timeline", "outlet=dpa") == [outlets_world["cnn"]]
    assert ids_on(client, "timeline", "outlet=tass") == [outlets_world["tass"]]


def test_a_statement_given_another_date_passes_it_to_its_reports():
    """The copy of the statement's date, which bounds the other reports' part of the timeline's first matches,
    follows the statement from any writer."""
    statement = StatementFactory(date=datetime.date(2020, 1, 1))
    report = Report.objects.create(statement=statement, source=SourceFactory())
    statement.date = datetime.date(2021, 6, 1)
    statement.save()
    assert Report.objects.get(pk=report.pk).statement_date == datetime.date(2021, 6, 1)
    Statement.objects.filter(pk=statement.pk).update(date=datetime.date(2019, 2, 3))
    assert Report.objects.get(pk=report.pk).statement_date == datetime.date(2019, 2, 3)


def test_the_migration_fills_the_copies_of_reports_written_before_it():
    """Migration 0038 on a database with reports: each gets its source's outlet and language and its statement's date,
    and the triggers then keep them."""
    outlet = OutletFactory(name="Before")
    statement = StatementFactory(date=datetime.date(2018, 3, 4))
    report = Report.objects.create(statement=statement, source=SourceFactory(outlet=outlet, language="fr"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no ALTER TABLE with deferred checks pending, as between migrations
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        editor = types.SimpleNamespace(connection=connection, execute=cursor.execute)
        other_reports.drop_copies(editor)
        cursor.execute(
            "INSERT INTO statements_report (statement_id, source_id, text, created_at, verbatim, verbatim_spans)"
            " VALUES (%s, %s, '', %s, 'no_text', '')",
            [statement.pk, SourceFactory(outlet=outlet, language="de").pk, datetime.datetime(2020, 1, 1)],
        )
        other_reports.create_copies(editor)
    written = Report.objects.exclude(pk=report.pk).get(statement=statement)
    assert copies(report) == (outlet.pk, "fr") and copies(written) == (outlet.pk, "de")
    assert {r.statement_date for r in Report.objects.filter(statement=statement)} == {datetime.date(2018, 3, 4)}
    Report.objects.filter(pk=written.pk).update(language_cache="xx")
    assert copies(written) == (outlet.pk, "de")
