"""One run of `manage.py send_alerts`: the confirmation links asked for, then every due digest recorded and handed to
the mail server.

Exactly once, as far as SMTP allows. A digest is recorded, with the statements it sends, before it is handed to
the server (`digests.record`), and marked sent after the server accepted it (`mark_sent`), in the transaction that
records the next digest (`Marks`): a digest is handed over only once the last one's mark is committed. A run that
stops before sending leaves the digest pending: the next run sends it. One that stops after the server accepted it
and before the mark is committed sends that same digest again next time, with the same Message-ID (mail clients
show one message); nothing else is ever sent twice or skipped. Runs take a lease in the database (`RunLock`), so
two runs at once never both send; a run that dies leaves it to expire after LEASE.

A refusal of one digest (its recipient refused at RCPT, or the message refused at DATA) is recorded on the digest
and retried with back-off (RETRY_AFTER, doubling) up to MAX_ATTEMPTS; PAUSE_AFTER permanent refusals of the address
(5xx) in a row pause the subscription. Anything else the mail server does (no connection, login or sender refused,
the session dropped) is no fault of one subscription: the run stops (`Stopped`), touching no digest or subscription,
and the next run sends what is pending. Asynchronous bounces (a message accepted, then returned) are not processed.
"""

import contextlib
import datetime
import logging
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from . import digests, emails
from .models import ConfirmationRequest, Digest, DigestState, PauseCause, RunLock, Subscription, SubscriptionState
from .subscribing import (
    CannotCount,
    confirmation_message,
    filter_errors,
    followed_filter,
    forget_unconfirmed,
    link_sent,
    take_request,
)

LOCK_NAME = "send_alerts"
LEASE = datetime.timedelta(minutes=10)
# The lease is renewed before a subscription once this long has passed since it was last renewed: it then has at
# least LEASE - RENEW_AFTER left, longer than any one subscription takes, so no other run can take it meanwhile.
RENEW_AFTER = datetime.timedelta(minutes=1)
MAX_ATTEMPTS = 6
RETRY_AFTER = datetime.timedelta(minutes=5)
PAUSE_AFTER = 3

logger = logging.getLogger(__name__)


class Stopped(Exception):
    """The mail server takes nothing from this run (connection, login, sender, session): no one digest's fault."""


@dataclass
class Summary:
    confirmations: int = 0
    looked_at: int = 0
    sent: int = 0
    statements: int = 0
    corrections: int = 0
    refused: int = 0
    paused: int = 0
    failed: int = 0
    forgotten: int = 0
    locked: bool = False
    stopped: str = ""  # why the run stopped early, when it did

    @property
    def ok(self) -> bool:
        return not self.stopped

    def line(self) -> str:
        if self.locked:
            return "send_alerts: another run holds the lock; nothing sent."
        line = (
            f"send_alerts: {self.confirmations} confirmation links sent, "
            f"{self.looked_at} subscriptions looked at, {self.sent} digests sent "
            f"({self.statements} statements, {self.corrections} corrections), {self.refused} refused, "
            f"{self.paused} paused, {self.failed} failed, {self.forgotten} unconfirmed forgotten."
        )
        if self.stopped:
            line += f" Stopped: {self.stopped}; what is pending goes in the next run."
        return line


class Lease:
    """The run's lease on RunLock: taken if free or expired, renewed as the run goes, released at the end."""

    def __init__(self, name: str = LOCK_NAME):
        self.name, self.holder = name, uuid.uuid4().hex
        self.renewed = None  # time.monotonic() of the last renewal

    def acquire(self) -> bool:
        try:
            with transaction.atomic():
                RunLock.objects.get_or_create(name=self.name)
        except IntegrityError:  # created by another run at the same moment
            pass
        return self.renew(taking=True)

    def renew(self, *, taking: bool = False) -> bool:
        now = timezone.now()
        ours = Q(holder=self.holder)
        condition = ours | Q(holder="") | Q(expires_at__lt=now) if taking else ours
        # One conditional UPDATE: atomic on both databases, so two runs cannot both take a free lock.
        held = bool(
            RunLock.objects.filter(condition, name=self.name).update(holder=self.holder, expires_at=now + LEASE)
        )
        self.renewed = time.monotonic() if held else None
        return held

    def kept(self) -> bool:
        """Whether the run still holds its lease, renewing it once RENEW_AFTER has passed since the last renewal
        (rather than an UPDATE before every subscription)."""
        if self.renewed is not None and time.monotonic() - self.renewed < RENEW_AFTER.total_seconds():
            return True
        return self.renew()

    def release(self) -> None:
        RunLock.objects.filter(name=self.name, holder=self.holder).update(holder="", expires_at=None)


