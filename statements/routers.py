"""Read replica routing: anonymous public GET requests read the statements app from "replica"; all else uses "default".

The rule is deliberately narrow so it cannot send a write, an analyst's read or a read-after-write to a replica
that may lag behind:
- the middleware marks a request as a public read only for GET/HEAD outside the admin with no session cookie
  (analysts carry one, so they always see their own changes);
- the router sends reads there only for models of the statements app, and only when a "replica" database is set;
- the first write during a request clears the mark, so later reads in that request see the write.
"""

from contextvars import ContextVar

from django.conf import settings
from django.urls import reverse

REPLICA = "replica"

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


def is_public_read(request) -> bool:
    """Whether this request may read from the replica."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(reverse("admin:index"))
    )


def _streamed_with_mark(content, mark: bool):
    """Keep the mark while a streamed response (a CSV export) produces its rows after the view has returned."""
    token = _public_read.set(mark)
    try:
        yield from content
    finally:
        _public_read.reset(token)


def public_read_middleware(get_response):
    def middleware(request):
        mark = is_public_read(request)
        token = _public_read.set(mark)
        try:
            response = get_response(request)
        finally:
            _public_read.reset(token)
        if response.streaming and mark:
            response.streaming_content = _streamed_with_mark(response.streaming_content, mark)
        return response

    return middleware


class ReplicaRouter:
    """Reads of the public path go to the replica when there is one; None means "default" for everything else."""

    def db_for_read(self, model, **hints):
        if _public_read.get() and model._meta.app_label == "statements" and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        # Read-your-writes: once this request has written, its later reads go to the primary.
        _public_read.set(False)
        return None
