"""What is due and what a digest holds.

New to a subscription: a published statement matching its filter, published or edited into the filter after the
subscription was first confirmed (by `Statement.updated_at`, indexed), and never sent to it. A statement that
comes to match because something else changed (a topic moved under another, an official's country) is not new:
only the statement's own change is. "Never sent" is read from the sent pairs (`SentStatement`), the truth of what
went to whom. Each run looks only at the statements changed since the subscription's last check less
LATE_COMMIT_MARGIN (`candidates_since`), so the work does not grow with a subscription's age; the sent pairs keep
the statements of that overlap from going twice.

Corrections and retractions of statements already sent come in their own section.
"""

import datetime
import functools
import gc
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import F
from django.http import QueryDict

from .. import bulk_insert
from ..filters import StatementFilter
from ..models import Statement, Status
from .models import FINGERPRINTED, Digest, Frequency, SentStatement, Subscription, SubscriptionState, fingerprint
from .subscribing import describe, followed_filter

# At most this many statements are written out in a digest; the rest are counted, with a link to the timeline.
SHOWN_MAX = 20
# A subscription "as published" gets at most one digest in this interval.
AS_PUBLISHED_INTERVAL = datetime.timedelta(hours=1)
# `updated_at` is stamped when a statement is saved and seen by a run only once its transaction commits: a CSV import
# stamps its first rows long before it commits. Each run therefore looks again this far before the last check; a
# transaction that commits later than this after stamping its statements would be missed (no writer here holds one
# that long). What the overlap finds again was sent already: the sent pairs keep it from going twice.
LATE_COMMIT_MARGIN = datetime.timedelta(hours=1)


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


def candidates_since(subscription: Subscription) -> datetime.datetime:
    """The earliest `updated_at` a run looks at for this subscription: its first confirmation (what is new starts
    there), or its last check less LATE_COMMIT_MARGIN when that is later."""
    since = subscription.confirmed_at or subscription.created_at  # a pending one, previewed in the admin
    if subscription.checked_at is not None:
        since = max(since, subscription.checked_at - LATE_COMMIT_MARGIN)
    return since


def new_statement_ids(subscription: Subscription) -> list[int]:
    """Published statements matching the filter, changed since `candidates_since`, never sent to it. Empty for a
    filter no longer valid (an official whose statements all left the public site). One subscription's alone (the
    admin's preview); a run reads them for all its subscriptions at once (`Batch`)."""
    statement_filter = followed_filter(subscription)
    if not statement_filter.is_valid():
        return []
    sent = SentStatement.objects.filter(subscription=subscription).values("statement_id")
    found = statement_filter.qs.filter(updated_at__gte=candidates_since(subscription)).exclude(pk__in=sent)
    return list(found.values_list("pk", flat=True))


# Conditions built as filters at once (`Batch`): a filter is a heavy object, and a run has hundreds of conditions.
# Each chunk is let go of before the next.
CONDITIONS_AT_ONCE = 50


