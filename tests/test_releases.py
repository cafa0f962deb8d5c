"""Open-data releases: what a release holds, its manifest, verify_release, immutability, and the /data/ pages."""

import csv
import datetime
import fcntl
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from statements import releases
from statements.exports import CODING_COLUMNS, COLUMN_NAMES, COLUMNS, LINK_COLUMNS, unneutralise
from statements.models import Coding, Kind, Statement, StatementLink, Status
from statements.positions.models import LinkKind
from statements.releases import MANIFEST, ReleaseError, list_releases, write_release
from tests.browser import screenshot, serious_violations
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
TODAY = datetime.date(2026, 12, 7)
# The /data/ pages read the releases' manifests from disk, never the database.
DATA_PAGE_QUERIES = 0
SECRETS = {
    "the source's kept text": "SOURCE TEXT KEPT FOR CHECKING ONLY",
    "an analyst note": "ANALYST NOTE NEVER PUBLISHED",
    "a draft's words": "DRAFT WORDS NOT YET PUBLISHED",
    "a retracted statement's words": "RETRACTED WORDS WITHDRAWN",
    "a retraction's reason": "REASON FOR THE RETRACTION",
    "a synthetic statement's words": "SYNTHETIC WORDS MADE UP",
}


@pytest.fixture
def world():
    """Two published statements (one links to the other, both coded), and one of every kind a release leaves out."""
    source = SourceFactory(text="Peskov said: “" + SECRETS["the source's kept text"] + "”.")
    topic = TopicFactory(name="Syria")
    earlier = StatementFactory(
        date=datetime.date(2016, 11, 10),
        text="=1+1, he said.",
        source=source,
        note=SECRETS["an analyst note"],
        topics=[topic],
    )
    later = StatementFactory(date=datetime.date(2016, 11, 12), kind=Kind.PARAPHRASE, countries=[country("US")])
    draft = StatementFactory(status=Status.DRAFT, text=SECRETS["a draft's words"], date=datetime.date(2016, 11, 13))
    retracted = StatementFactory(
        status=Status.RETRACTED,
        text=SECRETS["a retracted statement's words"],
        retraction_reason=SECRETS["a retraction's reason"],
    )
    synthetic = StatementFactory(
        is_synthetic=True, text=SECRETS["a synthetic statement's words"], date=datetime.date(2016, 11, 14)
    )
    Coding.objects.create(statement=earlier, target_country=country("US"), stance=-1, act="criticise")
    Coding.objects.create(statement=later, target_official=OfficialFactory(name="Target Official"))
    Coding.objects.create(statement=draft, target_country=country("US"), stance=2, act="praise")
    Coding.objects.create(statement=synthetic, target_country=country("US"), stance=1, act="praise")
    StatementLink.objects.create(statement=later, linked=earlier, kind=LinkKind.RESPONDS_TO)
    StatementLink.objects.create(statement=draft, linked=earlier, kind=LinkKind.REITERATES)
    StatementLink.objects.create(statement=synthetic, linked=later, kind=LinkKind.CLARIFIES)
    return {"earlier": earlier, "later": later, "draft": draft, "retracted": retracted, "synthetic": synthetic}


@pytest.fixture
def root(tmp_path, settings):
    settings.RELEASES_ROOT = tmp_path / "releases"
    settings.SITE_URL = SITE
    return settings.RELEASES_ROOT


