"""Readers' "Report an error" form on permalinks: stored for Editors, validated, rate limited, never leaking emails."""

import time
from types import SimpleNamespace

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from statements.models import ErrorReport, ReportStatus, Status
from tests.admin_helpers import admin_url, user_with_role
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

MESSAGE = "The quote is from 12 November, not 11 November."
EMAIL = "reader@example.net"
REPORT_LIMIT = 10  # statements/urls.py: limit_report


@pytest.fixture
def statement():
    return StatementFactory(status=Status.PUBLISHED, text="Words as reported.")


def report_url(statement) -> str:
    return reverse("statements:report_error", args=[statement.pk])


def test_a_report_is_stored_and_the_reader_is_thanked_on_the_permalink(client, statement):
    """A valid report is stored open with its statement, and the redirect back to the permalink says thank you."""
    response = client.post(report_url(statement), {"message": f"  {MESSAGE}  ", "email": EMAIL})
    assert response.status_code == 302
    assert response["Location"] == statement.get_absolute_url() + "#report"
    report = ErrorReport.objects.get()
    assert (report.statement, report.message, report.email, report.status) == (
        statement,
        MESSAGE,
        EMAIL,
        ReportStatus.OPEN,
    )
    assert report.resolved_at is None and report.resolved_by is None
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: your report has reached the editors." in html
    # The thanks is shown once, not on every later visit.
    assert "Thank you" not in client.get(statement.get_absolute_url()).content.decode()


def test_the_email_is_optional(client, statement):
    """No account and no email needed: the message alone is a report."""
    assert client.post(report_url(statement), {"message": MESSAGE}).status_code == 302
    assert ErrorReport.objects.get().email == ""


def test_a_retracted_statement_takes_reports_too(client):
    """A retracted statement is still public (its permalink resolves), so it can still be reported."""
    retracted = StatementFactory(status=Status.RETRACTED, retraction_reason="Misattributed.")
    assert client.post(report_url(retracted), {"message": MESSAGE}).status_code == 302
    assert ErrorReport.objects.get().statement == retracted