class Batch:
    """What one run reads once for all its due subscriptions, rather than once for each of them.

    - The candidates: the published statements changed since the earliest `candidates_since` of them all, read once,
      ids and `updated_at` only.
    - The filters' conditions (`StatementFilter.conditions`: an official, a topic, words…), each built once as a
      StatementFilter over the candidates, the names all the filters use read once (`read_names`), and its matches
      among them read once. Ten thousand subscriptions follow thousands of filters made of a few hundred conditions;
      a filter matches the candidates its conditions all match.
    - The subscriptions whose sent statements changed since (`changed`): only they can have a correction to tell.
      A change stamps the statement's `updated_at`, so it is among the candidates of every subscription that last
      looked before it (the same margin for late commits as for new statements).

    - The subscriptions with a sent statement among the candidates (`sent_before`): only they can find a candidate
      sent already, so only they read their sent pairs (`record`).

    A subscription with no new candidate and no changed statement has nothing to record: it costs no query of its own
    (`checked` marks them all at once). What the digests send is read once for all of them (`statements`), and each
    distinct filter said in words once (`in_words`).
    """

    def __init__(self, subscriptions: list[Subscription]):
        self.since = min((candidates_since(subscription) for subscription in subscriptions), default=None)
        self.conditions = {s.query: StatementFilter.conditions(QueryDict(s.query)) for s in subscriptions}
        self.candidates, self.matches, self.changed, self.sent_before = {}, {}, set(), set()
        self.statements = Statements()
        self.words = {}  # query string -> the filter in words, for the digests of this run
        self.known = {}  # the names the filters use, read once for all (`StatementFilter.read_names`)
        if self.since is None:
            return
        self.known = StatementFilter.read_names([QueryDict(query) for query in self.conditions])
        candidates = Statement.objects.published().filter(updated_at__gte=self.since)
        self.candidates = dict(candidates.order_by().values_list("pk", "updated_at"))
        conditions = sorted({condition for found in self.conditions.values() for condition in found})
        for start in range(0, len(conditions), CONDITIONS_AT_ONCE):
            chunk = conditions[start : start + CONDITIONS_AT_ONCE]
            built = StatementFilter.read_together(
                [QueryDict(condition) for condition in chunk], queryset=candidates, known=self.known
            )
            for condition, statement_filter in zip(chunk, built, strict=True):
                # None: the condition no longer validates (an official no longer on the public site).
                valid = statement_filter.is_valid()
                self.matches[condition] = (
                    frozenset(statement_filter.qs.order_by().values_list("pk", flat=True)) if valid else None
                )
            # A filter is a web of reference cycles, and the processes that set the collector's threshold high
            # (tracker/wsgi.py, the bench) would keep every chunk's until the end of the run.
            del built, statement_filter
            gc.collect()
        overlap = SentStatement.objects.filter(statement__updated_at__gte=self.since).order_by()
        self.sent_before = set(overlap.values_list("subscription_id", flat=True).distinct())
        self.changed = set(
            overlap.exclude(version=F("statement__updated_at")).values_list("subscription_id", flat=True).distinct()
        )

    def is_valid(self, subscription: Subscription) -> bool:
        return all(self.matches[condition] is not None for condition in self.conditions[subscription.query])

    def statement_filter(self, subscription: Subscription) -> StatementFilter:
        """The subscription's whole filter (its errors). Built anew each time, not kept: a filter is a heavy
        object."""
        return followed_filter(subscription)

    def in_words(self, subscription: Subscription) -> str:
        """The subscription's filter in words, said once per run for all the digests of subscriptions following
        the same filter (a string is kept, not the filter)."""
        if subscription.query not in self.words:
            [statement_filter] = StatementFilter.read_together(
                [QueryDict(subscription.query)], queryset=Statement.objects.published(), known=self.known
            )
            self.words[subscription.query] = describe(statement_filter)
        return self.words[subscription.query]

    def new_candidates(self, subscription: Subscription) -> list[int]:
        """The candidates the subscription's (valid) filter matches, changed since its own `candidates_since`; some
        may have been sent to it already (`record` leaves those out)."""
        found = [self.matches[condition] for condition in self.conditions[subscription.query]]
        matched = frozenset.intersection(*found) if found else self.candidates.keys()
        since = candidates_since(subscription)
        # A statement published between reading the candidates and a condition's matches waits for the next run.
        return sorted(pk for pk in matched if pk in self.candidates and self.candidates[pk] >= since)


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


