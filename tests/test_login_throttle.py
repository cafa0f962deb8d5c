"""Admin login throttling: past 10 sign-in attempts a minute from one address, the next ones get 429 for a while."""

import time
import uuid

import pytest

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
LOGIN_URL = "/admin/login/"


@pytest.fixture
def throttled(settings, db, rate_limits_on, monkeypatch):
    """Counters in a fresh memory cache, so earlier tests' sign-ins do not count here, and a clock stopped in the
    middle of a minute and an hour, so a slow run cannot straddle two windows and start counting again."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    moment = time.time() // 3600 * 3600 + 1830
    monkeypatch.setattr(time, "time", lambda: moment)


def sign_in(client, username: str, password: str, ip: str = "203.0.113.9"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_eleventh_failed_sign_in_in_a_minute_is_refused_with_429(client, throttled):
    """Ten wrong passwords get the form back; the eleventh attempt is refused with 429 and Retry-After."""
    UserFactory(username="analyst")
    assert [sign_in(client, "analyst", "guess").status_code for _ in range(10)] == [200] * 10
    refused = sign_in(client, "analyst", "guess")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()


def test_a_locked_out_address_cannot_sign_in_even_with_the_right_password(client, throttled):
    """During the cooldown the right password does not help a guesser: the request never reaches the form."""
    UserFactory(username="analyst")
    for _ in range(10):
        sign_in(client, "analyst", "guess")
    assert sign_in(client, "analyst", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_addresses_and_the_login_form_itself_are_not_throttled(client, throttled):
    """One address's guessing does not lock out a colleague, and GET (showing the form) never counts."""
    UserFactory(username="analyst")
    for _ in range(11):
        sign_in(client, "analyst", "guess")
    assert client.get(LOGIN_URL, REMOTE_ADDR="203.0.113.9").status_code == 200
    response = sign_in(client, "analyst", PASSWORD, ip="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_successful_sign_ins_are_unaffected(client, throttled):
    """A person signing in and out normally never sees the throttle."""
    UserFactory(username="analyst")
    for _ in range(3):
        assert sign_in(client, "analyst", PASSWORD).status_code == 302
        client.logout()


def test_the_hourly_limit_stops_slow_guessing(client, throttled, monkeypatch):
    """Past 30 attempts in an hour (spread so the per-minute limit never trips) the address is refused."""
    UserFactory(username="analyst")
    start = 1_700_000_000 // 3600 * 3600
    statuses = []
    for attempt in range(31):
        # Each attempt in its own minute window: the minute counter restarts, the hour counter keeps counting.
        monkeypatch.setattr(time, "time", lambda attempt=attempt: start + attempt * 61)
        statuses.append(sign_in(client, "analyst", "guess").status_code)
    monkeypatch.undo()
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
