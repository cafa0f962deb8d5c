"""A database connection dropped by the server (pg_terminate_backend, a restart, a failover) costs nobody a 500."""

import logging
import subprocess
import sys
import time
import urllib.error
import urllib.request
from functools import partial

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.urls import reverse

from statements import views_export
from statements.exports import statement_rows
from tests.factories import OfficialFactory, StatementFactory
from tests.test_export import parse
from tests.test_production import ROOT, database_url, free_port, production_env

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite opens a file, there is no server connection to drop; these run on PostgreSQL (CI does both)",
    ),
    # Committed rows and real connections: the gunicorn test reads the rows from another process. The countries come
    # from a migration, so they are restored after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def dead_connections_closed(transactional_db):
    """What the server does when a request ends and the test client leaves out: a connection that failed and no
    longer answers is closed, so the next query (and the flush after the test) opens a new one."""
    yield
    close_old_connections()


def terminate(*, pids: list[int] | None = None, keep: list[int] | None = None) -> int:
    """End server connections to the test database from a second connection, as an operator or a failover would:
    the given `pids`, or every one but `keep`. Waits until they are gone; returns how many there were."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as other:
        if pids is None:
            pids = [
                pid
                for (pid,) in other.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if pid not in (keep or [])
            ]
        for pid in pids:
            other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    return len(pids)


class DropConnectionOnce:
    """A query wrapper that has the server drop this connection just before the first query runs (a connection lost
    mid-request); later queries, on a new connection, run normally."""

    def __init__(self):
        self.dropped = 0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        if not self.dropped:
            self.dropped += 1
            terminate(pids=[context["connection"].connection.info.backend_pid])
        return execute(sql, params, many, context)


@pytest.mark.parametrize("url", ["/", "/officials/", "statement", "/api/statements/"])
def test_a_get_whose_connection_drops_mid_request_runs_again(client, url, caplog):
    """The view's first query finds its connection gone: the page is served from a new connection, and logged."""
    statement = StatementFactory()
    url = statement.get_absolute_url() if url == "statement" else url
    drop = DropConnectionOnce()
    with connection.execute_wrapper(drop), caplog.at_level(logging.WARNING, logger="statements.lost_connections"):
        response = client.get(url)
    assert response.status_code == 200
    assert drop.dropped == 1
    assert "Database connection lost during GET" in caplog.text
    assert "running the view again" in caplog.text


def test_a_post_whose_connection_drops_is_not_run_again(client):
    """A POST may have written before the connection went: it fails rather than risk doing the work twice."""
    drop = DropConnectionOnce()
    with connection.execute_wrapper(drop), pytest.raises(OperationalError):
        client.post(reverse("admin:login"), {"username": "someone", "password": "not-a-password"})
    assert drop.dropped == 1
    assert drop.queries == 1


def test_a_download_cut_mid_stream_ends_with_the_error_row_and_is_counted(client, monkeypatch, caplog):
    """The connection goes while the file streams: the file ends with its #ERROR row, and the log says the connection
    was lost (not a bug in the export), with this process's running count."""
    monkeypatch.setattr(views_export, "statement_rows", partial(statement_rows, chunk_size=2))
    # A little longer than the header line, so the first chunk holds a row: the read has begun.
    monkeypatch.setattr(views_export, "utf8_chunks", partial(views_export.utf8_chunks, size=400))
    for _ in range(12):
        StatementFactory()
    response = client.get(reverse("statements:export_csv"))
    chunks = iter(response.streaming_content)
    first = next(chunks)
    with caplog.at_level(logging.ERROR, logger="statements.exports"):
        terminate(pids=[connection.connection.info.backend_pid])
        rest = b"".join(chunks)
    rows = parse(first + rest)
    assert 0 < len(rows) - 1 < 12
    assert rows[-1]["id"].startswith("#ERROR: export incomplete")
    assert "database connection was lost" in rows[-1]["id"]
    assert "CSV export cut short: the database connection was lost after" in caplog.text
    assert "cut short in this process" in caplog.text
    assert StatementFactory()  # the next query opens a new connection


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_gunicorn_serves_every_page_after_its_idle_connection_was_dropped(tmp_path):
    """`make serve`'s gunicorn (one worker, one thread: one kept connection) after the server ended that connection
    between requests, before each page: 200 every time, replaced by the health check before use (no retry)."""
    official = OfficialFactory()
    statement = StatementFactory(speaker=official)
    pages = [
        "/",
        statement.get_absolute_url(),
        "/officials/",
        f"/officials/{official.slug}/",
        "/api/statements/",
        "/feed.atom",
        "/export.csv",
        "/healthz",
    ]
    port = free_port()
    env = production_env(
        DATABASE_URL=database_url(),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="1",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        RATELIMIT_ENABLED="0",
        # Static files as in development, so no collectstatic is needed: this test is about the database.
        PRODUCTION="0",
    )
    log_path = tmp_path / "gunicorn.log"
    test_pid = connection.connection.info.backend_pid
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if get(f"{base}/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("gunicorn did not answer within 30 seconds")
            answers = []
            for page in pages:
                dropped = terminate(keep=[test_pid])
                status, body = get(base + page)
                answers.append((page, dropped, status, b"#ERROR" in body))
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert answers == [(page, 1, 200, False) for page in pages], log_path.read_text()
    assert "running the view again" not in log_path.read_text()
