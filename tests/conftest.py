import os

import pytest
from django.conf import settings
from django.db import connections

from statements.downloads import EXPORT_SLOTS
from tests import browser as chromium
from tests.factories import UserFactory
from tests.once_per_class import once_per_class
from tests.timeline_data import build_world


def pytest_configure(config):
    """A fast password hasher for the tests: PBKDF2's rounds are the point in production and half the suite's time
    here (every test user's password). Tests of signing in still check a real hash; only the work factor differs."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items):
    """Browser tests (those using the browser) run last, so one Chromium serves them all and no other test runs
    beside Playwright's loop; each carries the browser marker, so `-m "not browser"` leaves them all out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def chromium_browser(django_db_setup, django_db_blocker):
    """Debian's Chromium through Playwright, one per test process. Missing Chromium fails: make test installs it.

    Starting Playwright and Chromium costs seconds: once per process rather than once per test.
    """
    missing = chromium.chromium_missing_message()
    if missing:
        pytest.fail(missing)
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run "inside" it without this.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright import sync_api

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_api.sync_playwright() as playwright:
        # While an event loop runs in a thread, Django keeps that thread's connections apart (asgiref's Local is
        # per context then): the tests from here on get new connection objects, without the database's serialized
        # copy that live-server tests restore after each flush. They get it here; without it, every browser test
        # after the first found the countries gone.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        launched = chromium.launch(playwright)
        yield launched
        launched.close()
        connections.close_all()


@pytest.fixture
def browser(chromium_browser):
    """The process's Chromium; each test opens its own contexts, so no cookies or storage cross tests."""
    yield chromium_browser
    # The test's database connection was opened while Playwright's loop ran in this thread, and the session's
    # teardown does not reach it: left open, PostgreSQL refused to drop the test database at the end of the run
    # ("being accessed by other users"). Closed here.
    connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def rate_limits_off(settings):
    """Rate limits are checked in tests/test_ratelimit.py; elsewhere they would only turn repeated requests into 429s
    and add the cache's queries to the pinned query counts."""
    settings.RATELIMIT_ENABLED = False


@pytest.fixture(autouse=True)
def no_export_in_flight():
    """Each test starts with no export streaming, as a fresh worker process does. A streamed response a test never
    closed gives its export slot back only when the garbage collector reaches it, which may be during a later test
    of the same process (tests/test_export.py checks that closing gives the slot back)."""
    EXPORT_SLOTS.in_use = 0


@pytest.fixture
def rate_limits_on(settings):
    settings.RATELIMIT_ENABLED = True


# The labelled world of tests/timeline_data.py, once for a class of tests that only read it (the tables of query
# strings, each case of which built it again before).
class_world = once_per_class(build_world)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server started in this process, and the settings that send alerts through it: yields its
    Mailbox (`.messages`, parsed; `.refuse`, replies to give instead of accepting an address)."""
    from tests import smtp_server as server

    controller, mailbox = server.start()
    settings.EMAIL_BACKEND = "statements.alerts.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()