def release(root: Path, today: datetime.date = TODAY) -> releases.Release:
    return write_release(root=root, site_url=SITE, today=today)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_a_release_holds_published_statements_only_by_their_ids(world, root):
    """Published statements only, by their own ids: no draft, retracted or synthetic one."""
    made = release(root)
    published = [world["earlier"].pk, world["later"].pk]
    assert [int(row["id"]) for row in read_csv(made.path / "statements.csv")] == published
    lines = (made.path / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    assert [int(json.loads(line)["id"]) for line in lines] == published
    assert made.counts == {"statements": 2, "codings": 2, "links": 1}


@pytest.mark.parametrize("what", list(SECRETS))
def test_what_is_not_public_is_in_no_file(world, root, what):
    """Internal fields and statements that are not published appear in no file of a release."""
    made = release(root)
    for path in made.path.iterdir():
        assert SECRETS[what] not in path.read_text(encoding="utf-8"), path.name


def test_the_csv_is_the_export_row_for_row(world, root, client):
    """statements.csv reads back, with the csv module, as exactly the CSV export's rows of the same statements."""
    made = release(root)
    exported = list(csv.DictReader(io.StringIO(b"".join(client.get("/export.csv").streaming_content).decode())))
    released = read_csv(made.path / "statements.csv")
    assert list(released[0]) == list(COLUMN_NAMES)
    # The export also has the synthetic statement, which the timeline shows and a release leaves out.
    released_ids = {row["id"] for row in released}
    assert released == [row for row in sorted(exported, key=lambda row: int(row["id"])) if row["id"] in released_ids]
    # A cell a spreadsheet would run is neutralised in the CSV, and left as it is in JSON Lines.
    assert released[0]["text"] == "'=1+1, he said."
    records = [json.loads(line) for line in (made.path / "statements.jsonl").read_text().splitlines()]
    assert records[0] == {name: unneutralise(released[0][name]) for name in COLUMN_NAMES}
    assert records[0]["text"] == "=1+1, he said."


def test_codings_and_links_only_between_released_statements(world, root):
    """Codings and links of drafts and synthetic statements are left out; a stance stays a number. The files are
    the codings and links CSVs of the downloads (tests/test_export_codings.py checks every column)."""
    made = release(root)
    earlier, later = world["earlier"].pk, world["later"].pk
    first = ("statement_id", "target_type", "target_country_code", "target", "stance", "act", "permalink")
    assert [{name: row[name] for name in first} for row in read_csv(made.path / "codings.csv")] == [
        {
            "statement_id": str(earlier),
            "target_type": "country",
            "target_country_code": "US",
            "target": "United States",
            "stance": "-1",
            "act": "criticise",
            "permalink": f"{SITE}/statements/{earlier}/",
        },
        {
            "statement_id": str(later),
            "target_type": "official",
            "target_country_code": "",
            "target": "Target Official",
            "stance": "",
            "act": "",
            "permalink": f"{SITE}/statements/{later}/",
        },
    ]
    links = read_csv(made.path / "links.csv")
    assert [(row["statement_id"], row["kind"], row["linked_id"], row["linked_permalink"]) for row in links] == [
        (str(later), "responds_to", str(earlier), f"{SITE}/statements/{earlier}/")
    ]


@pytest.mark.parametrize(
    ("file", "columns"),
    [
        ("statements.csv", COLUMNS),
        ("statements.jsonl", COLUMNS),
        ("codings.csv", CODING_COLUMNS),
        ("links.csv", LINK_COLUMNS),
    ],
)
def test_the_data_dictionary_describes_every_column(world, root, file, columns):
    """The data dictionary lists each file's columns, in order, with the registry's descriptions."""
    rows = read_csv(release(root).path / "data-dictionary.csv")
    assert [(row["column"], row["description"]) for row in rows if row["file"] == file] == [
        (column.name, column.description) for column in columns
    ]


def test_the_manifest_lists_every_file_with_its_size_and_sha256(world, root):
    """Every other file of the release is in the manifest, with its true size and SHA-256."""
    made = release(root)
    listed = {entry["name"]: entry for entry in made.manifest["files"]}
    assert set(listed) == {path.name for path in made.path.iterdir()} - {MANIFEST}
    for name, entry in listed.items():
        data = (made.path / name).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert made.manifest_sha256 == hashlib.sha256((made.path / MANIFEST).read_bytes()).hexdigest()
    assert made.manifest["licence"]["id"] == "CC-BY-4.0"


def test_the_release_says_how_to_cite_it(world, root):
    """README and CITATION.cff name the release's number, date, licence and page."""
    made = release(root)
    cff = (made.path / "CITATION.cff").read_text()
    assert 'version: "1"' in cff and 'date-released: "2026-12-07"' in cff and "license: CC-BY-4.0" in cff
    readme = (made.path / "README.md").read_text()
    assert "(Release 1, December 7, 2026) [Data set]. http://testserver/data/1/" in readme


def test_verify_release_accepts_the_release_as_published(world, root):
    made = release(root)
    out = io.StringIO()
    call_command("verify_release", str(made.path), manifest_sha256=made.manifest_sha256, stdout=out)
    assert "every file matches" in out.getvalue()


def _change_a_byte(folder: Path, published_hash: str) -> None:
    path = folder / "statements.csv"
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))


def _remove_a_file(folder: Path, published_hash: str) -> None:
    (folder / "codings.csv").unlink()


def _add_a_file(folder: Path, published_hash: str) -> None:
    (folder / "extra.csv").write_text("id\n1\n")