def smtp_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return max(code for code, _ in error.recipients.values())
    return getattr(error, "smtp_code", None)


def is_refusal(error: Exception) -> bool:
    """The server refused this one message: its recipient (RCPT), or its content (DATA). Anything else stops the run."""
    return isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)


def is_permanent(error: Exception, address: str) -> bool:
    """A 5xx refusal of this address: every recipient refused with a 5xx, or a 5xx to DATA naming the address (a
    4xx may pass later; a refused message, a too large one say, is no sign the address is dead)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        reply = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return address.lower() in str(reply).lower()
    return False


def why(error: Exception) -> str:
    """What went wrong, for the logs and the admin: the exception's kind and SMTP code, never the server's words
    (they often repeat the address)."""
    code = smtp_code(error)
    return f"{type(error).__name__} {code}" if code is not None else type(error).__name__


def refusal_text(error: Exception) -> str:
    """A refusal in words for the admin: what was refused and the SMTP code, never the server's own words (they
    often repeat the address, which Analysts may not see)."""
    refused = "the address" if isinstance(error, smtplib.SMTPRecipientsRefused) else "the message"
    return f"The mail server refused {refused} (SMTP {smtp_code(error)}, {type(error).__name__})."


def mark_sent(digest: Digest, now: datetime.datetime) -> None:
    """The digest accepted by the mail server: written in the transaction of `Marks.folded`."""
    Digest.objects.filter(pk=digest.pk).update(state=DigestState.SENT, sent_at=now, attempts=digest.attempts + 1)
    Subscription.objects.filter(pk=digest.subscription_id).update(last_sent_at=now, hard_refusals=0)


class Marks:
    """The mark of the digest the mail server accepted last, committed with the run's next transaction rather than
    in one of its own: the record of the next digest (`folded`); else a transaction of its own (`flush`) before the
    next digest is handed over (a pending one, recorded by an earlier run) and when the run ends.

    A commit is most of what a mark costs (on PostgreSQL, a wait for the disk), and the next digest's record has one
    to make anyway. The guarantee is the same: a digest is handed to the server only once the last one's mark is
    committed, so at most one accepted digest waits for its mark, and a run killed meanwhile sends that one again
    next time, with the same Message-ID, as it would if killed between the acceptance and a mark of its own. A run
    that stops on an exception (the mail server taking nothing, Ctrl-C) commits the waiting mark on its way out."""

    def __init__(self):
        self.waiting: tuple[Digest, datetime.datetime] | None = None

    def wait(self, digest: Digest, now: datetime.datetime) -> None:
        self.waiting = (digest, now)  # the last one's was committed before this digest was handed over (`deliver`)

    @contextlib.contextmanager
    def folded(self):
        """A transaction that commits the waiting mark, if there is one, with what the caller writes in it."""
        waiting = self.waiting
        with transaction.atomic():
            if waiting is not None:
                mark_sent(*waiting)
            yield
        self.waiting = None  # committed: nothing was added meanwhile (a mark waits for a digest handed over)

    def flush(self) -> None:
        if self.waiting is not None:
            with self.folded():
                pass


def record_refusal(digest: Digest, error: Exception, now: datetime.datetime) -> bool:
    """Record a refused send: retried later, given up after MAX_ATTEMPTS, or the subscription paused after
    PAUSE_AFTER permanent refusals in a row. True when the subscription was paused."""
    paused = False
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=digest.subscription_id).first()
        if subscription is None:  # unsubscribed meanwhile: the digest went with it
            return False
        digest.attempts += 1
        digest.last_error = refusal_text(error)
        digest.retry_at = now + RETRY_AFTER * 2 ** (digest.attempts - 1)
        if is_permanent(error, subscription.email):
            subscription.hard_refusals += 1
            if subscription.hard_refusals >= PAUSE_AFTER:
                subscription.state, subscription.paused_by = SubscriptionState.PAUSED, PauseCause.REFUSALS
                subscription.paused_reason = (
                    f"The mail server refused the address {PAUSE_AFTER} times in a row (SMTP {smtp_code(error)})."
                )
                paused = True
            subscription.save(update_fields=["hard_refusals", "state", "paused_by", "paused_reason"])
        if paused or digest.attempts >= MAX_ATTEMPTS:
            digest.state, digest.retry_at = DigestState.FAILED, None
        digest.save(update_fields=["attempts", "last_error", "retry_at", "state"])
    return paused


def run(*, progress: Callable[[int, int], None] | None = None, now: datetime.datetime | None = None) -> Summary:
    """Send every due digest once; see the module's docstring."""
    now = now or timezone.now()
    summary = Summary()
    lease = Lease()
    if not lease.acquire():
        summary.locked = True
        return summary
    connection = get_connection()
    marks = Marks()
    try:
        summary.forgotten = forget_unconfirmed(now=now)
        send_confirmations(lease, now, connection, summary)
        send_digests(lease, now, connection, summary, marks, progress)
    except Stopped as stop:
        summary.stopped = str(stop)
        logger.error("send_alerts stopped: %s", stop)
    finally:
        close_quietly(connection)
        try:
            marks.flush()  # the digest accepted last, whatever stopped the run (before the lease goes)
        finally:
            lease.release()
    return summary


