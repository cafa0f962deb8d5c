"""Blind second codings in the admin (docs/codebook.md#agreement, docs/roles.md).

An Editor asks an analyst for a second coding of selected statements, or of a random sample of them (an action on
the statement list); the analyst codes their queue without being shown the first coding (here, or in the coding
inline of the statement's page while the request is open); the Editor reads the agreement report and settles the
disagreements: corrects the published coding on the statement's page, then marks the disagreement resolved.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from statements.admin.positions import EDITOR_PERMISSION, STANCE_CHOICES
from statements.models import Coding, Country, Official, SecondCoding, Statement
from statements.positions import agreement
from statements.positions.codebook import SpeechAct

# Disagreements listed on the report at once, the open ones first.
DISAGREEMENTS_SHOWN = 200


def waiting_for(user, statement) -> bool:
    """Whether `user` is asked for a second coding of `statement` not yet recorded: the first stays out of sight."""
    return SecondCoding.objects.pending().filter(statement=statement, coder=user).exists()


def require_editor(request) -> None:
    if not request.user.has_perm(EDITOR_PERMISSION):
        raise PermissionDenied("Only an Editor asks for second codings, reads the agreement report and settles it.")


# --- Asking (the statement list's action) --------------------------------------------------------------------------


class RequestForm(forms.Form):
    coder = forms.ModelChoiceField(
        queryset=agreement.coders(),
        label="Second coder",
        help_text="They will code the statements without being shown the first coding.",
        error_messages={"invalid_choice": "Choose an analyst from the list: that user cannot code."},
    )
    sample_size = forms.IntegerField(
        required=False,
        min_value=1,
        label="Sample size",
        help_text="Empty: every selected statement that can be sampled. A number: that many, drawn at random.",
    )


def request_action(model_admin, request, queryset):
    """The action: ask for the coder (and a sample size) on a confirmation page, then make the requests."""
    form = RequestForm(request.POST if "confirm" in request.POST else None)
    if form.is_valid():
        coder = form.cleaned_data["coder"]
        try:
            requested = agreement.request_second_codings(
                statements=queryset, coder=coder, user=request.user, sample_size=form.cleaned_data["sample_size"]
            )
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        if requested.made:
            made = ngettext(
                "Asked {coder} for a blind second coding of {count} statement",
                "Asked {coder} for a blind second coding of {count} statements",
                requested.made,
            ).format(coder=coder, count=requested.made)
            sample = f", drawn at random from {requested.sampleable}" if requested.made < requested.sampleable else ""
            model_admin.message_user(request, f"{made}{sample}.", messages.SUCCESS)
        if requested.left_out or not requested.made:
            model_admin.message_user(
                request,
                f"{requested.left_out} of the selected statements cannot be sampled for {coder}: a statement is "
                "sampled when it is coded toward exactly one target with a speech act, not by them, and not asked "
                "of them already.",
                messages.WARNING,
            )
        return None
    across = request.POST.get("select_across") == "1"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Ask for a blind second coding",
        "opts": model_admin.model._meta,
        "count": queryset.count(),
        "statements": queryset.select_related("speaker")[:20],
        "selected": [] if across else request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": across,
        "form": form,
        "action_name": "request_second_coding_selected",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "admin/statements/second_coding/request.html", context, status=status)


# --- Coding the queue ----------------------------------------------------------------------------------------------


class SecondCodingForm(forms.Form):
    """A coding as the Coding inline takes it: one target, a stance in words (or none), a speech act."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_country"] = forms.ModelChoiceField(
            Country.objects.all(),
            required=False,
            label="Target country",
            widget=AutocompleteSelect(Coding._meta.get_field("target_country"), admin_site),
        )
        self.fields["target_official"] = forms.ModelChoiceField(
            Official.objects.all(),
            required=False,
            label="Or an official or institution",
            widget=AutocompleteSelect(Coding._meta.get_field("target_official"), admin_site),
        )
        self.fields["stance"] = forms.TypedChoiceField(
            choices=STANCE_CHOICES, coerce=int, empty_value=None, required=False, label="Stance"
        )
        self.fields["act"] = forms.ChoiceField(
            choices=[("", "---------"), *SpeechAct.choices],
            label="Speech act",
            error_messages={"required": "Choose the speech act."},
        )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in ("target_country", "target_official") if cleaned.get(name)]
        if len(chosen) != 1 and not self.errors:
            raise ValidationError("Choose one target: a country, or an official or institution.")
        return cleaned

    @property
    def target(self):
        return self.cleaned_data.get("target_country") or self.cleaned_data.get("target_official")


