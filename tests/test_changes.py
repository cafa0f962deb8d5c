"""`updated_since=`: every public change once, in keyset pages that never skip or repeat, tombstones, no drafts."""

import csv
import datetime
import io
import time

import pytest
from django.db import connection

from statements.changes import Position
from statements.exports import CHANGES_COLUMN_NAMES
from statements.models import Kind, Statement, StatementChange, Status
from statements.positions.codebook import SpeechAct
from statements.positions.models import Coding, LinkKind, StatementLink
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db

API = "/api/statements/"
# A changes page: the horizon (PostgreSQL only), the log, the statements (with speaker, source, outlet and role), and
# one prefetch each for topics, countries, officials mentioned, other reports, codings, links to earlier and from
# later statements.
CHANGES_PAGE_QUERIES = 10 if connection.vendor == "postgresql" else 9
# The same as CSV: the horizon (PostgreSQL only), the log, and one query for the statements' cells.
CHANGES_CSV_QUERIES = 3 if connection.vendor == "postgresql" else 2


def mark() -> str:
    """A moment after every stamp so far: what a mirror passes as `updated_since` once it has seen them."""
    latest = StatementChange.objects.order_by("-changed_at").values_list("changed_at", flat=True).first()
    moment = latest or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    time.sleep(0.002)  # SQLite stamps to the millisecond: the change below must stamp later than `moment`
    return moment.isoformat()


def follow(client, url: str) -> list[dict]:
    """Every result from `url`, following `next` until a page says no more follow."""
    results = []
    for _ in range(100):
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        if not body["more"]:
            return results
        url = body["next"]
    raise AssertionError("the cursor does not advance")


def changes(client, since: str, **params) -> list[dict]:
    query = "&".join(f"{name}={value}" for name, value in {"updated_since": since, **params}.items())
    return follow(client, f"{API}?{query.replace('+', '%2B')}")


def ids(results: list[dict]) -> list[tuple[int, bool]]:
    return [(result["id"], result["tombstone"]) for result in results]


def edit(**fields):
    def change(statement):
        for name, value in fields.items():
            setattr(statement, name, value)
        statement.save()

    return change


def add_topic(statement):
    statement.topics.add(TopicFactory())


def remove_topic(statement):
    statement.topics.clear()


def add_country(statement):
    statement.countries.add(country("FR"))


def mention(statement):
    statement.mentioned_officials.add(OfficialFactory())


def rename_speaker(statement):
    statement.speaker.name = "Renamed Official"
    statement.speaker.save()


def rename_mentioned(statement):
    official = statement.mentioned_officials.get()
    official.name = "Renamed Mention"
    official.save()


def new_source(statement):
    statement.source = SourceFactory()
    statement.save()


def retitle_source(statement):
    statement.source.title = "A corrected title"
    statement.source.save()


def republish(statement):
    statement.status = Status.DRAFT
    statement.save()
    statement.status = Status.PUBLISHED
    statement.save()


CHANGES = [
    ("words", edit(text="New words, as corrected.")),
    ("kind", edit(kind=Kind.PARAPHRASE)),
    ("date", edit(date=datetime.date(2016, 11, 12))),
    ("original words", edit(original_text="Новые слова", original_language="ru")),
    ("speaker", lambda s: edit(speaker=OfficialFactory())(s)),
    ("topic added", add_topic),
    ("topics removed", remove_topic),
    ("country added", add_country),
    ("official mentioned", mention),
    ("speaker renamed", rename_speaker),
    ("official mentioned renamed", rename_mentioned),
    ("another source", new_source),
    ("source retitled", retitle_source),
    ("back to draft and published again", republish),
]


@pytest.mark.parametrize(("label", "change"), CHANGES, ids=[label for label, _ in CHANGES])
def test_each_public_change_is_listed_once(client, label, change):
    """A change a mirror must hear of lists the statement once, as it is now; the statements left alone do not."""
    statement = StatementFactory(topics=[TopicFactory()], mentioned_officials=[OfficialFactory()])
    StatementFactory(speaker=statement.speaker, source=statement.source)  # a neighbour: same speaker and source
    since = mark()
    # Renaming the speaker or retitling the source changes what the neighbour shows too.
    neighbours = 2 if label in ("speaker renamed", "source retitled") else 1
    change(Statement.objects.get(pk=statement.pk))
    results = changes(client, since)
    assert [result["id"] for result in results].count(statement.pk) == 1
    assert len(results) == neighbours
    listed = next(result for result in results if result["id"] == statement.pk)
    assert listed["tombstone"] is False
    assert listed["text"] == Statement.objects.get(pk=statement.pk).text


