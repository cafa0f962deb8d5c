"""gunicorn settings for `make serve` (see docs/operations.md). Each value can be overridden from the environment."""

import multiprocessing
import os

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads rather than sync workers: a long CSV export streams in a thread while the worker keeps its heartbeat,
# so the timeout below stops stuck workers without cutting exports short.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then so a slow leak cannot grow forever; the jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# gunicorn's default access-log line plus the response's X-Request-ID, which every log line of the request
# (tracebacks included) also shows: docs/operations.md, "Errors and logs".
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
# gunicorn's runtime control socket is one fixed path per user: two servers on a machine (a test and a load test)
# would take it from each other, and nothing here uses it.
control_socket_disable = True
