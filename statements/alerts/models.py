"""Alert subscriptions, the digests sent to them, and the (subscription, statement) pairs already sent."""

import hashlib

from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac


class Frequency(models.TextChoices):
    AS_PUBLISHED = "published", "As published (at most hourly)"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class SubscriptionState(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class PauseCause(models.TextChoices):
    REFUSALS = "refusals", "The mail server refused the address"
    EDITOR = "editor", "An Editor paused it"
    FILTER = "filter", "The filter no longer works"


def normalise_address(email: str) -> str:
    return email.strip().lower()


def address_hash(email: str) -> str:
    """A keyed hash of an address: finds its subscriptions and counts its confirmation emails without the address,
    and is all that is kept once it unsubscribes from everything (SECRET_KEY is the key)."""
    return salted_hmac("statements.alerts.address", normalise_address(email), algorithm="sha256").hexdigest()


class SubscriptionQuerySet(models.QuerySet):
    def for_address(self, email: str):
        return self.filter(address_hash=address_hash(email))

    def active(self):
        return self.filter(state=SubscriptionState.ACTIVE)

    def pending(self):
        return self.filter(state=SubscriptionState.PENDING)

    def with_sent_counts(self):
        """Annotate `statements_sent`: how many statements went to each subscription."""
        return self.annotate(statements_sent=models.Count("sent"))


class Subscription(models.Model):
    """One address following one filter, stored as the filter's canonical query string ("" for all statements)."""

    QUERY_MAX_LENGTH = 2000

    email = models.EmailField("address", max_length=254)
    address_hash = models.CharField(max_length=64, editable=False)
    query = models.CharField("filter", max_length=QUERY_MAX_LENGTH, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    state = models.CharField(max_length=8, choices=SubscriptionState.choices, default=SubscriptionState.PENDING)
    # Opaque: the unsubscribe link of every email carries it; nothing can be read or guessed from it.
    token = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When `send_alerts` last looked for what is new, and when it last sent a digest.
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Consecutive permanent refusals by the receiving server; a few pause the subscription.
    hard_refusals = models.PositiveSmallIntegerField(default=0, editable=False)
    paused_reason = models.CharField(max_length=300, blank=True)
    # Why a paused subscription is paused: a visitor who asks again resumes one paused by refusals or by a filter
    # that stopped working (after confirming), never one an Editor paused.
    paused_by = models.CharField(max_length=8, choices=PauseCause.choices, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Editors see addresses in the admin; Analysts see states and counts only (docs/roles.md).
        permissions = [("view_subscription_address", "Can see the addresses of alert subscriptions")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SubscriptionState.values), name="alert_state_valid"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="alert_frequency_valid"),
            models.CheckConstraint(
                condition=~Q(state=SubscriptionState.PENDING) | Q(confirmed_at__isnull=True),
                name="alert_pending_not_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(state=SubscriptionState.PAUSED, paused_by__in=PauseCause.values)
                | (~Q(state=SubscriptionState.PAUSED) & Q(paused_by="")),
                name="alert_paused_has_cause",
            ),
            models.UniqueConstraint(fields=["token"], name="alert_unique_token"),
            # One subscription per address and filter: subscribing again is answered like the first time.
            models.UniqueConstraint(fields=["address_hash", "query"], name="alert_one_per_address_and_filter"),
        ]
        indexes = [models.Index(fields=["state", "frequency"], name="alert_state_frequency")]

    def __str__(self):
        return f"Alert {self.pk} ({self.get_frequency_display().lower()}, {self.get_state_display().lower()})"

    def save(self, *args, **kwargs):
        self.email = normalise_address(self.email)
        self.address_hash = address_hash(self.email)
        super().save(*args, **kwargs)

    def renewable(self) -> bool:
        """Whether asking again sends a confirmation link (and following it starts the alerts): pending, or paused
        by refusals or a broken filter. Never one an Editor paused, nor an active one."""
        return self.state == SubscriptionState.PENDING or (
            self.state == SubscriptionState.PAUSED and self.paused_by != PauseCause.EDITOR
        )


class ConfirmationRequest(models.Model):
    """A visitor's request for an alert, queued for `send_alerts`, which decides what it calls for and sends the
    confirmation link. Asking stores this row and nothing else, whatever the address (new, pending, confirmed,
    over its limit): the answer takes the same path and the same time, so it says nothing of the address."""

    email = models.EmailField("address", max_length=254)
    address_hash = models.CharField(max_length=64, editable=False)
    query = models.CharField("filter", max_length=Subscription.QUERY_MAX_LENGTH, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="alert_request_frequency_valid")
        ]
        indexes = [models.Index(fields=["created_at"], name="alert_request_created")]

    def __str__(self):
        return f"Alert request {self.pk} ({self.get_frequency_display().lower()})"

    def save(self, *args, **kwargs):
        self.email = normalise_address(self.email)
        self.address_hash = address_hash(self.email)
        super().save(*args, **kwargs)


