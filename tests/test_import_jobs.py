"""Import jobs: a large admin upload is queued, a worker imports it all or nothing, and a page shows its progress."""

import datetime
import logging
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements import import_jobs
from statements.imports import DUPLICATE_CHECK_BATCH as BATCH
from statements.models import ImportJob, ImportJobState, Statement
from tests.admin_helpers import admin_url, user_with_role
from tests.browser import log_in, screenshot
from tests.factories import OfficialFactory, UserFactory
from tests.test_production import ROOT, database_url, production_env

pytestmark = pytest.mark.django_db

# A threshold small enough for a test file; the setting's default is in tracker/settings.py.
THRESHOLD = 3


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_JOB_MIN_ROWS = THRESHOLD


@pytest.fixture
def peskov(db):
    return OfficialFactory(name="Dmitry Peskov")


def upload(client, content: str, **options):
    file = SimpleUploadedFile("statements.csv", content.encode("utf-8"), content_type="text/csv")
    return client.post(admin_url(Statement, "import"), {"file": file, "preview": "Preview", **options})


def rows(n: int, *, bad_row: int | None = None) -> str:
    lines = ["date,speaker,text"]
    for i in range(1, n + 1):
        lines.append(f"{'2020-13-01' if i == bad_row else '2020-01-02'},Dmitry Peskov,Words number {i}")
    return "\n".join(lines) + "\n"


def job_url(job: ImportJob) -> str:
    return admin_url(Statement, "import_job", job.pk)


def test_a_large_upload_becomes_a_queued_job_and_imports_nothing(admin_client, peskov):
    """Above the threshold the upload is stored as a job, the browser goes to its page, no statement is written."""
    response = upload(admin_client, rows(THRESHOLD + 1), keep_duplicates="on")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert (job.state, job.rows_total, job.filename) == (ImportJobState.QUEUED, THRESHOLD + 1, "statements.csv")
    assert job.options["keep_duplicates"] is True
    assert Statement.objects.count() == 0


def test_a_small_upload_is_still_previewed_in_the_request(admin_client, peskov):
    """At or below the threshold nothing changes: the preview page, no job."""
    response = upload(admin_client, rows(THRESHOLD))
    assert response.status_code == 200 and response.context["result"].ok
    assert not ImportJob.objects.exists()


def test_the_worker_runs_the_job_and_the_statements_appear(admin_client, peskov, capsys):
    """`run_import_jobs --once` imports every queued job, records the result and exits."""
    upload(admin_client, rows(THRESHOLD + 2))
    call_command("run_import_jobs", "--once")
    job = ImportJob.objects.get()
    assert (job.state, job.rows_done, job.rows_total, job.errors) == (ImportJobState.DONE, 5, 5, [])
    assert job.summary == "Imported 5 draft statements."
    assert Statement.objects.count() == 5
    assert f"Job {job.pk}: done." in capsys.readouterr().out


def test_a_failing_file_leaves_nothing_and_the_job_lists_the_errors(admin_client, peskov):
    """All or nothing, as in the preview: one bad row, no statement, the job failed with the row's error."""
    upload(admin_client, rows(THRESHOLD + 2, bad_row=4))
    call_command("run_import_jobs", "--once")
    job = ImportJob.objects.get()
    assert job.state == ImportJobState.FAILED
    assert job.errors == [{"row": 5, "column": "date", "message": "“2020-13-01” is not a date: there is no month 13."}]
    assert Statement.objects.count() == 0


def test_the_progress_page_shows_the_state_and_counts_and_refreshes_until_finished(admin_client, peskov):
    """Queued: state, rows and a meta refresh (no script); finished: the summary and no refresh."""
    upload(admin_client, rows(THRESHOLD + 1))
    job = ImportJob.objects.get()
    page = admin_client.get(job_url(job)).content.decode()
    assert "Queued" in page and "0 of 4" in page
    assert '<meta http-equiv="refresh" content="3">' in page and "<script>" not in page
    call_command("run_import_jobs", "--once")
    page = admin_client.get(job_url(job)).content.decode()
    assert "Done" in page and "4 of 4" in page and "Imported 4 draft statements." in page
    assert 'http-equiv="refresh"' not in page


