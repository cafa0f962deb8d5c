"""Import jobs: a large CSV file uploaded in the admin, imported by a worker (`manage.py run_import_jobs`).

The upload only stores the file (`queue`); a worker claims the oldest queued job (`claim`), so that two workers
never run the same one, and runs the import with the same all-or-nothing rule as the command (`run`). No request
holds a transaction open: the admin's progress page only reads the job.

A worker can die while it runs a job (killed, out of memory, its machine restarted): its import's transaction dies
with its connection, so nothing was imported, but the job would say *running* for ever. So a claim is a lease: the
worker writes a heartbeat on the job while the import runs (`Heartbeat`), and a job whose heartbeat is older than
`IMPORT_JOB_LEASE_SECONDS` is claimed again by the next worker run, up to MAX_ATTEMPTS claims; after that it is
failed with a message saying why. Each claim counts an attempt, and a worker records its result (in the import's
own transaction) only while the job is still its attempt: a worker that was only slow, not dead, and lost its job
to another cannot import the file a second time.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.utils import timezone

from .imports import import_statements
from .models import ImportJob, ImportJobState

logger = logging.getLogger(__name__)

# Claims of one job before it is failed: the first run and one more after a worker died. A file that kills its
# worker each time (memory) is not retried for ever.
MAX_ATTEMPTS = 2
# Heartbeats per lease: a heartbeat or two may be late (a busy database) without the lease running out.
BEATS_PER_LEASE = 4


class LeaseLost(Exception):
    """The job was claimed by another worker after this one's lease ran out: this worker's import must not count."""


def data_rows(data: bytes) -> int:
    """About how many data rows a file has (its lines after the header): enough to choose a job or the preview."""
    return max(0, data.rstrip(b"\r\n").count(b"\n"))


def queue(*, data: bytes, filename: str, options: dict, user: AbstractBaseUser | None) -> ImportJob:
    """Store the file as a queued job; nothing is imported until a worker runs it."""
    return ImportJob.objects.create(
        data=data.decode("utf-8"),
        filename=filename,
        options=options,
        created_by=user,
        rows_total=data_rows(data),
    )


def worker_name() -> str:
    """This worker as the job records it, for the operator: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def silent_since() -> datetime:
    """A running job whose last heartbeat is older than this has lost its worker."""
    return timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS)


def abandoned_summary(attempts: int) -> str:
    times = "once" if attempts == 1 else f"{attempts} times"
    return (
        f"The import worker stopped while importing this file, {times} (it was stopped or ran out of memory, or its "
        "machine restarted). Nothing was imported. Upload the file again; if it stops again, ask an operator to "
        "look at the import worker's log."
    )


def claim(*, worker: str = "") -> ImportJob | None:
    """The oldest job a worker may take, now running and this worker's: a queued one, or one whose worker died (no
    heartbeat within the lease). None when there is none. A job whose workers died MAX_ATTEMPTS times is failed."""
    worker = worker or worker_name()
    while True:
        now = timezone.now()
        with transaction.atomic():
            jobs = ImportJob.objects.claimable(silent_since=silent_since())
            if connection.vendor == "postgresql":
                # Another worker's claimed row is skipped rather than waited for.
                jobs = jobs.select_for_update(skip_locked=True)
            found = jobs.values("pk", "state", "attempts", "worker", "heartbeat_at").first()
            if found is None:
                return None
            # Conditional: on SQLite another worker may have claimed it since the read; then try the next one.
            same = ImportJob.objects.filter(pk=found["pk"], state=found["state"], attempts=found["attempts"])
            abandoned = found["state"] == ImportJobState.RUNNING
            if abandoned and found["attempts"] >= MAX_ATTEMPTS:
                summary = abandoned_summary(found["attempts"])
                if same.update(state=ImportJobState.FAILED, summary=summary, errors=[], finished_at=now):
                    logger.error(
                        "Import job %s failed: its worker %s stopped without finishing (no heartbeat since %s) on "
                        "attempt %d of %d; not run again",
                        found["pk"],
                        found["worker"],
                        found["heartbeat_at"],
                        found["attempts"],
                        MAX_ATTEMPTS,
                    )
                continue
            claimed = same.update(
                state=ImportJobState.RUNNING,
                started_at=now,
                heartbeat_at=now,
                worker=worker,
                attempts=F("attempts") + 1,
                rows_done=0,
            )
        if claimed:
            if abandoned:
                logger.warning(
                    "Import job %s: its worker %s stopped without finishing (no heartbeat since %s); running it "
                    "again (attempt %d of %d)",
                    found["pk"],
                    found["worker"],
                    found["heartbeat_at"],
                    found["attempts"] + 1,
                    MAX_ATTEMPTS,
                )
            return ImportJob.objects.get(pk=found["pk"])


