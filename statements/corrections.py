"""Readers' error reports: the "Report an error" form on every public permalink, stored for the Editors."""

from django import forms

from .models import ErrorReport, Statement


class ErrorReportForm(forms.ModelForm):
    # A honeypot: hidden from people by CSS (static/css/site.css), filled in by form-filling bots.
    website = forms.CharField(required=False, label="Leave this field empty")

    class Meta:
        model = ErrorReport
        fields = ["message", "email"]
        labels = {"message": "What is wrong?", "email": "Your email address (optional)"}
        help_texts = {
            "message": f"The words, the speaker, the date, the source… At most {ErrorReport.MESSAGE_MAX_LENGTH} "
            "characters.",
            "email": "Only if you would like a reply. It is never published or exported.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "report_%s")  # the permalink's only form, but keep its ids its own
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def file_report(*, statement: Statement, message: str, email: str = "") -> ErrorReport:
    """Store a reader's report on a public statement, open, for the Editors' list in the admin."""
    return ErrorReport.objects.create(statement=statement, message=message, email=email)
