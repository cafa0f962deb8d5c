"""Production mode: check --deploy, security headers, cookies, /healthz, gunicorn serving hashed static files."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def production_env(**overrides) -> dict[str, str]:
    """The variables docs/operations.md tells an operator to set, on top of this process's environment."""
    env = {
        **os.environ,
        "PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tracker.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
        # Set by the browser tests for Playwright in this process; never set in production.
        "DJANGO_ALLOW_ASYNC_UNSAFE": None,
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for the database the tests use (or another database on the same server)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
        f"{name or settings['NAME']}"
    )


def test_check_deploy_is_clean_with_the_production_variables():
    """`check --deploy --fail-level WARNING` passes when the documented production variables are set."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_production_mode():
    """Without PRODUCTION=1 the deploy check reports the missing HTTPS settings (so the test above can fail)."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(PRODUCTION="0"))
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_production_refuses_to_start_without_secret_key():
    """Production never falls back to the insecure development key."""
    result = manage("check", env=production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def assert_security_headers(headers) -> None:
    assert set(headers["Content-Security-Policy"].split("; ")) == EXPECTED_CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/healthz", "/admin/login/", "/static/css/site.css", "/countries/%00/"])
def test_security_headers_on_every_kind_of_page(client, url):
    """Public pages, the health check, the admin, static files (served by WhiteNoise) and the early 400 all send
    CSP, nosniff, Referrer-Policy and X-Frame-Options."""
    response = client.get(url)
    assert response.status_code == (400 if "%00" in url else 200)
    assert_security_headers(response)


@pytest.fixture
def https_only(settings):
    """The values PRODUCTION=1 gives (settings read at import cannot be switched on in-process otherwise)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


@pytest.mark.django_db
def test_hsts_and_https_redirect(client, https_only):
    """Over HTTPS the HSTS header is sent; plain HTTP is redirected, except the health check a balancer polls."""
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_http_only(client, https_only):
    """Logging in sets a Secure, HttpOnly session cookie and a Secure CSRF cookie."""
    UserFactory(username="analyst", password="a-long-test-password", is_staff=True)
    login_page = client.get("/admin/login/", secure=True)
    assert login_page.cookies["csrftoken"]["secure"] is True
    response = client.post(
        "/admin/login/",
        {"username": "analyst", "password": "a-long-test-password", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True


@pytest.mark.django_db
def test_healthz_reports_a_working_database(client):
    """/healthz answers 200 with the database status after a real query."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def unreachable_database_url(tmp_path) -> str:
    """A database of the current engine that cannot be reached: a file in a missing folder, a closed port."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}"
    return "postgres://postgres@127.0.0.1:1/statement_tracker"


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    """With the database really unreachable (not mocked), /healthz says so with a 503 rather than a 500."""
    script = (
        "from django.test import Client; r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
    )
    result = manage("shell", "-c", script, env={**os.environ, "DATABASE_URL": unreachable_database_url(tmp_path)})
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503", result.stdout + result.stderr
    assert json.loads(body) == {"status": "error", "database": "unavailable"}
    assert "did not answer" in result.stderr


@pytest.mark.django_db
def test_readyz_reports_the_database_and_the_cache(client):
    """/readyz answers 200 with the database and the shared cache both ok."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_503_when_the_database_is_unreachable(tmp_path):
    """Only a database that does not answer takes the server out of rotation (a Redis outage is "degraded", 200)."""
    script = (
        "from django.test import Client; r = Client().get('/readyz'); print(r.status_code); print(r.content.decode())"
    )
    result = manage("shell", "-c", script, env={**os.environ, "DATABASE_URL": unreachable_database_url(tmp_path)})
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503", result.stdout + result.stderr
    assert json.loads(body)["database"] == "unavailable"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers, response.read()


# The test database must exist (on PostgreSQL gunicorn connects to it); no rows are needed, so no flush after.
@pytest.mark.django_db
def test_gunicorn_serves_health_and_hashed_static_files_in_production_mode(tmp_path):
    """`make serve`'s route: collectstatic, then gunicorn (gunicorn.conf.py) serves /healthz and hashed static files."""
    port = free_port()
    db_name = tmp_path / "serve.sqlite3" if connection.vendor == "sqlite" else None
    env = production_env(
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=database_url(db_name),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on the loopback: no TLS proxy in front in this test.
        SECURE_SSL_REDIRECT="0",
    )
    collected = manage("collectstatic", "--no-input", env=env)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    assert hashed_css != "css/site.css"

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,  # the access log
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, headers, body = fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 10 seconds")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok"}
        assert set(headers["Content-Security-Policy"].split("; ")) == EXPECTED_CSP
        health_id = headers["X-Request-ID"]

        status, headers, _ = fetch(f"{base}/static/{hashed_css}")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert_security_headers(headers)  # WhiteNoise answers before most middleware: the headers must come first
        # Hashed names never change content, so browsers may keep them for good.
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        access_log, _ = server.communicate(timeout=30)
    # The access log names each request by the id in its response, the one its log lines (tracebacks) carry.
    # (The start-up loop above may have sent /healthz more than once: a slow first answer is retried.)
    health_lines = [line for line in access_log.splitlines() if '"GET /healthz HTTP/1.1" 200' in line]
    assert any(line.endswith(f" request_id={health_id}") for line in health_lines), access_log


@pytest.mark.parametrize(("value", "expected"), [(None, "1.1"), ("2.5", "2.5"), ("", None)])
def test_postgresql_connections_plan_with_the_configured_random_page_cost(value, expected):
    """DATABASE_RANDOM_PAGE_COST reaches PostgreSQL's planner on the app's connections (1.1 unless set; empty leaves
    the server's own setting); SQLite has no such setting and gets no option."""
    env = production_env(DATABASE_URL=database_url(), DATABASE_RANDOM_PAGE_COST=value)
    show = "from django.db import connection as c; print(c.vendor, c.settings_dict['OPTIONS'].get('options'))"
    if connection.vendor == "postgresql":
        show += (
            '; cursor = c.cursor(); cursor.execute("SELECT setting, source FROM pg_settings'
            " WHERE name = 'random_page_cost'\"); print(*cursor.fetchone())"
        )
    result = manage("shell", "--no-imports", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    if connection.vendor == "sqlite":
        assert lines[0] == "sqlite None"
    elif expected is None:
        assert lines[0] == "postgresql None"
        assert not lines[1].endswith(" client")  # the server's default or configuration file
    else:
        assert lines[1] == f"{expected} client"


def test_a_random_page_cost_that_is_not_a_number_stops_the_app_with_a_clear_message():
    env = production_env(DATABASE_URL=database_url(), DATABASE_RANDOM_PAGE_COST="fast")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_RANDOM_PAGE_COST must be a number" in result.stderr


@pytest.mark.parametrize(
    ("value", "threshold"), [(None, "50000"), ("10000", "10000"), ("many", None), ("0", None), ("-5", None)]
)
def test_the_server_sets_the_garbage_collector_threshold_or_stops_with_a_clear_message(value, threshold):
    """The WSGI entry point (gunicorn's) collects the youngest generation after GC_YOUNGEST_THRESHOLD new objects
    (docs/operations.md); a value that is not a whole number above 0 stops the app and says which variable."""
    env = production_env(DATABASE_URL=database_url(), GC_YOUNGEST_THRESHOLD=value)
    show = "import gc, tracker.wsgi; print(gc.get_threshold()[0])"
    command = [sys.executable, "-c", show]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if threshold is None:
        assert result.returncode != 0
        assert "GC_YOUNGEST_THRESHOLD must be a whole number above 0" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == threshold
