"""Asking for an alert and confirming it. Asking queues a request (`ConfirmationRequest`) that `send_alerts` acts
on; nothing but the confirmation email is sent before the link is followed, and that email carries no text the
visitor typed (it must not be a way to send chosen words to strangers)."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst

from ..cache_outage import FALLBACK_CACHE
from ..filters import StatementFilter
from ..models import Statement
from ..ratelimit import hit_or_fail, parse_rate
from . import links
from .models import ConfirmationRequest, Frequency, PauseCause, Subscription, SubscriptionState, address_hash

# Confirmation emails one address may be sent a day, whoever asks: a visitor cannot flood someone's inbox.
CONFIRMATIONS_PER_ADDRESS = "3/d"
# How many characters of the searched words an email's subject or a page title quotes.
WORDS_MAX = 60


def alert_query(statement_filter: StatementFilter) -> str:
    """The filter's canonical query string without what orders or pages: what a subscription stores."""
    data = QueryDict(statement_filter.canonical_query(keep_page=False), mutable=True)
    data.pop("sort", None)
    return urlencode([(name, value) for name, values in data.lists() for value in values])


def alert_query_for(**params: str) -> str:
    """alert_query of the filter these parameters make: what an entity page offers to follow
    (`alert_query_for(speaker=official.slug)`), in the same canonical form as from the timeline."""
    return alert_query(StatementFilter(QueryDict(urlencode(params)), queryset=Statement.objects.none()))


def followed_filter(subscription: Subscription) -> StatementFilter:
    """The StatementFilter a subscription follows, over the published statements."""
    return StatementFilter(QueryDict(subscription.query), queryset=Statement.objects.published())


def describe(statement_filter: StatementFilter) -> str:
    """The filter in words on one line, capitalised, the searched words quoted and cut to WORDS_MAX characters:
    "Statements by Dmitry Peskov matching “sanctions”". Safe for a header: no line breaks."""
    if not statement_filter.is_valid():  # stored when valid; an official may have left the public site since
        return "A filter that no longer works (a value in it is no longer on the public site)"
    words = statement_filter.in_words()
    q = statement_filter.form.cleaned_data.get("q")
    if q and len(q) > WORDS_MAX:
        words = words.replace(f"“{q}”", f"“{q[:WORDS_MAX].rstrip()}…”")
    return capfirst(" ".join(words.split()))


def describe_all(subscriptions) -> list[str]:
    """describe() of each subscription's filter, the names they use read once for all of them (a list of alerts)."""
    filters = StatementFilter.read_together(
        [QueryDict(subscription.query) for subscription in subscriptions], queryset=Statement.objects.published()
    )
    return [describe(statement_filter) for statement_filter in filters]


def filter_errors(statement_filter: StatementFilter) -> list[str]:
    """The filter's errors as sentences naming the filter: "Official: There is no official with the slug “x”."."""
    found = []
    for name, errors in statement_filter.errors.items():
        label = statement_filter.filters[name].label if name in statement_filter.filters else ""
        found += [f"{label}: {error}" if label else str(error) for error in errors]
    return found


def alert_form_context(query: str) -> dict:
    """What includes/alert_form.html needs to follow the filter `query` (a canonical query string)."""
    return {"alert_query": query, "alert_frequencies": Frequency.choices}


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)
    frequency = forms.ChoiceField(
        label="How often", choices=Frequency.choices, initial=Frequency.DAILY, widget=forms.RadioSelect
    )
    query = forms.CharField(max_length=Subscription.QUERY_MAX_LENGTH, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "alert_%s")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_query(self):
        """The filter to follow, checked as the timeline checks it; stored in its canonical form."""
        self.statement_filter = StatementFilter(
            QueryDict(self.cleaned_data["query"]), queryset=Statement.objects.published()
        )
        if not self.statement_filter.is_valid():
            raise ValidationError(
                ["This filter cannot be followed:", *filter_errors(self.statement_filter)], code="invalid_filter"
            )
        query = alert_query(self.statement_filter)
        if len(query) > Subscription.QUERY_MAX_LENGTH:
            raise ValidationError("This filter is too long to follow: choose fewer values.", code="too_long")
        return query


