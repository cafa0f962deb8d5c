"""What the site does when an established database connection is lost (a restart, a failover, `pg_terminate_backend`).

- An idle persistent connection that was dropped is found by Django's health check (`CONN_HEALTH_CHECKS`) before a
  request uses it, and replaced: nobody sees an error.
- A GET or HEAD whose connection drops while its view runs, before any byte of the response is sent, runs once more
  on a new connection (`RetryOnLostConnectionMiddleware`); a POST never does, it may have written.
- A download cut part-way (the streamed CSV export) ends with its `#ERROR` row (statements/exports.py).

Each retry and each cut download is logged with a running count for this process (docs/operations.md, "Failure
modes"). A failure to connect at all is not a lost connection and is not retried: the database is unreachable, and
trying again at once would only double the wait.
"""

import logging
import threading
from collections import Counter

import psycopg
from django.db import connections
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
# PostgreSQL's admin_shutdown (pg_terminate_backend, a fast shutdown) and crash_shutdown.
SESSION_ENDED_BY_SERVER = frozenset({"57P01", "57P02"})

_counts: Counter[str] = Counter()
_counts_lock = threading.Lock()


def count(event: str) -> int:
    """Add one to this process's count of `event` and return the new total (it goes in the log line)."""
    with _counts_lock:
        _counts[event] += 1
        return _counts[event]


def total(event: str) -> int:
    """This process's count of `event` so far (the readiness answer shows it)."""
    with _counts_lock:
        return _counts[event]


def connection_lost(error: BaseException) -> bool:
    """Whether a database error means a connection that was working went away, so the same work may run again.

    Not a failed connection attempt (the database is unreachable; psycopg attaches the attempt's `pgconn` to those),
    and not an error the server reported about the query (a cancelled statement, a lock timeout): running those
    again would not help. SQLite opens a file and has no connection to lose.
    """
    cause = error.__cause__
    return (
        isinstance(error, OperationalError | InterfaceError)
        and isinstance(cause, psycopg.OperationalError)
        and cause.pgconn is None
        # No SQLSTATE: the client library found the connection broken; or the server said it ended the session.
        and (cause.sqlstate is None or cause.sqlstate in SESSION_ENDED_BY_SERVER)
    )


def close_lost_connections() -> None:
    """Close this thread's connections that no longer answer, so the next query opens a new one."""
    for db in connections.all(initialized_only=True):
        if db.connection is not None and not db.is_usable():
            db.close()


class RetryOnLostConnectionMiddleware:
    """Runs a GET or HEAD view once more when its database connection was lost while it ran.

    `process_exception` sees exceptions from the view and from rendering its template, both before the response
    has started: nothing was sent, so the visitor gets the page instead of a 500. It is the last middleware, so
    the request has passed all the others already; a second failure is raised as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method not in SAFE_METHODS or not connection_lost(exception):
            return None
        close_lost_connections()
        retries = count("retried")
        logger.warning(
            "Database connection lost during %s %s (%s); running the view again on a new connection "
            "(%d retried in this process)",
            request.method,
            request.path,
            exception,
            retries,
        )
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response
