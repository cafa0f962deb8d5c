"""The links alert emails carry, and what they open.

- confirm: signed (django.core.signing) with the subscription's id and token, expiring after CONFIRM_DAYS;
- manage: signed with the address's keyed hash, not expiring: every email links to all alerts of its address;
- unsubscribe: the subscription's opaque random token, nothing else (RFC 8058's one-click URL).

All absolute, from settings.SITE_URL: emails are read far from any request.
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Subscription

CONFIRM_DAYS = 3
CONFIRM_MAX_AGE = datetime.timedelta(days=CONFIRM_DAYS)
CONFIRM_SALT = "statements.alerts.confirm"
MANAGE_SALT = "statements.alerts.manage"


class BadLink(Exception):
    """A link that was altered, or has expired (`expired`), with the sentence to show."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.message = message
        self.expired = expired


def new_token() -> str:
    return secrets.token_urlsafe(32)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(subscription: Subscription) -> str:
    value = signing.dumps({"s": subscription.pk, "t": subscription.token}, salt=CONFIRM_SALT)
    return absolute(reverse("statements:alert_confirm", args=[value]))


def confirmed_subscription(value: str) -> Subscription | None:
    """The subscription a confirmation link names (None if it no longer exists); BadLink if altered or expired."""
    try:
        data = signing.loads(value, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink(
            f"This confirmation link has expired: links work for {CONFIRM_DAYS} days. Subscribe again from the "
            "timeline to get a new one.",
            expired=True,
        ) from None
    except signing.BadSignature:
        raise BadLink("This confirmation link is not valid: it may have been cut or altered on the way.") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("t"), str):
        raise BadLink("This confirmation link is not valid: it may have been cut or altered on the way.")
    return Subscription.objects.filter(pk=data["s"], token=data["t"]).first()


def manage_url(subscription: Subscription) -> str:
    value = signing.dumps(subscription.address_hash, salt=MANAGE_SALT)
    return absolute(reverse("statements:alert_manage", args=[value]))


def managed_address_hash(value: str) -> str:
    try:
        found = signing.loads(value, salt=MANAGE_SALT)
    except signing.BadSignature:
        raise BadLink("This link is not valid: it may have been cut or altered on the way.") from None
    if not isinstance(found, str):
        raise BadLink("This link is not valid: it may have been cut or altered on the way.")
    return found


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute(reverse("statements:alert_unsubscribe", args=[subscription.token]))


def timeline_url(subscription: Subscription) -> str:
    path = reverse("statements:timeline")
    return absolute(path + (f"?{subscription.query}" if subscription.query else ""))
