"""What the site does when its shared cache (Redis, holding the rate-limit and sign-in counters) does not answer.

The cache only counts requests; no page needs it to be drawn. So a cache error must not become a 500
(docs/operations.md, "Failure modes"):

- a limit on public reads (search, the API, the CSV export) lets the request through uncounted (`fail_open`);
- the admin sign-in limits and the per-account back-off count in the `fallback` cache instead, the database's cache
  table, so guessing stays throttled and a right password still signs in;
- a limit that must never be skipped says `fail_open=False` and is answered 503 while no cache counts it.

Each time, a warning names the limit and carries a running count for this process; the readiness answer
(statements/health.py) reports the cache as degraded.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db import DatabaseError
from redis.exceptions import RedisError

from .lost_connections import count, total

logger = logging.getLogger(__name__)

# The cache alias counters move to when the default one fails: the database's cache table (tracker/settings.py).
FALLBACK_CACHE = "fallback"
# What a cache that cannot be reached raises: redis-py wraps refused, timed-out and reset connections in these.
CACHE_ERRORS = (RedisError,)
EVENT = "cache unavailable"

T = TypeVar("T")


def cache_failed(what: str, error: BaseException, consequence: str) -> None:
    """Log (a warning naming `what`) and count one cache failure."""
    failures = count(EVENT)
    logger.warning(
        "Shared cache unavailable for %s (%s: %s); %s (%d cache failures in this process)",
        what,
        type(error).__name__,
        error,
        consequence,
        failures,
    )


def failures_in_this_process() -> int:
    return total(EVENT)


def with_fallback(what: str, operation: Callable[..., T]) -> T:
    """`operation(cache)` on the default cache; when that cache fails, logged and counted, on the fallback cache."""
    try:
        return operation(caches["default"])
    except CACHE_ERRORS as error:
        cache_failed(what, error, "counting in the database instead")
    return operation(caches[FALLBACK_CACHE])


def cache_answers(alias: str = "default") -> bool:
    """Whether the cache answers a read now (a missing key is an answer)."""
    try:
        caches[alias].get("readiness-probe")
    except (*CACHE_ERRORS, DatabaseError) as error:  # without Redis, the cache is a database table
        logger.warning("Readiness: cache %r did not answer (%s: %s)", alias, type(error).__name__, error)
        return False
    return True