def test_a_claimed_job_is_not_claimed_again():
    """Two workers never run the same job: a claim takes a queued job only, and marks it running."""
    job = import_jobs.queue(data=b"date,speaker,text\n", filename="a.csv", options={}, user=None)
    other = import_jobs.queue(data=b"date,speaker,text\n", filename="b.csv", options={}, user=None)
    assert import_jobs.claim().pk == job.pk
    assert import_jobs.claim().pk == other.pk
    assert import_jobs.claim() is None
    assert set(ImportJob.objects.values_list("state", flat=True)) == {ImportJobState.RUNNING}


def test_the_claim_is_a_conditional_update_or_a_skip_locked_read():
    """SQLite: the UPDATE names the queued state; PostgreSQL: the read skips rows other workers hold."""
    import_jobs.queue(data=b"date,speaker,text\n", filename="a.csv", options={}, user=None)
    with CaptureQueriesContext(connection) as queries:
        import_jobs.claim()
    (update,) = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert '"state" = ' in update.split("WHERE")[1]
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE SKIP LOCKED" in query["sql"] for query in queries)


def test_other_users_cannot_see_a_job(client, admin_user, peskov):
    """An analyst sees their own jobs only."""
    job = import_jobs.queue(data=rows(4).encode(), filename="a.csv", options={}, user=admin_user)
    client.force_login(user_with_role("Analyst"))
    assert client.get(job_url(job)).status_code == 404


def committed(job, column: str):
    """A column of the job as another connection sees it: only what is committed."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM statements_importjob WHERE id = %s", [job.pk])
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer: the count is written at the end")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rows_done_are_visible_while_the_import_runs(monkeypatch):
    """On PostgreSQL the progress is committed on its own connection, outside the import's open transaction."""
    seen = []

    def import_statements(*, progress, **options):
        with transaction.atomic():  # as the real import: its transaction is open while it reports
            progress(1_000, 3_000)
            seen.append(committed(job, "rows_done"))
            raise RuntimeError("stop here")

    monkeypatch.setattr(import_jobs, "import_statements", import_statements)
    job = import_jobs.queue(data=b"date,speaker,text\n", filename="a.csv", options={}, user=None)
    import_jobs.run(import_jobs.claim())
    assert seen == [1_000]
    assert ImportJob.objects.get().state == ImportJobState.FAILED


# --- A worker that dies: the lease ----------------------------------------------------------------------------------

LEASE = 120


def dead_worker_job(content: str, *, attempts: int = 1, silent_for: float = LEASE + 1) -> ImportJob:
    """What a worker killed mid-import leaves: the job running as its claim, no heartbeat for `silent_for` seconds
    (its import's transaction died with its connection, so nothing of it was written)."""
    job = import_jobs.queue(data=content.encode(), filename="big.csv", options={}, user=None)
    claimed = import_jobs.claim(worker="gone-host:4242")
    assert claimed.pk == job.pk and claimed.state == ImportJobState.RUNNING
    ImportJob.objects.filter(pk=job.pk).update(
        attempts=attempts, heartbeat_at=timezone.now() - datetime.timedelta(seconds=silent_for)
    )
    return job


@pytest.fixture
def lease(settings):
    settings.IMPORT_JOB_LEASE_SECONDS = LEASE
    return LEASE


@pytest.mark.parametrize(
    "silent_for, attempts, claimed, state, attempts_after",
    [
        (LEASE - 10, 1, False, ImportJobState.RUNNING, 1),  # its worker is alive: left to it
        (LEASE + 1, 1, True, ImportJobState.RUNNING, 2),  # its worker died: taken again
        (LEASE + 1, import_jobs.MAX_ATTEMPTS, False, ImportJobState.FAILED, import_jobs.MAX_ATTEMPTS),  # given up
    ],
)
def test_a_running_job_is_taken_again_only_when_its_lease_ran_out(
    lease, silent_for, attempts, claimed, state, attempts_after
):
    """A claim takes a running job only when no heartbeat came within the lease, and fails it after MAX_ATTEMPTS."""
    job = dead_worker_job(rows(2), attempts=attempts, silent_for=silent_for)
    taken = import_jobs.claim(worker="new-host:1")
    assert (taken is not None) is claimed
    job.refresh_from_db()
    assert (job.state, job.attempts) == (state, attempts_after)
    assert job.worker == ("new-host:1" if claimed else "gone-host:4242")


