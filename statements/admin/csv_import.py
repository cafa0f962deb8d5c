"""The admin page "Import statements from CSV": upload → preview (a dry run) → confirm, all rows or none.

The preview runs statements.imports.import_statements with dry_run=True and shows every row error. The file is
then kept in the user's session (at most ADMIN_IMPORT_MAX_BYTES, with its sha256), not sent back by the browser:
the confirm form carries only the hash, so the import runs on exactly the bytes that were previewed, and it runs
the whole validation again (the database may have changed since the preview). Any error then writes nothing.
The options (create missing, publish) are the ones previewed, and publishing is checked against the user's
permission again at confirm time. Rows that repeat a stored statement's words from another outlet are offered, in the
preview, as other reports of that statement: ticked there (or on upload), the import adds them as reports.
"""

import base64
import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse

from statements import import_jobs
from statements.exports import csv_lines, utf8_chunks
from statements.imports import import_statements, rows_with_errors
from statements.models import ImportJob, ImportJobState

# Smaller than the command's limit (imports.MAX_IMPORT_BYTES): the file waits in the session between preview and
# confirm, and the session is read on every admin request. Larger files go through `manage.py import_statements`.
ADMIN_IMPORT_MAX_BYTES = 2 * 1024 * 1024
SESSION_KEY = "statements_csv_import"
# A file with thousands of bad rows: the table shows every error, this many a page (and all of them as a CSV file).
ERRORS_PER_PAGE = 100
# How often the progress page of an import job reloads itself while the job is queued or running.
JOB_REFRESH_SECONDS = 3
# What creating missing rows needs: every model the import may create.
CREATE_PERMISSIONS = (
    "statements.add_official",
    "statements.add_topic",
    "statements.add_outlet",
    "statements.add_source",
)


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, in the export's columns.")
    create_missing = forms.BooleanField(
        required=False,
        label="Create missing officials, topics, outlets and sources",
        help_text="Without this, a name the database does not know is an error on its row.",
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish the imported statements",
        help_text="Otherwise they are imported as drafts, for review. Publishing needs a source on every row.",
    )

    keep_duplicates = forms.BooleanField(
        required=False,
        label="Keep duplicate rows",
        help_text="A row with the same speaker, date and words (spaces aside) as another row or a statement already "
        "in the database is shown in the preview and skipped, unless this is ticked.",
    )

    add_as_reports = forms.BooleanField(
        required=False,
        label="Add as another report",
        help_text="A row repeating a stored statement's words from another outlet adds its source to that statement "
        "as another report (the TASS report of a CNN interview), rather than being skipped.",
    )

    def __init__(self, *args, can_create: bool, can_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Options the user may not use are not offered, so a crafted POST cannot turn them on.
        if not can_create:
            del self.fields["create_missing"]
        if not can_publish:
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ADMIN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; this page takes at most {ADMIN_IMPORT_MAX_BYTES:,} bytes. "
                "Split it, or ask an administrator to run `manage.py import_statements`."
            )
        return upload


def _context(model_admin, request, result=None, **extra) -> dict:
    errors = Paginator(result.errors, ERRORS_PER_PAGE).get_page(request.GET.get("errors_page")) if result else None
    return {
        "result": result,
        "errors_page": errors,
        "hidden_duplicates": max(0, len(result.duplicates) - ERRORS_PER_PAGE) if result else 0,
        **model_admin.admin_site.each_context(request),
        "title": "Import statements from CSV",
        "opts": model_admin.model._meta,
        "max_bytes": ADMIN_IMPORT_MAX_BYTES,
        "max_errors": ERRORS_PER_PAGE,
        **extra,
    }


def _import(request, data: bytes, *, options: dict, dry_run: bool, filename: str = ""):
    reason = f"Imported from {filename} in the admin." if filename else "Imported from a CSV file in the admin."
    return import_statements(file=data, dry_run=dry_run, user=request.user, reason=reason, **options)


