"""Server errors are logged to stderr with their traceback and the request id that the response header (and so
gunicorn's access log) shows."""

import io
import logging

import pytest
from django.http import HttpResponse
from django.urls import path

from tracker.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("the view failed on purpose")


def noting_view(request):
    logging.getLogger("statements.example").warning("a note from the app")
    return HttpResponse("ok")


# The site's own URLs too: the middleware and templates reverse them.
urlpatterns = [path("fail/", failing_view), path("note/", noting_view), *site_urlpatterns]


@pytest.fixture
def stderr_log():
    """What LOGGING's stderr handler writes. Read from the handler itself: pytest swaps sys.stderr per test, after
    the handler took hold of the real one."""
    (handler,) = [handler for handler in logging.getLogger().handlers if handler.name == "stderr"]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.urls("tests.test_logging")
def test_a_server_error_is_logged_with_its_traceback_and_the_responses_request_id(client, settings, stderr_log):
    """With DEBUG off, a view that raises gives a 500, and stderr has the traceback under the same request id."""
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    log = stderr_log.getvalue()
    assert f"ERROR django.request request_id={request_id} Internal Server Error: /fail/" in log
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: the view failed on purpose" in log


@pytest.mark.urls("tests.test_logging")
def test_the_apps_own_log_lines_carry_the_request_id(client, stderr_log):
    """A warning logged by the app during a request names that request."""
    response = client.get("/note/")
    assert f"WARNING statements.example request_id={response['X-Request-ID']} a note from the app" in (
        stderr_log.getvalue()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("7c1e2a9b4f3d4c5e8a6b9d0e1f2a3b4c", True),
        ("short", False),
        ("x" * 65, False),
        ("id with spaces", False),
        ('forged" 200 "x', False),
        ("", False),
    ],
)
def test_a_request_id_from_the_proxy_is_kept_only_when_it_looks_like_one(client, incoming, kept):
    """A proxy's X-Request-ID carries through when it is a plain id; anything else is replaced by a new one."""
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    if kept:
        assert response["X-Request-ID"] == incoming
    else:
        assert response["X-Request-ID"] != incoming
        assert len(response["X-Request-ID"]) == 32
