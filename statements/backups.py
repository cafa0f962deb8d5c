"""Backups that a restore can prove complete: a manifest of row counts and content checksums of every table.

SQLite is copied with sqlite3's online backup API; PostgreSQL with `pg_dump --format=custom` and `pg_restore`.
Beside each backup file FILE sits FILE.manifest.json: the engine, the backup file's sha256, and for every table
(many-to-many and history tables included) its row count and a sha256 over its rows in primary-key order, each value
written as text. A restore checks the file's sha256 before touching the target, restores, then recomputes every
table's checksum in the target and fails loudly if any differs.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import transaction

MANIFEST_FORMAT = 1
MANIFEST_SUFFIX = ".manifest.json"
FETCH_SIZE = 2000


class BackupError(Exception):
    """A backup or restore that cannot go ahead, or did not verify; the message says why and what to do."""


def create_private(path: Path) -> None:
    """Create an empty file only its owner can read: a backup holds password hashes and live sessions.

    pg_dump and SQLite write into the existing file and keep its mode, whatever the umask.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(path, 0o600)  # os.open's mode is filtered by the umask; 0600 is what it should be regardless


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def quote(name: str) -> str:
    """An SQL identifier, quoted the same way on SQLite and PostgreSQL."""
    return '"' + name.replace('"', '""') + '"'


def vendor_of(db) -> str:
    """ "sqlite" for a plain sqlite3 connection, else the Django connection's vendor ("sqlite" or "postgresql")."""
    return "sqlite" if isinstance(db, sqlite3.Connection) else db.vendor


def list_tables(db) -> list[str]:
    cursor = db.cursor()
    try:
        if vendor_of(db) == "sqlite":
            # sqlite_sequence and friends are SQLite's own bookkeeping, copied by the backup API anyway.
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


def primary_key_columns(db, table: str) -> list[str]:
    cursor = db.cursor()
    try:
        if vendor_of(db) == "sqlite":
            cursor.execute(f"PRAGMA table_info({quote(table)})")
            # Rows are (cid, name, type, notnull, default, pk): pk is the column's position in the key, 0 if none.
            return [row[1] for row in sorted(cursor.fetchall(), key=lambda row: row[5]) if row[5]]
        cursor.execute(
            "SELECT a.attname FROM pg_index i"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = %s::regclass AND i.indisprimary"
            " ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [quote(table)],
        )
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


def as_text(db, column: str) -> str:
    """SQL giving a column's value as text, computed by the database itself so the Python driver cannot change it."""
    if vendor_of(db) == "sqlite":
        name = quote(column)
        return f"CASE WHEN typeof({name}) = 'blob' THEN hex({name}) ELSE CAST({name} AS TEXT) END"
    return f"CAST({quote(column)} AS TEXT)"


def table_checksum(db, table: str) -> dict:
    """Row count and sha256 over the table's column names and rows (values as text), read in primary-key order."""
    key = primary_key_columns(db, table)
    cursor = db.cursor() if vendor_of(db) == "sqlite" else db.chunked_cursor()
    try:
        cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")
        columns = [column[0] for column in cursor.description]
        # Every column after the key keeps the order total even for a table without a primary key.
        order = [quote(name) for name in key] + [quote(name) for name in columns if name not in key]
        values = ", ".join(as_text(db, name) for name in columns)
        cursor.execute(f"SELECT {values} FROM {quote(table)} ORDER BY {', '.join(order)}")
        digest = hashlib.sha256(json.dumps(columns).encode())
        rows = 0
        while batch := cursor.fetchmany(FETCH_SIZE):
            for row in batch:
                # JSON keeps NULL apart from the text "None" and every boundary between values unambiguous.
                digest.update(b"\n" + json.dumps(list(row), ensure_ascii=False).encode())
            rows += len(batch)
        return {"rows": rows, "sha256": digest.hexdigest()}
    finally:
        cursor.close()


