"""Request-wide guards that run before any view.

Control characters: PostgreSQL cannot hold NUL in text, not even to compare it, so a NUL reaching a query fails
with a 500 wherever a view passes a path segment or a parameter to the database (an entity page, the admin's
filters, search and autocomplete). Rather than guard each of them, a NUL in the path, the query string or a form
field is answered here with a 400. The path and parameter names are held to a stricter rule, no C0 control character
at all: they are identifiers, no link of this site holds one, and they come from probes. Values are text (search
words, a pasted article): a stray tab or form feed in them is harmless and left to the views and forms.
"""

import re

from .errors import error_response

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
