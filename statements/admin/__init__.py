"""Admin curation: catalogue models (countries, officials, topics, outlets, sources), statements, error reports."""

from statements.admin import catalogue, error_reports, statement  # noqa: F401  (importing registers the admins)
