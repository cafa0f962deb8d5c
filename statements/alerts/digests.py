"""What is due and what a digest holds.

A digest holds the statements that newly match a subscription's filter (published since it began, or matching
now because their topics, countries or words changed) that it was never sent, and, in their own section, the
corrections and retractions of statements it was sent. "Never sent" is read from the sent pairs
(`SentStatement`), never from a "published since" watermark: a publication whose transaction commits late would
fall behind a watermark and be missed. Candidates are the statements changed since the subscription began
(`Statement.updated_at`, indexed); a publication or an edit changes it.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import F

from ..models import Statement, Status
from .models import Digest, Frequency, SentStatement, Subscription, fingerprint
from .subscribing import followed_filter

# At most this many statements are written out in a digest; the rest are counted, with a link to the timeline.
SHOWN_MAX = 20
# A subscription "as published" gets at most one digest in this interval.
AS_PUBLISHED_INTERVAL = datetime.timedelta(hours=1)


def last_scheduled(frequency: str, now: datetime.datetime) -> datetime.datetime:
    """The latest moment at or before `now` when a daily or weekly digest goes out (settings.ALERTS_DAILY_HOUR, on
    ALERTS_WEEKLY_DAY for weekly ones, in ALERTS_TIME_ZONE)."""
    zone = ZoneInfo(settings.ALERTS_TIME_ZONE)
    local = now.astimezone(zone)
    day = local.date()
    if frequency == Frequency.WEEKLY:
        day -= datetime.timedelta(days=(day.weekday() - settings.ALERTS_WEEKLY_DAY) % 7)
    moment = datetime.datetime.combine(day, datetime.time(settings.ALERTS_DAILY_HOUR), tzinfo=zone)
    if moment > local:
        moment -= datetime.timedelta(days=7 if frequency == Frequency.WEEKLY else 1)
        moment = datetime.datetime.combine(moment.date(), datetime.time(settings.ALERTS_DAILY_HOUR), tzinfo=zone)
    return moment


def is_due(subscription: Subscription, now: datetime.datetime) -> bool:
    """Whether to look for what is new now: "as published" at most hourly; daily and weekly once their moment has
    come since they were last looked at (or confirmed)."""
    if subscription.frequency == Frequency.AS_PUBLISHED:
        return subscription.last_sent_at is None or now - subscription.last_sent_at >= AS_PUBLISHED_INTERVAL
    since = subscription.checked_at or subscription.confirmed_at or subscription.created_at
    return since < last_scheduled(subscription.frequency, now)


def new_statement_ids(subscription: Subscription) -> list[int]:
    """Published statements matching the filter, changed since the subscription began, never sent to it; in the
    filter's order. None for a filter no longer valid (an official whose statements all left the public site)."""
    statement_filter = followed_filter(subscription)
    if not statement_filter.is_valid():
        return []
    sent = SentStatement.objects.filter(subscription=subscription).values("statement_id")
    found = statement_filter.qs.filter(updated_at__gte=subscription.created_at).exclude(pk__in=sent)
    return list(found.values_list("pk", flat=True))


def changed_since_sent(subscription: Subscription) -> tuple[list[SentStatement], list[SentStatement]]:
    """The sent pairs whose statement changed since this subscription heard of it, each updated to what it hears now
    (the caller saves them), and among them those to tell: retracted, or words, speaker, date or source changed."""
    rows = list(
        SentStatement.objects.filter(subscription=subscription)
        .exclude(version=F("statement__updated_at"))
        .select_related("statement")
    )
    told = []
    for row in rows:
        statement = row.statement
        row.version = statement.updated_at
        if statement.status == Status.RETRACTED and not row.retraction_told:
            row.retraction_told = True
            told.append(row)
        elif statement.status == Status.PUBLISHED:
            row.retraction_told = False  # published again: a new retraction would be news
            if fingerprint(statement) != row.fingerprint:
                row.fingerprint = fingerprint(statement)
                told.append(row)
        # A statement returned to draft left the public site: nothing to say until it is back.
    return rows, told


def record(subscription: Subscription, now: datetime.datetime) -> Digest | None:
    """Record the next digest of a due subscription, with the statements it sends, in one transaction; None when
    there is nothing to send or the subscription is gone. Once this commits, these statements never go to this
    subscription in another digest."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
        if subscription is None:  # unsubscribed since the run looked it up
            return None
        new_ids = new_statement_ids(subscription)
        changed, corrections = changed_since_sent(subscription)
        subscription.checked_at = now
        subscription.save(update_fields=["checked_at"])
        if not new_ids and not corrections:
            SentStatement.objects.bulk_update(changed, ["version", "fingerprint", "retraction_told"])
            return None
        digest = Digest.objects.create(
            subscription=subscription,
            # Fixed before sending: a digest sent again keeps its id, and mail clients show it once.
            message_id=make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
            new_count=len(new_ids),
            corrections_count=len(corrections),
        )
        statements = Statement.objects.in_bulk(new_ids)
        SentStatement.objects.bulk_create(
            [
                SentStatement(
                    subscription=subscription,
                    statement=statements[pk],
                    digest=digest,
                    version=statements[pk].updated_at,
                    fingerprint=fingerprint(statements[pk]),
                )
                for pk in new_ids
            ]
        )
        for row in corrections:
            row.correction_digest = digest
        SentStatement.objects.bulk_update(changed, ["version", "fingerprint", "retraction_told", "correction_digest"])
    return digest


@dataclass
class Contents:
    """What one digest shows: up to SHOWN_MAX new statements (of `new_count`), and the corrections."""

    new: list = field(default_factory=list)
    new_count: int = 0
    corrected: list = field(default_factory=list)
    retracted: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.new_count - len(self.new)


def contents(digest: Digest) -> Contents:
    """The statements of a recorded digest as they read now (a digest sent again shows the same statements)."""
    shown = Statement.objects.for_lists().with_role()
    new_ids = SentStatement.objects.filter(digest=digest).values("statement_id")
    published = shown.filter(pk__in=new_ids, status=Status.PUBLISHED)  # one unpublished since is left out
    new = list(published.newest_first()[:SHOWN_MAX])
    corrected_ids = SentStatement.objects.filter(correction_digest=digest).values("statement_id")
    changed = list(shown.filter(pk__in=corrected_ids, status__in=[Status.PUBLISHED, Status.RETRACTED]).newest_first())
    return Contents(
        new=new,
        new_count=len(new) if len(new) < SHOWN_MAX else published.count(),
        corrected=[s for s in changed if s.status == Status.PUBLISHED],
        retracted=[s for s in changed if s.status == Status.RETRACTED],
    )


def preview(subscription: Subscription) -> Contents:
    """What the subscription's next digest would hold if it were recorded now; nothing is recorded (the admin)."""
    new_ids = new_statement_ids(subscription)
    _, told = changed_since_sent(subscription)
    shown = Statement.objects.for_lists().with_role()
    changed = list(shown.filter(pk__in=[row.statement_id for row in told]).newest_first())
    return Contents(
        new=list(shown.filter(pk__in=new_ids).newest_first()[:SHOWN_MAX]),
        new_count=len(new_ids),
        corrected=[s for s in changed if s.status == Status.PUBLISHED],
        retracted=[s for s in changed if s.status == Status.RETRACTED],
    )
