"""Request-wide middleware that runs before any view: a request id for the logs, and a 400 for control characters.

Request ids: each request gets one (a proxy's X-Request-ID when it looks like an id, else a new one). It is sent back
in the X-Request-ID response header, which gunicorn's access log prints (gunicorn.conf.py), and RequestIdFilter
puts it in every log record (LOGGING in tracker/settings.py), so an access-log line leads to its traceback.

Control characters: PostgreSQL cannot hold NUL in text, not even to compare it, so a NUL reaching a query fails
with a 500 wherever a view passes a path segment or a parameter to the database (an entity page, the admin's
filters, search and autocomplete). Rather than guard each of them, a NUL in the path, the query string or a form
field is answered here with a 400. The path and parameter names are held to a stricter rule, no C0 control character
at all: they are identifiers, no link of this site holds one, and they come from probes. Values are text (search
words, a pasted article): a stray tab or form feed in them is harmless and left to the views and forms.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import FileResponse

from .errors import error_response

REQUEST_ID_HEADER = "X-Request-ID"
# Ids a proxy may pass on (a uuid, nginx's $request_id): letters, digits, ".", "_" and "-" only, so an id can neither
# forge a log line nor break the access log's format.
INCOMING_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being answered in this thread, "-" outside a request."""
    return _request_id.get()


def _streamed_with_id(content, request_id: str):
    """Keep the id while a streamed response (a CSV export) produces its rows after the view has returned."""
    token = _request_id.set(request_id)
    try:
        yield from content
    finally:
        _request_id.reset(token)


def request_id_middleware(get_response):
    def middleware(request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if INCOMING_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = get_response(request)
        finally:
            _request_id.reset(token)
        # A file (static files, from WhiteNoise) is left alone: wrapping it would cost the server's sendfile.
        if response.streaming and not isinstance(response, FileResponse):
            response.streaming_content = _streamed_with_id(response.streaming_content, request.request_id)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    return middleware


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record: its request's (django.request records carry it), else this thread's."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id()
        return True


CONTROL = re.compile("[\x00-\x1f]")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def character_name(character: str) -> str:
    return "NUL" if character == "\x00" else f"U+{ord(character):04X}"


def address_control_character(request) -> str | None:
    """The first control character the address may not hold, or None."""
    if match := CONTROL.search(request.path_info):
        return match.group()
    for key, values in request.GET.lists():
        if match := CONTROL.search(key):
            return match.group()
        if any("\x00" in value for value in values):
            return "\x00"
    return None


def form_has_nul(request) -> bool:
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return False
    try:
        form = request.POST.lists()
    except OSError:
        # The client went away mid-upload; CsrfViewMiddleware meets the same error and answers for it.
        return False
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in form)


def control_characters_middleware(get_response):
    def middleware(request):
        if character := address_control_character(request):
            return error_response(
                request,
                status=400,
                title="Bad request",
                message=f"Bad request: the address contains a control character ({character_name(character)}), "
                "which no address on this site uses.",
            )
        if form_has_nul(request):
            return error_response(
                request,
                status=400,
                title="Bad request",
                message="Bad request: the form contains a NUL character, which cannot be stored. "
                "Remove it and send the form again.",
            )
        return get_response(request)

    return middleware
