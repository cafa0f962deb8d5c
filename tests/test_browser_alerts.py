"""Email alerts in Debian's Chromium, through a real SMTP server: subscribe from a filtered timeline, confirm from
the email the sender sends, get a digest when a statement is published and its correction, unsubscribe in one click."""

import datetime
import re

import pytest
from django.utils import timezone

from statements.alerts import sending
from statements.alerts.models import Subscription
from tests.browser import screenshot, serious_violations
from tests.factories import OfficialFactory, StatementFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def header(message, name: str) -> str:
    """A header's value without folding whitespace (the generator folds long ones, a leading fold included)."""
    return " ".join(str(message[name]).split())


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_follow_a_filter_by_email_from_subscribing_to_unsubscribing(live_server, page, smtp_server, settings):
    """A reader subscribes from a filtered timeline, confirms from the email, receives the new statement and then its
    correction, and unsubscribes with one click on the email's link."""
    settings.SITE_URL = live_server.url
    syria = TopicFactory(name="Syria", slug="syria")
    peskov = OfficialFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    StatementFactory(speaker=peskov, topics=[syria], text="An earlier remark on Syria.")

    page.goto(live_server.url + "/?topic=syria")
    page.get_by_text("Email me new statements like these").click()
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_label("As published (at most hourly)").check()
    screenshot(page, "alerts-form", widths=(390, 1280))
    page.get_by_role("button", name="Email me new statements", exact=True).click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert serious_violations(page) == []
    screenshot(page, "alerts-requested", widths=(390, 1280))

    assert smtp_server.messages == [], "the request is queued: no mail server is asked while the visitor waits"
    assert sending.run().confirmations == 1  # send_alerts, a few minutes later
    [confirmation] = smtp_server.messages
    assert "Syria" not in confirmation.as_string()
    page.goto(re.search(r"(http://\S+/alerts/confirm/\S+/)", plain(confirmation)).group(1))
    assert page.get_by_text("Statements on Syria").is_visible()
    screenshot(page, "alerts-confirm", widths=(390, 1280))
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.get_by_text("Your alert is set up.").wait_for()

    statement = StatementFactory(speaker=peskov, topics=[syria], text="Syria is a burning issue.")
    now = timezone.now()
    assert sending.run(now=now).sent == 1
    digest = smtp_server.messages[1]
    assert header(digest, "Subject") == "1 new statement: Statements on Syria"
    assert "Syria is a burning issue." in plain(digest) and "An earlier remark" not in plain(digest)
    page.set_content(digest.get_body(("html",)).get_content())
    screenshot(page, "alerts-digest-email", widths=(390, 1280))

    statement.text = "Syria is a burning issue, and we cannot afford a pause."
    statement.save()
    assert sending.run(now=now + datetime.timedelta(hours=2)).sent == 1
    correction = smtp_server.messages[2]
    assert header(correction, "Subject") == "1 correction: Statements on Syria"
    assert "we cannot afford a pause" in plain(correction)
    page.set_content(correction.get_body(("html",)).get_content())
    assert page.get_by_text("Corrected, now reads:").is_visible() and page.get_by_text("Dmitry Peskov").is_visible()
    screenshot(page, "alerts-correction-email", widths=(390, 1280))

    unsubscribe = header(correction, "List-Unsubscribe").strip("<>")
    page.goto(unsubscribe)
    screenshot(page, "alerts-unsubscribe", widths=(390, 1280))
    assert Subscription.objects.exists(), "opening the link unsubscribes nothing"
    page.get_by_role("button", name="Unsubscribe", exact=True).click()
    page.get_by_role("heading", name="Unsubscribed").wait_for()
    assert not Subscription.objects.exists()
