"""Open-data releases: a dated, numbered, immutable folder of everything published, and its manifest (docs/releases.md).

A release is written into a hidden temporary folder beside the others and renamed into place only once every file and
the manifest are complete, so a crash or a kill leaves no half release where /data/ or a mirror would find it. A
release is never written over: the next one takes the next number.

The columns are the CSV export's registries (statements/exports.py: COLUMNS, CODING_COLUMNS, LINK_COLUMNS), so a
release's files are the downloads' formats, and the data dictionary is written from these registries.
"""

import datetime
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from .exports import (
    CODING_COLUMNS,
    COLUMN_NAMES,
    COLUMNS,
    LINK_COLUMNS,
    Column,
    PermalinkUrl,
    csv_line,
    export_queryset,
    neutralise,
    neutralised,
    neutralised_but_numbers,
    number_cells,
    permalink_url,
    table_queryset,
)
from .models import Coding, Statement, StatementLink

MANIFEST_FORMAT = 1
MANIFEST = "manifest.json"
# The release's folder: its number, four digits so that folders list in order, and its UTC date.
NAME_PATTERN = re.compile(r"(?P<number>\d{4,})-(?P<date>\d{4}-\d{2}-\d{2})")
TEMPORARY_PREFIX = ".partial-"
LOCK = ".lock"
# Rows read per database round trip, as the CSV export.
CHUNK_SIZE = 2000
# The files are written in pieces of about this many characters (each encoded, hashed and written at once).
WRITE_CHUNK = 256 * 1024
LICENCE_ID = "CC-BY-4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
TITLE = "Statement Tracker: statements by officials on international affairs"

# Each file of a release, in the manifest's order, and what it holds (the README and the data dictionary list them).
FILES = {
    "statements.csv": "Every published statement, one a row, in the format of the site's CSV export.",
    "statements.jsonl": "The same statements as JSON Lines: one object a line, with the same fields and values.",
    "codings.csv": "The stance and speech act of statements toward each target, as coded by the tracker's codebook.",
    "links.csv": "Typed links from a statement to an earlier one.",
    "data-dictionary.csv": "Every column of every file, with its meaning.",
    "README.md": "What this release is, how to cite it and how to check it.",
    "CITATION.cff": "How to cite this release, for reference managers and repositories.",
    "LICENCE.txt": "The licence of the data.",
}


class ReleaseError(Exception):
    """A release that cannot be written or read; the message says why."""


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Release:
    """A release found on disk: its folder and its manifest as published."""

    number: int
    date: datetime.date
    path: Path
    manifest: dict
    manifest_sha256: str
    manifest_bytes: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def files(self) -> list[ReleaseFile]:
        return [ReleaseFile(f["name"], f["bytes"], f["sha256"]) for f in self.manifest["files"]]

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files) + self.manifest_bytes

    @property
    def counts(self) -> dict[str, int]:
        return self.manifest.get("counts", {})


def release_name(number: int, date: datetime.date) -> str:
    return f"{number:04d}-{date.isoformat()}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_release(path: Path) -> Release | None:
    """The release in `path`, or None when it is not one (a temporary folder, a stray file, no manifest)."""
    match = NAME_PATTERN.fullmatch(path.name)
    manifest_file = path / MANIFEST
    if not match or not path.is_dir() or not manifest_file.is_file():
        return None
    raw = manifest_file.read_bytes()
    try:
        manifest = json.loads(raw)
        date = datetime.date.fromisoformat(match["date"])
    except ValueError:
        return None
    return Release(int(match["number"]), date, path, manifest, hashlib.sha256(raw).hexdigest(), len(raw))


def list_releases(root: Path) -> list[Release]:
    """The releases in `root`, newest (highest number) first."""
    if not root.is_dir():
        return []
    found = (read_release(path) for path in root.iterdir())
    return sorted((release for release in found if release), key=lambda release: release.number, reverse=True)


def next_number(root: Path) -> int:
    """One more than the highest number taken, by a release or by any folder that looks like one."""
    taken = [int(m["number"]) for p in root.iterdir() if (m := NAME_PATTERN.fullmatch(p.name))] if root.is_dir() else []
    return max(taken, default=0) + 1


