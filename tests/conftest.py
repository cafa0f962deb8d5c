import pytest

from tests.factories import UserFactory


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
