"""Backups: backup → restore into an empty database gives identical checksums; damage and misuse are refused.

Each test runs on the engine of the current DATABASE_URL (CI runs the suite once on SQLite, once on PostgreSQL):
the backup is taken from the test database in-process, and `manage.py restore` runs as a real command against an
empty target: a file in tmp_path on SQLite, a fresh `<test database>_restore` database on PostgreSQL.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils.timezone import now

from statements.backups import database_checksums, list_tables, manifest_path, pg_command_and_env
from statements.corrections import file_report
from statements.models import Coding, Report, Statement, StatementLink, Status
from statements.positions.models import LinkKind
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory, UserFactory, country

ROOT = Path(__file__).resolve().parent.parent
# Tables a backup must cover beyond the plain model tables: many-to-many, history, and history of many-to-many.
MUST_COVER = [
    "statements_statement_topics",
    "statements_statement_countries",
    "statements_statement_mentioned_officials",
    "statements_historicalstatement",
    "statements_historicalstatement_topics",
    "statements_historicalofficial",
    "django_migrations",
    "auth_user",
    "statements_errorreport",  # readers' reports (with their emails) are data too: restored, not lost
    "statements_coding",
    "statements_historicalcoding",
    "statements_statementlink",
    "statements_historicalstatementlink",
    "statements_report",  # a statement's other reports, with their own wording
]
# Codings and links as a restore must give them back, every column (who coded and when included), by id; the time as
# text written by the database, the same on the test's connection and on a plain one to the target.
CODED_AT = {
    "sqlite": "CAST(coded_at AS TEXT)",
    "postgresql": "to_char(coded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
}


def codings_sql() -> str:
    return (
        "SELECT id, statement_id, target_country_id, target_official_id, stance, act, coded_by_id, "
        f"{CODED_AT[connection.vendor]} FROM statements_coding ORDER BY id"
    )


LINKS_SQL = "SELECT id, statement_id, kind, linked_id FROM statements_statementlink ORDER BY id"
REPORTS_SQL = "SELECT id, statement_id, source_id, text FROM statements_report ORDER BY id"

# Committed rows (pg_dump reads from another connection); the serialized rollback puts the countries back after.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def curated():
    """A few statements with topics, countries, mentioned officials, codings, links, other reports, history, a draft,
    awkward text and a reader's error report."""
    peskov = OfficialFactory(name="Dmitry Peskov", aliases="Dmitri Peskov")
    putin = OfficialFactory(name="Vladimir Putin")
    relations, syria = TopicFactory(name="Russia–US relations"), TopicFactory(name="Syria")
    StatementFactory(
        speaker=peskov,
        text='No one expects that relationship will improve in a fortnight… "quoted" \\ back\nslash',
        topics=[relations],
        countries=[country("RU"), country("US")],
        mentioned_officials=[putin],
    )
    edited = StatementFactory(speaker=peskov, text="Syria is a burning issue.", topics=[syria, relations])
    edited.note = "Checked against the TASS original."
    edited.save()
    draft = StatementFactory(speaker=putin, status=Status.DRAFT, text="<script>alert(1)</script>")
    first = Statement.objects.get(text__startswith="No one expects")
    coder = UserFactory(username="analyst")
    for statement, target, stance, act in [
        (first, {"target_country": country("US")}, -1, "criticise"),
        (first, {"target_official": putin}, None, ""),
        (edited, {"target_country": country("SY")}, 1, "offer"),
        (draft, {"target_country": country("US")}, -2, "threaten"),
    ]:
        Coding.objects.create(statement=statement, stance=stance, act=act, coded_by=coder, coded_at=now(), **target)
    StatementLink.objects.create(statement=edited, kind=LinkKind.RESPONDS_TO, linked=first)
    StatementLink.objects.create(statement=draft, kind=LinkKind.REITERATES, linked=first)
    Report.objects.create(statement=edited, source=SourceFactory(), text="Syria is a «burning» issue.")
    Report.objects.create(statement=draft, source=SourceFactory())
    file_report(statement=edited, message="Said on 12 November — «not» the 11th.", email="reader@example.net")
    return Statement.objects.count()


def target_url(target) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{target}"
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{target}"


def pg_conninfo(dbname: str) -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