def send_digests(
    lease: Lease, now: datetime.datetime, connection, summary: Summary, marks: Marks, progress=None
) -> None:
    """Each active subscription in id order: its pending digest sent, or its next one recorded and sent if it is due.

    What the due ones have in common is read once for them all (`digests.Batch`: the candidates, each distinct
    filter and its matches, the subscriptions whose sent statements changed); one with nothing to record costs no
    query of its own, and is marked checked with the others in a few queries (`digests.checked`)."""
    subscriptions = list(Subscription.objects.active().order_by("pk"))
    pending = {}
    for digest in Digest.objects.filter(state=DigestState.PENDING).order_by("-pk"):
        pending[digest.subscription_id] = digest  # the oldest of a subscription's last
    due = [s for s in subscriptions if s.pk not in pending and digests.is_due(s, now)]
    batch = digests.Batch(due)
    due_ids = {s.pk for s in due}
    quiet = []  # looked at, nothing to record: marked checked together
    for done, subscription in enumerate(subscriptions, start=1):
        if not lease.kept():  # this run outlived its lease and another took it: stop before sending more
            break
        summary.looked_at += 1
        if subscription.pk in pending:
            send_one(subscription, now, connection, summary, marks, digest=pending[subscription.pk])
        elif subscription.pk in due_ids:
            send_one(subscription, now, connection, summary, marks, batch=batch, quiet=quiet)
        if progress:
            progress(done, len(subscriptions))
    marks.flush()
    digests.checked(quiet, now)


def send_confirmations(lease: Lease, now: datetime.datetime, connection, summary: Summary) -> None:
    """Act on the queued requests for alerts, oldest first (`subscribing.take_request`), and send each link one
    calls for. A request whose address or message the server refuses is dropped (logged); the mail server taking
    nothing stops the run, that request still queued; no cache to count the addresses' limits leaves every request
    queued for a run that can count."""
    for pk in list(ConfirmationRequest.objects.order_by("pk").values_list("pk", flat=True)):
        if not lease.renew():
            return
        request = ConfirmationRequest.objects.filter(pk=pk).first()
        if request is None:  # the address unsubscribed from everything meanwhile
            continue
        try:
            subscription = take_request(request)
        except CannotCount:
            logger.error("send_alerts: no cache can count confirmation emails; the requests wait for the next run")
            return
        if subscription is None:
            continue
        refusal = hand_over(confirmation_message(subscription), connection)
        if refusal is not None:
            logger.warning("send_alerts: a confirmation link was refused (%s); the request is dropped", why(refusal))
            request.delete()
            summary.refused += 1
            continue
        link_sent(request, subscription, now=now)
        summary.confirmations += 1


