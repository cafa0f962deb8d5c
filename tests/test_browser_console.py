"""Every public page and the admin's main pages in Debian's Chromium: no console error, no script error.

A Content-Security-Policy violation (an inline script or style the policy blocks) is reported on the console only:
the page still looks fine to a test that reads the HTML, so this walks the pages in a real browser.
"""

import pytest

from tests.browser import log_in
from tests.factories import UserFactory
from tests.timeline_data import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_PAGES = [
    "/",
    "/facets/codings/",  # the timeline's coding facets as a page of their own (the timeline fetches them too)
    "/?q=syria",
    "/?date_from=2016-13",  # a 400 with the form's messages
    "statement",
    "/officials/",
    "/officials/dmitry-peskov/",
    "/topics/",
    "/topics/middle-east/",
    "/countries/",
    "/countries/sy/",
    "/statements/999999/",  # the designed 404
    "/api/",
    "/api/statements/",
    "/api/docs/",
    "/data/",
    "/data/9/",  # an unknown release: a 404 with its message
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/statements/statement/",
    "/admin/statements/statement/?q=syria",
    "/admin/statements/statement/add/",
    "statement-change",
    "statement-history",
    "/admin/statements/statement/from-article/",
    "/admin/statements/statement/import/",
    "/admin/statements/statement/csv-format/",
    "/admin/statements/statement/second-codings/",
    "/admin/statements/statement/agreement/",
    "/admin/statements/official/",
    "/admin/statements/official/add/",
    "/admin/statements/source/",
    "/admin/statements/topic/",
    "/admin/auth/user/",
]


def watch(page) -> list:
    """Collect the page's console errors and uncaught script errors from now on."""
    errors = []
    page.on("console", lambda message: errors.append(message) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def console_errors(page, url: str, errors: list) -> list[str]:
    """What `errors` holds once `url` has loaded, the document's own 4xx status aside."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    # Chromium logs a document answered with 4xx (a 404 on purpose) as "Failed to load resource" at its own URL;
    # that one line is expected. A CSP violation is logged at the document's URL too, so only that line is dropped.
    expected = f"the server responded with a status of {response.status}" if response.status >= 400 else None
    return [
        error if isinstance(error, str) else f"{error.text} ({error.location['url']})"
        for error in errors
        if isinstance(error, str) or not (expected and expected in error.text and error.location["url"] == page.url)
    ]


def resolve(path: str, world: dict) -> str:
    statement = world["statements"]["A"]
    return {
        "statement": statement.get_absolute_url(),
        "statement-change": f"/admin/statements/statement/{statement.pk}/change/",
        "statement-history": f"/admin/statements/statement/{statement.pk}/history/",
    }.get(path, path)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_console_errors(live_server, page, path):
    """A visitor's pages, the API's browsable view and its docs included, break no CSP rule and raise no error."""
    world = build_world()
    errors = watch(page)
    assert console_errors(page, live_server.url + resolve(path, world), errors) == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_have_no_console_errors(live_server, page, path):
    """The admin's main pages, signed in, break no CSP rule and raise no error."""
    world = build_world()
    UserFactory(username="boss", is_superuser=True)
    errors = watch(page)  # from the login page on: a browser asks for the site's icon once, on the first page
    log_in(page, f"{live_server.url}/admin/login/", "boss")
    assert console_errors(page, live_server.url + resolve(path, world), errors) == []
