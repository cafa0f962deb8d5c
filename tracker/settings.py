"""Settings for Statement Tracker: one file, every environment variable read in the block below."""

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment: every variable the app reads, with its local default --------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Where `manage.py release` writes the open-data releases, served at /data/files/ as static files (docs/releases.md).
RELEASES_ROOT = Path(os.environ.get("RELEASES_ROOT", BASE_DIR / "releases"))
# PRODUCTION=1 turns on the HTTPS-only settings below and hashed, compressed static files (run collectstatic first).
PRODUCTION = env_bool("PRODUCTION", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For itself (clients could forge them).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# Rate limits on search, export and the API (statements/ratelimit.py); a local load test may turn them off.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
# Cache shared by all workers (rate-limit counters): Redis when set, e.g. redis://127.0.0.1:6379/0; else the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds to wait for Redis to accept a connection or answer a command before treating it as down
# (docs/operations.md, "Failure modes").
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.3"))
# Streamed CSV exports one worker process serves at once; one more answers 503 with Retry-After. Below
# GUNICORN_THREADS, so every process keeps threads for pages (docs/operations.md, "Failure modes").
EXPORT_MAX_CONCURRENT = int(os.environ.get("EXPORT_MAX_CONCURRENT", "2"))
# Seconds a download waits for a client that takes nothing before giving it up (gunicorn has no send timeout).
CLIENT_SEND_TIMEOUT = float(os.environ.get("CLIENT_SEND_TIMEOUT", "30"))
# An admin CSV upload with more data rows than this becomes an import job, run by `manage.py run_import_jobs`
# (docs/operations.md) rather than during the request.
IMPORT_JOB_MIN_ROWS = int(os.environ.get("IMPORT_JOB_MIN_ROWS", "2000"))
# Seconds without a heartbeat after which a running import job's worker is taken for dead and the job is run again
# (the worker beats four times a lease; docs/operations.md, "Import jobs: the worker").
IMPORT_JOB_LEASE_SECONDS = float(os.environ.get("IMPORT_JOB_LEASE_SECONDS", "120"))
# Optional read replica for the public pages, e.g. postgres://reader@replica-host:5432/statement_tracker
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# PostgreSQL's planner cost of a random page read, set on this app's connections; empty leaves the server's setting.
# The server default (4) models spinning disks (docs/operations.md, docs/performance.md#random-page-cost-on-postgresql).
DATABASE_RANDOM_PAGE_COST = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1")
# New objects before Python's garbage collector scans its youngest generation, set by tracker/wsgi.py (Python: 700).
GC_YOUNGEST_THRESHOLD = os.environ.get("GC_YOUNGEST_THRESHOLD", "50000")
# The site's public address, for the links in emails (alerts): HTTPS in production, which one-click unsubscribe needs.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Outgoing email (alert confirmations and digests): through this SMTP server when EMAIL_HOST is set, else written as
# files to EMAIL_FILE_PATH (development). EMAIL_USE_TLS is STARTTLS (port 587); EMAIL_USE_SSL is TLS from the start
# (port 465). Seconds before a mail server that does not answer counts as a refusal: EMAIL_TIMEOUT.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Statement Tracker <alerts@localhost>")
# DKIM signing of outgoing email when a key is set: the private key's PEM file, the selector, and the domain whose
# DNS publishes the public key (at SELECTOR._domainkey.DOMAIN). Mail providers honour one-click unsubscribe only
# from signed mail.
DKIM_PRIVATE_KEY_FILE = os.environ.get("DKIM_PRIVATE_KEY_FILE", "")
DKIM_SELECTOR = os.environ.get("DKIM_SELECTOR", "")
DKIM_DOMAIN = os.environ.get("DKIM_DOMAIN", "")
# When daily and weekly alert digests go out (`manage.py send_alerts`): the hour (0-23) and the weekly day, in
# ALERTS_TIME_ZONE (an IANA name; TIME_ZONE by default).
ALERTS_TIME_ZONE = os.environ.get("ALERTS_TIME_ZONE", "") or TIME_ZONE
ALERTS_DAILY_HOUR = os.environ.get("ALERTS_DAILY_HOUR", "7")
ALERTS_WEEKLY_DAY = os.environ.get("ALERTS_WEEKLY_DAY", "monday")
# ---------------------------------------------------------------------------------------------

if not SECRET_KEY:
    if not DEBUG and (PRODUCTION or os.environ.get("DJANGO_REQUIRE_SECRET_KEY")):
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    # Local and test runs only: production sets SECRET_KEY (see .env.example).
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "statements",
]

