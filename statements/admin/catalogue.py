"""Admins for what statements refer to: countries, officials and their positions, topics, outlets and sources.

Each is an EditorOnlyWhenPublicMixin: what a public statement's page shows is changed by Editors only
(statements/admin/public_use.py, docs/roles.md).
"""

from django.contrib import admin
from django.db import models

from statements.admin.concurrency import OptimisticLockAdminMixin
from statements.admin.history import ReadOnlyHistoryAdmin
from statements.admin.public_use import EditorOnlyWhenPublicInline, EditorOnlyWhenPublicMixin
from statements.admin.scale import CappedCountPaginator, SourceYearFilter
from statements.dates import ADMIN_DATE_INPUT
from statements.models import Country, Official, Outlet, Position, Source, Statement, Topic


@admin.register(Country)
class CountryAdmin(EditorOnlyWhenPublicMixin, admin.ModelAdmin):
    """Countries are loaded from ISO by a migration; analysts only look them up."""

    list_display = ["name", "code", "slug"]
    search_fields = ["name", "code", "aliases"]
    prepopulated_fields = {"slug": ["name"]}


class PositionInline(EditorOnlyWhenPublicInline, admin.TabularInline):
    model = Position
    fk_name = "official"
    extra = 1
    fields = ["title", "organisation", "country", "speaks_for", "start_date", "end_date"]
    autocomplete_fields = ["country", "speaks_for"]
    formfield_overrides = {models.DateField: ADMIN_DATE_INPUT}


@admin.register(Official)
class OfficialAdmin(EditorOnlyWhenPublicMixin, OptimisticLockAdminMixin, ReadOnlyHistoryAdmin):
    list_display = ["name", "kind", "country", "wikidata_id", "is_synthetic"]
    list_filter = ["kind", "is_synthetic", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "aliases", "slug", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(EditorOnlyWhenPublicMixin, admin.ModelAdmin):
    list_display = ["official", "title", "organisation", "country", "speaks_for", "start_date", "end_date"]
    list_select_related = ["official", "country", "speaks_for"]
    search_fields = ["official__name", "title", "organisation"]
    autocomplete_fields = ["official", "country", "speaks_for"]
    date_hierarchy = "start_date"
    formfield_overrides = {models.DateField: ADMIN_DATE_INPUT}


@admin.register(Topic)
class TopicAdmin(EditorOnlyWhenPublicMixin, OptimisticLockAdminMixin, ReadOnlyHistoryAdmin):
    """Topic.clean refuses a parent that would make a cycle; the form shows it as an error on "parent"."""

    list_display = ["name", "parent", "slug"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Outlet)
class OutletAdmin(EditorOnlyWhenPublicMixin, admin.ModelAdmin):
    list_display = ["name", "country", "website", "is_synthetic"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["is_synthetic"]
    list_select_related = ["country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


class SourceStatementInline(admin.TabularInline):
    """The statements taken from a source, read-only here: they are edited on their own page."""

    model = Statement
    fields = ["when", "speaker", "text", "kind", "verbatim", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")

    @admin.display(description="date")
    def when(self, statement):
        return statement.display_date

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(EditorOnlyWhenPublicMixin, OptimisticLockAdminMixin, ReadOnlyHistoryAdmin):
    """Hundreds of thousands of sources at a desk's scale (docs/admin.md): as for statements, a bounded count, a
    year filter read from an index instead of the date hierarchy, and the outlets listed from their own table rather
    than by a DISTINCT over every source. Newest first from the (-published_on, title) index."""

    list_display = ["title", "outlet", "published_on", "medium", "venue"]
    fieldsets = [
        (None, {"fields": ["outlet", "title", "url", "published_on", "language", "medium", "venue", "dateline"]}),
        (
            "Report text (internal)",
            {
                "fields": ["text", "text_sha256", "text_captured_at"],
                "description": "The report's text, to check its statements' quotes against word for word. Kept for "
                "the curators only (the outlet's copyright): it is never published, exported or served by the API; "
                "a permalink shows only the sentence around a quote found in it.",
            },
        ),
    ]
    readonly_fields = ["text_sha256", "text_captured_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}, models.DateField: ADMIN_DATE_INPUT}
    list_filter = ["medium", "outlet", SourceYearFilter]
    search_fields = ["title", "url", "outlet__name", "venue"]
    autocomplete_fields = ["outlet"]
    inlines = [SourceStatementInline]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        # The list and the statement form's source search (autocomplete) name each source by its outlet: one
        # query, not one per source.
        # The kept text (a whole article) only where it is edited: the change form loads it when it shows it.
        return super().get_queryset(request).select_related("outlet").defer("text")