def run(job: ImportJob) -> ImportJob:
    """Import a claimed job's file, all rows or none, and record the result on the job.

    The rows and the result are committed together: a worker that dies before the commit leaves neither, and the
    job is claimed again; a worker whose job was claimed by another meanwhile rolls its rows back."""
    options = {
        key: bool(job.options.get(key)) for key in ("create_missing", "publish", "keep_duplicates", "add_as_reports")
    }
    attempt = job.attempts
    progress, close = _progress(job)
    heartbeat = Heartbeat(job)
    try:
        with transaction.atomic():
            result = import_statements(
                file=job.data.encode("utf-8"),
                user=job.created_by,
                reason=f"Imported from {job.filename or 'a CSV file'} (import job {job.pk}).",
                progress=progress,
                **options,
            )
            heartbeat.stop()
            _describe(job, result, publish=options["publish"])
            if not _record(job, attempt):
                raise LeaseLost
    except LeaseLost:
        logger.error(
            "Import job %s: another worker claimed it after this worker's lease ran out (no heartbeat for %s s); "
            "this worker's import is rolled back",
            job.pk,
            settings.IMPORT_JOB_LEASE_SECONDS,
        )
        job.refresh_from_db()
        return job
    except Exception as error:  # the job must not stay "running" for ever
        logger.exception("Import job %s failed", job.pk)
        job.state, job.summary = (
            ImportJobState.FAILED,
            f"The import stopped with an error: {error}. Nothing was imported.",
        )
        job.finished_at = timezone.now()
        _record(job, attempt)
    finally:
        heartbeat.stop()
        close()
    return job


def _describe(job: ImportJob, result, *, publish: bool) -> None:
    """Set the job's result fields from the import's result (not saved)."""
    job.rows_done = job.rows_total = result.rows
    job.errors = [{"row": 0, "column": "", "message": result.file_error}] if result.file_error else []
    job.errors += [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
    if result.ok:
        state = "published" if publish else "draft"
        parts = [f"Imported {result.statements} {state} statement{pluralize(result.statements)}."]
        if result.reports:
            parts.append(f"Added {result.reports} other report{pluralize(result.reports)}.")
        if result.skipped:
            parts.append(f"Skipped {result.skipped} duplicate row{pluralize(result.skipped)}.")
        parts += [f"Created {len(names)} {kind}." for kind, names in result.created.items()]
        job.state, job.summary = ImportJobState.DONE, " ".join(parts)
    else:
        job.state = ImportJobState.FAILED
        job.summary = f"Nothing was imported: {len(job.errors)} problem{pluralize(len(job.errors))}."
    job.finished_at = timezone.now()


def _record(job: ImportJob, attempt: int) -> bool:
    """Write the job's result if it is still this worker's attempt; False when another worker has claimed it."""
    fields = ["state", "summary", "rows_done", "rows_total", "errors", "finished_at"]
    mine = ImportJob.objects.filter(pk=job.pk, state=ImportJobState.RUNNING, attempts=attempt)
    return bool(mine.update(**{name: getattr(job, name) for name in fields}))


class Heartbeat:
    """Writes the job's `heartbeat_at` every lease / BEATS_PER_LEASE seconds while the import runs, from a thread
    with a connection of its own (committed at once, outside the import's open transaction): on PostgreSQL.

    SQLite has one writer at a time, and the import holds the write lock from its start, so there the heartbeat is
    the claim's own; a later worker run that finds the lease out of date waits for that lock, which is free only
    once the import has committed its result (or died)."""

    def __init__(self, job: ImportJob):
        self.stopped = threading.Event()
        self.thread = None
        if connection.vendor == "postgresql":
            self.thread = threading.Thread(target=self._beat, args=(job.pk, job.attempts), daemon=True)
            self.thread.start()

    def _beat(self, pk: int, attempt: int) -> None:
        mine = ImportJob.objects.filter(pk=pk, state=ImportJobState.RUNNING, attempts=attempt)
        try:
            while not self.stopped.wait(settings.IMPORT_JOB_LEASE_SECONDS / BEATS_PER_LEASE):
                try:
                    if not mine.update(heartbeat_at=timezone.now()):
                        return  # finished, or claimed by another worker: run() finds out when it records the result
                except DatabaseError as error:
                    logger.warning("Import job %s: heartbeat not written (%s); trying again", pk, error)
        finally:
            connections.close_all()  # this thread's connection

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()


def _progress(job: ImportJob):
    """A progress callback writing the rows done where the job's page sees them, and what closes it.

    The import's transaction is open until the file is done, so the count is written on a connection of its own,
    committed at once: on PostgreSQL. SQLite has one writer at a time, the import, so there the count is written
    when the job ends."""
    if connection.vendor != "postgresql":
        return None, lambda: None
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    table = ImportJob._meta.db_table

    def progress(done: int, total: int) -> None:
        with other.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET rows_done = %s, rows_total = %s WHERE id = %s AND attempts = %s',
                [done, total, job.pk, job.attempts],
            )

    return progress, other.close
