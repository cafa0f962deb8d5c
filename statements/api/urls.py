from django.urls import path

from . import views

app_name = "api"

# `str` converters rather than `int`/`slug`: any id or slug reaches the API view, so an unknown one is a JSON 404
# (Django's own 404 page is HTML).
urlpatterns = [
    path("", views.api_root, name="root"),
    path("statements/", views.StatementList.as_view(), name="statement-list"),
    path("statements/<str:pk>/", views.StatementDetail.as_view(), name="statement-detail"),
    path("officials/", views.OfficialList.as_view(), name="official-list"),
    path("officials/<str:slug>/", views.OfficialDetail.as_view(), name="official-detail"),
    path("topics/", views.TopicList.as_view(), name="topic-list"),
    path("topics/<str:slug>/", views.TopicDetail.as_view(), name="topic-detail"),
    path("countries/", views.CountryList.as_view(), name="country-list"),
    path("countries/<str:code>/", views.CountryDetail.as_view(), name="country-detail"),
]