def note_edit(statement):
    statement.note = "An internal note."
    statement.save()


def plain_save(statement):
    statement.save()


def same_topics(statement):
    statement.topics.set(list(statement.topics.all()))


def draft_edit(statement):
    statement.status = Status.DRAFT
    statement.save()
    mark()  # the withdrawal is listed; what follows is not
    statement.text = "Edited while in draft."
    statement.save()
    statement.topics.add(TopicFactory())


NOT_CHANGES = [
    ("analyst note", note_edit),
    ("saved with nothing changed", plain_save),
    ("the same topics set again", same_topics),
]


@pytest.mark.parametrize(("label", "change"), NOT_CHANGES, ids=[label for label, _ in NOT_CHANGES])
def test_what_the_public_does_not_see_is_not_a_change(client, label, change):
    statement = StatementFactory(topics=[TopicFactory()])
    since = mark()
    change(Statement.objects.get(pk=statement.pk))
    assert changes(client, since) == []


def retract(statement):
    statement.status = Status.RETRACTED
    statement.retraction_reason = "The source withdrew its report."
    statement.save()


def unpublish(statement):
    statement.status = Status.DRAFT
    statement.save()


def delete(statement):
    statement.delete()


WITHDRAWALS = [("retracted", retract), ("back to draft", unpublish), ("deleted", delete)]


@pytest.mark.parametrize(("label", "withdraw"), WITHDRAWALS, ids=[label for label, _ in WITHDRAWALS])
def test_a_withdrawn_statement_comes_back_as_a_tombstone(client, label, withdraw):
    """Retracted, unpublished or deleted: its id and when, and nothing of what it said."""
    statement = StatementFactory(text="Words that must not be repeated.")
    since = mark()
    withdraw(Statement.objects.get(pk=statement.pk))
    [tombstone] = changes(client, since)
    assert set(tombstone) == {"id", "tombstone", "withdrawn_at"}
    assert tombstone["id"] == statement.pk and tombstone["tombstone"] is True
    withdrawn_at = datetime.datetime.fromisoformat(tombstone["withdrawn_at"])
    assert withdrawn_at > datetime.datetime.fromisoformat(since)


def test_a_withdrawn_statement_edited_in_draft_is_one_tombstone(client):
    statement = StatementFactory()
    since = mark()
    draft_edit(Statement.objects.get(pk=statement.pk))
    assert ids(changes(client, since)) == [(statement.pk, True)]


def code(statement):
    Coding.objects.create(statement=statement, target_country=country("US"), stance=-1, act=SpeechAct.CRITICISE)


def recode(statement):
    Coding.objects.filter(statement=statement).update(stance=-2, act=SpeechAct.THREATEN)


def uncode(statement):
    Coding.objects.filter(statement=statement).delete()


# (what is done to a statement's coding, whether it starts coded)
CODING_CHANGES = [("coded", code, False), ("coding changed", recode, True), ("coding removed", uncode, True)]


@pytest.mark.parametrize(("label", "change", "coded"), CODING_CHANGES, ids=[label for label, _, _ in CODING_CHANGES])
def test_a_coding_added_changed_or_removed_lists_its_published_statement(client, label, change, coded):
    """The API shows a statement's codings: a change to one lists it again, with its codings as they are now; a draft's
    or a retracted statement's codings change nothing the public sees."""
    published, draft = StatementFactory(), StatementFactory(status=Status.DRAFT)
    retracted = StatementFactory(status=Status.RETRACTED, retraction_reason="Misattributed.")
    for statement in (published, draft, retracted) if coded else ():
        code(statement)
    since = mark()
    for statement in (published, draft, retracted):
        change(statement)
    [listed] = changes(client, since)
    assert listed["id"] == published.pk and not listed["tombstone"]
    assert len(listed["codings"]) == Coding.objects.filter(statement=published).count()


def test_a_link_added_changed_or_removed_lists_both_its_statements(client):
    """A typed link shows on both statements (one "responds to", the other "answered by"): each change to it lists
    both again; a link to a draft lists only the published end (the draft is not public)."""
    earlier = StatementFactory(date=datetime.date(2016, 11, 1))
    later = StatementFactory(date=datetime.date(2016, 11, 11))
    draft = StatementFactory(status=Status.DRAFT, date=datetime.date(2016, 10, 1))
    for step in ("add", "change", "remove"):
        since = mark()
        if step == "add":
            StatementLink.objects.create(statement=later, kind=LinkKind.RESPONDS_TO, linked=earlier)
        elif step == "change":
            StatementLink.objects.filter(statement=later).update(kind=LinkKind.CONTRADICTS)
        else:
            StatementLink.objects.filter(statement=later).delete()
        assert sorted(ids(changes(client, since))) == sorted([(earlier.pk, False), (later.pk, False)]), step
    since = mark()
    StatementLink.objects.create(statement=earlier, kind=LinkKind.REITERATES, linked=draft)
    assert ids(changes(client, since)) == [(earlier.pk, False)]


