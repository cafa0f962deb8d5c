"""The digest email: plain text and HTML, the filter in words and the count in the subject, a link to the filter on
the timeline and to manage the address's alerts, and one-click unsubscribe (RFC 8058)."""

from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string

from ..models import Statement
from . import links
from .digests import Contents, Statements, contents
from .models import Digest
from .subscribing import describe, followed_filter

SUBJECT_MAX = 180
LIST_ID = "Statement Tracker alerts <alerts.statement-tracker>"


def subject(in_words: str, found: Contents) -> str:
    """ "3 new statements: Statements by Dmitry Peskov on Syria"; with corrections, "…, 1 correction: …"."""
    counts = []
    if found.new_count:
        counts.append(f"{found.new_count} new statement{pluralize(found.new_count)}")
    changed = len(found.corrected) + len(found.retracted)
    if changed:
        counts.append(f"{changed} correction{pluralize(changed)}")
    line = f"{', '.join(counts) or 'No change'}: {in_words}"
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1].rstrip() + "…"


def fragments(statement: Statement) -> Statement:
    """The statement with its permalink (`url`) and what a digest writes of it, in plain text and in HTML
    (`email_text`, `email_html`), rendered once however many digests show it (`digests.Statements` shares the
    statements of a run)."""
    if not hasattr(statement, "email_text"):
        statement.url = links.absolute(statement.get_absolute_url())
        context = {"statement": statement}
        statement.email_text = render_to_string("statements/alerts/email/statement.txt", context)
        statement.email_html = render_to_string("statements/alerts/email/statement.html", context)
    return statement


def digest_message(
    digest: Digest, in_words: str | None = None, statements: Statements | None = None
) -> EmailMultiAlternatives:
    """The email of a recorded digest, with the Message-ID it was recorded with. `in_words`: the subscription's
    filter in words, when the caller has it (a run says each distinct filter once); `statements`: what the run read
    of the statements it sends (`digests.Statements`)."""
    subscription = digest.subscription
    found = contents(digest, statements)
    for statement in [*found.new, *found.corrected, *found.retracted]:
        fragments(statement)
    in_words = in_words or describe(followed_filter(subscription))
    context = {
        "subscription": subscription,
        "in_words": in_words,
        "found": found,
        "timeline_url": links.timeline_url(subscription),
        "manage_url": links.manage_url(subscription),
        "unsubscribe_url": links.unsubscribe_url(subscription),
    }
    message = EmailMultiAlternatives(
        subject=subject(in_words, found),
        body=render_to_string("statements/alerts/email/digest.txt", context),
        to=[subscription.email],
        headers={
            "Message-ID": digest.message_id,
            "List-Id": LIST_ID,
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("statements/alerts/email/digest.html", context), "text/html")
    return message
