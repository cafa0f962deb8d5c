"""Import jobs: a large CSV file uploaded in the admin, imported by a worker (`manage.py run_import_jobs`).

The upload only stores the file (`queue`); a worker claims the oldest queued job (`claim`), so that two workers
never run the same one, and runs the import with the same all-or-nothing rule as the command (`run`). No request
holds a transaction open: the admin's progress page only reads the job.
"""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from .imports import import_statements
from .models import ImportJob, ImportJobState

logger = logging.getLogger(__name__)


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


def claim() -> ImportJob | None:
    """The oldest queued job, now running and this worker's; None when there is none."""
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Another worker's claimed row is skipped rather than waited for.
                pk = ImportJob.objects.queued().select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            else:
                pk = ImportJob.objects.queued().values_list("pk", flat=True).first()
            if pk is None:
                return None
            # Conditional: on SQLite another worker may have claimed it since the read; then try the next one.
            claimed = ImportJob.objects.filter(pk=pk, state=ImportJobState.QUEUED).update(
                state=ImportJobState.RUNNING, started_at=timezone.now()
            )
        if claimed:
            return ImportJob.objects.get(pk=pk)


def run(job: ImportJob) -> ImportJob:
    """Import a claimed job's file, all rows or none, and record the result on the job."""
    options = {key: bool(job.options.get(key)) for key in ("create_missing", "publish", "keep_duplicates")}
    progress, close = _progress(job)
    try:
        result = import_statements(
            file=job.data.encode("utf-8"),
            user=job.created_by,
            reason=f"Imported from {job.filename or 'a CSV file'} (import job {job.pk}).",
            progress=progress,
            **options,
        )
    except Exception as error:  # the job must not stay "running" for ever
        logger.exception("Import job %s failed", job.pk)
        job.state, job.summary = (
            ImportJobState.FAILED,
            f"The import stopped with an error: {error}. Nothing was imported.",
        )
    else:
        job.rows_done = job.rows_total = result.rows
        job.errors = [{"row": 0, "column": "", "message": result.file_error}] if result.file_error else []
        job.errors += [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
        if result.ok:
            state = "published" if options["publish"] else "draft"
            parts = [f"Imported {result.statements} {state} statement{pluralize(result.statements)}."]
            if result.skipped:
                parts.append(f"Skipped {result.skipped} duplicate row{pluralize(result.skipped)}.")
            parts += [f"Created {len(names)} {kind}." for kind, names in result.created.items()]
            job.state, job.summary = ImportJobState.DONE, " ".join(parts)
        else:
            job.state = ImportJobState.FAILED
            job.summary = f"Nothing was imported: {len(job.errors)} problem{pluralize(len(job.errors))}."
    finally:
        close()
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "summary", "rows_done", "rows_total", "errors", "finished_at"])
    return job


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
            cursor.execute(f'UPDATE "{table}" SET rows_done = %s, rows_total = %s WHERE id = %s', [done, total, job.pk])

    return progress, other.close