class HashedFile:
    """A UTF-8 text file written in large pieces, its SHA-256 and size counted as it is written."""

    def __init__(self, path: Path):
        self.path = path
        # Closed by close(); after a failure the whole temporary folder is removed.
        self._file = open(path, "wb")  # noqa: SIM115
        self._digest = hashlib.sha256()
        self._pending: list[str] = []
        self._length = 0
        self.bytes = 0

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._length += len(text)
        if self._length >= WRITE_CHUNK:
            self._flush()

    def _flush(self) -> None:
        data = "".join(self._pending).encode()
        self._pending.clear()
        self._length = 0
        self._digest.update(data)
        self._file.write(data)
        self.bytes += len(data)

    def close(self) -> ReleaseFile:
        self._flush()
        self._file.close()
        return ReleaseFile(self.path.name, self.bytes, self._digest.hexdigest())


Progress = Callable[[str, int, int], None]


def released_statements(*, include_synthetic: bool = False):
    """What a release holds: published statements, never drafts or retracted ones; synthetic ones left out."""
    statements = Statement.objects.published()
    if not include_synthetic:
        statements = statements.filter(is_synthetic=False)
    return statements.order_by("id")


def write_release(
    *,
    root: Path,
    site_url: str,
    today: datetime.date | None = None,
    include_synthetic: bool = False,
    progress: Progress | None = None,
) -> Release:
    """Write the next release into `root` and return it. Reads one consistent state on PostgreSQL.

    `include_synthetic` is for the benchmark only (its million statements are all synthetic): a public release never
    holds made-up statements.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a") as lock:
        try:
            # Held until the release is in place: two runs at once would otherwise both take the next number.
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError("Another release is being written into this folder: wait for it to finish.") from None
        return _write_release(root, site_url, today, include_synthetic, progress)


def _write_release(
    root: Path, site_url: str, today: datetime.date | None, include_synthetic: bool, progress: Progress | None
) -> Release:
    today = today or datetime.datetime.now(datetime.UTC).date()
    number = next_number(root)
    name = release_name(number, today)
    about = {"number": number, "date": today, "site_url": site_url}
    partial = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=root))
    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Statements, codings and links from one snapshot; a read-only transaction takes no lock.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                counts, files = _write_files(partial, about, include_synthetic, progress)
        else:
            # SQLite: a transaction here would take the write lock (transaction_mode IMMEDIATE) for the whole run.
            # Codings and links are kept only for the statements written, so the files agree with each other.
            counts, files = _write_files(partial, about, include_synthetic, progress)
        manifest = {
            "format": MANIFEST_FORMAT,
            "title": TITLE,
            "release": number,
            "date": today.isoformat(),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "site": site_url,
            "licence": {"id": LICENCE_ID, "name": LICENCE_NAME, "url": LICENCE_URL},
            "counts": counts,
            "files": [{"name": f.name, "bytes": f.bytes, "sha256": f.sha256} for f in files],
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for path in partial.iterdir():
            path.chmod(0o444)  # never edited in place
        partial.chmod(0o755)  # mkdtemp makes it private; the web server reads it
        final = root / name
        if final.exists() or next_number(root) != number:
            raise ReleaseError(
                f"Release {number} was made while this one was written (outside this command's lock); a release is "
                "never written over. Run the release again."
            )
        # A rename within one folder: the release appears whole, or not at all. Onto a folder another run has just
        # made, it fails rather than replace it.
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    release = read_release(final)
    assert release is not None
    return release


def _write_files(
    folder: Path, about: dict, include_synthetic: bool, progress: Progress | None
) -> tuple[dict[str, int], list[ReleaseFile]]:
    site_url = about["site_url"]
    statements = released_statements(include_synthetic=include_synthetic)
    total = statements.count()
    released_ids = array("q")
    permalink = permalink_url(lambda path: site_url + path)
    rows = export_queryset(statements, permalink=permalink)
    csv_file, jsonl_file = HashedFile(folder / "statements.csv"), HashedFile(folder / "statements.jsonl")
    csv_file.write(csv_line(COLUMN_NAMES))
    id_index = COLUMN_NAMES.index("id")
    step = max(10_000, total // 20)
    to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    for done, row in enumerate(rows.iterator(chunk_size=CHUNK_SIZE), start=1):
        csv_file.write(csv_line(neutralised(row)))
        jsonl_file.write(to_json(dict(zip(COLUMN_NAMES, row, strict=True))) + "\n")
        released_ids.append(int(row[id_index]))
        if progress and done % step == 0:
            progress("statements", done, total)
    if progress:
        progress("statements", len(released_ids), total)
    files = [csv_file.close(), jsonl_file.close()]

    def released(*ids: int) -> bool:
        return all(_contains(released_ids, pk) for pk in ids)

    codings = Coding.objects.filter(statement__in=statements.values("pk")).order_by("statement_id", "id")
    coding_file, coding_count = _write_table(
        folder / "codings.csv", codings, CODING_COLUMNS, permalink, keep=lambda row: released(int(row[0]))
    )
    links = StatementLink.objects.filter(
        statement__in=statements.values("pk"), linked__in=statements.values("pk")
    ).order_by("statement_id", "id")
    link_file, link_count = _write_table(
        folder / "links.csv", links, LINK_COLUMNS, permalink, keep=lambda row: released(int(row[0]), int(row[2]))
    )
    files += [coding_file, link_file]
    if progress:
        progress("codings", coding_count, coding_count)
        progress("links", link_count, link_count)
    counts = {"statements": len(released_ids), "codings": coding_count, "links": link_count}
    files.append(_write_text(folder / "data-dictionary.csv", data_dictionary()))
    files.append(_write_text(folder / "README.md", readme(counts=counts, **about)))
    files.append(_write_text(folder / "CITATION.cff", citation_cff(**about)))
    files.append(_write_text(folder / "LICENCE.txt", licence_text()))
    return counts, files


def _contains(sorted_ids: array, pk: int) -> bool:
    at = bisect_left(sorted_ids, pk)
    return at < len(sorted_ids) and sorted_ids[at] == pk


def _write_table(
    path: Path, queryset, columns: tuple[Column, ...], permalink: PermalinkUrl, *, keep
) -> tuple[ReleaseFile, int]:
    rows = table_queryset(queryset, columns, permalink=permalink)
    numbers = number_cells(columns)
    out = HashedFile(path)
    out.write(csv_line([c.name for c in columns]))
    written = 0
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        if keep(row):
            out.write(csv_line(neutralised_but_numbers(row, numbers)))
            written += 1
    return out.close(), written


def _write_text(path: Path, text: str) -> ReleaseFile:
    out = HashedFile(path)
    out.write(text)
    return out.close()


def data_dictionary() -> str:
    """file, column, description for every column of every data file, from the registries."""
    lines = [csv_line(["file", "column", "description"])]
    tables = (("statements.csv", COLUMNS), ("statements.jsonl", COLUMNS), ("codings.csv", CODING_COLUMNS))
    for file, columns in (*tables, ("links.csv", LINK_COLUMNS)):
        lines += [csv_line([neutralise(file), neutralise(c.name), neutralise(c.description)]) for c in columns]
    return "".join(lines)


def _rows(items: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"| `{name}` | {text} |" for name, text in items)


def release_page(site_url: str, number: int) -> str:
    return f"{site_url}/data/{number}/"


def citation_text(*, number: int, date: datetime.date, site_url: str) -> str:
    """The release's reference, in APA's form for a data set (the title in italics where the text allows)."""
    day = f"{date:%B} {date.day}, {date.year}"
    page = release_page(site_url, number)
    return f"Statement Tracker. ({date.year}). {TITLE} (Release {number}, {day}) [Data set]. {page}"


def readme(*, counts: dict[str, int], number: int, date: datetime.date, site_url: str) -> str:
    return f"""# Statement Tracker open data, release {number} ({date.isoformat()})