def test_drafts_never_appear_not_even_as_tombstones(client):
    """A draft never published is not a change, nor is its deletion: the public never knew it."""
    since = mark()
    draft = StatementFactory(status=Status.DRAFT, text="A draft nobody may see.")
    draft.text = "Edited"
    draft.save()
    draft.topics.add(TopicFactory())
    draft.delete()
    StatementFactory(status=Status.DRAFT)
    assert changes(client, since) == []
    response = client.get(f"/export.csv?updated_since={since.replace('+', '%2B')}")
    assert list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))) == []


def test_pages_never_skip_or_repeat_while_rows_change_between_them(client):
    """Follow the cursor 3 at a time while statements are edited, published, withdrawn and deleted between pages:
    every position is after the previous one, and what the mirror ends with is exactly the published set."""
    statements = [StatementFactory() for _ in range(8)]
    since = "2000-01-01T00:00:00Z"
    mirror: dict[int, str] = {}
    seen: list[tuple[int, str]] = []
    url = f"{API}?updated_since={since}&page_size=3"

    def between(step: int):
        if step == 0:  # one already listed is edited; one not yet listed is edited
            edit(text="Edited after it was listed.")(Statement.objects.get(pk=statements[0].pk))
            edit(text="Edited before it was listed.")(Statement.objects.get(pk=statements[6].pk))
        if step == 1:  # one listed is deleted; one not yet listed is retracted; a new one is published
            Statement.objects.get(pk=statements[1].pk).delete()
            retract(Statement.objects.get(pk=statements[7].pk))
            statements.append(StatementFactory())
        if step == 2:
            Statement.objects.get(pk=statements[4].pk).topics.add(TopicFactory())

    for step in range(20):
        body = client.get(url).json()
        for result in body["results"]:
            stamp = result["withdrawn_at"] if result["tombstone"] else result["changed_at"]
            seen.append((result["id"], stamp))
            if result["tombstone"]:
                mirror.pop(result["id"], None)
            else:
                mirror[result["id"]] = result["text"]
        if not body["more"] and step > 2:
            break
        between(step)
        url = body["next"]
    positions = [(datetime.datetime.fromisoformat(stamp), pk) for pk, stamp in seen]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert mirror == dict(Statement.objects.published().values_list("pk", "text"))
    # Each statement is listed once per change it had: the two edited after being listed, twice.
    assert [pk for pk, _ in seen].count(statements[0].pk) == 2
    assert [pk for pk, _ in seen].count(statements[6].pk) == 1


def test_next_is_always_given_so_a_mirror_can_come_back(client):
    StatementFactory()
    body = client.get(f"{API}?updated_since=2000-01-01").json()
    assert len(body["results"]) == 1 and body["more"] is False
    later = StatementFactory()
    again = client.get(body["next"]).json()
    assert ids(again["results"]) == [(later.pk, False)]
    assert client.get(again["next"]).json()["results"] == []


BAD_REQUESTS = [
    ("updated_since=yesterday", "is not an ISO 8601 date and time"),
    ("updated_since=2026-13-01", "is not an ISO 8601 date and time"),
    ("updated_since=", "Give a moment in ISO 8601"),
    ("updated_since=0001-01-01T00:00:00%2B01:00", "is not an ISO 8601 date and time"),
    ("updated_since=2026-12-01&speaker=nobody", "cannot be combined with speaker"),
    ("updated_since=2026-12-01&sort=oldest", "cannot be combined with sort"),
]


@pytest.mark.parametrize(("query", "message"), BAD_REQUESTS)
def test_a_malformed_updated_since_is_a_400_with_the_message(client, query, message):
    response = client.get(f"{API}?{query}")
    assert response.status_code == 400
    assert message in response.json()["updated_since"][0]
    response = client.get(f"/export.csv?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        Position(datetime.datetime(2026, 1, 1), 3).encode(),  # no time zone: not one of ours
        Position(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), 10**30).encode(),  # no such id in a bigint
        "x" * 101,
    ],
)
def test_a_cursor_not_ours_is_a_404(client, cursor):
    response = client.get(f"{API}?updated_since=2026-01-01&cursor={cursor}")
    assert response.status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_a_changes_page_costs_the_same_queries_whatever_its_size(client, django_assert_num_queries, n):
    for _ in range(n):
        StatementFactory(topics=[TopicFactory()], countries=[country("RU")], mentioned_officials=[OfficialFactory()])
    retract(StatementFactory())
    with django_assert_num_queries(CHANGES_PAGE_QUERIES):
        response = client.get(f"{API}?updated_since=2000-01-01")
    assert len(response.json()["results"]) == n + 1