def send_one(
    subscription: Subscription, now: datetime.datetime, connection, summary: Summary, marks: Marks, **reading
) -> None:
    """send_due, where one subscription's failure (a template error, say) is logged and counted, and the run goes
    on to the next; a lost database or a mail server taking nothing stops the run."""
    try:
        send_due(subscription, now, connection, summary, marks, **reading)
    except (Stopped, OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("send_alerts: alert %s failed; its digest, if recorded, stays pending", subscription.pk)
        summary.failed += 1


def send_due(
    subscription: Subscription,
    now: datetime.datetime,
    connection,
    summary: Summary,
    marks: Marks,
    *,
    digest: Digest | None = None,
    batch: digests.Batch | None = None,
    quiet: list[int] | None = None,
) -> None:
    """Send the subscription's pending `digest` if it has one (left by a stopped run, or waiting for a retry) and
    is still active; else, the subscription being due, record and send its next digest if it has something to say,
    from what the run read for all (`batch`; one with nothing to record is added to `quiet`)."""
    if digest is not None:
        if digest.retry_at and digest.retry_at > now:
            return
        if not Subscription.objects.active().filter(pk=subscription.pk).exists():  # unsubscribed or paused meanwhile
            return
        deliver(digest, now, connection, summary, marks)
        return
    if not batch.is_valid(subscription) and pause_if_filter_broken(subscription, batch.statement_filter(subscription)):
        summary.paused += 1
        return
    new_candidates = batch.new_candidates(subscription) if batch.is_valid(subscription) else []
    if not new_candidates and subscription.pk not in batch.changed:
        quiet.append(subscription.pk)
        return
    with marks.folded():  # the last digest's mark, committed with this record
        digest = digests.record(
            subscription,
            now,
            new_candidates,
            may_have_changed=subscription.pk in batch.changed,
            may_have_sent=subscription.pk in batch.sent_before,
            statements=batch.statements,
        )
    if digest is None:
        return
    digest.subscription = subscription  # as it was read: rendering needs no query for it
    deliver(digest, now, connection, summary, marks, batch.in_words(subscription), batch.statements)


def pause_if_filter_broken(subscription: Subscription, statement_filter=None) -> bool:
    """Pause a subscription whose filter no longer validates (an official no longer on the public site, say),
    with StatementFilter's reasons for the Editors: it would otherwise get nothing, silently, for ever."""
    statement_filter = statement_filter or followed_filter(subscription)
    if statement_filter.is_valid():
        return False
    reason = " ".join(["The filter no longer works:", *filter_errors(statement_filter)])
    return bool(
        Subscription.objects.filter(pk=subscription.pk, state=SubscriptionState.ACTIVE).update(
            state=SubscriptionState.PAUSED, paused_by=PauseCause.FILTER, paused_reason=reason[:300]
        )
    )


def close_quietly(connection) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):  # the session is gone either way
        connection.close()


def hand_over(message, connection) -> Exception | None:
    """Send one message in the run's session: None once the server accepted it, the error when it refused this
    message (its recipient, or its content); Stopped when it takes nothing from us."""
    message.connection = connection
    try:
        connection.open()  # one session for the run, opened again after a refusal
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        close_quietly(connection)  # a broken session is not reused: the next message opens a new one
        if not is_refusal(error):
            raise Stopped(f"the mail server did not take mail ({why(error)})") from error
        return error
    return None


def deliver(
    digest: Digest, now: datetime.datetime, connection, summary: Summary, marks: Marks, in_words=None, statements=None
) -> None:
    """Hand the digest to the mail server and mark it sent (with the run's next transaction: `Marks`); a refusal
    recorded. `in_words` and `statements`: the filter in words and the statements, as the run read them for all its
    digests (`digests.Batch`)."""
    message = emails.digest_message(digest, in_words, statements)
    marks.flush()  # committed with this digest's record already, if it was recorded in this run; else now
    refusal = hand_over(message, connection)
    if refusal is not None:  # on Stopped, the digest stays as it is, pending
        summary.refused += 1
        summary.paused += record_refusal(digest, refusal, now)
        return
    marks.wait(digest, now)
    summary.sent += 1
    summary.statements += digest.new_count
    summary.corrections += digest.corrections_count
