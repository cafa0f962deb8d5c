"""Indexes for the filter matrix at a million statements (docs/performance.md has the EXPLAIN evidence).

Written as RunSQL because Django cannot declare them itself without editing models.py:
- the many-to-many through tables are auto-created, so they take no Meta.indexes. The filters ask them
  `statement_id WHERE topic_id IN (…)`; Django's own index on topic_id alone makes every hit a table lookup
  (SQLite) or a heap fetch (PostgreSQL). (topic_id, statement_id) answers from the index alone.
- the timeline fetches (id, speaker_id, date) of its first 10,000 matches in one query and counts its facets and
  chart from them (statements/timeline.py); with speaker_id in the status/date index that walk never visits the
  table for the unfiltered and date-filtered timeline.
- the admin's changelist lists every status newest first, which no status-led index serves: without
  (date, id) it sorts the whole table for each page.
The SQL is the same on SQLite and PostgreSQL. RunSQL leaves the migration state alone, so makemigrations stays clean.
"""

from django.db import migrations

INDEXES = [
    ("statement_topics_topic_statement", "statements_statement_topics", "topic_id, statement_id"),
    ("statement_countries_country_statement", "statements_statement_countries", "country_id, statement_id"),
    ("statement_mentions_official_statement", "statements_statement_mentioned_officials", "official_id, statement_id"),
    ("statement_status_date_speaker", "statements_statement", "status, date DESC, id DESC, speaker_id"),
    ("statement_date_id", "statements_statement", "date DESC, id DESC"),
]


class Migration(migrations.Migration):
    dependencies = [("statements", "0004_full_text_search")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX {name}",
        )
        for name, table, columns in INDEXES
    ]