def test_the_csv_lists_changes_and_tombstones_oldest_first(client):
    """The file parses back: each change a row of the usual columns plus changed_at; a tombstone the id and
    withdrawn_at only."""
    kept = StatementFactory(text="Still published.", topics=[TopicFactory(name="Sanctions")])
    gone = StatementFactory(text="Retracted words.")
    since = mark()
    edit(text="Corrected words.")(Statement.objects.get(pk=kept.pk))
    retract(Statement.objects.get(pk=gone.pk))
    response = client.get(f"/export.csv?updated_since={since.replace('+', '%2B')}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "Retracted words." not in text
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == CHANGES_COLUMN_NAMES
    first, second = list(reader)
    assert (first["id"], first["text"], first["topics"], first["withdrawn_at"]) == (
        str(kept.pk),
        "Corrected words.",
        "Sanctions",
        "",
    )
    assert first["changed_at"].endswith("Z")
    assert second["id"] == str(gone.pk) and second["withdrawn_at"] and second["changed_at"] == ""
    assert {name for name, value in second.items() if value} == {"id", "withdrawn_at"}


BEFORE_THE_LOG = ("statements", "0026_source_text_and_verbatim_check")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upgrade_logs_public_statements_and_backs_out():
    """0027 logs each published statement at its updated_at and each retracted one as a tombstone, drafts not at
    all; its triggers then keep the log; backwards it leaves a database whose statements save as before."""
    from django.db.migrations.executor import MigrationExecutor

    from tests.test_denormalised import latest, migrate_to

    newest = latest()
    try:
        migrate_to([BEFORE_THE_LOG])
        apps = MigrationExecutor(connection).loader.project_state([BEFORE_THE_LOG]).apps
        old = apps.get_model("statements", "Statement")
        speaker = apps.get_model("statements", "Official").objects.create(name="Fictional", slug="fictional")
        outlet = apps.get_model("statements", "Outlet").objects.create(name="Wire", slug="wire")
        source = apps.get_model("statements", "Source").objects.create(
            outlet=outlet, title="Report", published_on=datetime.date(2020, 1, 1)
        )
        made = {
            status: old.objects.create(
                speaker=speaker,
                date=datetime.date(2020, 1, 1),
                text=status,
                source=source,
                status=status,
                retraction_reason="Withdrawn by the outlet." if status == "retracted" else "",
            )
            for status in ("published", "retracted", "draft")
        }
        migrate_to(newest)
        log = {row.statement_id: row for row in StatementChange.objects.all()}
        assert set(log) == {made["published"].pk, made["retracted"].pk}
        assert log[made["published"].pk].withdrawn is False and log[made["retracted"].pk].withdrawn is True
        saved_at = Statement.objects.get(pk=made["published"].pk).updated_at
        assert abs(log[made["published"].pk].changed_at - saved_at) < datetime.timedelta(milliseconds=1)
        edit(text="Edited after the upgrade.")(Statement.objects.get(pk=made["published"].pk))
        assert StatementChange.objects.get(statement_id=made["published"].pk).changed_at > saved_at
        migrate_to([BEFORE_THE_LOG])
        old = (
            MigrationExecutor(connection)
            .loader.project_state([BEFORE_THE_LOG])
            .apps.get_model("statements", "Statement")
        )
        old.objects.filter(pk=made["published"].pk).update(text="Edited without the log.")
        old.objects.filter(pk=made["draft"].pk).delete()
    finally:
        migrate_to(newest)


@pytest.mark.parametrize("n", [1, 12])
def test_the_changes_csv_costs_the_same_queries_whatever_its_length(client, django_assert_num_queries, n):
    """One page of the log and one query for its statements' cells (and the horizon on PostgreSQL)."""
    for _ in range(n):
        StatementFactory(topics=[TopicFactory()], countries=[country("RU")])
    retract(StatementFactory())
    with django_assert_num_queries(CHANGES_CSV_QUERIES):
        response = client.get("/export.csv?updated_since=2000-01-01")
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == n + 1
