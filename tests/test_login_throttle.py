"""Admin login throttling: past 10 sign-in attempts a minute from one address (an IPv6 /64), the next ones get 429
for a while; past 10 failures for one user name from any addresses, each attempt waits longer (a back-off)."""

import time
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from statements import login_throttle
from tests.admin_helpers import user_with_role
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
LOGIN_URL = "/admin/login/"


@pytest.fixture
def throttled(settings, db, rate_limits_on, monkeypatch):
    """Counters in a fresh memory cache, so earlier tests' sign-ins do not count here, and a clock stopped in the
    middle of a minute and an hour, so a slow run cannot straddle two windows and start counting again."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
        "fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
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
    """One address's guessing does not lock out a colleague elsewhere, and GET (showing the form) never counts."""
    UserFactory(username="analyst")
    for _ in range(11):
        sign_in(client, "someone", "guess")  # another user name: a user name's own failures back off (below)
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
        # A user name per attempt, so that only the address's limit is measured, not a user name's back-off.
        statuses.append(sign_in(client, f"analyst{attempt}", "guess").status_code)
    monkeypatch.undo()
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


# --- Per user name, from any address (statements/login_throttle.py) ------------------------------------------------

BACKING_OFF = "Too many failed sign-ins for this user name: please wait"


def spread_guesses(client, username: str, count: int, first: int = 1) -> list[int]:
    """`count` wrong passwords for one user name, each from its own address, so no per-address limit trips."""
    return [sign_in(client, username, "guess", ip=f"198.51.100.{n}").status_code for n in range(first, first + count)]


def wait(monkeypatch, seconds: int) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_guesses_from_many_addresses_back_off_the_account(client, throttled, monkeypatch):
    """Ten failures from ten addresses: the next attempt, from anywhere and even with the right password, waits a
    minute with a clear message; after the minute the right password works."""
    UserFactory(username="editor")
    assert spread_guesses(client, "editor", 10) == [200] * 10
    refused = sign_in(client, "editor", "guess", ip="192.0.2.50")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.content.decode().startswith(BACKING_OFF + " 60 seconds")
    right = sign_in(client, "editor", PASSWORD, ip="192.0.2.51")
    assert right.status_code == 429 and BACKING_OFF in right.content.decode()
    assert "_auth_user_id" not in client.session
    wait(monkeypatch, 61)
    assert sign_in(client, "editor", PASSWORD, ip="192.0.2.52").status_code == 302
    assert client.session["_auth_user_id"]


def test_the_wait_doubles_after_each_failure_up_to_fifteen_minutes(client, throttled, monkeypatch):
    """It backs off rather than locks: 1, 2, 4, 8 minutes, then never more than 15."""
    UserFactory(username="editor")
    spread_guesses(client, "editor", 10)
    waits = []
    for n in range(6):
        refused = sign_in(client, "editor", "guess", ip=f"192.0.2.{n + 1}")
        waits.append(int(refused["Retry-After"]))
        wait(monkeypatch, waits[-1])
        assert sign_in(client, "editor", "guess", ip=f"192.0.2.{n + 101}").status_code == 200
    assert waits == [60, 120, 240, 480, 900, 900]


def test_an_unknown_user_name_gets_exactly_the_same_answers(client, throttled, monkeypatch):
    """The throttle does not tell which user names exist: the same statuses, waits and message for both."""
    UserFactory(username="editor")

    def answers(username):
        statuses = spread_guesses(Client(), username, 11)
        refused = sign_in(Client(), username, PASSWORD, ip="192.0.2.9")
        return statuses, refused.status_code, refused["Retry-After"], refused.content

    assert answers("editor") == answers("no-such-user")


def test_a_successful_sign_in_clears_the_failures(client, throttled):
    """Nine mistakes, then the right password: the count starts again."""
    UserFactory(username="editor")
    spread_guesses(client, "editor", 9)
    assert sign_in(client, "editor", PASSWORD, ip="192.0.2.1").status_code == 302
    client.logout()
    assert spread_guesses(client, "editor", 10, first=20) == [200] * 10
    assert login_throttle.failures("editor", caches["default"]) == 10


def test_ipv6_addresses_in_one_64_share_the_per_address_limit(client, throttled):
    """A client holding a /64 cannot take a fresh address for each guess; the next /64 is another client."""
    statuses = [sign_in(client, f"user{n}", "guess", ip=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 11)]
    assert statuses == [200] * 10
    refused = sign_in(client, "user11", "guess", ip="2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    assert sign_in(client, "user12", "guess", ip="2001:db8:1:3::1").status_code == 200


def test_an_editor_can_unlock_an_account_and_an_analyst_cannot(client, throttled):
    """Clearing the failures lets the user sign in at once; only Editors (and superusers) may."""
    UserFactory(username="analyst")
    spread_guesses(client, "analyst", 10)
    assert sign_in(client, "analyst", PASSWORD, ip="192.0.2.1").status_code == 429

    helper = Client()
    helper.force_login(user_with_role("Analyst", username="another-analyst"))
    assert helper.post("/admin/unlock-sign-in/", {"username": "analyst"}).status_code == 403
    assert sign_in(client, "analyst", PASSWORD, ip="192.0.2.2").status_code == 429

    editor = Client()
    editor.force_login(user_with_role("Editor"))
    assert "Clear failed sign-ins" in editor.get("/admin/unlock-sign-in/").content.decode()
    response = editor.post("/admin/unlock-sign-in/", {"username": "analyst"}, follow=True)
    assert "Cleared 10 failed sign-ins for “analyst”" in response.content.decode()
    assert sign_in(client, "analyst", PASSWORD, ip="192.0.2.3").status_code == 302
