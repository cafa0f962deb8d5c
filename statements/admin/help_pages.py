"""Reference text the admin's forms point to, served inside the admin so that a help link works offline."""

from django.conf import settings
from django.template.response import TemplateResponse

CSV_FORMAT = settings.BASE_DIR / "docs" / "csv.md"


def csv_format(model_admin, request):
    """docs/csv.md as preformatted text: the columns the CSV import reads and the export writes."""
    text = CSV_FORMAT.read_text(encoding="utf-8")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "The CSV format",
        "text": text,
    }
    return TemplateResponse(request, "admin/statements/statement/csv_format.html", context)