@pytest.fixture
def target(tmp_path):
    """An empty database of the current engine to restore into: its path (SQLite) or name (PostgreSQL)."""
    if connection.vendor == "sqlite":
        yield tmp_path / "restored.sqlite3"
        return
    name = connection.settings_dict["NAME"] + "_restore"
    with psycopg.connect(pg_conninfo(connection.settings_dict["NAME"]), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(pg_conninfo(connection.settings_dict["NAME"]), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TargetDatabase:
    """A plain connection to the restore target, to inspect or change it from the test."""

    def __init__(self, target):
        self.target = target

    def __enter__(self):
        if connection.vendor == "sqlite":
            self.db = sqlite3.connect(self.target)
            self.checksum_db = self.db
        else:
            self.db = psycopg.connect(pg_conninfo(self.target), autocommit=True)
            # database_checksums() speaks to Django-style connections on PostgreSQL: give it the small part it uses.
            self.checksum_db = SimpleNamespace(
                vendor="postgresql", cursor=self.db.cursor, chunked_cursor=self.db.cursor
            )
        return self

    def __exit__(self, *exc):
        self.db.close()

    def checksums(self) -> dict:
        return database_checksums(self.checksum_db)

    def tables(self) -> list[str]:
        return list_tables(self.checksum_db)

    def execute(self, sql: str) -> None:
        self.db.execute(sql)
        if connection.vendor == "sqlite":
            self.db.commit()


def restore(backup: Path, target, *args: str) -> subprocess.CompletedProcess:
    """Run `manage.py restore` as an operator would, against the target database."""
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": target_url(target)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@committed
def test_backup_then_restore_into_an_empty_database_gives_identical_checksums(curated, tmp_path, target):
    """Every table, many-to-many and history tables included, has the same rows and checksum after a restore."""
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    manifest = json.loads(manifest_path(backup).read_text())
    assert manifest["engine"] == connection.vendor
    assert set(MUST_COVER) <= manifest["tables"].keys()
    assert manifest["tables"]["statements_statement"]["rows"] == curated
    assert manifest["tables"]["statements_statement_topics"]["rows"] == 3
    assert manifest["tables"]["statements_errorreport"]["rows"] == 1
    assert manifest["tables"] == database_checksums(connection)

    result = restore(backup, target)

    assert result.returncode == 0, result.stderr
    assert "every checksum matches" in result.stdout
    with TargetDatabase(target) as restored:
        assert restored.checksums() == manifest["tables"]


@committed
def test_codings_and_links_come_back_identical_from_a_restore(curated, tmp_path, target):
    """Back up a database holding codings, links and other reports (of drafts too), restore it into an empty one: the
    same codings (target, stance, act, who coded and when), the same links, with their history, the same reports with
    their wording, and the database's rule that a report is never the primary source."""
    with connection.cursor() as cursor:
        cursor.execute(codings_sql())
        codings = cursor.fetchall()
        cursor.execute(LINKS_SQL)
        links = cursor.fetchall()
        cursor.execute(REPORTS_SQL)
        reports = cursor.fetchall()
    assert (len(codings), len(links), len(reports)) == (4, 2, 2)
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    manifest = json.loads(manifest_path(backup).read_text())
    assert manifest["tables"]["statements_historicalcoding"]["rows"] == 4

    assert restore(backup, target).returncode == 0

    with TargetDatabase(target) as restored:
        assert [tuple(row) for row in restored.db.execute(codings_sql()).fetchall()] == [tuple(r) for r in codings]
        assert [tuple(row) for row in restored.db.execute(LINKS_SQL).fetchall()] == [tuple(r) for r in links]
        assert [tuple(row) for row in restored.db.execute(REPORTS_SQL).fetchall()] == [tuple(r) for r in reports]
        # A report of a statement's primary source: the restored triggers refuse it.
        statement_id = reports[0][1]
        (primary,) = restored.db.execute(
            f"SELECT source_id FROM statements_statement WHERE id = {statement_id}"
        ).fetchone()
        with pytest.raises(Exception, match="report_source_not_primary"):
            restored.execute(
                "INSERT INTO statements_report (statement_id, source_id, text, created_at) "
                f"VALUES ({statement_id}, {primary}, '', CURRENT_TIMESTAMP)"
            )


@committed
def test_restore_refuses_a_non_empty_database_without_force(curated, tmp_path):
    """Restoring over a database that has tables needs --force; without it nothing changes."""
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    StatementFactory(text="Written after the backup.")
    before = database_checksums(connection)

    with pytest.raises(CommandError, match="not empty .* pass --force"):
        call_command("restore", str(backup))

    assert database_checksums(connection) == before


@committed
def test_restore_with_force_replaces_a_changed_database(curated, tmp_path, target):
    """--force puts back exactly the backed-up rows, dropping later changes and extra tables."""
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    assert restore(backup, target).returncode == 0
    with TargetDatabase(target) as restored:
        restored.execute("DELETE FROM statements_statement_topics")
        restored.execute("CREATE TABLE later_migration (id integer PRIMARY KEY)")
        assert restored.checksums() != json.loads(manifest_path(backup).read_text())["tables"]

    result = restore(backup, target, "--force")

    assert result.returncode == 0, result.stderr
    with TargetDatabase(target) as restored:
        assert restored.checksums() == json.loads(manifest_path(backup).read_text())["tables"]


@committed
def test_a_damaged_backup_is_refused_before_anything_is_written(curated, tmp_path, target):
    """One changed byte in the backup file fails the restore with a clear message, and the target stays empty."""
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))

    result = restore(backup, target)

    assert result.returncode != 0
    assert "does not match the sha256 in its manifest" in result.stderr
    assert "Nothing was restored" in result.stderr
    with TargetDatabase(target) as restored:
        assert restored.tables() == []


