"""The alerts' public pages: subscribe, confirm, manage an address's alerts, and one-click unsubscribe.

Thin: the rules are in `subscribing` and `links`. Addresses never appear on these pages but as the visitor typed
them into the form; a link's page shows the filter in words, the frequency and the state.
"""

from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import links
from .models import ConfirmationRequest, Subscription, SubscriptionState
from .subscribing import (
    SubscribeForm,
    confirm,
    describe,
    describe_all,
    followed_filter,
    request_alert,
)


def bad_link(request, error: links.BadLink):
    context = {"title": "This link has expired" if error.expired else "This link does not work", "message": error}
    return render(request, "statements/alerts/bad_link.html", context, status=410 if error.expired else 400)


def subscription_gone(request):
    context = {
        "title": "No such alert",
        "message": "There is no alert with this link: it was unsubscribed, or never confirmed and forgotten.",
    }
    return render(request, "statements/alerts/bad_link.html", context, status=404)


@require_POST
def subscribe(request):
    """The form of the timeline and entity pages: the request queued for `send_alerts` (the confirmation link goes
    from there), then the same "check your inbox" page whatever the address, by the same path. Bad input: the form
    again with the messages, 400, nothing stored."""
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "in_words": describe(form.statement_filter) if "query" in form.cleaned_data else ""}
        return render(request, "statements/alerts/subscribe.html", context, status=400)
    request_alert(**{name: form.cleaned_data[name] for name in ("email", "query", "frequency")})
    return redirect("statements:alert_requested")


@require_safe
def requested(request):
    return render(request, "statements/alerts/requested.html", {"days": links.CONFIRM_DAYS})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_alert(request, value):
    """GET shows what would be followed and a button (mail scanners fetch links: a GET changes nothing); POST
    starts the alert. A link used twice says so; an altered or expired one is refused with the reason."""
    try:
        subscription = links.confirmed_subscription(value)
    except links.BadLink as error:
        return bad_link(request, error)
    if subscription is None:
        return subscription_gone(request)
    confirmed_now = False
    if request.method == "POST":
        confirmed_now = confirm(subscription)
        subscription.refresh_from_db()
    context = {
        "subscription": subscription,
        "in_words": describe(followed_filter(subscription)),
        "confirmed_now": confirmed_now,
        "pending": subscription.renewable(),
        "manage_url": links.manage_url(subscription),
        "timeline_url": links.timeline_url(subscription),
    }
    return render(request, "statements/alerts/confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, value):
    """Every alert of one address (from the link in each email), each with its unsubscribe button; POST
    unsubscribes them all, and nothing of the address is kept but the keyed hash the limits count by."""
    try:
        hashed = links.managed_address_hash(value)
    except links.BadLink as error:
        return bad_link(request, error)
    subscriptions = Subscription.objects.filter(address_hash=hashed).exclude(state=SubscriptionState.PENDING)
    removed = 0
    if request.method == "POST":
        with transaction.atomic():
            removed, _ = Subscription.objects.filter(address_hash=hashed).delete()
            ConfirmationRequest.objects.filter(address_hash=hashed).delete()
    listed = list(subscriptions.with_sent_counts().order_by("created_at", "id"))
    alerts = [
        (subscription, words, links.timeline_url(subscription))
        for subscription, words in zip(listed, describe_all(listed), strict=True)
    ]
    return render(request, "statements/alerts/manage.html", {"alerts": alerts, "removed": bool(removed)})


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no token of ours
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """The List-Unsubscribe URL: GET shows a button and changes nothing (link scanners fetch links); POST, from the
    button or the mail provider's one-click, deletes the subscription and what was recorded of its digests."""
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return subscription_gone(request)
    context = {"in_words": describe(followed_filter(subscription)), "manage_url": links.manage_url(subscription)}
    if request.method == "POST":
        subscription.delete()
        return render(request, "statements/alerts/unsubscribed.html", context)
    return render(request, "statements/alerts/unsubscribe.html", context)
