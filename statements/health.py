"""The /healthz endpoint a load balancer or monitor polls: 200 when the database answers, 503 when it does not."""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