def _rewrite_the_manifest_to_match(folder: Path, published_hash: str) -> None:
    """A changed file with a manifest rewritten to match: only the published hash catches it."""
    path = folder / "links.csv"
    path.write_text('"statement_id","kind","linked_id"\r\n')
    manifest = json.loads((folder / MANIFEST).read_text())
    for entry in manifest["files"]:
        if entry["name"] == "links.csv":
            entry.update(bytes=path.stat().st_size, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _remove_the_manifest(folder: Path, published_hash: str) -> None:
    (folder / MANIFEST).unlink()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_change_a_byte, "statements.csv differs from the manifest"),
        (_remove_a_file, "codings.csv is missing"),
        (_add_a_file, "extra.csv is not in the manifest"),
        (_rewrite_the_manifest_to_match, "manifest.json does not match the published SHA-256"),
        (_remove_the_manifest, "manifest.json is missing"),
    ],
)
def test_verify_release_reports_each_tampering(world, root, tamper, message):
    """A changed, missing or added file, or a rewritten manifest, fails verify_release with a message."""
    made = release(root)
    for path in [made.path, *made.path.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # a downloaded copy is writable
    tamper(made.path, made.manifest_sha256)
    with pytest.raises(CommandError, match=message):
        call_command("verify_release", str(made.path), manifest_sha256=made.manifest_sha256)


def test_verify_release_refuses_another_releases_hash(world, root):
    """The manifest of release 1 checked against the hash published for release 2 fails."""
    first, second = release(root), release(root)
    with pytest.raises(CommandError, match="does not match the published SHA-256"):
        call_command("verify_release", str(first.path), manifest_sha256=second.manifest_sha256)


def test_a_second_release_takes_the_next_number_and_leaves_the_first_alone(world, root):
    """Releases are numbered in order; writing one never changes another."""
    first = release(root, datetime.date(2026, 12, 6))
    before = {path.name: path.read_bytes() for path in first.path.iterdir()}
    StatementFactory(text="Published after the first release.")
    second = release(root)
    assert (first.number, first.name, second.number, second.name) == (1, "0001-2026-12-06", 2, "0002-2026-12-07")
    assert {path.name: path.read_bytes() for path in first.path.iterdir()} == before
    assert (second.counts["statements"], first.counts["statements"]) == (3, 2)
    assert [found.number for found in list_releases(root)] == [2, 1]
    assert all(path.stat().st_mode & 0o777 == 0o444 for path in first.path.iterdir())


def test_a_folder_named_like_a_release_is_never_written_over(world, root):
    """A folder that has a release's name, manifest or not, keeps its number: the next release goes after it."""
    root.mkdir()
    (root / "0004-2026-01-01").mkdir()
    (root / "0004-2026-01-01" / "notes.txt").write_text("kept")
    made = release(root)
    assert made.number == 5
    assert (root / "0004-2026-01-01" / "notes.txt").read_text() == "kept"


def test_a_release_whose_number_was_taken_meanwhile_is_dropped_whole(world, root, monkeypatch):
    """Another run that took the number first keeps its release; this one leaves nothing behind."""
    first = release(root)
    before = (first.path / "statements.csv").read_bytes()
    monkeypatch.setattr(releases, "next_number", lambda root: 1)
    with pytest.raises(ReleaseError, match="never written over"):
        release(root)
    assert sorted(path.name for path in root.iterdir()) == [releases.LOCK, first.name]
    assert (first.path / "statements.csv").read_bytes() == before


def test_two_releases_at_once_cannot_take_one_number(world, root):
    """While one run holds the folder's lock, another is refused and writes nothing."""
    root.mkdir()
    with open(root / releases.LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(CommandError, match="Another release is being written"):
            call_command("release", stdout=io.StringIO())
    assert list_releases(root) == []
    assert release(root).number == 1


def test_a_release_that_fails_part_way_leaves_nothing(world, root, monkeypatch):
    """A failure while writing removes the temporary folder: no half release, nothing for /data/ to list."""

    def fail(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(releases, "citation_cff", fail)
    with pytest.raises(CommandError, match="No release was written: disk full"):
        call_command("release", stdout=io.StringIO())
    assert [path.name for path in root.iterdir()] == [releases.LOCK]


def test_the_command_shows_its_progress(world, root):
    out = io.StringIO()
    call_command("release", stdout=out)
    assert "statements: 2 of 2 (100 %)" in out.getvalue()
    assert "Release 1 written to" in out.getvalue()


def test_the_data_page_lists_releases_with_sizes_and_checksums(world, root, client, django_assert_num_queries):
    """/data/ lists every release, newest first, each file's size and SHA-256, and each manifest's own SHA-256."""
    first, second = release(root), release(root)
    with django_assert_num_queries(DATA_PAGE_QUERIES):
        response = client.get(reverse("statements:data"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Release 2") < page.index("Release 1")
    for made in (first, second):
        assert made.manifest_sha256 in page
        for file in made.files:
            assert file.sha256 in page
            assert f'href="/data/files/{made.name}/{file.name}"' in page
            assert f'title="{file.bytes} bytes"' in page


def test_the_release_page_shows_its_files_and_citation(world, root, client, django_assert_num_queries):
    made = release(root)
    with django_assert_num_queries(DATA_PAGE_QUERIES):
        response = client.get(reverse("statements:data_release", args=[1]))
    page = response.content.decode()
    assert made.manifest_sha256 in page
    assert "(Release 1, December 7, 2026) [Data set]. http://testserver/data/1/" in page


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/data/latest/", "/data/2/"),
        ("/data/latest/statements.csv", "/data/files/0002-2026-12-07/statements.csv"),
        ("/data/latest/manifest.json", "/data/files/0002-2026-12-07/manifest.json"),
    ],
)
def test_latest_points_at_the_newest_release(world, root, client, url, target):
    release(root)
    release(root)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, target)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/data/9/", "There is no release “9”."),
        ("/data/first/", "There is no release “first”."),
        ("/data/latest/passwords.csv", "A release has no file “passwords.csv”."),
    ],
)
def test_an_unknown_release_or_file_is_a_404_with_a_message(world, root, client, url, message):
    release(root)
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()


