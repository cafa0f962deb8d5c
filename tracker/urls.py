from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from statements.cache_outage import FALLBACK_CACHE
from statements.health import healthz, readyz
from statements.login_throttle import throttle_account, unlock_view
from statements.ratelimit import rate_limit


def posts(request) -> bool:
    return request.method == "POST"


# Admin login throttling, per client IP (an IPv6 one by its /64): only sign-in attempts (POSTs) count, so showing the
# form never locks anyone out. 10 a minute stops fast guessing; 30 an hour stops slow guessing, and is far above a
# person's mistyping. Per user name, from any address, failures then back off (statements/login_throttle.py).
# With Redis down they count in the database: sign-in stays throttled and open; with no cache at all, refused.
limit_login = rate_limit("admin-login-minute", "10/m", when=posts, fallback=FALLBACK_CACHE, fail_open=False)
limit_login_hourly = rate_limit("admin-login-hour", "30/h", when=posts, fallback=FALLBACK_CACHE, fail_open=False)

urlpatterns = [
    # Same path as the admin's own login URL, listed first so every sign-in goes through the throttle.
    path(
        "admin/login/",
        limit_login(limit_login_hourly(throttle_account(admin.site.login))),
        name="admin_login_throttled",
    ),
    path("admin/unlock-sign-in/", admin.site.admin_view(unlock_view), name="admin_unlock_sign_in"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's setup script as a file (no inline script) and its assets from this site.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("statements.api.urls")),
    path("", include("statements.urls")),
]