def record(
    subscription: Subscription,
    now: datetime.datetime,
    new_candidates: list[int],
    *,
    may_have_changed: bool = True,
    may_have_sent: bool = True,
    statements: "Statements | None" = None,
) -> Digest | None:
    """Record the next digest of a due subscription, with the statements it sends, in one transaction; None when
    there is nothing to send or the subscription is no longer active. Once this commits, these statements never go
    to this subscription in another digest. The digest's `new_ids` are the statements it sends as new.

    `new_candidates`: its filter's matches read by the run (`Batch`), of which those not sent yet are new.
    `may_have_changed`: False when the run knows no statement sent to it changed since
    (`Batch.changed`); `may_have_sent`: False when the run knows none of its candidates was sent to it
    (`Batch.sent_before`). `statements`: what the run read of the statements (`Statements`), shared by its
    digests."""
    statements = statements or Statements()
    # No savepoint: in a caller's transaction (`send_alerts` commits the last digest's mark with this record), a
    # failure here undoes the caller's writes as well, and a savepoint would cost two more queries a digest.
    with transaction.atomic(savepoint=False):
        # One UPDATE checks that the subscription is still active (not unsubscribed or paused since the run looked
        # it up) and holds its row until the commit: an unsubscribe waits for the digest to be recorded.
        if not Subscription.objects.filter(pk=subscription.pk, state=SubscriptionState.ACTIVE).update(checked_at=now):
            return None
        subscription.checked_at = now
        sent = set()
        if may_have_sent and new_candidates:
            sent = set(
                SentStatement.objects.filter(subscription=subscription, statement_id__in=new_candidates)
                .order_by()  # the model's order would join the statements for nothing
                .values_list("statement_id", flat=True)
            )
        new_ids = [pk for pk in new_candidates if pk not in sent]
        # Only a subscription among the run's `Batch.changed` has a sent statement changed since: the others skip
        # the query.
        changed, corrections = changed_since_sent(subscription) if may_have_changed else ([], [])
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
        statements.newest(new_ids)  # the statements shown read whole first: their pairs record what is shown
        versions = statements.versions(new_ids)
        # As plain rows (`bulk_insert`: one COPY on PostgreSQL, INSERTs of many rows on SQLite): a run writes a pair
        # for each statement of each digest, and a model instance for each is Python work the rows do not need.
        pairs = sent_pairs()
        pairs.insert(
            [
                pairs.row(
                    {
                        "subscription_id": subscription.pk,
                        "statement_id": pk,
                        "digest_id": digest.pk,
                        "version": versions[pk].updated_at,
                        "fingerprint": versions[pk].fingerprint,
                    }
                )
                for pk in new_ids
            ]
        )
        for row in corrections:
            row.correction_digest = digest
        SentStatement.objects.bulk_update(changed, ["version", "fingerprint", "retraction_told", "correction_digest"])
    digest.new_ids = new_ids
    return digest


@functools.cache
def sent_pairs() -> bulk_insert.Table:
    """The sent pairs' table as rows, made once: the times it converts are kept for the next digests, which send the
    same statements."""
    return bulk_insert.Table(SentStatement)


def checked(pks: list[int], now: datetime.datetime) -> None:
    """Mark subscriptions looked at without a digest, with nothing to record (`Batch`), in a few queries."""
    for start in range(0, len(pks), 500):
        Subscription.objects.filter(pk__in=pks[start : start + 500], state=SubscriptionState.ACTIVE).update(
            checked_at=now
        )


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


@dataclass(frozen=True, slots=True)
class Version:
    """What a run knows of a statement it sends: its `updated_at` and `fingerprint` (kept on the sent pair), and
    what orders a digest (its date) and keeps it out (no longer published)."""

    updated_at: datetime.datetime
    fingerprint: str
    date: datetime.date
    published: bool


# Statements read at once by `Statements`: a bound on the IN list, whatever the database.
STATEMENTS_AT_ONCE = 500