class DigestState(models.TextChoices):
    PENDING = "pending", "Recorded, not yet accepted by the mail server"
    SENT = "sent", "Accepted by the mail server"
    FAILED = "failed", "Given up after refusals"


class Digest(models.Model):
    """One email to one subscription, recorded with its Message-ID before it is handed to the mail server, so that
    a run that stops between the two sends that same message again rather than another one."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    message_id = models.CharField(max_length=255, editable=False)
    state = models.CharField(max_length=8, choices=DigestState.choices, default=DigestState.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    new_count = models.PositiveIntegerField(default=0)
    corrections_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DigestState.values), name="alert_digest_state_valid"),
            models.UniqueConstraint(fields=["message_id"], name="alert_digest_unique_message_id"),
        ]
        indexes = [models.Index(fields=["subscription", "state"], name="alert_digest_sub_state")]

    def __str__(self):
        return f"Digest {self.pk} to alert {self.subscription_id} ({self.state})"


class SentStatement(models.Model):
    """A statement that went to a subscription: never again as new. `version` and `fingerprint` are the statement's
    `updated_at` and visible content when the reader last heard of it, to tell a correction from an unseen edit."""

    # No index of its own: the unique constraint's index begins with it.
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="sent", db_index=False)
    statement = models.ForeignKey("statements.Statement", on_delete=models.CASCADE, related_name="+")
    # No constraint in the database (Django still cascades): the digest is written in the pair's own transaction, and
    # PostgreSQL would check it for every pair with a plan made once per connection, when a run's first digest finds
    # the table empty or small: a scan of the whole table for each pair, as it grows through the run (docs/alerts.md).
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="new_statements", db_constraint=False)
    version = models.DateTimeField()
    fingerprint = models.CharField(max_length=64)
    # The last digest that told this subscription of a correction or the retraction.
    correction_digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    retraction_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["subscription", "statement"]
        constraints = [models.UniqueConstraint(fields=["subscription", "statement"], name="alert_sent_once")]

    def __str__(self):
        return f"Statement {self.statement_id} sent to alert {self.subscription_id}"


# The fields `fingerprint` reads (a query for it reads no more: `.only(*FINGERPRINTED)`).
FINGERPRINTED = ["text", "speaker_id", "date", "date_precision", "kind", "source_id"]


def fingerprint(statement) -> str:
    """What a reader of a digest saw of a statement: a change to any of it is a correction."""
    parts = [
        statement.text,
        str(statement.speaker_id),
        statement.date.isoformat(),
        statement.date_precision,
        statement.kind,
        str(statement.source_id),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class RunLock(models.Model):
    """A lease in the database: at most one `send_alerts` run at a time, across processes and machines."""

    name = models.CharField(max_length=50)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="alert_run_lock_unique_name")]

    def __str__(self):
        return f"Lock {self.name} ({self.holder or 'free'})"
