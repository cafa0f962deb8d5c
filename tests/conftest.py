import os

import pytest
from django.conf import settings
from django.db import connections

from tests import browser as chromium
from tests.factories import UserFactory


def pytest_configure(config):
    """A fast password hasher for the tests: PBKDF2's rounds are the point in production and half the suite's time
    here (every test user's password). Tests of signing in still check a real hash; only the work factor differs."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser():
    """Debian's Chromium through Playwright, one per test. Missing Chromium fails: make test installs it.

    Function-scoped on purpose: started after the test database is set up, because restoring a serialized
    database (live_server tests) while Playwright's event loop already runs in this thread restores nothing.
    """
    missing = chromium.chromium_missing_message()
    if missing:
        pytest.fail(missing)
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run "inside" it without this.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        yield launched
        launched.close()
        # The test's database connection was opened while Playwright's loop ran in this thread, and the session's
        # teardown does not reach it: left open, PostgreSQL refused to drop the test database at the end of the run
        # ("being accessed by other users", the warning at the end of the PostgreSQL runs). Closed here.
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


@pytest.fixture
def rate_limits_on(settings):
    settings.RATELIMIT_ENABLED = True


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