class Statements:
    """The statements a run's digests send and show, each read once for the run rather than once for each digest
    that sends it: a published statement goes to every subscription whose filter matches it.

    `versions`: the version and fingerprint recorded on the sent pairs, with the date and whether it is still
    published. `shown`: the statements written out in digests (the newest SHOWN_MAX of each), as a list shows them
    (`for_lists`, `with_role`), with the fragment of email each is rendered into once (`emails.fragments`). The
    digest shows the version it records: a statement edited while the run goes reaches the next run as a correction.
    """

    def __init__(self):
        self.read: dict[int, Version] = {}
        self.shown: dict[int, Statement] = {}

    def versions(self, pks: list[int]) -> dict[int, Version]:
        """The versions of these statements; a statement deleted since the run began is missing (KeyError)."""
        missing = [pk for pk in pks if pk not in self.read]
        for start in range(0, len(missing), STATEMENTS_AT_ONCE):
            found = Statement.objects.only("updated_at", "status", *FINGERPRINTED).order_by()
            for statement in found.filter(pk__in=missing[start : start + STATEMENTS_AT_ONCE]):
                self.read[statement.pk] = self.version(statement)
        return {pk: self.read[pk] for pk in pks}

    @staticmethod
    def version(statement: Statement) -> Version:
        return Version(
            updated_at=statement.updated_at,
            fingerprint=fingerprint(statement),
            date=statement.date,
            published=statement.status == Status.PUBLISHED,
        )

    def newest(self, pks: list[int]) -> Contents:
        """The new section of a digest sending these statements: the newest SHOWN_MAX of those still published,
        and their count. A statement shown is read whole once, and its version taken from that reading: the sent
        pair records the version the reader sees."""
        versions = self.versions(pks)
        published = [pk for pk in pks if versions[pk].published]
        newest = sorted(published, key=lambda pk: (versions[pk].date, pk), reverse=True)[:SHOWN_MAX]
        missing = [pk for pk in newest if pk not in self.shown]
        if missing:
            for statement in Statement.objects.for_lists().with_role().filter(pk__in=missing).order_by():
                self.shown[statement.pk] = statement
                self.read[statement.pk] = self.version(statement)
        return Contents(new=[self.shown[pk] for pk in newest], new_count=len(published))


def contents(digest: Digest, statements: Statements | None = None) -> Contents:
    """The statements of a recorded digest as they read now (a digest sent again shows the same statements). One
    recorded by this run (its `new_ids`, the run's `statements`) shows its new statements as the run read them."""
    if statements is not None and hasattr(digest, "new_ids"):
        found = statements.newest(digest.new_ids)
        if digest.corrections_count:  # else no query to build: most digests tell no correction
            told = gathered(new=[], changed=corrected_ids(digest))
            found.corrected, found.retracted = told.corrected, told.retracted
        return found
    # A digest with no new statement, or no correction, has no query for that section (an empty list is none).
    return gathered(
        new=SentStatement.objects.filter(digest=digest).values("statement_id") if digest.new_count else [],
        changed=corrected_ids(digest),
    )


def corrected_ids(digest: Digest):
    """The statements whose correction the digest tells (a query of their ids; an empty list when it tells none)."""
    if not digest.corrections_count:
        return []
    return SentStatement.objects.filter(correction_digest=digest).values("statement_id")


def preview(subscription: Subscription) -> Contents:
    """What the subscription's next digest would hold if it were recorded now; nothing is recorded (the admin)."""
    _, told = changed_since_sent(subscription)
    return gathered(new=new_statement_ids(subscription), changed=[row.statement_id for row in told])


def gathered(*, new, changed) -> Contents:
    """What a digest shows of these statements (ids, or a query of them): the newest SHOWN_MAX of the new ones still
    published, with their count; the changed ones as corrected or retracted."""
    shown = Statement.objects.for_lists().with_role()
    published = shown.filter(pk__in=new, status=Status.PUBLISHED)  # one unpublished since is left out
    written = list(published.newest_first()[:SHOWN_MAX])
    told = list(shown.filter(pk__in=changed, status__in=[Status.PUBLISHED, Status.RETRACTED]).newest_first())
    return Contents(
        new=written,
        # Counted without the list's joins and role subquery: the same statements, far less SQL to build and run.
        new_count=(
            len(written)
            if len(written) < SHOWN_MAX
            else Statement.objects.filter(pk__in=new, status=Status.PUBLISHED).count()
        ),
        corrected=[s for s in told if s.status == Status.PUBLISHED],
        retracted=[s for s in told if s.status == Status.RETRACTED],
    )