An open-data release of the Statement Tracker ({site_url}): every statement published when the release was made,
with its codings and links. Drafts, retracted statements and made-up (synthetic) demonstration statements are not
in it. Its page: {release_page(site_url, number)}

- statements: {counts["statements"]:,}
- codings: {counts["codings"]:,}
- links between statements: {counts["links"]:,}

## Files

| file | what it holds |
|---|---|
{_rows(FILES.items())}
| `{MANIFEST}` | The size and SHA-256 of every other file. |

A statement's `id` is its id in the tracker and does not change from one release to the next: its page is
`{site_url}/statements/<id>/`. The CSV files are UTF-8, every cell in double quotes, lines ending in CRLF; a cell that
a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`…) starts with an added `'`. JSON Lines values
are not changed that way.

## Licence

The curated data is under the {LICENCE_NAME} licence ({LICENCE_URL}): share and adapt it for any purpose, crediting
the Statement Tracker and naming the release. The words quoted belong to their speakers and the reports to their
outlets.

## How to cite

{citation_text(number=number, date=date, site_url=site_url)}

`CITATION.cff` holds the same for reference managers. Cite a single statement by its page, which offers the
citation ready to copy.

## Checking the files

`{MANIFEST}` lists the size and SHA-256 of every other file; the SHA-256 of `{MANIFEST}` itself is published on
{site_url}/data/. With the tracker's code: `python manage.py verify_release <folder> --manifest-sha256 <hash>`;
without it, compare `sha256sum *` with the manifest.
"""


def citation_cff(*, number: int, date: datetime.date, site_url: str) -> str:
    return f"""cff-version: 1.2.0