def import_view(model_admin, request):
    """GET: the upload form. POST "preview": a dry run shown as a table. POST "confirm": the import itself."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    can_publish = model_admin.has_publish_permission(request)
    can_create = request.user.has_perms(CREATE_PERMISSIONS)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request, can_publish=can_publish, can_create=can_create)
    if request.method == "GET" and "sha256" in request.GET:
        return _errors(model_admin, request, can_publish=can_publish, can_create=can_create)

    form = ImportForm(request.POST or None, request.FILES or None, can_create=can_create, can_publish=can_publish)
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(
            request, "admin/statements/statement/import.html", _context(model_admin, request, form=form)
        )

    upload = form.cleaned_data["file"]
    data = upload.read()
    options = {
        "create_missing": form.cleaned_data.get("create_missing", False),
        "publish": form.cleaned_data.get("publish", False),
        "keep_duplicates": form.cleaned_data["keep_duplicates"],
        "add_as_reports": form.cleaned_data["add_as_reports"],
    }
    if import_jobs.data_rows(data) > settings.IMPORT_JOB_MIN_ROWS:
        # Too long to check and import within a request: a worker imports it (all rows or none), the page follows.
        try:
            job = import_jobs.queue(data=data, filename=upload.name, options=options, user=request.user)
        except UnicodeDecodeError:
            pass  # the preview below reports the encoding
        else:
            opts = model_admin.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import_job", args=[job.pk]))
    result = _import(request, data, options=options, dry_run=True)
    if result.file_error:
        form.add_error("file", result.file_error)
        request.session.pop(SESSION_KEY, None)
        return TemplateResponse(
            request, "admin/statements/statement/import.html", _context(model_admin, request, form=form)
        )
    digest = hashlib.sha256(data).hexdigest()
    # A file with errors is kept too, for the error pages and the download; `ok` says it cannot be confirmed.
    request.session[SESSION_KEY] = {
        "data": base64.b64encode(data).decode("ascii"),
        "sha256": digest,
        "name": upload.name,
        "options": options,
        "ok": result.ok,
    }
    context = _context(model_admin, request, form=form, result=result, filename=upload.name, sha256=digest, **options)
    return TemplateResponse(request, "admin/statements/statement/import.html", context)


def _confirm(model_admin, request, *, can_publish: bool, can_create: bool):
    """Import the file previewed in this session, validating it all again; refuse if it is not the one confirmed."""
    pending = request.session.get(SESSION_KEY)
    form = ImportForm(can_create=can_create, can_publish=can_publish)
    if not pending or not pending.get("ok") or request.POST.get("sha256") != pending["sha256"]:
        # Another tab previewed a different file, or the session expired: never import something not previewed.
        messages.error(request, "This preview is no longer current: upload the file again to preview and import it.")
        return TemplateResponse(
            request, "admin/statements/statement/import.html", _context(model_admin, request, form=form)
        )
    data = base64.b64decode(pending["data"])
    options = dict(pending["options"])
    # The preview offers the rows from another outlet as other reports of their statements (its dry run listed them).
    options["add_as_reports"] = options.get("add_as_reports", False) or "add_as_reports" in request.POST
    # The permission may have been withdrawn since the preview; an analyst can never publish by import.
    options["publish"] = options["publish"] and can_publish
    options["create_missing"] = options["create_missing"] and can_create
    result = _import(request, data, options=options, dry_run=False, filename=pending["name"])
    if not result.ok:
        # The database changed since the preview (a name deleted, a duplicate added): nothing was written.
        request.session.pop(SESSION_KEY, None)
        messages.error(request, "Nothing was imported: the file no longer passes the checks. See the errors below.")
        context = _context(
            model_admin,
            request,
            form=form,
            result=result,
            filename=pending["name"],
            sha256=pending["sha256"],
            **options,
        )
        return TemplateResponse(request, "admin/statements/statement/import.html", context)
    request.session.pop(SESSION_KEY, None)
    state = "published" if options["publish"] else "drafts"
    created = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in result.created.items())
    messages.success(
        request,
        f"Imported {result.statements} statement{pluralize(result.statements)} from {pending['name']} as {state}."
        + (f" Added {result.reports} other report{pluralize(result.reports)}." if result.reports else "")
        + (f" Skipped {result.skipped} duplicate row{pluralize(result.skipped)}." if result.skipped else "")
        + (f" Created {created}." if created else ""),
    )
    opts = model_admin.model._meta
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def _errors(model_admin, request, *, can_publish: bool, can_create: bool):
    """Another page of the previewed file's errors, or all of them as CSV: the dry run again, on the kept file.

    Nothing is kept between requests but the file: each page checks it afresh (a dry run, no transaction left open),
    so the errors are those of the database as it is now."""
    pending = request.session.get(SESSION_KEY)
    form = ImportForm(can_create=can_create, can_publish=can_publish)
    if not pending or request.GET.get("sha256") != pending["sha256"]:
        messages.error(request, "This preview is no longer current: upload the file again to preview and import it.")
        return TemplateResponse(
            request, "admin/statements/statement/import.html", _context(model_admin, request, form=form)
        )
    data = base64.b64decode(pending["data"])
    options = dict(pending["options"])
    options["publish"] = options["publish"] and can_publish
    options["create_missing"] = options["create_missing"] and can_create
    result = _import(request, data, options=options, dry_run=True)
    if "download" in request.GET:
        header, rows = rows_with_errors(data, result.errors)
        # Neutralised as the export is: the file goes to a spreadsheet, and its cells came from anyone.
        response = StreamingHttpResponse(utf8_chunks(csv_lines(header, rows)), content_type="text/csv; charset=utf-8")
        stem = pending["name"].rsplit(".", 1)[0]
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80] or "import"
        response["Content-Disposition"] = f'attachment; filename="{safe}_errors.csv"'
        return response
    context = _context(
        model_admin, request, form=form, result=result, filename=pending["name"], sha256=pending["sha256"], **options
    )
    return TemplateResponse(request, "admin/statements/statement/import.html", context)


def import_job_view(model_admin, request, pk: int):
    """The progress of an import job: its state, rows and, once finished, its summary and errors.

    The page refreshes itself (a meta refresh, no script) until the job is done or failed; it only reads the job."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    jobs = ImportJob.objects.all() if request.user.is_superuser else ImportJob.objects.filter(created_by=request.user)
    job = get_object_or_404(jobs.defer("data"), pk=pk)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("errors_page"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Import of {job.filename or 'a CSV file'}",
        "opts": model_admin.model._meta,
        "job": job,
        "errors_page": errors,
        "refresh_seconds": JOB_REFRESH_SECONDS,
        "max_attempts": import_jobs.MAX_ATTEMPTS,
        # No heartbeat within the lease: the worker has probably died, and the next worker run takes the job.
        "worker_silent": job.state == ImportJobState.RUNNING
        and job.heartbeat_at is not None
        and job.heartbeat_at < import_jobs.silent_since(),
    }
    return TemplateResponse(request, "admin/statements/statement/import_job.html", context)
