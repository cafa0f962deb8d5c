"""What a public statement's page shows is changed by Editors only (docs/roles.md).

A permalink shows its speaker (and the speaker's country), the speaker's role on the date (a position), the source and
its outlet, the topics, the countries concerned, the officials mentioned and the targets of its codings. Changing one
of those changes every public page that shows it (a source URL edited to a phishing link changed thirteen permalinks
at once), so while a published or retracted statement uses an object, changing or deleting it is an editorial
decision, like editing the statement itself. Objects used only by drafts stay with the Analysts.

`USES` says, per catalogue model, which statements show an object; `EditorOnlyWhenPublicMixin` applies the rule to a
catalogue admin's change form, inlines, delete page and bulk delete, and names who can make the change.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse

from statements.models import Coding, Country, Official, Outlet, Position, Source, Statement, Topic

# Editors publish; the same permission lets them change what published statements show.
EDITOR_PERMISSION = "statements.publish_statement"
# A topic can be on a third of a million statements: count up to here and say "more than".
COUNT_LIMIT = 10_000


def _linked(field: str, pk) -> Q:
    """Statements linked to `pk` through a many-to-many field, as a subquery on the link table (no JOIN + DISTINCT)."""
    relation = Statement._meta.get_field(field)
    rows = relation.remote_field.through.objects.filter(**{relation.m2m_reverse_field_name(): pk})
    return Q(pk__in=rows.values(relation.m2m_field_name()))


@dataclass(frozen=True)
class PublicUse:
    how: str  # completes "This source {how} 13 published or retracted statements"
    statements: Callable[[int], Q]  # the statements that show the object, given `key`
    key: str = "pk"  # the object's field they depend on


USES: dict[type[models.Model], PublicUse] = {
    Source: PublicUse("is cited by", lambda pk: Q(source=pk)),
    Outlet: PublicUse("published the sources of", lambda pk: Q(source__outlet=pk)),
    Official: PublicUse(
        "is the speaker of, is mentioned in, or is the coded target of",
        lambda pk: (
            Q(speaker=pk)
            | _linked("mentioned_officials", pk)
            | Q(pk__in=Coding.objects.filter(target_official=pk).values("statement"))
        ),
    ),
    # Any position of a speaker can become the role shown on a date (by its dates, or by being added or removed):
    # the position's official decides, before and after the change (a new or edited position is checked on its form).
    Position: PublicUse("belongs to the speaker of", lambda pk: Q(speaker=pk), key="official_id"),
    Topic: PublicUse("is a topic of", lambda pk: _linked("topics", pk)),
    Country: PublicUse(
        "is the speaker's country in, or a country concerned by,",
        lambda pk: Q(speaker__country=pk) | _linked("countries", pk),
    ),
}


def is_editor(user) -> bool:
    return user.has_perm(EDITOR_PERMISSION)


def public_statement_count(obj: models.Model) -> int:
    """How many published or retracted statements show `obj`, counting up to COUNT_LIMIT + 1."""
    use = USES[type(obj)]
    key = getattr(obj, use.key)
    if key is None:  # not saved yet: nothing shows it
        return 0
    return Statement.objects.public().filter(use.statements(key)).order_by().values("pk")[: COUNT_LIMIT + 1].count()


def refusal(request, obj: models.Model) -> str:
    """Why this user may not change or delete `obj` ("" when they may). Worked out once per request and object."""
    if is_editor(request.user):
        return ""
    cache = request.__dict__.setdefault("_public_use_refusals", {})
    key = (type(obj), getattr(obj, USES[type(obj)].key))
    if key not in cache:
        cache[key] = _message(obj, public_statement_count(obj))
    return cache[key]


def _message(obj: models.Model, count: int) -> str:
    if not count:
        return ""
    number = f"more than {COUNT_LIMIT:,}" if count > COUNT_LIMIT else f"{count:,}"
    statements = "statement" if count == 1 else "statements"
    return (
        f"This {obj._meta.verbose_name} {USES[type(obj)].how} {number} published or retracted {statements}, "
        f"whose public pages show it: only an Editor can change or delete it."
    )


class EditorOnlyWhenPublicMixin:
    """For a catalogue ModelAdmin: an object public statements show is read-only for non-Editors.

    The change page opens read-only with the reason; a POST to it or to its delete page is answered 403 with the
    reason; the bulk "delete selected" refuses a selection that includes one (through has_delete_permission, which
    Django asks for each object). A form whose new values would make the object shown (a position moved to a
    speaker of public statements) is refused with the same reason.
    """

    def has_change_permission(self, request, obj=None):
        if obj is not None and refusal(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and refusal(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class CheckedForm(form):
            def _post_clean(self):
                super()._post_clean()  # the instance now holds the submitted values
                reason = refusal(request, self.instance)
                if reason:
                    self.add_error(None, reason)

        CheckedForm.__name__ = form.__name__
        return CheckedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        reason = obj is not None and refusal(request, obj)
        if reason and request.method == "GET":
            messages.warning(request, reason)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            return self._refused(request, object_id)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except PermissionDenied:
            return self._refused(request, object_id)

    def _refused(self, request, object_id):
        """A 403 page saying why, when the refusal is this rule's; any other refusal is Django's own 403."""
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        reason = obj is not None and self.has_view_permission(request, obj) and refusal(request, obj)
        if not reason:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Cannot change this {self.opts.verbose_name}",
            "opts": self.opts,
            "object": obj,
            "reason": reason,
        }
        return TemplateResponse(request, "admin/statements/editor_only.html", context, status=403)


class EditorOnlyWhenPublicInline:
    """For an inline whose rows belong to a parent under EditorOnlyWhenPublicMixin: read-only with the parent."""

    def has_add_permission(self, request, obj=None):
        return not (obj is not None and refusal(request, obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and refusal(request, obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and refusal(request, obj)) and super().has_delete_permission(request, obj)