def test_the_next_worker_run_imports_the_job_a_dead_worker_left(lease, peskov, capsys, caplog):
    """A job left running by a worker that died is run again by `run_import_jobs`: done, every row once, logged."""
    job = dead_worker_job(rows(THRESHOLD + 2))
    with caplog.at_level(logging.WARNING, logger="statements.import_jobs"):
        call_command("run_import_jobs", "--once")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.summary) == (ImportJobState.DONE, 2, "Imported 5 draft statements.")
    assert job.worker == import_jobs.worker_name()
    assert Statement.objects.count() == 5
    assert f"Job {job.pk} (big.csv): running again, attempt 2 of 2" in capsys.readouterr().out
    assert f"Import job {job.pk}: its worker gone-host:4242 stopped without finishing" in caplog.text


def test_a_job_its_workers_died_on_too_often_fails_with_a_clear_message(lease, admin_client, peskov, caplog):
    """After MAX_ATTEMPTS dead workers the job is failed, its page says why and what to do, and stops reloading."""
    job = dead_worker_job(rows(THRESHOLD + 2), attempts=import_jobs.MAX_ATTEMPTS)
    with caplog.at_level(logging.ERROR, logger="statements.import_jobs"):
        call_command("run_import_jobs", "--once")
    job.refresh_from_db()
    assert job.state == ImportJobState.FAILED and Statement.objects.count() == 0
    page = admin_client.get(job_url(job)).content.decode()
    assert "The import worker stopped while importing this file, 2 times" in page
    assert "Nothing was imported. Upload the file again" in page
    assert 'http-equiv="refresh"' not in page
    assert f"Import job {job.pk} failed: its worker gone-host:4242 stopped without finishing" in caplog.text


# The session, the user, the job: the page reads nothing else, silent worker or not.
JOB_PAGE_QUERIES = 3


@pytest.mark.parametrize(
    "silent_for, attempts, shown, not_shown",
    [
        (5, 1, ["gone-host:4242, last heard from", "Running"], ["not been heard from", "Attempt"]),
        (LEASE + 1, 1, ["has not been heard from since", "takes the file again\nfrom the start"], ["Attempt"]),
        (5, 2, ["Attempt</th>", "2 of 2: the worker that ran it before stopped"], ["not been heard from"]),
        (LEASE + 1, 2, ["has not been heard from since", "marks the job failed"], []),
    ],
)
def test_the_progress_page_shows_the_worker_and_says_when_it_went_silent(
    lease, admin_client, django_assert_num_queries, silent_for, attempts, shown, not_shown
):
    """A running job's page names its worker and last heartbeat, and says when the worker seems to have died."""
    job = dead_worker_job(rows(2), attempts=attempts, silent_for=silent_for)
    with django_assert_num_queries(JOB_PAGE_QUERIES):
        page = admin_client.get(job_url(job)).content.decode()
    for text in shown:
        assert text in page
    for text in not_shown:
        assert text not in page


def test_a_worker_whose_job_was_taken_over_imports_nothing(lease, peskov):
    """A worker that was slow, not dead, finishes after another claimed its job: its import is rolled back and only
    the second worker's counts, so no row is imported twice."""
    import_jobs.queue(data=rows(3).encode(), filename="a.csv", options={}, user=None)
    slow = import_jobs.claim(worker="slow:1")
    ImportJob.objects.filter(pk=slow.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=LEASE + 1))
    second = import_jobs.claim(worker="second:2")
    after_slow = import_jobs.run(slow)
    assert (after_slow.state, after_slow.worker, Statement.objects.count()) == (ImportJobState.RUNNING, "second:2", 0)
    assert import_jobs.run(second).state == ImportJobState.DONE
    assert Statement.objects.count() == 3