message: "If you use this data, please cite it as below."
type: dataset
title: "{TITLE}"
version: "{number}"
date-released: "{date.isoformat()}"
authors:
  - name: "Statement Tracker"
license: {LICENCE_ID}
url: "{release_page(site_url, number)}"
"""


def licence_text() -> str:
    return f"""The data in this release (the statements as curated by the Statement Tracker, with their dates,
attributions, topics, countries, codings, links and source references) is licensed under the
{LICENCE_NAME} licence.

You may copy and redistribute it in any medium or format, and remix, transform and build upon it, for any purpose,
even commercially, as long as you give appropriate credit (name the Statement Tracker and the release), provide a
link to the licence, and indicate if changes were made.

The licence's full text: {LICENCE_URL}legalcode

The words quoted belong to their speakers and the reports to their outlets: the licence covers the curated record,
not the rights of others in the words or reports it refers to.
"""


def verify(folder: Path, *, manifest_sha256: str | None = None) -> list[str]:
    """What differs between a downloaded release and its manifest (and the manifest and its published hash); empty
    when the release is exactly as published."""
    manifest_file = folder / MANIFEST
    if not folder.is_dir():
        return [f"{folder} is not a folder."]
    if not manifest_file.is_file():
        return [f"{MANIFEST} is missing: a release is checked against its manifest."]
    problems = []
    if manifest_sha256 is not None and sha256_of(manifest_file) != manifest_sha256.strip().lower():
        problems.append(f"{MANIFEST} does not match the published SHA-256: it was changed, or is another release's.")
    try:
        listed = {f["name"]: f for f in json.loads(manifest_file.read_bytes())["files"]}
    except (ValueError, KeyError, TypeError) as error:
        return [*problems, f"{MANIFEST} cannot be read as a release manifest ({error})."]
    for name, expected in sorted(listed.items()):
        if "/" in name or "\\" in name or name.startswith("."):
            problems.append(f"{MANIFEST} names {name!r}, which is not a file of the release folder.")
            continue
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing.")
        elif path.stat().st_size != expected["bytes"] or sha256_of(path) != expected["sha256"]:
            problems.append(f"{name} differs from the manifest (size or SHA-256): it was changed or damaged.")
    for path in sorted(folder.iterdir()):
        if path.name != MANIFEST and path.name not in listed:
            problems.append(f"{path.name} is not in the manifest: it was added to the release.")
    return problems


def progress_line(what: str, done: int, total: int, started: float) -> str:
    share = f" ({done * 100 // total} %)" if total else ""
    return f"{what}: {done:,} of {total:,}{share}, {time.monotonic() - started:,.0f} s"


def releases_root() -> Path:
    return Path(settings.RELEASES_ROOT)
