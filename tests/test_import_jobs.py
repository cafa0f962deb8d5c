"""Import jobs: a large admin upload is queued, a worker imports it all or nothing, and a page shows its progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from statements import import_jobs
from statements.models import ImportJob, ImportJobState, Statement
from tests.admin_helpers import admin_url, user_with_role
from tests.factories import OfficialFactory

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer: the count is written at the end")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rows_done_are_visible_while_the_import_runs(monkeypatch):
    """On PostgreSQL the progress is committed on its own connection, outside the import's open transaction."""
    seen = []

    def import_statements(*, progress, **options):
        with transaction.atomic():  # as the real import: its transaction is open while it reports
            progress(1_000, 3_000)
            other = connections.create_connection(DEFAULT_DB_ALIAS)  # sees only what is committed
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT rows_done FROM statements_importjob WHERE id = %s", [job.pk])
                    seen.append(cursor.fetchone()[0])
            finally:
                other.close()
            raise RuntimeError("stop here")

    monkeypatch.setattr(import_jobs, "import_statements", import_statements)
    job = import_jobs.queue(data=b"date,speaker,text\n", filename="a.csv", options={}, user=None)
    import_jobs.run(import_jobs.claim())
    assert seen == [1_000]
    assert ImportJob.objects.get().state == ImportJobState.FAILED
