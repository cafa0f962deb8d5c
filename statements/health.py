"""Liveness and readiness for a load balancer or monitor.

/healthz (liveness): 200 when the database answers, 503 when it does not.
/readyz (readiness): the database and the shared cache. 200 `{"database": "ok", "cache": "ok"}`; with the cache
down still 200 but `"cache": "degraded"` (every page is still served: the rate limits fail open or count in the
database, statements/cache_outage.py), so a balancer keeps the server while the monitor alerts; 503 only when the
database does not answer.
"""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .cache_outage import cache_answers, failures_in_this_process

logger = logging.getLogger(__name__)


def database_answers(alias: str = "default") -> bool:
    """Run a real `SELECT 1` on the database; False (and a logged error) when it cannot be reached."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: database %r did not answer", alias)
        return False


@never_cache
@require_GET
def healthz(request):
    if database_answers():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "error", "database": "unavailable"}, status=503)


@never_cache
@require_GET
def readyz(request):
    database = database_answers()
    answer = {
        "database": "ok" if database else "unavailable",
        "cache": "ok" if cache_answers() else "degraded",
        # Requests that met a failed cache since this worker started (a count per gunicorn worker process).
        "cache_failures_in_this_process": failures_in_this_process(),
    }
    return JsonResponse(answer, status=200 if database else 503)
