from django.urls import path

from ..ratelimit import rate_limit
from . import views

app_name = "api"

# Per client IP, shared by every API endpoint (statements/ratelimit.py): 429 with Retry-After past it.
limited = rate_limit("api", "120/m")

# `str` converters rather than `int`/`slug`: any id or slug reaches the API view, so an unknown one is a JSON 404
# (Django's own 404 page is HTML).
urlpatterns = [
    path("", limited(views.api_root), name="root"),
    path("statements/", limited(views.StatementList.as_view()), name="statement-list"),
    path("statements/<str:pk>/", limited(views.StatementDetail.as_view()), name="statement-detail"),
    path("officials/", limited(views.OfficialList.as_view()), name="official-list"),
    path("officials/<str:slug>/", limited(views.OfficialDetail.as_view()), name="official-detail"),
    path("topics/", limited(views.TopicList.as_view()), name="topic-list"),
    path("topics/<str:slug>/", limited(views.TopicDetail.as_view()), name="topic-detail"),
    path("countries/", limited(views.CountryList.as_view()), name="country-list"),
    path("countries/<str:code>/", limited(views.CountryDetail.as_view()), name="country-detail"),
]