@committed
def test_a_manifest_that_does_not_describe_the_backup_fails_the_restore(curated, tmp_path, target):
    """If the rows do not match the manifest's checksums, restore exits non-zero naming the table."""
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    manifest = json.loads(manifest_path(backup).read_text())
    manifest["tables"]["statements_statement_topics"]["sha256"] = "0" * 64
    manifest_path(backup).write_text(json.dumps(manifest))

    result = restore(backup, target)

    assert result.returncode != 0
    assert "statements_statement_topics" in result.stderr
    assert "different content" in result.stderr
    if connection.vendor == "sqlite":
        # SQLite checks the backup's rows before copying; pg_restore's archive can only be checked once restored.
        assert "Nothing was restored" in result.stderr
        with TargetDatabase(target) as restored:
            assert restored.tables() == []
    else:
        assert "Do not use it" in result.stderr


@committed
def test_restore_without_its_manifest_is_refused(curated, tmp_path, target):
    """A backup file whose manifest is missing cannot be verified, so it is not restored."""
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup))
    manifest_path(backup).unlink()

    result = restore(backup, target)

    assert result.returncode != 0
    assert "No manifest at" in result.stderr


@committed
def test_backup_and_manifest_are_readable_by_their_owner_only(tmp_path):
    """A backup holds password hashes and sessions: it is written 0600 whatever the umask, and so is its manifest."""
    backup = tmp_path / "tracker.backup"
    previous = os.umask(0o022)  # the usual umask, which would leave new files readable by everyone
    try:
        call_command("backup", str(backup))
    finally:
        os.umask(previous)
    assert oct(backup.stat().st_mode & 0o777) == oct(0o600)
    assert oct(manifest_path(backup).stat().st_mode & 0o777) == oct(0o600)


def test_backup_refuses_to_overwrite_an_existing_file(tmp_path):
    """An earlier backup is never overwritten by a later one."""
    backup = tmp_path / "tracker.backup"
    backup.write_text("an earlier backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))
    assert backup.read_text() == "an earlier backup"


def test_backup_into_a_missing_folder_is_a_clear_error(tmp_path):
    """A typo in the backup folder gets a message, not a traceback."""
    with pytest.raises(CommandError, match="There is no folder"):
        call_command("backup", str(tmp_path / "no-such-folder" / "tracker.backup"))


def test_postgres_password_goes_in_the_environment_not_the_command_line():
    """pg_dump/pg_restore get the password through PGPASSWORD, where `ps` cannot show it."""
    fake = SimpleNamespace(
        settings_dict={"HOST": "db.internal", "PORT": 5433, "USER": "tracker", "PASSWORD": "s3cret", "OPTIONS": {}}
    )
    command, env = pg_command_and_env(fake, "pg_dump")
    assert "s3cret" not in " ".join(command)
    assert env["PGPASSWORD"] == "s3cret"
    assert command[1:] == ["--no-password", "--host", "db.internal", "--port", "5433", "--username", "tracker"]
