"""Admin curation: catalogue models (countries, officials, topics, outlets, sources), statements, error reports."""

from django.contrib import admin

from statements.admin import alerts, catalogue, error_reports, statement  # noqa: F401  (importing registers the admins)

# The admin's names, in one place: every admin page's title, header and front page read them from the site.
admin.site.site_header = "Statement Tracker"
admin.site.site_title = "Statement Tracker"
admin.site.index_title = "Statement Tracker administration"
