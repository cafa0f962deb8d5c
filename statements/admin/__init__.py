"""Admin curation: catalogue models (countries, officials, topics, outlets, sources) and statements."""

from statements.admin import catalogue, statement  # noqa: F401  (importing registers the admins)
