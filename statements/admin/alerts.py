"""Alert subscriptions in the admin: states, last digest and statements sent for Analysts and Editors; the addresses
only for those allowed to see them (Editors: statements.view_subscription_address), who also pause and resume."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models.constants import LOOKUP_SEP
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from statements.alerts import digests
from statements.alerts.models import PauseCause, Subscription, SubscriptionState
from statements.alerts.subscribing import describe, describe_all, followed_filter

ADDRESS_PERMISSION = "statements.view_subscription_address"
# Fields a query string must not filter on: `?email__startswith=a` and the like would spell an address out one
# letter at a time, `?token__startswith=` an unsubscribe link. The address, to those who may see it; the token, never.
ADDRESS_FIELDS = {"email", "address_hash"}
NEVER_FILTERED = {"token"}


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "in_words", "frequency", "state", "confirmed_at", "last_sent_at", "statements_sent"]
    list_filter = ["state", "paused_by", "frequency"]
    fields = [
        "email",
        "in_words",
        "query",
        "frequency",
        "state",
        "paused_by",
        "paused_reason",
        "created_at",
        "confirmed_at",
        "checked_at",
        "last_sent_at",
        "hard_refusals",
        "statements_sent",
        "next_digest",
    ]
    readonly_fields = fields
    actions = ["pause", "resume"]
    date_hierarchy = "created_at"

    def can_see_addresses(self, request) -> bool:
        return request.user.has_perm(ADDRESS_PERMISSION)

    def get_queryset(self, request):
        return super().get_queryset(request).with_sent_counts()

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if self.can_see_addresses(request) else [name for name in shown if name != "email"]

    def get_list_display_links(self, request, list_display):
        return ["id"]

    def get_fields(self, request, obj=None):
        shown = super().get_fields(request, obj)
        return shown if self.can_see_addresses(request) else [name for name in shown if name != "email"]

    def get_search_fields(self, request):
        return ["email"] if self.can_see_addresses(request) else []

    def lookup_allowed(self, lookup, value, request=None):
        """Django allows any local field in the query string; not these (DisallowedModelAdminLookup: a 400)."""
        field = lookup.split(LOOKUP_SEP, 1)[0]
        if field in NEVER_FILTERED or (field in ADDRESS_FIELDS and not self.can_see_addresses(request)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False  # visitors subscribe themselves, and confirm by email

    def has_change_permission(self, request, obj=None):
        # The page is read-only (the address and filter are the subscriber's): pausing is the one change, an action.
        return obj is None and super().has_change_permission(request)

    def get_changelist_instance(self, request):
        """The page's alerts, each with its filter in words, the names read once for the page (not per row)."""
        changelist = super().get_changelist_instance(request)
        for subscription, words in zip(changelist.result_list, describe_all(changelist.result_list), strict=True):
            subscription.described = words
        return changelist

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", preview, name="statements_subscription_preview"), *super().get_urls()]

    def preview_view(self, request, pk):
        """What the next digest of this subscription would hold if it were sent now (nothing is recorded)."""
        subscription = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, subscription):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Next digest of alert {subscription.pk}",
            "subscription": subscription,
            "in_words": describe(followed_filter(subscription)),
            "found": digests.preview(subscription),
        }
        return TemplateResponse(request, "admin/statements/subscription/preview.html", context)

    @admin.display(description="next digest")
    def next_digest(self, obj):
        return format_html('<a href="{}">Preview</a>', reverse("admin:statements_subscription_preview", args=[obj.pk]))

    @admin.display(description="filter")
    def in_words(self, obj):
        # Set for the list's rows by get_changelist_instance; read here for the one alert of its own page.
        return getattr(obj, "described", None) or describe(followed_filter(obj))

    @admin.display(description="statements sent", ordering="statements_sent")
    def statements_sent(self, obj):
        return obj.statements_sent

    @admin.action(description="Pause the selected alerts", permissions=["change"])
    def pause(self, request, queryset):
        count = queryset.filter(state=SubscriptionState.ACTIVE).update(
            state=SubscriptionState.PAUSED,
            paused_by=PauseCause.EDITOR,
            paused_reason=f"Paused by {request.user.get_username()} in the admin.",
        )
        self.message_user(request, f"{count} alert{pluralize(count)} paused.", messages.SUCCESS)

    @admin.action(description="Resume the selected paused alerts", permissions=["change"])
    def resume(self, request, queryset):
        count = queryset.filter(state=SubscriptionState.PAUSED).update(
            state=SubscriptionState.ACTIVE, paused_by="", paused_reason="", hard_refusals=0
        )
        self.message_user(request, f"{count} alert{pluralize(count)} resumed.", messages.SUCCESS)
