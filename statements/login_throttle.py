"""Admin sign-in throttling per account: past a few failed sign-ins for one user name, from any addresses, each
further attempt must wait, longer after each failure but never long.

The per-address limits (tracker/urls.py) stop one address guessing fast; they do not stop a guesser spreading
over many addresses. This counts failures per user name instead. It backs off rather than locks: a lock lasting
hours would let anyone lock every Editor out by typing their user names with wrong passwords. So after
FREE_FAILURES failures each attempt waits FIRST_WAIT, doubling after each further failure up to LONGEST_WAIT:
about four guesses an hour at most, while the real user waits minutes at worst, or asks an Editor to clear the
failures (`unlock_view`, /admin/unlock-sign-in/). A successful sign-in clears them; they are forgotten a day after
the last failure.

User names are counted whether or not an account has them, and refused with the same answer, so the throttle does
not tell which exist. Counters live in the default cache with the rate limits (statements/ratelimit.py); when it
fails (Redis down), in the database's cache table (statements/cache_outage.py), so the back-off holds.
"""

import functools
import hashlib
import math
import time

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from .cache_outage import CACHE_ERRORS, FALLBACK_CACHE, cache_failed, with_fallback

FREE_FAILURES = 10
FIRST_WAIT = 60
LONGEST_WAIT = 15 * 60
FORGET_AFTER = 24 * 3600


def _key(username: str, what: str) -> str:
    # Hashed: user names are any text of any length, and have no business in the cache's keys.
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"login-account:{what}:{digest}"


def wait_after(failures: int) -> int:
    """Seconds an account waits after its `failures`-th failure: none within FREE_FAILURES, then doubling."""
    if failures < FREE_FAILURES:
        return 0
    return min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 16))


def failures(username: str, cache) -> int:
    return cache.get(_key(username, "failures"), 0)


def admit(username: str, cache) -> int:
    """0 if a sign-in as `username` may be tried now, else the seconds left to wait.

    An attempt past the free ones takes its turn by setting the next wait before it is tried (`add`, atomic on
    Redis), so many requests arriving together when a wait ends get one guess between them, not one each.
    """
    count = failures(username, cache)
    if count < FREE_FAILURES:
        return 0
    now = time.time()
    wait = wait_after(count)
    if cache.add(_key(username, "until"), now + wait, timeout=wait):
        return 0
    until = cache.get(_key(username, "until"), now)
    return max(1, math.ceil(until - now))


def record_failure(username: str, cache) -> None:
    key = _key(username, "failures")
    cache.add(key, 0, timeout=FORGET_AFTER)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=FORGET_AFTER)
        count = 1
    cache.touch(key, FORGET_AFTER)
    if wait := wait_after(count):
        cache.set(_key(username, "until"), time.time() + wait, timeout=wait)


def clear(username: str, cache) -> int:
    """Forget an account's failures (a successful sign-in, or an Editor's unlock); returns how many there were."""
    count = failures(username, cache)
    cache.delete_many([_key(username, "failures"), _key(username, "until")])
    return count


def clear_everywhere(username: str) -> int:
    """Forget an account's failures in the default cache and in the fallback one, which held them while the
    default was down; the count is the larger (the same failures were never counted in both)."""
    cleared = [clear(username, caches[FALLBACK_CACHE])]
    try:
        cleared.append(clear(username, caches["default"]))
    except CACHE_ERRORS as error:
        cache_failed("sign-in back-off", error, "cleared in the database only")
    return max(cleared)


def backing_off(retry_after: int) -> HttpResponse:
    response = HttpResponse(
        "Too many failed sign-ins for this user name: please wait "
        f"{retry_after} seconds and try again, or ask an Editor to unlock it.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


def throttle_account(view):
    """Wrap the admin's login view: refuse a sign-in attempt while its user name is backing off (even with the
    right password: a guesser learns nothing), count a failed one, clear the count on success."""

    @functools.wraps(view)
    def throttled(request, *args, **kwargs):
        username = request.POST.get("username", "") if request.method == "POST" else ""
        if not (settings.RATELIMIT_ENABLED and username.strip()):
            return view(request, *args, **kwargs)
        if retry_after := with_fallback("sign-in back-off", lambda cache: admit(username, cache)):
            return backing_off(retry_after)
        response = view(request, *args, **kwargs)
        # The admin's login answers a failed sign-in with the form again (200) and a successful one with a redirect.
        if response.status_code == 200:
            with_fallback("sign-in back-off", lambda cache: record_failure(username, cache))
        elif response.status_code == 302:
            clear_everywhere(username)
        return response

    return throttled


class UnlockForm(forms.Form):
    username = forms.CharField(label="User name", max_length=150)


def unlock_view(request):
    """An Editor (or a superuser) clears a user name's failed sign-ins, so it can sign in again at once."""
    if not (request.user.is_superuser or request.user.has_perm("statements.publish_statement")):
        raise PermissionDenied("Only an Editor can unlock sign-ins.")
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        cleared = clear_everywhere(username)
        attempts = f"{cleared} failed sign-in{pluralize(cleared)}"
        messages.success(request, f"Cleared {attempts} for “{username}”: it can sign in now.")
        return redirect(request.path)
    context = {**admin.site.each_context(request), "form": form, "title": "Unlock sign-in"}
    return render(request, "admin/unlock_sign_in.html", context)
