"""Readers' error reports, for Editors: which statement, what is wrong, open or resolved (docs/roles.md)."""

from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from statements.models import ErrorReport, ReportStatus


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "statement_link", "excerpt", "status", "resolved_by", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["statement__speaker", "resolved_by"]
    search_fields = ["message"]
    date_hierarchy = "created_at"
    fields = ["statement_link", "message", "email", "created_at", "status", "resolved_by", "resolved_at"]
    readonly_fields = fields
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False  # reports come from readers, through the permalink's form

    def has_change_permission(self, request, obj=None):
        # A report's words are the reader's: its page is read-only, and "mark resolved" is the one change.
        return obj is None and super().has_change_permission(request)

    @admin.display(description="statement", ordering="statement")
    def statement_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">public page</a>)',
            reverse("admin:statements_statement_change", args=[obj.statement_id]),
            obj.statement,
            obj.statement.get_absolute_url(),
        )

    @admin.display(description="what is wrong")
    def excerpt(self, obj):
        return obj.message if len(obj.message) <= 120 else obj.message[:117].rstrip() + "…"

    @admin.action(description="Mark selected reports as resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(status=ReportStatus.OPEN).update(
            status=ReportStatus.RESOLVED, resolved_by=request.user, resolved_at=timezone.now()
        )
        self.message_user(request, f"{count} report{pluralize(count)} marked resolved.")