MIDDLEWARE = [
    # First, so that every response carries X-Request-ID and every log line of the request names it.
    "statements.middleware.request_id_middleware",
    # The security headers come before WhiteNoise and the 400 below, which answer without going further in: static
    # files and early refusals get the same headers as pages.
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy header; the policy is CONTENT_SECURITY_POLICY below.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 400 for a control character (NUL…) in the address or a form, before anything passes it to the database.
    "statements.middleware.control_characters_middleware",
    # Serves collected static files from gunicorn itself (no separate web server needed for them).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The open-data releases' files (/data/files/), from RELEASES_ROOT, when the proxy does not serve them itself.
    "statements.release_files.ReleaseFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which user made each change in the statement/official/topic/source history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Marks anonymous public GET requests so the router may read them from the replica.
    "statements.routers.public_read_middleware",
    # Last, so it sees a view's exception first: a GET whose database connection was lost runs again.
    "statements.lost_connections.RetryOnLostConnectionMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# Health checks: a kept connection the server dropped while it sat idle is replaced before a request uses it.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while an analyst saves; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASE_REPLICA_URL:
    # Public pages read from the replica (statements/routers.py); tests use the primary for it.
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
if DATABASE_RANDOM_PAGE_COST:
    try:
        random_page_cost = float(DATABASE_RANDOM_PAGE_COST)
    except ValueError:
        raise ImproperlyConfigured(
            f"DATABASE_RANDOM_PAGE_COST must be a number, e.g. 1.1, or empty: {DATABASE_RANDOM_PAGE_COST!r}"
        ) from None
    for database in DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            database.setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={random_page_cost}"
DATABASE_ROUTERS = ["statements.routers.ReplicaRouter"]
try:
    GC_YOUNGEST_THRESHOLD = int(GC_YOUNGEST_THRESHOLD)
    if GC_YOUNGEST_THRESHOLD < 1:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"GC_YOUNGEST_THRESHOLD must be a whole number above 0, e.g. 50000: {GC_YOUNGEST_THRESHOLD!r}"
    ) from None

if EMAIL_USE_TLS and EMAIL_USE_SSL and EMAIL_HOST:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both.")
EMAIL_USE_TLS = EMAIL_USE_TLS and not EMAIL_USE_SSL
# SMTP through Django's backend, signing with DKIM when a key is set (statements/alerts/mail.py).
EMAIL_BACKEND = (
    "statements.alerts.mail.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend"
)
if DKIM_PRIVATE_KEY_FILE and not (DKIM_SELECTOR and DKIM_DOMAIN and Path(DKIM_PRIVATE_KEY_FILE).is_file()):
    raise ImproperlyConfigured(
        "DKIM_PRIVATE_KEY_FILE must name a readable PEM file, with DKIM_SELECTOR and DKIM_DOMAIN set: "
        f"{DKIM_PRIVATE_KEY_FILE!r}, {DKIM_SELECTOR!r}, {DKIM_DOMAIN!r}"
    )
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
try:
    ZoneInfo(ALERTS_TIME_ZONE)
    ALERTS_DAILY_HOUR = int(ALERTS_DAILY_HOUR)
    if not 0 <= ALERTS_DAILY_HOUR <= 23:
        raise ValueError
    ALERTS_WEEKLY_DAY = WEEKDAYS.index(ALERTS_WEEKLY_DAY.strip().lower())
except (ValueError, ZoneInfoNotFoundError):
    raise ImproperlyConfigured(
        "ALERTS_TIME_ZONE must be a time zone name (Europe/London), ALERTS_DAILY_HOUR a whole hour from 0 to 23 and "
        f"ALERTS_WEEKLY_DAY a day's name (monday): {ALERTS_TIME_ZONE!r}, {ALERTS_DAILY_HOUR!r}, {ALERTS_WEEKLY_DAY!r}"
    ) from None

# A per-process memory cache would give each gunicorn worker its own counters; the database is shared.
# Its table comes from `manage.py createcachetable` (make serve and make demo run it).
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "django_cache",
    # Room for a counter per client: the default (300 entries) would cull live rate-limit counters.
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
if REDIS_URL:
    REDIS_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Passed to redis-py's connection pool. redis-py waits 5 s by default; a Redis that is down or unreachable
        # must cost a request a moment, not seconds, before the limit fails open or falls back to the database.
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
    CACHES = {"default": REDIS_CACHE, "fallback": DATABASE_CACHE}
else:
    CACHES = {"default": DATABASE_CACHE, "fallback": DATABASE_CACHE}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface is in British English only (no LocaleMiddleware): translation is off, which spares every template
# variable, date and URL a lookup of the active language (docs/performance.md#less-python-per-request).
# Dates and numbers still take the en-gb formats.
LANGUAGE_CODE = "en-gb"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names need `collectstatic` first, so only production uses them (tests do not).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production WhiteNoise serves static/ directly, without collectstatic (local runs with DEBUG off, tests).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Security headers (see docs/operations.md). The HTTPS-only ones come from the environment block at the top.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only this site's own scripts, styles and images: templates use no inline <script>, <style>, style= or on*= .
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Everything goes to stderr (gunicorn's error log) with the request id, which gunicorn's access log also prints:
# docs/operations.md, "Errors and logs". Django's default sends server errors only to mail_admins, and there are no
# ADMINS; django.request's 4xx warnings are left out, the access log has them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "statements.middleware.RequestIdFilter"}},
    "formatters": {
        "with_request_id": {"format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "with_request_id",
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "statements": {"level": "INFO"},
    },
}

LOGIN_URL = "admin:login"

# The public JSON API is read-only and anonymous: no logins, no writes, JSON plus the browsable HTML view.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Statement Tracker API",
    "DESCRIPTION": (
        "Read-only access to the published statements of the public timeline, with the same filters, "
        "and to the officials, topics and countries they concern. Drafts are never included."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's JavaScript and CSS are served from this site (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the field name "kind" (a statement's: direct or paraphrase; a link's: responds_to…):
    # named here, so the schema builds without a warning.
    "ENUM_NAME_OVERRIDES": {
        "StatementKindEnum": "statements.models.Kind",
        "LinkKindEnum": "statements.positions.models.LinkKind",
    },
}