def test_a_worker_killed_after_its_import_leaves_neither_rows_nor_result(lease, peskov, monkeypatch):
    """The rows and the job's result are committed together: killed in between, nothing is kept and the job is
    claimed again later."""

    def killed(job, attempt):
        raise KeyboardInterrupt  # as a SIGINT or SIGTERM would stop the worker here

    monkeypatch.setattr(import_jobs, "_record", killed)
    import_jobs.queue(data=rows(3).encode(), filename="a.csv", options={}, user=None)
    with pytest.raises(KeyboardInterrupt):
        import_jobs.run(import_jobs.claim())
    assert Statement.objects.count() == 0
    assert ImportJob.objects.get().state == ImportJobState.RUNNING


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer: the heartbeat is the claim's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_is_written_while_the_import_runs(settings, monkeypatch):
    """On PostgreSQL the worker's heartbeat is committed on a connection of its own while the import's transaction
    is open, so a long import keeps its lease."""
    settings.IMPORT_JOB_LEASE_SECONDS = 0.4  # a heartbeat every 0.1 s
    seen = []

    def import_statements(**options):
        with transaction.atomic():
            for _ in range(2):
                time.sleep(0.3)
                seen.append(committed(job, "heartbeat_at"))
            raise RuntimeError("stop here")

    monkeypatch.setattr(import_jobs, "import_statements", import_statements)
    job = import_jobs.queue(data=b"date,speaker,text\n", filename="a.csv", options={}, user=None)
    claimed = import_jobs.claim()
    import_jobs.run(claimed)
    assert claimed.heartbeat_at < seen[0] < seen[1]
    assert ImportJob.objects.get().state == ImportJobState.FAILED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test database is in this process's memory")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_import_leaves_a_job_the_next_run_imports(settings, tmp_path):
    """A real worker process killed (SIGKILL) while it imports: nothing of its run is kept, and once its lease has
    run out the next worker run imports the whole file, every row once."""
    OfficialFactory(name="Dmitry Peskov")
    total = 6 * BATCH
    job = import_jobs.queue(data=rows(total).encode(), filename="big.csv", options={}, user=None)
    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_import_jobs", "--once"],
            cwd=ROOT,
            env=production_env(DATABASE_URL=database_url(), PRODUCTION="0"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            # Killed once a batch is done: its count is committed, its rows are not.
            while not ImportJob.objects.filter(pk=job.pk, rows_done__gt=0).exists():
                assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.02)
            worker.send_signal(signal.SIGKILL)
        finally:
            worker.wait(timeout=30)
    job.refresh_from_db()
    assert (job.state, job.attempts, Statement.objects.count()) == (ImportJobState.RUNNING, 1, 0), log.read_text()
    assert 0 < job.rows_done < total

    silent_for = (timezone.now() - job.heartbeat_at).total_seconds()
    settings.IMPORT_JOB_LEASE_SECONDS = silent_for + 60
    assert import_jobs.claim() is None  # within the lease: the worker might be alive
    settings.IMPORT_JOB_LEASE_SECONDS = silent_for / 2  # the lease has run out
    call_command("run_import_jobs", "--once")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.rows_done) == (ImportJobState.DONE, 2, total)
    assert Statement.objects.count() == total


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "attempts, silent_for, shown",
    [
        (2, LEASE + 60, ".import-job-silent"),  # running, its second worker silent: the note
        (import_jobs.MAX_ATTEMPTS, LEASE + 60, ".import-job-summary"),  # given up: failed, why, what to do
    ],
)
def test_a_person_sees_why_a_job_stalled_or_failed(lease, live_server, page, attempts, silent_for, shown):
    """The note on a job whose worker went silent, and the failure after the last attempt, are visible and fit a
    phone's width."""
    UserFactory(username="boss", is_superuser=True)
    job = dead_worker_job(rows(2), attempts=attempts, silent_for=silent_for)
    if shown == ".import-job-summary":
        assert import_jobs.claim() is None  # the worker run that marks it failed
    log_in(page, f"{live_server.url}/admin/login/", "boss")
    page.goto(live_server.url + job_url(job))
    assert page.locator(shown).is_visible()
    text = page.locator(shown).inner_text()
    assert "stopped" in text and ("takes the file again" in text or "Upload the file again" in text)
    screenshot(page, f"import-job-{'silent' if shown == '.import-job-silent' else 'abandoned'}", widths=(390, 1280))