def _page(request, model_admin, template: str, status: int = 200, **context):
    context = {**model_admin.admin_site.each_context(request), "opts": Statement._meta, **context}
    return TemplateResponse(request, f"admin/statements/second_coding/{template}", context, status=status)


def queue_view(model_admin, request):
    """The statements the user is asked to code a second time, oldest request first."""
    return _page(
        request,
        model_admin,
        "queue.html",
        title="Your second codings",
        seconds=SecondCoding.objects.assigned_to(request.user),
    )


def code_view(model_admin, request, pk: int):
    """One statement of the user's queue: what its first coder saw of it (words, source, countries concerned, officials
    mentioned), not its coding; the form records theirs."""
    second = get_object_or_404(
        SecondCoding.objects.select_related("statement__speaker", "statement__source__outlet").prefetch_related(
            "statement__countries", "statement__mentioned_officials"
        ),
        pk=pk,
        coder=request.user,
    )
    if second.coded_at is not None:
        return _page(
            request,
            model_admin,
            "recorded.html",
            status=409,
            title="Second coding recorded",
            second=second,
        )
    form = SecondCodingForm(request.POST if request.method == "POST" else None, admin_site=model_admin.admin_site)
    if form.is_valid():
        try:
            agreement.record_second_coding(
                second=second,
                target=form.target,
                stance=form.cleaned_data["stance"],
                act=form.cleaned_data["act"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            model_admin.message_user(request, f"Second coding of “{second.statement}” recorded.", messages.SUCCESS)
            return redirect("admin:statements_statement_second_codings")
    return _page(
        request,
        model_admin,
        "code.html",
        status=400 if form.is_bound else 200,
        title="Code this statement",
        second=second,
        statement=second.statement,
        form=form,
        media=model_admin.media + form.media,
    )


# --- The report and settling (Editors) -----------------------------------------------------------------------------


def report_view(model_admin, request):
    """Alpha per field with its n, and the disagreements to settle, open ones first."""
    require_editor(request)
    recorded = SecondCoding.objects.recorded().select_related(
        "statement__speaker",
        "coder",
        "first_target_country",
        "first_target_official",
        "target_country",
        "target_official",
        "resolved_by",
    )
    disagreements = [second for second in recorded.order_by("resolved_at", "-coded_at", "id") if second.differs_in()]
    return _page(
        request,
        model_admin,
        "report.html",
        title="Coding agreement",
        figures=agreement.figures(),
        disagreements=disagreements[:DISAGREEMENTS_SHOWN],
        shown=DISAGREEMENTS_SHOWN,
    )


def resolve_view(model_admin, request, pk: int):
    """Mark one disagreement settled, after the published coding was corrected (or confirmed) on its statement."""
    require_editor(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    second = get_object_or_404(SecondCoding, pk=pk)
    try:
        settled = agreement.resolve(second=second, user=request.user)
    except ValidationError as error:
        return _page(
            request,
            model_admin,
            "refused.html",
            status=400,
            title="Not settled",
            message=" ".join(error.messages),
        )
    if settled:
        model_admin.message_user(request, f"Disagreement on “{second.statement}” marked resolved.", messages.SUCCESS)
    else:
        model_admin.message_user(request, "That disagreement was resolved already.", messages.INFO)
    return redirect("admin:statements_statement_agreement")


def hide_first_coding(inlines: list, request, obj) -> list:
    """The statement page's inlines without the codings while the user is asked for a blind second coding of it."""
    if obj is None or not waiting_for(request.user, obj):
        return inlines
    return [inline for inline in inlines if inline.model is not Coding]