@pytest.mark.parametrize(
    "data, field, error",
    [
        ({"message": ""}, "message", "This field is required."),
        ({"message": "   \n  "}, "message", "This field is required."),
        ({}, "message", "This field is required."),
        (
            {"message": "x" * (ErrorReport.MESSAGE_MAX_LENGTH + 1)},
            "message",
            f"Ensure this value has at most {ErrorReport.MESSAGE_MAX_LENGTH} characters",
        ),
        ({"message": MESSAGE, "email": "not an address"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_input_rerenders_the_permalink_with_the_message_and_stores_nothing(client, statement, data, field, error):
    """Bad input is a 400: the permalink again, with the message by the field, and no report stored."""
    response = client.post(report_url(statement), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Words as reported." in html  # the permalink itself
    assert error in html
    assert response.context["report_form"].errors[field]
    assert 'aria-invalid="true"' in html
    assert ErrorReport.objects.count() == 0


def test_a_draft_cannot_be_reported(client):
    """A POST for a draft's id (or an unknown one) is a 404 like its permalink, and stores nothing."""
    draft = StatementFactory(status=Status.DRAFT)
    assert client.post(report_url(draft), {"message": MESSAGE}).status_code == 404
    assert (
        client.post(reverse("statements:report_error", args=[draft.pk + 1000]), {"message": MESSAGE}).status_code == 404
    )
    assert ErrorReport.objects.count() == 0


def test_the_report_address_only_takes_posts(client, statement):
    """GET on the report address is 405: the form lives on the permalink."""
    assert client.get(report_url(statement)).status_code == 405


def test_the_honeypot_thanks_a_bot_and_stores_nothing(client, statement):
    """A filled-in hidden field (what form-filling bots do) gets the same redirect, and nothing is stored."""
    response = client.post(report_url(statement), {"message": "Buy now", "website": "http://spam.example"})
    assert response.status_code == 302
    assert ErrorReport.objects.count() == 0


def test_the_honeypot_is_hidden_by_a_class_not_an_inline_style(client, statement):
    """The Content-Security-Policy forbids inline styles: the honeypot is hidden by site.css."""
    html = client.get(statement.get_absolute_url()).content.decode()
    assert '<div class="report-form__trap" aria-hidden="true">' in html
    assert "style=" not in html


def test_reports_are_rate_limited_per_client(client, statement, rate_limits_on, monkeypatch):
    """Past the limit a client gets 429 with Retry-After and nothing more is stored; another client is not affected."""
    # One fixed moment inside a window, so the run cannot straddle two windows and start counting again.
    moment = (time.time() // 3600) * 3600 + 30
    monkeypatch.setattr("statements.ratelimit.time", SimpleNamespace(time=lambda: moment))
    statuses = [client.post(report_url(statement), {"message": MESSAGE}).status_code for _ in range(REPORT_LIMIT)]
    assert set(statuses) == {302}
    response = client.post(report_url(statement), {"message": MESSAGE})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert ErrorReport.objects.count() == REPORT_LIMIT
    other = client.post(report_url(statement), {"message": MESSAGE}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


def test_the_form_is_csrf_protected(statement):
    """Without the CSRF token the POST is refused (403); with the token from the permalink it is accepted."""
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(report_url(statement), {"message": MESSAGE}).status_code == 403
    assert ErrorReport.objects.count() == 0
    browser.get(statement.get_absolute_url())
    token = browser.cookies["csrftoken"].value
    assert browser.post(report_url(statement), {"message": MESSAGE, "csrfmiddlewaretoken": token}).status_code == 302


def test_a_reporters_email_is_never_public(client, statement):
    """The email is for replying: not on the permalink, in the CSV export, the API or the feed."""
    client.post(report_url(statement), {"message": MESSAGE, "email": EMAIL})
    for url in (
        statement.get_absolute_url(),
        "/export.csv",
        "/api/statements/",
        f"/api/statements/{statement.pk}/",
        "/feed.atom",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert EMAIL.encode() not in body and MESSAGE.encode() not in body, url


def test_an_editor_sees_the_report_in_the_admin_with_its_statement(client, statement):
    """Editors list reports with a link to the statement, filter them by status, and open one read-only."""
    client.post(report_url(statement), {"message": MESSAGE, "email": EMAIL})
    report = ErrorReport.objects.get()
    client.force_login(user_with_role("Editor"))
    html = client.get(admin_url(ErrorReport, "changelist")).content.decode()
    assert MESSAGE in html
    assert f'href="{admin_url(type(statement), "change", statement.pk)}"' in html
    assert f'href="{statement.get_absolute_url()}"' in html
    assert MESSAGE in client.get(admin_url(ErrorReport, "changelist") + "?status__exact=open").content.decode()
    assert MESSAGE not in client.get(admin_url(ErrorReport, "changelist") + "?status__exact=resolved").content.decode()
    page = client.get(admin_url(ErrorReport, "change", report.pk))
    assert page.status_code == 200 and EMAIL in page.content.decode()
    assert not page.context["has_change_permission"]  # read-only: the reader's words are not edited
    assert client.get(admin_url(ErrorReport, "add")).status_code == 403


def test_an_editor_marks_reports_resolved(client, statement):
    """The "mark resolved" action records who resolved the reports and when; resolved ones stay as they were."""
    client.post(report_url(statement), {"message": MESSAGE})
    client.post(report_url(statement), {"message": "Second report."})
    editor = user_with_role("Editor")
    client.force_login(editor)
    response = client.post(
        admin_url(ErrorReport, "changelist"),
        {"action": "mark_resolved", "_selected_action": list(ErrorReport.objects.values_list("pk", flat=True))},
        follow=True,
    )
    assert "2 reports marked resolved." in response.content.decode()
    assert {(r.status, r.resolved_by) for r in ErrorReport.objects.all()} == {(ReportStatus.RESOLVED, editor)}
    assert all(r.resolved_at for r in ErrorReport.objects.all())


def test_analysts_do_not_see_reports(client, statement):
    """Reports carry readers' emails and ask for an Editor's decision: Analysts get no access (docs/roles.md)."""
    client.post(report_url(statement), {"message": MESSAGE})
    client.force_login(user_with_role("Analyst"))
    assert client.get(admin_url(ErrorReport, "changelist")).status_code == 403
    assert client.get(admin_url(ErrorReport, "change", ErrorReport.objects.get().pk)).status_code == 403


def test_the_database_refuses_an_unknown_status(statement):
    """The status choices are backed by a named constraint, whatever writes the row."""
    with pytest.raises(IntegrityError, match="error_report_status_valid"):
        ErrorReport.objects.create(statement=statement, message=MESSAGE, status="ignored")


def test_the_database_refuses_a_resolved_report_without_its_date(statement):
    """Resolved exactly when it has a date, so the Editors' list can say when each report was dealt with."""
    with pytest.raises(IntegrityError, match="error_report_resolved_has_date"):
        ErrorReport.objects.create(statement=statement, message=MESSAGE, status=ReportStatus.RESOLVED)
