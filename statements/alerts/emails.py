"""The digest email: plain text and HTML, the filter in words and the count in the subject, a link to the filter on
the timeline and to manage the address's alerts, and one-click unsubscribe (RFC 8058)."""

from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string

from ..filters import StatementFilter
from . import links
from .digests import Contents, contents
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


def digest_message(digest: Digest, statement_filter: StatementFilter | None = None) -> EmailMultiAlternatives:
    """The email of a recorded digest, with the Message-ID it was recorded with. `statement_filter`: the
    subscription's, when the caller has it built (a run builds each distinct filter once)."""
    subscription = digest.subscription
    found = contents(digest)
    for statement in [*found.new, *found.corrected, *found.retracted]:
        statement.url = links.absolute(statement.get_absolute_url())
    in_words = describe(statement_filter or followed_filter(subscription))
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
