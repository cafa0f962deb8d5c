from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from statements.admin.extraction import from_article
from statements.health import healthz

urlpatterns = [
    # Before the admin's own URLs, which would read "from-article" as a statement id.
    path(
        "admin/statements/statement/from-article/",
        admin.site.admin_view(from_article),
        name="statements_from_article",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's setup script as a file (no inline script) and its assets from this site.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("statements.api.urls")),
    path("", include("statements.urls")),
]
