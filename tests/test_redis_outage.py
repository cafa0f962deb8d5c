"""Redis going down mid-run, for real: the public pages and the admin sign-in keep answering, the outage is logged
and counted, /readyz says degraded, and after a restart everything is back to normal."""

import contextlib
import logging
import shutil
import socket
import subprocess
import time
from types import SimpleNamespace

import pytest
import redis
from django.http import HttpResponse
from django.test import RequestFactory

from statements import ratelimit
from statements.cache_outage import failures_in_this_process
from statements.ratelimit import rate_limit
from tests.factories import StatementFactory, UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
# Generous: a test waits this long for redis-server to start or stop; nothing asserts how fast either happens.
SERVER_DEADLINE = 20
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "django_cache",
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own on a free 127.0.0.1 port, never the machine's main one."""

    def __init__(self, port: int, folder):
        self.port, self.folder, self.process = port, folder, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + SERVER_DEADLINE
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def shutdown(self) -> None:
        """SHUTDOWN, as an operator's mistake or a crash would leave it: the port refuses connections."""
        with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it exits
            redis.Redis(port=self.port, socket_timeout=1).shutdown(nosave=True)
        self.process.wait(timeout=SERVER_DEADLINE)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=SERVER_DEADLINE)


@pytest.fixture
def redis_server(tmp_path, settings, db, rate_limits_on, monkeypatch):
    """Counters in a Redis of the test's own (with the production socket timeouts), the database as the fallback;
    the rate limiter's clock stopped, so the sign-in test cannot straddle two windows."""
    server = RedisServer(free_port(), tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": settings.REDIS_TIMEOUT, "socket_timeout": settings.REDIS_TIMEOUT},
        },
        "fallback": DATABASE_CACHE,
    }
    # Only the limiter's windows stop: the caches' expiry times must follow the real clock.
    moment = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: moment))
    yield server
    server.stop()


def public_answers(client) -> dict[str, int]:
    """The status of search, the API list and the CSV export (read to its end)."""
    export = client.get("/export.csv")
    if export.status_code == 200:
        b"".join(export.streaming_content)
    return {
        "search": client.get("/?q=sanctions").status_code,
        "api": client.get("/api/statements/").status_code,
        "export": export.status_code,
    }


def sign_in(client, username: str, password: str, ip: str = "203.0.113.9"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_public_reads_fail_open_while_redis_is_down_and_recover(client, redis_server, caplog):
    """Redis stopped mid-test: search, API and export still answer 200, a warning names each limit, /readyz says
    degraded; restarted, the limits count in Redis again and /readyz says ok."""
    StatementFactory(text="New sanctions were announced.")
    assert public_answers(client) == {"search": 200, "api": 200, "export": 200}
    assert client.get("/readyz").json()["cache"] == "ok"

    redis_server.shutdown()
    before = failures_in_this_process()
    with caplog.at_level(logging.WARNING, logger="statements.cache_outage"):
        assert public_answers(client) == {"search": 200, "api": 200, "export": 200}
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"
    assert ready.json()["cache"] == "degraded"
    assert ready.json()["cache_failures_in_this_process"] >= before + 3
    for scope in ["search", "api", "export"]:
        assert f"rate limit '{scope}'" in caplog.text
    assert "request let through uncounted" in caplog.text

    redis_server.start()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="statements.cache_outage"):
        assert public_answers(client) == {"search": 200, "api": 200, "export": 200}
        assert client.get("/readyz").json()["cache"] == "ok"
    assert caplog.text == ""
    assert redis.Redis(port=redis_server.port).keys("*ratelimit:search:*")


def test_admin_sign_in_works_and_stays_throttled_through_the_database_while_redis_is_down(client, redis_server, caplog):
    """With Redis down the right password signs in, and eleven wrong ones from one address are refused (429): the
    per-address limit counts in the database's cache table instead."""
    UserFactory(username="analyst")
    redis_server.shutdown()
    with caplog.at_level(logging.WARNING, logger="statements.cache_outage"):
        assert sign_in(client, "analyst", PASSWORD).status_code == 302
        client.logout()
        assert [sign_in(client, "analyst", "guess", ip="198.51.100.7").status_code for _ in range(10)] == [200] * 10
        refused = sign_in(client, "analyst", "guess", ip="198.51.100.7")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert "rate limit 'admin-login-minute'" in caplog.text
    assert "counting in the 'fallback' cache instead" in caplog.text


def test_the_per_account_back_off_holds_while_redis_is_down(client, redis_server):
    """Ten failures for one user name from ten addresses, counted in the database: the eleventh attempt waits, even
    with the right password, and an Editor's unlock clears it."""
    UserFactory(username="editor")
    redis_server.shutdown()
    assert [sign_in(client, "editor", "guess", ip=f"192.0.2.{n}").status_code for n in range(1, 11)] == [200] * 10
    refused = sign_in(client, "editor", PASSWORD, ip="192.0.2.50")
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this user name" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    redis_server.start()
    # Back on Redis the database's count is no longer read; the unlock clears both anyway.
    admin = UserFactory(username="admin", is_superuser=True)
    client.force_login(admin)
    client.post("/admin/unlock-sign-in/", {"username": "editor"})
    client.logout()
    assert sign_in(client, "editor", PASSWORD, ip="192.0.2.51").status_code == 302


def test_a_limit_that_must_not_be_skipped_fails_closed(settings, db, rate_limits_on):
    """fail_open=False with no cache answering (a closed port, no fallback): 503 with Retry-After, not the view."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": settings.REDIS_TIMEOUT, "socket_timeout": settings.REDIS_TIMEOUT},
        }
    }

    @rate_limit("subscribe", "5/h", fail_open=False)
    def subscribe(request):
        return HttpResponse("subscribed")

    refused = subscribe(RequestFactory().post("/subscribe", REMOTE_ADDR="203.0.113.7"))
    assert refused.status_code == 503
    assert refused["Retry-After"] == "60"
