from django.urls import path

from . import views, views_export, views_releases
from .alerts import views as alerts
from .cache_outage import FALLBACK_CACHE
from .compare import page as compare
from .feeds import ChangesFeed, StatementFeed
from .ratelimit import rate_limit
from .timeline.coding_facets import coding_facets_page


def searches(request) -> bool:
    return bool(request.GET.get("q", "").strip())


# Per client IP. Searching and exporting are the expensive requests; browsing the timeline is not limited.
limit_search = rate_limit("search", "60/m", when=searches)
limit_export = rate_limit("export", "20/m")
# Error reports are stored rows an Editor reads: a few an hour is plenty for a person, and caps what a script can file.
limit_report = rate_limit("report", "10/h")

# Asking for an alert sends an email: a person sets up a few; a script must not use the form to mail strangers (each
# address also gets at most a few confirmations a day: statements/alerts/subscribing.py). Counted in the database
# while Redis is down; refused when nothing can count.
limit_alerts = rate_limit("alert-subscribe", "10/h", fallback=FALLBACK_CACHE, fail_open=False)

app_name = "statements"

urlpatterns = [
    path("", limit_search(views.timeline), name="timeline"),
    path("facets/codings/", limit_search(coding_facets_page), name="coding_facets"),
    path("export.csv", limit_export(views_export.export_csv), name="export_csv"),
    path(
        "export-codings.csv",
        limit_export(views_export.export_table_csv),
        {"table": "codings"},
        name="export_codings_csv",
    ),
    path("export-links.csv", limit_export(views_export.export_table_csv), {"table": "links"}, name="export_links_csv"),
    path("feed.atom", limit_search(StatementFeed()), name="feed"),
    path("changes.atom", ChangesFeed(), name="changes_feed"),
    path("reports/<slug:name>.csv", limit_export(views_export.report_csv), name="report_csv"),
    path("compare/", compare.compare, name="compare"),
    path("compare.csv", limit_export(compare.compare_csv), name="compare_csv"),
    path("relations/<str:pair>/", compare.relations, name="relations"),
    path("compare.json", limit_export(compare.compare_json), name="compare_json"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/cite.<str:fmt>", views.statement_citation, name="statement_citation"),
    path("statements/<int:pk>/report/", limit_report(views.report_error), name="report_error"),
    path("officials/", views.official_list, name="official_list"),
    path("officials/<slug:slug>/", views.official_detail, name="official_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("alerts/subscribe/", limit_alerts(alerts.subscribe), name="alert_subscribe"),
    path("alerts/subscribe/sent/", alerts.requested, name="alert_requested"),
    path("alerts/confirm/<str:value>/", alerts.confirm_alert, name="alert_confirm"),
    path("alerts/manage/<str:value>/", alerts.manage, name="alert_manage"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe, name="alert_unsubscribe"),
    path("data/", views_releases.data_index, name="data"),
    path("data/latest/", views_releases.latest, name="data_latest"),
    path("data/latest/<str:filename>", views_releases.latest_file, name="data_latest_file"),
    path("data/<str:name>/", views_releases.release_detail, name="data_release"),
    path("about/", views.about, name="about"),
]
