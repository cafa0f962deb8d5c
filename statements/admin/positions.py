"""A statement's codings, links and other reports on its admin page, and the bulk action that sets a target on
drafts.

Coding is part of review (docs/roles.md): Analysts code drafts; once a statement is published or retracted its
codings, links and other reports are, like its words and source, the Editors' to change.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst

from statements.models import Coding, Country, Official, Report, StatementLink, Status
from statements.positions.codebook import NO_STANCE, Stance, stance_words

EDITOR_PERMISSION = "statements.publish_statement"


class EditorOnlyWhenPublicStatementInline:
    """For an inline of a statement's own rows: read-only on a published or retracted statement, unless an Editor.

    Coded from the keyboard alone (tests/test_browser_coding.py): the form's "Go to" links lead to each inline
    (`jump_label`), and each box is named after its field, since a table's column headings name no form control
    (and select2's autocomplete box is named only by its value, static/js/admin-autocomplete-labels.js)."""

    jump_label = ""

    class Media:
        js = ["admin/js/autocomplete.js", "js/admin-autocomplete-labels.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs["aria-label"] = capfirst(db_field.verbose_name)
        return formfield

    def _refused(self, request, obj) -> bool:
        return obj is not None and obj.status != Status.DRAFT and not request.user.has_perm(EDITOR_PERMISSION)

    def has_add_permission(self, request, obj=None):
        return not self._refused(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._refused(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._refused(request, obj) and super().has_delete_permission(request, obj)


STANCE_CHOICES = [("", NO_STANCE), *((value, stance_words(value)) for value in reversed(Stance.values))]


class CodingInline(EditorOnlyWhenPublicStatementInline, admin.TabularInline):
    model = Coding
    extra = 1
    fields = ["target_country", "target_official", "stance", "act", "coded_by", "coded_at"]
    readonly_fields = ["coded_by", "coded_at"]
    autocomplete_fields = ["target_country", "target_official"]
    verbose_name = "coding"
    jump_label = "Codings"
    verbose_name_plural = "Codings: stance and speech act toward each target (docs/codebook.md)"

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "stance":
            # The scale in words, strongest support first, and "No stance" (not "---------", not 0) for empty.
            kwargs["choices"] = STANCE_CHOICES
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class StatementLinkInline(EditorOnlyWhenPublicStatementInline, admin.TabularInline):
    model = StatementLink
    fk_name = "statement"
    extra = 1
    fields = ["kind", "linked"]
    autocomplete_fields = ["linked"]
    verbose_name = "link to an earlier statement"
    jump_label = "Links to earlier statements"
    verbose_name_plural = "Links to earlier statements"


class ReportInline(EditorOnlyWhenPublicStatementInline, admin.TabularInline):
    """The statement's other reports; its primary report is its `source` (docs/trust.md#other-reports)."""

    model = Report
    extra = 0
    fields = ["source", "text", "verbatim"]
    # Where its wording stands in its source's kept text: computed on save (docs/trust.md#other-reports).
    readonly_fields = ["verbatim"]
    autocomplete_fields = ["source"]
    verbose_name = "other report"
    jump_label = "Other reports"
    verbose_name_plural = "Other reports: the same words reported by other sources (the primary is the source above)"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            formfield.widget.attrs.update(rows=2, cols=60)
        return formfield


def stamp_codings(formset, user) -> None:
    """Record who coded and when on each coding added or changed in the formset (before it is saved)."""
    now = timezone.now()
    for form in formset.forms:
        if form.has_changed() and form not in formset.deleted_forms and form.instance is not None:
            form.instance.coded_by = user
            form.instance.coded_at = now


class SetTargetForm(forms.Form):
    """The bulk action's question: which target (a country, or an official or institution)."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ModelChoiceField(
            Country.objects.all(),
            required=False,
            widget=AutocompleteSelect(Coding._meta.get_field("target_country"), admin_site),
        )
        self.fields["official"] = forms.ModelChoiceField(
            Official.objects.all(),
            required=False,
            label="Or an official or institution",
            widget=AutocompleteSelect(Coding._meta.get_field("target_official"), admin_site),
        )

    def clean(self):
        cleaned = super().clean()
        chosen = [target for target in (cleaned.get("country"), cleaned.get("official")) if target is not None]
        if len(chosen) != 1 and not self.errors:
            raise ValidationError("Choose one target: a country, or an official or institution.")
        return cleaned

    @property
    def target(self):
        return self.cleaned_data.get("country") or self.cleaned_data.get("official")
