"""The statements admin: curation, bulk publish / return to draft / retract, and the Analyst / Editor rules.

Roles (docs/roles.md): only users with statements.publish_statement (Editors) change a statement's status;
everyone else (Analysts) creates and edits drafts, and sees published or retracted statements read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from statements import publishing
from statements.admin import agreement, csv_export, csv_import, extraction, help_pages
from statements.admin.concurrency import OptimisticLockAdminMixin, VersionedModelForm
from statements.admin.history import ReadOnlyHistoryAdmin
from statements.admin.positions import (
    CodingInline,
    ReportInline,
    SetTargetForm,
    StatementLinkInline,
    stamp_codings,
)
from statements.admin.scale import CappedCountPaginator, CountryFilter, SpeakerFilter, TopicFilter, YearFilter
from statements.dates import STATEMENT_DATE_HELP, DateSpan, PartialDateField
from statements.exports import MULTI_VALUE_SEPARATOR, JoinedTexts
from statements.models import Coding, Report, Statement, Status, VerbatimCheck
from statements.positions.coding import set_target


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Shown with the statements on the public site, e.g. “Misattributed: the speaker was X”.",
        error_messages={"required": "Say why the statements are retracted."},
    )


class StatementAdminForm(VersionedModelForm):
    """The admin builds the Meta (model, fields from the fieldsets) when it subclasses this form.

    Saving over someone else's changes (topics and countries included) is refused: statements/admin/concurrency.py.
    The date is typed as precisely as it is known (2016-11-11, 2016-11 or 2016), which sets its precision too.
    """

    date = PartialDateField(label="Date", help_text=STATEMENT_DATE_HELP)
    # The precision is part of what the date field shows: a change to it alone is someone else's change too.
    shown_by = {"date_precision": "date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.date and "date" in self.fields:
            self.initial["date"] = DateSpan.of(self.instance.date, self.instance.date_precision)

    def _post_clean(self):
        # After clean() (whose version check compares the row as loaded), before the typed values reach the row.
        span = self.cleaned_data.get("date")
        if isinstance(span, DateSpan):
            self.cleaned_data["date"] = span.first
            self.instance.date_precision = span.precision
        super()._post_clean()

    def clean(self):
        cleaned_data = super().clean()
        # Same rule as the retract action: a retracted statement stays public, so a draft cannot go straight there.
        if cleaned_data.get("status") == Status.RETRACTED and self.instance.status == Status.DRAFT:
            self.add_error(
                "status", "Only a published statement can be retracted: publish it first, or keep it a draft."
            )
        return cleaned_data


class VerbatimFilter(admin.SimpleListFilter):
    """Where the words stand in the source's kept text (statements/verbatim.py); first, the Editors' list of
    published direct quotes not found verbatim."""

    title = "verbatim check"
    parameter_name = "verbatim"

    def lookups(self, request, model_admin):
        return [("published_not_found", "Published direct quotes not found"), *VerbatimCheck.choices]

    def queryset(self, request, queryset):
        if self.value() == "published_not_found":
            # Which of its reports' words are missing (StatementAdmin.not_found_in), read with each row of the page.
            reports = Report.objects.filter(statement=OuterRef("pk"), verbatim=VerbatimCheck.NOT_FOUND)
            return queryset.quotes_not_found_verbatim().annotate(
                reports_not_found=JoinedTexts(reports.values(name=F("source__outlet__name")))
            )
        if self.value() in VerbatimCheck.values:
            return queryset.filter(verbatim=self.value())
        return queryset


@admin.register(Statement)
class StatementAdmin(OptimisticLockAdminMixin, ReadOnlyHistoryAdmin):
    form = StatementAdminForm
    list_display = ["when", "speaker", "excerpt", "topic_names", "status"]
    list_display_links = ["when", "excerpt"]
    # Built for a million statements (statements/admin/scale.py, docs/admin.md): no filter lists values by reading
    # every statement. Topics and countries list their own (small) tables; speakers are typed, not listed; years
    # come from the ends of the status+date index. (Django's date_hierarchy and RelatedOnlyFieldListFilter scan.)
    list_filter = ["status", "kind", VerbatimFilter, TopicFilter, CountryFilter, SpeakerFilter, YearFilter, "date"]
    list_select_related = ["speaker"]
    # The "N total" next to filtered counts is a second COUNT(*) over the whole table: not worth it at scale.
    show_full_result_count = False
    # Newest recorded first: the primary key serves this order at any size. Ordering by date ("-date", "-id", the
    # model's default) has no index without a status filter and sorts every row (seconds at a million); the date
    # column stays sortable. See docs/admin.md.
    ordering = ["-id"]
    # Counts stop at 10,001 ("10,000+"): a COUNT(*) of a million rows on every page view is most of its cost.
    paginator = CappedCountPaginator
    # Shows the search box; get_search_results below searches the full-text index instead of these columns.
    search_fields = ["text", "speaker__name", "source__title"]
    autocomplete_fields = ["speaker", "source", "topics", "countries", "mentioned_officials"]
    actions = [
        "publish_selected",
        "unpublish_selected",
        "retract_selected",
        "set_target_selected",
        "request_second_coding_selected",
        "export_selected_csv",
    ]
    # Codings, links to earlier statements and other reports (statements/admin/positions.py): part of review,
    # Editors' once public.
    inlines = [CodingInline, StatementLinkInline, ReportInline]
    # The status each version had, and the source's outlet its differences name (statements/admin/history.py).
    history_list_display = ["status_then"]
    history_select_related = ["source__outlet"]
    fieldsets = [
        (None, {"fields": ["speaker", "speaker_role", "date", "kind", "text", "source", "verbatim"]}),
        ("Original language", {"fields": ["original_text", "original_language"], "classes": ["collapse"]}),
        ("About", {"fields": ["topics", "countries", "mentioned_officials"]}),
        ("Status", {"fields": ["status", "retraction_reason", "note"]}),
        (
            "Record",
            {"fields": ["is_synthetic", "created_at", "created_by", "updated_at", "updated_by", "published_at"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only, the date reads as precisely as it is known ("November 2016"), not as a first of the month.
        return [
            (name, {**options, "fields": ["when" if field == "date" else field for field in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_inline_instances(self, request, obj=None):
        # Blind second coding (statements/admin/agreement.py): no first coding in sight while one is asked of the user.
        return agreement.hide_first_coding(super().get_inline_instances(request, obj), request, obj)

    def get_queryset(self, request):
        # Topics are listed on every changelist row: one prefetch query instead of one per row.
        return super().get_queryset(request).prefetch_related("topics")

    def get_search_results(self, request, queryset, search_term):
        """Full-text search (text, original text, speaker's names, source title): no LIKE '%…%' over every row."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def get_list_display(self, request):
        # On the Editors' list of quotes not found verbatim, say whose words are missing: the quote's, in its primary
        # source, or an other report's wording, in that report (docs/trust.md#in-the-admin).
        if request.GET.get(VerbatimFilter.parameter_name) == "published_not_found":
            return [*self.list_display[:-1], "not_found_in", self.list_display[-1]]
        return self.list_display

    @admin.display(description="not found verbatim in")
    def not_found_in(self, statement):
        missing = ["its source (the quote)"] if statement.verbatim == VerbatimCheck.NOT_FOUND else []
        outlets = getattr(statement, "reports_not_found", "").split(MULTI_VALUE_SEPARATOR)
        missing += [f"{outlet}’s report" for outlet in outlets if outlet]
        return "; ".join(missing)

    @admin.display(description="date", ordering="date")
    def when(self, statement):
        return statement.display_date

    @admin.display(description="excerpt")
    def excerpt(self, statement):
        return Truncator(statement.text).chars(90)

    @admin.display(description="speaker's role on this date")
    def speaker_role(self, statement):
        return statement.role_on_date() if statement.pk else "Shown once saved."

    @admin.display(description="topics")
    def topic_names(self, statement):
        return ", ".join(topic.name for topic in statement.topics.all())

    @admin.display(description="status")
    def status_then(self, record):
        """A history entry's status, by its label."""
        return record.get_status_display()

    def offers_public_note(self, request, obj) -> bool:
        # A correction readers should hear about is a change to a public statement, which only Editors make.
        return obj is not None and obj.is_public and self.has_publish_permission(request)

    # --- Roles -------------------------------------------------------------------------------

    def has_publish_permission(self, request):
        """Editors may change a statement's status; the actions below and the status field check this."""
        return request.user.has_perm("statements.publish_statement")

    def has_change_permission(self, request, obj=None):
        # Analysts edit drafts only: once published or retracted, a statement is the Editors' responsibility.
        if obj is not None and obj.status != Status.DRAFT and not self.has_publish_permission(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Public statements are retracted with a reason, never deleted, so their permalinks keep resolving.
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk delete would skip the per-statement rule above; drafts are deleted one at a time instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        readonly = ["speaker_role", "verbatim", "created_at", "created_by", "updated_at", "updated_by", "published_at"]
        if not self.has_publish_permission(request):
            readonly.append("retraction_reason")
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Analysts see the status but can only choose Draft: a crafted POST of "published" fails validation.
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [(Status.DRAFT.value, Status.DRAFT.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Record who saved, and when a statement became published."""
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if "status" in form.changed_data:
            # published_at says when the statement last became public; a draft has none (as in publishing.py).
            if obj.status == Status.PUBLISHED:
                obj.published_at = timezone.now()
            elif obj.status == Status.DRAFT:
                obj.published_at = None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Coding:
            stamp_codings(formset, request.user)
        super().save_formset(request, form, formset, change)

    # --- CSV export and import, statements from an article (csv_export.py, csv_import.py, extraction.py) ---

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_changelist_view)
        import_ = self.admin_site.admin_view(self.import_view)
        from_article = self.admin_site.admin_view(extraction.from_article)
        csv_format = self.admin_site.admin_view(self.csv_format_view)
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        second_codings = [
            path(
                "second-codings/", self.admin_site.admin_view(self.second_codings_view), name=f"{name}_second_codings"
            ),
            path(
                "second-codings/<int:pk>/",
                self.admin_site.admin_view(self.second_coding_view),
                name=f"{name}_second_coding",
            ),
            path("agreement/", self.admin_site.admin_view(self.agreement_view), name=f"{name}_agreement"),
            path(
                "agreement/<int:pk>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name=f"{name}_agreement_resolve",
            ),
        ]
        # Before the default URLs, whose "<path:object_id>/" would read "from-article" as a statement id.
        return [
            path("export.csv", export, name=f"{opts.app_label}_{opts.model_name}_export"),
            path("import/", import_, name=f"{opts.app_label}_{opts.model_name}_import"),
            path(
                "import/jobs/<int:pk>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{opts.app_label}_{opts.model_name}_import_job",
            ),
            path("from-article/", from_article, name=f"{opts.app_label}_{opts.model_name}_from_article"),
            path("csv-format/", csv_format, name=f"{opts.app_label}_{opts.model_name}_csv_format"),
            *second_codings,
            *super().get_urls(),
        ]

    def export_changelist_view(self, request):
        return csv_export.export_changelist_view(self, request)

    def import_view(self, request):
        return csv_import.import_view(self, request)

    def import_job_view(self, request, pk):
        return csv_import.import_job_view(self, request, pk)

    def csv_format_view(self, request):
        return help_pages.csv_format(self, request)

    def second_codings_view(self, request):
        return agreement.queue_view(self, request)

    def second_coding_view(self, request, pk):
        return agreement.code_view(self, request, pk)

    def agreement_view(self, request):
        return agreement.report_view(self, request)

    def resolve_view(self, request, pk):
        return agreement.resolve_view(self, request, pk)

    @admin.action(description="Export selected statements as CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        # "Select all N" exports every row of the filtered list, not only the ticked ones.
        across = request.POST.get("select_across") == "1"
        selected = "all" if across else str(len(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)))
        return csv_export.csv_download(request, queryset, params=[("selected", selected)])

    # --- Bulk actions --------------------------------------------------------------------------

    def _run(self, request, action, success: tuple[str, str], **kwargs) -> None:
        """Call a publishing function on the selection and report the outcome; a refusal changes nothing.
        `success` is the message for one statement and for several, with `{count}` in each."""
        try:
            count = action(user=request.user, **kwargs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, ngettext(*success, count).format(count=count), messages.SUCCESS)

    @admin.action(description="Publish selected statements", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = ("Published {count} statement.", "Published {count} statements.")
        self._run(request, publishing.publish_statements, published, statements=queryset)

    @admin.action(description="Return selected statements to draft", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        returned = ("Returned {count} statement to draft.", "Returned {count} statements to draft.")
        self._run(request, publishing.unpublish_statements, returned, statements=queryset)

    @admin.action(description="Retract selected statements…", permissions=["publish"])
    def retract_selected(self, request, queryset):
        """Ask for a reason on a confirmation page first (like Django's delete confirmation)."""
        form = RetractForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._run(
                request,
                publishing.retract_statements,
                ("Retracted {count} statement.", "Retracted {count} statements."),
                statements=queryset,
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Retract statements",
            "opts": self.model._meta,
            "statements": queryset.select_related("speaker"),
            "form": form,
            "action_name": "retract_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/statements/statement/retract_confirmation.html", context)

    @admin.action(description="Set a target on selected drafts…", permissions=["change"])
    def set_target_selected(self, request, queryset):
        """Ask for the target first; each draft gets a coding toward it with no stance, to be coded."""
        form = SetTargetForm(request.POST if "confirm" in request.POST else None, admin_site=self.admin_site)
        if form.is_valid():
            made = ("Set the target on {count} draft.", "Set the target on {count} drafts.")
            self._run(request, set_target, made, statements=queryset, target=form.target)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Set a target on drafts",
            "opts": self.model._meta,
            "statements": queryset.select_related("speaker"),
            "form": form,
            "media": self.media + form.media,
            "action_name": "set_target_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/statements/statement/set_target.html", context)

    @admin.action(description="Ask for a blind second coding of selected statements…", permissions=["publish"])
    def request_second_coding_selected(self, request, queryset):
        """Ask for the second coder and a sample size first (statements/admin/agreement.py)."""
        return agreement.request_action(self, request, queryset)