def database_checksums(db) -> dict[str, dict]:
    """Checksums of every table in the database, by table name."""
    return {table: table_checksum(db, table) for table in list_tables(db)}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Human-readable differences between two sets of table checksums; empty when they are identical."""
    problems = [f"table {name} is missing" for name in sorted(expected.keys() - actual.keys())]
    problems += [f"table {name} is not in the backup" for name in sorted(actual.keys() - expected.keys())]
    for name in sorted(expected.keys() & actual.keys()):
        want, got = expected[name], actual[name]
        if want["rows"] != got["rows"]:
            problems.append(f"table {name} has {got['rows']} rows, the backup had {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"table {name} has the same {got['rows']} rows count but different content")
    return problems


def read_manifest(backup: Path) -> dict:
    path = manifest_path(backup)
    if not backup.is_file():
        raise BackupError(f"No backup file at {backup}.")
    if not path.is_file():
        raise BackupError(f"No manifest at {path}: a backup is only restored with the manifest written beside it.")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"The manifest {path} cannot be read ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"The manifest {path} is not a format-{MANIFEST_FORMAT} backup manifest.")
    return manifest


def write_manifest(backup: Path, *, engine: str, tables: dict[str, dict]) -> dict:
    manifest = {
        "format": MANIFEST_FORMAT,
        "engine": engine,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "backup_file": backup.name,
        "backup_sha256": file_sha256(backup),
        "tables": tables,
    }
    create_private(manifest_path(backup))
    manifest_path(backup).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def pg_command_and_env(connection, program: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection options from DATABASES; the password goes in PGPASSWORD, never on the line."""
    settings = connection.settings_dict
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    command = [program, "--no-password"]
    if settings.get("HOST"):
        command += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        command += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        command += ["--username", settings["USER"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    if settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings["OPTIONS"]["sslmode"]
    return command, env


def run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def create_backup(*, connection, output: Path) -> dict:
    """Write a backup of the database to `output` and its manifest beside it; returns the manifest."""
    if not output.parent.is_dir():
        raise BackupError(f"There is no folder {output.parent} to write the backup in.")
    if output.exists() or manifest_path(output).exists():
        raise BackupError(f"{output} (or its manifest) already exists: choose a new file name.")
    if connection.in_atomic_block:
        raise BackupError("A backup must run outside a transaction, so that it sees one committed state.")
    partial = output.with_name(output.name + ".partial")
    try:
        partial.unlink(missing_ok=True)  # left by a backup that was killed: never worth keeping
        create_private(partial)
        if connection.vendor == "sqlite":
            tables = _backup_sqlite(connection, partial)
        elif connection.vendor == "postgresql":
            tables = _backup_postgresql(connection, partial)
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return write_manifest(output, engine=connection.vendor, tables=tables)


def _backup_sqlite(connection, path: Path) -> dict[str, dict]:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # The online backup API copies a consistent snapshot even while others write.
        connection.connection.backup(copy)
        # One self-contained file: no -wal file beside it to lose.
        copy.execute("PRAGMA journal_mode=DELETE")
        return database_checksums(copy)
    finally:
        copy.close()


def _backup_postgresql(connection, path: Path) -> dict[str, dict]:
    command, env = pg_command_and_env(connection, "pg_dump")
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            # pg_dump and the checksums read the very same snapshot, so the manifest describes the dump exactly.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        run(
            command
            + ["--format=custom", f"--snapshot={snapshot}", "--file", str(path), connection.settings_dict["NAME"]],
            env,
            "pg_dump",
        )
        return database_checksums(connection)


def restore_backup(*, connection, backup: Path, force: bool = False) -> dict:
    """Restore `backup` into the database after checking it against its manifest; returns the manifest."""
    manifest = read_manifest(backup)
    if manifest.get("engine") != connection.vendor:
        raise BackupError(f"This is a {manifest.get('engine')} backup; the target database is {connection.vendor}.")
    if file_sha256(backup) != manifest.get("backup_sha256"):
        raise BackupError(
            f"{backup} does not match the sha256 in its manifest: it was changed or damaged after the backup. "
            "Nothing was restored."
        )
    if connection.in_atomic_block:
        raise BackupError("A restore must run outside a transaction.")
    existing = list_tables(connection)
    if existing and not force:
        raise BackupError(
            f"The target database is not empty ({len(existing)} tables). Restore into an empty database, "
            "or pass --force to replace everything in it."
        )
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, backup, manifest)
    else:
        _restore_postgresql(connection, backup, manifest, existing)
    problems = differences(manifest["tables"], database_checksums(connection))
    if problems:
        raise BackupError(
            "The restored database does not match the backup's manifest: " + "; ".join(problems) + ". "
            "Do not use it; restore again from a good backup."
        )
    return manifest


def _restore_sqlite(connection, backup: Path, manifest: dict) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        try:
            integrity = source.execute("PRAGMA integrity_check").fetchone()[0]
            # Verify the backup's content before writing anything to the target.
            problems = differences(manifest["tables"], database_checksums(source))
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} is not a readable SQLite database ({error}). Nothing was restored.") from error
        if integrity != "ok" or problems:
            raise BackupError(
                f"{backup} does not hold what its manifest describes: {'; '.join(problems) or integrity}. "
                "Nothing was restored."
            )
        connection.ensure_connection()
        # The backup API replaces the target's pages in one transaction: readers see the old or the new database.
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(connection, backup: Path, manifest: dict, existing: list[str]) -> None:
    command, env = pg_command_and_env(connection, "pg_restore")
    # Read the archive's table of contents first: a damaged archive fails here, before anything is touched.
    run(command[:1] + ["--list", str(backup)], env, "Reading the backup archive")
    extra = [name for name in existing if name not in manifest["tables"]]
    if extra:
        # Tables the backup does not have (a later migration's) would block --clean through their foreign keys.
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE " + ", ".join(quote(name) for name in extra) + " CASCADE")
    options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if existing:
        # Dropping and recreating happen in pg_restore's single transaction: a failure leaves the old tables.
        options += ["--clean", "--if-exists"]
    run(command + options + ["--dbname", connection.settings_dict["NAME"], str(backup)], env, "pg_restore")