@pytest.mark.parametrize("url", ["/data/latest/", "/data/latest/statements.csv"])
def test_latest_before_any_release_is_a_404_with_a_message(root, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "No release has been published yet." in response.content.decode()


def test_release_files_are_served_as_immutable_static_files(world, root, client):
    """The files come from disk through WhiteNoise, cached as immutable, typed; byte for byte the release's."""
    made = release(root)
    response = client.get(f"/data/files/{made.name}/statements.csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (made.path / "statements.csv").read_bytes()
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    partial = root / ".partial-abc"
    partial.mkdir()
    (partial / "statements.csv").write_text("half")
    for url in [
        "/data/files/.partial-abc/statements.csv",
        f"/data/files/{made.name}/../.partial-abc/statements.csv",
        f"/data/files/{made.name}/nothing.csv",
    ]:
        assert client.get(url).status_code == 404, url


def test_statement_ids_are_stable_across_releases(world, root):
    """A statement keeps its id, the tracker's own, from one release to the next."""
    first = read_csv(release(root).path / "statements.csv")
    Statement.objects.filter(pk=world["earlier"].pk).update(text="Corrected words.")
    second = read_csv(release(root).path / "statements.csv")
    assert [row["id"] for row in first] == [row["id"] for row in second]
    assert second[0]["permalink"] == f"{SITE}/statements/{world['earlier'].pk}/"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_finds_a_release_and_its_checksums_on_a_phone_and_a_desktop(live_server, page, world, root):
    """From the footer to /data/ and a release: checksums readable, nothing wider than a phone, no axe finding."""
    made = release(root)
    page.goto(live_server.url + "/")
    page.locator(".site-footer").get_by_role("link", name=re.compile(r"^Open data")).click()
    page.wait_for_url(re.compile(r"/data/$"))
    assert page.get_by_text(made.manifest_sha256).is_visible()
    screenshot(page, "data", widths=(390, 1280))
    page.get_by_role("link", name="Release 1").click()
    page.wait_for_url(re.compile(r"/data/1/$"))
    assert page.get_by_text("(Release 1, December 7, 2026) [Data set]").is_visible()
    screenshot(page, "data-release", widths=(390, 1280))
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="statements.csv").click()
    assert Path(download.value.path()).read_bytes() == (made.path / "statements.csv").read_bytes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_reads_one_snapshot_outside_a_transaction(root):
    """As cron runs it, outside any transaction: on PostgreSQL in a read-only snapshot; the release is whole."""
    statement = StatementFactory()
    call_command("release", stdout=io.StringIO())
    (made,) = list_releases(root)
    assert [row["id"] for row in read_csv(made.path / "statements.csv")] == [str(statement.pk)]
    assert verify_release_problems(made) == []


def verify_release_problems(made: releases.Release) -> list[str]:
    return releases.verify(made.path, manifest_sha256=made.manifest_sha256)
