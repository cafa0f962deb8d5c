"""Rate limits: 429 with Retry-After past the limit, counted in a cache every worker shares (database or Redis)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from statements.ratelimit import client_ip, client_key, hit, parse_rate, rate_limit

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
SHARED_CACHES = {
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
}


@pytest.fixture(params=SHARED_CACHES)
def shared_cache(request, settings, db, rate_limits_on):
    """Each test runs against the database cache (the default) and Redis (when REDIS_URL is set)."""
    settings.CACHES = {"default": SHARED_CACHES[request.param]}
    return request.param


def unique_scope() -> str:
    """Redis outlives the test: a fresh scope keeps earlier runs' counters out of this one."""
    return f"test-{uuid.uuid4().hex}"


def limited_view(scope: str, rate: str):
    @rate_limit(scope, rate)
    def view(request):
        return HttpResponse("ok")

    return view


def get(view, ip="203.0.113.7", **extra):
    return view(RequestFactory().get("/search", REMOTE_ADDR=ip, **extra))


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("60/m", (60, 60)), ("5/s", (5, 1)), ("1000/h", (1000, 3600)), ("10/d", (10, 86400))],
)
def test_parse_rate(rate, expected):
    """Rates are a positive count per second, minute, hour or day."""
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "60", "0/m", "-1/m", "60/x", "sixty/m", "60/min", " 60/m"])
def test_malformed_rates_fail_when_the_view_is_decorated(rate):
    """A typo in a rate fails at import with a clear message, not on the first request."""
    with pytest.raises(ValueError, match="A rate looks like '60/m'"):
        rate_limit("search", rate)


def test_requests_past_the_limit_get_429_with_retry_after(shared_cache):
    """The fourth request in a minute at 3/m is refused with 429 and how long to wait."""
    view = limited_view(unique_scope(), "3/m")
    assert [get(view).status_code for _ in range(3)] == [200, 200, 200]
    refused = get(view)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert f"wait {refused['Retry-After']} seconds" in refused.content.decode()


def test_limits_are_per_client_and_per_scope(shared_cache):
    """One client's use does not count against another client, nor against another surface."""
    scope = unique_scope()
    search, export = limited_view(scope, "2/m"), limited_view(scope + "-export", "2/m")
    assert [get(search).status_code for _ in range(3)] == [200, 200, 429]
    assert get(search, ip="198.51.100.1").status_code == 200
    assert get(export).status_code == 200


def test_the_count_is_shared_by_two_workers(shared_cache):
    """Two workers (two cache clients, each with its own connection) count into the same counter."""
    scope = unique_scope()
    worker_a, worker_b = caches.create_connection("default"), caches.create_connection("default")
    assert [hit(scope, "203.0.113.7", 4, 60, cache=worker_a) for _ in range(2)] == [0, 0]
    assert [hit(scope, "203.0.113.7", 4, 60, cache=worker_b) for _ in range(2)] == [0, 0]
    assert hit(scope, "203.0.113.7", 4, 60, cache=worker_a) > 0


def test_the_count_is_shared_with_another_process_through_redis(settings, rate_limits_on):
    """A separate worker process and this one share Redis counters: its requests count against ours."""
    settings.CACHES = {"default": SHARED_CACHES["redis"]}
    scope = unique_scope()
    script = f"from statements.ratelimit import hit; print([hit({scope!r}, '203.0.113.7', 5, 60) for _ in range(5)])"
    other_worker = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": REDIS_URL},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other_worker.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0, 0]", other_worker.stderr
    assert get(limited_view(scope, "5/m")).status_code == 429


def test_retry_after_counts_down_to_the_end_of_the_window(shared_cache):
    """Retry-After is the time left in the current window, at least one second."""
    scope = unique_scope()
    assert hit(scope, "ip", 1, 60, now=6000.0) == 0
    assert hit(scope, "ip", 1, 60, now=6005.0) == 55
    assert hit(scope, "ip", 1, 60, now=6059.5) == 1
    assert hit(scope, "ip", 1, 60, now=6060.0) == 0


def test_rate_limits_can_be_switched_off(shared_cache, settings):
    """RATELIMIT_ENABLED=0 (for a local load test) lets every request through."""
    settings.RATELIMIT_ENABLED = False
    view = limited_view(unique_scope(), "1/m")
    assert [get(view).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded_for", "expected"),
    [
        (False, "", "10.0.0.2"),
        # Without a trusted proxy the header is the client's own claim: ignored, or anyone could dodge the limit.
        (False, "198.51.100.9", "10.0.0.2"),
        (True, "198.51.100.9", "198.51.100.9"),
        # The proxy appends the address it saw; what the client sent before it is not trusted.
        (True, "1.2.3.4, 198.51.100.9", "198.51.100.9"),
        (True, "", "10.0.0.2"),
    ],
)
def test_client_ip(settings, behind_proxy, forwarded_for, expected):
    """Requests are counted per client address, taken from X-Forwarded-For only behind a trusted proxy."""
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:DB8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", ""),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64(address, key):
    """One subscriber usually holds a whole IPv6 /64: its addresses share one count; IPv4 is counted per address."""
    assert client_key(RequestFactory().get("/", REMOTE_ADDR=address)) == key


@pytest.mark.parametrize(
    "url, limit",
    [
        ("/?q=sanctions", 60),  # searching the timeline
        ("/feed.atom?q=sanctions", 60),
        ("/export.csv", 20),
        ("/reports/speakers.csv", 20),
        ("/api/statements/", 120),
        ("/api/officials/", 120),
    ],
)
def test_public_search_and_export_are_limited(client, db, rate_limits_on, monkeypatch, url, limit):
    """The expensive public requests answer 429 with Retry-After once a client passes its limit."""
    # One fixed moment inside a window, so the run cannot straddle two windows and start counting again.
    moment = (time.time() // 60) * 60 + 30
    monkeypatch.setattr("statements.ratelimit.time", SimpleNamespace(time=lambda: moment))
    statuses = [client.get(url).status_code for _ in range(limit)]
    assert set(statuses) == {200}
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    message = f"Too many requests: please wait {response['Retry-After']} seconds and try again."
    if url.startswith("/api/"):
        assert response.json() == {"detail": message}  # the API's own error shape
    else:
        page = response.content.decode()
        assert response["Content-Type"].startswith("text/html")
        assert "<h1>Too many requests</h1>" in page and message in page
        assert 'class="site-header"' in page  # the site's page, with its header and styles
    assert client.get(url, REMOTE_ADDR="198.51.100.9").status_code == 200  # another client is not affected


def test_browsing_the_timeline_without_words_is_not_limited(client, db, rate_limits_on):
    """Only searching counts against the search limit: plain browsing and paging do not."""
    assert {client.get("/").status_code for _ in range(70)} == {200}
