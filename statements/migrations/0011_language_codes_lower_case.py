"""Language codes in lower case, and an index on the statements' original language.

The timeline's language filter compared `UPPER(language)`, which no index answers: PostgreSQL read all 300,000
sources of the benchmark on each request. With the codes stored in lower case (models.language_code, and the
existing rows lowered here) the filter compares them as they are, through the `source_language` index. The new
index lists the statements said in a rare language (StatementQuerySet.reported_in).

No CHECK constraint enforces the case: adding one makes SQLite copy the whole statements table (a million rows, and
its search triggers refer to other tables while it is renamed). Source.save and Statement.save lower it.
"""

from django.db import migrations, models

LOWER_CASE = [
    "UPDATE statements_source SET language = LOWER(TRIM(language)) WHERE language <> LOWER(TRIM(language))",
    "UPDATE statements_statement SET original_language = LOWER(TRIM(original_language)) "
    "WHERE original_language <> LOWER(TRIM(original_language))",
]


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0010_source_language_index"),
    ]

    operations = [
        *(migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in LOWER_CASE),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["original_language"], name="statement_original_language"),
        ),
    ]