class CannotCount(Exception):
    """Neither the shared cache nor the database's can count an address's confirmation emails: none is sent (the
    limit fails closed) and the requests wait for a run that can count."""


def may_send_confirmation(email: str) -> bool:
    """Count one confirmation email for the address (by its keyed hash); False over the limit; CannotCount while
    neither the shared cache nor the database's answers."""
    limit, period = parse_rate(CONFIRMATIONS_PER_ADDRESS)
    retry_after = hit_or_fail(
        "alert-confirmation", address_hash(email), limit, period, fallback=FALLBACK_CACHE, fail_open=False
    )
    if retry_after is None:
        raise CannotCount
    return retry_after == 0


def request_alert(*, email: str, query: str, frequency: str) -> None:
    """Queue a request for an alert: one row, whatever the address. `send_alerts` acts on it (`take_request`) and
    sends the link; no mail server is asked inside a visitor's request, which would take longer for a new address
    than for a known one."""
    ConfirmationRequest.objects.create(email=email, query=query, frequency=frequency)


def take_request(request: ConfirmationRequest) -> Subscription | None:
    """What a queued request calls for: the subscription to send a confirmation link for (stored pending if new),
    or None, the request dropped, when the address follows the filter already (or an Editor paused it), or it has
    had its confirmation emails for the day. CannotCount leaves the request queued."""
    with transaction.atomic():
        existing = Subscription.objects.filter(address_hash=request.address_hash, query=request.query)
        existing = existing.select_for_update().first()
        if (existing is not None and not existing.renewable()) or not may_send_confirmation(request.email):
            request.delete()
            return None
        if existing is not None:
            return existing
        # The frequency asked for: a new one is not followed before its link is, so it may as well have it now.
        return Subscription.objects.create(
            email=request.email, query=request.query, frequency=request.frequency, token=links.new_token()
        )


def link_sent(request: ConfirmationRequest, subscription: Subscription, *, now) -> None:
    """The link is on its way: only now does the request change anything. It has the frequency asked for; a
    pending one's life (forget_unconfirmed) counts from now, as its link's does; the request is done."""
    with transaction.atomic():
        changes = {"frequency": request.frequency}
        if subscription.state == SubscriptionState.PENDING:
            changes["created_at"] = now
        # A paused alert keeps its first confirmation: what it missed while paused is still new to it.
        Subscription.objects.filter(pk=subscription.pk).update(**changes)
        request.delete()


def confirmation_message(subscription: Subscription) -> EmailMultiAlternatives:
    """The confirmation email: a link and how long it works, none of the visitor's words, not even the filter."""
    context = {"confirm_url": links.confirm_url(subscription), "days": links.CONFIRM_DAYS}
    message = EmailMultiAlternatives(
        subject="Confirm your Statement Tracker alert",
        body=render_to_string("statements/alerts/email/confirm.txt", context),
        to=[subscription.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("statements/alerts/email/confirm.html", context), "text/html")
    return message


def confirm(subscription: Subscription) -> bool:
    """Start a pending subscription's alerts, or resume one paused by refusals (its owner just read this link) or
    by a filter that stopped working; False when there was nothing to do (a link used twice, an Editor's pause).
    A resumed alert keeps its first confirmation: what was published while it was paused is still new to it."""
    renewable = Q(state=SubscriptionState.PENDING) | (
        Q(state=SubscriptionState.PAUSED) & ~Q(paused_by=PauseCause.EDITOR)
    )
    return bool(
        Subscription.objects.filter(renewable, pk=subscription.pk).update(
            state=SubscriptionState.ACTIVE,
            confirmed_at=Coalesce("confirmed_at", Value(timezone.now())),
            paused_by="",
            paused_reason="",
            hard_refusals=0,
        )
    )


def forget_unconfirmed(*, now=None) -> int:
    """Delete pending subscriptions whose link has expired, and requests as old: an address nobody confirmed is not
    kept."""
    now = now or timezone.now()
    deleted, _ = Subscription.objects.pending().filter(created_at__lt=now - links.CONFIRM_MAX_AGE).delete()
    # Requests the sender could not act on for as long (no mail server, no cache to count): too late to matter.
    ConfirmationRequest.objects.filter(created_at__lt=now - links.CONFIRM_MAX_AGE).delete()
    return deleted
