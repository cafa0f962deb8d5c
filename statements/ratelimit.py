"""Rate limits for the expensive public surfaces (search, export, API): 429 with Retry-After once over the limit.

Requests are counted per client IP in fixed windows, in Django's default cache, which every gunicorn worker and
every app server shares: Redis when REDIS_URL is set (atomic counters), else the database cache table (counts can
fall a little short under heavy concurrency, since Django's database cache increments by read-then-write).

Usage, on a function view or in urls.py around any view (DRF's included):

    @rate_limit("search", "60/m")
    def timeline(request): ...

    path("export.csv", rate_limit("export", "10/m")(views.export_csv)),
    path("api/statements/", rate_limit("api", "120/m")(StatementList.as_view())),
"""

import functools
import ipaddress
import math
import re
import time

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.http import HttpResponse

from .cache_outage import CACHE_ERRORS, cache_failed
from .errors import error_response

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^(?P<limit>[1-9][0-9]*)/(?P<unit>[smhd])$")


def parse_rate(rate: str) -> tuple[int, int]:
    """ "60/m" → (60, 60): at most 60 requests in each 60-second window. Units: s, m, h, d."""
    match = RATE.match(rate)
    if match is None:
        raise ValueError(f"A rate looks like '60/m' (a positive count per s, m, h or d), not {rate!r}.")
    return int(match["limit"]), PERIODS[match["unit"]]


def client_ip(request) -> str:
    """The client's address; behind a trusted proxy, the one that proxy appended to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            # Earlier entries come from the client and can be forged; the last is the proxy's own.
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request) -> str:
    """What a limit counts per client: its address, an IPv6 one by its /64. A subscriber is usually given a whole
    /64 and can take any address in it, so counting single IPv6 addresses would give one client 2^64 limits."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return address
    if ip.ipv4_mapped:  # ::ffff:203.0.113.9 is the IPv4 client 203.0.113.9
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network((ip, 64), strict=False))


def hit(scope: str, key: str, limit: int, period: int, *, cache=None, now: float | None = None) -> int:
    """Count one request; 0 if it is within the limit, else the seconds until the window ends (for Retry-After)."""
    cache = cache or default_cache
    now = time.time() if now is None else now
    window = int(now // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    # add() only creates the counter if it is missing; incr() is atomic on Redis.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The counter expired between add() and incr(): this request starts a new one.
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * period - now))


def too_many_requests(request, retry_after: int) -> HttpResponse:
    """429 as a page like the site's for browsers, {"detail": …} on the API; Retry-After for both."""
    response = error_response(
        request,
        status=429,
        title="Too many requests",
        message=f"Too many requests: please wait {retry_after} seconds and try again.",
    )
    response["Retry-After"] = str(retry_after)
    return response


def hit_or_fail(scope: str, key: str, limit: int, period: int, *, fallback: str | None, fail_open: bool) -> int | None:
    """hit() in the default cache; when that cache fails (logged, counted), in the `fallback` cache if the limit names
    one; when none answers, 0 (let through) if the limit fails open, else None (refuse)."""
    for alias in ["default", fallback] if fallback else ["default"]:
        try:
            return hit(scope, key, limit, period, cache=caches[alias])
        except CACHE_ERRORS as error:
            if alias != fallback and fallback:
                consequence = f"counting in the {fallback!r} cache instead"
            else:
                consequence = "request let through uncounted" if fail_open else "request refused with 503"
            cache_failed(f"rate limit {scope!r}", error, consequence)
    return 0 if fail_open else None


def cache_unavailable(request) -> HttpResponse:
    """503 for a limit that must not be skipped while no cache can count it; the same page as the 429."""
    response = error_response(
        request,
        status=503,
        title="Briefly unavailable",
        message="This service is briefly unavailable: please try again in a minute.",
    )
    response["Retry-After"] = "60"
    return response


def rate_limit(scope: str, rate: str, *, when=None, fallback: str | None = None, fail_open: bool = True):
    """Decorate a view so each client IP may call it `rate` times ("60/m") per window, counted under `scope`.

    `when(request)`, if given, says which requests count (the timeline counts only those that search). When the
    cache fails, the limit counts in the `fallback` cache alias if given; failing that, `fail_open` lets the request
    through (public reads: the limit protects the server, the page is what matters) or refuses it with 503.
    """
    limit, period = parse_rate(rate)  # a malformed rate fails at import, not on the first request

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if settings.RATELIMIT_ENABLED and (when is None or when(request)):
                retry_after = hit_or_fail(
                    scope, client_key(request), limit, period, fallback=fallback, fail_open=fail_open
                )
                if retry_after is None:
                    return cache_unavailable(request)
                if retry_after:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return limited

    return decorator
